"""The toy model: the article's layout, its spread, and its accuracy on held-out phrases."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.models.toy import TRAINING_SET, VALIDATION_SET, load_labelled
from explorer.models.toy_train import (
    cross_validated_predictions,
    features,
    fit_heads,
    quadrant_accuracy,
)


@pytest.fixture(scope="module")
def training(minilm):
    data = load_labelled(TRAINING_SET)
    return data, features(minilm, data.texts)


@pytest.fixture(scope="module")
def validation(minilm):
    data = load_labelled(VALIDATION_SET)
    return data, features(minilm, data.texts)


def test_training_set_is_large_balanced_and_varied(training) -> None:
    data, _ = training
    labels = data.labels
    assert len(data.texts) >= 400
    assert len(set(data.texts)) == len(data.texts)
    for fx, sy in [(1, 1), (1, -1), (-1, 1), (-1, -1)]:
        assert ((np.sign(labels[:, 0]) == fx) & (np.sign(labels[:, 1]) == sy)).sum() >= 100
    assert (labels == 0).any(axis=1).sum() >= 100
    assert len(set(data.registers)) >= 15


def test_validation_phrases_were_never_trained_on(training, validation) -> None:
    seen = {" ".join(t.lower().split()) for t in training[0].texts}
    assert not [t for t in validation[0].texts if " ".join(t.lower().split()) in seen]


def test_article_phrases_one_and_two_land_in_opposite_corners(toy, article_phrases) -> None:
    (x1, y1), (x2, y2), _ = toy.encode(article_phrases)
    assert x1 > 0.3 and y1 < -0.3  # formal, negative: bottom-right
    assert x2 < -0.3 and y2 > 0.3  # casual, positive: top-left


@pytest.mark.xfail(
    strict=True,
    reason="Known gap: the trained toy model reads phrase 3 as casual (x about -0.65), "
    "so it lands nearer to phrase 2 than to phrase 1, unlike the article's drawing.",
)
def test_article_phrase_three_is_nearer_to_phrase_one(toy, article_phrases) -> None:
    p1, p2, p3 = toy.encode(article_phrases)
    assert np.linalg.norm(p3 - p1) < np.linalg.norm(p3 - p2)


def test_article_phrase_three_is_negative(toy, article_phrases) -> None:
    assert toy.encode(article_phrases)[2][1] < 0


def test_outputs_spread_over_the_square(toy, validation) -> None:
    coords = toy.heads(validation[1])
    assert np.abs(coords[:, 0]).mean() > 0.35 and np.abs(coords[:, 1]).mean() > 0.25
    assert coords[:, 0].min() < -0.8 and coords[:, 0].max() > 0.8
    assert coords[:, 1].min() < -0.8 and coords[:, 1].max() > 0.8
    quadrants = {(np.sign(x), np.sign(y)) for x, y in coords}
    assert quadrants == {(1, 1), (1, -1), (-1, 1), (-1, -1)}


def test_unseen_validation_phrases_land_in_their_quadrant(toy, validation) -> None:
    data, vectors = validation
    # Measured 0.925 on 200 quadrant phrases; axes rank-correlate 0.96 / 0.88.
    assert quadrant_accuracy(toy.heads(vectors), data.labels) >= 0.9


@pytest.fixture(scope="module")
def held_out(training):
    data, vectors = training
    return quadrant_accuracy(cross_validated_predictions(vectors, data.labels), data.labels)


@pytest.mark.slow
def test_cross_validated_quadrant_accuracy(held_out) -> None:
    # Measured 0.911 (5 folds, 3,537 phrases): each fold's model never saw its phrases.
    assert held_out >= 0.9


@pytest.mark.slow
def test_shipped_weights_are_what_the_training_script_fits(toy, training, validation) -> None:
    data, vectors = training
    refit = fit_heads(vectors, data.labels)
    assert np.allclose(refit.predict(validation[1]), toy.heads(validation[1]), atol=2e-3)
