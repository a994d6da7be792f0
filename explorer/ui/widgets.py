"""Widgets every page shares: the phrase box, example phrases, the HTML download.

The phrase box is one widget state shared by every page, so phrases typed on
the Playground are the ones the other pages show.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from explorer.config import MAX_PHRASES
from explorer.documents.writers import HTML_MIME
from explorer.figures.export import figure_html
from explorer.phrases import PhraseInput, parse_phrases, with_phrases
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
