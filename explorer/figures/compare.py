"""Figures for the Compare page: the toy model and the real one side by side (no Streamlit here).

Built on :mod:`explorer.figures`: the same palette, labels and label placement
as the Playground, and every label and hover text HTML-escaped.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.config import METHODS, MODEL_TITLES
from explorer.figures.playground import scene_figure
from explorer.figures.style import quoted
from explorer.phrases import escape
from explorer.space.compare import Comparison

#: Trace names of the selected phrase's nearest-neighbour lines.
NEAREST_HERE_TRACE = "nearest here"
NEAREST_OTHER_TRACE = "nearest in the other space"
NEAREST_HERE_COLOR = "#2ca02c"
NEAREST_OTHER_COLOR = "#ff7f0e"
SPACE_NAMES = {"toy": "the toy model", "real": "the real model"}


def _nearest_line(
    coords: np.ndarray, pair: tuple[int, int], *, name: str, legend: str, color: str, dash: str
) -> go.Scatter:
    i, j = pair
    return go.Scatter(
        x=[float(coords[i, 0]), float(coords[j, 0])],
        y=[float(coords[i, 1]), float(coords[j, 1])],
        mode="lines",
        name=legend,
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

    # (nearest, trace name, the space it is nearest in, colour, dash)
    lines = [(here, NEAREST_HERE_TRACE, space, NEAREST_HERE_COLOR, "solid")]
    if there != here:
        lines.append((there, NEAREST_OTHER_TRACE, other, NEAREST_OTHER_COLOR, "dot"))
    overlays = [
        _nearest_line(
            coords,
            (selected, nearest),
            name=name,
            legend=f"nearest in {SPACE_NAMES[where]}: {quoted(comparison.phrases[nearest])}",
            color=color,
            dash=dash,
        )
        for nearest, name, where, color, dash in lines
    ]
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
