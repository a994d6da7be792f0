"""The retrieval step of RAG: the chunks of a document nearest to a question.

A question is embedded like the chunks (all-MiniLM-L6-v2, unit vectors), and the
chunks with the highest cosine similarity are what a language model would be
handed as context. Beside it, the keyword baseline (BM25, from the ``bm25s``
package) and a hybrid of both by reciprocal rank fusion (RRF). No generator runs
here: :func:`build_prompt` shows the prompt one would receive.

Chunk embeddings go through the document cache (:mod:`explorer.models.doc_cache`)
and the prepared index is kept in memory (:func:`explorer.documents.search.build_index`),
so a second question over the same document embeds only the question.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from explorer.config import (
    ASK_K,
    ASK_PLACE_NEIGHBORS,
    ASK_PROMPT_BUDGET,
    ASK_RRF_K,
    ASK_UMAP_MAX,
    ASK_UMAP_MIN,
    MAX_PHRASE_CHARS,
)
from explorer.documents.chunks import Chunk, count_tokens, text_capacity
from explorer.documents.search import (
    Hit,
    SearchIndex,
    _CorpusMemo,
    build_index,
    shared_words,
    words,
)
from explorer.models import Embedder, load_model
from explorer.models.doc_cache import DocumentCache, Progress
from explorer.phrases import clean_phrase
from explorer.space.projection import Projection, compute_projection

#: The three retrievers: name -> what the page calls it.
RETRIEVERS = {"meaning": "By meaning", "keywords": "By keywords (BM25)", "hybrid": "Hybrid (RRF)"}
#: What a generator would receive: instructions, the numbered chunks, the question.
PROMPT_TEMPLATE = (
    "Answer the question using only the context below. If the context does not "
    "hold the answer, say so.\n\nContext:\n{context}\n\nQuestion: {question}\nAnswer:"
)


@dataclass(frozen=True)
class Retrieved(Hit):
    """A retrieved chunk (a :class:`~explorer.documents.search.Hit` with its rank).

    Attributes:
        index: the chunk's position in the document's chunks (0-based).
        text: the chunk.
        score: the retriever's score: cosine similarity (meaning), BM25 (keywords)
            or the fused 1 / (60 + rank) sum (hybrid); higher is better.
        shared_words: the question's words the chunk also has.
        rank: 1 for the best.
        cosine: the cosine similarity of the question's and the chunk's vectors
            (in all the model's dimensions), or ``None`` when nothing was embedded.
    """

    rank: int = 0
    cosine: float | None = None


def content_words(text: str) -> set[str]:
    """The words of ``text`` that BM25 counts: lowercase, without English stop words.

    Example:
        >>> sorted(content_words("How do I fix the brakes on my car?"))
        ['brakes', 'car', 'fix']
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return {w for w in words(text) if w not in ENGLISH_STOP_WORDS}


def check_question(question: object, model: Embedder) -> str:
    """The question, or a ``ValueError`` when it is empty or longer than the model reads.

    Example:
        >>> check_question("  ", load_model("minilm"))
        Traceback (most recent call last):
        ...
        ValueError: The question is empty: type a question about the document, or pick a preset.
    """
    if not isinstance(question, str):
        raise ValueError(f"The question must be text, got {type(question).__name__}.")
    if not clean_phrase(question):
        raise ValueError(
            "The question is empty: type a question about the document, or pick a preset."
        )
    capacity = text_capacity(model)
    tokens = count_tokens([question], model)[0]
    if tokens > capacity or len(question) > MAX_PHRASE_CHARS:
        raise ValueError(
            f"The question is {tokens:,} tokens ({len(question):,} characters); the model reads "
            f"at most {capacity} tokens and {MAX_PHRASE_CHARS:,} characters. "
            "Ask a shorter question."
        )
    return question


def _check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(
            f"k (the number of chunks to retrieve) must be a whole number of at least 1, got {k!r}."
        )
    return int(k)


def _texts(chunks: Sequence[Chunk | str]) -> tuple[str, ...]:
    if isinstance(chunks, str):
        raise ValueError("Give the chunks as a list (from explorer.chunk), not a single string.")
    texts = tuple(c.text if isinstance(c, Chunk) else c for c in chunks)
    if not texts:
        raise ValueError("There are no chunks to retrieve from: chunk a document first.")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(f"Chunk {i + 1} is a {type(text).__name__}, not text or a Chunk.")
    return texts


def _order(scores: NDArray, candidates: NDArray | None = None) -> list[int]:
    """Indices by score, best first; ties in document order."""
    idx = np.arange(len(scores)) if candidates is None else np.asarray(candidates)
    return [int(i) for i in idx[np.lexsort((idx, -scores[idx]))]]


class KeywordRanker:
    """BM25 (``bm25s``, Lucene's variant) over the chunks' content words.

    Example:
        >>> ranker = KeywordRanker(["Fix a flat tyre.", "Prune the roses.", "Tyre pressure."])
        >>> ranker.ranking("my tyre is flat")
        [0, 2]
    """

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        self.texts = tuple(texts)
        self._bm25: Any = bm25s.BM25()
        corpus = [sorted(content_words(t)) or [""] for t in self.texts]
        self._bm25.index(corpus, show_progress=False)

    def scores(self, question: str) -> NDArray[np.float64]:
        """Every chunk's BM25 score for ``question`` (0 when it shares no content word)."""
        terms = [w for w in sorted(content_words(question)) if w in self._bm25.vocab_dict]
        if not terms:
            return np.zeros(len(self.texts))
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float64)

    def ranking(self, question: str) -> list[int]:
        """Chunks sharing a content word with ``question``, best first."""
        scores = self.scores(question)
        return _order(scores, np.flatnonzero(scores > 0))


