"""How much a 2-D map distorts the space it was drawn from.

A projection keeps some distances and breaks others. These measures say how
much, comparing distances in the model's own space (all its dimensions) with
Euclidean distances between the points as drawn:

- the rank correlation (Spearman) of all pairwise distances, drawn in a
  Shepard diagram: do farther pairs stay farther?
- trustworthiness: are the neighbours you see on the map true neighbours?
- continuity: do true neighbours stay neighbours on the map?
- k-NN recall: the share of each point's true k nearest that are also its k
  nearest on the map;
- false neighbours (close on the map, not truly near) and torn neighbours
  (truly nearest, far apart on the map), as pairs to draw as lines.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from explorer.config import (
    FIDELITY_K,
    FIDELITY_MIN_PHRASES,
    FIDELITY_TIE,
    METHODS,
    METRICS,
    VARIANCE_SHARES,
)
from explorer.space.distances import distances, nearest_neighbors
from explorer.space.projection import Projection, compute_projection

#: What each score means, in one line (``{k}`` is the neighbourhood size).
SCORE_EXPLANATIONS = {
    "spearman": "1 = the farther apart two phrases truly are, the farther apart they are "
    "drawn, for every pair; 0 = drawn distances say nothing about true ones.",
    "trustworthiness": "1 = every phrase's {k} nearest on the map are among its true nearest; "
    "about 0.5 = no better than scattering the points at random.",
    "continuity": "1 = every phrase's {k} true nearest are drawn among its nearest on the "
    "map; lower = the map tears true neighbours apart.",
    "knn_recall": "The share of each phrase's {k} true nearest neighbours that are also its "
    "{k} nearest on the map (1 = all of them).",
}


@dataclass(frozen=True)
class Fidelity:
    """How faithfully 2-D coordinates keep the distances of the full vectors.

    Attributes:
        n: number of points.
        dim: dimensions of the full vectors.
        metric: how true distances were measured (map distances are Euclidean).
        k: neighbourhood size used by every neighbour score (may be smaller
            than ``k_requested`` on few points, see ``notes``).
        k_requested: the ``k`` asked for.
        pairs: ``(m, 2)`` index pairs ``i < j``, one per pair of points.
        true_distances: ``(m,)`` distance of each pair in all ``dim`` dimensions.
        map_distances: ``(m,)`` Euclidean distance of each pair as drawn in 2-D.
        spearman: rank correlation of the two, or ``None`` where undefined
            (all pairs equally far apart in one of the spaces).
        trustworthiness: in [0, 1]; 1 = no false neighbours on the map.
        continuity: in [0, 1]; 1 = no true neighbours torn apart.
        knn_recall: mean of ``recall_per_point``.
        recall_per_point: ``(n,)`` share of each point's true k nearest that
            are among its k nearest on the map.
        false_neighbours: pairs ``(i, j)``: j is among i's k nearest on the
            map but not among its true k nearest.
        torn_neighbours: pairs ``(i, j)``: j is i's true nearest neighbour
            but not among its k nearest on the map.
        notes: sentences for the user (k shrunk, undefined correlation).
    """

    n: int
    dim: int
    metric: str
    k: int
    k_requested: int
    pairs: NDArray[np.int64]
    true_distances: NDArray[np.float64]
    map_distances: NDArray[np.float64]
    spearman: float | None
    trustworthiness: float
    continuity: float
    knn_recall: float
    recall_per_point: NDArray[np.float64]
    false_neighbours: tuple[tuple[int, int], ...]
    torn_neighbours: tuple[tuple[int, int], ...]
    notes: tuple[str, ...] = ()

    @property
    def true_space(self) -> str:
        """Where true distances are measured, in words."""
        return f"{METRICS[self.metric].lower()} distance in all {self.dim} dimensions"

    @property
    def false_lines(self) -> list[tuple[int, int]]:
        """False neighbours as lines to draw: each unordered pair once, ``i < j``."""
        return _unordered(self.false_neighbours)

    @property
    def torn_lines(self) -> list[tuple[int, int]]:
        """Torn neighbours as lines to draw: each unordered pair once, ``i < j``."""
        return _unordered(self.torn_neighbours)

    def scores(self) -> dict[str, float | None]:
        """The four scores by name (keys of :data:`SCORE_EXPLANATIONS`)."""
        return {
            "spearman": self.spearman,
            "trustworthiness": self.trustworthiness,
            "continuity": self.continuity,
            "knn_recall": self.knn_recall,
        }

    def explanation(self, score: str) -> str:
        """One plain-English line on what ``score`` measures, with this ``k``."""
        return SCORE_EXPLANATIONS[score].format(k=self.k)


def _unordered(pairs: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    return list(dict.fromkeys((min(i, j), max(i, j)) for i, j in pairs))


def _as_array(values: NDArray, name: str) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array (points, dimensions), got shape {array.shape}."
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contain NaN or infinite values; fidelity cannot be measured.")
    return array


def _condensed(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    upper = np.triu_indices(len(matrix), k=1)
    return matrix[upper]


def _for_ranking(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    # Distances equal up to float rounding (a rotation changes the last bits)
    # must tie in both spaces, or a perfect map would rank pairs differently.
    scale = float(matrix.max())
    return np.round(matrix / scale, 9) if scale > 0 else matrix


def _knn(matrix: NDArray[np.float64], k: int) -> list[list[int]]:
    return [nearest_neighbors(matrix, i, k=k) for i in range(len(matrix))]


def _rank_correlation(a: NDArray[np.float64], b: NDArray[np.float64]) -> float | None:
    if np.ptp(a) <= 1e-12 or np.ptp(b) <= 1e-12:
        return None
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


def fidelity(
    vectors: NDArray,
    coords_2d: NDArray,
    *,
    k: int = FIDELITY_K,
    metric: str = "euclidean",
) -> Fidelity:
    """Measure how faithfully ``coords_2d`` draws ``vectors``.

    Args:
        vectors: ``(n, d)`` array, one row per phrase, in the model's space.
        coords_2d: ``(n, 2)`` coordinates of the same phrases on the map.
        k: neighbourhood size. Trustworthiness needs ``k < n / 2``, so a
            larger ``k`` is shrunk for every score, with a note saying so.
        metric: ``"euclidean"`` or ``"cosine"`` for the true distances; map
            distances are always Euclidean, as the eye reads them.

    Returns:
        A :class:`Fidelity`.

    Raises:
        ValueError: fewer than 3 points, mismatched shapes, a bad ``k`` or
            metric, non-finite values (or a zero vector with cosine).

    Example:
        >>> square = [[0, 0], [1, 0], [0, 1], [1, 1], [5, 5], [6, 5], [5, 6]]
        >>> perfect = fidelity(square, square, k=2)
        >>> round(perfect.spearman, 6), perfect.trustworthiness, perfect.knn_recall
        (1.0, 1.0, 1.0)
        >>> fidelity(square[:4], square[:4]).notes[0]  # doctest: +ELLIPSIS
        'With 4 phrases the scores use k=1 neighbours, not 5: k must be below half the...'
    """
    if metric not in METRICS:
        raise ValueError(f"Unknown metric {metric!r}; choose one of {', '.join(METRICS)}.")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a whole number of neighbours, at least 1; got {k!r}.")
    array = _as_array(vectors, "Vectors")
    coords = _as_array(coords_2d, "Coordinates")
    n = array.shape[0]
    if coords.shape != (n, 2):
        raise ValueError(
            f"Coordinates must have shape ({n}, 2), one 2-D point per vector; got {coords.shape}."
        )
    if n < FIDELITY_MIN_PHRASES:
        raise ValueError(
            f"Fidelity needs at least {FIDELITY_MIN_PHRASES} phrases, got {n}; add phrases."
        )

    notes: list[str] = []
    k_used = min(int(k), (n - 1) // 2)  # the largest k with k < n / 2
    if k_used < k:
        notes.append(
            f"With {n} phrases the scores use k={k_used} neighbours, not {k}: "
            "k must be below half the number of phrases."
        )

    true_matrix = distances(array, metric=metric)
    map_matrix = distances(coords)
    pairs = np.column_stack(np.triu_indices(n, k=1)).astype(np.int64)
    true_ranking, map_ranking = _for_ranking(true_matrix), _for_ranking(map_matrix)
    spearman = _rank_correlation(_condensed(true_ranking), _condensed(map_ranking))
    if spearman is None:
        notes.append(
            "Every pair is equally far apart in one of the two spaces, "
            "so the rank correlation is undefined."
        )

    from sklearn.manifold import trustworthiness

    # Continuity is trustworthiness with the roles swapped: the map becomes the
    # "input" and the full vectors the "embedding", whose neighbours sklearn
    # finds by Euclidean distance; on unit vectors that ranks as cosine does.
    full = array
    if metric == "cosine":
        full = array / np.linalg.norm(array, axis=1, keepdims=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trust = float(
            trustworthiness(true_ranking, coords, n_neighbors=k_used, metric="precomputed")
        )
        continuity = float(
            trustworthiness(map_ranking, full, n_neighbors=k_used, metric="precomputed")
        )

    true_knn, map_knn = _knn(true_ranking, k_used), _knn(map_ranking, k_used)
    recall = np.array(
        [len(set(t) & set(m)) / k_used for t, m in zip(true_knn, map_knn, strict=True)]
    )
    false_neighbours = tuple(
        (i, j) for i in range(n) for j in map_knn[i] if j not in set(true_knn[i])
    )
    torn_neighbours = tuple(
        (i, true_knn[i][0]) for i in range(n) if true_knn[i][0] not in set(map_knn[i])
    )
    return Fidelity(
        n=n,
        dim=array.shape[1],
        metric=metric,
        k=k_used,
        k_requested=int(k),
        pairs=pairs,
        true_distances=_condensed(true_matrix),
        map_distances=_condensed(map_matrix),
        spearman=spearman,
        trustworthiness=trust,
        continuity=continuity,
        knn_recall=float(recall.mean()),
        recall_per_point=recall,
        false_neighbours=false_neighbours,
        torn_neighbours=torn_neighbours,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class MethodResult:
    """One projection method's map of the phrases and its fidelity.

    Attributes:
        method: the method asked for (``"pca"``, ``"umap"``, ``"tsne"``).
        projection: the map; ``projection.method`` is ``"pca"`` and
            ``projection.notice`` says why when too few phrases forced PCA.
        fidelity: the scores of that map.
    """

    method: str
    projection: Projection
    fidelity: Fidelity

    @property
    def fell_back(self) -> bool:
        """Whether PCA was drawn instead of the method asked for."""
        return self.projection.method != self.method

    @property
    def local_score(self) -> float:
        """Mean of trustworthiness, continuity and k-NN recall: how well neighbourhoods survive."""
        f = self.fidelity
        return (f.trustworthiness + f.continuity + f.knn_recall) / 3


@dataclass(frozen=True)
class MethodComparison:
    """Several projections of the same vectors, scored the same way."""

    results: tuple[MethodResult, ...]

    def result(self, method: str) -> MethodResult:
        """The result for ``method``; ValueError if it was not compared."""
        for result in self.results:
            if result.method == method:
                return result
        compared = ", ".join(r.method for r in self.results)
        raise ValueError(f"{method!r} was not compared; the comparison has {compared}.")

    def table(self) -> pd.DataFrame:
        """One row per method: what was drawn and every score.

        Example:
            >>> plane = [[0, 0, 0], [1, 0, 1], [0, 2, 2], [3, 1, 4], [1, 3, 4], [4, 4, 8]]
            >>> table = compare_methods(plane, methods=("pca",), k=2).table()
            >>> list(table.columns)[:3]
            ['method', 'drawn with', 'rank correlation']
        """
        rows = []
        for r in self.results:
            f = r.fidelity
            rows.append(
                {
                    "method": METHODS[r.method],
                    "drawn with": METHODS.get(r.projection.method, r.projection.method)
                    + (" (too few phrases)" if r.fell_back else ""),
                    "rank correlation": f.spearman,
                    "trustworthiness": f.trustworthiness,
                    "continuity": f.continuity,
                    f"{f.k}-NN recall": f.knn_recall,
                    "false neighbours": len(f.false_neighbours),
                    "torn neighbours": len(f.torn_neighbours),
                }
            )
        return pd.DataFrame(rows)

    def verdict(self) -> str:
        """One Markdown sentence or two: which picture to trust for these phrases, and for what.

        Methods that fell back to PCA are left out: their picture is PCA's.
        """
        candidates = [r for r in self.results if not r.fell_back] or list(self.results[:1])
        by_local = sorted(candidates, key=lambda r: r.local_score, reverse=True)
        best_local = by_local[0]
        f = best_local.fidelity
        numbers = (
            f"trustworthiness {f.trustworthiness:.2f}, continuity {f.continuity:.2f}, "
            f"{f.k}-NN recall {f.knn_recall:.2f}"
        )
        rho = f"rank correlation {f.spearman:.2f}" if f.spearman is not None else ""
        if len(candidates) == 1:
            left_out = [METHODS[r.method] for r in self.results if r is not best_local]
            why = f" ({' and '.join(left_out)} fell back to it)" if left_out else ""
            return (
                f"Only **{METHODS[best_local.method]}** drew these phrases{why}: "
                f"{numbers}{', ' + rho if rho else ''}."
            )
        ties = [r for r in by_local[1:] if best_local.local_score - r.local_score < FIDELITY_TIE]
        kept = f"it keeps neighbourhoods best ({numbers})"
        if ties:
            kept += ", " + " and ".join(f"**{METHODS[r.method]}**" for r in ties) + " about as well"
        name = f"**{METHODS[best_local.method]}**"
        defined = [r for r in candidates if r.fidelity.spearman is not None]
        if not defined:
            return (
                f"For these phrases, trust {name} for who is near whom: {kept}. No map keeps "
                "an order of distances: every pair is equally far apart in one of the spaces."
            )
        best_global = max(defined, key=lambda r: r.fidelity.spearman or 0.0)
        global_rho = f"rank correlation {best_global.fidelity.spearman:.2f}"
        if best_global is best_local:
            return (
                f"For these phrases, trust {name}'s picture: {kept}, "
                f"and the order of all distances too ({global_rho})."
            )
        return (
            f"For these phrases, trust {name} for who is near whom: {kept}. "
            f"Trust **{METHODS[best_global.method]}** for what is far from what: it keeps "
            f"the order of all distances best ({global_rho})."
        )


def compare_methods(
    vectors: NDArray,
    *,
    methods: tuple[str, ...] = tuple(METHODS),
    k: int = FIDELITY_K,
    metric: str = "euclidean",
    random_state: int = 0,
) -> MethodComparison:
    """Project the same vectors with each method and score every map.

    Args:
        vectors: ``(n, d)`` array, at least 3 rows.
        methods: projection methods to compare, in order.
        k: neighbourhood size for the scores (see :func:`fidelity`).
        metric: true-distance metric; UMAP and t-SNE also keep this one.
        random_state: seed for UMAP and t-SNE.

    Raises:
        ValueError: an unknown or repeated method, or any error of :func:`fidelity`.

    Example:
        >>> plane = [[0, 0, 0], [1, 0, 1], [0, 2, 2], [3, 1, 4], [1, 3, 4], [4, 4, 8]]
        >>> result = compare_methods(plane, methods=("pca",), k=2).result("pca")
        >>> round(result.fidelity.spearman, 6), result.fidelity.trustworthiness
        (1.0, 1.0)
    """
    if not methods:
        raise ValueError(f"Give at least one method to compare, from {', '.join(METHODS)}.")
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(
            f"Unknown projection method {unknown[0]!r}; choose from {', '.join(METHODS)}."
        )
    if len(set(methods)) != len(methods):
        raise ValueError(f"Each method once, please; got {', '.join(methods)}.")
    array = _as_array(vectors, "Vectors")
    if array.shape[0] < FIDELITY_MIN_PHRASES:
        raise ValueError(
            f"Fidelity needs at least {FIDELITY_MIN_PHRASES} phrases, "
            f"got {array.shape[0]}; add phrases."
        )
    results = []
    for method in methods:
        projection = compute_projection(
            array, method=method, metric=metric, random_state=random_state
        )
        results.append(
            MethodResult(
                method=method,
                projection=projection,
                fidelity=fidelity(array, projection.coords, k=k, metric=metric),
            )
        )
    return MethodComparison(results=tuple(results))


@dataclass(frozen=True)
class PcaVariance:
    """How the variance of a set of vectors spreads over PCA components.

    Attributes:
        ratios: share of the total variance per component, largest first
            (at most ``min(n - 1, dim)`` components carry any).
        cumulative: running sum of ``ratios``.
        n: number of vectors; ``dim`` their dimensions.
    """

    ratios: NDArray[np.float64]
    cumulative: NDArray[np.float64]
    n: int
    dim: int

    @property
    def max_components(self) -> int:
        """Components that can carry variance: fewer than the phrases, at most ``dim``."""
        return len(self.ratios)

    def components_for(self, share: float) -> int:
        """Fewest components whose variance adds up to ``share`` of the total.

        Example:
            >>> pca_variance([[0, 0, 0], [2, 0, 0], [0, 1, 0], [2, 1, 0]]).components_for(0.5)
            1
        """
        if not 0 < share <= 1:
            raise ValueError(f"share must be in (0, 1], got {share}.")
        return int(np.searchsorted(self.cumulative, share - 1e-12) + 1)

    def shares(self) -> dict[float, int]:
        """``{share: components needed}`` for each of ``VARIANCE_SHARES`` (50% and 90%)."""
        return {share: self.components_for(share) for share in VARIANCE_SHARES}


def pca_variance(vectors: NDArray) -> PcaVariance:
    """Explained variance per PCA component of ``vectors``.

    Raises:
        ValueError: fewer than 2 distinct vectors, or non-finite values.

    Example:
        >>> variance = pca_variance([[0, 0, 0], [2, 0, 0], [0, 1, 0], [2, 1, 0]])
        >>> variance.ratios.round(2).tolist(), variance.shares()
        ([0.8, 0.2], {0.5: 1, 0.9: 2})
    """
    array = _as_array(vectors, "Vectors")
    n, dim = array.shape
    centered = array - array.mean(axis=0)
    singular = np.linalg.svd(centered, compute_uv=False)
    variance = singular**2
    total = float(variance.sum())
    if n < 2 or total <= 1e-12:
        found = "got 1" if n == 1 else f"all {n} have the same vector"
        raise ValueError(
            f"PCA variance needs at least 2 different phrases, {found}; add a different phrase."
        )
    ratios = variance / total
    ratios = ratios[ratios > 1e-12]
    return PcaVariance(ratios=ratios, cumulative=np.cumsum(ratios), n=n, dim=dim)
