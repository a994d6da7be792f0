"""Embeddings of documents, kept in memory and on disk, so a corpus embeds once.

Each embedding is keyed by the model's name and the sha256 of the text the model
reads (:func:`explorer.phrases.model_text`). On disk, a model has a folder under
the cache folder (:func:`cache_dir`) holding one ``.npz`` file per embedded
batch: ``keys`` (the texts' sha256 digests, ``(n, 32)`` bytes) and ``vectors``
(``(n, dim)`` float32) and ``checksum`` (the sha256 of both). A batch is
written, atomically, as soon as it is embedded, so a large corpus that is
interrupted resumes where it stopped, and another process sharing the folder
sees what this one embedded. A file whose checksum, width or values (NaN,
infinity) are wrong is dropped with a warning and its texts embedded again.
The folder is kept under ``CACHE_MAX_BYTES`` (``$EXPLORER_CACHE_MAX_BYTES``):
the least recently used files go first.

Only looking up and saving hold the cache's lock, one batch at a time: a
small search is never stuck behind a large corpus being embedded. In the
server, large encodes run in the worker process (:mod:`explorer.models.worker`).

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
import time
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
    WORKER_MIN_TEXTS,
    cache_max_bytes,
)
from explorer.models import Embedder, worker
from explorer.phrases import model_text

logger = logging.getLogger(__name__)

#: ``progress(embedded, to_embed)``: called with ``(0, n)`` before the first of
#: ``n`` missing documents is embedded, then after each batch.
Progress = Callable[[int, int], None]

_BATCH_GLOB = "batch-*.npz"
DIGEST_BYTES = 32
#: A file used again is marked recently used (its mtime) at most this often.
_TOUCH_EVERY_S = 60.0
#: Eviction brings the folder down to this share of its limit, so it does not run per batch.
_EVICT_TO = 0.9


def cache_dir() -> Path:
    """The cache folder: ``$EXPLORER_CACHE_DIR`` if set, else ``SEARCH_CACHE_DIR``.

    Example:
        >>> from unittest import mock
        >>> with mock.patch.dict(os.environ, {"EXPLORER_CACHE_DIR": "/data/cache"}):
        ...     cache_dir()
        PosixPath('/data/cache')
    """
    return Path(os.environ.get(SEARCH_CACHE_DIR_ENV) or SEARCH_CACHE_DIR).expanduser()


def checksum(keys: NDArray[np.uint8], vectors: NDArray[np.float32]) -> NDArray[np.uint8]:
    """The sha256 of a batch's keys and vectors (stored beside them, checked on loading)."""
    digest = hashlib.sha256(np.ascontiguousarray(keys).tobytes())
    digest.update(np.ascontiguousarray(vectors, dtype="<f4").tobytes())
    return np.frombuffer(digest.digest(), dtype=np.uint8)


def read_batch(path: Path, dim: int) -> tuple[NDArray[np.uint8], NDArray[np.float32]]:
    """A batch file's keys and vectors, checked: shape, model width, finite values, checksum.

    Raises:
        ValueError: what is wrong with the file (it is then dropped and recomputed).
    """
    try:
        with np.load(path) as batch:
            keys, vectors = batch["keys"], batch["vectors"]
            stored = batch["checksum"] if "checksum" in batch.files else None
    except (OSError, KeyError, ValueError, EOFError) as error:
        raise ValueError(f"unreadable ({error})") from None
    if keys.ndim != 2 or keys.shape[1] != DIGEST_BYTES or vectors.shape != (len(keys), dim):
        raise ValueError(f"vectors of shape {vectors.shape}, expected ({len(keys)}, {dim})")
    if vectors.dtype != np.float32:
        raise ValueError(f"vectors of type {vectors.dtype}, expected float32")
    if not np.isfinite(vectors).all():
        raise ValueError("vectors holding NaN or infinite values")
    if stored is None or not np.array_equal(stored, checksum(keys, vectors)):
        raise ValueError("a missing or wrong checksum")
    return keys, vectors


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
            except Exception as error:  # noqa: BLE001 - a damaged file is dropped, never fatal
                self.drop(path.stem, path, f"unreadable ({error})")
                continue
            if keys.ndim != 2 or keys.shape[1] != DIGEST_BYTES or shape != (len(keys), self.dim):
                self.drop(path.stem, path, f"vectors of shape {shape}, expected width {self.dim}")
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
        if not path.exists():  # evicted (by this or another process): embedded again
            self.forget(batch_id, everywhere=True)
            return None
        try:
            _, vectors = read_batch(path, self.dim)
        except ValueError as error:
            self.drop(batch_id, path, str(error))
            return None
        self.loaded[batch_id] = vectors
        return vectors

    def drop(self, batch_id: str, path: Path, why: str) -> None:
        """Delete a bad batch file and forget it; its texts are embedded again."""
        logger.warning(
            "Dropping embedding cache file %s (%s); its texts are embedded again.", path, why
        )
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        self.forget(batch_id, everywhere=True)

    def add(self, batch_id: str, keys: list[bytes], vectors: NDArray[np.float32]) -> None:
        self.loaded[batch_id] = vectors
        self.paths.setdefault(batch_id, None)
        for row, key in enumerate(keys):
            self.where[key] = (batch_id, row)

    def forget(self, batch_id: str, *, everywhere: bool = False) -> None:
        """Drop a batch from memory; one only in memory (or ``everywhere``) leaves the index."""
        self.loaded.pop(batch_id, None)
        if everywhere or self.paths.get(batch_id) is None:
            self.paths.pop(batch_id, None)
            self.where = {k: v for k, v in self.where.items() if v[0] != batch_id}


