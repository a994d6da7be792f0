"""The embedding worker: a second process that runs big encodes, so the server never does.

Embedding a corpus of 100,000 documents takes the model minutes of CPU. Run in
one of the server's threads, it fights the server's event loop for the GIL:
pages took many seconds to load while it ran. The server therefore hands
every large encode (:data:`~explorer.config.WORKER_MIN_TEXTS` misses and more)
to one worker process, started with ``spawn`` on first use, which loads each
model once and encodes batch after batch. The server's
:class:`~explorer.models.doc_cache.DocumentCache` still looks texts up and saves
each batch to the disk cache; only the model call crosses over, one
:data:`~explorer.config.WORKER_CHUNK_TEXTS` chunk at a time, so progress and
Cancel act between chunks as before.

The worker serves only when :func:`enable` was called (``explorer.ui.cache.
configure_server`` does it for the app); the command line and tests encode
in-process unless they enable it.

Example:
    >>> serves("toy", dim=2)  # the toy model always stays in-process
    False
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np
from numpy.typing import NDArray

from explorer.config import REAL_MODEL_DIM, WORKER_CHUNK_TEXTS

logger = logging.getLogger(__name__)

#: Models the worker loads by name (the toy model is numpy: it stays in-process).
WORKER_MODELS = {"minilm": REAL_MODEL_DIM}

_PR_SET_PDEATHSIG = 1  # prctl option: a signal for the worker when its parent dies
_lock = threading.Lock()
_enabled = False
_executor: ProcessPoolExecutor | None = None
# In the worker process: models loaded so far, by name.
_models: dict[str, object] = {}


def enable(on: bool = True) -> None:
    """Let (or stop letting) large encodes go to the worker process; it starts on first use."""
    global _enabled
    with _lock:
        _enabled = on
    if not on:
        shutdown()


def enabled() -> bool:
    """Whether large encodes go to the worker."""
    return _enabled


def serves(name: str, *, dim: int) -> bool:
    """Whether the worker encodes for a model called ``name`` of ``dim`` dimensions."""
    return _enabled and WORKER_MODELS.get(name) == dim


def _threads() -> int:
    """Torch threads in the worker: all cores but one, kept for the server."""
    return max(1, (os.cpu_count() or 2) - 1)


def _worker_init() -> None:
    """In the worker: die with the server (Linux), never call the Hub, no tokenizer threads."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    with contextlib.suppress(OSError, AttributeError):
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _encode_in_worker(name: str, texts: list[str]) -> NDArray[np.float32]:
    """Run in the worker process: ``texts`` encoded by the model ``name`` (loaded once)."""
    model = _models.get(name)
    if model is None:
        import torch

        from explorer.models.loader import load_model

        torch.set_num_threads(_threads())
        model = _models[name] = load_model(name)
    encode = getattr(model, "encode_uncached", model.encode)
    return np.asarray(encode(texts), dtype=np.float32)


def _pool() -> ProcessPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            import multiprocessing

            _executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init,
            )
            with _plain_main():
                _executor.submit(_started)  # the process starts here, in this thread
        return _executor


def _started() -> None:
    """Run in the worker as its first task: nothing (the process is up)."""


@contextlib.contextmanager
def _plain_main() -> Iterator[None]:
    """While the worker starts, ``__main__`` names no file.

    A ``spawn``ed child first runs the parent's ``__main__`` file again. Under
    Streamlit, ``__main__`` is the page script last run (its script runner installs
    one), so the child would run a page: under AppTest that crashed the worker.
    """
    main = sys.modules.get("__main__")
    plain = sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None and sys.modules.get("__main__") is plain:
            sys.modules["__main__"] = main


def shutdown() -> None:
    """Stop the worker process (a new one starts on the next encode)."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=False, cancel_futures=True)


def encode(name: str, texts: list[str]) -> NDArray[np.float32]:
    """``texts`` encoded by the model ``name`` in the worker process.

    They cross over :data:`WORKER_CHUNK_TEXTS` at a time, each chunk sent once
    the one before came back: a page's few hundred texts (the Search page's
    sample) then wait for one chunk of a running corpus job, not for its batch.

    Raises:
        RuntimeError: the worker died (killed, out of memory); the next call starts another.
    """
    texts = list(texts)
    try:
        parts = [
            _pool()
            .submit(_encode_in_worker, name, texts[start : start + WORKER_CHUNK_TEXTS])
            .result()
            for start in range(0, len(texts), WORKER_CHUNK_TEXTS)
        ]
        dim = WORKER_MODELS.get(name, 0)
        return np.concatenate(parts) if parts else np.zeros((0, dim), dtype=np.float32)
    except BrokenProcessPool as error:
        shutdown()
        raise RuntimeError(
            f"The embedding worker process stopped ({error or 'killed'}); try again."
        ) from None


def encoder_for(name: str, *, dim: int) -> Callable[[list[str]], NDArray[np.float32]] | None:
    """A function encoding texts in the worker for model ``name``, or ``None`` if it does not serve.

    Example:
        >>> encoder_for("toy", dim=2) is None
        True
    """
    if not serves(name, dim=dim):
        return None
    return lambda texts: encode(name, texts)
