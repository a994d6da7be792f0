"""Marks every map shares: a dashed line between two points, its ``d=`` label, a callout.

Example:
    >>> dashed_line((0, 0), (1, 1), meta={}).mode
    'lines'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from explorer.figures.style import DISTANCE_LABEL, LINE_COLOR, LINE_TRACE


def dashed_line(start: Any, end: Any, *, meta: Mapping[str, Any], width: float = 1.5) -> go.Scatter:
    """A dashed grey line between two points of a map, with no hover of its own (a
    click must reach the point under its end; its ``d=`` label hovers instead).

    Example:
        >>> dashed_line((0, 0), (1, 2), meta={"distance": 0.4}).line.dash
        'dash'
    """
    return go.Scatter(
        x=[float(start[0]), float(end[0])],
        y=[float(start[1]), float(end[1])],
        mode="lines",
        name=LINE_TRACE,
        line={"dash": "dash", "width": width, "color": LINE_COLOR},
        hoverinfo="skip",
        showlegend=False,
        meta=dict(meta),
    )


def distance_label(
    spot: tuple[float, float], text: str, *, hovertext: str, font_size: float
) -> dict[str, Any]:
    """A line's ``d=`` label as an annotation on a white box at ``spot`` (from
    :func:`~explorer.figures.labels.place_line_label`); ``text`` and ``hovertext``
    must already be escaped.

    Example:
        >>> distance_label((1.0, 2.0), "d=0.42", hovertext="cosine", font_size=11)["name"]
        'distance label'
    """
    return {
        "x": spot[0],
        "y": spot[1],
        "text": text,
        "hovertext": hovertext,
        "showarrow": False,
        "font": {"size": font_size, "color": "#333"},
        "bgcolor": "rgba(255, 255, 255, 0.85)",
        "borderpad": 2,
        "name": DISTANCE_LABEL,
    }


def callout_annotation(
    x: float,
    y: float,
    text: str,
    *,
    name: str,
    color: str,
    dx: float,
    dy: float,
    font_size: float = 13,
) -> dict[str, Any]:
    """A label on a white box with a line in ``color`` to its point (``dx``/``dy``:
    Plotly's ``ax``/``ay`` from :func:`~explorer.figures.labels.place_callout`).

    Example:
        >>> callout_annotation(1.0, 2.0, "query: a cat", name="q", color="#c99700",
        ...                    dx=0.0, dy=-33.8)["ay"]
        -33.8
    """  # fmt: skip
    return {
        "x": x,
        "y": y,
        "text": text,
        "showarrow": True,
        "arrowhead": 0,
        "arrowcolor": color,
        "ax": dx,
        "ay": dy,
        "font": {"size": font_size, "color": "#111"},
        "bgcolor": "rgba(255, 255, 255, 0.92)",
        "bordercolor": color,
        "borderpad": 3,
        "name": name,
    }
