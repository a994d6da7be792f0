"""Read tables fitted to the page (explorer.ui.tables): phrase cells may be shortened."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def shortened(cells: Iterable[str], phrases: Sequence[str]) -> bool:
    """Whether ``cells`` are ``phrases`` in order, each whole or cut with an ellipsis.

    Example:
        >>> shortened(["a cat", "a very…"], ["a cat", "a very long phrase"])
        True
        >>> shortened(["a dog"], ["a cat"])
        False
    """
    cells = list(cells)
    return len(cells) == len(phrases) and all(
        cell == phrase or (cell.endswith("…") and phrase.startswith(cell[:-1].rstrip()))
        for cell, phrase in zip(cells, phrases, strict=True)
    )
