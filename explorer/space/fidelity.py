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

Every projection method scored on the same phrases, and PCA's variance per
component: :mod:`explorer.space.methods`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from explorer.config import (
    FIDELITY_K,
    FIDELITY_MIN_PHRASES,
    METRICS,
)
from explorer.space.distances import distances, nearest_neighbors

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
#: What :attr:`Fidelity.false_count` and :attr:`Fidelity.torn_count` count, for the page.
NEIGHBOUR_COUNT_NOTE = (
    "Counted in pairs of phrases, one line each: a pair that is a false (or torn) "
    "neighbour from both ends counts once, on the map and in the table."
)


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

    @property
    def false_count(self) -> int:
        """How many pairs of phrases are false neighbours (a pair found from both ends
        counts once): the lines the map draws, the number the page shows everywhere."""
        return len(self.false_lines)

    @property
    def torn_count(self) -> int:
        """How many pairs of phrases are torn neighbours, each pair once (see :attr:`false_count`).

        Example:
            >>> line = [[0.0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [6, 0]]
            >>> shuffled = [[0.0, 0], [6, 0], [2, 0], [4, 0], [1, 0], [5, 0], [3, 0]]
            >>> f = fidelity(line, shuffled, k=2)
            >>> f.false_count == len(f.false_lines) <= len(f.false_neighbours)
            True
        """
        return len(self.torn_lines)

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


def finite_rows(values: NDArray, name: str) -> NDArray[np.float64]:
    """``values`` as a float 2-D array; ``name`` says what they are in the error.

    Example:
        >>> finite_rows([[0, 1]], "Vectors").dtype
        dtype('float64')
        >>> finite_rows([0, 1], "Vectors")
        Traceback (most recent call last):
        ...
        ValueError: Vectors must be a 2-D array (points, dimensions), got shape (2,).
    """
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


def spearman_rho(a: NDArray, b: NDArray) -> float | None:
    """Spearman rank correlation of two equal-length 1-D arrays, ``None`` when either is
    constant (every value tied: no order to compare).

    Example:
        >>> spearman_rho(np.array([1.0, 2, 3]), np.array([1.0, 3, 2]))
        0.5
        >>> spearman_rho(np.array([1.0, 1, 1]), np.array([1.0, 2, 3])) is None
        True
    """
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
    array = finite_rows(vectors, "Vectors")
    coords = finite_rows(coords_2d, "Coordinates")
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
    spearman = spearman_rho(_condensed(true_ranking), _condensed(map_ranking))
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
