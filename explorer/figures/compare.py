"""Figures for the Compare page: the toy model and the real one side by side (no Streamlit here).

Built on :mod:`explorer.figures`: the same palette, labels and label placement
as the Playground, and every label and hover text HTML-escaped.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.config import METHODS, MODEL_TITLES
from explorer.figures.playground import MARGIN_BOTTOM, scene_figure
from explorer.figures.style import LEGEND_DROP, LEGEND_ROW, legend_below, quoted
from explorer.phrases import escape
from explorer.space.compare import Comparison

#: Trace names of the selected phrase's nearest-neighbour lines.
NEAREST_HERE_TRACE = "nearest here"
NEAREST_OTHER_TRACE = "nearest in the other space"
NEAREST_HERE_COLOR = "#2ca02c"
NEAREST_OTHER_COLOR = "#ff7f0e"
SPACE_NAMES = {"toy": "the toy model", "real": "the real model"}
#: Each map's plotting area at its narrowest (half a 1280 px window), px.
COMPARE_PLOT_WIDTH = 285
#: The bottom margin with the nearest-neighbour legend (two rows) under the axis title, px.
LEGEND_MARGIN_BOTTOM = LEGEND_DROP + 3 * LEGEND_ROW


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
    selected = comparison.selected
    legend = selected is not None and len(comparison.phrases) > 1
    fig = scene_figure(
        scene,
        height=height,
        plot_width=COMPARE_PLOT_WIDTH,
        margin_bottom=LEGEND_MARGIN_BOTTOM if legend else MARGIN_BOTTOM,
        # Shorter titles than the Playground's: each map has half the page's width.
        titles=_titles(comparison, space),
    )
    if not legend:
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
    plot_height = height - fig.layout.margin.t - LEGEND_MARGIN_BOTTOM
    fig.update_layout(showlegend=True, legend=legend_below(plot_height=plot_height))
    return fig
