"""The corpus map above ``CORPUS_POINTS_MAX`` points: every point in one image, a sample as points.

A browser draws 100,000 WebGL points in about a second, but a million take
tens of seconds in software GL and 19 MB on the wire. Above
``CORPUS_POINTS_MAX`` the map draws every point into a raster
(:func:`raster_image`: counted per pixel with numpy, coloured like the
points, each pixel's shade by how many fall in it, sent as one PNG in the
layout's ``images``), and draws a seeded sample of ``CORPUS_SAMPLE_POINTS`` of
them as points on top, for hover, click and box selection (:func:`drawn_rows`).
Search hits, a clicked row and its neighbours, clusters and selections are
drawn over it from all rows, as on a smaller map.
"""

from __future__ import annotations

import base64
import functools
import io
import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from explorer.config import (
    CORPUS_POINTS_MAX,
    CORPUS_RASTER_PX,
    CORPUS_SAMPLE_POINTS,
    CORPUS_SAMPLE_SEED,
)

#: What the map says when it is drawn as an image with a sample of points.
RASTER_NOTE = (
    "Above {limit:,} points the map is an image of all {count:,} (darker: more "
    "documents), with {sample:,} of them (a fixed random sample) drawn as points to hover "
    "and click; zoom in to draw the part in view in detail; a box or lasso selects every "
    "document inside it; the row box opens any row."
)


#: What the map says when it is zoomed in above ``CORPUS_POINTS_MAX`` points.
ZOOM_NOTE = (
    "Zoomed in: {inside:,} documents in view, {shown} drawn as points; the image shows "
    "every one in view. Double-click the map to see it whole."
)
#: A view: the x range and the y range shown, ``((x0, x1), (y0, y1))``.
View = tuple[tuple[float, float], tuple[float, float]]


def sampled(count: int) -> bool:
    """Whether a map of ``count`` points is drawn as an image with a sample of points.

    Example:
        >>> sampled(CORPUS_POINTS_MAX), sampled(CORPUS_POINTS_MAX + 1)
        (False, True)
    """
    return count > CORPUS_POINTS_MAX


def drawn_rows(
    count: int,
    *,
    coords: NDArray | None = None,
    view: View | None = None,
    limit: int | None = None,
    sample: int | None = None,
) -> NDArray[np.bool_]:
    """Which of ``count`` rows are drawn as points: all up to ``limit``, else a seeded
    sample of ``sample`` (the same rows on every rerun). Zoomed in to ``view`` (with the
    rows' ``coords``): the rows in view, all of them up to ``sample``, else the first
    ``sample`` of them in one seeded order (a pan keeps the points it still shows).
    By default ``limit`` is ``CORPUS_POINTS_MAX`` and ``sample`` ``CORPUS_SAMPLE_POINTS``.

    Example:
        >>> drawn_rows(3).tolist(), int(drawn_rows(10, limit=4, sample=3).sum())
        ([True, True, True], 3)
        >>> xy = np.array([[i, 0.0] for i in range(10)])
        >>> np.flatnonzero(drawn_rows(10, coords=xy, view=((2, 5), (-1, 1)), limit=4)).tolist()
        [2, 3, 4, 5]
    """
    limit = CORPUS_POINTS_MAX if limit is None else limit
    sample = CORPUS_SAMPLE_POINTS if sample is None else sample
    drawn = np.zeros(count, dtype=bool)
    if count <= limit:
        drawn[:] = True
        return drawn
    if view is not None and coords is not None:
        inside = in_view(coords, view)
        if inside.sum() > sample:
            order = _seeded_order(count)
            inside[order[np.cumsum(inside[order]) > sample]] = False
        return inside
    chosen = np.random.default_rng(CORPUS_SAMPLE_SEED).choice(
        count, size=min(sample, count), replace=False
    )
    drawn[chosen] = True
    return drawn


@functools.lru_cache(maxsize=2)
def _seeded_order(count: int) -> NDArray[np.int64]:
    order = np.random.default_rng(CORPUS_SAMPLE_SEED).permutation(count)
    order.flags.writeable = False
    return order


def in_view(coords: NDArray, view: View) -> NDArray[np.bool_]:
    """Which rows of ``coords`` lie in ``view`` (edges included).

    Example:
        >>> in_view(np.array([[0.0, 0.0], [2.0, 0.5]]), ((0, 1), (0, 1))).tolist()
        [True, False]
    """
    (x0, x1), (y0, y1) = view
    x, y = coords[:, 0], coords[:, 1]
    return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


def checked_view(value: object) -> View | None:
    """A view sent by the browser (``{"x": [x0, x1], "y": [y0, y1]}``), or ``None`` when it
    is not one: missing, not numbers, not finite, or empty.

    Example:
        >>> checked_view({"x": [0, 1.5], "y": [-2, 2]}), checked_view({"x": [1, 0], "y": [0, 1]})
        (((0.0, 1.5), (-2.0, 2.0)), None)
    """
    if not isinstance(value, dict):
        return None
    ranges = [value.get("x"), value.get("y")]
    if not all(isinstance(r, list | tuple) and len(r) == 2 for r in ranges):
        return None
    numbers = [v for r in ranges for v in r]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
        return None
    x0, x1, y0, y1 = map(float, numbers)
    if not all(map(math.isfinite, (x0, x1, y0, y1))) or x0 >= x1 or y0 >= y1:
        return None
    return (x0, x1), (y0, y1)


