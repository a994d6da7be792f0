"""Free spots for text on a map: the one search every chart's labels go through.

A :class:`TextLayout` knows the plotting area in pixels (the narrowest a page
draws it), the dots on it and the text placed so far. Each label offers
candidate boxes, best first; it takes the first that is inside the plot and
touches no dot and no text already placed, and is left to the hover when none
is free. Phrase labels try the eight spots around their point, then callouts a
little farther out (with a leader line); a line's ``d=`` label tries spots
along its line, on it and beside it. Boxes are in pixels, y pointing up.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Glyph widths of the charts' font (Streamlit's theme draws Plotly text in
#: Source Sans), as shares of the font size, measured in Chromium and rounded up.
NARROW_CHARS = frozenset("fijlrtI.,:;'\"|!()[]{} ")
WIDE_CHARS = frozenset("mwMW@%&")
CHAR_EMS = {"narrow": 0.32, "wide": 0.86, "upper": 0.64, "digit": 0.54, "other": 0.54}
#: Plotly's line spacing of multi-line text, in font sizes; a line's box is a
#: little taller than its font size.
LINE_SPACING = 1.3
LINE_BOX = 1.36
#: Pixels kept free between two texts, and between a text and a dot.
TEXT_GAP = 2.0
#: Plotly text positions of a point's label, best first.
LABEL_CANDIDATES = (
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)
#: Callouts (a label joined to its point by a thin line): distances from the
#: point to the label's nearest edge, px, and directions tried, degrees.
CALLOUT_DISTANCES = (22.0, 40.0, 60.0, 85.0)
CALLOUT_ANGLES = (90, 270, 0, 180, 45, 135, 315, 225, 30, 150, 210, 330, 60, 120, 240, 300)
#: Where along a line (from its first end) its label may sit, best first.
MIDDLE_FIRST = (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.2, 0.8)
#: A spot beside a line counts as this many places after the same spot on it.
BESIDE_RANK = 2.5
#: Annotations' padding (Plotly's borderpad plus its 1 px border), px.
ANNOTATION_PAD = 3.0
_TAG = re.compile(r"<[^>]+>")


def char_em(char: str) -> float:
    """A character's width as a share of the font size (see ``CHAR_EMS``).

    Example:
        >>> char_em("i"), char_em("m"), char_em("a")
        (0.32, 0.86, 0.54)
    """
    if char in NARROW_CHARS:
        return CHAR_EMS["narrow"]
    if char in WIDE_CHARS:
        return CHAR_EMS["wide"]
    if char.isdigit():
        return CHAR_EMS["digit"]
    if char.isupper():
        return CHAR_EMS["upper"]
    return CHAR_EMS["other"]


def text_size(text: str, *, font_size: float) -> tuple[float, float]:
    """Width and height in pixels of Plotly text (``<br>`` breaks lines, tags and
    entities count as what they show).

    Example:
        >>> [round(v) for v in text_size("d=0.42", font_size=12)]
        [36, 16]
        >>> round(text_size("a<br>b", font_size=10)[1])
        27
    """
    lines = [html.unescape(_TAG.sub("", line)) for line in text.split("<br>")]
    width = max(sum(char_em(c) for c in line) for line in lines) * font_size
    height = ((len(lines) - 1) * LINE_SPACING + LINE_BOX) * font_size
    return width, height


@dataclass(frozen=True)
class PlotArea:
    """The plotting area (inside the axes) that labels are placed for, in pixels:
    the narrowest a page draws it. Wider windows only add room.

    Example:
        >>> PlotArea(350, 470).aspect
        0.745
    """

    width: float
    height: float

    @property
    def aspect(self) -> float:
        return round(self.width / self.height, 3)


def _overlaps(box: NDArray, boxes: NDArray) -> NDArray[np.bool_]:
    """Which rows of ``boxes`` (x0, y0, x1, y1) ``box`` overlaps, by more than 0.5 px."""
    if len(boxes) == 0:
        return np.zeros(0, dtype=bool)
    dx = np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0])
    dy = np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1])
    return (dx > 0.5) & (dy > 0.5)


def _area(box: NDArray, boxes: NDArray) -> float:
    if len(boxes) == 0:
        return 0.0
    dx = np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0])
    dy = np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1])
    return float((np.clip(dx, 0, None) * np.clip(dy, 0, None)).sum())


def centred_box(x: float, y: float, width: float, height: float) -> NDArray[np.float64]:
    """The box of that size centred on (x, y).

    Example:
        >>> centred_box(10, 10, 4, 2).tolist()
        [8.0, 9.0, 12.0, 11.0]
    """
    return np.array([x - width / 2, y - height / 2, x + width / 2, y + height / 2], dtype=float)


def point_label_box(
    position: str, x: float, y: float, width: float, height: float, *, marker_size: float
) -> NDArray[np.float64]:
    """Where Plotly draws a point's text at ``position`` ("top center", ...), in pixels.

    Plotly sets text off by the marker's radius / 0.8 + 1 px.

    Example:
        >>> point_label_box("top center", 0, 0, 20, 10, marker_size=12).tolist()
        [-10.0, 8.5, 10.0, 18.5]
    """
    offset = marker_size / 2 / 0.8 + 1
    vertical, horizontal = position.split()
    left = {"center": x - width / 2, "right": x + offset, "left": x - offset - width}
    bottom = {"top": y + offset, "bottom": y - offset - height, "middle": y - height / 2}
    x0, y0 = left[horizontal], bottom[vertical]
    return np.array([x0, y0, x0 + width, y0 + height])


@dataclass
class TextLayout:
    """The text placed on one map so far, and the dots it must keep clear of.

    ``annotations`` collects what is placed as a Plotly annotation (``d=`` labels,
    callouts); hand them to the figure's layout. ``dropped`` counts labels left
    to the hover.

    Example:
        >>> layout = TextLayout((0, 10), (0, 10), PlotArea(100, 100))
        >>> layout.add_dots([[5, 5]], size=10)
        >>> box = centred_box(50, 50, 20, 10)  # on the dot
        >>> layout.take([box, centred_box(20, 20, 20, 10)])
        1
        >>> layout.take([centred_box(22, 22, 20, 10)]) is None
        True
    """

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    area: PlotArea
    texts: list[NDArray] = field(default_factory=list)
    dots: NDArray = field(default_factory=lambda: np.zeros((0, 4)))
    annotations: list[dict[str, Any]] = field(default_factory=list)
    dropped: int = 0

    def px(self, points: Any) -> NDArray[np.float64]:
        """Data coordinates (n, 2) to pixels from the plot's bottom-left corner."""
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        p = np.asarray(points, dtype=float).reshape(-1, 2)
        return np.column_stack(
            [
                (p[:, 0] - x0) / max(x1 - x0, 1e-12) * self.area.width,
                (p[:, 1] - y0) / max(y1 - y0, 1e-12) * self.area.height,
            ]
        )

    def data(self, x: float, y: float) -> tuple[float, float]:
        """Pixels back to data coordinates."""
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return (
            float(x0 + x / self.area.width * (x1 - x0)),
            float(y0 + y / self.area.height * (y1 - y0)),
        )

    def add_dots(self, points: Any, *, size: float | Sequence[float]) -> None:
        """Keep text off these markers (``size``: Plotly marker diameters, px)."""
        centres = self.px(points)
        radius = np.broadcast_to(np.asarray(size, dtype=float) / 2, (len(centres),))
        boxes = np.column_stack([centres - radius[:, None], centres + radius[:, None]])
        self.dots = np.vstack([self.dots, boxes])

    def reserve(self, box: NDArray) -> None:
        """Text drawn at a fixed spot (a caption): others keep clear of it."""
        self.texts.append(np.asarray(box, dtype=float))

    def _padded(self, box: NDArray) -> NDArray:
        return box + np.array([-TEXT_GAP, -TEXT_GAP, TEXT_GAP, TEXT_GAP]) / 2

    def is_free(self, box: NDArray) -> bool:
        """Inside the plot, off every dot and every text placed."""
        if box[0] < 0 or box[1] < 0 or box[2] > self.area.width or box[3] > self.area.height:
            return False
        padded = self._padded(box)
        placed = np.array(self.texts).reshape(-1, 4)
        return not (_overlaps(padded, placed).any() or _overlaps(padded, self.dots).any())

    def cost(self, box: NDArray) -> float:
        """How badly a box sits: area outside the plot, on texts, on dots (weighted)."""
        inside = _area(box, np.array([[0.0, 0.0, self.area.width, self.area.height]]))
        outside = (box[2] - box[0]) * (box[3] - box[1]) - inside
        placed = np.array(self.texts).reshape(-1, 4)
        return 10 * outside + 3 * _area(box, placed) + 2 * _area(box, self.dots)

    def take(
        self, candidates: Sequence[NDArray], *, required: bool = False, final: bool = True
    ) -> int | None:
        """Place the first free candidate and return its index; ``None`` when none is
        free (counted in ``dropped`` unless another try follows: ``final=False``),
        or with ``required`` the least bad one."""
        for index, box in enumerate(candidates):
            if self.is_free(box):
                self.texts.append(np.asarray(box, dtype=float))
                return index
        if not required or not candidates:
            self.dropped += final
            return None
        costs = [self.cost(box) + 1e-6 * rank for rank, box in enumerate(candidates)]
        index = int(np.argmin(costs))
        self.texts.append(np.asarray(candidates[index], dtype=float))
        return index


