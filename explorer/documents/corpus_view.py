"""The work behind the Corpus page, without Streamlit: embed, project, search, neighbours.

Long steps (embedding 100,000 texts, UMAP) are functions of a
:class:`~explorer.documents.jobs.Report`, so the page runs them as background jobs with
a progress bar, a time-left estimate and a Cancel button; short ones (PCA,
a search, a clicked point's neighbours) run in place.

Example:
    >>> import numpy as np
    >>> vectors = np.array([[1, 0], [0.9, 0.1], [0, 1]], dtype=np.float32)
    >>> [(n.index, round(n.distance, 3)) for n in nearest_rows(vectors, 0, k=2)]
    [(1, 0.006), (2, 1.0)]
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from explorer.config import (
    CORPUS_NEIGHBORS,
    CORPUS_TSNE_MAX,
    CORPUS_UMAP_FIRST_MAX,
    METHODS,
    MODEL_TITLES,
)
from explorer.documents.corpus import TOPIC_COLUMNS, Corpus, query_refusal
from explorer.documents.embed import embed_texts
from explorer.documents.jobs import Report
from explorer.documents.readers.half import read_digest
from explorer.documents.search import Hit, SearchIndex, shared_words
from explorer.documents.search_map import blob_note
from explorer.models import Embedder
from explorer.models.doc_cache import DocumentCache
from explorer.phrases import escape, shorten
from explorer.space.distances import unit_rows
from explorer.space.projection import Projection, compute_projection

#: Where a map's coordinates may come from: the file itself, or a projection.
FROM_FILE = "file"
#: The model the Corpus page embeds with, and embeds queries with.
MODEL = "minilm"
#: The "Colour by" choice that colours nothing.
NO_COLOR = "(one colour)"


#: Texts, and rows of vectors, hashed at once by :func:`fingerprint`.
_TEXTS_AT_ONCE, _VECTOR_ROWS_AT_ONCE = 10_000, 65_536


@dataclass(frozen=True)
class Neighbour:
    """A point near the clicked one: its row and its distance in the model's full space."""

    index: int
    distance: float


def fingerprint(texts: Sequence[str], vectors: NDArray | None = None) -> str:
    """A short key for a corpus (its texts, and its vectors when it brought them).

    The vectors are hashed in blocks on two more threads (hashlib lets go of the
    GIL) while this one hashes the texts: a million rows of 384 take 0.8 s, not 1.5 s.
    Vectors read from float16 bytes were hashed as they were read
    (:func:`~explorer.documents.readers.half.read_digest`): only the texts are hashed.

    Example:
        >>> fingerprint(["a", "b"]) == fingerprint(["a", "b"]), fingerprint(["a", "b"])[:8]
        (True, '8fb20ef6')
        >>> fingerprint(["a"], np.ones((1, 2))) != fingerprint(["a"], np.zeros((1, 2)))
        True
    """
    from concurrent.futures import ThreadPoolExecutor

    known = read_digest(vectors) if vectors is not None else None
    with ThreadPoolExecutor(2, thread_name_prefix="explorer-fingerprint") as pool:
        blocks = None
        if vectors is not None and known is not None:  # hashed as its float16 bytes were read
            blocks = [b"float16 bytes", known]
            array = vectors
        elif vectors is not None:
            array = np.ascontiguousarray(vectors, dtype=np.float32)  # no copy when it is one
            starts = range(0, len(array), _VECTOR_ROWS_AT_ONCE)
            blocks = pool.map(
                lambda start: _digest(array[start : start + _VECTOR_ROWS_AT_ONCE]), starts
            )
        digest = hashlib.sha256()
        for start in range(0, len(texts), _TEXTS_AT_ONCE):  # the same bytes as text by text
            chunk = texts[start : start + _TEXTS_AT_ONCE]
            digest.update("".join(f"{text}\x00" for text in chunk).encode("utf-8", "surrogatepass"))
        if blocks is not None:
            digest.update(str(array.shape).encode() + b"".join(blocks))
    return digest.hexdigest()[:24]


def _digest(block: NDArray[np.float32]) -> bytes:
    return hashlib.sha256(memoryview(block.reshape(-1)).cast("B")).digest()  # no bytes copy


