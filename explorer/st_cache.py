"""The one module that imports Streamlit: cached loaders shared by every page.

Models load once per server process (``st.cache_resource``); each model keeps
its own per-phrase embedding cache, so a rerun embeds only new phrases.
"""

from __future__ import annotations

import threading

import streamlit as st

from explorer.models import Embedder, load_model
from explorer.projection import warm_up_umap

_warm_up_started = threading.Event()


def start_umap_warm_up() -> None:
    """Compile UMAP in a background thread, once per server process."""
    if not _warm_up_started.is_set():
        _warm_up_started.set()
        threading.Thread(target=warm_up_umap, name="umap-warm-up", daemon=True).start()


@st.cache_resource(
    show_spinner="Loading the embedding model: the first visit after a server start "
    "takes about 10 seconds…"
)
def get_model(name: str) -> Embedder:
    """The model called ``name``, loaded once per server (see :func:`explorer.load_model`)."""
    model = load_model(name)
    start_umap_warm_up()
    return model
