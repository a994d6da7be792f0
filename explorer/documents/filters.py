"""Filter a corpus by its columns, and the documents a box or lasso selects (no Streamlit).

A filter keeps rows whose category is one of those chosen, or whose number
lies in a range; :func:`filter_mask` turns filters into one boolean per row,
which the map (points outside fade), search, neighbours and clusters take.
Filters and a selection travel in a page's link: :func:`filters_text` and
:func:`read_filters` write and read the filters as compact JSON,
:func:`link_rows` caps a selection at ``CORPUS_LINK_ROWS`` rows.

Example:
    >>> import pandas as pd
    >>> corpus = Corpus(("a", "b", "c"), pd.DataFrame({"topic": ["x", "y", "x"],
    ...                                                "stars": [1, 5, 3]}))
    >>> filter_mask(corpus, [ColumnFilter("topic", values=("x",)),
    ...                      ColumnFilter("stars", low=2, high=5)]).tolist()
    [False, False, True]
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from explorer.config import CORPUS_FILTER_CHOICES, CORPUS_LINK_ROWS
from explorer.documents.corpus import Corpus
from explorer.documents.writers import guard
from explorer.phrases import shorten

#: How a missing cell reads in a category filter.
MISSING = "(missing)"


@dataclass(frozen=True)
class ColumnFilter:
    """Rows kept by one column: ``values`` (categories) or ``low`` to ``high`` (numbers).

    Example:
        >>> ColumnFilter("stars", low=1, high=3).describe()
        'stars from 1 to 3'
    """

    column: str
    _: KW_ONLY
    values: tuple[str, ...] | None = None
    low: float | None = None
    high: float | None = None

    def describe(self) -> str:
        if self.values is not None:
            return f"{self.column} is {' or '.join(self.values) or 'nothing'}"
        return f"{self.column} from {self.low:g} to {self.high:g}"


@dataclass(frozen=True)
class FilterOption:
    """How a column can be filtered: ``choices`` (categories, most common first) or
    the range ``low`` to ``high`` (numbers; ``whole`` when all are integers)."""

    column: str
    choices: tuple[str, ...] | None = None
    low: float = 0.0
    high: float = 0.0
    whole: bool = False


def category_of(value: object) -> str:
    """A cell as a category: ``"(missing)"`` for nothing, ``"3"`` for 3.0, else its text.

    Example:
        >>> category_of(None), category_of(3.0), category_of(" cars ")
        ('(missing)', '3', 'cars')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or MISSING


def category_codes(values: Any) -> tuple[NDArray[np.intp], list[str]]:
    """Each row's :func:`category_of` as a code into a list of names: for a column of
    text, :func:`category_of` runs once per distinct value (pandas' ``factorize``), not once
    per row (a million rows: 0.8 s on each rerun).

    Example:
        >>> import pandas as pd
        >>> codes, names = category_codes(pd.Series(["cars", None, " cars", "food"]))
        >>> [names[c] for c in codes]
        ['cars', '(missing)', 'cars', 'food']
    """
    import pandas as pd

    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        # Only text (or nothing): factorize compares values with ==, which would merge
        # True with 1, whose categories differ.
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        names = [category_of(value) for value in uniques]
    else:
        codes, names = pd.factorize(values.map(category_of))
        names = list(names)
    return np.asarray(codes, dtype=np.intp), names