@dataclass(frozen=True)
class Spot:
    """Where a point's label went: a Plotly ``textposition``, or a callout whose box
    centre is (``ax``, ``ay``) px from the point (Plotly's ``ax``/``ay``: y down)."""

    position: str | None = None
    ax: float = 0.0
    ay: float = 0.0

    @property
    def is_callout(self) -> bool:
        return self.position is None


def _callout_candidates(x: float, y: float, w: float, h: float) -> list[tuple[float, float]]:
    offsets = []
    for distance in CALLOUT_DISTANCES:
        for angle in CALLOUT_ANGLES:
            dx, dy = np.cos(np.radians(angle)), np.sin(np.radians(angle))
            # From the point to the box's nearest edge, then on to its centre.
            reach = min(
                w / 2 / abs(dx) if abs(dx) > 1e-9 else np.inf,
                h / 2 / abs(dy) if abs(dy) > 1e-9 else np.inf,
            )
            offsets.append(((distance + reach) * dx, (distance + reach) * dy))
    return offsets


def place_point_labels(
    layout: TextLayout,
    coords: Any,
    labels: Sequence[str],
    *,
    font_size: float,
    marker_size: float | Sequence[float],
    order: Sequence[int] | None = None,
    callouts: bool = False,
) -> list[Spot | None]:
    """A spot for each point's label, in ``order`` (first placed, first served).

    Each label takes the first free of the eight spots around its point; with
    ``callouts``, those left then take the first free callout farther out (once
    every label that fits beside its point is placed); else ``None`` (its hover
    still shows it). An empty label takes no spot.

    Example:
        >>> layout = TextLayout((0, 1), (0, 1), PlotArea(300, 300))
        >>> points = [[0.5, 0.5], [0.5, 0.52]]  # 6 px apart
        >>> layout.add_dots(points, size=12)
        >>> spots = place_point_labels(layout, points, ["cat", "dog"], font_size=13,
        ...                            marker_size=12)
        >>> [s.position for s in spots]
        ['bottom center', 'top center']
    """
    coords_list = np.asarray(coords, dtype=float).reshape(-1, 2)
    points = layout.px(coords_list)
    sizes = np.broadcast_to(np.asarray(marker_size, dtype=float), (len(points),))
    spots: list[Spot | None] = [None] * len(points)
    ranked = [i for i in (order if order is not None else range(len(points))) if labels[i]]
    for i in ranked:
        w, h = text_size(labels[i], font_size=font_size)
        x, y = points[i]
        boxes = [point_label_box(p, x, y, w, h, marker_size=sizes[i]) for p in LABEL_CANDIDATES]
        taken = layout.take(boxes, final=not callouts)
        if taken is not None:
            spots[i] = Spot(LABEL_CANDIDATES[taken])
    # Callouts only once every label that fits beside its point is there.
    for i in ranked if callouts else ():
        if spots[i] is None:
            offset = place_callout(layout, coords_list[i], labels[i], font_size=font_size)
            if offset is not None:
                spots[i] = Spot(None, *offset)
    return spots