_rankers = _CorpusMemo(4)


def fuse(rankings: Sequence[Sequence[int]], *, constant: int = ASK_RRF_K) -> dict[int, float]:
    """Reciprocal rank fusion: each item's sum of ``1 / (constant + rank)`` over the rankings.

    An item missing from a ranking gets nothing from it.

    Example:
        >>> scores = fuse([[2, 0, 1], [0, 3]])
        >>> [i for i in sorted(scores, key=lambda i: (-scores[i], i))]
        [0, 2, 3, 1]
    """
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (constant + rank)
    return fused


class Retriever:
    """One document's chunks, ready for questions: embedded (lazily) and BM25-indexed.

    Args:
        chunks: :class:`~explorer.documents.chunks.Chunk` objects or their texts.
        model: a model name or an embedder; ``cache``: where chunk embeddings are
            kept (default :func:`~explorer.models.doc_cache.default_cache`).
        progress: ``progress(embedded, to_embed)`` while embedding.
    """

    def __init__(
        self,
        chunks: Sequence[Chunk | str],
        *,
        model: str | Embedder = "minilm",
        cache: DocumentCache | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.texts = _texts(chunks)
        self.model = load_model(model) if isinstance(model, str) else model
        self._cache = cache
        self._progress = progress

    @cached_property
    def index(self) -> SearchIndex:
        """The chunks' unit vectors (embedded now, or found in the cache)."""
        return build_index(self.texts, model=self.model, cache=self._cache, progress=self._progress)

    @cached_property
    def keywords(self) -> KeywordRanker:
        return _rankers.get("bm25", self.texts, lambda: KeywordRanker(self.texts))

    def cosines(self, question: str) -> NDArray[np.float32]:
        """Cosine similarity of the question to every chunk, in the model's own space."""
        return self.index.similarities(self.index.query_vector(question))

    def rank(self, question: str, *, method: str = "meaning", k: int = ASK_K) -> list[Retrieved]:
        """The ``k`` best chunks for ``question`` by one retriever (fewer if fewer qualify)."""
        if method not in RETRIEVERS:
            raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(RETRIEVERS)}.")
        k = _check_k(k)
        check_question(question, self.model)
        cosines = None if method == "keywords" else self.cosines(question)
        if method == "meaning":
            order = _order(cosines)[:k]  # type: ignore[arg-type]
            scores = {i: float(cosines[i]) for i in order}  # type: ignore[index]
        elif method == "keywords":
            bm25 = self.keywords.scores(question)
            order = _order(bm25, np.flatnonzero(bm25 > 0))[:k]
            scores = {i: float(bm25[i]) for i in order}
        else:
            scores = fuse([_order(cosines), self.keywords.ranking(question)])  # type: ignore[arg-type]
            order = sorted(scores, key=lambda i: (-scores[i], i))[:k]
        return [
            Retrieved(
                index=i,
                text=self.texts[i],
                score=scores[i],
                shared_words=shared_words(question, self.texts[i]),
                rank=rank,
                cosine=None if cosines is None else float(cosines[i]),
            )
            for rank, i in enumerate(order, start=1)
        ]


