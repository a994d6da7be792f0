"""The article's example measured by the models: every number computed, every claim backed."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.models.toy import ToyEmbedder, ToyWeights
from explorer.presets import ARTICLE_PHRASES
from explorer.space.article import ARTICLE_DRAWN, FORMAL_REWRITE, article_callout


@pytest.fixture(scope="module")
def callout(toy, minilm):
    return article_callout(toy=toy, real=minilm)


def test_numbers_are_the_models_own(callout, toy, minilm) -> None:
    places = toy.encode([*ARTICLE_PHRASES, FORMAL_REWRITE]).astype(float)
    assert np.allclose(callout.coords, places[:3])
    assert callout.both[0] == pytest.approx(np.linalg.norm(places[2] - places[0]))
    assert callout.both[1] == pytest.approx(np.linalg.norm(places[2] - places[1]))
    assert callout.tone == pytest.approx(
        (abs(places[2, 1] - places[0, 1]), abs(places[2, 1] - places[1, 1]))
    )
    vectors = minilm.encode(ARTICLE_PHRASES)
    assert callout.real_similarity == pytest.approx(
        (float(vectors[2] @ vectors[0]), float(vectors[2] @ vectors[1])), abs=1e-5
    )


def test_the_story_the_numbers_tell(callout) -> None:
    lines = callout.lines()
    assert lines[0] == (
        f"The article drew phrase 3 nearer phrase 1 (d={ARTICLE_DRAWN[0]:.2f}) than "
        f"phrase 2 (d={ARTICLE_DRAWN[1]:.2f})."
    )
    # The trained model: casual, nearer phrase 2 on both axes; formal rewrite moves right;
    # on tone only nearer phrase 1; the real model: all within random pairs.
    assert "casual and negative. On both axes it is nearer phrase 2" in lines[1]
    assert f"d={callout.both[0]:.2f} to phrase 1, d={callout.both[1]:.2f} to phrase 2" in lines[1]
    assert callout.formal[0] > callout.coords[2, 0]
    assert lines[2].startswith("Why: its wording is casual.")
    assert f"{callout.formal[0] - callout.coords[2, 0]:.2f} further right" in lines[2]
    assert lines[3].startswith("On tone only (negative → positive), phrase 3 is nearest phrase 1")
    assert "as the article argues" in lines[3]
    assert max(callout.real_similarity) < callout.random_similarity
    assert "within the range of random phrase pairs" in lines[4]


def test_callout_follows_the_toy_weights(monkeypatch, minilm, callout) -> None:
    # Shift every toy output right and up: the callout's numbers must follow.
    predict = ToyWeights.predict

    def shifted(self, features):
        return np.clip(predict(self, features) + np.array([0.5, 0.3]), -1, 1)

    monkeypatch.setattr(ToyWeights, "predict", shifted)
    moved = article_callout(toy=ToyEmbedder(minilm), real=minilm)
    expected = np.clip(callout.coords + np.array([0.5, 0.3]), -1, 1)
    assert np.allclose(moved.coords, expected, atol=1e-5)
    assert f"({expected[2, 0]:+.2f}, {expected[2, 1]:+.2f})" in moved.lines()[1]
    assert moved.tone != pytest.approx(callout.tone) or moved.both != pytest.approx(callout.both)


def test_claims_change_when_the_numbers_do(monkeypatch, minilm) -> None:
    # A toy model that puts every phrase at the same x and opposite tones:
    # the callout must not claim the formal rewrite moves right, nor agree with the article.
    def flat(self, features):
        n = len(features)
        return np.column_stack([np.zeros(n), np.where(np.arange(n) % 2 == 0, -0.5, 0.5)])

    monkeypatch.setattr(ToyWeights, "predict", flat)
    lines = article_callout(toy=ToyEmbedder(minilm), real=minilm).lines()
    assert "no further right" in lines[2]
    assert "here the wording does not explain" in lines[2]
