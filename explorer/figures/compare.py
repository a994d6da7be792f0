"""Figures for the Compare page (toy vs real) and for your own axes (no Streamlit here).

Built on :mod:`explorer.figures`: the same palette, labels and label placement
as the Playground, and every label and hover text HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explorer.config import HOVER_CHARS, LABEL_CHARS, METHODS, MODEL_TITLES
from explorer.figures.playground import scene_figure
from explorer.figures.style import label_positions, padded_range, point_label, points_trace
from explorer.phrases import escape, shorten
from explorer.space.axes import POLE_ENDS, AxisProjection, pole_names
from explorer.space.compare import Comparison

#: Trace names of the selected phrase's nearest-neighbour lines.
NEAREST_HERE_TRACE = "nearest here"
NEAREST_OTHER_TRACE = "nearest in the other space"
NEAREST_HERE_COLOR = "#2ca02c"
NEAREST_OTHER_COLOR = "#ff7f0e"
#: Trace name of the pole means on the custom-axes map.
POLES_TRACE = "poles"
POLE_COLOR = "#555"
SPACE_NAMES = {"toy": "the toy model", "real": "the real model"}


def _nearest_line(
    coords: np.ndarray, pair: tuple[int, int], *, name: str, legend: str, color: str, dash: str
) -> go.Scatter:
    i, j = pair
    return go.Scatter(
        x=[float(coords[i, 0]), float(coords[j, 0])],
        y=[float(coords[i, 1]), float(coords[j, 1])],
        mode="lines",
        name=escape(legend),
        line={"color": color, "width": 3.5, "dash": dash},
        # Like the Playground's lines: no hover, so a click lands on the point.
        hoverinfo="skip",
        showlegend=True,
        meta={"kind": name, "pair": [i, j]},
    )


def _titles(comparison: Comparison, space: str) -> tuple[str, str]:
    scene = comparison.scene(space)
    if space == "toy":
        return "Toy model: its whole 2-D space", f"d = {escape(comparison.toy_space)}"
    name = escape(MODEL_TITLES.get(scene.model_name, scene.model_name))
    method = METHODS.get(scene.method, scene.method)
    return (
        f"{name} ({scene.model_dim}-D), drawn with {method}",
        f"d = {escape(scene.true_space)}<br>Projected axes carry no meaning; only closeness does.",
    )


def comparison_figure(comparison: Comparison, space: str, *, height: int = 540) -> go.Figure:
    """One side of the comparison: the toy square or the real model's projection.

    The selected phrase is enlarged, with dashed lines to the others (labelled
    with this space's distances), a solid line to its nearest neighbour in this
    space and, where the other space names a different one, a dotted line to that.

    Example:
        >>> from explorer.space.compare import compare_spaces
        >>> comparison = compare_spaces(["a cat", "a dog", "a truck"], selected=0)
        >>> fig = comparison_figure(comparison, "real")
        >>> [t.meta["pair"] for t in fig.data if t.meta and "kind" in t.meta]
        [[0, 1], [0, 2]]
    """
    scene = comparison.scene(space)
    fig = scene_figure(scene, height=height)
    # Shorter titles than the Playground's: each map has half the page's width.
    title, subtitle = _titles(comparison, space)
    fig.update_layout(title={"text": title, "subtitle": {"text": subtitle}})
    selected = comparison.selected
    if selected is None or len(comparison.phrases) < 2:
        return fig
    other = "real" if space == "toy" else "toy"
    here = int(comparison.nearest_in(space)[selected])
    there = int(comparison.nearest_in(other)[selected])
    coords = np.asarray(scene.coords, dtype=float)

    def short(index: int) -> str:
        return f"“{shorten(comparison.phrases[index], LABEL_CHARS)}”"

    overlays = [
        _nearest_line(
            coords,
            (selected, here),
            name=NEAREST_HERE_TRACE,
            legend=f"nearest in {SPACE_NAMES[space]}: {short(here)}",
            color=NEAREST_HERE_COLOR,
            dash="solid",
        )
    ]
    if there != here:
        overlays.append(
            _nearest_line(
                coords,
                (selected, there),
                name=NEAREST_OTHER_TRACE,
                legend=f"nearest in {SPACE_NAMES[other]}: {short(there)}",
                color=NEAREST_OTHER_COLOR,
                dash="dot",
            )
        )
    for trace in overlays:
        fig.add_trace(trace)
    # Under the points, so a click on the phrase's point still selects it.
    count = len(overlays)
    fig.data = fig.data[-count:] + fig.data[:-count]
    fig.update_layout(
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
        margin={"b": 90},
    )
    return fig


def axes_figure(phrases: Sequence[str], result: AxisProjection, *, height: int = 620) -> go.Figure:
    """Phrases placed on your own axes, with the four pole means as grey diamonds.

    Example:
        >>> from explorer.space.axes import AXES_PRESETS, axis_projection
        >>> preset = AXES_PRESETS["article"]
        >>> result = axis_projection(
        ...     ["a cat", "<b>hi</b>"], x_poles=preset.x_poles, y_poles=preset.y_poles
        ... )
        >>> fig = axes_figure(["a cat", "<b>hi</b>"], result)
        >>> fig.layout.xaxis.title.text, fig.data[1].text[1]
        ('casual → formal', '&lt;b&gt;hi&lt;/b&gt;')
    """
    if len(phrases) != len(result.coords):
        raise ValueError(
            f"Got {len(phrases)} phrases for {len(result.coords)} placed vectors; "
            "give the phrases that were placed, in order."
        )
    coords = np.asarray(result.coords, dtype=float)
    poles = result.pole_coords.reshape(4, 2)
    everything = np.vstack([coords, poles])
    x_range, y_range = padded_range(everything[:, 0]), padded_range(everything[:, 1])
    x_title, y_title = (escape(t) for t in result.axis_titles)

    pole_text, pole_hover = [], []
    for axis, pair in (("x", result.x_poles), ("y", result.y_poles)):
        for end, name, pole in zip(POLE_ENDS[axis], pole_names(*pair), pair, strict=True):
            pole_text.append(escape(name))
            listed = "<br>".join(f"• {escape(shorten(p, LABEL_CHARS))}" for p in pole)
            pole_hover.append(
                f"<b>{axis} axis, {end} pole</b>: mean of {len(pole)} "
                f"phrase{'s' if len(pole) > 1 else ''}<br>{listed}"
            )

    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=poles[:, 0].tolist(),
            y=poles[:, 1].tolist(),
            mode="markers+text",
            name=POLES_TRACE,
            text=pole_text,
            textposition=label_positions(poles, x_range, y_range, pole_text),
            textfont={"size": 11, "color": POLE_COLOR},
            hovertext=pole_hover,
            hovertemplate="%{hovertext}<extra></extra>",
            marker={"symbol": "diamond", "size": 11, "color": "rgba(120, 120, 120, 0.55)"},
            cliponaxis=False,
            showlegend=False,
        )
    )
    hovers = [
        f"<b>{i + 1}.</b> {escape(shorten(phrase, HOVER_CHARS))}"
        f"<br>x ({x_title}): {coords[i, 0]:+.2f}"
        f"<br>y ({y_title}): {coords[i, 1]:+.2f}"
        f"<br>outside the axes' plane: {result.out_of_plane[i]:.0%} of the "
        f"{result.model_dim}-d vector"
        for i, phrase in enumerate(phrases)
    ]
    fig.add_trace(points_trace(coords, [point_label(p) for p in phrases], hovers, x_range, y_range))
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    fig.add_vline(x=0, line={"color": "#999", "width": 1})
    fig.update_layout(
        title={
            "text": escape(
                f"Your own axes in {result.model_title} ({result.model_dim} dimensions)"
            ),
            "subtitle": {
                "text": "−1 and +1 on each axis: the mean embedding of its first and second "
                "pole (◆).<br>Only the positions along the axes mean something."
            },
            "x": 0.01,
            "xanchor": "left",
        },
        height=height,
        margin={"l": 60, "r": 30, "t": 95, "b": 60},
        hovermode="closest",
        plot_bgcolor="white",
    )
    axis_style = {"showgrid": True, "gridcolor": "#eee", "zeroline": False}
    fig.update_xaxes(title={"text": x_title}, range=list(x_range), **axis_style)
    fig.update_yaxes(title={"text": y_title}, range=list(y_range), **axis_style)
    return fig
