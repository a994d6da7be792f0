"""The map of a large corpus (up to 100,000 points) as a Plotly figure; no Streamlit here.

Drawn so a browser stays smooth at 100,000 points: WebGL markers
(``Scattergl``) from ``CORPUS_WEBGL_MIN`` points, coordinates sent as binary
float32 arrays, hover text shortened to ``CORPUS_HOVER_CHARS``, and no text
labels above ``CORPUS_LABELS_MAX`` points (each thing turned off comes with a
note for the page). On top: the hits of a search within the corpus (numbered
rings), and a clicked point with dashed lines to its nearest neighbours in the
model's full space, labelled with their true distance. Every label and hover
text is HTML-escaped. Each point's ``customdata`` is its row number (1-based,
as the page's tables and row box count).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from explorer.config import (
    CORPUS_COLOR_CATEGORIES,
    CORPUS_HOVER_CHARS,
    CORPUS_LABELS_MAX,
    CORPUS_WEBGL_MIN,
    LABEL_CHARS,
)
from explorer.documents.corpus_view import Neighbour
from explorer.figures.style import (
    LINE_COLOR,
    OTHER_COLOR,
    base_layout,
    category_color,
    padded_range,
)
from explorer.phrases import escape, shorten

#: Names of the figure's traces (tests and the page find them by name).
DOCUMENTS_TRACE = "documents"
HITS_TRACE = "search hits"
SELECTED_TRACE = "clicked"
NEIGHBOURS_TRACE = "nearest neighbours"
LINES_TRACE = "neighbour lines"
#: Colour of points when nothing colours them ("other" and missing values take
#: figures.style.OTHER_COLOR).
BASE_COLOR = "#6b8fb3"
OTHER = "other"
MISSING = "(missing)"
#: Colour scale for a numeric column.
NUMBER_SCALE = "Viridis"


@dataclass(frozen=True, eq=False)
class Coloring:
    """How one column colours the map.

    Attributes:
        column: the column's name.
        categories: for a categorical column, the category of each row (rare
            ones become ``"other"``, empty ones ``"(missing)"``); else ``None``.
        numbers: for a numeric column, each row's value (NaN when missing); else ``None``.
        note: a sentence when values were grouped or left grey, else ``None``.
    """

    column: str
    categories: tuple[str, ...] | None = None
    numbers: NDArray[np.float64] | None = None
    note: str | None = None


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    return None


def coloring(values: Sequence[object], *, column: str) -> Coloring:
    """Colour by ``values`` (one per row): numbers on a colour scale, anything else by category.

    A column counts as numeric when every value present is a number and it has
    more distinct values than ``CORPUS_COLOR_CATEGORIES``. Categories beyond
    the ``CORPUS_COLOR_CATEGORIES`` most common share one grey "other".

    Example:
        >>> coloring(["cars", "food", None, "cars"], column="topic").categories
        ('cars', 'food', '(missing)', 'cars')
        >>> coloring([float(i) for i in range(30)], column="stars").numbers[:3].tolist()
        [0.0, 1.0, 2.0]
    """
    values = list(values)
    present = [v for v in values if not _is_missing(v)]
    numbers = [_as_number(v) for v in present]
    if present and all(n is not None for n in numbers):
        if len(set(numbers)) > CORPUS_COLOR_CATEGORIES:
            array = np.array(
                [np.nan if _is_missing(v) else _as_number(v) for v in values], dtype=np.float64
            )
            missing = int(np.isnan(array).sum())
            note = None
            if missing:
                note = f"{missing:,} rows have no “{column}” value and are drawn grey."
            return Coloring(column=column, numbers=array, note=note)
    labels = [MISSING if _is_missing(v) else _category_label(v) for v in values]
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    ranked = sorted((c for c in counts if c != MISSING), key=lambda c: (-counts[c], c))
    kept = set(ranked[:CORPUS_COLOR_CATEGORIES])
    note = None
    if len(ranked) > CORPUS_COLOR_CATEGORIES:
        rare = len(ranked) - CORPUS_COLOR_CATEGORIES
        note = (
            f"“{column}” has {len(ranked):,} distinct values: the "
            f"{CORPUS_COLOR_CATEGORIES} most common get a colour, the other {rare:,} are "
            f"grey (“{OTHER}”)."
        )
        labels = [label if label in kept or label == MISSING else OTHER for label in labels]
    return Coloring(column=column, categories=tuple(labels), note=note)


def _category_label(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def category_order(categories: Sequence[str]) -> list[str]:
    """Categories by how common they are, ``"other"`` and ``"(missing)"`` last.

    Example:
        >>> category_order(["b", "a", "other", "b", "(missing)"])
        ['b', 'a', 'other', '(missing)']
    """
    counts: dict[str, int] = {}
    for category in categories:
        counts[category] = counts.get(category, 0) + 1
    special = [c for c in (OTHER, MISSING) if c in counts]
    usual = sorted((c for c in counts if c not in special), key=lambda c: (-counts[c], c))
    return usual + special


def category_colors(categories: Sequence[str]) -> list[str]:
    """The colour of each category in ``categories`` (as :func:`category_order` gives
    them): each its own from the category palette, grey for ``"other"`` and ``"(missing)"``.

    Example:
        >>> category_colors(["cars", "food", "other"])
        ['#1f77b3', '#ff7e0e', '#b0b0b0']
    """
    return [
        OTHER_COLOR if category in (OTHER, MISSING) else category_color(position)
        for position, category in enumerate(categories)
    ]


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
CATEGORY_HOVER = "<b>%{fullData.name}</b> · " + ROW_HOVER


def drawing_notes(count: int) -> list[str]:
    """What the map leaves out for a corpus of ``count`` points, one sentence each.

    Example:
        >>> drawing_notes(10)
        []
        >>> drawing_notes(50_000)[0]
        'Text labels are off above 300 points: hover a point to read its text.'
    """
    notes = []
    if count > CORPUS_LABELS_MAX:
        notes.append(
            f"Text labels are off above {CORPUS_LABELS_MAX:,} points: hover a point to read "
            "its text."
        )
    if count >= CORPUS_WEBGL_MIN:
        notes.append(
            f"Points are drawn with WebGL from {CORPUS_WEBGL_MIN:,} points on; hover shows "
            f"the first {CORPUS_HOVER_CHARS} characters of each text."
        )
    return notes


def _points(
    coords: NDArray[np.float32],
    members: NDArray[np.int64],
    hovers: list[str],
    *,
    name: str,
    marker: dict,
    labels: list[str] | None,
    webgl: bool,
    showlegend: bool,
    hovertemplate: str = ROW_HOVER,
) -> go.Scatter | go.Scattergl:
    trace = go.Scattergl if webgl else go.Scatter
    return trace(
        x=coords[members, 0],
        y=coords[members, 1],
        mode="markers+text" if labels is not None else "markers",
        text=None if labels is None else [labels[i] for i in members],
        textposition="top center",
        textfont={"size": 10, "color": "#444"},
        name=name,
        hovertext=[hovers[i] for i in members],
        hovertemplate=hovertemplate,
        customdata=(members + 1).astype(np.int32),  # row numbers, as in the tables
        marker=marker,
        showlegend=showlegend,
        meta={"role": "corpus"},
    )


def _corpus_traces(
    coords: NDArray[np.float32], texts: Sequence[str], color: Coloring | None
) -> list[go.Scatter | go.Scattergl]:
    n = len(texts)
    webgl = n >= CORPUS_WEBGL_MIN
    size = 4 if n > 20_000 else 6 if n > 2_000 else 8
    opacity = 0.55 if n > 2_000 else 0.8
    labels = [escape(shorten(t, LABEL_CHARS)) for t in texts] if n <= CORPUS_LABELS_MAX else None
    everyone = np.arange(n, dtype=np.int64)
    if color is None:
        return [
            _points(
                coords, everyone, hover_texts(texts), name=DOCUMENTS_TRACE, labels=labels,
                webgl=webgl, showlegend=False,
                marker={"size": size, "color": BASE_COLOR, "opacity": opacity},
            )
        ]  # fmt: skip
    if color.numbers is not None:
        values = color.numbers
        shown = [f"{color.column} = {v:g}" if not math.isnan(v) else MISSING for v in values]
        marker = {
            "size": size,
            "opacity": opacity,
            "color": np.where(np.isnan(values), np.nanmin(values), values).astype(np.float32),
            "colorscale": NUMBER_SCALE,
            "showscale": True,
            "colorbar": {"title": {"text": escape(shorten(color.column, LABEL_CHARS))}},
        }
        return [
            _points(
                coords, everyone, hover_texts(texts, prefix=shown), name=DOCUMENTS_TRACE,
                labels=labels, webgl=webgl, showlegend=False, marker=marker,
            )
        ]  # fmt: skip
    categories = color.categories or ()
    hovers = hover_texts(texts)
    groups: dict[str, list[int]] = {}
    for i, category in enumerate(categories):
        groups.setdefault(category, []).append(i)
    traces = []
    order = category_order(categories)
    for category, colour in zip(order, category_colors(order), strict=True):
        members = np.asarray(groups[category], dtype=np.int64)
        marker = {"size": size, "opacity": opacity, "color": colour}
        traces.append(
            _points(
                coords, members, hovers, name=escape(shorten(category, LABEL_CHARS)),
                labels=labels, webgl=webgl, showlegend=True, marker=marker,
                hovertemplate=CATEGORY_HOVER,
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
    ranks: bool = False,
) -> go.Scatter:
    """Marks drawn over chosen rows (rings, a star); ``ranks`` numbers them 1, 2, ...
    ``customdata`` holds their row numbers, as the corpus points' does."""
    numbered = {}
    if ranks:
        numbered = {
            "text": [str(rank) for rank in range(1, len(rows) + 1)],
            "textposition": "top right",
            "textfont": {"size": 11, "color": "#111"},
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
    fig = go.Figure(_corpus_traces(points, texts, color))
    annotations = []
    if selected is not None and neighbours:
        sx, sy = map(float, points[selected])
        xs: list[float | None] = []
        ys: list[float | None] = []
        for neighbour in neighbours:
            nx, ny = map(float, points[neighbour.index])
            xs += [sx, nx, None]
            ys += [sy, ny, None]
            annotations.append(
                {
                    "x": sx + 0.6 * (nx - sx),
                    "y": sy + 0.6 * (ny - sy),
                    "text": f"d={neighbour.distance:.2f}",
                    "showarrow": False,
                    "font": {"size": 10, "color": "#333"},
                    "bgcolor": "rgba(255, 255, 255, 0.75)",
                    "name": "distance label",
                }
            )
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", name=LINES_TRACE, hoverinfo="skip", showlegend=False,
                line={"dash": "dash", "width": 1.2, "color": LINE_COLOR},
            )
        )  # fmt: skip
        fig.add_trace(
            _marks(
                points, [nb.index for nb in neighbours], name=NEIGHBOURS_TRACE,
                hovers=[
                    f"<b>Neighbour {rank}</b>, d={nb.distance:.3f} ({escape(space)})<br>"
                    f"{escape(shorten(texts[nb.index], CORPUS_HOVER_CHARS))}"
                    for rank, nb in enumerate(neighbours, start=1)
                ],
                marker={"size": 11, "symbol": "circle-open", "color": "#d62728",
                        "line": {"width": 2}},
            )
        )  # fmt: skip
    if hits:
        rows = list(hits)
        scores = list(hit_scores) or [math.nan] * len(rows)
        fig.add_trace(
            _marks(
                points, rows, name=HITS_TRACE,
                hovers=[
                    f"<b>Hit {rank}</b>"
                    + (f", score {score:.3f}" if not math.isnan(score) else "")
                    + f"<br>{escape(shorten(texts[row], CORPUS_HOVER_CHARS))}"
                    for rank, (row, score) in enumerate(zip(rows, scores, strict=True), start=1)
                ],
                marker={"size": 14, "symbol": "circle-open", "color": "#111",
                        "line": {"width": 2.5}},
                ranks=True,
            )
        )  # fmt: skip
    if selected is not None:
        fig.add_trace(
            _marks(
                points,
                [selected],
                name=SELECTED_TRACE,
                hovers=[
                    f"<b>Clicked</b> · row {selected + 1}<br>"
                    f"{escape(shorten(texts[selected], CORPUS_HOVER_CHARS))}"
                ],
                marker={"size": 20, "symbol": "star", "color": "#f5b700", "line": {"width": 1.5}},
            )
        )
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
        margin={"t": 90, "b": 55},
        annotations=annotations,
        legend={"itemsizing": "constant"},
        dragmode="pan",
        uirevision="corpus-map",
    )
    if n:
        x_range = list(padded_range(points[:, 0], share=0.05))
        y_range = list(padded_range(points[:, 1], share=0.05))
        fig.update_xaxes(title={"text": axis_titles[0]}, range=x_range)
        fig.update_yaxes(title={"text": axis_titles[1]}, range=y_range)
    return fig
