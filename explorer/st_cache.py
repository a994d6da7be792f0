"""The one module that imports Streamlit: cached loaders and widgets shared by pages.

Models load once per server process (``st.cache_resource``); each model keeps
its own per-phrase embedding cache, so a rerun embeds only new phrases. The
phrase box is one widget state shared by every page, so phrases typed on the
Playground are the ones the other pages show. Each page's state also lives in
its URL (:func:`restore_from_link` on arrival, :func:`share_view` after drawing).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import plotly.graph_objects as go
import streamlit as st

from explorer.config import MAX_PHRASES
from explorer.export import HTML_MIME, figure_html
from explorer.jobs import JobBoard
from explorer.models import Embedder, load_model
from explorer.phrases import PhraseInput, parse_phrases, with_phrases
from explorer.presets import ARTICLE_PHRASES, TOPIC_PHRASES
from explorer.projection import warm_up_umap
from explorer.share import (
    Param,
    ShareLink,
    phrases_params,
    read_params,
    read_phrases,
    share_link,
)

T = TypeVar("T")

#: Session-state key of the phrase box every page shares.
PHRASES_KEY = "phrases_text"
#: Session-state flag set by app.py each run (see :func:`rerun_through_app`).
APP_RAN_KEY = "_app_ran"

#: Python's GIL switch interval in the server. Each rerun runs in its own thread
#: beside the server loop (and, once, the UMAP warm-up); torch must win the GIL
#: back after its ops, and at the default 5 ms a one-phrase encode beside a busy
#: thread took 800 ms instead of 13 ms; at 0.2 ms it took 60 ms (bench/playground.py).
GIL_SWITCH_INTERVAL_S = 0.0002
sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)

_warm_up_started = threading.Event()


def start_warm_up() -> None:
    """Load the real model, then compile UMAP, in one background thread per process.

    Called when the first visitor's page first runs: the model load is what
    that page waits for anyway, and UMAP (about 10 s of CPU) compiles right
    after it, so it is ready before anyone asks for a UMAP map. One thread does
    both in turn: importing torch and umap at once from two threads can break.
    """
    if not _warm_up_started.is_set():
        _warm_up_started.set()

        def warm_up() -> None:
            load_model("minilm")
            warm_up_umap()

        threading.Thread(target=warm_up, name="explorer-warm-up", daemon=True).start()


@st.cache_resource(
    show_spinner="Loading the embedding model: the first visit after a server start "
    "takes about 10 seconds…"
)
def get_model(name: str) -> Embedder:
    """The model called ``name``, loaded once per server (see :func:`explorer.load_model`)."""
    start_warm_up()
    return load_model(name)


@st.cache_resource
def job_board() -> JobBoard:
    """The server's background jobs (embedding a corpus, UMAP at scale), shared by sessions.

    The same work asked for twice (a rerun, a second visitor with the same
    corpus) runs once; pages poll a job's progress and show it.
    """
    return JobBoard()


def attempt(load: Callable[[], T], *, spinner: str | None = None) -> T | ValueError:
    """``load()``, or the ``ValueError`` it raised (kept, e.g. in a memo of an upload).

    With ``spinner``, a spinner with the elapsed time shows while it runs.
    """
    try:
        if spinner is None:
            return load()
        with st.spinner(spinner, show_time=True):
            return load()
    except ValueError as error:
        return error


def unwrap(result: T | ValueError) -> T:
    """What :func:`attempt` returned: the value, or its ``ValueError`` raised again."""
    if isinstance(result, ValueError):
        raise result
    return result


def remember(name: str, token: object, build: Callable[[], T]) -> T:
    """``build()``, kept in the session under ``name`` while ``token`` stays equal.

    For work a rerun need not repeat (a 100,000-point figure, a corpus's
    fingerprint): the value is built again only when ``token`` changes.
    """
    held = st.session_state.get(name)
    if held is None or held[0] != token:
        held = (token, build())
        st.session_state[name] = held
    return held[1]


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
        st.warning(note, icon="✂️")
    return parsed


def _link_params() -> dict[str, list[str]]:
    return {name: st.query_params.get_all(name) for name in st.query_params}


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


def rerun_through_app() -> None:
    """Rerun at once if this page was started without app.py's navigation.

    On a fresh server, until app.py has once called ``st.navigation``,
    Streamlit treats an app with a ``pages/`` folder as a legacy multipage app
    (``PagesManager.uses_pages_directory``): a deep link (``/search?q=...``)
    then runs the page without app.py, with the file-name sidebar and the
    narrow layout. Clearing that flag, as ``st.navigation`` does, and rerunning
    goes through app.py. AppTest runs of a single page file are left alone.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    main = Path(ctx.main_script_path).name if ctx is not None else ""
    if main == "app.py" and not st.session_state.get(APP_RAN_KEY):
        st.session_state[APP_RAN_KEY] = True  # never loop
        PagesManager.uses_pages_directory = False
        st.rerun()


def restore_from_link(page: str, specs: Sequence[Param] = (), *, phrases: bool = True) -> None:
    """On a session's first run of ``page``, set its widgets from the URL's parameters.

    Call before the page draws its widgets. Later runs leave the widgets alone,
    so nothing the user types is overwritten. Every value the link gets wrong
    gives a warning and leaves that widget at its default.
    """
    rerun_through_app()
    flag = f"_link_read_{page}"
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
        st.warning(problem, icon="🔗")


def share_view(
    specs: Sequence[Param] = (), *, phrases: bool = True, note: str | None = None
) -> ShareLink:
    """Write the page's state into its URL and offer the link in the sidebar.

    Call after the page has drawn its widgets. ``note`` says what the link
    cannot carry (an uploaded file, imported vectors).
    """
    params: dict[str, str] = {}
    if phrases:
        params.update(phrases_params(st.session_state.get(PHRASES_KEY, "")))
    for spec in specs:
        if spec.key in st.session_state:
            params[spec.name] = spec.format(st.session_state[spec.key])
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    link = share_link(st.context.url or "", params)
    with st.sidebar.popover("🔗 Share this view", width="stretch", key="share"):
        if link.url is None:
            st.warning(link.problem, icon="📏")
        else:
            st.markdown("Anyone who opens this link sees the same picture:")
            st.code(link.url, language=None, wrap_lines=True)
        if note:
            st.caption(note)
    return link
