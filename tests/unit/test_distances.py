from __future__ import annotations

import numpy as np
import pytest

from explorer.space.distances import distances, nearest, nearest_answer, nearest_neighbors


def test_euclidean_matches_hand_computed_values() -> None:
    matrix = distances([[0, 0], [3, 4], [6, 8]])
    assert matrix.tolist() == [[0, 5, 10], [5, 0, 5], [10, 5, 0]]


def test_cosine_is_one_minus_cosine_similarity() -> None:
    matrix = distances([[1, 0], [0, 2], [-3, 0], [1, 1]], metric="cosine")
    assert matrix[0, 1] == pytest.approx(1.0)
    assert matrix[0, 2] == pytest.approx(2.0)
    assert matrix[0, 3] == pytest.approx(1 - np.sqrt(0.5))
    assert np.allclose(matrix, matrix.T)
    assert np.all(np.diag(matrix) == 0)


def test_unknown_metric_and_zero_vectors_are_refused() -> None:
    with pytest.raises(
        ValueError, match="Unknown metric 'manhattan'; choose one of euclidean, cosine"
    ):
        distances([[0, 1]], metric="manhattan")
    with pytest.raises(ValueError, match="undefined for an all-zero vector"):
        distances([[0, 0], [1, 1]], metric="cosine")


def test_nearest_helpers() -> None:
    matrix = distances([[0, 0], [1, 0], [3, 0], [10, 0]])
    assert nearest(matrix).tolist() == [1, 0, 1, 2]
    assert nearest_neighbors(matrix, 2) == [1, 0, 3]
    assert nearest_neighbors(matrix, 2, k=1) == [1]
    assert nearest(distances([[1, 1]])).tolist() == [-1]


def test_nearest_answer_says_by_how_much() -> None:
    answer = nearest_answer(distances([[0, 0], [0, 2], [0, 5]]), 2)
    assert (answer.nearest, answer.distance) == (1, 3.0)
    assert (answer.runner_up, answer.runner_up_distance) == (0, 5.0)
    assert answer.ratio == pytest.approx(5 / 3)
    assert nearest_answer(distances([[0, 0]]), 0) is None
    two = nearest_answer(distances([[0, 0], [1, 1]]), 0)
    assert two.runner_up is None and two.ratio is None
