"""The map of a large corpus (up to 1,000,000 points) as a Plotly figure; no Streamlit here.

Drawn so a browser stays smooth at 100,000 points and more: WebGL markers
(``Scattergl``) from ``CORPUS_WEBGL_MIN`` points; every per-point array sent as
a binary typed array (float32 coordinates and colour values, int32 row
numbers); hover text shortened to ``CORPUS_HOVER_CHARS``, and none at all above
``CORPUS_HOVER_TEXT_MAX`` points (hover then shows the row and the colour
value from the hover template; a click shows the text); no text labels above
``CORPUS_LABELS_MAX`` points (each thing turned off comes with a note for the
page). Points are grouped by category with numpy, never a Python loop over them.
On top: the hits of a search within the corpus (numbered rings), and a clicked
point with dashed lines to its nearest neighbours in the model's full space,
labelled with their true distance. Every label and hover text is HTML-escaped.
Each point's ``customdata`` is its row number (1-based, as the page's tables and
row box count).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from explorer.config import (
    CORPUS_HOVER_CHARS,
    CORPUS_HOVER_TEXT_MAX,
    CORPUS_LABELS_MAX,
    CORPUS_WEBGL_MIN,
    LABEL_CHARS,
)
from explorer.documents.clusters import Clusters
from explorer.documents.corpus_view import Neighbour
from explorer.figures.clusters import names_trace
from explorer.figures.coloring import MISSING as MISSING
from explorer.figures.coloring import OTHER as OTHER
from explorer.figures.coloring import OTHER_COLOR, counted_order
from explorer.figures.coloring import Coloring as Coloring
from explorer.figures.coloring import category_colors as category_colors
from explorer.figures.coloring import category_order as category_order
from explorer.figures.coloring import coloring as coloring
from explorer.figures.labels import PlotArea, TextLayout, place_line_label
from explorer.figures.style import (
    LINE_COLOR,
    base_layout,
    padded_range,
    placed_text,
)
from explorer.phrases import escape, shorten, template_escape

#: Names of the figure's traces (tests and the page find them by name).
DOCUMENTS_TRACE = "documents"
HITS_TRACE = "search hits"
SELECTED_TRACE = "clicked"
NEIGHBOURS_TRACE = "nearest neighbours"
LINES_TRACE = "neighbour lines"
#: Colour of points when nothing colours them ("other" and missing values take
#: figures.style.OTHER_COLOR).
BASE_COLOR = "#6b8fb3"
#: Colour scale for a numeric column.
NUMBER_SCALE = "Viridis"
#: Points a filter leaves out: one grey, faint trace under the others.
FADED_TRACE = "filtered out"
FADED_COLOR, FADED_OPACITY = "#c4c4c4", 0.2
#: The map's plotting area at its narrowest (the page's width in a 1280 px
#: window, less a legend), and its top and bottom margins, px.
CORPUS_PLOT_WIDTH = 560
MARGIN_TOP, MARGIN_BOTTOM = 90, 68
#: Marker sizes of the marks and font sizes of the text, px.
HIT_SIZE, NEIGHBOUR_SIZE, STAR_SIZE = 14, 11, 20
LABEL_FONT, RANK_FONT, DISTANCE_FONT = 10, 11, 10
#: Where a d= label sits along its line from the clicked point, best first:
#: lines leave one point, so their middles crowd around it.
ALONG = (0.6, 0.7, 0.5, 0.8, 0.4, 0.9)


def hover_texts(texts: Sequence[str], *, prefix: Sequence[str] | None = None) -> list[str]:
    """Escaped hover lines: an optional bold prefix, then the text's start.

    The row number and a category are not repeated in each line: the trace's
    ``hovertemplate`` adds them (from ``customdata`` and the trace's name), which
    keeps 100,000 hover texts a few MB lighter.

    Example:
        >>> hover_texts(["<b>hi</b>", "ok"], prefix=["x = 1", "x = 2"])
        ['<b>x = 1</b><br>&lt;b&gt;hi&lt;/b&gt;', '<b>x = 2</b><br>ok']
    """
    bodies = [escape(shorten(text, CORPUS_HOVER_CHARS)) for text in texts]
    if prefix is None:
        return bodies
    return [f"<b>{escape(head)}</b><br>{body}" for head, body in zip(prefix, bodies, strict=True)]


#: Hover of a corpus point: its row (``customdata``) and text; a category's name first.
ROW_HOVER = "row %{customdata}<br>%{hovertext}<extra></extra>"
CATEGORY_HEAD = "<b>%{fullData.name}</b> · "
CATEGORY_HOVER = CATEGORY_HEAD + ROW_HOVER
#: What hover and a click say above ``CORPUS_HOVER_TEXT_MAX`` points.
ROW_ONLY_NOTE = "Hover shows each point's row; click one to read it."


def hover_text_shown(count: int) -> bool:
    """Whether a map of ``count`` points carries each point's text for its hover.

    Example:
        >>> hover_text_shown(CORPUS_HOVER_TEXT_MAX), hover_text_shown(CORPUS_HOVER_TEXT_MAX + 1)
        (True, False)
    """
    return count <= CORPUS_HOVER_TEXT_MAX


def row_hover(head: str = "", *, text: bool = True) -> str:
    """A corpus point's hover template: ``head`` (already escaped), its row, and its
    text (``hovertext``) where ``text``.

    Example:
        >>> row_hover(CATEGORY_HEAD, text=False)
        '<b>%{fullData.name}</b> · row %{customdata}<extra></extra>'
    """
    return f"{head}row %{{customdata}}" + ("<br>%{hovertext}" if text else "") + "<extra></extra>"


def drawing_notes(count: int) -> list[str]:
    """What the map leaves out for a corpus of ``count`` points, one sentence each.

    Example:
        >>> drawing_notes(10)
        []
        >>> drawing_notes(5_000)[0]
        'Text labels are off above 300 points: hover a point to read its text.'
        >>> drawing_notes(50_000)[1]
        "Points are drawn with WebGL; above 20,000 points the map carries no text. Hover shows each point's row; click one to read it."
    """  # noqa: E501 - a doctest's expected output is one line
    notes = []
    if count > CORPUS_LABELS_MAX:
        notes.append(
            f"Text labels are off above {CORPUS_LABELS_MAX:,} points: "
            + ("hover a point to read its text." if hover_text_shown(count) else
               "click a point to read its text.")
        )  # fmt: skip
    if count >= CORPUS_WEBGL_MIN and hover_text_shown(count):
        notes.append(
            f"Points are drawn with WebGL from {CORPUS_WEBGL_MIN:,} points on; hover shows "
            f"the first {CORPUS_HOVER_CHARS} characters of each text."
        )
    elif count >= CORPUS_WEBGL_MIN:
        notes.append(
            f"Points are drawn with WebGL; above {CORPUS_HOVER_TEXT_MAX:,} points the map "
            f"carries no text. {ROW_ONLY_NOTE}"
        )
    return notes


def _points(
    coords: NDArray[np.float32],
    members: NDArray[np.int64],
    hovers: list[str] | None,
    *,
    name: str,
    marker: dict,
    labels: Labels | None,
    webgl: bool,
    showlegend: bool,
    head: str = "",
) -> go.Scatter | go.Scattergl:
    """One trace of corpus points (``members``: their rows); ``hovers``: every row's
    hover text, or ``None`` for hover from the template alone (``head``, the row)."""
    trace = go.Scattergl if webgl else go.Scatter
    text: dict = {}
    if labels is not None:
        text = {
            "text": [labels.texts[i] for i in members],
            "textposition": [labels.positions[i] for i in members],
            "textfont": {"size": LABEL_FONT, "color": "#444"},
        }
        if not all(labels.shown[i] for i in members):
            text["texttemplate"] = ["%{text}" if labels.shown[i] else "" for i in members]
    if hovers is not None:
        text["hovertext"] = [hovers[i] for i in members]
    return trace(
        x=coords[members, 0],
        y=coords[members, 1],
        mode="markers+text" if labels is not None else "markers",
        **text,
        name=name,
        hovertemplate=row_hover(head, text=hovers is not None),
        customdata=(members + 1).astype(np.int32),  # row numbers, as in the tables
        marker=marker,
        showlegend=showlegend,
        meta={"role": "corpus"},
    )


@dataclass(frozen=True)
class Labels:
    """The documents' labels on the map: each row's text, Plotly position, and
    whether it is drawn (else it is left to the hover)."""

    texts: list[str]
    positions: list[str]
    shown: list[bool]


def point_size(count: int) -> int:
    """The marker size of a corpus of ``count`` points, px.

    Example:
        >>> point_size(100), point_size(50_000)
        (8, 4)
    """
    return 4 if count > 20_000 else 6 if count > 2_000 else 8


def _document_labels(layout: TextLayout, coords: NDArray, texts: Sequence[str]) -> Labels:
    """Labels for a corpus of at most ``CORPUS_LABELS_MAX`` rows, placed after the
    marks' text, each where it overlaps nothing (see :func:`placed_text`)."""
    labels = [escape(shorten(t, LABEL_CHARS)) for t in texts]
    placed = placed_text(
        layout, coords, labels, font={"size": LABEL_FONT}, marker_size=point_size(len(texts))
    )
    template = placed["texttemplate"] or ["%{text}"] * len(labels)
    return Labels(labels, placed["textposition"], [t != "" for t in template])


def category_groups(
    categories: Sequence[str], keep: NDArray[np.bool_]
) -> list[tuple[str, NDArray[np.int64]]]:
    """Each category (in :func:`category_order`) and its rows that ``keep`` keeps, found
    with numpy (``pandas.factorize``), not a Python loop over the rows.

    Example:
        >>> [(c, rows.tolist()) for c, rows in
        ...  category_groups(["b", "a", "b", "other"], np.array([True, True, False, True]))]
        [('b', [0]), ('a', [1]), ('other', [3])]
    """
    import pandas as pd

    codes, names = pd.factorize(np.asarray(categories, dtype=object), sort=False)
    counts = np.bincount(codes, minlength=len(names))
    order = counted_order(dict(zip(names.tolist(), counts.tolist(), strict=True)))
    position = {name: i for i, name in enumerate(names.tolist())}
    groups = []
    for category in order:
        rows = np.flatnonzero((codes == position[category]) & keep).astype(np.int64)
        if len(rows):
            groups.append((category, rows))
    return groups


def _corpus_traces(
    coords: NDArray[np.float32],
    texts: Sequence[str],
    color: Coloring | None,
    labels: Labels | None,
    kept: NDArray[np.bool_] | None = None,
) -> list[go.Scatter | go.Scattergl]:
    n = len(texts)
    webgl = n >= CORPUS_WEBGL_MIN
    size = point_size(n)
    opacity = 0.55 if n > 2_000 else 0.8
    keep = np.ones(n, dtype=bool) if kept is None else np.asarray(kept, dtype=bool)
    hovers = hover_texts(texts) if hover_text_shown(n) else None
    faded = []
    if not keep.all():
        faded = [
            _points(
                coords, np.flatnonzero(~keep).astype(np.int64), hovers,
                name=FADED_TRACE, labels=None, webgl=webgl, showlegend=False,
                marker={"size": size, "color": FADED_COLOR, "opacity": FADED_OPACITY},
                head="<b>filtered out</b> · ",
            )
        ]  # fmt: skip
    if color is None:
        return faded + [
            _points(
                coords, np.flatnonzero(keep).astype(np.int64), hovers, name=DOCUMENTS_TRACE,
                labels=labels, webgl=webgl, showlegend=False,
                marker={"size": size, "color": BASE_COLOR, "opacity": opacity},
            )
        ]  # fmt: skip
    if color.numbers is not None:
        return faded + _number_traces(coords, texts, color, keep, labels=labels, webgl=webgl)
    traces = faded
    groups = category_groups(color.categories or (), keep)
    colours = category_colors([category for category, _ in groups])
    for (category, members), colour in zip(groups, colours, strict=True):
        marker = {"size": size, "opacity": opacity, "color": colour}
        traces.append(
            _points(
                coords, members, hovers, name=template_escape(shorten(category, LABEL_CHARS)),
                labels=labels, webgl=webgl, showlegend=True, marker=marker, head=CATEGORY_HEAD,
            )
        )  # fmt: skip
    return traces


def _number_traces(
    coords: NDArray[np.float32],
    texts: Sequence[str],
    color: Coloring,
    keep: NDArray[np.bool_],
    *,
    labels: Labels | None,
    webgl: bool,
) -> list[go.Scatter | go.Scattergl]:
    """A numeric column: its values on a colour scale (hover names the value), rows
    without one grey, in a trace of their own named ``"(missing)"``."""
    n = len(texts)
    values = np.asarray(color.numbers, dtype=np.float64)
    missing = np.isnan(values)
    size, opacity = point_size(n), 0.55 if n > 2_000 else 0.8
    column = template_escape(shorten(color.column, LABEL_CHARS))
    hovers = None
    head = f"<b>{column} = %{{marker.color:.4~g}}</b> · "
    if hover_text_shown(n):
        shown = [f"{color.column} = {v:g}" if not math.isnan(v) else MISSING for v in values]
        hovers, head = hover_texts(texts, prefix=shown), ""
    traces = []
    present = np.flatnonzero(keep & ~missing).astype(np.int64)
    if len(present):
        marker = {
            "size": size,
            "opacity": opacity,
            "color": values[present].astype(np.float32),
            "colorscale": NUMBER_SCALE,
            "showscale": True,
            "colorbar": {"title": {"text": escape(shorten(color.column, LABEL_CHARS))}},
        }
        traces.append(
            _points(
                coords, present, hovers, name=DOCUMENTS_TRACE, labels=labels, webgl=webgl,
                showlegend=False, marker=marker, head=head,
            )
        )  # fmt: skip
    absent = np.flatnonzero(keep & missing).astype(np.int64)
    if len(absent):
        traces.append(
            _points(
                coords, absent, hovers, name=MISSING, labels=labels, webgl=webgl,
                showlegend=True, head="" if hovers is not None else CATEGORY_HEAD,
                marker={"size": size, "opacity": opacity, "color": OTHER_COLOR},
            )
        )  # fmt: skip
    return traces


def _marks(
    points: NDArray[np.float32],
    rows: list[int],
    *,
    name: str,
    hovers: list[str],
    marker: dict,
    layout: TextLayout | None = None,
) -> go.Scatter:
    """Marks drawn over chosen rows (rings, a star); with a ``layout``, numbered 1,
    2, ... where a number finds a free spot. ``customdata`` holds their row
    numbers, as the corpus points' does."""
    numbered = {}
    ranks = layout is not None
    if layout is not None:
        numbers = [str(rank) for rank in range(1, len(rows) + 1)]
        font = {"size": RANK_FONT, "color": "#111"}
        numbered = {
            "text": numbers,
            "textfont": font,
            **placed_text(layout, points[rows], numbers, font=font, marker_size=marker["size"]),
        }
    return go.Scatter(
        x=points[rows, 0].tolist(),
        y=points[rows, 1].tolist(),
        mode="markers+text" if ranks else "markers",
        name=name,
        customdata=[row + 1 for row in rows],
        hovertext=hovers,
        hovertemplate="%{hovertext}<extra></extra>",
        marker=marker,
        **numbered,
    )


def corpus_figure(
    coords: NDArray,
    texts: Sequence[str],
    *,
    title: str,
    axis_titles: tuple[str, str] = ("", ""),
    color: Coloring | None = None,
    hits: Sequence[int] = (),
    hit_scores: Sequence[float] = (),
    selected: int | None = None,
    neighbours: Sequence[Neighbour] = (),
    space: str = "",
    height: int = 660,
    kept: NDArray[np.bool_] | None = None,
    clusters: Clusters | None = None,
    layers: Sequence[go.Contour | go.Scattergl] = (),
) -> go.Figure:
    """The corpus map: every document a point; search hits, a clicked point and its neighbours.

    Args:
        coords: ``(n, 2)`` map coordinates, one row per text.
        texts: the documents (hover shows their start, escaped).
        title: the figure's title (say the model, dimensions and projection).
        axis_titles: the axes' titles.
        color: from :func:`coloring`, or ``None`` for one colour.
        hits: rows a search found, best first; ``hit_scores`` their scores.
        selected: the clicked row, drawn as a star.
        neighbours: the clicked row's nearest rows in the full space, joined to
            it by dashed lines labelled ``d=…``.
        space: what ``d`` measures, for the subtitle ("cosine distance in all
            384 dimensions").
        kept: one boolean per row; rows where it is false (a filter) fade.
        clusters: clusters with ``centres`` on this map: their names are drawn
            at their centres where they overlap no other text (after the ``d=``
            labels and the hits' numbers).
        layers: more traces drawn over the points, under the marks (density
            contours, a selection; see :mod:`explorer.figures.corpus_layers`).

    Example:
        >>> fig = corpus_figure(np.eye(3)[:, :2], ["a", "<b>b</b>", "c"], title="t",
        ...                     selected=0, neighbours=[Neighbour(1, 0.25)])
        >>> [t.name for t in fig.data]
        ['documents', 'neighbour lines', 'nearest neighbours', 'clicked']
        >>> fig.layout.annotations[0].text, fig.data[0].text[1]
        ('d=0.25', '&lt;b&gt;b&lt;/b&gt;')
    """
    points = np.asarray(coords, dtype=np.float32)
    n = len(texts)
    if points.shape != (n, 2):
        raise ValueError(f"Map coordinates have shape {points.shape}; expected ({n}, 2).")
    x_range = padded_range(points[:, 0], share=0.05) if n else (-1.0, 1.0)
    y_range = padded_range(points[:, 1], share=0.05) if n else (-1.0, 1.0)
    area = PlotArea(CORPUS_PLOT_WIDTH, height - MARGIN_TOP - MARGIN_BOTTOM)
    layout = TextLayout(x_range, y_range, area)
    rows = [nb.index for nb in neighbours] if selected is not None else []
    layout.add_dots(points[list(hits)].reshape(-1, 2), size=HIT_SIZE)
    layout.add_dots(points[rows].reshape(-1, 2), size=NEIGHBOUR_SIZE)
    if selected is not None:
        layout.add_dots(points[selected], size=STAR_SIZE)

    # Text first served: the d= labels, then the hits' numbers, then the documents'.
    traces = []
    if selected is not None and neighbours:
        sx, sy = map(float, points[selected])
        xs: list[float | None] = []
        ys: list[float | None] = []
        for neighbour in neighbours:
            nx, ny = map(float, points[neighbour.index])
            xs += [sx, nx, None]
            ys += [sy, ny, None]
            text = f"d={neighbour.distance:.2f}"
            spot = place_line_label(
                layout, (sx, sy), (nx, ny), text, font_size=DISTANCE_FONT, along=ALONG
            )
            if spot is not None:
                layout.annotations.append(
                    {
                        "x": spot[0],
                        "y": spot[1],
                        "text": text,
                        "showarrow": False,
                        "font": {"size": DISTANCE_FONT, "color": "#333"},
                        "bgcolor": "rgba(255, 255, 255, 0.75)",
                        "name": "distance label",
                    }
                )
        traces.append(
            go.Scatter(
                x=xs, y=ys, mode="lines", name=LINES_TRACE, hoverinfo="skip", showlegend=False,
                line={"dash": "dash", "width": 1.2, "color": LINE_COLOR},
            )
        )  # fmt: skip
        traces.append(
            _marks(
                points, rows, name=NEIGHBOURS_TRACE,
                hovers=[
                    f"<b>Neighbour {rank}</b>, d={nb.distance:.3f} ({escape(space)})<br>"
                    f"{escape(shorten(texts[nb.index], CORPUS_HOVER_CHARS))}"
                    for rank, nb in enumerate(neighbours, start=1)
                ],
                marker={"size": NEIGHBOUR_SIZE, "symbol": "circle-open", "color": "#d62728",
                        "line": {"width": 2}},
            )
        )  # fmt: skip
    if hits:
        hit_rows = list(hits)
        scores = list(hit_scores) or [math.nan] * len(hit_rows)
        traces.append(
            _marks(
                points, hit_rows, name=HITS_TRACE,
                hovers=[
                    f"<b>Hit {rank}</b>"
                    + (f", score {score:.3f}" if not math.isnan(score) else "")
                    + f"<br>{escape(shorten(texts[row], CORPUS_HOVER_CHARS))}"
                    for rank, (row, score) in enumerate(
                        zip(hit_rows, scores, strict=True), start=1
                    )
                ],
                marker={"size": HIT_SIZE, "symbol": "circle-open", "color": "#111",
                        "line": {"width": 2.5}},
                layout=layout,
            )
        )  # fmt: skip
    if clusters is not None and clusters.centres is not None and clusters.count:
        traces.append(names_trace(clusters, layout))
    if selected is not None:
        traces.append(
            _marks(
                points,
                [selected],
                name=SELECTED_TRACE,
                hovers=[
                    f"<b>Clicked</b> · row {selected + 1}<br>"
                    f"{escape(shorten(texts[selected], CORPUS_HOVER_CHARS))}"
                ],
                marker={"size": STAR_SIZE, "symbol": "star", "color": "#f5b700",
                        "line": {"width": 1.5}},
            )
        )  # fmt: skip
    labels = None
    if 0 < n <= CORPUS_LABELS_MAX:
        # The marks' text may cover a document's dot; the documents' labels may not.
        layout.add_dots(points, size=point_size(n))
        labels = _document_labels(layout, points, texts)
    fig = go.Figure(_corpus_traces(points, texts, color, labels, kept) + list(layers) + traces)
    subtitle = (
        "Each point is one document; hover to read it, click one to see its nearest neighbours."
    )
    if neighbours:
        subtitle = (
            f"Dashed lines: the clicked ★ → its {len(neighbours)} nearest neighbours, "
            f"d = {escape(space)}, not as drawn."
        )
    base_layout(
        fig,
        title=title,
        subtitle=subtitle,
        height=height,
        margin={"t": MARGIN_TOP, "b": MARGIN_BOTTOM},
        annotations=layout.annotations,
        legend={"itemsizing": "constant"},
        dragmode="pan",
        uirevision="corpus-map",
    )
    if n:
        fig.update_xaxes(title={"text": axis_titles[0]}, range=list(x_range))
        fig.update_yaxes(title={"text": axis_titles[1]}, range=list(y_range))
    return fig
