"""The Playground's 3-D view: build_scene(view="3d") and its Scatter3d figure, as JSON."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.config import PLAYGROUND_3D_LABELS_MAX
from explorer.figures.playground import scene_figure
from explorer.figures.playground_3d import (
    BOX_PAD,
    MIN_ASPECT,
    box,
    scene_figure_3d,
    webgl_label,
)
from explorer.models.imported import ImportedEmbedder
from explorer.phrases import WORD_JOINER
from explorer.space.projection import compute_projection
from explorer.space.scene import build_scene

PHRASES = ["a cat", "<b>bold</b> & co", "a truck", "50%{x} off", "a bus", "a kitten"]


@pytest.fixture(scope="module")
def space() -> ImportedEmbedder:
    """Six phrases in 16 dimensions: no model to load, any method can run."""
    vectors = np.random.default_rng(7).normal(size=(len(PHRASES), 16))
    return ImportedEmbedder(PHRASES, vectors, name="space")


def trace(fig, name: str) -> dict:
    (found,) = [t for t in fig.to_plotly_json()["data"] if t.get("name") == name]
    return found


def all_text(fig) -> list[str]:
    """Every text the figure writes: trace texts, annotations, titles."""
    data = fig.to_plotly_json()
    texts = [str(t) for tr in data["data"] for t in (tr.get("text") or [])]
    texts += [a.get("text", "") for a in data["layout"].get("annotations", [])]
    return texts


@pytest.mark.parametrize("method", ["pca", "umap", "tsne"])
def test_the_3d_view_draws_the_projection_with_three_coordinates(space, method) -> None:
    scene = build_scene(PHRASES, model=space, method=method, metric="cosine", view="3d")
    expected = compute_projection(
        space.encode(PHRASES), method=method, metric="cosine", random_state=0, n_components=3
    )
    assert scene.view == "3d" and scene.coords_3d.shape == (6, 3)
    np.testing.assert_allclose(scene.coords_3d, expected.coords)
    assert scene.axis_titles_3d == expected.axis_titles
    fig = scene_figure_3d(scene)
    assert {t["type"] for t in fig.to_plotly_json()["data"]} == {"scatter3d"}
    points = trace(fig, "phrases")
    drawn = np.column_stack([points["x"], points["y"], points["z"]])
    np.testing.assert_allclose(drawn, expected.coords)
    assert list(points["customdata"]) == list(range(6))  # a click names the phrase, as in 2-D
    layout = fig.to_plotly_json()["layout"]
    assert [layout["scene"][f"{a}axis"]["title"]["text"] for a in "xyz"] == list(
        expected.axis_titles
    )


def test_the_3d_view_keeps_the_2d_map_the_answer_and_the_table(space) -> None:
    flat = build_scene(PHRASES, model=space, method="umap", metric="cosine", selected=2)
    deep = build_scene(PHRASES, model=space, method="umap", metric="cosine", selected=2, view="3d")
    assert flat.view == "2d" and flat.coords_3d is None
    np.testing.assert_array_equal(deep.coords, flat.coords)
    np.testing.assert_array_equal(deep.map_distances, flat.map_distances)
    assert deep.answer_text() == flat.answer_text()
    assert deep.pair_table().equals(flat.pair_table())
    assert (deep.lines, deep.labelled) == (flat.lines, flat.labelled)


def test_the_3d_view_is_seeded(space) -> None:
    first = build_scene(PHRASES, model=space, method="umap", view="3d", random_state=3)
    again = build_scene(PHRASES, model=space, method="umap", view="3d", random_state=3)
    np.testing.assert_array_equal(first.coords_3d, again.coords_3d)


def test_hover_and_colours_match_the_2d_map_and_are_escaped(space) -> None:
    scene = build_scene(PHRASES, model=space, view="3d")
    flat, deep = trace(scene_figure(scene), "phrases"), trace(scene_figure_3d(scene), "phrases")
    assert deep["marker"]["color"] == flat["marker"]["color"]
    for i, (hover_2d, hover_3d) in enumerate(zip(flat["hovertext"], deep["hovertext"])):
        name_2d, _, _ = hover_2d.rpartition("<br>")
        name_3d, _, where = hover_3d.rpartition("<br>")
        assert name_3d == name_2d  # the same number and phrase
        assert where == "(" + ", ".join(f"{v:.2f}" for v in scene.coords_3d[i]) + ")"
    assert deep["hovertext"][1].startswith("<b>2.</b> &lt;b&gt;bold&lt;/b&gt; &amp; co<br>")
    assert deep["hovertemplate"] == "%{hovertext}<extra></extra>"


def test_no_distance_text_in_3d_and_lines_hover_their_distances(space) -> None:
    scene = build_scene(PHRASES[:4], model=space, metric="cosine", view="3d")
    fig = scene_figure_3d(scene)
    assert not any("d=" in text for text in all_text(fig))
    assert fig.to_plotly_json()["layout"].get("annotations", []) == []
    lines = trace(fig, "distance")
    assert lines["mode"] == "lines" and lines["meta"]["pairs"] == [list(p) for p in scene.lines]
    assert len(lines["x"]) == 3 * len(scene.lines)  # each line, then a gap
    hover = trace(fig, "distance hover")
    (i, j) = scene.lines[0]
    middle = (scene.coords_3d[i] + scene.coords_3d[j]) / 2
    np.testing.assert_allclose([hover["x"][0], hover["y"][0], hover["z"][0]], middle)
    drawn = np.linalg.norm(scene.coords_3d[i] - scene.coords_3d[j])
    assert hover["hovertext"][0] == (
        f"a cat ↔ &lt;b&gt;bold&lt;/b&gt; &amp; co<br>"
        f"cosine distance in all 16 dimensions: {scene.true_distances[0, 1]:.3f}<br>"
        f"Euclidean distance as drawn in 3-D: {drawn:.3f}"
    )


def test_labels_are_webgl_text_shown_literally_and_the_focus_is_bold(space) -> None:
    scene = build_scene(PHRASES, model=space, selected=3, view="3d")
    fig = scene_figure_3d(scene)
    text = trace(fig, "phrases")["text"]
    assert text[1] == f"<{WORD_JOINER}b>bold<{WORD_JOINER}/b> & co"
    assert text[3] == "<b>50%{x} off</b>"  # the selected phrase, in bold
    assert text[0] == "a cat"
    (focus,) = [t for t in fig.to_plotly_json()["data"] if t["name"] == "focus"]
    assert focus["customdata"] == [3]
    assert [focus["x"][0], focus["y"][0], focus["z"][0]] == pytest.approx(scene.coords_3d[3])
    sizes = trace(fig, "phrases")["marker"]["size"]
    assert sizes[3] > sizes[0]


def test_above_the_label_limit_only_the_focused_phrase_is_written(space) -> None:
    many = [f"phrase {i}" for i in range(PLAYGROUND_3D_LABELS_MAX + 1)]
    model = ImportedEmbedder(many, np.random.default_rng(1).normal(size=(len(many), 8)))
    plain = trace(scene_figure_3d(build_scene(many, model=model, view="3d")), "phrases")
    assert plain["mode"] == "markers" and "text" not in plain
    focused = scene_figure_3d(build_scene(many, model=model, selected=0, view="3d"))
    assert trace(focused, "phrases")["text"] == ["<b>phrase 0</b>"] + [""] * (len(many) - 1)
    few = trace(scene_figure_3d(build_scene(many[:4], model=model, view="3d")), "phrases")
    assert few["mode"] == "markers+text" and few["text"] == many[:4]


def test_the_box_keeps_one_scale_and_a_flat_axis_visible() -> None:
    # Three phrases span a plane: PCA's third axis is flat (zero to rounding).
    coords = compute_projection(np.eye(4)[:3], n_components=3).coords
    assert np.ptp(coords[:, 2]) < 1e-9
    ranges, aspect = box(coords)
    for axis, column in zip("xyz", coords.T, strict=True):
        assert ranges[axis][0] < column.min() and ranges[axis][1] > column.max()
    spans = {a: ranges[a][1] - ranges[a][0] for a in "xyz"}
    longest = max(spans.values())
    assert {a: round(s / longest, 3) for a, s in spans.items()} == aspect  # one scale
    assert aspect["z"] >= MIN_ASPECT
    # The points' own extents keep their proportions (the padding is the same on each).
    extents = np.ptp(coords, axis=0)
    pad = 2 * BOX_PAD * extents.max()
    assert (spans["y"] - pad) / (spans["x"] - pad) == pytest.approx(extents[1] / extents[0])


def test_webgl_label_keeps_tags_as_text() -> None:
    assert (
        webgl_label("<i>x</i> <br> y") == f"<{WORD_JOINER}i>x<{WORD_JOINER}/i> <{WORD_JOINER}br> y"
    )
    assert webgl_label("plain & simple") == "plain & simple"  # no entities: WebGL shows them as is


def test_a_3d_view_of_a_2d_model_or_a_bad_view_is_refused(toy) -> None:
    with pytest.raises(ValueError) as error:
        build_scene(["a", "b"], model=toy, view="3d")
    assert str(error.value) == (
        "A 3-D view needs vectors of at least 3 dimensions; 'toy' has 2, so its 2-D map "
        "is its whole space. Use view='2d'."
    )
    with pytest.raises(ValueError, match=r"^view must be one of 2d, 3d, got '4d'\.$"):
        build_scene(["a", "b"], model=toy, view="4d")
    with pytest.raises(ValueError, match=r"^This scene has no 3-D view; build it with"):
        scene_figure_3d(build_scene(["a", "b"], model=toy))


def test_a_3d_model_is_its_own_3d_view() -> None:
    vectors = np.array([[0.0, 0, 0], [1, 0, 0], [0, 2, 0], [0, 0, 3]])
    model = ImportedEmbedder(["o", "x", "y", "z"], vectors, name="cube")
    scene = build_scene(["o", "x", "y", "z"], model=model, view="3d")
    np.testing.assert_allclose(scene.coords_3d, vectors)
    assert scene.axis_titles_3d == ("x", "y", "z")
    title = scene_figure_3d(scene).layout.title.text
    assert title == "cube: the 3-D space itself, nothing projected"


def test_the_html_export_of_a_3d_view_is_the_3d_view(space) -> None:
    from explorer.figures.export import scene_exports

    scene = build_scene(PHRASES, model=space, view="3d")
    files = {f.key: f for f in scene_exports(scene, figure=scene_figure_3d(scene))}
    page = files["html"].build().decode("utf-8")
    assert '"type":"scatter3d"' in page
    assert files["points"].build().decode("utf-8").splitlines()[0] == "phrase,x,y"  # the 2-D map's
