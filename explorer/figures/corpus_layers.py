"""More on the corpus map: density contours, chosen rows drawn over it, and a 3-D view.

* :func:`density_trace`: contour lines of how many points fall in each cell of
  a ``CORPUS_DENSITY_BINS`` grid (counted here with numpy, so the browser gets a
  small grid, not 100,000 points again), so a dense region reads as dense.
* :func:`rows_trace`: rows drawn over the map (a selection, a cluster chosen in its table).
* :func:`corpus_figure_3d`: the corpus as ``Scatter3d`` with the same hover and colours;
  no distance labels (the hover and the page's tables carry them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from explorer.config import CORPUS_DENSITY_BINS, CORPUS_HOVER_CHARS
from explorer.figures.coloring import MISSING, OTHER_COLOR, Coloring, category_colors
from explorer.figures.corpus_points import (
    BASE_COLOR,
    CATEGORY_HEAD,
    DOCUMENTS_TRACE,
    FADED_COLOR,
    FADED_TRACE,
    NUMBER_SCALE,
    category_groups,
    hover_text_shown,
    hover_texts,
    row_hover,
)
from explorer.figures.corpus_raster import View, drawn_rows, sampled
from explorer.figures.style import base_layout
from explorer.phrases import escape, shorten, template_escape

DENSITY_TRACE = "density"


def density_grid(
    coords: NDArray, *, bins: int = CORPUS_DENSITY_BINS
) -> tuple[NDArray, NDArray, NDArray]:
    """Cell centres along x and y and each cell's count (rows: y), smoothed by a
    3 x 3 average so contours do not break up.

    Example:
        >>> x, y, z = density_grid(np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 1.0]]), bins=2)
        >>> x.tolist(), z.shape, round(float(z.sum()), 3)
        ([0.25, 0.75], (2, 2), 3.0)
    """
    points = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    counts, x_edges, y_edges = np.histogram2d(points[:, 0], points[:, 1], bins=bins)
    padded = np.pad(counts, 1)
    window = sum(
        padded[1 + dx : 1 + dx + counts.shape[0], 1 + dy : 1 + dy + counts.shape[1]]
        for dx in (-1, 0, 1)
        for dy in (-1, 0, 1)
    )
    weights = np.pad(np.ones_like(counts), 1)
    norm = sum(
        weights[1 + dx : 1 + dx + counts.shape[0], 1 + dy : 1 + dy + counts.shape[1]]
        for dx in (-1, 0, 1)
        for dy in (-1, 0, 1)
    )
    smooth = window / norm
    smooth *= counts.sum() / max(smooth.sum(), 1e-12)
    centres = lambda edges: (edges[:-1] + edges[1:]) / 2  # noqa: E731
    return centres(x_edges), centres(y_edges), smooth.T


def density_trace(coords: NDArray) -> go.Contour:
    """Contour lines of the points' density (``coords``: the points to count, ``(n, 2)``)."""
    x, y, z = density_grid(coords)
    return go.Contour(
        x=x.tolist(),
        y=y.tolist(),
        z=np.round(z, 2).tolist(),
        name=DENSITY_TRACE,
        contours={"coloring": "lines", "showlabels": False},
        ncontours=10,
        colorscale=[[0, "#9ecae1"], [1, "#08306b"]],
        line={"width": 1.2},
        showscale=False,
        hoverinfo="skip",
        showlegend=False,
    )


def rows_trace(
    coords: NDArray,
    texts: Sequence[str],
    rows: Sequence[int],
    *,
    name: str,
    color: str,
    view: View | None = None,
) -> go.Scattergl:
    """``rows`` drawn over the map as rings (WebGL: a selection may hold them all); hover
    shows their text up to ``CORPUS_HOVER_TEXT_MAX`` rows, else their row alone. Above
    ``CORPUS_POINTS_MAX`` points only the rows among the map's sampled points are drawn
    (a box around a million points would otherwise draw a million rings); zoomed in to
    ``view``, those among the points drawn for it.

    Example:
        >>> trace = rows_trace(np.eye(2), ["a", "<b>"], [1], name="selected", color="#000")
        >>> trace.hovertext, trace.customdata.tolist()
        (('&lt;b&gt;',), [2])
    """
    index = np.asarray(rows, dtype=np.int64)
    points = np.asarray(coords, dtype=np.float32)
    if sampled(len(coords)):
        index = index[drawn_rows(len(coords), coords=points, view=view)[index]]
    text = hover_text_shown(len(index))
    return go.Scattergl(
        x=points[index, 0],
        y=points[index, 1],
        mode="markers",
        name=name,
        customdata=(index + 1).astype(np.int32),
        hovertext=hover_texts([texts[i] for i in index]) if text else None,
        hovertemplate=row_hover(f"<b>{template_escape(name)}</b> · ", text=text),
        marker={"size": 9, "symbol": "circle-open", "color": color, "line": {"width": 1.5}},
        showlegend=True,
    )