def _numbers(values: Any) -> NDArray[np.float64] | None:
    """A column's values as floats (NaN when missing), or ``None`` if not all numbers."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return None
    return np.asarray(values, dtype=np.float64)


def filter_options(corpus: Corpus) -> tuple[list[FilterOption], list[str]]:
    """The filters each of the corpus's columns offers, and a note per column left out.

    Example:
        >>> import pandas as pd
        >>> options, _ = filter_options(Corpus(("a", "b"), pd.DataFrame({"n": [1, 4]})))
        >>> options
        [FilterOption(column='n', choices=None, low=1.0, high=4.0, whole=True)]
    """
    options, notes = [], []
    for name in corpus.extra.columns:
        column = str(name)
        values = corpus.extra[name]
        numbers = _numbers(values)
        if numbers is not None:
            present = numbers[~np.isnan(numbers)]
            if len(present):
                whole = bool(np.all(present == np.round(present)))
                low, high = float(present.min()), float(present.max())
                options.append(FilterOption(column, low=low, high=high, whole=whole))
            continue
        codes, names = category_codes(values)
        counts: dict[str, int] = {}
        for name, count in zip(names, np.bincount(codes, minlength=len(names)), strict=True):
            counts[name] = counts.get(name, 0) + int(count)
        if len(counts) > CORPUS_FILTER_CHOICES:
            notes.append(
                f"“{column}” has {len(counts):,} distinct values, over the "
                f"{CORPUS_FILTER_CHOICES:,} a filter lists; it cannot be filtered by."
            )
            continue
        ranked = sorted(counts, key=lambda c: (c == MISSING, -counts[c], c))
        options.append(FilterOption(column, choices=tuple(ranked)))
    return options, notes


def filter_mask(corpus: Corpus, filters: Sequence[ColumnFilter]) -> NDArray[np.bool_]:
    """One boolean per row: whether every filter keeps it (all ``True`` for no filter).

    Raises:
        ValueError: a filter names a column the corpus lacks, or a range on text.
    """
    mask = np.ones(len(corpus), dtype=bool)
    columns = [str(c) for c in corpus.extra.columns]
    for item in filters:
        if item.column not in columns:
            raise ValueError(
                f"No column “{item.column}” to filter by; this corpus has "
                f"{', '.join(f'“{c}”' for c in columns) or 'no columns'}."
            )
        values = corpus.extra[corpus.extra.columns[columns.index(item.column)]]
        if item.values is not None:
            codes, names = category_codes(values)
            mask &= np.isin(np.asarray(names, dtype=object), list(item.values))[codes]
            continue
        numbers = _numbers(values)
        if numbers is None:
            raise ValueError(
                f"“{item.column}” holds text, not numbers; filter it by its values, not a range."
            )
        low = -np.inf if item.low is None else item.low
        high = np.inf if item.high is None else item.high
        with np.errstate(invalid="ignore"):
            mask &= (numbers >= low) & (numbers <= high)
    return mask


def active_filters(
    options: Sequence[FilterOption], chosen: Mapping[str, Any]
) -> list[ColumnFilter]:
    """Filters from what the page's widgets hold (``column -> values or (low, high)``);
    a range at its full extent and an empty choice filter nothing.

    Example:
        >>> options = [FilterOption("n", low=0, high=9), FilterOption("t", choices=("a", "b"))]
        >>> active_filters(options, {"n": (0, 9), "t": ["a"]})
        [ColumnFilter(column='t', values=('a',), low=None, high=None)]
    """
    found = []
    for option in options:
        value = chosen.get(option.column)
        if value is None:
            continue
        if option.choices is not None:
            if value:
                found.append(ColumnFilter(option.column, values=tuple(map(str, value))))
        else:
            low, high = (float(v) for v in value)
            if low > option.low or high < option.high:
                found.append(ColumnFilter(option.column, low=low, high=high))
    return found


def filters_text(filters: Sequence[ColumnFilter]) -> str:
    """Filters as a link's text (compact JSON; ``""`` for none).

    Example:
        >>> filters_text([ColumnFilter("topic", values=("cars",)),
        ...               ColumnFilter("n", low=1, high=2)])
        '[{"c":"topic","in":["cars"]},{"c":"n","min":1,"max":2}]'
    """
    items: list[dict[str, Any]] = []
    for item in filters:
        if item.values is not None:
            items.append({"c": item.column, "in": list(item.values)})
        else:
            items.append({"c": item.column, "min": _plain(item.low), "max": _plain(item.high)})
    return json.dumps(items, separators=(",", ":"), ensure_ascii=False) if items else ""


def _plain(value: float | None) -> float | int | None:
    return int(value) if value is not None and float(value).is_integer() else value


def read_filters(
    text: str, options: Sequence[FilterOption]
) -> tuple[list[ColumnFilter], list[str]]:
    """Filters from a link's text, checked against the columns offered, and a message
    per part that could not be used (it is left out).

    Example:
        >>> options = [FilterOption("topic", choices=("cars", "food"))]
        >>> read_filters('[{"c":"topic","in":["cars","boats"]}]', options)
        ([ColumnFilter(column='topic', values=('cars',), low=None, high=None)], ['The link filters “topic” by values this corpus lacks (boats); they are left out.'])
    """  # noqa: E501
    if not text.strip():
        return [], []
    try:
        items = json.loads(text)
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValueError("not a list of filters")
    except ValueError:
        return [], [
            f"The link's filter “{shorten(text, 40)}” cannot be read; showing every document."
        ]
    by_column = {option.column: option for option in options}
    found, problems = [], []
    for item in items:
        column = str(item.get("c", ""))
        option = by_column.get(column)
        if option is None:
            problems.append(f"The link filters by “{column}”, which this corpus cannot filter by.")
        elif option.choices is not None and isinstance(item.get("in"), list):
            wanted = [str(v) for v in item["in"]]
            kept = tuple(v for v in wanted if v in option.choices)
            lacking = [v for v in wanted if v not in option.choices]
            if lacking:
                problems.append(
                    f"The link filters “{column}” by values this corpus lacks "
                    f"({shorten(', '.join(lacking), 80)}); they are left out."
                )
            if kept:
                found.append(ColumnFilter(column, values=kept))
        elif option.choices is None and _is_range(item):
            low = max(float(item["min"]), option.low)
            high = min(float(item["max"]), option.high)
            found.append(ColumnFilter(column, low=min(low, high), high=max(low, high)))
        else:
            problems.append(f"The link's filter on “{column}” cannot be read; it is left out.")
    return found, problems


def _is_range(item: Mapping[str, Any]) -> bool:
    return all(
        isinstance(item.get(k), int | float) and not isinstance(item.get(k), bool)
        and math.isfinite(item[k])
        for k in ("min", "max")
    )  # fmt: skip


# --- A selection on the map -----------------------------------------------------------


def selected_rows(event: Mapping[str, Any] | None, count: int) -> list[int] | None:
    """The rows (0-based, sorted) a box or lasso selection holds; ``None`` when the
    event is not one (a click on a point, or nothing).

    The map's points carry their 1-based row in ``customdata``.

    Example:
        >>> event = {"selection": {"box": [{"x": [0, 1]}],
        ...                        "points": [{"customdata": 3}, {"customdata": 1}]}}
        >>> selected_rows(event, 5), selected_rows({"selection": {"points": []}}, 5)
        ([0, 2], None)
    """
    selection = (event or {}).get("selection") or {}
    if not (selection.get("box") or selection.get("lasso")):
        return None
    rows = set()
    for point in selection.get("points") or []:
        row = point.get("customdata") if isinstance(point, Mapping) else None
        if isinstance(row, list):
            row = row[0] if row else None
        if isinstance(row, int) and not isinstance(row, bool) and 1 <= row <= count:
            rows.add(row - 1)
    return sorted(rows)


def _finite_floats(values: Any) -> list[float] | None:
    """``values`` as finite floats, or ``None`` when any is not one."""
    if not isinstance(values, (list, tuple)) or not values:
        return None
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        if not math.isfinite(value):
            return None
        out.append(float(value))
    return out


def selection_shapes(event: Mapping[str, Any] | None) -> list[tuple[list[float], list[float]]]:
    """The boxes and lassos of a selection event, each as its outline's ``(xs, ys)``
    in the map's coordinates (a box as its 4 corners); malformed shapes are left out.

    Example:
        >>> selection_shapes({"selection": {"box": [{"x": [0, 2], "y": [1, 3]}],
        ...                                 "lasso": [{"x": [0, 1, 0], "y": [0, 0, 1]}]}})
        [([0.0, 2.0, 2.0, 0.0], [1.0, 1.0, 3.0, 3.0]), ([0.0, 1.0, 0.0], [0.0, 0.0, 1.0])]
    """
    selection = (event or {}).get("selection") or {}
    shapes = []
    for box in selection.get("box") or []:
        xs, ys = _finite_floats((box or {}).get("x")), _finite_floats((box or {}).get("y"))
        if xs and ys and len(xs) == len(ys) == 2:
            (x0, x1), (y0, y1) = sorted(xs), sorted(ys)
            shapes.append(([x0, x1, x1, x0], [y0, y0, y1, y1]))
    for lasso in selection.get("lasso") or []:
        xs, ys = _finite_floats((lasso or {}).get("x")), _finite_floats((lasso or {}).get("y"))
        if xs and ys and len(xs) == len(ys) >= 3:
            shapes.append((xs, ys))
    return shapes


def rows_in_shapes(
    coords: NDArray, shapes: Sequence[tuple[Sequence[float], Sequence[float]]]
) -> list[int]:
    """The rows (0-based, sorted) whose ``(x, y)`` lies inside any of ``shapes``, outlines
    as :func:`selection_shapes` gives them (even-odd rule, edges by numpy over all rows).

    Example:
        >>> coords = np.array([[0.5, 0.5], [2.0, 2.0], [0.2, 0.9]])
        >>> rows_in_shapes(coords, [([0, 1, 1, 0], [0, 0, 1, 1])])
        [0, 2]
        >>> rows_in_shapes(np.array([[0.6, 0.3], [0.3, 0.6]]), [([0, 1, 1], [0, 0, 1])])
        [0]
    """
    points = np.asarray(coords, dtype=np.float64)[:, :2]
    x, y = points[:, 0], points[:, 1]
    inside = np.zeros(len(points), dtype=bool)
    for xs, ys in shapes:
        poly_x, poly_y = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        box = (x >= poly_x.min()) & (x <= poly_x.max()) & (y >= poly_y.min()) & (y <= poly_y.max())
        near = np.flatnonzero(box & ~inside)
        if not len(near):
            continue
        px, py, odd = x[near], y[near], np.zeros(len(near), dtype=bool)
        for (x0, y0), (x1, y1) in zip(
            zip(poly_x, poly_y, strict=True),
            zip(np.roll(poly_x, -1), np.roll(poly_y, -1), strict=True),
            strict=True,
        ):
            if y0 == y1:
                continue
            crosses = (y0 > py) != (y1 > py)
            at = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
            odd ^= crosses & (px < at)
        on_box = len(poly_x) == 4 and np.unique(poly_x).size == 2 and np.unique(poly_y).size == 2
        inside[near[np.ones(len(near), dtype=bool) if on_box else odd]] = True
    return np.flatnonzero(inside).tolist()


def link_rows(rows: Sequence[int]) -> tuple[list[int], str | None]:
    """A selection (0-based rows) as a link carries it: 1-based, at most
    ``CORPUS_LINK_ROWS``, with a note when cut.

    Example:
        >>> link_rows([0, 4])
        ([1, 5], None)
        >>> link_rows(range(250))[1]
        'The link carries the first 100 of the 250 selected rows.'
    """
    rows = list(rows)
    note = None
    if len(rows) > CORPUS_LINK_ROWS:
        note = f"The link carries the first {CORPUS_LINK_ROWS} of the {len(rows):,} selected rows."
    return [r + 1 for r in rows[:CORPUS_LINK_ROWS]], note


def rows_from_link(rows: Sequence[int], count: int) -> tuple[list[int], str | None]:
    """A link's 1-based rows as 0-based rows of a corpus of ``count``, and a note for
    rows it lacks.

    Example:
        >>> rows_from_link([2, 9], 5)
        ([1], 'The link selects 1 row beyond this corpus of 5 documents; it is left out.')
    """
    kept = sorted({r - 1 for r in rows if 1 <= r <= count})
    beyond = len({r for r in rows if not 1 <= r <= count})
    if not beyond:
        return kept, None
    what = "1 row" if beyond == 1 else f"{beyond:,} rows"
    them = "it is" if beyond == 1 else "they are"
    return (
        kept,
        f"The link selects {what} beyond this corpus of {count:,} documents; {them} left out.",
    )


def subset(corpus: Corpus, rows: Sequence[int]) -> Corpus:
    """The corpus of ``rows`` only (texts, columns, and vectors and map if it has them).

    Example:
        >>> subset(Corpus(("a", "b", "c"), source="x"), [2, 0]).texts
        ('c', 'a')
    """
    index = np.asarray(rows, dtype=np.int64)
    return Corpus(
        texts=tuple(corpus.texts[i] for i in index),
        extra=corpus.extra.iloc[index].reset_index(drop=True),
        vectors=None if corpus.vectors is None else corpus.vectors[index],
        coords=None if corpus.coords is None else corpus.coords[index],
        model=corpus.model,
        method=corpus.method,
        source=corpus.source,
    )


def rows_table(corpus: Corpus, rows: Sequence[int]) -> Any:
    """The rows as a table: ``row`` (1-based), ``text`` and every column of the corpus."""
    import pandas as pd

    index = np.asarray(rows, dtype=np.int64)
    table = pd.DataFrame({"row": index + 1, "text": [corpus.texts[i] for i in index]})
    extra = corpus.extra.iloc[index].reset_index(drop=True)
    for name in extra.columns:
        column, k = str(name), 2
        while column in table.columns:
            column, k = f"{name} ({k})", k + 1
        table[column] = extra[name].to_numpy()
    return table


def table_csv(table: Any) -> bytes:
    """A table as UTF-8 CSV, text cells that start like a formula guarded (``'``).

    Example:
        >>> import pandas as pd
        >>> table_csv(pd.DataFrame({"row": [1], "text": ["=1+1"]})).decode()
        "row,text\\n1,'=1+1\\n"
    """
    import pandas as pd

    guarded = table.copy()
    for name in guarded.columns:
        if not pd.api.types.is_numeric_dtype(guarded[name]):
            guarded[name] = guarded[name].map(lambda v: guard(v) if isinstance(v, str) else v)
    return guarded.to_csv(index=False, lineterminator="\n").encode("utf-8")
