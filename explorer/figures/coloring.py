"""Colours of categories (a palette whose colours stay apart, grey for "other"),
and how one column colours the corpus map: numbers on a colour scale, anything
else by category, rare categories grouped as grey "other" (no Streamlit here).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from explorer.config import CORPUS_COLOR_CATEGORIES

if TYPE_CHECKING:
    import pandas as pd

OTHER = "other"
MISSING = "(missing)"
#: The one grey of categories: "other" (rare values grouped) and missing values.
OTHER_COLOR = "#b0b0b0"
#: Palette colours kept for categories: at least this CIELAB chroma (no near-grey
#: that could pass for "other") and at most this lightness (none fades into the
#: white background).
CATEGORY_MIN_CHROMA = 30.0
CATEGORY_MAX_LIGHTNESS = 85.0


def cielab(colors: list[str]) -> NDArray[np.float64]:
    """CIELAB (D65) of ``#rrggbb`` colours, one row (L, a, b) each: Euclidean distances
    between rows are perceived colour differences (ΔE 1976).

    Example:
        >>> lab = cielab(["#ffffff", "#000000"])
        >>> lab[:, 0].round(1).tolist(), round(float(np.linalg.norm(lab[0] - lab[1])), 1)
        ([100.0, 0.0], 100.0)
    """
    rgb = np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in colors])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    to_xyz = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    )
    xyz = linear @ to_xyz.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.column_stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])]
    )


def chroma_lightness(color: str) -> tuple[float, float]:
    """A ``#rrggbb`` colour's CIELAB chroma (0 = grey) and lightness (0 black, 100 white).

    Example:
        >>> [round(v) for v in chroma_lightness("#b0b0b0")], round(chroma_lightness("#d62728")[0])
        ([0, 72], 79)
    """
    lightness, a, b = cielab([color])[0]
    return float(np.hypot(a, b)), float(lightness)


@lru_cache(maxsize=1)
def category_palette() -> tuple[str, ...]:
    """``CORPUS_COLOR_CATEGORIES`` colours that tell categories apart, none near grey.

    colorcet's ``glasbey_category10``: Glasbey's method picks each next colour as
    far as possible (in a perceptual colour space) from all before it, starting
    from the familiar Category10 (blue, orange, green, red, ...). Colours with a
    chroma below ``CATEGORY_MIN_CHROMA`` (greys, greyish browns) or lighter than
    ``CATEGORY_MAX_LIGHTNESS`` are left out, so grey means "other" alone.

    Example:
        >>> palette = category_palette()
        >>> len(set(palette)) == len(palette) == CORPUS_COLOR_CATEGORIES, palette[:3]
        (True, ('#1f77b3', '#ff7e0e', '#2ba02b'))
    """
    import colorcet

    colors = list(colorcet.palette["glasbey_category10"])
    lab = cielab(colors)
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    kept = [
        color
        for color, lightness, c in zip(colors, lab[:, 0], chroma, strict=True)
        if c >= CATEGORY_MIN_CHROMA and lightness <= CATEGORY_MAX_LIGHTNESS
    ]
    return tuple(kept[:CORPUS_COLOR_CATEGORIES])


def category_color(position: int) -> str:
    """The colour of the category at ``position``; positions past the palette start it again.

    Example:
        >>> category_color(0) == category_color(CORPUS_COLOR_CATEGORIES) != category_color(1)
        True
    """
    palette = category_palette()
    return palette[position % len(palette)]


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


def coloring(values: Sequence[object] | pd.Series | NDArray, *, column: str) -> Coloring:
    """Colour by ``values`` (one per row): numbers on a colour scale, anything else by category.

    A column counts as numeric when every value present is a number and it has
    more distinct values than ``CORPUS_COLOR_CATEGORIES``. Categories beyond
    the ``CORPUS_COLOR_CATEGORIES`` most common share one grey "other". Each
    distinct value is looked at once (``pandas.factorize``), so a million rows
    take a fraction of a second.

    Example:
        >>> coloring(["cars", "food", None, "cars"], column="topic").categories
        ('cars', 'food', '(missing)', 'cars')
        >>> coloring([float(i) for i in range(30)], column="stars").numbers[:3].tolist()
        [0.0, 1.0, 2.0]
    """
    import pandas as pd

    numeric = _numeric_array(values)
    if numeric is not None:
        missing = np.isnan(numeric)
        if len(np.unique(numeric[~missing])) > CORPUS_COLOR_CATEGORIES:
            note = None
            if missing.any():
                note = f"{int(missing.sum()):,} rows have no “{column}” value and are drawn grey."
            return Coloring(column=column, numbers=numeric, note=note)
    if isinstance(values, pd.Series):  # a column: pandas factorizes it in its own dtype
        codes, uniques = values.reset_index(drop=True).factorize(use_na_sentinel=True)
    else:
        array = np.empty(len(values), dtype=object)
        array[:] = list(values)
        codes, uniques = pd.factorize(array, use_na_sentinel=True)  # None and NaN: -1
    distinct = list(uniques)
    absent = np.array([_is_missing(v) for v in distinct] + [True], dtype=bool)
    row_absent = absent[codes]  # code -1 reads the last entry: missing
    numbers = [_as_number(v) for v in distinct]
    present = [n for n, gone in zip(numbers, absent, strict=False) if not gone]
    if (
        present
        and all(n is not None for n in present)
        and len(set(present)) > CORPUS_COLOR_CATEGORIES
    ):
        by_code = np.array([np.nan if n is None else n for n in numbers] + [np.nan])
        numeric = np.where(row_absent, np.nan, by_code[codes])
        missing = int(row_absent.sum())
        note = None
        if missing:
            note = f"{missing:,} rows have no “{column}” value and are drawn grey."
        return Coloring(column=column, numbers=numeric, note=note)
    names = [
        MISSING if gone else _category_label(v) for v, gone in zip(distinct, absent, strict=False)
    ]
    label_codes, labels = pd.factorize(np.array(names + [MISSING], dtype=object))
    row_labels = label_codes[codes]  # each row's label, as a code into labels
    counted = np.bincount(row_labels, minlength=len(labels))
    counts = {str(labels[i]): int(k) for i, k in enumerate(counted) if k}
    ranked = sorted((c for c in counts if c != MISSING), key=lambda c: (-counts[c], c))
    note = None
    shown = np.asarray(labels, dtype=object)
    if len(ranked) > CORPUS_COLOR_CATEGORIES:
        rare = len(ranked) - CORPUS_COLOR_CATEGORIES
        note = (
            f"“{column}” has {len(ranked):,} distinct values: the "
            f"{CORPUS_COLOR_CATEGORIES} most common get a colour, the other {rare:,} are "
            f"grey (“{OTHER}”)."
        )
        kept = set(ranked[:CORPUS_COLOR_CATEGORIES]) | {MISSING}
        shown = np.array([c if c in kept else OTHER for c in labels], dtype=object)
    return Coloring(column=column, categories=tuple(shown[row_labels].tolist()), note=note)


def _numeric_array(values: Sequence[object] | pd.Series | NDArray) -> NDArray[np.float64] | None:
    """``values`` as float64 (NaN: missing) when numpy sees them all as numbers (no
    ``None``, text or booleans), else ``None``.

    Example:
        >>> _numeric_array([1, 2.5, float("nan")]).tolist(), _numeric_array([1, None])
        ([1.0, 2.5, nan], None)
    """
    kind = getattr(getattr(values, "dtype", None), "kind", None)
    if kind is not None and kind not in "iuf":  # a column of text, booleans, objects
        return None
    array = np.asarray(values)
    if array.ndim != 1 or array.dtype.kind not in "iuf":
        return None
    return array.astype(np.float64)


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
    return counted_order(counts)


def counted_order(counts: Mapping[str, int]) -> list[str]:
    """:func:`category_order` from each category's count.

    Example:
        >>> counted_order({"b": 2, "other": 5, "a": 2})
        ['a', 'b', 'other']
    """
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
