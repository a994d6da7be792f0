"""The style kit every map shares (no Streamlit here): palettes, the common layout,
trace names, label placement, clicks, ranges.

Every label and hover text is HTML-escaped: Plotly draws a subset of HTML, and
a phrase such as ``<b>hi</b>`` must show as typed.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from explorer.config import CORPUS_COLOR_CATEGORIES, LABEL_CHARS
from explorer.phrases import escape, shorten, wrap_label

#: One colour per phrase, by position; the same phrase list gives the same colours.
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
)  # fmt: skip
POINTS_TRACE = "phrases"
LINE_TRACE = "distance"
LINE_COLOR = "rgba(80, 80, 80, 0.75)"
#: The one grey of categories: "other" (rare values grouped) and missing values.
OTHER_COLOR = "#b0b0b0"
#: Palette colours kept for categories: at least this CIELAB chroma (no near-grey
#: that could pass for "other") and at most this lightness (none fades into the
#: white background).
CATEGORY_MIN_CHROMA = 30.0
CATEGORY_MAX_LIGHTNESS = 85.0
#: Gridlines and no zero line: every chart's axes.
AXIS_STYLE = {"showgrid": True, "gridcolor": "#eee", "zeroline": False}


def chart_config(*, file_stem: str = "embedding-map", zoom: bool = True) -> dict:
    """Plotly config for every chart: no logo, the camera saves ``<file_stem>.png`` at 2x,
    and (``zoom``) the mouse wheel zooms.

    Pass it to ``st.plotly_chart(fig, config=...)`` or
    :func:`explorer.figures.export.figure_html`.

    Example:
        >>> chart_config(file_stem="map")["toImageButtonOptions"]["filename"]
        'map'
        >>> chart_config(zoom=False).get("scrollZoom", False)
        False
    """
    config: dict = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": file_stem, "scale": 2},
    }
    if zoom:
        config["scrollZoom"] = True
    return config


def base_layout(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str | None = None,
    height: int,
    margin: Mapping[str, int] | None = None,
    grid: bool = True,
    **layout: Any,
) -> go.Figure:
    """The layout every chart shares: title and subtitle at the left, a white plot,
    ``AXIS_STYLE`` on both axes (``grid=False``: no gridlines), hover on the closest
    point; ``layout`` adds or overrides (``legend=...``). Returns ``fig``.

    ``title`` and ``subtitle`` are Plotly HTML: escape any phrase in them.

    Example:
        >>> fig = base_layout(go.Figure(), title="t", subtitle="s", height=300)
        >>> fig.layout.title.subtitle.text, fig.layout.plot_bgcolor, fig.layout.xaxis.gridcolor
        ('s', 'white', '#eee')
    """
    heading: dict[str, Any] = {"text": title, "x": 0.01, "xanchor": "left"}
    if subtitle is not None:
        heading["subtitle"] = {"text": subtitle}
    fig.update_layout(
        title=heading,
        height=height,
        margin={"l": 60, "r": 30, "t": 80, "b": 60, **(margin or {})},
        plot_bgcolor="white",
        hovermode="closest",
        **layout,
    )
    axes = {**AXIS_STYLE, "showgrid": grid}
    fig.update_xaxes(**axes)
    fig.update_yaxes(**axes)
    return fig


def cielab(colors: list[str]) -> NDArray[np.float64]:
    """CIELAB (D65) of ``#rrggbb`` colours, one row (L, a, b) each: Euclidean distances
    between rows are perceived colour differences (ΔE 1976).

    Example:
        >>> lab = cielab(["#ffffff", "#000000"])
        >>> lab[:, 0].round(1).tolist(), round(float(np.linalg.norm(lab[0] - lab[1])), 1)
        ([100.0, 0.0], 100.0)
    """
    rgb = np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in colors])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    to_xyz = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    )
    xyz = linear @ to_xyz.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.column_stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])]
    )


def chroma_lightness(color: str) -> tuple[float, float]:
    """A ``#rrggbb`` colour's CIELAB chroma (0 = grey) and lightness (0 black, 100 white).

    Example:
        >>> [round(v) for v in chroma_lightness("#b0b0b0")], round(chroma_lightness("#d62728")[0])
        ([0, 72], 79)
    """
    lightness, a, b = cielab([color])[0]
    return float(np.hypot(a, b)), float(lightness)


@lru_cache(maxsize=1)
def category_palette() -> tuple[str, ...]:
    """``CORPUS_COLOR_CATEGORIES`` colours that tell categories apart, none near grey.

    colorcet's ``glasbey_category10``: Glasbey's method picks each next colour as
    far as possible (in a perceptual colour space) from all before it, starting
    from the familiar Category10 (blue, orange, green, red, ...). Colours with a
    chroma below ``CATEGORY_MIN_CHROMA`` (greys, greyish browns) or lighter than
    ``CATEGORY_MAX_LIGHTNESS`` are left out, so grey means "other" alone.

    Example:
        >>> palette = category_palette()
        >>> len(set(palette)) == len(palette) == CORPUS_COLOR_CATEGORIES, palette[:3]
        (True, ('#1f77b3', '#ff7e0e', '#2ba02b'))
    """
    import colorcet

    colors = list(colorcet.palette["glasbey_category10"])
    lab = cielab(colors)
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    kept = [
        color
        for color, lightness, c in zip(colors, lab[:, 0], chroma, strict=True)
        if c >= CATEGORY_MIN_CHROMA and lightness <= CATEGORY_MAX_LIGHTNESS
    ]
    return tuple(kept[:CORPUS_COLOR_CATEGORIES])


def category_color(position: int) -> str:
    """The colour of the category at ``position``; positions past the palette start it again.

    Example:
        >>> category_color(0) == category_color(CORPUS_COLOR_CATEGORIES) != category_color(1)
        True
    """
    palette = category_palette()
    return palette[position % len(palette)]


def point_label(phrase: str) -> str:
    """A phrase's label on the map: escaped, wrapped over at most two lines.

    Example:
        >>> point_label("<b>hi</b>")
        '&lt;b&gt;hi&lt;/b&gt;'
    """
    return "<br>".join(escape(line) for line in wrap_label(phrase))


def quoted(phrase: str) -> str:
    """A phrase in a legend or hover line: shortened, in quotes, escaped.

    Example:
        >>> quoted("<i>x</i>")
        '“&lt;i&gt;x&lt;/i&gt;”'
    """
    return f"“{escape(shorten(phrase, LABEL_CHARS))}”"


def phrase_color(index: int) -> str:
    """The colour of the phrase at ``index`` (cycles through ``PALETTE``)."""
    return PALETTE[index % len(PALETTE)]


#: Label boxes as shares of the plot's width and height (13 px text on a chart
#: of about 600 x 480 px). Only used to keep labels off each other and the dots.
LABEL_CHAR_WIDTH = 0.011
LABEL_LINE_HEIGHT = 0.042
MARKER_RADIUS = 0.016
#: Plotly text positions tried for each label, best first when all are free.
LABEL_CANDIDATES = (
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)


def _label_size(label: str | None) -> tuple[float, float]:
    lines = (label or "x" * 12).split("<br>")
    chars = max(len(html.unescape(line)) for line in lines)
    return chars * LABEL_CHAR_WIDTH, len(lines) * LABEL_LINE_HEIGHT


def _label_box(position: str, x: float, y: float, w: float, h: float) -> NDArray[np.float64]:
    vertical, horizontal = position.split()
    left = {"center": x - w / 2, "right": x + MARKER_RADIUS, "left": x - MARKER_RADIUS - w}
    bottom = {"top": y + MARKER_RADIUS, "bottom": y - MARKER_RADIUS - h, "middle": y - h / 2}
    x0, y0 = left[horizontal], bottom[vertical]
    return np.array([x0, y0, x0 + w, y0 + h])


def _overlap(box: NDArray, boxes: NDArray) -> float:
    """Total area ``box`` shares with each row of ``boxes`` (x0, y0, x1, y1)."""
    if len(boxes) == 0:
        return 0.0
    dx = np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0])
    dy = np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1])
    return float((np.clip(dx, 0, None) * np.clip(dy, 0, None)).sum())


def label_positions(
    coords: NDArray,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    labels: list[str] | None = None,
) -> list[str]:
    """Choose a text position per point so labels stay inside the plot and apart.

    Each label, in turn, takes the first of ``LABEL_CANDIDATES`` that overlaps
    least with the plot's edge, the labels already placed and the other dots
    (sizes estimated from the label's characters and lines). Deterministic.

    Example:
        >>> label_positions(np.array([[0.0, 0.0], [0.01, 0.0]]), (-1, 1), (-1, 1), ["a", "b"])
        ['top center', 'bottom center']
    """
    (x0, x1), (y0, y1) = x_range, y_range
    width, height = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    points = np.asarray(coords, dtype=float).reshape(-1, 2)
    unit = np.column_stack([(points[:, 0] - x0) / width, (points[:, 1] - y0) / height])
    r = MARKER_RADIUS
    dots = np.column_stack([unit - r, unit + r])
    placed: list[NDArray] = []
    positions: list[str] = []
    for i, (x, y) in enumerate(unit):
        w, h = _label_size(labels[i] if labels is not None else None)
        others = np.delete(dots, i, axis=0)
        best, best_cost = LABEL_CANDIDATES[0], np.inf
        for rank, position in enumerate(LABEL_CANDIDATES):
            box = _label_box(position, x, y, w, h)
            outside = w * h - _overlap(box, np.array([[0.0, 0.0, 1.0, 1.0]]))
            cost = (
                10 * outside
                + 3 * _overlap(box, np.array(placed).reshape(-1, 4))
                + 2 * _overlap(box, others)
                + 1e-6 * rank
            )
            if cost < best_cost:
                best, best_cost = position, cost
        placed.append(_label_box(best, x, y, w, h))
        positions.append(best)
    return positions


def clicked_index(event: Mapping[str, Any] | None, count: int) -> int | None:
    """The phrase a chart selection event points at (its ``customdata``), or ``None``.

    Example:
        >>> clicked_index({"selection": {"points": [{"customdata": 2}]}}, 3)
        2
        >>> clicked_index({"selection": {"points": [{"customdata": [7]}]}}, 3) is None
        True
    """
    points = ((event or {}).get("selection") or {}).get("points") or []
    for point in points:
        index = point.get("customdata") if isinstance(point, Mapping) else None
        if isinstance(index, list):
            index = index[0] if index else None
        if isinstance(index, int) and 0 <= index < count:
            return index
    return None


def labelled_markers(
    coords: NDArray,
    labels: list[str],
    hovers: list[str],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    *,
    name: str,
    marker: Mapping[str, Any],
    font: Mapping[str, Any],
    **trace: Any,
) -> go.Scatter:
    """Markers with text labels placed apart (:func:`label_positions`) and free to
    overflow the plot; ``trace`` adds (``customdata``, ``showlegend``, ...).

    ``labels`` and ``hovers`` must already be escaped.

    Example:
        >>> trace = labelled_markers(np.array([[0, 0], [0.01, 0]]), ["a", "b"], ["a", "b"],
        ...                          (-1, 1), (-1, 1), name="n", marker={}, font={})
        >>> trace.mode, list(trace.textposition)
        ('markers+text', ['top center', 'bottom center'])
    """
    points = np.asarray(coords, dtype=float)
    return go.Scatter(
        x=points[:, 0].tolist(),
        y=points[:, 1].tolist(),
        mode="markers+text",
        name=name,
        text=labels,
        textposition=label_positions(points, x_range, y_range, labels),
        textfont=dict(font),
        hovertext=hovers,
        hovertemplate="%{hovertext}<extra></extra>",
        cliponaxis=False,
        marker=dict(marker),
        **trace,
    )


def points_trace(
    coords: NDArray,
    labels: list[str],
    hovers: list[str],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    *,
    selected: int | None = None,
    size: int = 12,
    font_size: int = 13,
) -> go.Scatter:
    """The phrases as labelled points in their palette colours (``selected`` enlarged).

    ``labels`` and ``hovers`` must already be escaped (see :func:`point_label`).
    ``customdata`` holds each point's phrase index, for click events.

    Example:
        >>> trace = points_trace(np.zeros((2, 2)), ["a", "b"], ["a", "b"], (-1, 1), (-1, 1))
        >>> trace.name, list(trace.customdata)
        ('phrases', [0, 1])
    """
    n = len(labels)
    return labelled_markers(
        coords,
        labels,
        hovers,
        x_range,
        y_range,
        name=POINTS_TRACE,
        font={"size": font_size, "color": "#222"},
        marker={
            "size": [size + 6 if i == selected else size for i in range(n)],
            "color": [phrase_color(i) for i in range(n)],
            "line": {
                "width": [3 if i == selected else 1 for i in range(n)],
                "color": ["#111" if i == selected else "white" for i in range(n)],
            },
        },
        customdata=list(range(n)),
        showlegend=False,
    )


#: Width / height of a map's plotting area as usually drawn (the Playground's
#: chart: about 610 x 480 px). Maps keep x and y on one scale, so Plotly widens
#: one range to fill the area; labels are placed for the ranges it will show.
PLOT_ASPECT = 1.3


def aspect_ranges(
    x_range: tuple[float, float], y_range: tuple[float, float], *, aspect: float = PLOT_ASPECT
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Widen one range about its centre so that x span / y span == ``aspect``.

    Example:
        >>> aspect_ranges((-1, 1), (-1, 1), aspect=1.5)
        ((-1.5, 1.5), (-1.0, 1.0))
    """
    (x0, x1), (y0, y1) = x_range, y_range
    xs, ys = x1 - x0, y1 - y0
    if xs < aspect * ys:
        pad = (aspect * ys - xs) / 2
        return (x0 - pad, x1 + pad), (float(y0), float(y1))
    pad = (xs / aspect - ys) / 2
    return (float(x0), float(x1)), (y0 - pad, y1 + pad)


def padded_range(values: NDArray, *, share: float = 0.18) -> tuple[float, float]:
    """The values' range widened by ``share`` of it on each side (by 1 when all are equal).

    Example:
        >>> padded_range(np.array([0.0, 10.0]), share=0.05), padded_range(np.array([3.0]))
        ((-0.5, 10.5), (2.0, 4.0))
    """
    low, high = float(np.min(values)), float(np.max(values))
    span = high - low
    pad = share * span if span > 1e-9 else 1.0
    return low - pad, high + pad