def place_callout(
    layout: TextLayout, point: Any, text: str, *, font_size: float
) -> tuple[float, float] | None:
    """Plotly's ``ax``/``ay`` (px, y down) for a callout of ``text`` joined to
    ``point`` by a line: the first free spot of the callout rings, else ``None``.

    Example:
        >>> layout = TextLayout((0, 1), (0, 1), PlotArea(300, 300))
        >>> place_callout(layout, (0.5, 0.5), "query: a cat", font_size=13)
        (0.0, -33.8)
    """
    w, h = text_size(text, font_size=font_size)
    w, h = w + 2 * ANNOTATION_PAD, h + 2 * ANNOTATION_PAD
    ((x, y),) = layout.px([point])
    offsets = _callout_candidates(x, y, w, h)
    taken = layout.take([centred_box(x + dx, y + dy, w, h) for dx, dy in offsets])
    if taken is None:
        return None
    dx, dy = offsets[taken]
    return round(float(dx), 1), round(float(-dy), 1)


def place_line_label(
    layout: TextLayout,
    start: Any,
    end: Any,
    text: str,
    *,
    font_size: float,
    along: Sequence[float] = MIDDLE_FIRST,
) -> tuple[float, float] | None:
    """Data coordinates of the centre of a line's label (an annotation with a
    background), or ``None`` when no spot near the line is free.

    Spots, best first: on the line at each share of ``along`` (from ``start``),
    and beside it, on either side, at the same shares; a spot beside the line
    ranks ``BESIDE_RANK`` places after the same share on the line.

    Example:
        >>> layout = TextLayout((0, 10), (0, 10), PlotArea(200, 200))
        >>> place_line_label(layout, (1, 5), (9, 5), "d=0.42", font_size=12)
        (5.0, 5.0)
        >>> place_line_label(layout, (1, 5), (9, 5), "d=0.42", font_size=12)
        (2.6, 5.0)
    """
    w, h = text_size(text, font_size=font_size)
    w, h = w + 2 * ANNOTATION_PAD, h + 2 * ANNOTATION_PAD
    (a, b) = layout.px([start, end])
    direction = b - a
    length = float(np.hypot(*direction))
    normal = np.array([-direction[1], direction[0]]) / length if length > 1e-9 else np.zeros(2)
    # Beside the line: the box's centre off it by half the box's extent along the normal.
    side = (abs(normal[0]) * w + abs(normal[1]) * h) / 2 + 1
    spots = [(rank, a + t * direction) for rank, t in enumerate(along)]
    spots += [
        (rank + BESIDE_RANK, centre + sign * side * normal)
        for rank, centre in spots
        for sign in (1, -1)
    ]
    centres = [centre for _, centre in sorted(spots, key=lambda spot: spot[0])]
    taken = layout.take([centred_box(x, y, w, h) for x, y in centres])
    if taken is None:
        return None
    x, y = layout.data(*centres[taken])
    return round(x, 6), round(y, 6)


