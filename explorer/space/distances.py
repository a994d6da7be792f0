"""Distances between vectors, and who is nearest to whom."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from explorer.config import METRICS


def distances(vectors: NDArray, *, metric: str = "euclidean") -> NDArray[np.float64]:
    """All pairwise distances, an ``(n, n)`` symmetric matrix with a zero diagonal.

    Args:
        vectors: ``(n, d)`` array.
        metric: ``"euclidean"`` (straight-line distance) or ``"cosine"``
            (1 - cosine similarity: 0 same direction, 1 unrelated, 2 opposite).

    Example:
        >>> distances([[0, 0], [3, 4]]).tolist()
        [[0.0, 5.0], [5.0, 0.0]]
        >>> distances([[1, 0], [0, 1]], metric="cosine").round(2).tolist()
        [[0.0, 1.0], [1.0, 0.0]]
    """
    if metric not in METRICS:
        raise ValueError(f"Unknown metric {metric!r}; choose one of {', '.join(METRICS)}.")
    array = np.asarray(vectors, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"Expected a 2-D array (n, d), got shape {array.shape}.")
    if metric == "euclidean":
        squared = (array**2).sum(axis=1)
        gram = array @ array.T
        result = np.sqrt(np.clip(squared[:, None] + squared[None, :] - 2 * gram, 0, None))
    else:
        norms = np.linalg.norm(array, axis=1)
        if (norms == 0).any():
            raise ValueError("Cosine distance is undefined for an all-zero vector.")
        unit = array / norms[:, None]
        result = np.clip(1.0 - unit @ unit.T, 0.0, 2.0)
    result = (result + result.T) / 2  # exact symmetry despite rounding
    np.fill_diagonal(result, 0.0)
    return result


def nearest_neighbors(matrix: NDArray, index: int, *, k: int | None = None) -> list[int]:
    """Indices of the others ordered from nearest to farthest from ``index``.

    Ties keep input order. ``k`` limits the list.

    Example:
        >>> nearest_neighbors(distances([[0, 0], [5, 0], [1, 0]]), 0)
        [2, 1]
    """
    row = np.asarray(matrix)[index]
    order = [int(i) for i in np.argsort(row, kind="stable") if i != index]
    return order if k is None else order[:k]


def nearest(matrix: NDArray) -> NDArray[np.int64]:
    """For each row, the index of its nearest other point (-1 when alone).

    Example:
        >>> nearest(distances([[0, 0], [1, 0], [5, 0]])).tolist()
        [1, 0, 1]
    """
    array = np.asarray(matrix, dtype=np.float64)
    if len(array) < 2:
        return np.full(len(array), -1, dtype=np.int64)
    masked = array + np.diag(np.full(len(array), np.inf))
    return masked.argmin(axis=1).astype(np.int64)


@dataclass(frozen=True)
class NearestAnswer:
    """The article's question for one phrase: which other phrase is nearest?

    Attributes:
        index: the phrase asked about.
        nearest: the nearest other phrase.
        distance: distance to it.
        runner_up: the second-nearest phrase, or ``None`` with only two phrases.
        runner_up_distance: distance to the runner-up, or ``None``.
    """

    index: int
    nearest: int
    distance: float
    runner_up: int | None
    runner_up_distance: float | None

    @property
    def ratio(self) -> float | None:
        """How many times farther the runner-up is than the nearest."""
        if self.runner_up_distance is None or self.distance <= 0:
            return None
        return self.runner_up_distance / self.distance


def nearest_answer(matrix: NDArray, index: int) -> NearestAnswer | None:
    """Answer "which phrase is nearest to phrase ``index``, and by how much?".

    Returns ``None`` when there is no other phrase.

    Example:
        >>> answer = nearest_answer(distances([[0, 0], [1, 0], [3, 0]]), 0)
        >>> (answer.nearest, answer.distance, answer.runner_up, answer.ratio)
        (1, 1.0, 2, 3.0)
    """
    order = nearest_neighbors(matrix, index)
    if not order:
        return None
    row = np.asarray(matrix)[index]
    runner_up = order[1] if len(order) > 1 else None
    return NearestAnswer(
        index=index,
        nearest=order[0],
        distance=float(row[order[0]]),
        runner_up=runner_up,
        runner_up_distance=None if runner_up is None else float(row[runner_up]),
    )


def unit_rows(vectors: NDArray) -> NDArray[np.float32]:
    """Rows scaled to length 1 (all-zero rows stay zero), float32.

    Example:
        >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
        [[0.6000000238418579, 0.800000011920929], [0.0, 0.0]]
    """
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.divide(array, norms, out=np.zeros_like(array), where=norms > 0)