def retrieve(
    question: str,
    chunks: Sequence[Chunk | str],
    *,
    k: int = ASK_K,
    method: str = "meaning",
    model: str | Embedder = "minilm",
    cache: DocumentCache | None = None,
) -> list[Retrieved]:
    """The ``k`` chunks a language model would be handed for ``question``, best first.

    Args:
        question: what to ask; at most the model's window (254 tokens).
        chunks: the document's chunks (:func:`explorer.chunk`), or their texts.
        k: how many (fewer when there are fewer chunks, or, for keywords, fewer
            chunks share a content word with the question).
        method: ``"meaning"`` (cosine similarity of embeddings), ``"keywords"``
            (BM25) or ``"hybrid"`` (reciprocal rank fusion of the two).
        model, cache: the embedder, and where chunk embeddings are kept.

    Raises:
        ValueError: an empty or too long question, no chunks, ``k`` below 1, an
            unknown method.

    Example:
        >>> chunks = ["Rotate the tyres every 8,000 km.", "Sow lettuce in early spring.",
        ...           "Keep an emergency fund of three months' pay."]
        >>> best = retrieve("my automobile's wheels", chunks, k=1, cache=DocumentCache(None))[0]
        >>> best.rank, best.index, best.shares_no_word, round(best.score, 2)
        (1, 0, True, 0.42)
    """
    return Retriever(chunks, model=model, cache=cache).rank(question, method=method, k=k)


@dataclass(frozen=True)
class Comparison:
    """The three retrievers on one question.

    Attributes:
        meaning, keywords, hybrid: each retriever's hits, best first (every hit
            with its cosine similarity).
        only_meaning: chunks that meaning retrieved and keywords did not, in meaning's order.
    """

    meaning: list[Retrieved]
    keywords: list[Retrieved]
    hybrid: list[Retrieved]

    @property
    def only_meaning(self) -> list[int]:
        found = {h.index for h in self.keywords}
        return [h.index for h in self.meaning if h.index not in found]


def compare(retriever: Retriever, question: str, *, k: int = ASK_K) -> Comparison:
    """Meaning, keywords and hybrid retrieval of ``k`` chunks each, side by side."""
    cosines = retriever.cosines(check_question(question, retriever.model))
    keywords = [
        Retrieved(h.index, h.text, h.score, h.shared_words, h.rank, float(cosines[h.index]))
        for h in retriever.rank(question, method="keywords", k=k)
    ]
    return Comparison(
        meaning=retriever.rank(question, method="meaning", k=k),
        keywords=keywords,
        hybrid=retriever.rank(question, method="hybrid", k=k),
    )


@dataclass(frozen=True)
class Prompt:
    """What a generator would receive, and its size in the model's tokenizer."""

    text: str
    tokens: int
    budget: int

    @property
    def over(self) -> int:
        """Tokens over the budget (0 when it fits)."""
        return max(0, self.tokens - self.budget)


def build_prompt(
    question: str, hits: Sequence[Hit], *, model: Embedder, budget: int = ASK_PROMPT_BUDGET
) -> Prompt:
    """The prompt a generator would be handed: instructions, the chunks in order, the question.

    Example:
        >>> prompt = build_prompt("Why?", [Hit(0, "Because.", 0.5)], model=load_model("minilm"))
        >>> print(prompt.text.splitlines()[3]), prompt.tokens, prompt.over
        [1] Because.
        (None, 34, 0)
    """
    context = "\n\n".join(f"[{rank}] {hit.text}" for rank, hit in enumerate(hits, start=1))
    text = PROMPT_TEMPLATE.format(context=context, question=question)
    return Prompt(text, count_tokens([text], model)[0], budget)


