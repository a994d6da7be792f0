"""The search map: a corpus projected to 2-D once, and queries placed into that map.

The projection is fitted to the corpus alone (PCA, as
:func:`explorer.space.projection.compute_projection` makes it: centred, signs
fixed, deterministic) and the query is *transformed* with it, not refitted:
the corpus stays where it was whatever you search for, and the query lands
where its vector says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from explorer.documents.search import Hit, SearchIndex
from explorer.space.projection import Projection, compute_projection


def fit_map(vectors: NDArray) -> Projection:
    """Fit PCA to a corpus, as :func:`~explorer.space.projection.compute_projection` does.

    It is ``compute_projection``'s own PCA (sign fix included); its
    :meth:`~explorer.space.projection.Projection.transform` puts a query on the same map
    without refitting.

    Example:
        >>> vectors = np.random.default_rng(0).normal(size=(20, 5))
        >>> fitted = fit_map(vectors)
        >>> bool(np.allclose(fitted.transform(vectors), fitted.coords))
        True
        >>> fitted.components.round(6).tolist() == fit_map(vectors).components.round(6).tolist()
        True
    """
    return compute_projection(vectors, method="pca")


@dataclass(frozen=True)
class SearchMap:
    """Everything the search map draws.

    Attributes:
        texts: the corpus; ``topics`` one label per document, or ``None``.
        coords: ``(n, 2)`` the corpus on the fitted map.
        query: the query; ``query_coords`` its ``(2,)`` place on the same map.
        hits: the semantic hits, best first (lines go from the query to each).
        true_distances: cosine distance (1 - similarity) from the query to each
            hit in the model's own space; ``map_distances`` the same pairs as drawn.
        axis_titles, explained_variance, notice: from the fitted projection.
        model_name, dim: the model, and its number of dimensions.
    """

    texts: tuple[str, ...]
    topics: tuple[str, ...] | None
    coords: NDArray[np.float64]
    query: str
    query_coords: NDArray[np.float64]
    hits: tuple[Hit, ...]
    true_distances: tuple[float, ...]
    map_distances: tuple[float, ...]
    axis_titles: tuple[str, str]
    explained_variance: tuple[float, float] | None
    notice: str | None
    model_name: str
    dim: int


def build_search_map(
    index: SearchIndex,
    query: str,
    hits: list[Hit],
    *,
    topics: list[str] | None = None,
) -> SearchMap:
    """Place the corpus and the query on one map, with the query's top hits.

    Args:
        index: the prepared corpus (its fitted projection is reused across queries).
        query: the query text.
        hits: the hits to join to the query (semantic ones, from :func:`explorer.documents.search`).
        topics: one label per document, to colour the points, or ``None``.

    Example:
        >>> from explorer.models.doc_cache import DocumentCache
        >>> from explorer.documents.search import build_index, search
        >>> index = build_index(["a cat", "a dog", "a truck"], cache=DocumentCache(None))
        >>> hits = search("a puppy", index, k=1)
        >>> smap = build_search_map(index, "a puppy", hits)
        >>> smap.hits[0].text, smap.query_coords.shape, round(smap.true_distances[0], 2)
        ('a dog', (2,), 0.23)
    """
    if topics is not None and len(topics) != len(index):
        raise ValueError(
            f"Got {len(topics)} topics for {len(index)} documents; give one topic per document."
        )
    for hit in hits:
        if not 0 <= hit.index < len(index) or index.texts[hit.index] != hit.text:
            raise ValueError(f"Hit {hit.index} is not a document of this corpus.")
    fitted = index.projection
    query_vector = index.query_vector(query)
    query_coords = fitted.transform(query_vector)[0]
    similarities = index.similarities(query_vector)
    drawn = [float(np.linalg.norm(fitted.coords[h.index] - query_coords)) for h in hits]
    return SearchMap(
        texts=index.texts,
        topics=None if topics is None else tuple(topics),
        coords=fitted.coords,
        query=query,
        query_coords=query_coords,
        hits=tuple(hits),
        true_distances=tuple(1.0 - float(similarities[h.index]) for h in hits),
        map_distances=tuple(drawn),
        axis_titles=fitted.axis_titles,
        explained_variance=fitted.explained_variance,
        notice=fitted.notice,
        model_name=index.model.name,
        dim=int(index.model.dim),
    )
