"""The Playground's map of a :class:`~explorer.space.scene.Scene` (no Streamlit here)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.config import HOVER_CHARS, LABEL_CHARS, METHODS, MODEL_TITLES
from explorer.figures.style import (
    LINE_COLOR,
    LINE_TRACE,
    aspect_ranges,
    base_layout,
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
        subtitle += ". Projected axes carry no meaning; only closeness does."
    return title, subtitle


def scene_figure(scene: Scene, *, height: int = 620) -> go.Figure:
    """Draw a scene: labelled points, dashed distance lines with ``d=`` labels.

    Example:
        >>> from explorer.space.scene import build_scene
        >>> fig = scene_figure(build_scene(["a", "b"], model="toy"))
        >>> [t.name for t in fig.data]
        ['distance', 'phrases']
    """
    coords = np.asarray(scene.coords, dtype=float)
    toy_square = not scene.is_projected and scene.model_dim == 2 and scene.model_name == "toy"
    if toy_square:
        x_range = y_range = TOY_RANGE
    else:
        x_range, y_range = aspect_ranges(padded_range(coords[:, 0]), padded_range(coords[:, 1]))

    fig = go.Figure()
    labelled = set(scene.labelled)
    annotations = []
    for i, j in scene.lines:
        (xi, yi), (xj, yj) = coords[i], coords[j]
        d = scene.line_distance(i, j)
        first, second = (escape(shorten(scene.phrases[k], LABEL_CHARS)) for k in (i, j))
        pair = f"{first} ↔ {second}"
        detail = f"{pair}<br>{scene.true_space}: {scene.true_distances[i, j]:.3f}"
        if scene.is_projected:
            detail += f"<br>Euclidean distance as drawn in 2-D: {scene.map_distances[i, j]:.3f}"
        fig.add_trace(
            go.Scatter(
                x=[xi, xj],
                y=[yi, yj],
                mode="lines",
                name=LINE_TRACE,
                line={"dash": "dash", "width": 1.5, "color": LINE_COLOR},
                # Lines take no hover: a click must land on the phrase's point
                # beneath a line's end. The d= label carries the details.
                hoverinfo="skip",
                showlegend=False,
                meta={"pair": [i, j], "distance": d},
            )
        )
        if (i, j) in labelled:
            annotations.append(
                {
                    "x": float(xi + xj) / 2,
                    "y": float(yi + yj) / 2,
                    "text": f"d={d:.2f}",
                    "hovertext": detail,
                    "showarrow": False,
                    "font": {"size": 12, "color": "#333"},
                    "bgcolor": "rgba(255, 255, 255, 0.85)",
                    "borderpad": 2,
                    "name": "distance label",
                }
            )

    labels = [point_label(p) for p in scene.phrases]
    hovers = []
    for i, phrase in enumerate(scene.phrases):
        where = f"({coords[i, 0]:.2f}, {coords[i, 1]:.2f})"
        if toy_square:
            where = f"formality {coords[i, 0]:+.2f}, sentiment {coords[i, 1]:+.2f}"
        hovers.append(f"<b>{i + 1}.</b> {escape(shorten(phrase, HOVER_CHARS))}<br>{where}")
    fig.add_trace(
        points_trace(
            coords, labels, hovers, *aspect_ranges(x_range, y_range), selected=scene.selected
        )
    )

    title, subtitle = _title(scene)
    base_layout(fig, title=title, subtitle=subtitle, height=height, annotations=annotations)
    fig.update_xaxes(title={"text": scene.axis_titles[0]}, range=list(x_range))
    fig.update_yaxes(
        title={"text": scene.axis_titles[1]}, range=list(y_range), scaleanchor="x", scaleratio=1
    )
    if toy_square:
        _draw_quadrants(fig)
    return fig


def _draw_quadrants(fig: go.Figure) -> None:
    for (x0, x1), (y0, y1), fill, label in QUADRANTS:
        fig.add_shape(
            type="rect", x0=x0, x1=x1, y0=y0, y1=y1, fillcolor=fill, line={"width": 0},
            layer="below",
        )  # fmt: skip
        fig.add_annotation(
            x=x0 + 0.03 if x0 < 0 else x1 - 0.03,
            y=y1 - 0.03 if y1 > 0 else y0 + 0.03,
            xanchor="left" if x0 < 0 else "right",
            yanchor="top" if y1 > 0 else "bottom",
            text=label,
            showarrow=False,
            font={"size": 11, "color": "#888"},
            name="quadrant",
        )
    fig.add_shape(
        type="rect", x0=-1, x1=1, y0=-1, y1=1, line={"color": "#bbb", "width": 1}, layer="below"
    )
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    fig.add_vline(x=0, line={"color": "#999", "width": 1})
    fig.update_xaxes(tickvals=[-1, -0.5, 0, 0.5, 1])
    fig.update_yaxes(tickvals=[-1, -0.5, 0, 0.5, 1])
