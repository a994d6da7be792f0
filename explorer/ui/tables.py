"""Tables that fit the page: numbers first, short headers, phrase columns shortened.

At a 1280-px window no table scrolls sideways (tests/e2e/test_tables_fit.py):
:func:`fitted_table` gives every column a width in pixels, numbers 3 decimals,
and each page's columns their short headers and full meaning (on hover), here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from explorer.phrases import shorten

#: Pixels of the page's main column at a 1280-px-wide window with the sidebar open
#: (it is 820; a little is kept for the table's border and scrollbar).
PAGE_WIDTH = 780
#: Pixels one character of a table cell takes, about (Source Sans at 14 px).
CELL_CHAR_PX = 7.2
#: Pixels one character of running text takes on average (phrases are cut to fit with it).
TEXT_CHAR_PX = 6.4
#: Narrowest and widest a number (or tick box) column is drawn, in pixels.
NUMBER_COLUMN_PX = (64, 140)
#: A shortened phrase column's tooltip.
PHRASE_HELP = "Shortened to fit; the phrase box and the map's hover show each phrase whole."
#: Narrowest a phrase column is drawn, in pixels.
PHRASE_COLUMN_PX = 110


def column_widths(
    chars: Mapping[str, int], *, phrases: Sequence[str], width: int
) -> dict[str, int]:
    """Pixel widths that fit every column of a table in ``width`` pixels.

    ``chars``: the characters each column needs (its header, its longest value).
    Columns not in ``phrases`` (numbers, tick boxes, short labels) take that
    (between :data:`NUMBER_COLUMN_PX`), all shrunk alike when they would not fit
    (their headers cut; the help says them whole); the phrase columns share the rest.

    Example:
        >>> column_widths({"d": 8, "a": 40, "b": 60}, phrases=["a", "b"], width=400)
        {'d': 86, 'a': 157, 'b': 157}
        >>> column_widths({"method": 20, "score": 20}, phrases=[], width=200)
        {'method': 100, 'score': 100}
        >>> column_widths({"method": 6, "a long header of a score": 24}, phrases=[], width=600)
        {'method': 71, 'a long header of a score': 201}
    """
    low, high = NUMBER_COLUMN_PX
    widths = {
        name: max(low, min(high, round(CELL_CHAR_PX * count) + 28))
        for name, count in chars.items()
        if name not in phrases
    }
    room = width - PHRASE_COLUMN_PX * len(phrases)
    if sum(widths.values()) > room:  # too many columns: each gives up its share
        scale = room / sum(widths.values())
        widths = {name: max(low, int(px * scale)) for name, px in widths.items()}
    if phrases:
        share = max(PHRASE_COLUMN_PX, (width - sum(widths.values())) // len(phrases))
        widths.update(dict.fromkeys(phrases, share))
    else:  # room to spare: long headers grow, up to what they need
        for name, count in chars.items():
            spare = width - sum(widths.values())
            need = round(CELL_CHAR_PX * count) + 28
            widths[name] += max(0, min(spare, need - widths[name]))
    return {name: widths[name] for name in chars}


def _chars(values: pd.Series, header: str) -> int:
    if values.dtype.kind == "f":
        return max(len(header), 6)  # "+0.123"
    return max([len(header), *(len(str(v)) for v in values)])


def fitted_table(
    table: pd.DataFrame,
    *,
    key: str,
    width: int = PAGE_WIDTH,
    phrases: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
    helps: Mapping[str, str] | None = None,
    order: Sequence[str] | None = None,
    formats: Mapping[str, str] | None = None,
    config: Mapping[str, Any] | None = None,
    height: int | None = None,
) -> None:
    """A table whose columns fit in ``width`` pixels: no sideways scrolling.

    Numbers show 3 decimals (``formats`` may sign them, ``"%+.3f"``); ``labels``
    gives columns short headers and ``helps`` their full meaning (on hover);
    the ``phrases`` columns share what the others leave, their text shortened to
    fit (the full phrase is in the column's tooltip text and on the maps).
    ``order`` picks and orders the columns shown; ``config`` overrides a column.
    """
    shown = list(order or table.columns)
    headers = {name: (labels or {}).get(name, name) for name in shown}
    chars = {name: _chars(table[name], headers[name]) for name in shown}
    # A few pixels for the table's border: the columns never need to scroll.
    widths = column_widths(chars, phrases=[p for p in phrases if p in shown], width=width - 6)
    data = table.copy()
    column_config: dict[str, Any] = {}
    for name in shown:
        help_text = (helps or {}).get(name)
        if name in phrases:
            chars = max(8, int((widths[name] - 16) / TEXT_CHAR_PX))
            data[name] = [None if v is None else shorten(str(v), chars) for v in data[name]]
            column_config[name] = st.column_config.TextColumn(
                headers[name],
                width=widths[name],
                help=help_text or PHRASE_HELP,
            )
        elif data[name].dtype.kind == "f":
            column_config[name] = st.column_config.NumberColumn(
                headers[name],
                width=widths[name],
                help=help_text,
                format=(formats or {}).get(name, "%.3f"),
            )
        elif data[name].dtype.kind == "b":
            column_config[name] = st.column_config.CheckboxColumn(
                headers[name], width=widths[name], help=help_text
            )
        else:
            column_config[name] = st.column_config.Column(
                headers[name], width=widths[name], help=help_text
            )
    column_config.update(config or {})
    st.dataframe(
        data,
        hide_index=True,
        column_order=shown,
        column_config=column_config,
        height=height if height is not None else min(420, 38 + 35 * len(data)),
        width=min(width, sum(widths.values()) + 4),
        key=key,
    )


def neighbour_columns(columns: Sequence[str]) -> dict[str, Any]:
    """Toy vs real's table: agreement and distances first, then the phrases.

    ``columns`` are :meth:`explorer.space.compare.SpaceComparison.table`'s, in order:
    phrase, toy x, toy y, nearest in toy, toy distance, nearest in real, real distance, agree.
    """
    phrase, x, y, toy_nearest, toy_d, real_nearest, real_d, agree = columns
    return {
        "order": [phrase, agree, toy_d, real_d, x, y, toy_nearest, real_nearest],
        "phrases": [phrase, toy_nearest, real_nearest],
        "labels": {
            agree: "agree",
            toy_d: "toy d",
            real_d: "real d",
            x: "toy x",
            y: "toy y",
            toy_nearest: "nearest (toy)",
            real_nearest: "nearest (real)",
        },
        "helps": {
            agree: "Both spaces name the same phrase as the nearest.",
            toy_d: f"Distance to the nearest in the toy model: {toy_d}.",
            real_d: f"Distance to the nearest in the real model: {real_d}.",
            x: f"Toy model x: {x}.",
            y: f"Toy model y: {y}.",
            toy_nearest: f"The phrase {toy_nearest}.",
            real_nearest: f"The phrase {real_nearest}.",
        },
        "formats": {x: "%+.3f", y: "%+.3f"},
    }


#: Pixels of Your own axes' right column at a 1280-px window (its phrase table's width).
AXES_COLUMN_WIDTH = 440


def axes_columns(columns: Sequence[str]) -> dict[str, Any]:
    """Your own axes' table of phrases: x, y, the share outside the plane, the phrase.

    The column names hold the axes' titles, ``x (casual → formal)``.
    """
    phrase, x, y, outside = columns
    return {
        "width": AXES_COLUMN_WIDTH,
        "order": [x, y, outside, phrase],
        "phrases": [phrase],
        "labels": {x: "x", y: "y", outside: "outside the plane"},
        "helps": {x: f"Place on the x axis, {x[2:-1]}.", y: f"Place on the y axis, {y[2:-1]}."},
        "formats": {x: "%+.3f", y: "%+.3f"},
        "config": {
            outside: st.column_config.ProgressColumn(
                "outside the plane",
                format="percent",
                min_value=0.0,
                max_value=1.0,
                width=130,
                help="Share of the phrase's vector outside the axes' plane: what the map "
                "cannot show.",
            )
        },
    }


def agreement_columns(columns: Sequence[str]) -> dict[str, Any]:
    """Your own axes' agreement with the toy model: validation numbers first."""
    axis, yours, validation, poles_labels, toy_labels = columns
    return {
        "order": [axis, validation, poles_labels, toy_labels, yours],
        "labels": {
            validation: "validation: poles vs toy",
            poles_labels: "poles vs labels",
            toy_labels: "toy vs labels",
            yours: "your phrases: poles vs toy",
        },
        "helps": {
            validation: f"{validation} (Spearman).",
            poles_labels: f"{poles_labels} (Spearman).",
            toy_labels: f"{toy_labels} (Spearman).",
            yours: f"{yours} (Spearman; needs at least 3 phrases).",
        },
    }


def readability_columns(columns: Sequence[str]) -> dict[str, Any]:
    """Inside a vector's table: a label, its best single dimension, the toy axis."""
    label, dimension, best_r, median_r, toy_axis, toy_r = columns
    return {
        "order": [label, best_r, median_r, toy_r, dimension, toy_axis],
        "labels": {
            best_r: "best dimension r",
            median_r: "median |r|",
            toy_r: "toy axis r",
            dimension: "best dimension",
        },
        "helps": {
            best_r: "Pearson r of the label with its strongest single dimension.",
            median_r: f"{median_r[0].upper()}{median_r[1:]}.",
            toy_r: "Pearson r of the label with the toy model's trained axis.",
            dimension: f"The {dimension}.",
        },
        "formats": {best_r: "%+.3f", median_r: "%.3f", toy_r: "%+.3f"},
    }
