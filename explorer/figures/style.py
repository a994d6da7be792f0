"""The style kit every map shares (no Streamlit here): palettes, the common layout,
trace names, label placement, clicks, ranges.

Every label and hover text is HTML-escaped: Plotly draws a subset of HTML, and
a phrase such as ``<b>hi</b>`` must show as typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from explorer.config import LABEL_CHARS
from explorer.figures.coloring import CATEGORY_MAX_LIGHTNESS as CATEGORY_MAX_LIGHTNESS
from explorer.figures.coloring import CATEGORY_MIN_CHROMA as CATEGORY_MIN_CHROMA
from explorer.figures.coloring import OTHER_COLOR as OTHER_COLOR
from explorer.figures.coloring import category_color as category_color
from explorer.figures.coloring import category_palette as category_palette
from explorer.figures.coloring import chroma_lightness as chroma_lightness
from explorer.figures.coloring import cielab as cielab
from explorer.figures.labels import LABEL_CHAR_WIDTH as LABEL_CHAR_WIDTH
from explorer.figures.labels import LABEL_LINE_HEIGHT as LABEL_LINE_HEIGHT
from explorer.figures.labels import (
    TextLayout,
    label_positions,
    place_point_labels,
    wrap_text,
)
from explorer.phrases import escape, shorten, template_escape, wrap_label

#: One colour per phrase, by position; the same phrase list gives the same colours.
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
)  # fmt: skip
POINTS_TRACE = "phrases"
LINE_TRACE = "distance"
#: The name of every line's d= label annotation.
DISTANCE_LABEL = "distance label"
LINE_COLOR = "rgba(80, 80, 80, 0.75)"
#: Gridlines and no zero line: every chart's axes.
AXIS_STYLE = {"showgrid": True, "gridcolor": "#eee", "zeroline": False}


def chart_config(
    *, file_stem: str = "embedding-map", zoom: bool = True, sharp_gl: bool = True
) -> dict:
    """Plotly config for every chart: no logo, the camera saves ``<file_stem>.png`` at 2x,
    and (``zoom``) the mouse wheel zooms. ``sharp_gl=False`` draws WebGL points at one
    canvas pixel per screen pixel, not Plotly's two: a quarter of the pixels to draw and
    composite (a 100,000-point map redrew in 0.58 s instead of 0.97 s in software GL).

    Pass it to ``st.plotly_chart(fig, config=...)`` or
    :func:`explorer.figures.export.figure_html`.

    Example:
        >>> chart_config(file_stem="map")["toImageButtonOptions"]["filename"]
        'map'
        >>> chart_config(zoom=False).get("scrollZoom", False)
        False
        >>> chart_config(sharp_gl=False)["plotGlPixelRatio"], "plotGlPixelRatio" in chart_config()
        (1, False)
    """
    config: dict = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": file_stem, "scale": 2},
    }
    if zoom:
        config["scrollZoom"] = True
    if not sharp_gl:
        config["plotGlPixelRatio"] = 1
    return config


#: Title and subtitle font sizes in the app's charts (Streamlit's theme), px;
#: the title is bold 16 px text, whose width measures 0.96 of the estimate at 15 px.
TITLE_FONT = 15
SUBTITLE_FONT = 11
#: The top margin, px: down to the subtitle's first line (below a one-line
#: title), each line of subtitle or title more, and a gap above the plot.
TITLE_BLOCK = 60
TITLE_LINE = 21
SUBTITLE_LINE = 14.5
TITLE_GAP = 8


def with_data_revision(fig: go.Figure) -> go.Figure:
    """``fig`` with ``layout.datarevision`` set to a digest of what it draws, in place.

    Without it Plotly.react takes data arrays as immutable: an array of another identity
    is new data, and every figure decoded from JSON has new arrays. With a revision that
    changes only when the data does, a figure that changes only its layout is not
    recomputed (a 100,000-point map once was, twice per rerun, in ``st.plotly_chart``).

    Example:
        >>> a = with_data_revision(go.Figure(go.Scattergl(x=[1, 2], y=[3, 4])))
        >>> b = with_data_revision(go.Figure(go.Scattergl(x=[1, 2], y=[3, 5])))
        >>> len(a.layout.datarevision), a.layout.datarevision != b.layout.datarevision
        (16, True)
    """
    import hashlib

    import plotly.io as pio

    fig.layout.datarevision = None
    drawn = pio.to_json(fig, validate=False)  # arrays as base64: 0.03 s at 100,000 points
    fig.layout.datarevision = hashlib.sha256(drawn.encode()).hexdigest()[:16]
    return fig


def fit_heading(
    title: str, subtitle: str | None, *, width: int, top: int = 80
) -> tuple[str, str | None, int]:
    """Title and subtitle broken into lines that fit a chart ``width`` px wide, and
    the top margin that holds them (at least ``top``).

    Example:
        >>> fit_heading("A map", "d = cosine distance in all 384 dimensions", width=200)
        ('A map', 'd = cosine distance in all 384<br>dimensions', 97)
    """
    room = width - 0.01 * width - 8
    title = wrap_text(title, width=room, font_size=TITLE_FONT)
    lines = 0
    if subtitle is not None:
        subtitle = wrap_text(subtitle, width=room, font_size=SUBTITLE_FONT)
        lines = subtitle.count("<br>") + 1
    needed = TITLE_BLOCK + TITLE_LINE * title.count("<br>") + SUBTITLE_LINE * lines
    return title, subtitle, max(top, round(needed + TITLE_GAP))


def base_layout(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str | None = None,
    height: int,
    margin: Mapping[str, int] | None = None,
    grid: bool = True,
    width: int | None = None,
    **layout: Any,
) -> go.Figure:
    """The layout every chart shares: title and subtitle at the left, a white plot,
    ``AXIS_STYLE`` on both axes (``grid=False``: no gridlines), hover on the closest
    point; ``layout`` adds or overrides (``legend=...``). Returns ``fig``.

    ``width``: the narrowest the chart is drawn, px. The title and subtitle are
    then broken into lines that fit it, and the top margin grows to hold them,
    so no line runs off the chart or onto the plot.
    ``title`` and ``subtitle`` are Plotly HTML: escape any phrase in them.

    Example:
        >>> fig = base_layout(go.Figure(), title="t", subtitle="s", height=300)
        >>> fig.layout.title.subtitle.text, fig.layout.plot_bgcolor, fig.layout.xaxis.gridcolor
        ('s', 'white', '#eee')
        >>> fig = base_layout(go.Figure(), title="t", subtitle="a b c d e f g h i", height=300,
        ...                   width=60)
        >>> fig.layout.title.subtitle.text, fig.layout.margin.t
        ('a b c d e f<br>g h i', 97)
    """
    margins = {"l": 60, "r": 30, "t": 80, "b": 60, **(margin or {})}
    if width is not None:
        title, subtitle, margins["t"] = fit_heading(title, subtitle, width=width, top=margins["t"])
    heading: dict[str, Any] = {"text": title, "x": 0.01, "xanchor": "left"}
    if subtitle is not None:
        heading["subtitle"] = {"text": subtitle}
    fig.update_layout(
        title=heading,
        height=height,
        margin=margins,
        plot_bgcolor="white",
        hovermode="closest",
        **layout,
    )
    axes = {**AXIS_STYLE, "showgrid": grid}
    fig.update_xaxes(**axes)
    fig.update_yaxes(**axes)
    return fig


#: A legend under the plot: how far below the plot its top sits (under the x
#: axis's ticks and title), and the height of one row of it, px.
LEGEND_DROP = 62
LEGEND_ROW = 20


def legend_below(*, plot_height: float) -> dict[str, Any]:
    """A horizontal legend under the x axis's title, for a plot ``plot_height`` px
    tall; leave ``LEGEND_DROP`` px plus ``LEGEND_ROW`` per row of bottom margin.

    Example:
        >>> legend_below(plot_height=310)["y"]
        -0.2
    """
    return {
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "y": round(-LEGEND_DROP / plot_height, 4),
        "yanchor": "top",
    }


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
    return f"“{template_escape(shorten(phrase, LABEL_CHARS))}”"


def phrase_color(index: int) -> str:
    """The colour of the phrase at ``index`` (cycles through ``PALETTE``)."""
    return PALETTE[index % len(PALETTE)]


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


#: A callout's look: the label on a white box, a thin grey line to its point.
CALLOUT_STYLE = {
    "showarrow": True,
    "arrowhead": 0,
    "arrowwidth": 1,
    "arrowcolor": "#999",
    "bgcolor": "rgba(255, 255, 255, 0.85)",
    "borderpad": 2,
    "name": "callout",
}


def placed_text(
    layout: TextLayout,
    coords: NDArray,
    labels: list[str],
    *,
    font: Mapping[str, Any],
    marker_size: float | list[float],
    order: list[int] | None = None,
    callouts: bool = False,
) -> dict[str, Any]:
    """A scatter trace's ``textposition`` and ``texttemplate`` for labels placed by
    ``layout`` (:func:`~explorer.figures.labels.place_point_labels`): a label with no
    free spot beside its point shows nothing there (``texttemplate`` ""), and with
    ``callouts`` becomes an annotation in ``layout.annotations``.

    Example:
        >>> from explorer.figures.labels import PlotArea
        >>> layout = TextLayout((0, 1), (0, 1), PlotArea(200, 200))
        >>> placed_text(layout, np.array([[0.5, 0.5], [0.5, 0.5]]), ["a cat", "a cat"],
        ...             font={"size": 13}, marker_size=12)
        {'textposition': ['top center', 'bottom center'], 'texttemplate': None}
        >>> placed_text(layout, np.array([[0.5, 0.5]]), ["a dog " * 10], font={"size": 13},
        ...             marker_size=12)["texttemplate"]
        ['']
    """
    points = np.asarray(coords, dtype=float).reshape(-1, 2)
    spots = place_point_labels(
        layout, points, labels, font_size=float(font.get("size", 13)), marker_size=marker_size,
        order=order, callouts=callouts,
    )  # fmt: skip
    for (x, y), label, spot in zip(points, labels, spots, strict=True):
        if spot is not None and spot.is_callout:
            layout.annotations.append(
                {**CALLOUT_STYLE, "x": float(x), "y": float(y), "ax": spot.ax, "ay": spot.ay,
                 "text": label, "font": dict(font)}
            )  # fmt: skip
    shown = [spot is not None and not spot.is_callout for spot in spots]
    return {
        "textposition": [s.position if s and s.position else "top center" for s in spots],
        "texttemplate": None if all(shown) else ["%{text}" if ok else "" for ok in shown],
    }


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
    layout: TextLayout | None = None,
    order: list[int] | None = None,
    callouts: bool = False,
    **trace: Any,
) -> go.Scatter:
    """Markers with text labels placed apart and free to overflow the plot;
    ``trace`` adds (``customdata``, ``showlegend``, ...).

    Without ``layout``, every label gets a spot (:func:`label_positions`). With
    one, labels go through its free-spot search (in ``order``): a label with no
    free spot beside its point becomes a callout (``callouts``, added to
    ``layout.annotations``) or is left to the hover; the trace's
    ``texttemplate`` then shows only the labels drawn beside their point.
    ``labels`` and ``hovers`` must already be escaped.

    Example:
        >>> trace = labelled_markers(np.array([[0, 0], [0.01, 0]]), ["a", "b"], ["a", "b"],
        ...                          (-1, 1), (-1, 1), name="n", marker={}, font={})
        >>> trace.mode, list(trace.textposition)
        ('markers+text', ['top center', 'bottom center'])
    """
    points = np.asarray(coords, dtype=float).reshape(-1, 2)
    if layout is None:
        font_size = float(font.get("size", 13))
        placed: dict[str, Any] = {
            "textposition": label_positions(points, x_range, y_range, labels, font_size=font_size)
        }
    else:
        placed = placed_text(
            layout, points, labels, font=font, marker_size=marker.get("size", 12), order=order,
            callouts=callouts,
        )  # fmt: skip
    return go.Scatter(
        x=points[:, 0].tolist(),
        y=points[:, 1].tolist(),
        mode="markers+text",
        name=name,
        text=labels,
        textfont=dict(font),
        **placed,
        hovertext=hovers,
        hovertemplate="%{hovertext}<extra></extra>",
        cliponaxis=False,
        marker=dict(marker),
        **trace,
    )


#: Marker size of a phrase's point, and of the focused one.
POINT_SIZE = 12
FOCUS_SIZE = 18


def points_trace(
    coords: NDArray,
    labels: list[str],
    hovers: list[str],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    *,
    selected: int | None = None,
    size: int = POINT_SIZE,
    font_size: int = 13,
    layout: TextLayout | None = None,
) -> go.Scatter:
    """The phrases as labelled points in their palette colours (``selected`` enlarged).

    ``labels`` and ``hovers`` must already be escaped (see :func:`point_label`).
    ``customdata`` holds each point's phrase index, for click events. With a
    ``layout`` (see :func:`labelled_markers`), the selected phrase's label is
    placed first and labels with no free spot beside their point become callouts.

    Example:
        >>> trace = points_trace(np.zeros((2, 2)), ["a", "b"], ["a", "b"], (-1, 1), (-1, 1))
        >>> trace.name, list(trace.customdata)
        ('phrases', [0, 1])
    """
    n = len(labels)
    order = list(range(n))
    if selected is not None:
        order.remove(selected)
        order.insert(0, selected)
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
        layout=layout,
        order=order,
        callouts=True,
        customdata=list(range(n)),
        showlegend=False,
    )


def focus_trace(coords: NDArray, index: int, *, name: str = "focus") -> go.Scatter:
    """The focused phrase's marker drawn once more, last, so nothing covers it.

    Example:
        >>> focus_trace(np.array([[0.0, 1.0], [2.0, 3.0]]), 1).x
        (2.0,)
    """
    x, y = np.asarray(coords, dtype=float)[index]
    return go.Scatter(
        x=[float(x)],
        y=[float(y)],
        mode="markers",
        name=name,
        marker={
            "size": FOCUS_SIZE,
            "color": phrase_color(index),
            "line": {"width": 3, "color": "#111"},
        },
        customdata=[index],
        hoverinfo="skip",
        cliponaxis=False,
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
