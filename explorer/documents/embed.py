"""Embed a corpus through the disk cache (:mod:`explorer.models.doc_cache`), batch by batch.

Each batch is saved as soon as it is embedded, so an interrupted run resumes
where it stopped; the command line (``python -m explorer embed``) and the
Corpus page's background job both embed this way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from explorer.config import CORPUS_EMBED_BATCH, CORPUS_EMBED_BATCH_GPU
from explorer.documents.corpus import Corpus
from explorer.models import Embedder
from explorer.models.doc_cache import DocumentCache, Progress, default_cache


def default_batch_size(model: Embedder) -> int:
    """Texts embedded per model call and saved per cache file: larger on a GPU.

    Example:
        >>> from explorer.models import load_model
        >>> default_batch_size(load_model("minilm"))
        512
    """
    on_gpu = getattr(model, "device", "cpu") != "cpu"
    return CORPUS_EMBED_BATCH_GPU if on_gpu else CORPUS_EMBED_BATCH


_sized_caches: dict[tuple[Path | None, int], DocumentCache] = {}


def cache_for(
    cache: DocumentCache | None, batch_size: int | None, model: Embedder
) -> DocumentCache:
    """The cache to embed through, holding batches of the size asked for.

    A :class:`DocumentCache` fixes its batch size when made, so another size
    uses a second cache on the same folder (caches share a folder safely).
    """
    base = default_cache() if cache is None else cache
    size = batch_size or (base.batch_size if cache is not None else default_batch_size(model))
    if size == base.batch_size:
        return base
    if cache is not None:
        return DocumentCache(base.folder, batch_size=size, memory_rows=base.memory_rows)
    key = (base.folder, size)
    if key not in _sized_caches:
        _sized_caches[key] = DocumentCache(
            base.folder, batch_size=size, memory_rows=base.memory_rows
        )
    return _sized_caches[key]


def embed_texts(
    texts: Sequence[str],
    *,
    model: Embedder,
    cache: DocumentCache | None = None,
    progress: Progress | None = None,
    batch_size: int | None = None,
) -> NDArray[np.float32]:
    """Embed ``texts``, only those not in the cache, batch by batch.

    Args:
        texts: the documents.
        model: the embedder.
        cache: where embeddings are kept; ``None`` uses the default cache folder.
        progress: ``progress(embedded, to_embed)`` after each batch, see
            :data:`explorer.models.doc_cache.Progress`.
        batch_size: texts per model call and per cache file; ``None`` takes the
            cache's own size when a cache is given, else ``CORPUS_EMBED_BATCH``
            (``CORPUS_EMBED_BATCH_GPU`` for a model on a GPU).

    Returns:
        ``(len(texts), model.dim)`` float32, row ``i`` for ``texts[i]``.
    """
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    chosen = cache_for(cache, batch_size, model)
    return chosen.embed(list(texts), model=model, progress=progress)


def embed(
    corpus: Corpus,
    *,
    model: Embedder,
    cache: DocumentCache | None = None,
    progress: Progress | None = None,
    batch_size: int | None = None,
) -> NDArray[np.float32]:
    """Embed the corpus's texts through the cache (see :func:`embed_texts`).

    The file's own ``corpus.vectors`` are not used.

    Example:
        >>> from explorer.models import load_model
        >>> corpus = Corpus(("a cat", "a dog"), source="pasted text")
        >>> embed(corpus, model=load_model("minilm"), cache=DocumentCache(None)).shape
        (2, 384)
    """
    return embed_texts(
        corpus.texts, model=model, cache=cache, progress=progress, batch_size=batch_size
    )
