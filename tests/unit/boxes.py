"""A check the label tests share: text boxes (x0, y0, x1, y1, px) stay apart and inside."""

from __future__ import annotations


def assert_apart(boxes: list, width: float, height: float) -> None:
    """No two boxes overlap (by more than 0.5 px both ways); all are inside the plot."""
    for i, box in enumerate(boxes):
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height, box
        for other in boxes[i + 1 :]:
            across = min(box[2], other[2]) - max(box[0], other[0])
            down = min(box[3], other[3]) - max(box[1], other[1])
            assert across <= 0.5 or down <= 0.5, (box, other)
