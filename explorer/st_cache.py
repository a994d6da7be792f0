"""The one module that imports Streamlit: cached loaders shared by every page.

Models load once per server process (``st.cache_resource``); each model keeps
its own per-phrase embedding cache, so a rerun embeds only new phrases.
"""

from __future__ import annotations

import sys
import threading

import streamlit as st

from explorer.models import Embedder, load_model
from explorer.projection import warm_up_umap

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
