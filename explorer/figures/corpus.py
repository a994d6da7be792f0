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

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from explorer.config import (
    CORPUS_HOVER_CHARS,
    CORPUS_LABELS_MAX,
    LABEL_CHARS,
)
from explorer.documents.clusters import Clusters
from explorer.documents.corpus_view import Neighbour
from explorer.figures.clusters import names_trace
from explorer.figures.coloring import MISSING as MISSING
from explorer.figures.coloring import OTHER as OTHER
from explorer.figures.coloring import Coloring as Coloring
from explorer.figures.coloring import category_colors as category_colors
from explorer.figures.coloring import category_order as category_order
from explorer.figures.coloring import coloring as coloring
from explorer.figures.corpus_points import BASE_COLOR as BASE_COLOR
from explorer.figures.corpus_points import CATEGORY_HEAD as CATEGORY_HEAD
from explorer.figures.corpus_points import CATEGORY_HOVER as CATEGORY_HOVER
from explorer.figures.corpus_points import DOCUMENTS_TRACE as DOCUMENTS_TRACE
from explorer.figures.corpus_points import FADED_COLOR as FADED_COLOR
from explorer.figures.corpus_points import FADED_OPACITY as FADED_OPACITY
from explorer.figures.corpus_points import FADED_TRACE as FADED_TRACE
from explorer.figures.corpus_points import (
    LABEL_FONT,
    Labels,
    category_groups,
    corpus_traces,
    point_size,
    raster_groups,
)
from explorer.figures.corpus_points import NUMBER_SCALE as NUMBER_SCALE
from explorer.figures.corpus_points import ROW_HOVER as ROW_HOVER
from explorer.figures.corpus_points import ROW_ONLY_NOTE as ROW_ONLY_NOTE
from explorer.figures.corpus_points import drawing_notes as drawing_notes
from explorer.figures.corpus_points import hover_text_shown as hover_text_shown
from explorer.figures.corpus_points import hover_texts as hover_texts
from explorer.figures.corpus_points import row_hover as row_hover
from explorer.figures.corpus_raster import (
    ZOOM_NOTE,
    View,
    drawn_rows,
    in_view,
    raster_image,
    sampled,
)
from explorer.figures.labels import PlotArea, TextLayout, place_line_label
from explorer.figures.marks import distance_label
from explorer.figures.style import (
    LINE_COLOR,
    base_layout,
    padded_range,
    placed_text,
)
from explorer.phrases import escape, shorten

#: Names of the figure's traces (tests and the page find them by name).
HITS_TRACE = "search hits"
SELECTED_TRACE = "clicked"
NEIGHBOURS_TRACE = "nearest neighbours"
LINES_TRACE = "neighbour lines"
#: The map's plotting area at its narrowest (the page's width in a 1280 px
#: window, less a legend), and its top and bottom margins, px.
CORPUS_PLOT_WIDTH = 560
MARGIN_TOP, MARGIN_BOTTOM = 90, 68
#: Marker sizes of the marks and font sizes of the text, px.
HIT_SIZE, NEIGHBOUR_SIZE, STAR_SIZE = 14, 11, 20
RANK_FONT, DISTANCE_FONT = 11, 10
#: Where a d= label sits along its line from the clicked point, best first:
#: lines leave one point, so their middles crowd around it.
ALONG = (0.6, 0.7, 0.5, 0.8, 0.4, 0.9)


def _document_labels(layout: TextLayout, coords: NDArray, texts: Sequence[str]) -> Labels:
    """Labels for a corpus of at most ``CORPUS_LABELS_MAX`` rows, placed after the
    marks' text, each where it overlaps nothing (see :func:`placed_text`)."""
    labels = [escape(shorten(t, LABEL_CHARS)) for t in texts]
    placed = placed_text(
        layout, coords, labels, font={"size": LABEL_FONT}, marker_size=point_size(len(texts))
    )
    template = placed["texttemplate"] or ["%{text}"] * len(labels)
    return Labels(labels, placed["textposition"], [t != "" for t in template])


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
    view: View | None = None,
    revision: str = "corpus-map",
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
        view: above ``CORPUS_POINTS_MAX`` points, the ``((x0, x1), (y0, y1))`` zoomed
            in to: the image and the points are drawn for it (its rows up to
            ``CORPUS_SAMPLE_POINTS``, else a seeded sample of them); the layout's
            ``meta`` says so (``zoom_detail``, ``zoom_note``). Ignored on smaller maps.
        revision: the layout's ``uirevision``: the browser keeps its zoom while it stays
            the same (give each map, a corpus in a projection, its own).

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
    zoomed = view is not None and sampled(n)
    if zoomed:
        x_range, y_range = view
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
                    distance_label(spot, text, hovertext=escape(space), font_size=DISTANCE_FONT)
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
    drawn = drawn_rows(n, coords=points, view=view if zoomed else None)
    as_image = sampled(n)
    keep = np.ones(n, dtype=bool) if kept is None else np.asarray(kept, dtype=bool)
    found = None
    if color is not None and color.categories is not None:
        found = category_groups(color.categories, keep)  # once, for the points and the image
    fig = go.Figure(
        corpus_traces(points, texts, color, labels, kept, drawn if as_image else None, found)
        + list(layers)
        + traces
    )
    if as_image:  # every point in one image under the sample's points
        groups = raster_groups(color, keep, found)
        fig.update_layout(images=[raster_image(points, groups, x_range=x_range, y_range=y_range)])
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
        # Pan by default, box and lasso from the mode bar; a click selects its point, so
        # the chart (explorer/ui/map_chart.js) hears it as a selection event.
        dragmode="pan",
        clickmode="event+select",
        uirevision=revision,
    )
    if as_image:  # the chart sends its zoom (explorer/ui/map_chart.js): the page redraws it
        meta = {"zoom_detail": True}
        if zoomed:
            inside = int(in_view(points, view).sum())
            shown = "all" if drawn.sum() == inside else f"{int(drawn.sum()):,}"
            meta["zoom_note"] = ZOOM_NOTE.format(inside=inside, shown=shown)
        fig.update_layout(meta=meta)
    if n:
        fig.update_xaxes(title={"text": axis_titles[0]}, range=list(x_range))
        fig.update_yaxes(title={"text": axis_titles[1]}, range=list(y_range))
    return fig
