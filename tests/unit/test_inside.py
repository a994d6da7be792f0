"""Inside a vector: heat strips, single-dimension readability, the cosine baseline, figures."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.config import BASELINE_BINS, BASELINE_PAIRS, STRIPS_MAX
from explorer.figures.inside import baseline_figure, heat_strips_figure
from explorer.models.toy import VALIDATION_SET, load_labelled
from explorer.space.distances import distances
from explorer.space.inside import (
    CosineBaseline,
    PairSimilarity,
    cosine_baseline,
    dimension_readability,
    heat_strips,
    pair_similarities,
    reference,
)

TINY = CosineBaseline("minilm", np.array([0.1, 0.2, 0.3, 0.4]), n_phrases=4, seed=0)


# --- heat strips ------------------------------------------------------------


def test_heat_strips_keep_the_raw_values_in_dimension_order(minilm) -> None:
    phrases = ["a cat", "a kitten", "a truck"]
    vectors = minilm.encode(phrases)
    strips = heat_strips(phrases, vectors)
    assert strips.values.shape == (3, 384)
    assert np.array_equal(strips.values, vectors.astype(np.float64))
    assert strips.dims.tolist() == list(range(384))
    assert strips.limit == pytest.approx(float(np.abs(vectors).max()))
    cosine = 1 - distances(vectors, metric="cosine")
    assert np.allclose(strips.similarities, cosine)
    # The point of the strips: the two similar phrases are the most similar pair.
    assert strips.similarities[0, 1] > max(strips.similarities[0, 2], strips.similarities[1, 2])


def test_heat_strips_sorted_by_the_first_phrase_share_one_order() -> None:
    vectors = np.array([[0.3, -0.5, 0.1, 0.0], [1.0, 2.0, 3.0, 4.0]])
    strips = heat_strips(["a", "b"], vectors, order="first")
    assert strips.dims.tolist() == [1, 3, 2, 0]
    assert strips.values[0].tolist() == [-0.5, 0.0, 0.1, 0.3]
    assert strips.values[1].tolist() == [2.0, 4.0, 3.0, 1.0]
    assert strips.limit == 4.0


@pytest.mark.parametrize(
    ("phrases", "vectors", "kwargs", "message"),
    [
        ([], np.zeros((0, 3)), {}, f"1 to {STRIPS_MAX} phrases, got 0"),
        (list("abcd"), np.ones((4, 3)), {}, f"1 to {STRIPS_MAX} phrases, got 4; choose fewer"),
        (["a", "b"], np.ones((3, 3)), {}, r"2 phrases, vectors of shape \(3, 3\)"),
        (["a"], np.ones((1, 3)), {"order": "random"}, "choose one of index, first"),
        (["a"], [[np.inf, 0.0]], {}, "NaN or infinite"),
    ],
)
def test_heat_strips_reject_bad_input(phrases, vectors, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        heat_strips(phrases, vectors, **kwargs)


def test_a_zero_vector_strip_has_no_similarity_but_draws() -> None:
    strips = heat_strips(["a", "b"], [[0.0, 0.0], [1.0, 0.0]])
    assert np.isnan(strips.similarities).all()
    assert strips.limit == 1.0


def test_heat_strips_figure_aligns_rows_on_one_scale_with_escaped_labels() -> None:
    vectors = np.array([[0.3, -0.5, 0.1], [0.2, -0.4, 0.0]])
    strips = heat_strips(["<b>bold</b>", "plain"], vectors, order="first")
    fig = heat_strips_figure(strips).to_dict()
    (heatmap,) = fig["data"]
    assert heatmap["type"] == "heatmap"
    assert heatmap["z"] == [[-0.5, 0.1, 0.3], [-0.4, 0.0, 0.2]]
    assert (heatmap["zmin"], heatmap["zmid"], heatmap["zmax"]) == (-0.5, 0, 0.5)
    assert heatmap["customdata"][0] == [2, 3, 1]  # 1-based dimension numbers, sorted order
    assert heatmap["text"][0][0] == "&lt;b&gt;bold&lt;/b&gt;"
    layout = fig["layout"]
    assert layout["yaxis"]["ticktext"] == ["1. &lt;b&gt;bold&lt;/b&gt;", "2. plain"]
    assert layout["yaxis"]["autorange"] == "reversed"
    assert layout["xaxis"]["title"]["text"] == "the 3 dimensions, sorted by phrase 1's values"
    assert (
        layout["title"]["subtitle"]["text"] == "Cosine similarity (all 3 dimensions): 1 ↔ 2: 0.98"
    )


# --- reference phrases and readability --------------------------------------


def test_reference_is_the_validation_set_cached_and_read_only(minilm) -> None:
    labelled = load_labelled(VALIDATION_SET)
    ref = reference("minilm")
    assert reference("minilm") is ref
    assert list(ref.texts) == labelled.texts
    assert np.array_equal(ref.labels, labelled.labels)
    assert np.allclose(ref.vectors[:3], minilm.encode(labelled.texts[:3]))
    with pytest.raises(ValueError, match="read-only"):
        ref.vectors[0, 0] = 1.0


def test_single_dimensions_read_the_labels_worse_than_the_toy_axes(minilm, toy) -> None:
    readability = dimension_readability("minilm")
    assert dimension_readability("minilm") is readability  # cached
    ref = reference("minilm")
    toy_vectors = toy.encode(list(ref.texts))
    assert (readability.dim, readability.n_phrases) == (384, len(ref.texts))
    for column, row in enumerate(readability.labels):
        assert row.label == ("formality", "sentiment")[column]
        r = np.array(
            [np.corrcoef(ref.vectors[:, d], ref.labels[:, column])[0, 1] for d in range(384)]
        )
        assert row.best_index == int(np.argmax(np.abs(r)))
        assert row.best_r == pytest.approx(r[row.best_index])
        assert row.median_abs_r == pytest.approx(np.median(np.abs(r)))
        toy_r = np.corrcoef(toy_vectors[:, column], ref.labels[:, column])[0, 1]
        assert row.toy_r == pytest.approx(toy_r, abs=1e-6)
        assert abs(row.best_r) < 0.6 < row.toy_r
    assert readability.labels[0].toy_axis == "x (casual → formal)"
    table = readability.table()
    assert table["label"].tolist() == ["formality", "sentiment"]
    assert table.iloc[0, 1] == f"dimension {readability.labels[0].best_index + 1} of 384"
    assert table["toy axis correlation r"].tolist() == [row.toy_r for row in readability.labels]


# --- the cosine baseline ----------------------------------------------------


def test_cosine_baseline_samples_real_pairs_with_a_seed(minilm) -> None:
    baseline = cosine_baseline("minilm")
    assert cosine_baseline("minilm") is baseline
    assert len(baseline.similarities) == BASELINE_PAIRS
    assert np.all(np.diff(baseline.similarities) >= 0)
    ref = reference("minilm")
    all_pairs = (1 - distances(ref.vectors, metric="cosine"))[np.triu_indices(len(ref.texts), 1)]
    assert np.isin(baseline.similarities, all_pairs).all()
    other = cosine_baseline("minilm", seed=1)
    assert not np.array_equal(other.similarities, baseline.similarities)
    # Random pairs of unrelated phrases sit low; near-duplicates would sit near 1.
    assert -0.3 < baseline.quantile(0.5) < 0.3 and baseline.quantile(0.99) < 0.8


def test_cosine_baseline_uses_every_pair_when_asked_for_more(toy) -> None:
    n = len(reference("toy").texts)
    baseline = cosine_baseline("toy", pairs=10**6)
    assert len(baseline.similarities) == n * (n - 1) // 2
    with pytest.raises(ValueError, match="pairs must be at least 1, got 0"):
        cosine_baseline("toy", pairs=0)


def test_percentiles_and_sentences_on_a_hand_made_baseline() -> None:
    assert [TINY.percentile(v) for v in (0.05, 0.1, 0.15, 0.4, 0.41)] == [0, 0, 0.25, 0.75, 1]
    assert TINY.describe(0.62) == "0.62 is higher than all 4 random pairs"
    assert TINY.describe(0.25) == "0.25 is higher than 50% of random pairs"
    assert TINY.describe(-0.5) == "-0.50 is lower than all 4 random pairs"
    many = CosineBaseline("x", np.linspace(0, 1, 1000), n_phrases=50, seed=0)
    assert many.describe(0.9985) == "1.00 is higher than 99% of random pairs"  # never rounds up
    assert many.describe(0.002) == "0.00 is higher than fewer than 1% of random pairs"
    assert TINY.quantile(0.0) == 0.1 and TINY.quantile(1.0) == 0.4


def test_pair_similarities_place_every_pair_on_the_baseline() -> None:
    pairs = pair_similarities([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]], TINY)
    assert [(p.first, p.second) for p in pairs] == [(0, 1), (0, 2), (1, 2)]
    assert [round(p.similarity, 4) for p in pairs] == [0.7071, 0.0, 0.7071]
    assert [p.percentile for p in pairs] == [1.0, 0.0, 1.0]
    assert pair_similarities([[1.0, 0.0]], TINY) == []


def test_baseline_figure_marks_the_users_pairs_with_escaped_names() -> None:
    marks = [PairSimilarity(first=0, second=1, similarity=0.25, percentile=0.5)]
    fig = baseline_figure(TINY, marks, ["<img src=x onerror=alert(1)>", "b"]).to_dict()
    bars, line = fig["data"]
    assert len(bars["x"]) == BASELINE_BINS
    assert sum(bars["y"]) == pytest.approx(100.0)
    assert line["x"] == [0.25, 0.25]
    assert line["name"] == (
        "“&lt;img src=x onerror=alert(1)&gt;” ↔ “b”: 0.25 is higher than 50% of random pairs"
    )
    assert line["meta"] == {"pair": [0, 1], "percentile": 0.5}
    layout = fig["layout"]
    assert layout["xaxis"]["title"]["text"] == "cosine similarity (all dimensions)"
    assert "4 random pairs of 4 reference phrases" in layout["title"]["subtitle"]["text"]
