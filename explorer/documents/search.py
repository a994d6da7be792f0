"""Search a corpus two ways: by meaning (the model's vectors) and by keywords (TF-IDF).

Semantic search ranks documents by the cosine similarity of their embedding
to the query's: "how to fix my car" finds "Automobile repairs: brake pads..."
although they share no word, because the two are nearby coordinates. Keyword
search (scikit-learn's ``TfidfVectorizer``, the classic baseline) can only find
documents that share words with the query.

A corpus is prepared once (:func:`build_index`: embeddings through the
:mod:`explorer.models.doc_cache`, a TF-IDF matrix, the 2-D map), and the prepared
index is kept in memory for the last few corpora, so a second query over the
same documents embeds only the query.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from explorer.config import SEARCH_INDEXES_KEPT, SEARCH_K, SEARCH_PRESET_QUERY
from explorer.models import Embedder, load_model
from explorer.models.doc_cache import DocumentCache, Progress, default_cache
from explorer.phrases import break_autolinks, clean_phrase, escape, markdown_escape
from explorer.space.distances import unit_rows
from explorer.space.projection import Projection, compute_projection

#: A word: letters and digits, with inner apostrophes ("don't" is one word).
#: The keyword ranker and "shared words" use the same rule, so a hit that
#: "shares no word with the query" is one keyword search cannot see.
TOKEN_PATTERN = r"(?u)\b\w+(?:['’]\w+)*\b"
_TOKEN = re.compile(TOKEN_PATTERN)


@dataclass(frozen=True)
class Hit:
    """One search result.

    Attributes:
        index: position of the document in the corpus.
        text: the document.
        score: cosine similarity of the embeddings (semantic search, in the
            model's own space) or TF-IDF cosine (keyword search); higher is better.
        shared_words: the query's words found in the document (lowercase, in
            query order); empty when it shares none.
    """

    index: int
    text: str
    score: float
    shared_words: tuple[str, ...] = ()

    @property
    def shares_no_word(self) -> bool:
        """Whether the document has none of the query's words."""
        return not self.shared_words


def words(text: str) -> list[str]:
    """The words of ``text``, lowercase, as both rankers see them.

    Example:
        >>> words("How to FIX my car's brakes?")
        ['how', 'to', 'fix', 'my', "car's", 'brakes']
    """
    return _TOKEN.findall(text.lower())


def shared_words(query: str, text: str) -> tuple[str, ...]:
    """The distinct words of ``query`` that ``text`` also has, in query order.

    Example:
        >>> shared_words("how to fix my car", "How to fix my laptop")
        ('how', 'to', 'fix', 'my')
        >>> shared_words("how to fix my car", "Automobile repairs while you wait")
        ()
    """
    found = set(words(text))
    return tuple(w for w in dict.fromkeys(words(query)) if w in found)


def highlight(text: str, marked: Sequence[str], *, markup: str = "markdown") -> str:
    """``text`` escaped, with the words in ``marked`` in bold (case-insensitive).

    Args:
        text: a document, shown literally (HTML and Markdown are escaped).
        marked: lowercase words to emphasise, e.g. :attr:`Hit.shared_words`.
        markup: ``"markdown"`` (for ``st.markdown``) or ``"html"`` (Plotly hovers).

    Example:
        >>> highlight("Fix <b>my</b> car!", ["fix", "my"])
        '**Fix** \\\\<b\\\\>**my**\\\\</b\\\\> car!'
        >>> highlight("Fix <b>my</b> car!", ["my"], markup="html")
        'Fix &lt;b&gt;<b>my</b>&lt;/b&gt; car!'
    """
    if markup not in ("markdown", "html"):
        raise ValueError(f"Unknown markup {markup!r}; choose 'markdown' or 'html'.")
    if markup == "markdown":
        # markdown_escape flattens whitespace: escape word by word, keep single spaces.
        def plain(piece: str) -> str:
            return " ".join(markdown_escape(part) for part in piece.split(" "))

        bold = "**{}**"
    else:
        plain, bold = escape, "<b>{}</b>"
    flat = break_autolinks(" ".join(text.split())) if markup == "markdown" else text
    wanted = set(marked)
    out: list[str] = []
    last = 0
    for match in _TOKEN.finditer(flat):
        out.append(plain(flat[last : match.start()]))
        word = match.group()
        out.append(bold.format(plain(word)) if word.lower() in wanted else plain(word))
        last = match.end()
    out.append(plain(flat[last:]))
    return "".join(out)


