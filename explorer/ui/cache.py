"""Server-wide caches and session memos: models, scores, background jobs, uploads.

Models load once per server process (``st.cache_resource``); each model keeps
its own per-phrase embedding cache, so a rerun embeds only new phrases.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TypeVar

import numpy as np
import streamlit as st

from explorer.config import GIL_SWITCH_INTERVAL_S, RANDOM_PAIR_QUANTILE, public_demo
from explorer.documents.jobs import DocumentBudget, JobBoard
from explorer.models import Embedder, load_model, worker
from explorer.models.prefilled import prefilled_model
from explorer.space.inside import cosine_baseline
from explorer.space.methods import MethodComparison, compare_methods
from explorer.space.projection import warm_up_umap

T = TypeVar("T")


def configure_server() -> None:
    """Set the server process up for the app (app.py calls it first, on every run).

    Large encodes (a corpus) go to the embedding worker process
    (:mod:`explorer.models.worker`), so the server's threads never run a corpus
    through the model; and the GIL switch interval (see
    :data:`GIL_SWITCH_INTERVAL_S`). Both are process-wide, so they are set by
    the app, never by importing this module.

    Example:
        >>> before = sys.getswitchinterval()
        >>> configure_server()
        >>> round(sys.getswitchinterval(), 6) == GIL_SWITCH_INTERVAL_S, worker.enabled()
        (True, True)
        >>> sys.setswitchinterval(before); worker.enable(False)
    """
    worker.enable()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)


_warm_up_started = threading.Event()


def start_warm_up() -> None:
    """Load the real model, then compile UMAP, in one background thread per process.

    Called when the first visitor's page first runs: the model load is what
    that page waits for anyway; then the random-pair baseline (260 phrases
    through the model, seconds on a busy machine, which the Search and
    Playground pages would otherwise wait for) and UMAP (about 10 s of CPU),
    so both are ready before anyone asks. One thread does all in turn:
    importing torch and umap at once from two threads can break. Then
    :func:`freeze_loaded` takes what they loaded out of the garbage collector.
    """
    if not _warm_up_started.is_set():
        _warm_up_started.set()

        def warm_up() -> None:
            load_model("minilm")
            cosine_baseline("minilm")  # cached per process: random_pair_similarity's work
            warm_up_umap()
            freeze_loaded()
            trim_free_memory()

        threading.Thread(target=warm_up, name="explorer-warm-up", daemon=True).start()


def freeze_loaded() -> int:
    """Move every object alive now out of the garbage collector's reach; return how many.

    Once torch, the model and numba's UMAP are loaded, the server holds some
    600,000 objects, and a full collection walks them all holding the GIL:
    1-2 s on a busy 2-core machine, a stall for every visitor. They live as
    long as the server, so they are frozen (:func:`gc.freeze`): later full
    collections walk only what came after. (Streamlit's own collection after
    every script run is off: ``runner.postScriptGC`` in .streamlit/config.toml.)

    Example:
        >>> freeze_loaded() > 0 and gc.get_freeze_count() > 0
        True
        >>> gc.unfreeze()
    """
    gc.freeze()
    return gc.get_freeze_count()


def trim_free_memory() -> bool:
    """Hand the C heap's free memory back to the operating system (glibc's ``malloc_trim``);
    ``False`` where there is no glibc.

    Loading the model, compiling UMAP and reading a big file free much of what they
    allocated, but glibc keeps freed memory in each thread's arena: after the warm-up
    the server held 50-120 MiB it no longer used, more or less from one start to
    the next.

    Example:
        >>> trim_free_memory() in (True, False)
        True
    """
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the symbols already loaded: libc's, on Linux
    except (OSError, AttributeError):
        return False
    trim(0)
    return True


#: What a page shows while it waits for the model to load.
LOADING_MODEL = (
    "Loading the embedding model: the first phrases after a server start wait about 10 seconds…"
)


def _loading_spinner() -> AbstractContextManager:
    """A spinner while a prefilled model waits for the real one (none outside a script run)."""
    return nullcontext() if session_id() is None else st.spinner(LOADING_MODEL, show_time=True)


@st.cache_resource(show_spinner=LOADING_MODEL)
def get_model(name: str) -> Embedder:
    """The model called ``name``, once per server (see :func:`explorer.load_model`).

    A built-in model with prefilled vectors (:mod:`explorer.models.prefilled`,
    written by ``make install``) comes back at once: it answers the preset
    phrases from them, while the warm-up thread loads the real model for the rest.
    """
    start_warm_up()
    return prefilled_model(name, waiting=_loading_spinner) or load_model(name)


@st.cache_resource(show_spinner="Measuring random pairs of phrases once (a few seconds)…")
def random_pair_similarity(model_name: str) -> float:
    """The cosine similarity ``RANDOM_PAIR_QUANTILE`` of random phrase pairs stay below.

    Once per server (:func:`explorer.space.inside.cosine_baseline`): a pair scoring no
    higher is "about as related as any two phrases" for that model.
    """
    return cosine_baseline(model_name).quantile(RANDOM_PAIR_QUANTILE)


@st.cache_data(
    show_spinner="Drawing the phrases with PCA, UMAP and t-SNE and scoring each map…",
    max_entries=32,
)
def score_methods(vectors: np.ndarray, *, k: int, metric: str) -> MethodComparison:
    """:func:`explorer.space.fidelity.compare_methods`, cached on the vectors and settings.

    Three projections and their scores take seconds; a rerun that changes only
    what is shown (a toggle, the method looked at) reuses them.
    """
    return compare_methods(vectors, k=k, metric=metric)


@st.cache_resource
def job_board() -> JobBoard:
    """The server's background jobs (embedding a corpus, UMAP at scale), shared by sessions.

    The same work asked for twice (a rerun, a second visitor with the same
    corpus) runs once; pages poll a job's progress and show it. On a public
    demo (``EXPLORER_PUBLIC_DEMO=1``) each session has a budget of new documents.
    """
    return JobBoard(budget=DocumentBudget() if public_demo() else None)


def session_id() -> str | None:
    """The visitor's session id (``None`` outside a Streamlit run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx(suppress_warning=True)
    return None if context is None else context.session_id


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
