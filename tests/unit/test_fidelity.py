"""Fidelity of 2-D maps: hand-worked cases, perfect and shuffled maps, small inputs, figures."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from explorer.config import FIDELITY_K, METHODS
from explorer.figures.fidelity import (
    FALSE_LINE,
    MAP_AXIS_TITLE,
    SHEPARD_TRACE,
    TORN_LINE,
    methods_figure,
    neighbour_map_figure,
    shepard_figure,
    variance_figure,
)
from explorer.figures.style import POINTS_TRACE
from explorer.phrases import with_phrases
from explorer.presets import TOPIC_PHRASES
from explorer.space.fidelity import fidelity
from explorer.space.methods import MethodComparison, MethodResult, compare_methods, pca_variance
from explorer.space.projection import compute_projection

# Five points on a line (true positions 0, 1, 3, 7, 15), drawn on a 2-D map
# with the points at 3 and 15 swapped. Every number below is worked by hand.
LINE = np.array([[0, 0, 0], [1, 0, 0], [3, 0, 0], [7, 0, 0], [15, 0, 0]], dtype=float)
SWAPPED = np.array([[0, 0], [1, 0], [15, 0], [7, 0], [3, 0]], dtype=float)


def _clusters(n: int = 60, dim: int = 12, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4.0, size=(4, dim))
    return centres[np.arange(n) % 4] + rng.normal(size=(n, dim))


def _traces(fig, prefix: str) -> list[dict]:
    return [t for t in fig.to_dict()["data"] if str(t.get("name", "")).startswith(prefix)]


# --- hand-worked cases -------------------------------------------------------


def test_hand_worked_line_with_k_1() -> None:
    f = fidelity(LINE, SWAPPED, k=1)
    # True nearest: a->b, b->a, c->b, d->c, e->d. On the map: a->b, b->a, c->d, d->e, e->b.
    assert f.recall_per_point.tolist() == [1.0, 1.0, 0.0, 0.0, 0.0]
    assert f.knn_recall == pytest.approx(0.4)
    assert f.false_neighbours == ((2, 3), (3, 4), (4, 1))
    assert f.torn_neighbours == ((2, 1), (3, 2), (4, 3))
    # T = 1 - 2 / (n k (2n - 3k - 1)) * sum(rank - k) = 1 - (2 + 3 + 2) / 15.
    assert f.trustworthiness == pytest.approx(8 / 15)
    assert f.continuity == pytest.approx(8 / 15)
    # Rank differences of the 10 pairs: 0, -7, 0, 7, -7, 0, 7, -3, 0, 3 (sum of squares 214).
    assert f.spearman == pytest.approx(1 - 6 * 214 / (10 * 99))
    assert f.k == 1 and f.notes == ()


def test_hand_worked_line_with_k_2() -> None:
    f = fidelity(LINE, SWAPPED, k=2)
    assert f.recall_per_point.tolist() == [0.5, 0.5, 0.0, 0.5, 0.0]
    assert f.knn_recall == pytest.approx(0.3)
    assert f.false_neighbours == ((0, 4), (1, 4), (2, 3), (2, 4), (3, 4), (4, 1), (4, 0))
    assert f.false_lines == [(0, 4), (1, 4), (2, 3), (2, 4), (3, 4)]  # each pair once
    # a's and b's true nearest stay among their 2 nearest on the map; c's, d's, e's do not.
    assert f.torn_neighbours == ((2, 1), (3, 2), (4, 3))
    assert f.torn_lines == [(1, 2), (2, 3), (3, 4)]


def test_shepard_distances_are_the_pairs_in_both_spaces() -> None:
    f = fidelity(LINE, SWAPPED, k=1)
    assert f.pairs.tolist() == [[0, 1], [0, 2], [0, 3], [0, 4], [1, 2], [1, 3], [1, 4],
                                [2, 3], [2, 4], [3, 4]]  # fmt: skip
    assert f.true_distances.tolist() == [1, 3, 7, 15, 2, 6, 14, 4, 12, 8]
    assert f.map_distances.tolist() == [1, 15, 7, 3, 14, 6, 2, 8, 12, 4]


def test_continuity_differs_from_trustworthiness_when_roles_differ() -> None:
    # The map puts a stranger (e) right beside a and b: a false neighbour, while
    # every true neighbour pair stays close.
    vectors = [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [20, 0]]
    coords = [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [0.5, 0.2]]
    f = fidelity(vectors, coords, k=2)
    assert f.trustworthiness < 1.0
    assert f.continuity != pytest.approx(f.trustworthiness)


# --- perfect and shuffled maps ----------------------------------------------


def test_a_2d_input_drawn_as_itself_scores_one() -> None:
    points = np.random.default_rng(1).normal(size=(30, 2))
    f = fidelity(points, points)
    assert f.spearman == pytest.approx(1.0)
    assert (f.trustworthiness, f.continuity, f.knn_recall) == (1.0, 1.0, 1.0)
    assert f.false_neighbours == () and f.torn_neighbours == ()


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_vectors_in_a_plane_drawn_by_pca_score_one(metric: str) -> None:
    rng = np.random.default_rng(2)
    basis, _ = np.linalg.qr(rng.normal(size=(384, 2)))
    plane = rng.normal(size=(25, 2)) @ basis.T  # 25 points in a 2-D plane of 384-d space
    if metric == "cosine":  # unit vectors: chord length on the circle ranks as cosine does
        plane /= np.linalg.norm(plane, axis=1, keepdims=True)
    coords = compute_projection(plane).coords * 3.0  # a rotation, then a zoom
    f = fidelity(plane, coords, metric=metric)
    assert f.spearman == pytest.approx(1.0)
    assert f.knn_recall == 1.0
    assert f.trustworthiness == pytest.approx(1.0)
    assert f.continuity == pytest.approx(1.0)


def test_shuffled_coordinates_score_low() -> None:
    vectors = _clusters()
    coords = compute_projection(vectors).coords
    good = fidelity(vectors, coords)
    shuffled = coords[np.random.default_rng(3).permutation(len(coords))]
    bad = fidelity(vectors, shuffled)
    assert good.trustworthiness > 0.9 and good.knn_recall > 0.4
    assert abs(bad.spearman) < 0.2
    assert bad.trustworthiness < 0.65 and bad.continuity < 0.65
    assert bad.knn_recall < 0.25
    assert len(bad.false_neighbours) > len(good.false_neighbours)
    assert len(bad.torn_neighbours) > len(good.torn_neighbours)


def test_cosine_scores_ignore_vector_lengths() -> None:
    vectors = _clusters(n=30)
    coords = compute_projection(vectors).coords
    lengths = np.random.default_rng(4).uniform(0.2, 5.0, size=(30, 1))
    plain = fidelity(vectors, coords, metric="cosine")
    scaled = fidelity(vectors * lengths, coords, metric="cosine")
    assert scaled.continuity == pytest.approx(plain.continuity)
    assert scaled.trustworthiness == pytest.approx(plain.trustworthiness)
    assert scaled.knn_recall == plain.knn_recall
    assert fidelity(vectors * lengths, coords).continuity != pytest.approx(plain.continuity)


# --- small and bad input ----------------------------------------------------


@pytest.mark.parametrize(("n", "k_used"), [(3, 1), (4, 1), (5, 2), (6, 2), (10, 4), (11, 5)])
def test_k_is_clamped_below_half_the_points_with_a_note(n: int, k_used: int) -> None:
    vectors = np.random.default_rng(n).normal(size=(n, 5))
    f = fidelity(vectors, vectors[:, :2])
    assert f.k == k_used and f.k_requested == FIDELITY_K
    if k_used < FIDELITY_K:
        assert f.notes == (
            f"With {n} phrases the scores use k={k_used} neighbours, not 5: "
            "k must be below half the number of phrases.",
        )
    else:
        assert f.notes == ()
    assert 0.0 <= f.trustworthiness <= 1.0 and 0.0 <= f.continuity <= 1.0


@pytest.mark.parametrize("n", [0, 1, 2])
def test_fewer_than_three_points_is_a_clear_error(n: int) -> None:
    with pytest.raises(ValueError, match=f"at least 3 phrases, got {n}; add phrases"):
        fidelity(np.ones((n, 4)), np.ones((n, 2)))


def test_a_map_with_every_point_on_one_spot_does_not_crash() -> None:
    f = fidelity(_clusters(n=8), np.zeros((8, 2)))
    assert f.spearman is None
    assert "rank correlation is undefined" in f.notes[-1]
    assert 0.0 <= f.trustworthiness <= 1.0


@pytest.mark.parametrize(
    ("vectors", "coords", "kwargs", "message"),
    [
        (np.ones((4, 3)), np.ones((3, 2)), {}, r"shape \(4, 2\).*got \(3, 2\)"),
        (np.ones((4, 3)), np.ones((4, 3)), {}, r"shape \(4, 2\)"),
        (np.ones(4), np.ones((4, 2)), {}, "must be a 2-D array"),
        ([[0, 1], [np.nan, 0], [1, 1]], np.ones((3, 2)), {}, "NaN or infinite"),
        (np.eye(4), np.eye(4)[:, :2], {"metric": "manhattan"}, "choose one of euclidean, cosine"),
        (np.eye(4), np.eye(4)[:, :2], {"k": 0}, "at least 1; got 0"),
        (np.eye(4), np.eye(4)[:, :2], {"k": 2.5}, "whole number"),
        (np.eye(4), np.eye(4)[:, :2], {"k": True}, "whole number"),
        ([[0, 0], [1, 0], [0, 1]], np.eye(3)[:, :2], {"metric": "cosine"}, "all-zero vector"),
    ],
)
def test_bad_input_raises_value_error(vectors, coords, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        fidelity(vectors, coords, **kwargs)


def test_explanations_name_the_neighbourhood_size() -> None:
    f = fidelity(LINE, SWAPPED, k=2)
    assert f.explanation("knn_recall").startswith("The share of each phrase's 2 true nearest")
    assert set(f.scores()) == {"spearman", "trustworthiness", "continuity", "knn_recall"}
    assert f.true_space == "euclidean distance in all 3 dimensions"


# --- methods compared -------------------------------------------------------


def test_three_phrases_fall_back_to_pca_and_say_so() -> None:
    vectors = _clusters(n=3)
    comparison = compare_methods(vectors)
    assert [r.method for r in comparison.results] == list(METHODS)
    pca, umap, tsne = comparison.results
    assert not pca.fell_back and umap.fell_back and tsne.fell_back
    assert umap.projection.notice.startswith("UMAP needs at least 4 phrases, got 3")
    assert np.array_equal(umap.projection.coords, pca.projection.coords)
    table = comparison.table()
    assert table["drawn with"].tolist() == ["PCA", "PCA (too few phrases)", "PCA (too few phrases)"]
    assert table["trustworthiness"].tolist() == [pca.fidelity.trustworthiness] * 3
    assert comparison.verdict().startswith(
        "Only **PCA** drew these phrases (UMAP and t-SNE fell back to it): trustworthiness"
    )


def test_compare_methods_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="Unknown projection method 'mds'"):
        compare_methods(np.eye(5), methods=("pca", "mds"))
    with pytest.raises(ValueError, match="Each method once"):
        compare_methods(np.eye(5), methods=("pca", "pca"))
    with pytest.raises(ValueError, match="at least one method"):
        compare_methods(np.eye(5), methods=())
    with pytest.raises(ValueError, match="at least 3 phrases, got 2"):
        compare_methods(np.eye(2))
    with pytest.raises(ValueError, match="'tsne' was not compared; the comparison has pca"):
        compare_methods(np.eye(5), methods=("pca",)).result("tsne")


def _comparison(**scores: tuple[float, float, float, float]) -> MethodComparison:
    """Results whose scores are set by hand: method -> (rho, trust, continuity, recall)."""
    base = fidelity(LINE, SWAPPED, k=1)
    projection = compute_projection(LINE)
    results = []
    for method, (rho, trust, cont, recall) in scores.items():
        f = replace(base, spearman=rho, trustworthiness=trust, continuity=cont, knn_recall=recall)
        results.append(MethodResult(method=method, projection=replace(projection, method=method),
                                    fidelity=f))  # fmt: skip
    return MethodComparison(results=tuple(results))


def test_verdict_names_one_method_when_it_wins_both_ways() -> None:
    comparison = _comparison(pca=(0.8, 0.9, 0.9, 0.6), umap=(0.5, 0.7, 0.7, 0.4))
    assert comparison.verdict() == (
        "For these phrases, trust **PCA**'s picture: it keeps neighbourhoods best "
        "(trustworthiness 0.90, continuity 0.90, 1-NN recall 0.60), and the order of all "
        "distances too (rank correlation 0.80)."
    )


def test_verdict_splits_near_and_far_between_methods() -> None:
    comparison = _comparison(
        pca=(0.7, 0.7, 0.7, 0.3), umap=(0.4, 0.9, 0.88, 0.5), tsne=(0.5, 0.9, 0.87, 0.5)
    )
    assert comparison.verdict() == (
        "For these phrases, trust **UMAP** for who is near whom: it keeps neighbourhoods best "
        "(trustworthiness 0.90, continuity 0.88, 1-NN recall 0.50), **t-SNE** about as well. "
        "Trust **PCA** for what is far from what: it keeps the order of all distances best "
        "(rank correlation 0.70)."
    )


@pytest.mark.slow
def test_pca_umap_and_tsne_on_real_phrases_are_scored_and_repeatable(minilm) -> None:
    vectors = minilm.encode(TOPIC_PHRASES)
    first = compare_methods(vectors, metric="cosine")
    again = compare_methods(vectors, metric="cosine")
    assert [r.projection.method for r in first.results] == ["pca", "umap", "tsne"]
    for a, b in zip(first.results, again.results, strict=True):
        assert np.array_equal(a.projection.coords, b.projection.coords)
        assert a.fidelity.scores() == b.fidelity.scores()
        assert 0.5 <= a.fidelity.trustworthiness <= 1.0
        expected = fidelity(vectors, a.projection.coords, metric="cosine")
        assert a.fidelity.scores() == expected.scores()
    assert first.verdict().startswith("For these phrases, trust **")


# --- PCA variance -----------------------------------------------------------


def test_pca_variance_of_a_hand_worked_rectangle() -> None:
    variance = pca_variance([[0, 0, 0], [2, 0, 0], [0, 1, 0], [2, 1, 0]])
    assert variance.ratios.tolist() == pytest.approx([0.8, 0.2])
    assert variance.cumulative.tolist() == pytest.approx([0.8, 1.0])
    assert variance.components_for(0.8) == 1
    assert variance.components_for(0.81) == 2
    assert variance.shares() == {0.5: 1, 0.9: 2}
    assert (variance.max_components, variance.n, variance.dim) == (2, 4, 3)


def test_pca_variance_has_at_most_n_minus_one_components(minilm) -> None:
    variance = pca_variance(minilm.encode(TOPIC_PHRASES))
    assert variance.max_components == len(TOPIC_PHRASES) - 1
    assert variance.cumulative[-1] == pytest.approx(1.0)
    assert 1 < variance.components_for(0.5) < variance.components_for(0.9) <= 11
    first_two = compute_projection(minilm.encode(TOPIC_PHRASES)).explained_variance
    assert variance.ratios[:2].tolist() == pytest.approx(list(first_two))


def test_pca_variance_needs_two_different_phrases() -> None:
    with pytest.raises(ValueError, match="at least 2 different phrases, got 1"):
        pca_variance([[1.0, 2.0]])
    with pytest.raises(ValueError, match="all 3 have the same vector"):
        pca_variance([[1.0, 2.0]] * 3)
    with pytest.raises(ValueError, match=r"share must be in \(0, 1\]"):
        pca_variance([[0, 0], [1, 1]]).components_for(1.5)


def test_with_phrases_adds_only_what_is_missing_and_keeps_the_text() -> None:
    assert with_phrases("my own\n<b>x</b>\n\n", ["a cat", "my own"]) == "my own\n<b>x</b>\na cat"
    assert with_phrases("", TOPIC_PHRASES) == "\n".join(TOPIC_PHRASES)
    assert with_phrases("a", []) == "a"


# --- figures ----------------------------------------------------------------


def test_shepard_figure_plots_every_pair_with_escaped_hovers() -> None:
    phrases = ["<b>a</b>", "b", "c", "d", "e"]
    f = fidelity(LINE, SWAPPED, k=1)
    fig = shepard_figure(f, phrases).to_dict()
    (trace,) = [t for t in fig["data"] if t["name"] == SHEPARD_TRACE]
    assert trace["x"] == f.true_distances.tolist()
    assert trace["y"] == f.map_distances.tolist()
    assert trace["customdata"][0] == [0, 1]
    assert trace["hovertext"][0].startswith("“&lt;b&gt;a&lt;/b&gt;” ↔ “b”<br>euclidean")
    layout = fig["layout"]
    assert layout["title"]["text"] == "Shepard diagram: rank correlation -0.30"
    assert layout["title"]["subtitle"]["text"].startswith("Spearman, over all 10 pairs.")
    assert layout["xaxis"]["title"]["text"] == "true distance (all 3 dimensions, euclidean)"
    assert (
        layout["yaxis"]["title"]["text"] == MAP_AXIS_TITLE == "distance on the 2-D map (Euclidean)"
    )


def test_shepard_figure_samples_many_pairs_and_says_so() -> None:
    vectors = _clusters(n=20)
    f = fidelity(vectors, compute_projection(vectors).coords)
    fig = shepard_figure(f, [str(i) for i in range(20)], max_points=50).to_dict()
    assert len(fig["data"][0]["x"]) == 50
    assert "Showing a random 50 of the 190 pairs." in fig["layout"]["title"]["subtitle"]["text"]
    assert "over all 190 pairs" in fig["layout"]["title"]["subtitle"]["text"]
    with pytest.raises(ValueError, match="Expected 20 phrases"):
        shepard_figure(f, ["a"])


def test_neighbour_map_draws_false_and_torn_lines_in_two_styles() -> None:
    f = fidelity(LINE, SWAPPED, k=2)
    phrases = ["a", "b", "c", "<script>x</script>", "e"]
    fig = neighbour_map_figure(phrases, SWAPPED, f, axis_titles=("PC1", "PC2"))
    (false,) = _traces(fig, "false neighbours (5): close on the map, not among the true 2")
    (torn,) = _traces(fig, "torn neighbours (3): true nearest, not among the 2 nearest")
    assert false["meta"]["pairs"] == [list(p) for p in f.false_lines]
    assert torn["meta"]["pairs"] == [[1, 2], [2, 3], [3, 4]]
    # Segment (1, 2): from b at x=1 to c at x=15, then a gap.
    assert torn["x"][:3] == [1.0, 15.0, None]
    assert false["line"] == FALSE_LINE and torn["line"] == TORN_LINE
    assert FALSE_LINE["dash"] != TORN_LINE["dash"] and FALSE_LINE["color"] != TORN_LINE["color"]
    assert false["showlegend"] and torn["showlegend"]
    (points,) = _traces(fig, POINTS_TRACE)
    assert points["text"][3] == "&lt;script&gt;x&lt;/script&gt;"
    assert "1 of its 2 true nearest are among its 2 nearest on the map" in points["hovertext"][3]
    layout = fig.to_dict()["layout"]
    assert layout["yaxis"]["scaleanchor"] == "x"
    assert layout["xaxis"]["title"]["text"] == "PC1"


def test_neighbour_lines_can_be_switched_off() -> None:
    f = fidelity(LINE, SWAPPED, k=2)
    fig = neighbour_map_figure(list("abcde"), SWAPPED, f, show_false=False, show_torn=False)
    assert [t.name for t in fig.data] == [POINTS_TRACE]
    fig = neighbour_map_figure(list("abcde"), SWAPPED, f, show_false=False)
    assert [t.name.split(" (")[0] for t in fig.data] == ["torn neighbours", POINTS_TRACE]


def test_methods_figure_has_one_bar_group_per_method() -> None:
    comparison = _comparison(pca=(0.8, 0.9, 0.9, 0.6), umap=(-0.2, 0.7, 0.7, 0.4))
    fig = methods_figure(comparison).to_dict()
    assert [t["name"] for t in fig["data"]] == ["PCA", "UMAP"]
    assert fig["data"][1]["y"] == [-0.2, 0.7, 0.7, 0.4]
    assert fig["data"][1]["x"] == [
        "rank correlation",
        "trustworthiness",
        "continuity",
        "1-NN recall",
    ]
    assert fig["layout"]["yaxis"]["range"][0] < -0.2


def test_variance_figure_marks_fifty_and_ninety_percent() -> None:
    fig = variance_figure(pca_variance([[0, 0, 0], [2, 0, 0], [0, 1, 0], [2, 1, 0]])).to_dict()
    bars, cumulative = fig["data"]
    assert bars["y"] == [80.0, 20.0] and cumulative["y"] == [80.0, 100.0]
    notes = [a["text"] for a in fig["layout"]["annotations"]]
    assert notes == ["50%: 1 component", "90%: 2 components"]
    assert [
        s["y0"] for s in fig["layout"]["shapes"] if s["type"] == "line" and s["y0"] == s["y1"]
    ] == [
        50.0,
        90.0,
    ]