def _check_query(query: object) -> str:
    if not isinstance(query, str):
        raise ValueError(f"The query must be text, got {type(query).__name__}.")
    if not clean_phrase(query):
        raise ValueError(
            f"The query is empty: type what you are looking for, e.g. “{SEARCH_PRESET_QUERY}”."
        )
    return query


def _check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k (the number of hits) must be a whole number of at least 1, got {k!r}.")
    return int(k)


def _check_documents(documents: object) -> tuple[str, ...]:
    if isinstance(documents, str | bytes):
        raise ValueError(
            "Give the documents as a list of strings, e.g. ['first document', 'second'], "
            "not a single string."
        )
    try:
        texts = tuple(documents)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(
            f"Give the documents as a list of strings, got {type(documents).__name__}."
        ) from None
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(
                f"Document {i + 1} is a {type(text).__name__}, not text; "
                "give every document as a string."
            )
    if not texts:
        raise ValueError("The corpus is empty: give at least one document to search.")
    return texts


def _top(scores: NDArray, k: int, *, positive_only: bool = False) -> list[int]:
    """Indices of the ``k`` highest scores, best first; ties in corpus order."""
    candidates = np.flatnonzero(scores > 0) if positive_only else np.arange(len(scores))
    if len(candidates) > k:
        keep = np.argpartition(-scores[candidates], k - 1)[:k]
        candidates = candidates[keep]
    order = np.lexsort((candidates, -scores[candidates]))
    return [int(i) for i in candidates[order]]


