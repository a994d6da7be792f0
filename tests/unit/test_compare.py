"""Toy vs real: nearest neighbours in each space, agreement, table, figures (hand-built cases)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explorer.figures.compare import NEAREST_HERE_TRACE, NEAREST_OTHER_TRACE, comparison_figure
from explorer.figures.style import POINTS_TRACE, clicked_index, point_label
from explorer.presets import ARTICLE_PHRASES
from explorer.space.compare import compare_spaces


class FakeEmbedder:
    """A model that returns hand-chosen vectors, so every answer is known in advance."""

    def __init__(self, name: str, table: dict[str, list[float]], axis_titles=None) -> None:
        self.name = name
        self.table = table
        self.dim = len(next(iter(table.values())))
        self.axis_titles = axis_titles

    def encode(self, phrases: list[str]) -> np.ndarray:
        return np.array([self.table[p] for p in phrases], dtype=np.float32)


PHRASES = ["a", "b", "c", "d", "e"]
# Toy plane: a-b close, c-d close, e nearest to a.
TOY = FakeEmbedder(
    "fake-toy",
    {"a": [0, 0], "b": [0.2, 0], "c": [1, 1], "d": [1, 0.7], "e": [-1, -1]},
    axis_titles=("fx", "fy"),
)
# Real space (3-d, cosine): a-b same direction; c-e close; d is orthogonal to all
# but e, which leans slightly towards it.
REAL = FakeEmbedder(
    "fake-real",
    {"a": [1, 0.1, 0], "b": [1, 0, 0], "c": [0, 1, 0], "d": [0, 0, 1], "e": [0, 1, 0.1]},
)


@pytest.fixture
def comparison():
    return compare_spaces(PHRASES, toy=TOY, real=REAL)


def test_nearest_neighbours_in_each_space_and_their_agreement(comparison) -> None:
    assert comparison.toy_nearest.tolist() == [1, 0, 3, 2, 0]
    assert comparison.real_nearest.tolist() == [1, 0, 4, 4, 2]
    assert comparison.agree.tolist() == [True, True, False, False, False]
    assert comparison.agreement_count == 2
    assert comparison.summary() == (
        "The two spaces agree on the nearest neighbour of 2 of 5 phrases (toy: Euclidean "
        "distance on the toy model's 2-D plane; real: cosine distance in all 3 dimensions)."
    )


def test_real_distances_are_cosine_in_all_dimensions_and_toy_is_the_plane(comparison) -> None:
    assert comparison.real.metric == "cosine"
    assert comparison.real.true_distances[2, 4] == pytest.approx(1 - 1 / np.sqrt(1.01))
    assert comparison.toy.true_distances[0, 4] == pytest.approx(np.sqrt(2))
    assert comparison.toy.method == "identity"
    assert np.allclose(comparison.toy.coords, TOY.encode(PHRASES))
    assert comparison.real.coords.shape == (5, 2) and comparison.real.method == "pca"


def test_table_has_toy_coordinates_both_neighbours_and_agreement(comparison) -> None:
    table = comparison.table()
    assert list(table.columns) == [
        "phrase",
        "toy x (fx)",
        "toy y (fy)",
        "nearest in toy (2-D plane)",
        "toy distance (Euclidean, plane)",
        "nearest in real model (3-d, cosine)",
        "real model (3-d, cosine) distance",
        "agree",
    ]
    assert table["phrase"].tolist() == PHRASES
    assert table["toy x (fx)"].tolist() == pytest.approx([0, 0.2, 1, 1, -1])
    assert table["toy y (fy)"].tolist() == pytest.approx([0, 0, 1, 0.7, -1])
    assert table["nearest in toy (2-D plane)"].tolist() == ["b", "a", "d", "c", "a"]
    assert table["nearest in real model (3-d, cosine)"].tolist() == ["b", "a", "e", "e", "c"]
    assert table["toy distance (Euclidean, plane)"].tolist() == pytest.approx(
        [0.2, 0.2, 0.3, 0.3, np.sqrt(2)]
    )
    assert table["real model (3-d, cosine) distance"][3] == pytest.approx(1 - 0.1 / np.sqrt(1.01))
    assert table["agree"].tolist() == [True, True, False, False, False]


def test_selected_phrase_has_only_its_own_lines_in_both_maps() -> None:
    comparison = compare_spaces(PHRASES, toy=TOY, real=REAL, selected=2)
    for scene in (comparison.toy, comparison.real):
        assert scene.selected == 2
        assert sorted(scene.lines) == [(0, 2), (1, 2), (2, 3), (2, 4)]
        assert all(2 in pair for pair in scene.labelled)
    unselected = compare_spaces(PHRASES, toy=TOY, real=REAL)
    assert len(unselected.toy.lines) == 3  # 5 phrases: each to its nearest, as on the Playground


@pytest.mark.parametrize(
    ("phrases", "summary"),
    [
        (["a"], "Add a second phrase: a nearest neighbour needs at least two phrases."),
        (
            ["a", "c"],
            "With two phrases, each one's only neighbour is the other, so the two spaces "
            "cannot disagree; add a third phrase to compare them.",
        ),
    ],
)
def test_too_few_phrases_say_so(phrases, summary) -> None:
    comparison = compare_spaces(phrases, toy=TOY, real=REAL)
    assert comparison.summary() == summary
    if len(phrases) == 1:
        assert comparison.agree.tolist() == [False]
        assert comparison.table()["nearest in toy (2-D plane)"].tolist() == [None]


def test_bad_input_raises_clear_errors() -> None:
    with pytest.raises(ValueError, match="The toy side needs a 2-D model, got 'fake-real'"):
        compare_spaces(PHRASES, toy=REAL, real=REAL)
    with pytest.raises(ValueError, match="No phrases given"):
        compare_spaces([], toy=TOY, real=REAL)
    with pytest.raises(ValueError, match="Unknown projection method 'mds'"):
        compare_spaces(PHRASES, toy=TOY, real=REAL, method="mds")
    with pytest.raises(ValueError, match="Selected phrase 9 does not exist"):
        compare_spaces(PHRASES, toy=TOY, real=REAL, selected=9)
    with pytest.raises(ValueError, match="Unknown space 'both'"):
        compare_spaces(PHRASES, toy=TOY, real=REAL).scene("both")


def test_real_models_agree_with_an_independent_computation(toy, minilm) -> None:
    comparison = compare_spaces(ARTICLE_PHRASES, toy=toy, real=minilm)
    coords = toy.encode(ARTICLE_PHRASES).astype(float)
    toy_d = np.linalg.norm(coords[:, None] - coords[None], axis=-1) + np.eye(3) * 9
    vectors = minilm.encode(ARTICLE_PHRASES).astype(float)
    real_d = 1 - vectors @ vectors.T + np.eye(3) * 9
    assert comparison.toy_nearest.tolist() == toy_d.argmin(axis=1).tolist()
    assert comparison.real_nearest.tolist() == real_d.argmin(axis=1).tolist()
    assert comparison.real.model_dim == 384
    assert "cosine distance in all 384 dimensions" in comparison.summary()


def _figure(comparison, space: str) -> dict:
    return json.loads(comparison_figure(comparison, space).to_json())


def _overlays(figure: dict) -> dict[str, dict]:
    return {t["meta"]["kind"]: t for t in figure["data"] if "kind" in (t.get("meta") or {})}


def test_figures_mark_the_nearest_here_and_in_the_other_space() -> None:
    comparison = compare_spaces(PHRASES, toy=TOY, real=REAL, selected=2)
    toy_fig, real_fig = _figure(comparison, "toy"), _figure(comparison, "real")
    toy_lines, real_lines = _overlays(toy_fig), _overlays(real_fig)
    # c: nearest d in the toy plane, e in the real space.
    assert toy_lines[NEAREST_HERE_TRACE]["meta"]["pair"] == [2, 3]
    assert toy_lines[NEAREST_OTHER_TRACE]["meta"]["pair"] == [2, 4]
    assert real_lines[NEAREST_HERE_TRACE]["meta"]["pair"] == [2, 4]
    assert real_lines[NEAREST_OTHER_TRACE]["meta"]["pair"] == [2, 3]
    assert toy_lines[NEAREST_HERE_TRACE]["x"] == pytest.approx([1, 1])
    assert toy_lines[NEAREST_HERE_TRACE]["y"] == pytest.approx([1, 0.7])
    assert toy_lines[NEAREST_HERE_TRACE]["name"] == "nearest in the toy model: “d”"
    assert toy_lines[NEAREST_OTHER_TRACE]["line"]["dash"] == "dot"
    for figure in (toy_fig, real_fig):
        names = [t["name"] for t in figure["data"]]
        assert names[-2:] == [POINTS_TRACE, "focus"]  # the points, the focused one over all
        points = figure["data"][-2]
        assert points["marker"]["size"][2] == 18 and points["marker"]["size"][0] == 12
        assert points["customdata"] == [0, 1, 2, 3, 4]


def test_figures_draw_one_nearest_line_where_the_spaces_agree_and_none_unselected() -> None:
    agreeing = compare_spaces(PHRASES, toy=TOY, real=REAL, selected=0)
    assert list(_overlays(_figure(agreeing, "toy"))) == [NEAREST_HERE_TRACE]
    unselected = compare_spaces(PHRASES, toy=TOY, real=REAL)
    assert _overlays(_figure(unselected, "real")) == {}


def test_figure_labels_and_legends_are_escaped() -> None:
    phrases = ["<b>x</b>", "<script>alert(1)</script>", "plain"]
    toy = FakeEmbedder("fake-toy", dict(zip(phrases, [[0, 0], [0.1, 0], [1, 1]], strict=True)))
    real = FakeEmbedder("fake-real", dict(zip(phrases, [[1, 0], [0.9, 0.1], [0, 1]], strict=True)))
    figure = _figure(compare_spaces(phrases, toy=toy, real=real, selected=0), "toy")
    points = figure["data"][-2]
    assert points["text"][:2] == [point_label(p) for p in phrases[:2]]
    assert points["text"][0] == "&lt;b&gt;x&lt;/b&gt;"
    legend = _overlays(figure)[NEAREST_HERE_TRACE]["name"]
    assert legend == "nearest in the toy model: “&lt;script&gt;alert(1)&lt;/script&gt;”"
    assert "<script" not in json.dumps(figure)


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"selection": {"points": [{"customdata": 1}]}}, 1),
        ({"selection": {"points": [{"customdata": [2]}]}}, 2),
        ({"selection": {"points": [{"x": 0}, {"customdata": 0}]}}, 0),
        ({"selection": {"points": [{"customdata": 5}]}}, None),
        ({"selection": {"points": [{"customdata": "1"}]}}, None),
        ({"selection": {"points": []}}, None),
        ({}, None),
        (None, None),
    ],
)
def test_clicked_index_reads_the_phrase_from_a_chart_event(event, expected) -> None:
    assert clicked_index(event, 3) == expected
