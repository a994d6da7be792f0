"""Widgets every page shares: the phrase box, example phrases, the HTML download.

The phrase box is one widget state shared by every page, so phrases typed on
the Playground are the ones the other pages show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from explorer.config import MAX_PHRASES
from explorer.documents.writers import HTML_MIME
from explorer.figures.export import figure_html
from explorer.phrases import PhraseInput, parse_phrases, shorten, with_phrases
from explorer.presets import ARTICLE_PHRASES, TOPIC_PHRASES
from explorer.ui.messages import warn

#: Session-state key of the phrase box every page shares.
PHRASES_KEY = "phrases_text"


def phrase_box(*, height: int = 170, label: str | None = None) -> PhraseInput:
    """The shared phrase text area, parsed, with a warning for each note.

    Every page that shows phrases calls this, so what the user typed on one page
    is there on the next (the state persists across page switches). Starts with
    the article's three phrases.
    """
    st.session_state.setdefault(PHRASES_KEY, "\n".join(ARTICLE_PHRASES))
    # A keyed widget's value is dropped when another page first draws it, even
    # with persist_state; writing it back before the widget keeps the phrases.
    st.session_state[PHRASES_KEY] = st.session_state[PHRASES_KEY]
    text = st.text_area(
        label or f"Phrases, one per line (up to {MAX_PHRASES}); Ctrl+Enter applies",
        height=height,
        key=PHRASES_KEY,
        persist_state="session",
    )
    parsed = parse_phrases(text)
    for note in parsed.notes:
        warn(note, icon="✂️")
    return parsed


def html_download(fig: go.Figure, *, key: str, file_stem: str, title: str) -> None:
    """A button that saves ``fig`` as one interactive HTML file that works offline.

    The file is built only when the button is pressed (it holds plotly.js, ~5 MB).
    """
    st.download_button(
        "Download this map (interactive HTML)",
        data=lambda: figure_html(fig, title=title, file_stem=file_stem).encode("utf-8"),
        file_name=f"{file_stem}.html",
        mime=HTML_MIME,
        key=key,
        on_click="ignore",
        help="Zoom and hover offline in any browser; the camera in its toolbar saves a PNG.",
    )


def add_example_phrases() -> None:
    """Button callback: the topics preset's phrases below the user's (nothing is replaced)."""
    text = st.session_state.get(PHRASES_KEY, "")
    st.session_state[PHRASES_KEY] = with_phrases(text, TOPIC_PHRASES)


def example_phrases_button() -> None:
    """A button that adds the topics preset's phrases below the user's (for too few phrases)."""
    st.button(
        f"Add {len(TOPIC_PHRASES)} example phrases (animals, vehicles, food)",
        key="add_topics",
        on_click=add_example_phrases,
        help="Adds them below your phrases; nothing you typed is removed.",
    )


#: Pixels of the page's main column at a 1280-px-wide window with the sidebar open
#: (it is 820; a little is kept for the table's border and scrollbar).
PAGE_WIDTH = 780
#: Pixels one character of a table cell takes, about (Source Sans at 14 px).
CELL_CHAR_PX = 7.2
#: Narrowest and widest a number (or tick box) column is drawn, in pixels.
NUMBER_COLUMN_PX = (64, 150)
#: A shortened phrase column's tooltip.
PHRASE_HELP = "Shortened to fit; the phrase box and the map's hover show each phrase whole."
#: Narrowest a phrase column is drawn, in pixels.
PHRASE_COLUMN_PX = 110


def column_widths(
    labels: Mapping[str, str], *, phrases: Sequence[str], width: int
) -> dict[str, int]:
    """Pixel widths that fit every column of a table in ``width`` pixels.

    Columns not in ``phrases`` (numbers, tick boxes, short labels) take what their
    header needs (between :data:`NUMBER_COLUMN_PX`); the phrase columns share the rest.

    Example:
        >>> column_widths({"d": "distance", "a": "phrase A", "b": "phrase B"},
        ...               phrases=["a", "b"], width=400)
        {'d': 85, 'a': 157, 'b': 157}
    """
    low, high = NUMBER_COLUMN_PX
    widths = {
        name: max(low, min(high, round(CELL_CHAR_PX * len(label)) + 28))
        for name, label in labels.items()
        if name not in phrases
    }
    if phrases:
        share = max(PHRASE_COLUMN_PX, (width - sum(widths.values())) // len(phrases))
        widths.update(dict.fromkeys(phrases, share))
    return {name: widths[name] for name in labels}


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
    widths = column_widths(headers, phrases=[p for p in phrases if p in shown], width=width)
    data = table.copy()
    column_config: dict[str, Any] = {}
    for name in shown:
        help_text = (helps or {}).get(name)
        if name in phrases:
            chars = max(8, int(widths[name] / CELL_CHAR_PX) - 2)
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
