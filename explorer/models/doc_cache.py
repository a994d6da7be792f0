"""Embeddings of documents, kept in memory and on disk, so a corpus embeds once.

Each embedding is keyed by the model's name and the sha256 of the text the model
reads (:func:`explorer.phrases.model_text`). On disk, a model has a folder under
the cache folder (:func:`cache_dir`) holding one ``.npz`` file per embedded
batch: ``keys`` (the texts' sha256 digests, ``(n, 32)`` bytes) and ``vectors``
(``(n, dim)`` float32). A batch is written, atomically, as soon as it is
embedded, so a large corpus that is interrupted resumes where it stopped, and
another process sharing the folder sees what this one embedded.

Misses are embedded together, sorted by length and in batches of
``SEARCH_EMBED_BATCH``: as fast as one bare ``model.encode`` over all of them
(``bench/search.py``), with a progress callback after each batch.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from explorer.config import (
    SEARCH_CACHE_DIR,
    SEARCH_CACHE_DIR_ENV,
    SEARCH_EMBED_BATCH,
    SEARCH_MEMORY_ROWS,
)
from explorer.models import Embedder
from explorer.phrases import model_text

logger = logging.getLogger(__name__)

#: ``progress(embedded, to_embed)``: called with ``(0, n)`` before the first of
#: ``n`` missing documents is embedded, then after each batch.
Progress = Callable[[int, int], None]

_BATCH_GLOB = "batch-*.npz"
DIGEST_BYTES = 32


def cache_dir() -> Path:
    """The cache folder: ``$EXPLORER_CACHE_DIR`` if set, else ``SEARCH_CACHE_DIR``.

    Example:
        >>> from unittest import mock
        >>> with mock.patch.dict(os.environ, {"EXPLORER_CACHE_DIR": "/data/cache"}):
        ...     cache_dir()
        PosixPath('/data/cache')
    """
    return Path(os.environ.get(SEARCH_CACHE_DIR_ENV) or SEARCH_CACHE_DIR).expanduser()


def text_digest(text: str) -> bytes:
    """The 32-byte sha256 of the part of ``text`` the model reads.

    Example:
        >>> text_digest("hello").hex()[:12]
        '2cf24dba5fb0'
    """
    return hashlib.sha256(model_text(text).encode("utf-8", "surrogatepass")).digest()


def model_folder_name(name: str) -> str:
    """A folder name for a model: readable, and distinct for distinct names.

    Example:
        >>> model_folder_name("minilm")
        'minilm-831cca36'
        >>> model_folder_name("/home/me/My Model")[:9]
        'My_Model-'
    """
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", name.rstrip("/\\").rsplit("/", 1)[-1])[-40:]
    return f"{readable.strip('._') or 'model'}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


class _ModelStore:
    """One model's embeddings: an index digest -> (batch, row), batches loaded on demand."""

    def __init__(self, folder: Path | None, dim: int) -> None:
        self.folder = folder
        self.dim = dim
        self.where: dict[bytes, tuple[str, int]] = {}
        self.paths: dict[str, Path | None] = {}  # batch id -> file (None: memory only)
        self.loaded: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self.seen_files: set[str] = set()

    def scan(self) -> None:
        """Index batch files written since the last scan (by us, a past run, or another process)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob(_BATCH_GLOB)):
            if path.name in self.seen_files:
                continue
            self.seen_files.add(path.name)
            try:
                with np.load(path) as batch:
                    keys = batch["keys"]
                    shape = batch["vectors"].shape if "vectors" in batch.files else None
            except Exception as error:  # noqa: BLE001 - a damaged file is skipped, never fatal
                logger.warning("Skipping unreadable embedding cache file %s: %s", path, error)
                continue
            if keys.ndim != 2 or keys.shape[1] != DIGEST_BYTES or shape != (len(keys), self.dim):
                logger.warning("Skipping embedding cache file %s: unexpected shape", path)
                continue
            self.paths[path.stem] = path
            for row, key in enumerate(keys):
                self.where.setdefault(key.tobytes(), (path.stem, row))

    def batch(self, batch_id: str) -> NDArray[np.float32] | None:
        vectors = self.loaded.get(batch_id)
        if vectors is not None:
            self.loaded.move_to_end(batch_id)
            return vectors
        path = self.paths.get(batch_id)
        if path is None:
            return None
        try:
            with np.load(path) as batch:
                vectors = np.asarray(batch["vectors"], dtype=np.float32)
        except Exception as error:  # noqa: BLE001 - fall back to embedding again
            logger.warning("Cannot read embedding cache file %s: %s", path, error)
            return None
        self.loaded[batch_id] = vectors
        return vectors

    def add(self, batch_id: str, keys: list[bytes], vectors: NDArray[np.float32]) -> None:
        self.loaded[batch_id] = vectors
        self.paths.setdefault(batch_id, None)
        for row, key in enumerate(keys):
            self.where[key] = (batch_id, row)

    def forget(self, batch_id: str) -> None:
        """Drop a batch from memory; one that exists only in memory leaves the index too."""
        self.loaded.pop(batch_id, None)
        if self.paths.get(batch_id) is None:
            self.paths.pop(batch_id, None)
            self.where = {k: v for k, v in self.where.items() if v[0] != batch_id}


class DocumentCache:
    """Embeddings of documents for any number of models, in memory and (optionally) on disk.

    Args:
        folder: where batches are saved; ``None`` keeps them in memory only.
        batch_size: documents embedded per model call and saved per file.
        memory_rows: embeddings kept in memory; least recently used batches go
            first (those on disk are read back when needed).

    Example:
        >>> from explorer.models import load_model
        >>> cache = DocumentCache(None)
        >>> cache.embed(["a cat", "a dog"], model=load_model("minilm")).shape
        (2, 384)
        >>> cache.embedded  # the second call below finds both in memory
        2
        >>> _ = cache.embed(["a dog", "a cat"], model=load_model("minilm"))
        >>> cache.embedded
        2
    """

    def __init__(
        self,
        folder: str | Path | None,
        *,
        batch_size: int = SEARCH_EMBED_BATCH,
        memory_rows: int = SEARCH_MEMORY_ROWS,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
        self.folder = None if folder is None else Path(folder).expanduser()
        self.batch_size = batch_size
        self.memory_rows = memory_rows
        #: Documents this cache has run through a model (misses), over its lifetime.
        self.embedded = 0
        #: Why the disk cache is not used, once writing to it failed; else ``None``.
        self.disk_error: str | None = None
        self._stores: dict[tuple[str, int], _ModelStore] = {}
        self._lock = threading.RLock()

    def _store(self, model: Embedder) -> _ModelStore:
        key = (model.name, int(model.dim))
        store = self._stores.get(key)
        if store is None:
            folder = None
            if self.folder is not None and self.disk_error is None:
                folder = self.folder / f"{model_folder_name(model.name)}-{model.dim}d"
            store = self._stores[key] = _ModelStore(folder, int(model.dim))
            store.scan()
        return store

    def _save(self, store: _ModelStore, batch_id: str, keys: list[bytes], vectors) -> None:
        if store.folder is None or self.disk_error is not None:
            return
        final = store.folder / f"{batch_id}.npz"
        partial = store.folder / f".{batch_id}.partial"
        try:
            store.folder.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as handle:
                digests = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(-1, DIGEST_BYTES)
                np.savez(handle, keys=digests, vectors=vectors)
            os.replace(partial, final)  # atomic: a reader never sees half a file
        except OSError as error:
            self.disk_error = (
                f"Could not write the embedding cache in {store.folder} ({error}); "
                f"embeddings are kept in memory only. Set {SEARCH_CACHE_DIR_ENV} to a "
                "writable folder to keep them between runs."
            )
            logger.warning(self.disk_error)
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            return
        store.paths[batch_id] = final
        store.seen_files.add(final.name)

    def _trim(self) -> None:
        """Forget the least recently used batches beyond ``memory_rows``."""
        rows = sum(len(v) for store in self._stores.values() for v in store.loaded.values())
        for store in self._stores.values():
            for batch_id in list(store.loaded):
                if rows <= self.memory_rows:
                    return
                rows -= len(store.loaded[batch_id])
                store.forget(batch_id)

    def embed(
        self,
        texts: Sequence[str],
        *,
        model: Embedder,
        progress: Progress | None = None,
    ) -> NDArray[np.float32]:
        """Embeddings of ``texts``, one row each, embedding only those not cached.

        Args:
            texts: the documents, in order (repeats are embedded once).
            model: the embedder; its ``encode_uncached`` is used where it has one.
            progress: ``progress(embedded, to_embed)``, see :data:`Progress`;
                not called when everything is cached.

        Returns:
            ``(len(texts), model.dim)`` float32 array.
        """
        digests = [text_digest(t) for t in texts]
        out = np.empty((len(texts), model.dim), dtype=np.float32)
        with self._lock:
            store = self._store(model)
            missing = self._fill(store, digests, out)
            if missing:
                store.scan()  # what a past run or another process embedded meanwhile
                missing = self._fill(store, digests, out, only=missing)
            if missing:
                self._embed_missing(store, texts, digests, missing, out, model, progress)
            self._trim()
        return out

    def _fill(
        self,
        store: _ModelStore,
        digests: list[bytes],
        out: NDArray[np.float32],
        only: list[int] | None = None,
    ) -> list[int]:
        """Copy cached rows into ``out``; return the positions still missing."""
        by_batch: dict[str, tuple[list[int], list[int]]] = {}
        missing: list[int] = []
        for i in range(len(digests)) if only is None else only:
            found = store.where.get(digests[i])
            if found is None:
                missing.append(i)
            else:
                positions, rows = by_batch.setdefault(found[0], ([], []))
                positions.append(i)
                rows.append(found[1])
        for batch_id, (positions, rows) in by_batch.items():
            vectors = store.batch(batch_id)
            if vectors is None:
                missing.extend(positions)
            else:
                out[positions] = vectors[rows]
        return sorted(missing)

    def _embed_missing(
        self,
        store: _ModelStore,
        texts: Sequence[str],
        digests: list[bytes],
        missing: list[int],
        out: NDArray[np.float32],
        model: Embedder,
        progress: Progress | None,
    ) -> None:
        first: dict[bytes, int] = {}
        for i in missing:
            first.setdefault(digests[i], i)
        # Longest first, as sentence-transformers sorts inside one call: every
        # batch then holds texts of similar length, so little padding is wasted.
        order = sorted(first.values(), key=lambda i: -len(model_text(texts[i])))
        encode = getattr(model, "encode_uncached", model.encode)
        total = len(order)
        if progress is not None:
            progress(0, total)
        for start in range(0, total, self.batch_size):
            chunk = order[start : start + self.batch_size]
            vectors = np.asarray(
                encode([model_text(texts[i]) for i in chunk]), dtype=np.float32
            ).reshape(len(chunk), model.dim)
            keys = [digests[i] for i in chunk]
            batch_id = f"batch-{uuid.uuid4().hex}"
            self._save(store, batch_id, keys, vectors)
            store.add(batch_id, keys, vectors)
            self.embedded += len(chunk)
            if progress is not None:
                progress(min(start + self.batch_size, total), total)
        for i in missing:
            batch_id, row = store.where[digests[i]]
            out[i] = store.loaded[batch_id][row]

    def cached_count(self, model: Embedder) -> int:
        """How many distinct documents ``model`` has embeddings for (memory or disk)."""
        with self._lock:
            store = self._store(model)
            store.scan()
            return len(store.where)


_caches: dict[Path | None, DocumentCache] = {}
_caches_lock = threading.Lock()


def default_cache() -> DocumentCache:
    """The process's cache for :func:`cache_dir` (one instance per folder).

    Example:
        >>> default_cache() is default_cache()
        True
    """
    folder = cache_dir()
    with _caches_lock:
        if folder not in _caches:
            _caches[folder] = DocumentCache(folder)
        return _caches[folder]