#: Label boxes as shares of the plot's width and height (13 px text on a chart
#: of about 600 x 480 px), for figures that place labels themselves.
LABEL_CHAR_WIDTH = 0.011
LABEL_LINE_HEIGHT = 0.042
#: The plotting area :func:`label_positions` assumes when given none, px.
DEFAULT_AREA = PlotArea(610, 470)


def label_positions(
    coords: NDArray,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    labels: list[str] | None = None,
    *,
    area: PlotArea = DEFAULT_AREA,
    font_size: float = 13,
    marker_size: float = 12,
) -> list[str]:
    """Choose a text position per point so labels stay inside the plot and apart.

    Each label, in turn, takes the first of ``LABEL_CANDIDATES`` that is free
    (:class:`~explorer.figures.labels.TextLayout`), else the one that overlaps
    least with the plot's edge, the labels already placed and the dots. Every
    label keeps a position; maps that may drop labels to the hover use
    :func:`labelled_markers` with a layout. Deterministic.

    Example:
        >>> label_positions(np.array([[0.0, 0.0], [0.01, 0.0]]), (-1, 1), (-1, 1), ["a", "b"])
        ['top center', 'bottom center']
    """
    layout = TextLayout(x_range, y_range, area)
    points = np.asarray(coords, dtype=float).reshape(-1, 2)
    layout.add_dots(points, size=marker_size)
    pixels = layout.px(points)
    positions = []
    for i, (x, y) in enumerate(pixels):
        label = (labels[i] if labels is not None else None) or "x" * 12
        w, h = text_size(label, font_size=font_size)
        boxes = [point_label_box(p, x, y, w, h, marker_size=marker_size) for p in LABEL_CANDIDATES]
        positions.append(LABEL_CANDIDATES[layout.take(boxes, required=True) or 0])
    return positions


def wrap_text(text: str, *, width: float, font_size: float) -> str:
    """Plotly text broken with ``<br>`` between words so each line fits ``width`` px
    (its own ``<br>`` kept; a word longer than the width stands on its own line).

    Example:
        >>> wrap_text("one two three four", width=60, font_size=12)
        'one two<br>three four'
    """
    lines: list[str] = []
    for part in text.split("<br>"):
        line = ""
        for word in part.split(" "):
            longer = f"{line} {word}" if line else word
            if line and text_size(longer, font_size=font_size)[0] > width:
                lines.append(line)
                line = word
            else:
                line = longer
        lines.append(line)
    return "<br>".join(lines)
