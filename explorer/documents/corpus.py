"""The one document type: a corpus, with its vectors, map and columns when it has them.

The Search page and the Corpus page both work on a :class:`Corpus`. The
readers (:mod:`explorer.documents.readers`) make one from pasted text, a
``.txt``/``.csv``/``.tsv``/``.parquet`` file, or vectors computed elsewhere;
:func:`check_vectors_for` says whether a model's queries can be searched among
the corpus's own vectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from explorer.config import METHODS
from explorer.models import MINILM_ALIASES, Embedder

if TYPE_CHECKING:
    import pandas as pd

#: Column names taken as each document's topic, to colour the map (any case).
TOPIC_COLUMNS = ("topic", "category", "label", "class")
#: What the Search page names the topic column of a corpus made with ``topics``.
TOPIC_COLUMN = "topic"


@dataclass(frozen=True, eq=False)
class Corpus:
    """Documents ready to search, embed and map, and what was done to get them.

    Attributes:
        texts: distinct, non-empty documents, in file order.
        extra: the file's other columns, one row per text (index ``0..n-1``),
            for colouring and hover; never the text, vector or x/y columns.
            ``None`` is made into a frame of ``topics`` (or of no columns).
        vectors: ``(n, d)`` float32 embeddings carried by the file, else ``None``.
        coords: ``(n, 2)`` float64 map carried by the file (columns x, y), else ``None``.
        model: the model that made ``vectors`` (from this app's parquet metadata), else ``None``.
        method: the projection that made ``coords`` (from the metadata), else ``None``.
        source: where the texts came from, for the UI (“reviews.csv”, column “text”).
        notes: one sentence per change (rows left out, duplicates merged, long texts).
        topics: one label per document, when the Search page's reader found a
            topic column (it colours the search map), else ``None``.
    """

    texts: tuple[str, ...]
    extra: pd.DataFrame | None = None
    vectors: NDArray[np.float32] | None = None
    coords: NDArray[np.float64] | None = None
    model: str | None = None
    method: str | None = None
    source: str = ""
    notes: tuple[str, ...] = ()
    topics: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.extra is None:
            import pandas as pd

            columns = {TOPIC_COLUMN: list(self.topics)} if self.topics is not None else {}
            object.__setattr__(self, "extra", pd.DataFrame(columns, index=range(len(self.texts))))

    def __len__(self) -> int:
        return len(self.texts)

    def describe(self) -> str:
        """One line for the UI.

        Example:
            >>> Corpus(("a", "b"), topics=("x", "y"), source="pasted text").describe()
            'pasted text: 2 documents, 2 topics'
            >>> vectors = np.zeros((2, 384), dtype=np.float32)
            >>> Corpus(("a", "b"), vectors=vectors, model="minilm",
            ...        source="“x.csv”, column “text”").describe()
            '“x.csv”, column “text”: 2 documents, 384-d vectors from minilm'
        """
        n = len(self.texts)
        parts = [f"{n:,} document{'s' if n != 1 else ''}"]
        if self.topics is not None:
            parts.append(f"{len(set(self.topics)):,} topics")
        if self.vectors is not None:
            made = f" from {self.model}" if self.model else ""
            parts.append(f"{self.vectors.shape[1]}-d vectors{made}")
        if self.coords is not None:
            made = f" ({METHODS.get(self.method, self.method)})" if self.method else ""
            parts.append(f"a map{made}")
        return f"{self.source}: {', '.join(parts)}"


def same_model(made_by: str, model: str) -> bool:
    """Whether vectors ``made_by`` a model (as a file names it) come from ``model``.

    Example:
        >>> same_model("sentence-transformers/all-MiniLM-L6-v2", "minilm")
        True
    """
    names = {model, *(MINILM_ALIASES if model in MINILM_ALIASES else ())}
    return made_by.lower() in {name.lower() for name in names}


def query_refusal(corpus: Corpus, model: Embedder, *, known: bool = False) -> str | None:
    """Why ``model``'s vectors cannot sit beside the corpus's own (a query's, say), else ``None``.

    Args:
        corpus: a corpus; one without vectors takes any model.
        model: the model that would embed the query.
        known: refuse vectors whose model the file does not name (the app
            cannot tell whether they share the query's space).

    Example:
        >>> from explorer.models import load_model
        >>> corpus = Corpus(("a",), vectors=np.zeros((1, 512), np.float32), source="“v.npy”")
        >>> query_refusal(corpus, load_model("minilm"))
        'The vectors of “v.npy” are 512-d but minilm makes 384-d; they come from another model.'
    """
    if corpus.vectors is None:
        return None
    dim = int(corpus.vectors.shape[1])
    if dim != model.dim:
        return (
            f"The vectors of {corpus.source} are {dim}-d but {model.name} makes "
            f"{model.dim}-d; they come from another model."
        )
    if corpus.model is not None and not same_model(corpus.model, model.name):
        return (
            f"The vectors of {corpus.source} were made by {corpus.model}, not "
            f"{model.name}: the two models place texts differently."
        )
    if corpus.model is None and known:
        return (
            f"The vectors of {corpus.source} come from an unknown model, so a query made by "
            f"{model.name} cannot be placed among them."
        )
    return None


def check_vectors_for(corpus: Corpus, model: Embedder) -> None:
    """Refuse a model whose vectors cannot sit beside the corpus's (a query, say).

    Raises:
        ValueError: :func:`query_refusal`'s reason, and what to do.

    Example:
        >>> from explorer.models import load_model
        >>> corpus = Corpus(("a",), vectors=np.zeros((1, 512), np.float32), source="“v.npy”")
        >>> check_vectors_for(corpus, load_model("minilm"))
        Traceback (most recent call last):
        ...
        ValueError: The vectors of “v.npy” are 512-d but minilm makes 384-d; they come from another model. Choose the model that made them, or embed the texts again with minilm.
    """  # noqa: E501 - a doctest's expected output is one line
    reason = query_refusal(corpus, model)
    if reason is not None:
        choose = corpus.model or "the model that made them"
        raise ValueError(f"{reason} Choose {choose}, or embed the texts again with {model.name}.")
