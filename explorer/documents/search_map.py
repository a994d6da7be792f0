"""The search map: a corpus projected to 2-D once, and queries placed into that map.

The projection is fitted to the corpus alone and never refitted for a query:
the corpus stays where it was whatever you search for. On a PCA map (as
:func:`explorer.space.projection.compute_projection` makes it: centred, signs
fixed, deterministic) the query is *transformed* with PCA's linear map; a UMAP
map keeps no such map, so the query goes to the similarity-weighted mean of
its :data:`QUERY_NEIGHBOURS` most similar documents (:func:`place_query`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from explorer.documents.search import Hit, SearchIndex
from explorer.space.projection import Projection, compute_projection

#: A map of the corpus places the query among this many of its most similar documents
#: when the projection cannot transform new vectors (UMAP).
QUERY_NEIGHBOURS = 5
#: Below this share of the variance in PCA's first two components, the page says a PCA
#: map of the corpus is a blob (and shows UMAP).
PCA_BLOB_SHARE = 0.20
#: How the query was placed, by how: the figure and the page say it.
PLACEMENTS = {
    "transform": "The query is placed with PCA's projection fitted to the corpus, not refitted.",
    "neighbours": f"UMAP cannot place a new point: the query is drawn at the "
    f"similarity-weighted mean of its {QUERY_NEIGHBOURS} most similar documents.",
}


def place_query(
    coords: NDArray, similarities: NDArray, *, k: int = QUERY_NEIGHBOURS
) -> NDArray[np.float64]:
    """The query's ``(2,)`` place: the mean of its ``k`` most similar points, weighted by
    similarity (the similarities above zero; all equally when none is).

    Example:
        >>> place_query(np.array([[0.0, 0], [2, 0], [9, 9]]), np.array([0.9, 0.3, -0.1]), k=2)
        array([0.5, 0. ])
    """
    points = np.asarray(coords, dtype=np.float64)
    scores = np.asarray(similarities, dtype=np.float64)
    if len(points) == 0 or len(points) != len(scores):
        raise ValueError(
            f"Got {len(points)} points and {len(scores)} similarities; give one of each per "
            "document, at least one."
        )
    nearest = np.argsort(-scores, kind="stable")[: max(1, k)]
    weights = np.clip(scores[nearest], 0.0, None)
    if weights.sum() <= 0:
        weights = np.ones(len(nearest))
    return (points[nearest] * weights[:, None]).sum(axis=0) / weights.sum()


def blob_note(explained_variance: tuple[float, ...] | None, *, shown: str = "umap") -> str | None:
    """What the page says when PCA's first two components hold under :data:`PCA_BLOB_SHARE`.

    ``shown`` is what the map shows: ``"umap"`` (the page turned to UMAP), ``"pca-first"``
    (PCA while UMAP computes) or ``"pca"`` (PCA was chosen).

    Example:
        >>> blob_note((0.04, 0.03))[:60]
        'PCA at 4% / 3% of the variance is a blob: its first two comp'
        >>> blob_note((0.04, 0.03), shown="pca").split(", ")[-1]
        'choosing UMAP above keeps neighbourhoods instead.'
        >>> blob_note((0.3, 0.1)) is None
        True
    """
    if explained_variance is None or sum(explained_variance[:2]) >= PCA_BLOB_SHARE:
        return None
    first, second = explained_variance[:2]
    then = {
        "umap": "so the map shows UMAP, which keeps neighbourhoods instead.",
        "pca-first": "UMAP, which keeps neighbourhoods instead, replaces it when ready.",
        "pca": "choosing UMAP above keeps neighbourhoods instead.",
    }
    if shown not in then:
        raise ValueError(f"shown must be one of {', '.join(then)}; got {shown!r}.")
    return (
        f"PCA at {first:.0%} / {second:.0%} of the variance is a blob: its first two "
        f"components hold little of what tells these documents apart, {then[shown]}"
    )


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
        method: the map's projection (``"pca"`` or ``"umap"``).
        placement: how the query was placed, a key of :data:`PLACEMENTS`.
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
    method: str = "pca"
    placement: str = "transform"

    @property
    def placement_text(self) -> str:
        """How the query was placed, in one sentence."""
        return PLACEMENTS[self.placement]


def build_search_map(
    index: SearchIndex,
    query: str,
    hits: list[Hit],
    *,
    topics: list[str] | None = None,
    projection: Projection | None = None,
) -> SearchMap:
    """Place the corpus and the query on one map, with the query's top hits.

    Args:
        index: the prepared corpus (its fitted projection is reused across queries).
        query: the query text.
        hits: the hits to join to the query (semantic ones, from :func:`explorer.documents.search`).
        topics: one label per document, to colour the points, or ``None``.
        projection: a map of the corpus (e.g. UMAP's); default: the index's PCA.

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
    fitted = index.projection if projection is None else projection
    if len(fitted.coords) != len(index):
        raise ValueError(
            f"The map has {len(fitted.coords)} points for {len(index)} documents; "
            "project this corpus's vectors."
        )
    query_vector = index.query_vector(query)
    similarities = index.similarities(query_vector)
    if fitted.mean is not None and fitted.components is not None:
        placement, query_coords = "transform", fitted.transform(query_vector)[0]
    else:
        placement, query_coords = "neighbours", place_query(fitted.coords, similarities)
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
        method=fitted.method,
        placement=placement,
    )