def corpus_figure_3d(
    coords: NDArray,
    texts: Sequence[str],
    *,
    title: str,
    axis_titles: Sequence[str] = ("", "", ""),
    color: Coloring | None = None,
    kept: NDArray[np.bool_] | None = None,
    hits: Sequence[int] = (),
    selected: int | None = None,
    height: int = 660,
) -> go.Figure:
    """The corpus in 3-D: each document a point, coloured as on the 2-D map; search hits
    and the clicked row marked; rows outside ``kept`` faded. No text on the points;
    above ``CORPUS_POINTS_MAX`` points, the same fixed sample as the 2-D map's points.

    Example:
        >>> fig = corpus_figure_3d(np.eye(3), ["a", "<b>", "c"], title="t", selected=1)
        >>> [t.type for t in fig.data], fig.data[0].hovertext[1]
        (['scatter3d', 'scatter3d'], '&lt;b&gt;')
    """
    points = np.asarray(coords, dtype=np.float32)
    n = len(texts)
    if points.shape != (n, 3):
        raise ValueError(f"3-D coordinates have shape {points.shape}; expected ({n}, 3).")
    keep = np.ones(n, dtype=bool) if kept is None else np.asarray(kept, dtype=bool)
    size = 2 if n > 20_000 else 3 if n > 2_000 else 4
    hovers = hover_texts(texts) if hover_text_shown(n) else None
    traces: list[go.Scatter3d] = []

    drawn = drawn_rows(n)  # above CORPUS_POINTS_MAX, a fixed sample of them

    def points3d(rows: NDArray, name: str, marker: dict, head: str = "") -> None:
        shown = drawn[rows]
        rows = rows[shown]
        if "color" in marker and not isinstance(marker["color"], str):
            marker = {**marker, "color": marker["color"][shown]}
        text = {} if hovers is None else {"hovertext": [hovers[i] for i in rows]}
        traces.append(
            go.Scatter3d(
                x=points[rows, 0], y=points[rows, 1], z=points[rows, 2], mode="markers",
                name=name, customdata=(rows + 1).astype(np.int32), **text,
                hovertemplate=row_hover(head, text=hovers is not None),
                marker={"size": size, **marker}, meta={"role": "corpus"},
                showlegend=head == CATEGORY_HEAD,
            )
        )  # fmt: skip

    if not keep.all():
        points3d(np.flatnonzero(~keep), FADED_TRACE, {"color": FADED_COLOR, "opacity": 0.25})
    if color is not None and color.categories is not None:
        groups = category_groups(color.categories, keep)
        colours = category_colors([category for category, _ in groups])
        for (category, rows), colour in zip(groups, colours, strict=True):
            points3d(rows, template_escape(shorten(category, 40)), {"color": colour}, CATEGORY_HEAD)
    else:
        rows = np.flatnonzero(keep)
        marker: dict = {"color": BASE_COLOR, "opacity": 0.8}
        head = ""
        if color is not None and color.numbers is not None:
            values = np.asarray(color.numbers, dtype=np.float64)
            absent = np.flatnonzero(keep & np.isnan(values))
            rows = np.flatnonzero(keep & ~np.isnan(values))
            marker = {
                "color": values[rows].astype(np.float32),
                "colorscale": NUMBER_SCALE,
                "showscale": True,
                "colorbar": {"title": {"text": escape(color.column)}},
            }
            column = template_escape(shorten(color.column, 40))
            head = f"<b>{column} = %{{marker.color:.4~g}}</b> · "
            if len(absent):
                points3d(absent, MISSING, {"color": OTHER_COLOR}, CATEGORY_HEAD)
        points3d(rows, DOCUMENTS_TRACE, marker, head)
    marks = [("search hits", list(hits), "#111", "circle-open", 6)]
    if selected is not None:
        marks.append(("clicked", [selected], "#f5b700", "diamond", 8))
    for name, rows, colour, symbol, mark_size in marks:
        if not rows:
            continue
        traces.append(
            go.Scatter3d(
                x=points[rows, 0].tolist(), y=points[rows, 1].tolist(),
                z=points[rows, 2].tolist(), mode="markers", name=name,
                customdata=[r + 1 for r in rows],
                hovertext=[f"<b>{name}</b> · row {r + 1}<br>"
                           f"{escape(shorten(texts[r], CORPUS_HOVER_CHARS))}" for r in rows],
                hovertemplate="%{hovertext}<extra></extra>",
                marker={"size": mark_size, "color": colour, "symbol": symbol},
            )
        )  # fmt: skip
    fig = go.Figure(traces)
    base_layout(
        fig,
        title=title,
        subtitle="Drag to turn the view, scroll to zoom; hover a point to read it.",
        height=height,
        legend={"itemsizing": "constant"},
        uirevision="corpus-3d",
    )
    names = list(axis_titles) + [""] * (3 - len(axis_titles))
    fig.update_layout(
        scene={
            "xaxis": {"title": {"text": escape(names[0])}},
            "yaxis": {"title": {"text": escape(names[1])}},
            "zaxis": {"title": {"text": escape(names[2])}},
        }
    )
    return fig
