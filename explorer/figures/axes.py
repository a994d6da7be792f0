"""The Your-own-axes map: phrases placed between poles of example phrases (no Streamlit here).

Built on :mod:`explorer.figures.style`: the Playground's palette, labels and
label placement, and every label and hover text HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explorer.config import HOVER_CHARS, LABEL_CHARS
from explorer.figures.labels import PlotArea, TextLayout
from explorer.figures.style import (
    POINT_SIZE,
    base_layout,
    fit_heading,
    labelled_markers,
    padded_range,
    point_label,
    points_trace,
)
from explorer.phrases import escape, shorten
from explorer.space.axes import AxisProjection
from explorer.space.poles import POLE_ENDS, pole_names

#: Trace name of the pole means on the custom-axes map.
POLES_TRACE = "poles"
POLE_COLOR = "#555"
POLE_SIZE = 11
#: The chart and its plotting area at their narrowest (a 1280 px window), px,
#: and the bottom margin (the axis title and its ticks).
AXES_CHART_WIDTH = 460
AXES_PLOT_WIDTH = 350
MARGIN_BOTTOM = 68


def axes_figure(phrases: Sequence[str], result: AxisProjection, *, height: int = 620) -> go.Figure:
    """Phrases placed on your own axes, with the four pole means as grey diamonds.

    Example:
        >>> from explorer.presets import AXES_PRESETS
        >>> from explorer.space.axes import axis_projection
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
    title, subtitle, top = fit_heading(
        escape(f"Your own axes in {result.model_title} ({result.model_dim} dimensions)"),
        "−1 and +1 on each axis: the mean embedding of its first and second pole (◆). "
        "Only the positions along the axes mean something.",
        width=AXES_CHART_WIDTH,
    )
    layout = TextLayout(x_range, y_range, PlotArea(AXES_PLOT_WIDTH, height - top - MARGIN_BOTTOM))
    layout.add_dots(poles, size=POLE_SIZE)
    layout.add_dots(coords, size=POINT_SIZE)

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
        labelled_markers(
            poles,
            pole_text,
            pole_hover,
            x_range,
            y_range,
            name=POLES_TRACE,
            font={"size": 11, "color": POLE_COLOR},
            marker={"symbol": "diamond", "size": POLE_SIZE, "color": "rgba(120, 120, 120, 0.55)"},
            layout=layout,
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
    labels = [point_label(p) for p in phrases]
    fig.add_trace(points_trace(coords, labels, hovers, x_range, y_range, layout=layout))
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    fig.add_vline(x=0, line={"color": "#999", "width": 1})
    base_layout(
        fig,
        title=title,
        subtitle=subtitle,
        height=height,
        margin={"t": top, "b": MARGIN_BOTTOM},
        annotations=layout.annotations,
    )
    fig.update_xaxes(title={"text": x_title}, range=list(x_range))
    fig.update_yaxes(title={"text": y_title}, range=list(y_range))
    return fig