def model_title(name: str | None) -> str:
    """How the page names a model ("all-MiniLM-L6-v2"; "an unknown model" for bare vectors)."""
    if name is None:
        return "an unknown model"
    return MODEL_TITLES.get(name, name)


def embedding_job(
    texts: Sequence[str], *, model: Embedder, cache: DocumentCache | None = None
) -> Callable[[Report], NDArray[np.float32]]:
    """A job function embedding ``texts`` through the disk cache, reporting each batch.

    Cancelling stops it after the batch in hand; every batch embedded so far
    is on disk, so the next run embeds only the rest.
    """

    def run(report: Report) -> NDArray[np.float32]:
        stage = f"Embedding {len(texts):,} documents with {model_title(model.name)}"
        report(0, 0, stage=stage)

        def progress(done: int, total: int) -> None:
            new = f"Embedding {total:,} new documents with {model_title(model.name)}"
            report(done, total, stage=new)

        return embed_texts(texts, model=model, cache=cache, progress=progress)

    return run


def tsne_refusal(method: str, count: int) -> str | None:
    """Why t-SNE is not run on ``count`` points (too slow to stay responsive), else ``None``.

    Example:
        >>> tsne_refusal("tsne", 50_000)[:45]
        't-SNE runs on up to 5,000 points; this corpus'
        >>> tsne_refusal("tsne", 500) is None, tsne_refusal("umap", 50_000) is None
        (True, True)
    """
    if method != "tsne" or count <= CORPUS_TSNE_MAX:
        return None
    return (
        f"t-SNE runs on up to {CORPUS_TSNE_MAX:,} points; this corpus has {count:,}, which "
        "would take many minutes and keep the page busy. Choose UMAP (it keeps local "
        "neighbourhoods like t-SNE and scales to 100,000 points), or PCA."
    )


def projection_job(
    vectors: NDArray,
    *,
    method: str,
    metric: str = "cosine",
    random_state: int = 0,
    n_components: int = 2,
) -> Callable[[Report], Projection]:
    """A job function projecting ``vectors`` with UMAP or t-SNE (to 2-D, or 3-D),
    reporting UMAP's epochs."""
    label = METHODS.get(method, method)

    def run(report: Report) -> Projection:
        report(0, 0, stage=f"{label} on {len(vectors):,} points")
        return compute_projection(
            vectors,
            method=method,
            metric=metric,
            random_state=random_state,
            progress=report,
            n_components=n_components,
        )

    return run


def nearest_rows(
    vectors: NDArray,
    index: int,
    *,
    k: int = CORPUS_NEIGHBORS,
    normalized: bool = False,
    mask: NDArray[np.bool_] | None = None,
) -> list[Neighbour]:
    """The ``k`` rows nearest to row ``index`` by cosine distance in the vectors' full space.

    Args:
        vectors: ``(n, d)``, one row per document.
        index: the row whose neighbours are wanted.
        k: how many (fewer when the corpus is smaller).
        normalized: the rows are already unit length (``SearchIndex.vectors``),
            which saves a pass over 100,000 rows.
        mask: only rows where it is true are neighbours (a filter), if given.

    Ties keep row order.

    Example:
        >>> vectors = np.array([[1, 0], [0.9, 0.1], [0, 1]], dtype=np.float32)
        >>> [n.index for n in nearest_rows(vectors, 0, mask=np.array([True, False, True]))]
        [2]
    """
    unit = np.asarray(vectors, dtype=np.float32) if normalized else unit_rows(vectors)
    query = unit[index]
    similarity = np.einsum("ij,j->i", unit, query)
    similarity[index] = -np.inf
    candidates = len(unit) - 1
    if mask is not None:
        similarity[~np.asarray(mask, dtype=bool)] = -np.inf
        candidates = int(np.isfinite(similarity).sum())
    k = max(0, min(k, candidates))
    if k == 0:
        return []
    top = np.argpartition(-similarity, k - 1)[:k]
    top = top[np.lexsort((top, -similarity[top]))]
    return [Neighbour(int(i), float(np.clip(1.0 - similarity[i], 0.0, 2.0))) for i in top]