def _rgb(color: str) -> NDArray[np.float64]:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def raster_image(
    coords: NDArray,
    groups: Sequence[tuple[NDArray[np.int64], str | NDArray[np.float64]]],
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    size: tuple[int, int] = CORPUS_RASTER_PX,
) -> dict:
    """Every point of ``groups`` in one image, as a layout image over ``x_range`` x ``y_range``.

    ``groups``: (rows, colour) pairs, drawn in order; a colour is ``#rrggbb``, or
    one ``(len(rows), 3)`` array of RGB (0-255) per row (a colour scale). Each
    pixel takes the colour of the group with the most points in it (a colour
    scale: their mean), and an opacity that grows with the log of its count.

    Example:
        >>> image = raster_image(np.array([[0.0, 0.0], [1.0, 1.0]]), [(np.array([0, 1]), "#ff0000")],
        ...                      x_range=(0, 1), y_range=(0, 1), size=(4, 4))
        >>> image["source"].startswith("data:image/png;base64,"), image["sizing"], image["layer"]
        (True, 'stretch', 'below')
    """  # noqa: E501 - a doctest's call is one statement
    from PIL import Image

    width, height = size
    points = np.asarray(coords, dtype=np.float64)
    cells = width * height
    pixel = _pixels(points, x_range=x_range, y_range=y_range, size=size)
    inside = in_view(points, (x_range, y_range))  # zoomed in: those out of view are left out
    total, best = np.zeros(cells), np.zeros(cells)
    winner = np.zeros(cells, dtype=np.int64)  # the group with the most points in each pixel
    palette = np.zeros((max(len(groups), 1), 3))
    shades: dict[int, NDArray[np.float64]] = {}  # a colour scale's mean colour per pixel
    for group, (rows, colour) in enumerate(groups):
        shown = inside[rows]
        rows = rows[shown]
        if not len(rows):
            continue
        if not isinstance(colour, str):
            colour = colour[shown]
        where = pixel[rows]
        counts = np.bincount(where, minlength=cells).astype(np.float64)
        if isinstance(colour, str):
            palette[group] = _rgb(colour)
        else:
            sums = [np.bincount(where, weights=colour[:, c], minlength=cells) for c in range(3)]
            shades[group] = np.stack(sums, axis=-1) / np.maximum(counts, 1)[:, None]
        wins = counts > best
        winner[wins] = group
        best = np.maximum(best, counts)
        total += counts
    color = palette[winner]
    for group, shade in shades.items():
        mine = winner == group
        color[mine] = shade[mine]
    total, color = total.reshape(height, width), color.reshape(height, width, 3)
    alpha = np.log1p(total) / max(float(np.log1p(total.max())), 1e-12)
    alpha = np.where(total > 0, 0.35 + 0.65 * alpha, 0.0)
    rgba = np.concatenate([color, 255 * alpha[..., None]], axis=-1)[::-1]  # row 0: the top
    buffer = io.BytesIO()
    Image.fromarray(rgba.round().astype(np.uint8), mode="RGBA").save(
        buffer, format="PNG", compress_level=1
    )
    return {
        "source": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(),
        "xref": "x",
        "yref": "y",
        "x": x_range[0],
        "y": y_range[1],
        "sizex": x_range[1] - x_range[0],
        "sizey": y_range[1] - y_range[0],
        "sizing": "stretch",
        "layer": "below",
        "name": "all points",
    }


def _pixels(
    points: NDArray[np.float64],
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    size: tuple[int, int],
) -> NDArray[np.int64]:
    """Each point's pixel (row-major, row 0 at ``y_range[0]``), its coordinates clipped
    into the ranges (one pass of arithmetic: ``np.histogram2d`` searches bins, 10 x slower).

    Example:
        >>> _pixels(np.array([[0.0, 0.0], [0.99, 0.99], [5.0, -5.0]]), x_range=(0, 1),
        ...         y_range=(0, 1), size=(2, 2)).tolist()
        [0, 3, 1]
    """
    width, height = size
    span_x = max(x_range[1] - x_range[0], 1e-12)
    span_y = max(y_range[1] - y_range[0], 1e-12)
    ix = np.clip(((points[:, 0] - x_range[0]) / span_x * width).astype(np.int64), 0, width - 1)
    iy = np.clip(((points[:, 1] - y_range[0]) / span_y * height).astype(np.int64), 0, height - 1)
    return iy * width + ix


def scale_rgb(values: NDArray[np.float64], colorscale: str) -> NDArray[np.float64]:
    """Each value's colour on the Plotly ``colorscale`` (from the values' min to max), RGB 0-255.

    Example:
        >>> scale_rgb(np.array([0.0, 1.0]), "Viridis").round().tolist()
        [[68.0, 1.0, 84.0], [253.0, 231.0, 37.0]]
    """
    import plotly.colors as pc

    scale = pc.get_colorscale(colorscale)
    positions = np.array([p for p, _ in scale], dtype=np.float64)
    stops = np.array([_rgb(_hex(c)) for _, c in scale])
    low, high = float(np.min(values)), float(np.max(values))
    t = (values - low) / (high - low) if high > low else np.zeros_like(values)
    return np.stack([np.interp(t, positions, stops[:, c]) for c in range(3)], axis=-1)


def _hex(color: str) -> str:
    """A Plotly colour (``#rrggbb`` or ``rgb(r, g, b)``) as ``#rrggbb``."""
    if color.startswith("#"):
        return color
    r, g, b = (int(float(v)) for v in color[color.index("(") + 1 : -1].split(",")[:3])
    return f"#{r:02x}{g:02x}{b:02x}"
