"""Your own axes: placement, axis cosine, out-of-plane share, validation, presets, toy agreement."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.stats import spearmanr

from explorer.config import AXES_COSINE_WARNING, AXES_MAX_POLE_PHRASES
from explorer.figures.axes import POLES_TRACE, axes_figure
from explorer.figures.style import POINTS_TRACE
from explorer.presets import AXES_PRESETS
from explorer.space.axes import axis_projection
from explorer.space.poles import axis_title, pole_names, preset_for
from explorer.space.toy_agreement import rank_correlation, toy_agreement, toy_validation_set


class FakeEmbedder:
    """Hand-chosen 4-d vectors, so every coordinate is known in advance."""

    axis_titles = None

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.name = "fake"
        self.dim = 4
        self.table = table

    def encode(self, phrases: list[str]) -> np.ndarray:
        return np.array([self.table[p] for p in phrases], dtype=np.float32)


def tilted(c: float) -> list[float]:
    """A unit vector in the e0-e1 plane whose cosine with e0 is ``c``."""
    return [c, float(np.sqrt(1 - c * c)), 0, 0]


FAKE = FakeEmbedder(
    {
        "left": [-1, 0, 0, 0],
        "right": [1, 0, 0, 0],
        "down": [0, -1, 0, 0],
        "up": [0, 1, 0, 0],
        "left-up": [-1, 1, 0, 0],
        "left-down": [-1, -1, 0, 0],
        "far-a": [0, 0, 1, 0],
        "far-b": [2, 0, 1, 0],
        "same-1": [1, 1, 0, 0],
        "same-2": [1, 1, 0, 0],
        "origin": [0, 0, 0, 0],
        "tilt-small": tilted(AXES_COSINE_WARNING - 0.05),
        "tilt-large": tilted(AXES_COSINE_WARNING + 0.05),
        "diagonal": [1, 1, 0, 0],
        "<b>left</b>": [-1, 0, 0, 0],
    }
)
X = (["left"], ["right"])
Y = (["down"], ["up"])


def place(vectors, x=X, y=Y):
    return axis_projection(np.asarray(vectors, dtype=float), x_poles=x, y_poles=y, model=FAKE)


def test_orthogonal_poles_give_the_coordinates_the_vectors_hold() -> None:
    result = place([[0.5, -0.25, 0.3, 0], [1, 1, 0, 0], [0, 0, 0, 2]])
    # x direction right - left = (2, 0, 0, 0), midpoint 0: t = 2 v·a / |a|² = v0.
    np.testing.assert_allclose(result.coords, [[0.5, -0.25], [1, 1], [0, 0]], atol=1e-9)
    assert result.axis_cosine == pytest.approx(0.0)
    assert result.warning is None
    assert result.plane_dims == 2
    # Out of the e0-e1 plane: 0.3² of 0.5² + 0.25² + 0.3²; none; all of it.
    assert result.out_of_plane.tolist() == pytest.approx([0.09 / 0.4025, 0.0, 1.0])
    assert result.directions.tolist() == [[2, 0, 0, 0], [0, 2, 0, 0]]
    np.testing.assert_allclose(
        result.pole_coords, [[[-1, 0], [1, 0]], [[0, -1], [0, 1]]], atol=1e-9
    )


def test_poles_are_means_and_midpoints_are_the_zero() -> None:
    # x: from far-a (0,0,1,0) to far-b (2,0,1,0): direction (2,0,0,0), midpoint (1,0,1,0).
    result = place([[1, 0, 1, 0], [2, 0, 1, 0], [0, 5, 1, 0]], x=(["far-a"], ["far-b"]))
    assert result.coords[:, 0].tolist() == pytest.approx([0, 1, -1])
    # y: from mean(left-up, left-down) = (-1, 0, 0, 0) to "up" (0, 1, 0, 0).
    mean_pole = axis_projection(
        np.array([[-1, 0, 0, 0], [0, 1, 0, 0]], dtype=float),
        x_poles=X,
        y_poles=(["left-up", "left-down"], ["up"]),
        model=FAKE,
    )
    assert mean_pole.coords[:, 1].tolist() == pytest.approx([-1, 1])
    assert mean_pole.midpoints[1].tolist() == pytest.approx([-0.5, 0.5, 0, 0])


def test_parallel_axes_warn_and_span_a_line() -> None:
    result = place([[0.5, -0.25, 0.3, 0]], y=(["left"], ["right"]))
    assert result.axis_cosine == pytest.approx(1.0)
    assert result.plane_dims == 1
    assert result.warning is not None and "+1.00" in result.warning
    assert result.out_of_plane.tolist() == pytest.approx([1 - 0.25 / 0.4025])
    np.testing.assert_allclose(result.coords, [[0.5, 0.5]])


def test_a_vector_inside_the_plane_of_non_orthogonal_axes_has_nothing_outside() -> None:
    # Axes at 45°: the plane is still e0-e1, found from an orthonormalised basis.
    result = place([[3, -2, 0, 0], [0, 0, 1, 1]], y=(["origin"], ["diagonal"]))
    assert result.axis_cosine == pytest.approx(1 / np.sqrt(2))
    assert result.plane_dims == 2
    assert result.out_of_plane.tolist() == pytest.approx([0.0, 1.0])


@pytest.mark.parametrize(("pole", "warns"), [("tilt-small", False), ("tilt-large", True)])
def test_the_warning_starts_above_the_threshold(pole, warns) -> None:
    result = place([[1, 0, 0, 0]], y=(["origin"], [pole]))
    expected = AXES_COSINE_WARNING + (0.05 if warns else -0.05)
    assert result.axis_cosine == pytest.approx(expected)
    assert (result.warning is not None) is warns
    if warns:
        assert result.warning == (
            f"The two axes are far from orthogonal: the cosine between their directions is "
            f"+{expected:.2f} (warning above ±{AXES_COSINE_WARNING}), so they measure partly "
            "the same thing and the map shows that shared part on both axes. Choose poles "
            "that differ in one quality each."
        )


def test_phrases_are_embedded_and_more_vectors_can_be_placed() -> None:
    result = axis_projection(["left", "up"], x_poles=X, y_poles=Y, model=FAKE)
    np.testing.assert_allclose(result.coords, [[-1, 0], [0, 1]], atol=1e-9)
    np.testing.assert_allclose(result.place(np.array([[0.25, 0.5, 9, 9]])), [[0.25, 0.5]])
    with pytest.raises(ValueError, match=r"Expected vectors of shape \(n, 4\)"):
        result.place(np.zeros((1, 3)))


def test_table_has_one_row_per_phrase() -> None:
    result = place([[0.5, -0.25, 0.3, 0], [0, 0, 0, 2]])
    table = result.table(["p", "q"])
    outside = "outside the axes' plane (share of the 4-d vector)"
    assert list(table.columns) == [
        "phrase",
        "x (“left” → “right”)",
        "y (“down” → “up”)",
        outside,
    ]
    assert table[outside].tolist() == pytest.approx([0.09 / 0.4025, 1.0])
    with pytest.raises(ValueError, match="Got 1 phrases for 2 placed vectors"):
        result.table(["p"])


@pytest.mark.parametrize(
    ("x_poles", "message"),
    [
        (
            (["", "  ", "\u200b"], ["right"]),
            "The x axis's left pole is empty; give it at least one phrase or word, one per line.",
        ),
        (
            (["left"], []),
            "The x axis's right pole is empty; give it at least one phrase or word, one per line.",
        ),
        (
            ([f"w{i}" for i in range(AXES_MAX_POLE_PHRASES + 1)], ["right"]),
            f"The x axis's left pole has {AXES_MAX_POLE_PHRASES + 1} phrases; at most "
            f"{AXES_MAX_POLE_PHRASES} are allowed. Keep the few that best show that end.",
        ),
        (
            (["left", "up"], ["right", " up "]),
            "“up” is in both poles of the x axis; a phrase can be at one end only. "
            "Remove it from one pole.",
        ),
        (
            (["same-1"], ["same-2"]),
            "The two poles of the x axis have the same mean embedding, so they define no "
            "direction; give the poles phrases that differ in the quality the axis should "
            "measure.",
        ),
        ("left", "x_poles must be a pair (first pole phrases, second pole phrases), got 'left'."),
        ((["left"], [3]), "The x axis's right pole must hold phrases (strings)."),
    ],
)
def test_bad_poles_raise_clear_messages(x_poles, message) -> None:
    with pytest.raises(ValueError) as error:
        place([[1, 0, 0, 0]], x=x_poles)
    assert str(error.value) == message


def test_bad_y_poles_name_the_y_axis_ends() -> None:
    with pytest.raises(ValueError, match="The y axis's top pole is empty"):
        place([[1, 0, 0, 0]], y=(["down"], [" "]))


def test_a_pole_may_be_a_single_string_and_blank_lines_are_skipped() -> None:
    result = place([[1, 0, 0, 0]], x=("left", ["", "right", "right"]))
    assert result.x_poles == (("left",), ("right",))


@pytest.mark.parametrize(
    ("vectors", "message"),
    [
        (np.zeros((0, 4)), r"Expected phrases, or vectors of shape \(n, 4\) with n >= 1"),
        (np.zeros((2, 3)), "The vectors have 3 dimensions but model 'fake' gives 4"),
        (np.array([[np.nan, 0, 0, 0]]), "Vectors contain NaN"),
        (np.array([[1, 0, 0, 0], [0, 0, 0, 0]]), "Vector 2 is all zeros"),
        ("left", "Give phrases as a list of strings"),
    ],
)
def test_bad_vectors_raise_clear_messages(vectors, message) -> None:
    with pytest.raises(ValueError, match=message):
        axis_projection(vectors, x_poles=X, y_poles=Y, model=FAKE)


def test_presets_are_found_by_their_poles_and_named_by_them() -> None:
    for name, preset in AXES_PRESETS.items():
        assert preset_for(preset.x_poles, preset.y_poles) == name
        assert axis_title(*preset.x_poles) == " → ".join(preset.x_names)
    article = AXES_PRESETS["article"]
    with_blank_lines = ([*article.x_poles[0], ""], [" ", *article.x_poles[1]])
    assert preset_for(with_blank_lines, article.y_poles) == "article"
    assert preset_for(article.y_poles, article.x_poles) is None  # swapped axes
    assert pole_names(["<b>old</b>", "ancient"], ["new"]) == ("“<b>old</b>” (+1)", "“new”")


def test_preset_axes_are_near_orthogonal_in_the_real_model_except_the_overlap_demo(minilm):
    for name, preset in AXES_PRESETS.items():
        result = axis_projection(
            list(preset.phrases), x_poles=preset.x_poles, y_poles=preset.y_poles, model=minilm
        )
        assert (result.warning is not None) is (name == "overlap"), name
        assert 0 <= result.out_of_plane.min() and result.out_of_plane.max() <= 1
        # Two directions hold only a small part of a 384-d vector.
        assert result.out_of_plane.mean() > 0.5


def test_article_axes_place_the_article_phrases_where_the_article_draws_them(minilm) -> None:
    preset = AXES_PRESETS["article"]
    phrases = list(preset.phrases)
    result = axis_projection(phrases, x_poles=preset.x_poles, y_poles=preset.y_poles)
    formal_sad, casual_happy = result.coords[0], result.coords[1]
    assert formal_sad[0] > 0.5 and formal_sad[1] < 0  # "Dear sir, I regret to inform you…"
    assert casual_happy[0] < 0  # "lessgo we are so back guys wgmi"
    worst = phrases.index("ugh worst day ever")
    welcome = phrases.index("We are delighted to welcome you to the team.")
    assert result.coords[worst, 1] < -0.5 < 0.5 < result.coords[welcome, 1]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ([1, 2, 3, 4], [10, 20, 30, 40], 1.0),
        ([1, 2, 3, 4], [4, 3, 2, 1], -1.0),
        ([1, 2, 3, 4], [10, 20, 40, 30], 0.8),
        ([1, 2], [1, 2], None),
        ([1, 1, 1], [1, 2, 3], None),
    ],
)
def test_rank_correlation_hand_cases(first, second, expected) -> None:
    assert rank_correlation(first, second) == (
        expected if expected is None else pytest.approx(expected)
    )


def test_toy_agreement_matches_an_independent_spearman(minilm, toy) -> None:
    preset = AXES_PRESETS["article"]
    phrases = list(preset.phrases)
    result = axis_projection(phrases, x_poles=preset.x_poles, y_poles=preset.y_poles)
    agreement = toy_agreement(result, phrases, toy=toy)
    toy_coords = toy.encode(phrases)
    for k in range(2):
        assert agreement.phrases[k] == pytest.approx(
            spearmanr(result.coords[:, k], toy_coords[:, k]).statistic
        )
    validation = toy_validation_set()
    assert agreement.validation_count == len(validation) >= 200
    placed = result.place(minilm.encode(validation["text"].tolist()))
    toy_placed = toy.encode(validation["text"].tolist())
    for k, column in enumerate(["formality", "sentiment"]):
        assert agreement.validation[k] == pytest.approx(
            spearmanr(placed[:, k], toy_placed[:, k]).statistic
        )
        assert agreement.validation_labels[k] == pytest.approx(
            spearmanr(placed[:, k], validation[column]).statistic
        )
        # A few example phrases per end recover most of the trained model's order.
        assert agreement.validation[k] > 0.6
    table = agreement.table(result.axis_titles)
    assert table["axis"].tolist() == ["x (casual → formal)", "y (negative → positive)"]
    with pytest.raises(ValueError, match="Got 2 phrases for 8 placed vectors"):
        toy_agreement(result, phrases[:2], toy=toy)


def test_toy_agreement_on_two_phrases_has_no_correlation_for_them(minilm, toy) -> None:
    preset = AXES_PRESETS["article"]
    result = axis_projection(["a", "b"], x_poles=preset.x_poles, y_poles=preset.y_poles)
    assert toy_agreement(result, ["a", "b"], toy=toy).phrases == (None, None)


def test_axes_figure_draws_points_poles_and_titles_escaped() -> None:
    phrases = ["<script>alert(1)</script>", "plain"]
    result = place([[0.5, -0.25, 0.3, 0], [0, 0, 0, 2]], x=(["<b>left</b>"], ["right"]))
    figure = json.loads(axes_figure(phrases, result).to_json())
    traces = {t["name"]: t for t in figure["data"]}
    points, poles = traces[POINTS_TRACE], traces[POLES_TRACE]
    assert points["x"] == pytest.approx([0.5, 0.0]) and points["y"] == pytest.approx([-0.25, 0])
    assert points["text"][0] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert "outside the axes' plane: 22% of the 4-d vector" in points["hovertext"][0]
    assert poles["text"] == ["“&lt;b&gt;left&lt;/b&gt;”", "“right”", "“down”", "“up”"]
    assert poles["marker"]["symbol"] == "diamond"
    assert figure["layout"]["xaxis"]["title"]["text"] == "“&lt;b&gt;left&lt;/b&gt;” → “right”"
    assert figure["layout"]["yaxis"]["title"]["text"] == "“down” → “up”"
    assert "<script" not in json.dumps(figure) and "<b>left" not in json.dumps(figure)
    with pytest.raises(ValueError, match="Got 1 phrases for 2 placed vectors"):
        axes_figure(phrases[:1], result)
