"""Which picture to trust: every projection method scored on the same phrases, and how
the variance spreads over PCA's components.

Each method's map is scored with :func:`explorer.space.fidelity.fidelity`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from explorer.config import FIDELITY_K, FIDELITY_MIN_PHRASES, FIDELITY_TIE, METHODS, VARIANCE_SHARES
from explorer.space.fidelity import Fidelity, fidelity, finite_rows
from explorer.space.projection import Projection, compute_projection


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
                    "false neighbours": f.false_count,
                    "torn neighbours": f.torn_count,
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
    array = finite_rows(vectors, "Vectors")
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
    array = finite_rows(vectors, "Vectors")
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