@dataclass(frozen=True)
class AskMap:
    """Everything the Ask map draws.

    Attributes:
        coords: ``(n, 2)`` the chunks, fitted on the chunks alone.
        question_xy: the question's ``(2,)`` place on the same map.
        hits: the retrieved chunks (lines go to them); ``distances`` their
            cosine distance (1 - similarity) to the question in all ``dim`` dimensions.
        method: the projection used; ``placement`` how the question was placed.
        axis_titles, notice: from the projection (notice: why not the one asked for).
    """

    texts: tuple[str, ...]
    coords: NDArray[np.float64]
    question: str
    question_xy: NDArray[np.float64]
    hits: tuple[Retrieved, ...]
    distances: tuple[float, ...]
    method: str
    placement: str
    axis_titles: tuple[str, str]
    notice: str | None
    model_name: str
    dim: int


_projections: OrderedDict[tuple[int, str], tuple[SearchIndex, Projection]] = OrderedDict()
_projections_lock = threading.Lock()


def _fit(index: SearchIndex, method: str) -> Projection:
    if method == "pca":
        return index.projection
    key = (id(index), method)
    with _projections_lock:
        held = _projections.get(key)
        if held is not None and held[0] is index:
            return held[1]
    fitted = compute_projection(index.vectors, method=method, metric="cosine", random_state=0)
    with _projections_lock:
        _projections[key] = (index, fitted)
        while len(_projections) > 4:
            _projections.popitem(last=False)
    return fitted


def build_ask_map(
    retriever: Retriever, question: str, hits: Sequence[Retrieved], *, method: str = "pca"
) -> AskMap:
    """Project the chunks to 2-D (fitted on them alone) and place the question on that map.

    PCA places the question with the fitted linear map (:meth:`Projection.transform`);
    UMAP, which has none, at the similarity-weighted mean of its
    ``ASK_PLACE_NEIGHBORS`` nearest chunks. UMAP runs from ``ASK_UMAP_MIN`` to
    ``ASK_UMAP_MAX`` chunks; otherwise PCA, with a notice.

    Example:
        >>> r = Retriever(["a cat", "a dog", "a truck"], cache=DocumentCache(None))
        >>> amap = build_ask_map(r, "a puppy", r.rank("a puppy", k=1))
        >>> amap.coords.shape, amap.placement, round(amap.distances[0], 2)
        ((3, 2), 'transform', 0.23)
    """
    if method not in ("pca", "umap"):
        raise ValueError(f"Unknown map {method!r}; choose pca or umap.")
    index = retriever.index
    n = len(index)
    notice = None
    if method == "umap" and not ASK_UMAP_MIN <= n <= ASK_UMAP_MAX:
        reason = f"at least {ASK_UMAP_MIN}" if n < ASK_UMAP_MIN else f"at most {ASK_UMAP_MAX:,}"
        notice = f"UMAP draws {reason} chunks here; these are {n:,}, so the map shows PCA."
        method = "pca"
    fitted = _fit(index, method)
    cosines = retriever.cosines(question)
    if fitted.mean is not None:
        question_xy, placement = fitted.transform(index.query_vector(question))[0], "transform"
    else:
        nearest = _order(cosines)[:ASK_PLACE_NEIGHBORS]
        weights = np.clip(cosines[nearest], 1e-6, None)
        question_xy = (fitted.coords[nearest] * weights[:, None]).sum(0) / weights.sum()
        placement = "neighbours"
    return AskMap(
        texts=index.texts,
        coords=fitted.coords,
        question=question,
        question_xy=np.asarray(question_xy, dtype=np.float64),
        hits=tuple(hits),
        distances=tuple(1.0 - float(cosines[h.index]) for h in hits),
        method=fitted.method,
        placement=placement,
        axis_titles=fitted.axis_titles,
        notice=notice or fitted.notice,
        model_name=retriever.model.name,
        dim=int(retriever.model.dim),
    )