@dataclass(frozen=True)
class CorpusSearch:
    """Hits of a search within the corpus, and how they were found.

    Attributes:
        hits: best first.
        how: "by meaning (cosine similarity, all-MiniLM-L6-v2)" or "by keywords (TF-IDF)".
        note: why the search is by keywords when meaning was not possible, else ``None``.
    """

    hits: tuple[Hit, ...]
    how: str
    note: str | None = None


def search_corpus(
    index: SearchIndex,
    query: str,
    *,
    k: int,
    semantic: bool,
    why_not: str | None = None,
    mask: NDArray[np.bool_] | None = None,
) -> CorpusSearch:
    """Search the corpus by meaning when its vectors' model is at hand, else by keywords.

    Args:
        index: the corpus's vectors (and model, for the query) and texts.
        query: what to look for.
        k: hits to return.
        semantic: whether ``index.model`` made the corpus's vectors.
        why_not: the note to show when ``semantic`` is false.
        mask: only rows where it is true are searched (a filter), if given.
    """
    if semantic:
        how = f"by meaning (cosine similarity, {model_title(index.model.name)})"
        if mask is None:
            return CorpusSearch(tuple(index.semantic(query, k=k)), how)
        scores = index.similarities(index.query_vector(query))
        kept = np.flatnonzero(mask)
        if len(kept) > k:  # the k best first, then ordered: not a sort of a million
            kept = np.sort(kept[np.argpartition(-scores[kept], k - 1)[:k]])
        top = kept[np.lexsort((kept, -scores[kept]))][:k]
        hits = [
            Hit(int(i), index.texts[i], float(scores[i]), shared_words(query, index.texts[i]))
            for i in top
        ]
        return CorpusSearch(tuple(hits), how)
    found = index.keyword(query, k=k if mask is None else len(index.texts))
    if mask is not None:
        found = [hit for hit in found if mask[hit.index]][:k]
    return CorpusSearch(tuple(found), "by keywords (TF-IDF)", why_not)


def search_within(
    index: SearchIndex,
    corpus: Corpus,
    query: str,
    *,
    k: int,
    model: Callable[[], Embedder],
    mask: NDArray[np.bool_] | None = None,
) -> CorpusSearch | None:
    """Search the corpus for ``query`` (``None`` for a blank one), by meaning when possible.

    A corpus embedded here has ``index.model`` already; for vectors carried by
    the file, ``model()`` (loaded only now) is used when :func:`semantic_note`
    finds nothing against it, and the search is by keywords otherwise.
    """
    if not (query or "").strip():
        return None
    note = None
    if index.model is None:
        query_model = model()
        note = semantic_note(corpus, query_model)
        index.model = None if note else query_model
    semantic = index.model is not None
    return search_corpus(index, query, k=k, semantic=semantic, why_not=note, mask=mask)


# --- What the page shows ------------------------------------------------------------


@dataclass(frozen=True)
class MapView:
    """The map to draw: its coordinates and how to name them.

    Attributes:
        coords: ``(n, 2)``.
        axis_titles: the two axes' titles.
        method: the method that made the map (for the parquet written back), or ``None``.
        shown: how the page names it ("UMAP", "the file's own map (UMAP)").
    """

    coords: NDArray
    axis_titles: tuple[str, str]
    method: str | None
    shown: str


def file_map(corpus: Corpus) -> MapView:
    """The map a file carried (its x and y columns)."""
    made = METHODS.get(corpus.method or "", "method not stated")
    return MapView(
        corpus.coords,
        ("x (from the file)", "y (from the file)"),
        corpus.method,
        f"the file's own map ({made})",
    )


def projected_map(projection: Projection) -> MapView:
    """The map a projection made."""
    shown = METHODS.get(projection.method, projection.method)
    return MapView(projection.coords, projection.axis_titles, projection.method, shown)


def projection_notes(projection: Projection, *, chosen: str) -> list[str]:
    """What the page says of the map ``projection`` drew when ``chosen`` was asked for:
    its own notice, and that a PCA map holding under 20% of the variance is a blob.

    Example:
        >>> shares = (0.04, 0.03)
        >>> pca = Projection(np.zeros((3, 2)), "pca", ("PC1", "PC2"), explained_variance=shares)
        >>> projection_notes(pca, chosen="umap")[0].split("apart, ")[1]
        'UMAP, which keeps neighbourhoods instead, replaces it when ready.'
    """
    notes = [projection.notice] if projection.notice else []
    if projection.method == "pca":
        shown = "pca" if chosen in ("pca", "tsne") else "pca-first"
        notes.append(blob_note(projection.explained_variance, shown=shown))
    return [note for note in notes if note]


