"""Each page's state in its URL: read on arrival, written after drawing, shared."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from explorer.links import (
    Param,
    ShareLink,
    link_note,
    phrases_params,
    read_params,
    read_phrases,
    share_link,
)
from explorer.ui.messages import caption, warn
from explorer.ui.nav import rerun_through_app
from explorer.ui.widgets import PHRASES_KEY

#: Session key: the link parameters the page being drawn registered (for :func:`stop_page`).
_LINK_SPECS_KEY = "_link_specs"
#: Session key: the link parameters of the shared settings drawn in this run.
_SHARED_SPECS_KEY = "_link_shared_specs"


def _link_params() -> dict[str, list[str]]:
    return {name: st.query_params.get_all(name) for name in st.query_params}


def _read_link_once(flag: str, specs: Sequence[Param], *, phrases: bool) -> None:
    """Once per session and ``flag``: set widgets from the URL, warn about each bad value."""
    if st.session_state.get(flag):
        return
    st.session_state[flag] = True
    params = _link_params()
    values, problems = read_params(params, specs)
    if phrases:
        linked = read_phrases(params)
        problems = linked.problems + problems
        if linked.text is not None:
            values[PHRASES_KEY] = linked.text
    for key, value in values.items():
        st.session_state[key] = value
    for problem in problems:
        warn(problem, icon="🔗")


def restore_from_link(page: str, specs: Sequence[Param] = (), *, phrases: bool = True) -> None:
    """On a session's first run of ``page``, set its widgets from the URL's parameters.

    Call before the page draws its widgets. Later runs leave the widgets alone,
    so nothing the user types is overwritten. Every value the link gets wrong
    gives a warning and leaves that widget at its default.
    """
    rerun_through_app()
    st.session_state[_LINK_SPECS_KEY] = (tuple(specs), phrases)
    _read_link_once(f"_link_read_{page}", specs, phrases=phrases)


def restore_shared_from_link(page: str, specs: Sequence[Param]) -> None:
    """:func:`restore_from_link` for the shared settings ``page`` uses (``explorer.ui.settings``).

    They are drawn before the page (in app.py's sidebar), so their values are
    read from the URL first; every :func:`share_view` of this run writes them
    into the page's link, before the page's own parameters.
    """
    st.session_state[_SHARED_SPECS_KEY] = tuple(specs)
    _read_link_once(f"_link_read_shared_{page}", specs, phrases=False)


def stop_page(note: str | None = None) -> None:
    """Write the link of what the page shows so far, then stop the page (``st.stop()``).

    For a page's early exits (nothing to draw yet, a message shown): the link
    still carries what was typed. Uses the parameters the page registered with
    :func:`restore_from_link` in this run.
    """
    specs, phrases = st.session_state.get(_LINK_SPECS_KEY, ((), True))
    share_view(specs, phrases=phrases, note=note)
    st.stop()


def share_view(
    specs: Sequence[Param] = (), *, phrases: bool = True, note: str | None = None
) -> ShareLink:
    """Write the page's state into its URL and offer the link in the sidebar.

    Call after the page has drawn its widgets. The link carries the phrases,
    the shared settings the page uses (see :func:`restore_shared_from_link`),
    then ``specs``. ``note`` says what the link cannot carry (an uploaded
    file, imported vectors).
    """
    params: dict[str, str] = {}
    if phrases:
        params.update(phrases_params(st.session_state.get(PHRASES_KEY, "")))
    for spec in (*st.session_state.get(_SHARED_SPECS_KEY, ()), *specs):
        if spec.key in st.session_state:
            params[spec.name] = spec.format(st.session_state[spec.key])
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    link = share_link(st.context.url or "", params)
    with st.sidebar.popover("🔗 Share this view", width="stretch", key="share"):
        if link.url is None:
            warn(link.problem, icon="📏")
        else:
            st.markdown("Anyone who opens this link sees the same picture:")
            st.code(link.url, language=None, wrap_lines=True)
        caption(link_note(link, params))
        if note:
            caption(note)
    return link
