"""Messages that show a text exactly as written: phrases, link values, file names, errors.

Streamlit reads every message body as Markdown, so a link value such as
``![](https://evil.example/p.png)`` would load an image from a trusted page.
Texts from :mod:`explorer` (``ValueError`` messages, notes, link problems) are
plain text; pages show them through these helpers, which pass the whole text
through :func:`explorer.phrases.markdown_escape`. Markdown the app writes itself
(a bold label around an escaped phrase) goes to ``st.markdown`` as before, with
:func:`say` around each piece of user text.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from explorer.phrases import markdown_escape

#: Every message's text as Markdown that shows it literally (for pieces of app-made Markdown).
say = markdown_escape


def warn(text: str, *, icon: str | None = None, where: Any = st) -> None:
    """``st.warning`` showing ``text`` literally (``where``: a column or container)."""
    where.warning(say(text), icon=icon)


def error(text: str, *, icon: str | None = None, where: Any = st) -> None:
    """``st.error`` showing ``text`` literally."""
    where.error(say(text), icon=icon)


def info(text: str, *, icon: str | None = None, where: Any = st) -> None:
    """``st.info`` showing ``text`` literally."""
    where.info(say(text), icon=icon)


def success(text: str, *, icon: str | None = None, where: Any = st) -> None:
    """``st.success`` showing ``text`` literally."""
    where.success(say(text), icon=icon)


def caption(text: str, *, where: Any = st) -> None:
    """``st.caption`` showing ``text`` literally."""
    where.caption(say(text))


def plain(text: str, *, where: Any = st) -> None:
    """``st.markdown`` showing ``text`` literally (a paragraph of plain text)."""
    where.markdown(say(text))


def toast(text: str, *, icon: str | None = None) -> None:
    """``st.toast`` showing ``text`` literally."""
    st.toast(say(text), icon=icon)
