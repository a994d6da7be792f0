"""How one column colours the corpus map: numbers on a colour scale, anything else
by category, rare categories grouped as grey "other" (no Streamlit here).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from explorer.config import CORPUS_COLOR_CATEGORIES
from explorer.figures.style import OTHER_COLOR, category_color

OTHER = "other"
MISSING = "(missing)"


@dataclass(frozen=True, eq=False)
class Coloring:
    """How one column colours the map.

    Attributes:
        column: the column's name.
        categories: for a categorical column, the category of each row (rare
            ones become ``"other"``, empty ones ``"(missing)"``); else ``None``.
        numbers: for a numeric column, each row's value (NaN when missing); else ``None``.
        note: a sentence when values were grouped or left grey, else ``None``.
    """

    column: str
    categories: tuple[str, ...] | None = None
    numbers: NDArray[np.float64] | None = None
    note: str | None = None


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    return None


def coloring(values: Sequence[object], *, column: str) -> Coloring:
    """Colour by ``values`` (one per row): numbers on a colour scale, anything else by category.

    A column counts as numeric when every value present is a number and it has
    more distinct values than ``CORPUS_COLOR_CATEGORIES``. Categories beyond
    the ``CORPUS_COLOR_CATEGORIES`` most common share one grey "other".

    Example:
        >>> coloring(["cars", "food", None, "cars"], column="topic").categories
        ('cars', 'food', '(missing)', 'cars')
        >>> coloring([float(i) for i in range(30)], column="stars").numbers[:3].tolist()
        [0.0, 1.0, 2.0]
    """
    values = list(values)
    present = [v for v in values if not _is_missing(v)]
    numbers = [_as_number(v) for v in present]
    if present and all(n is not None for n in numbers):
        if len(set(numbers)) > CORPUS_COLOR_CATEGORIES:
            array = np.array(
                [np.nan if _is_missing(v) else _as_number(v) for v in values], dtype=np.float64
            )
            missing = int(np.isnan(array).sum())
            note = None
            if missing:
                note = f"{missing:,} rows have no “{column}” value and are drawn grey."
            return Coloring(column=column, numbers=array, note=note)
    labels = [MISSING if _is_missing(v) else _category_label(v) for v in values]
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    ranked = sorted((c for c in counts if c != MISSING), key=lambda c: (-counts[c], c))
    kept = set(ranked[:CORPUS_COLOR_CATEGORIES])
    note = None
    if len(ranked) > CORPUS_COLOR_CATEGORIES:
        rare = len(ranked) - CORPUS_COLOR_CATEGORIES
        note = (
            f"“{column}” has {len(ranked):,} distinct values: the "
            f"{CORPUS_COLOR_CATEGORIES} most common get a colour, the other {rare:,} are "
            f"grey (“{OTHER}”)."
        )
        labels = [label if label in kept or label == MISSING else OTHER for label in labels]
    return Coloring(column=column, categories=tuple(labels), note=note)


def _category_label(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def category_order(categories: Sequence[str]) -> list[str]:
    """Categories by how common they are, ``"other"`` and ``"(missing)"`` last.

    Example:
        >>> category_order(["b", "a", "other", "b", "(missing)"])
        ['b', 'a', 'other', '(missing)']
    """
    counts: dict[str, int] = {}
    for category in categories:
        counts[category] = counts.get(category, 0) + 1
    special = [c for c in (OTHER, MISSING) if c in counts]
    usual = sorted((c for c in counts if c not in special), key=lambda c: (-counts[c], c))
    return usual + special


def category_colors(categories: Sequence[str]) -> list[str]:
    """The colour of each category in ``categories`` (as :func:`category_order` gives
    them): each its own from the category palette, grey for ``"other"`` and ``"(missing)"``.

    Example:
        >>> category_colors(["cars", "food", "other"])
        ['#1f77b3', '#ff7e0e', '#b0b0b0']
    """
    return [
        OTHER_COLOR if category in (OTHER, MISSING) else category_color(position)
        for position, category in enumerate(categories)
    ]