def map_methods(corpus: Corpus) -> dict[str, str]:
    """The projections offered for a corpus, by name: the file's own map first, if any.

    Example:
        >>> list(map_methods(Corpus(("a",), coords=np.zeros((1, 2)))))[0]
        'file'
    """
    if corpus.coords is None:
        return dict(METHODS)
    made = METHODS.get(corpus.method or "", "precomputed")
    return {FROM_FILE: f"From the file ({made})", **METHODS}


def default_method(corpus: Corpus) -> str:
    """The projection a corpus opens in: its file's own map, else UMAP up to
    :data:`~explorer.config.CORPUS_UMAP_FIRST_MAX` documents (PCA is shown while it
    computes), else PCA, which is instant at any size.

    Example:
        >>> mapped = Corpus(("a",), coords=np.zeros((1, 2)))
        >>> default_method(Corpus(("a", "b"))), default_method(mapped)
        ('umap', 'file')
    """
    if corpus.coords is not None:
        return FROM_FILE
    return "umap" if len(corpus) <= CORPUS_UMAP_FIRST_MAX else "pca"


def default_color(columns: Sequence[str]) -> str:
    """The column to colour by at first: a topic column, else :data:`NO_COLOR`.

    Example:
        >>> default_color(["id", "Category"]), default_color(["id"])
        ('Category', '(one colour)')
    """
    return next((c for c in columns if c.lower() in TOPIC_COLUMNS), NO_COLOR)


def semantic_note(corpus: Corpus, model: Embedder) -> str | None:
    """Why the corpus is searched by keywords rather than with ``model``, else ``None``.

    Vectors whose model the file does not name are searched by keywords: a
    query cannot be placed among them.
    """
    reason = query_refusal(corpus, model, known=True)
    return f"{reason} The search is by keywords." if reason else None


def map_title(model: str | None, dim: int, count: int, shown: str) -> str:
    """The map's title (HTML-escaped).

    Example:
        >>> map_title("minilm", 384, 336, "PCA")
        'all-MiniLM-L6-v2 (384 dimensions): 336 documents, PCA'
    """
    return f"{escape(model_title(model))} ({dim} dimensions): {count:,} documents, {escape(shown)}"


def distance_space(model: str | None, dim: int) -> str:
    """Where the neighbours' distances are measured, for captions and hovers."""
    return f"cosine distance in all {dim} dimensions of {model_title(model)}"


def hits_table(hits: Sequence[Hit]) -> dict[str, list]:
    """The search hits as table columns: hit, row (1-based), score, text."""
    return {
        "hit": list(range(1, len(hits) + 1)),
        "row": [h.index + 1 for h in hits],
        "score": [round(h.score, 3) for h in hits],
        "text": [shorten(h.text, 300) for h in hits],
    }


def neighbours_table(neighbours: Sequence[Neighbour], texts: Sequence[str]) -> dict[str, list]:
    """The clicked row's neighbours as table columns: rank, row (1-based), d, text."""
    return {
        "rank": list(range(1, len(neighbours) + 1)),
        "row": [nb.index + 1 for nb in neighbours],
        "d (all dimensions)": [round(nb.distance, 3) for nb in neighbours],
        "text": [shorten(texts[nb.index], 300) for nb in neighbours],
    }


def map_caption(corpus: Corpus, shown: MapView, dim: int) -> str:
    """What the map is, under it: the corpus, the projection, where distances are measured."""
    return (
        f"{corpus.describe()}. The map is {shown.shown}: closeness on it approximates "
        f"closeness in the model's {dim} dimensions; the neighbours and search scores below "
        "are measured in all of them."
    )


def missing_row(row: int | None, count: int) -> str | None:
    """Why a row asked for (by a link) is not in a corpus of ``count`` documents, else ``None``.

    Example:
        >>> missing_row(5000, 336)
        'There is no row 5,000 in this corpus of 336 documents; no point is selected.'
    """
    if 0 <= int(row or 0) <= count:
        return None
    return f"There is no row {row:,} in this corpus of {count:,} documents; no point is selected."
