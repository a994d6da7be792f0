"""The Playground's map of a :class:`~explorer.space.scene.Scene` (no Streamlit here)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from explorer.config import HOVER_CHARS, LABEL_CHARS, METHODS, MODEL_TITLES
from explorer.figures.labels import (
    ANNOTATION_PAD,
    PlotArea,
    TextLayout,
    place_line_label,
    text_size,
)
from explorer.figures.marks import distance_label
from explorer.figures.style import (
    FOCUS_SIZE,
    LINE_COLOR,
    LINE_TRACE,
    POINT_SIZE,
    aspect_ranges,
    base_layout,
    fit_heading,
    focus_trace,
    padded_range,
    point_label,
    points_trace,
)
from explorer.phrases import escape, shorten
from explorer.space.scene import Scene

QUADRANTS = (
    # x range, y range, fill, corner label
    ((0, 1), (0, 1), "rgba(44, 160, 44, 0.07)", "formal · positive"),
    ((-1, 0), (0, 1), "rgba(255, 187, 0, 0.08)", "casual · positive"),
    ((-1, 0), (-1, 0), "rgba(214, 39, 40, 0.07)", "casual · negative"),
    ((0, 1), (-1, 0), "rgba(31, 119, 180, 0.07)", "formal · negative"),
)
TOY_RANGE = (-1.12, 1.12)


def _title(scene: Scene) -> tuple[str, str]:
    name = escape(MODEL_TITLES.get(scene.model_name, scene.model_name))
    if not scene.is_projected:
        title = f"{name}: the {scene.model_dim}-D space itself, nothing projected"
    else:
        title = (
            f"{name} ({scene.model_dim} dimensions) "
            f"projected to 2-D with {METHODS.get(scene.method, scene.method)}"
        )
    subtitle = f"Dashed lines: d = {scene.line_space}"
    if scene.is_projected:
        subtitle += ".<br>Projected axes carry no meaning; only closeness does."
    return title, subtitle


#: The Playground's plotting area at its narrowest (a 1280 px window), px: labels
#: are placed for it, and a wider chart only adds room.
PLAYGROUND_PLOT_WIDTH = 350
#: The figure's bottom margin, px (the axis title and its ticks), and its left
#: and right margins together (the y axis's title and ticks; Plotly widens 60 to 76).
MARGIN_BOTTOM = 68
CHART_SIDES = 106
#: Font size of a line's ``d=`` label, px.
DISTANCE_FONT = 12
#: Name of the trace whose invisible markers give the hover of lines whose ``d=`` label
#: found no free spot (the labels are named ``style.DISTANCE_LABEL``).
DISTANCE_HOVER_TRACE = "distance hover"
FOCUS_TRACE = "focus"


def line_hover_trace(
    middles: list[tuple[float, float]], hovers: list[str], *, name: str = DISTANCE_HOVER_TRACE
) -> go.Scatter:
    """Invisible markers at the middles of lines drawn without a label: hovering there
    shows the distance (``hovers``, escaped).

    Example:
        >>> line_hover_trace([(0.5, 1.0)], ["a ↔ b: 0.4"]).marker.opacity
        0
    """
    return go.Scatter(
        x=[x for x, _ in middles],
        y=[y for _, y in middles],
        mode="markers",
        name=name,
        marker={"size": 14, "opacity": 0, "color": LINE_COLOR},
        hovertext=hovers,
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
    )


def scene_figure(
    scene: Scene,
    *,
    height: int = 620,
    plot_width: int = PLAYGROUND_PLOT_WIDTH,
    margin_bottom: int = MARGIN_BOTTOM,
    titles: tuple[str, str] | None = None,
) -> go.Figure:
    """Draw a scene: labelled points, dashed distance lines with ``d=`` labels.

    Labels never overlap (:mod:`explorer.figures.labels`, for a plotting area
    ``plot_width`` px wide): phrase labels first (the selected one first), then
    each line's ``d=`` label near its middle; a ``d=`` label with no free spot
    is left to the hover at the line's middle. The selected phrase's marker is
    drawn again last, over everything. ``margin_bottom`` leaves room below the
    axis title (for a legend); ``titles`` replaces the title and subtitle (escaped).

    Example:
        >>> from explorer.space.scene import build_scene
        >>> fig = scene_figure(build_scene(["a", "b"], model="toy"))
        >>> [t.name for t in fig.data]
        ['distance', 'phrases']
    """
    coords = np.asarray(scene.coords, dtype=float)
    toy_square = not scene.is_projected and scene.model_dim == 2 and scene.model_name == "toy"
    title, subtitle, top = fit_heading(*(titles or _title(scene)), width=plot_width + CHART_SIDES)
    area = PlotArea(plot_width, height - top - margin_bottom)
    if toy_square:
        x_range = y_range = TOY_RANGE
    else:
        x_range, y_range = aspect_ranges(
            padded_range(coords[:, 0]), padded_range(coords[:, 1]), aspect=area.aspect
        )
    layout = TextLayout(*aspect_ranges(x_range, y_range, aspect=area.aspect), area)
    sizes = [FOCUS_SIZE if i == scene.selected else POINT_SIZE for i in range(len(coords))]
    layout.add_dots(coords, size=sizes)
    if toy_square:
        for caption in _quadrant_captions():
            layout.reserve(_caption_box(layout, caption))

    labels = [point_label(p) for p in scene.phrases]
    hovers = []
    for i, phrase in enumerate(scene.phrases):
        where = None
        if toy_square:
            where = f"formality {coords[i, 0]:+.2f}, sentiment {coords[i, 1]:+.2f}"
        hovers.append(phrase_hover(i, phrase, coords[i], where=where))
    ranges = (layout.x_range, layout.y_range)
    # With a phrase focused, its lines' d= labels are served before the other
    # phrases' labels; else the phrase labels come first.
    if scene.selected is None:
        points = points_trace(coords, labels, hovers, *ranges, layout=layout)
    middles, details = _place_distances(scene, layout)
    if scene.selected is not None:
        points = points_trace(
            coords, labels, hovers, *ranges, selected=scene.selected, layout=layout
        )

    fig = go.Figure()
    for i, j in scene.lines:
        fig.add_trace(
            go.Scatter(
                x=[coords[i, 0], coords[j, 0]],
                y=[coords[i, 1], coords[j, 1]],
                mode="lines",
                name=LINE_TRACE,
                line={"dash": "dash", "width": 1.5, "color": LINE_COLOR},
                # Lines take no hover: a click must land on the phrase's point
                # beneath a line's end. The d= label (or the line's middle) hovers.
                hoverinfo="skip",
                showlegend=False,
                meta={"pair": [i, j], "distance": scene.line_distance(i, j)},
            )
        )
    if middles:
        fig.add_trace(line_hover_trace(middles, details))
    fig.add_trace(points)
    if scene.selected is not None:
        fig.add_trace(focus_trace(coords, scene.selected, name=FOCUS_TRACE))

    base_layout(
        fig,
        title=title,
        subtitle=subtitle,
        height=height,
        margin={"t": top, "b": margin_bottom},
        annotations=layout.annotations,
    )
    fig.update_xaxes(title={"text": scene.axis_titles[0]}, range=list(x_range))
    fig.update_yaxes(
        title={"text": scene.axis_titles[1]}, range=list(y_range), scaleanchor="x", scaleratio=1
    )
    if toy_square:
        _draw_quadrants(fig)
    return fig


def _place_distances(scene: Scene, layout: TextLayout) -> tuple[list[tuple[float, ...]], list[str]]:
    """Place the labelled lines' ``d=`` labels (into ``layout.annotations``); return
    the middles and hovers of the lines left without one."""
    coords = np.asarray(scene.coords, dtype=float)
    labelled = set(scene.labelled)
    # Labelled lines in the scene's order (nearest first when one is selected).
    order = [pair for pair in scene.labelled if pair in set(scene.lines)]
    middles: list[tuple[float, ...]] = []
    details: list[str] = []
    for i, j in order + [pair for pair in scene.lines if pair not in labelled]:
        d = scene.line_distance(i, j)
        detail = line_detail(scene, i, j)
        spot = None
        if (i, j) in labelled:
            spot = place_line_label(
                layout, coords[i], coords[j], f"d={d:.2f}", font_size=DISTANCE_FONT
            )
        if spot is None:
            middles.append(tuple(float(v) for v in (coords[i] + coords[j]) / 2))
            details.append(detail)
            continue
        layout.annotations.append(
            distance_label(spot, f"d={d:.2f}", hovertext=detail, font_size=DISTANCE_FONT)
        )
    return middles, details


def phrase_hover(index: int, phrase: str, point: NDArray, *, where: str | None = None) -> str:
    """A phrase's hover on a map: its number, the phrase (escaped) and where it is
    (``where``, else its coordinates, 2 or 3 of them).

    Example:
        >>> phrase_hover(0, "<b>", np.array([0.5, -1.0, 2.0]))
        '<b>1.</b> &lt;b&gt;<br>(0.50, -1.00, 2.00)'
    """
    if where is None:
        where = "(" + ", ".join(f"{float(v):.2f}" for v in point) + ")"
    return f"<b>{index + 1}.</b> {escape(shorten(phrase, HOVER_CHARS))}<br>{where}"


def line_detail(scene: Scene, i: int, j: int, *, coords: NDArray | None = None) -> str:
    """A line's hover: the pair, its true distance and, on a projection, its length as
    drawn (on the 2-D map, or between ``coords``: the 3-D view's), escaped.

    Example:
        >>> from explorer.space.scene import build_scene
        >>> line_detail(build_scene(["a", "<b>"], model="toy"), 0, 1).split("<br>")[0]
        'a ↔ &lt;b&gt;'
    """
    first, second = (escape(shorten(scene.phrases[k], LABEL_CHARS)) for k in (i, j))
    detail = f"{first} ↔ {second}<br>{scene.true_space}: {scene.true_distances[i, j]:.3f}"
    if scene.is_projected:
        drawn, dims = float(scene.map_distances[i, j]), 2
        if coords is not None:
            points = np.asarray(coords, dtype=float)
            drawn, dims = float(np.linalg.norm(points[i] - points[j])), points.shape[1]
        detail += f"<br>Euclidean distance as drawn in {dims}-D: {drawn:.3f}"
    return detail


#: Font size of the quadrants' captions, px.
CAPTION_FONT = 11


def _quadrant_captions() -> list[dict]:
    """The toy square's corner captions as annotations, 0.03 in from each corner."""
    captions = []
    for (x0, x1), (y0, y1), _, label in QUADRANTS:
        captions.append(
            {
                "x": x0 + 0.03 if x0 < 0 else x1 - 0.03,
                "y": y1 - 0.03 if y1 > 0 else y0 + 0.03,
                "xanchor": "left" if x0 < 0 else "right",
                "yanchor": "top" if y1 > 0 else "bottom",
                "text": label,
                "showarrow": False,
                "font": {"size": CAPTION_FONT, "color": "#888"},
                "name": "quadrant",
            }
        )
    return captions


def _caption_box(layout: TextLayout, caption: dict) -> np.ndarray:
    """Where a caption from :func:`_quadrant_captions` is drawn, px (annotation padding in)."""
    w, h = text_size(caption["text"], font_size=CAPTION_FONT)
    w, h = w + 2 * ANNOTATION_PAD, h + 2 * ANNOTATION_PAD
    ((x, y),) = layout.px([[caption["x"], caption["y"]]])
    x0 = x if caption["xanchor"] == "left" else x - w
    y0 = y - h if caption["yanchor"] == "top" else y
    return np.array([x0, y0, x0 + w, y0 + h])


def _draw_quadrants(fig: go.Figure) -> None:
    for (x0, x1), (y0, y1), fill, _ in QUADRANTS:
        fig.add_shape(
            type="rect", x0=x0, x1=x1, y0=y0, y1=y1, fillcolor=fill, line={"width": 0},
            layer="below",
        )  # fmt: skip
    for caption in _quadrant_captions():
        fig.add_annotation(**caption)
    fig.add_shape(
        type="rect", x0=-1, x1=1, y0=-1, y1=1, line={"color": "#bbb", "width": 1}, layer="below"
    )
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    fig.add_vline(x=0, line={"color": "#999", "width": 1})
    fig.update_xaxes(tickvals=[-1, -0.5, 0, 0.5, 1])
    fig.update_yaxes(tickvals=[-1, -0.5, 0, 0.5, 1])