class KeywordIndex:
    """TF-IDF over a corpus: the keyword baseline.

    Words are :func:`words` (lowercase, no stop-word list: "how" and "to" count,
    weighted down by their frequency, as in a search engine). The score is the
    cosine of the TF-IDF vectors, from 0 (no shared word) to 1.

    Example:
        >>> index = KeywordIndex(["fix my bike", "a red car", "fix a car"])
        >>> [(h.index, h.shared_words) for h in index.search("how to fix my car", k=2)]
        [(0, ('fix', 'my')), (2, ('fix', 'car'))]
    """

    def __init__(self, texts: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.texts = tuple(texts)
        self._vectorizer: Any = TfidfVectorizer(token_pattern=TOKEN_PATTERN, dtype=np.float32)
        try:
            self._matrix = self._vectorizer.fit_transform(self.texts).tocsr()
        except ValueError:  # no document has a single word (only symbols or emoji)
            self._vectorizer = None

    def search(self, query: str, *, k: int = SEARCH_K) -> list[Hit]:
        """Documents sharing words with ``query``, best first (at most ``k``)."""
        query, k = _check_query(query), _check_k(k)
        if self._vectorizer is None:
            return []
        query_vector = self._vectorizer.transform([query])
        scores = np.asarray((self._matrix @ query_vector.T).toarray()).ravel()
        return [
            Hit(i, self.texts[i], float(scores[i]), shared_words(query, self.texts[i]))
            for i in _top(scores, k, positive_only=True)
        ]


#: Rows whose length is within this of 1 count as unit-length (float32 rounding).
UNIT_TOLERANCE = 1e-4
#: Rows measured at once (a million rows of 384 floats at once: a 1.5 GB temporary).
_ROWS_AT_ONCE = 65_536


def is_unit(vectors: NDArray) -> bool:
    """Whether every row has length 1 (within :data:`UNIT_TOLERANCE`), measured in chunks.

    Example:
        >>> is_unit(np.eye(3, dtype=np.float32)), is_unit(np.ones((2, 2), np.float32))
        (True, False)
    """
    for start in range(0, len(vectors), _ROWS_AT_ONCE):
        block = vectors[start : start + _ROWS_AT_ONCE]
        lengths = np.einsum("ij,ij->i", block, block)  # squared: 1 ± 2 tolerance
        if (np.abs(lengths - 1.0) > 2 * UNIT_TOLERANCE).any():
            return False
    return True


def unit_once(vectors: NDArray) -> NDArray[np.float32]:
    """``vectors`` as float32 unit rows: the array itself when it already is one (a
    corpus's vectors from `python -m explorer embed`; no second copy of a million
    rows), else a normalised copy.

    Example:
        >>> vectors = np.eye(2, dtype=np.float32)
        >>> unit_once(vectors) is vectors, unit_once(2 * vectors).tolist()
        (True, [[1.0, 0.0], [0.0, 1.0]])
    """
    array = np.asarray(vectors)
    if array.dtype == np.float32 and array.ndim == 2 and is_unit(array):
        return array
    return unit_rows(array)


class SearchIndex:
    """A corpus prepared for search: unit-length embeddings, TF-IDF, and a 2-D map.

    Build one with :func:`build_index`; :func:`search` and :func:`keyword_search`
    accept it in place of a list of documents.

    Attributes:
        texts: the documents, in order.
        vectors: ``(n, dim)`` float32, each row of length 1 (so a dot product
            is the cosine similarity); the vectors given, when they already are.
        model: the embedder that made them.
    """

    def __init__(self, texts: Sequence[str], vectors: NDArray, model: Embedder) -> None:
        self.texts = tuple(texts)
        self.vectors = unit_once(vectors)
        self.model = model

    def __len__(self) -> int:
        return len(self.texts)

    def query_vector(self, query: str) -> NDArray[np.float32]:
        """The query's unit-length embedding (the model's own cache remembers it)."""
        vector = np.asarray(self.model.encode([_check_query(query)])[0], dtype=np.float32)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector

    def similarities(self, query_vector: NDArray) -> NDArray[np.float32]:
        """Cosine similarity of every document to a unit-length query vector."""
        # einsum runs on this thread: a BLAS matrix-vector product may wake
        # threads that spin-wait against a busy core (7 ms instead of 0.5 ms).
        return np.einsum("ij,j->i", self.vectors, np.asarray(query_vector, dtype=np.float32))

    def semantic(self, query: str, *, k: int = SEARCH_K) -> list[Hit]:
        """The ``k`` documents nearest to ``query`` by cosine similarity, best first."""
        k = _check_k(k)
        scores = self.similarities(self.query_vector(query))
        return [
            Hit(i, self.texts[i], float(scores[i]), shared_words(query, self.texts[i]))
            for i in _top(scores, k)
        ]

    @cached_property
    def keywords(self) -> KeywordIndex:
        """The TF-IDF index of the same documents (built on first use)."""
        return KeywordIndex(self.texts)

    def keyword(self, query: str, *, k: int = SEARCH_K) -> list[Hit]:
        """Keyword hits (TF-IDF), see :class:`KeywordIndex`."""
        return self.keywords.search(query, k=k)

    @cached_property
    def projection(self) -> Projection:
        """PCA fitted to the corpus's vectors; the query is placed with its ``transform``."""
        return compute_projection(self.vectors, method="pca")


class _CorpusMemo:
    """The last few prepared corpora, found again by their content (not by identity)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[tuple[str, ...], Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tag: Hashable, texts: tuple[str, ...], build: Callable[[], Any]) -> Any:
        # Strings cache their hash, so hashing 10,000 documents costs ~0.1 ms; the
        # equality check guards against a collision.
        key = (tag, len(texts), hash(texts))
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == texts:
                self._entries.move_to_end(key)
                return entry[1]
        value = build()
        with self._lock:
            self._entries[key] = (texts, value)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


_indexes = _CorpusMemo(SEARCH_INDEXES_KEPT)
_keyword_indexes = _CorpusMemo(SEARCH_INDEXES_KEPT)


def _resolve_model(model: str | Embedder) -> Embedder:
    return load_model(model) if isinstance(model, str) else model


def build_index(
    documents: Sequence[str],
    *,
    model: str | Embedder = "minilm",
    cache: DocumentCache | None = None,
    progress: Progress | None = None,
) -> SearchIndex:
    """Prepare a corpus for search: embed the documents not cached yet.

    The same documents (same content, same model, same cache) give back the
    same index without touching the model: the last ``SEARCH_INDEXES_KEPT``
    corpora stay in memory.

    Args:
        documents: the texts to search.
        model: a model name (see :func:`explorer.load_model`) or an embedder.
        cache: where document embeddings are kept; default :func:`default_cache`
            (the folder ``EXPLORER_CACHE_DIR`` or ``~/.cache/embedding-explorer``).
        progress: ``progress(embedded, to_embed)`` while embedding, for a progress bar.

    Raises:
        ValueError: no documents, or documents that are not strings.

    Example:
        >>> index = build_index(["a cat", "a truck"], cache=DocumentCache(None))
        >>> index.vectors.shape
        (2, 384)
    """
    texts = _check_documents(documents)
    embedder = _resolve_model(model)
    store = cache if cache is not None else default_cache()

    def build() -> SearchIndex:
        return SearchIndex(texts, store.embed(texts, model=embedder, progress=progress), embedder)

    return _indexes.get((id(embedder), id(store)), texts, build)


def search(
    query: str,
    documents: Sequence[str] | SearchIndex,
    *,
    model: str | Embedder = "minilm",
    k: int = SEARCH_K,
    cache: DocumentCache | None = None,
) -> list[Hit]:
    """The ``k`` documents nearest in meaning to ``query``, best first.

    Scores are cosine similarities of the model's unit-length vectors (in all of
    its dimensions: 384 for MiniLM). Documents' embeddings are cached in memory
    and on disk, so a second query over the same corpus embeds only the query.

    Args:
        query: what to look for.
        documents: the corpus, or a :class:`SearchIndex` from :func:`build_index`.
        model: a model name or an embedder (ignored for a prepared index).
        k: how many hits (fewer when the corpus is smaller).
        cache: see :func:`build_index`.

    Raises:
        ValueError: an empty query or corpus, or ``k`` below 1.

    Example:
        >>> docs = ["Automobile repairs: brake pads and oil changes.",
        ...         "How to fix my posture at a desk.", "Fresh basil pesto."]
        >>> best = search("how to fix my car", docs, k=1, cache=DocumentCache(None))[0]
        >>> best.index, round(best.score, 2), best.shares_no_word
        (0, 0.38, True)
    """
    _check_query(query)
    index = documents if isinstance(documents, SearchIndex) else None
    if index is None:
        index = build_index(documents, model=model, cache=cache)  # type: ignore[arg-type]
    return index.semantic(query, k=k)


def keyword_search(
    query: str, documents: Sequence[str] | SearchIndex, *, k: int = SEARCH_K
) -> list[Hit]:
    """The ``k`` best keyword (TF-IDF) matches for ``query``; only documents sharing a word.

    Example:
        >>> docs = ["Automobile repairs: brake pads and oil changes.",
        ...         "How to fix my posture at a desk.", "Fresh basil pesto."]
        >>> [(h.index, h.shared_words) for h in keyword_search("how to fix my car", docs)]
        [(1, ('how', 'to', 'fix', 'my'))]
    """
    _check_query(query)
    _check_k(k)
    if isinstance(documents, SearchIndex):
        return documents.keyword(query, k=k)
    texts = _check_documents(documents)
    return _keyword_indexes.get("tfidf", texts, lambda: KeywordIndex(texts)).search(query, k=k)