class DocumentCache:
    """Embeddings of documents for any number of models, in memory and (optionally) on disk.

    Args:
        folder: where batches are saved; ``None`` keeps them in memory only.
        batch_size: documents embedded per model call and saved per file.
        memory_rows: embeddings kept in memory; least recently used batches go
            first (those on disk are read back when needed).
        max_bytes: the most the folder's batch files may hold; least recently
            used files go first (``None``: :func:`cache_max_bytes`).

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
        max_bytes: int | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
        self.folder = None if folder is None else Path(folder).expanduser()
        self.batch_size = batch_size
        self.memory_rows = memory_rows
        self.max_bytes = cache_max_bytes() if max_bytes is None else max_bytes
        #: Documents this cache has run through a model (misses), over its lifetime.
        self.embedded = 0
        #: Why the disk cache is not used, once writing to it failed; else ``None``.
        self.disk_error: str | None = None
        self._stores: dict[tuple[str, int], _ModelStore] = {}
        self._lock = threading.RLock()
        self._disk_bytes: int | None = None  # the folder's batch files, once counted
        self._touched: dict[Path, float] = {}

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
                np.savez(handle, keys=digests, vectors=vectors, checksum=checksum(digests, vectors))
            os.replace(partial, final)  # atomic: a reader never sees half a file
            size = final.stat().st_size
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
        self._count_disk(size)

    def _count_disk(self, added: int) -> None:
        """Add a new file's size to the folder's total; evict the oldest files over the limit."""
        if self._disk_bytes is None:
            self._disk_bytes = sum(size for _, size, _ in self._disk_files())
        else:
            self._disk_bytes += added
        if self._disk_bytes > self.max_bytes:
            self.evict(to_bytes=int(self.max_bytes * _EVICT_TO))

    def _disk_files(self) -> list[tuple[float, int, Path]]:
        """(last used, size, path) of every batch file in the folder, for every model."""
        found = []
        if self.folder is not None and self.folder.is_dir():
            for path in self.folder.glob(f"*/{_BATCH_GLOB}"):
                with contextlib.suppress(OSError):
                    stat = path.stat()
                    found.append((stat.st_mtime, stat.st_size, path))
        return found

    def evict(self, *, to_bytes: int) -> int:
        """Delete the least recently used batch files until the folder holds ``to_bytes``.

        Returns how many were deleted; their texts are embedded again when needed.
        """
        with self._lock:
            files = sorted(self._disk_files())
            total = sum(size for _, size, _ in files)
            deleted = 0
            for _, size, path in files:
                if total <= to_bytes:
                    break
                with contextlib.suppress(OSError):
                    path.unlink()
                    deleted += 1
                total -= size
                self._touched.pop(path, None)
            self._disk_bytes = total
        if deleted:
            logger.info("Embedding cache: deleted %d least recently used files", deleted)
        return deleted

    def _touch(self, store: _ModelStore, batch_ids: list[str]) -> None:
        """Mark batch files as just used (their mtime), so eviction takes others first."""
        now = time.time()
        for batch_id in batch_ids:
            path = store.paths.get(batch_id)
            if path is not None and now - self._touched.get(path, 0.0) > _TOUCH_EVERY_S:
                self._touched[path] = now
                with contextlib.suppress(OSError):
                    os.utime(path)

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

        The lock is held only to look up and to save each batch, never while
        the model runs (in the worker process from ``WORKER_MIN_TEXTS`` misses on,
        when the server enabled it).

        Args:
            texts: the documents, in order (repeats are embedded once).
            model: the embedder; its ``encode_uncached`` is used where it has one.
            progress: ``progress(embedded, to_embed)``, see :data:`Progress`;
                not called when everything is cached. It may raise to stop
                (between two batches; those saved stay saved).

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
        with self._lock:
            self._trim()
        return out

    def missing_count(self, texts: Sequence[str], *, model: Embedder) -> int:
        """How many distinct texts of ``texts`` are not cached (what embedding them would cost).

        Example:
            >>> from explorer.models import load_model
            >>> DocumentCache(None).missing_count(["a", "b", "a"], model=load_model("toy"))
            2
        """
        digests = {text_digest(t) for t in texts}
        with self._lock:
            store = self._store(model)
            store.scan()
            return sum(1 for d in digests if d not in store.where)

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
        self._touch(store, list(by_batch))
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
        positions: dict[bytes, list[int]] = {}
        for i in missing:
            positions.setdefault(digests[i], []).append(i)
        # Longest first, as sentence-transformers sorts inside one call: every
        # batch then holds texts of similar length, so little padding is wasted.
        order = sorted((p[0] for p in positions.values()), key=lambda i: -len(model_text(texts[i])))
        encode = getattr(model, "encode_uncached", model.encode)
        if len(order) >= WORKER_MIN_TEXTS:
            encode = worker.encoder_for(model.name, dim=int(model.dim)) or encode
        total = len(order)
        if progress is not None:
            progress(0, total)
        for start in range(0, total, self.batch_size):
            chunk = order[start : start + self.batch_size]
            vectors = np.asarray(
                encode([model_text(texts[i]) for i in chunk]), dtype=np.float32
            ).reshape(len(chunk), model.dim)
            keys = [digests[i] for i in chunk]
            for row, key in enumerate(keys):
                out[positions[key]] = vectors[row]
            batch_id = f"batch-{uuid.uuid4().hex}"
            with self._lock:
                self._save(store, batch_id, keys, vectors)
                store.add(batch_id, keys, vectors)
                self.embedded += len(chunk)
            if progress is not None:
                progress(min(start + self.batch_size, total), total)

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
