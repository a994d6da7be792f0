"""Figure JSON: points, dashed lines and d= labels equal to the computed distances."""

from __future__ import annotations

import json
from itertools import combinations

import numpy as np
import pytest

import explorer
from explorer.config import ALL_PAIRS_MAX, LABELLED_LINES_MAX
from explorer.figures.labels import (
    ANNOTATION_PAD,
    DEFAULT_AREA,
    PlotArea,
    TextLayout,
    centred_box,
    point_label_box,
    text_size,
)
from explorer.figures.playground import (
    DISTANCE_HOVER_TRACE,
    FOCUS_TRACE,
    PLAYGROUND_PLOT_WIDTH,
    scene_figure,
)
from explorer.figures.style import (
    LINE_TRACE,
    POINTS_TRACE,
    aspect_ranges,
    base_layout,
    category_palette,
    label_positions,
)
from explorer.space.distances import distances
from explorer.space.scene import build_scene, choose_lines
from tests.unit.boxes import assert_apart

ANIMALS = ["a cat", "a kitten", "a dog", "a truck", "a lorry", "a bus", "soup", "bread"]


def _traces(fig, name):
    return [t for t in fig.to_dict()["data"] if t.get("name") == name]


def _labels(fig):
    return [
        a["text"]
        for a in fig.to_dict()["layout"].get("annotations", [])
        if a["text"].startswith("d=")
    ]


def test_three_phrases_give_three_points_three_lines_and_their_distances(minilm) -> None:
    phrases = ["a cat", "a dog", "a truck"]
    fig = explorer.plot(phrases, model="minilm", metric="cosine")
    (points,) = _traces(fig, POINTS_TRACE)
    assert len(points["x"]) == 3
    assert points["text"] == phrases
    lines = _traces(fig, LINE_TRACE)
    assert len(lines) == 3
    assert all(line["line"]["dash"] == "dash" for line in lines)
    true = distances(minilm.encode(phrases), metric="cosine")
    assert sorted(_labels(fig)) == sorted(
        f"d={true[i, j]:.2f}" for i, j in combinations(range(3), 2)
    )
    for line in lines:
        i, j = line["meta"]["pair"]
        assert line["meta"]["distance"] == pytest.approx(true[i, j])


def test_points_are_drawn_at_the_projected_coordinates(minilm) -> None:
    scene = build_scene(ANIMALS[:5], model=minilm)
    (points,) = _traces(scene_figure(scene), POINTS_TRACE)
    assert np.allclose(np.column_stack([points["x"], points["y"]]), scene.coords)
    assert np.allclose(scene.coords, explorer.project(minilm.encode(ANIMALS[:5])))


def test_toy_figure_is_the_fixed_square_with_named_axes_and_quadrants(toy) -> None:
    fig = explorer.plot(["Good morning, Sir.", "lol ok"], model="toy")
    layout = fig.to_dict()["layout"]
    assert layout["xaxis"]["title"]["text"] == "casual → formal"
    assert layout["yaxis"]["title"]["text"] == "negative → positive"
    assert layout["xaxis"]["range"] == layout["yaxis"]["range"] == [-1.12, 1.12]
    quadrant_labels = {a["text"] for a in layout["annotations"] if a.get("name") == "quadrant"}
    assert quadrant_labels == {
        "formal · positive", "casual · positive", "casual · negative", "formal · negative",
    }  # fmt: skip
    assert layout["yaxis"]["scaleanchor"] == "x"
    (points,) = _traces(fig, POINTS_TRACE)
    assert np.allclose(
        np.column_stack([points["x"], points["y"]]), toy.encode(["Good morning, Sir.", "lol ok"])
    )
    assert "on the plane" in layout["title"]["subtitle"]["text"]


def test_real_figure_names_its_space_and_its_projection(minilm) -> None:
    layout = explorer.plot(ANIMALS[:4], model="minilm").to_dict()["layout"]
    assert layout["xaxis"]["title"]["text"].startswith("PC1 (")
    assert layout["xaxis"]["title"]["text"].endswith("% of variance)")
    assert "all-MiniLM-L6-v2 (384 dimensions) projected to 2-D with PCA" in layout["title"]["text"]
    assert "euclidean distance in all 384 dimensions" in layout["title"]["subtitle"]["text"]
    assert "Projected axes carry no meaning" in layout["title"]["subtitle"]["text"]


def test_labels_can_give_the_distance_as_drawn(minilm) -> None:
    scene = build_scene(ANIMALS[:3], model=minilm, line_distances="map")
    fig = scene_figure(scene)
    expected = [f"d={scene.map_distances[i, j]:.2f}" for i, j in scene.labelled]
    assert _labels(fig) == expected
    assert "as drawn in 2-D" in fig.layout.title.subtitle.text


@pytest.mark.parametrize(("count", "lines"), [(3, 3), (4, 6), (5, None), (6, None)])
def test_every_pair_up_to_four_phrases_then_each_to_its_nearest(minilm, count, lines) -> None:
    assert ALL_PAIRS_MAX == 4
    scene = build_scene(ANIMALS[:count], model=minilm)
    nearest = explorer.nearest(scene.true_distances)
    pairs = {tuple(sorted((i, int(j)))) for i, j in enumerate(nearest)}
    expected = lines if lines is not None else len(pairs)
    if lines is None:
        assert set(scene.lines) == pairs and len(pairs) < count * (count - 1) // 2
    fig = scene_figure(scene)
    assert len(_traces(fig, LINE_TRACE)) == expected
    # Each line's distance is on it (d=) or, with no free spot, at its middle on hover.
    hover = _traces(fig, DISTANCE_HOVER_TRACE)
    assert len(_labels(fig)) + sum(len(t["x"]) for t in hover) == expected


def test_more_phrases_join_each_to_its_nearest_neighbour(minilm) -> None:
    scene = build_scene(ANIMALS, model=minilm)
    nearest = explorer.nearest(scene.true_distances)
    expected = {tuple(sorted((i, int(j)))) for i, j in enumerate(nearest)}
    assert set(scene.lines) == expected
    fig = scene_figure(scene)
    assert len(_traces(fig, LINE_TRACE)) == len(expected)
    hover = _traces(fig, DISTANCE_HOVER_TRACE)
    shown = {a["hovertext"] for a in fig.to_dict()["layout"]["annotations"] if "hovertext" in a}
    hidden = set(hover[0]["hovertext"]) if hover else set()
    assert len(shown) + len(hidden) == len(expected) and not shown & hidden


def test_a_selected_phrase_is_joined_to_all_others(minilm) -> None:
    phrases = [f"{word} number {i}" for i, word in enumerate(["cat", "dog", "car", "tea"] * 4)]
    scene = build_scene(phrases, model=minilm, selected=2)
    fig = scene_figure(scene)
    lines = _traces(fig, LINE_TRACE)
    assert len(lines) == len(phrases) - 1
    assert all(2 in line["meta"]["pair"] for line in lines)
    order = explorer.nearest_neighbors(scene.true_distances, 2)
    nearest = [f"d={scene.true_distances[2, j]:.2f}" for j in order[:LABELLED_LINES_MAX]]
    labels = _labels(fig)
    # The nearest LABELLED_LINES_MAX are labelled, nearest first, where a spot is free.
    rest = iter(nearest)
    assert all(label in rest for label in labels) and len(labels) >= 4
    (points,) = _traces(fig, POINTS_TRACE)
    assert points["marker"]["size"][2] > points["marker"]["size"][0]
    # The focused phrase's marker is drawn again, last, over every line and label.
    last = fig.to_dict()["data"][-1]
    assert last["name"] == FOCUS_TRACE and last["customdata"] == [2]
    assert (last["x"], last["y"]) == ([points["x"][2]], [points["y"][2]])


def test_html_in_phrases_is_shown_literally(toy) -> None:
    phrases = ["<b>bold</b>", "<script>alert(1)</script>", '<img src=x onerror="alert(1)">']
    fig = explorer.plot(phrases, model="toy")
    (points,) = _traces(fig, POINTS_TRACE)
    assert points["text"][0] == "&lt;b&gt;bold&lt;/b&gt;"
    assert points["text"][1] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert points["text"][2] == '&lt;img src=x<br>onerror="alert(1)"&gt;'
    for text in [*points["text"], *points["hovertext"]]:
        assert "<script" not in text and "<img" not in text and "<b>bold" not in text


def test_long_phrases_get_short_labels_and_longer_hovers(toy) -> None:
    long = "a very long phrase " * 100
    (points,) = _traces(explorer.plot([long, "short"], model="toy"), POINTS_TRACE)
    first, second = points["text"][0].split("<br>")
    assert len(first) <= 26 and len(second) <= 26 and second.endswith("…")
    assert len(points["hovertext"][0]) < 400


def test_one_phrase_draws_one_point_and_no_lines(toy) -> None:
    fig = explorer.plot(["alone"], model="toy")
    assert len(_traces(fig, POINTS_TRACE)[0]["x"]) == 1
    assert _traces(fig, LINE_TRACE) == []


def test_choose_lines_rules() -> None:
    matrix = distances(np.arange(8)[:, None] * np.ones((1, 2)))
    lines, labelled = choose_lines(matrix, None)
    assert lines == labelled == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]
    lines, labelled = choose_lines(matrix, 0)
    assert lines == [(0, j) for j in range(1, 8)]
    assert labelled == lines[:LABELLED_LINES_MAX]


def test_scene_errors_are_clear(toy) -> None:
    with pytest.raises(ValueError, match="No phrases given"):
        build_scene([], model=toy)
    with pytest.raises(ValueError, match="Selected phrase 5 does not exist; there are 2 phrases"):
        build_scene(["a", "b"], model=toy, selected=5)
    with pytest.raises(ValueError, match="Give phrases as a list"):
        explorer.plot("a cat")


def test_pair_table_compares_true_and_drawn_distances(minilm) -> None:
    scene = build_scene(ANIMALS[:4], model=minilm, metric="cosine")
    table = scene.pair_table()
    assert list(table.columns) == [
        "phrase A", "phrase B", "true distance", "drawn in 2-D", "rank (true)", "rank (drawn)",
    ]  # fmt: skip
    assert len(table) == 6
    assert table["true distance"].is_monotonic_increasing
    first = table.iloc[0]
    i, j = ANIMALS.index(first["phrase A"]), ANIMALS.index(first["phrase B"])
    assert first["true distance"] == pytest.approx(scene.true_distances[i, j])
    assert first["drawn in 2-D"] == pytest.approx(np.linalg.norm(scene.coords[i] - scene.coords[j]))


def test_answer_text_names_the_nearest_and_the_margin(toy) -> None:
    scene = build_scene(["[a](x)", "b", "c"], model=toy)
    answer = scene.answer()
    text = scene.answer_text()
    assert text.startswith("Nearest to **“c”** is **")
    assert f"d={answer.distance:.2f} (euclidean distance on the plane)" in text
    assert f"{answer.ratio:.1f}× as far" in text
    assert build_scene(["only"], model=toy).answer_text() is None


def test_labels_stay_inside_the_plot_and_off_each_other() -> None:
    labels = ["a fairly long label here", "short", "another long label text", "x"]
    coords = np.array([[0.98, 0.0], [0.0, 0.98], [0.5, 0.5], [0.52, 0.5]])
    positions = label_positions(coords, (0, 1), (0, 1), labels)
    assert positions[0].endswith("left")  # at the right edge: the text goes left
    assert not positions[1].startswith("top")  # at the top edge: the text goes beside or below
    pixels = TextLayout((0, 1), (0, 1), DEFAULT_AREA).px(coords)
    boxes = [
        point_label_box(p, x, y, *text_size(t, font_size=13), marker_size=12)
        for p, (x, y), t in zip(positions, pixels, labels, strict=True)
    ]
    assert_apart(boxes, DEFAULT_AREA.width, DEFAULT_AREA.height)


def _scene_text_boxes(fig, area: PlotArea) -> list:
    """Every text box of a Playground figure, estimated as the placement code does:
    phrase labels beside their points, callouts, d= labels, quadrant captions."""
    layout = fig.to_dict()["layout"]
    ranges = aspect_ranges(tuple(layout["xaxis"]["range"]), tuple(layout["yaxis"]["range"]),
                           aspect=area.aspect)  # fmt: skip
    text = TextLayout(*ranges, area)
    (points,) = _traces(fig, POINTS_TRACE)
    pixels = text.px(np.column_stack([points["x"], points["y"]]))
    shown = points.get("texttemplate") or ["%{text}"] * len(pixels)
    boxes = []
    for (x, y), label, position, size, template in zip(
        pixels, points["text"], points["textposition"], points["marker"]["size"], shown,
        strict=True,
    ):  # fmt: skip
        if template:
            w, h = text_size(label, font_size=13)
            boxes.append(point_label_box(position, x, y, w, h, marker_size=size))
    for note in layout.get("annotations", []):
        w, h = text_size(note["text"], font_size=note["font"]["size"])
        w, h = w + 2 * ANNOTATION_PAD, h + 2 * ANNOTATION_PAD
        ((x, y),) = text.px([[note["x"], note["y"]]])
        if note.get("showarrow"):
            x, y = x + note["ax"], y - note["ay"]
        if note.get("xanchor") in ("left", "right"):  # a quadrant caption
            x += w / 2 if note["xanchor"] == "left" else -w / 2
            y += -h / 2 if note["yanchor"] == "top" else h / 2
        boxes.append(centred_box(x, y, w, h))
    return boxes


@pytest.mark.parametrize("count", [3, 6, 12])
@pytest.mark.parametrize("method", ["pca", "umap", "tsne"])
def test_no_label_overlaps_another_on_the_playground(minilm, count, method) -> None:
    phrases = [*ANIMALS, "a red sports car on the highway", "a bowl of hot tomato soup",
               "fresh bread from the bakery", "The meeting is postponed."][:count]  # fmt: skip
    for selected in (None, 1):
        fig = scene_figure(build_scene(phrases, model=minilm, method=method, selected=selected))
        top, bottom = fig.layout.margin.t, fig.layout.margin.b
        area = PlotArea(PLAYGROUND_PLOT_WIDTH, fig.layout.height - top - bottom)
        boxes = _scene_text_boxes(fig, area)
        assert len(boxes) >= count  # the phrase labels (or their callouts) are there
        assert_apart(boxes, area.width, area.height)


def test_the_toy_squares_labels_keep_off_its_quadrant_captions(toy) -> None:
    phrases = ["Good morning, Sir.", "lol ok", "Thank you so much!", "this is awful", "ok",
               "Dear colleagues, we regret to inform you", "yay!!", "meh"]  # fmt: skip
    fig = scene_figure(build_scene(phrases, model=toy))
    area = PlotArea(PLAYGROUND_PLOT_WIDTH, fig.layout.height - fig.layout.margin.t - 68)
    boxes = _scene_text_boxes(fig, area)
    assert len(boxes) >= len(phrases) + 4
    assert_apart(boxes, area.width, area.height)


def test_search_map_gives_each_of_24_topics_its_own_colour(minilm) -> None:
    from explorer.models.doc_cache import DocumentCache

    topics = [f"topic {i:02d}" for i in range(25)]
    texts = [f"a short note number {i} about {topic}" for i, topic in enumerate(topics)]
    index = explorer.build_index(texts, model=minilm, cache=DocumentCache(None))
    smap = explorer.build_search_map(index, "a note", [], topics=topics)
    data = json.loads(explorer.search_map_figure(smap).to_json())["data"]
    styles = {
        t["name"]: (t["marker"]["color"], t["marker"]["symbol"])
        for t in data
        if t.get("meta", {}).get("role") == "corpus"
    }
    first = [styles[topic] for topic in topics[:24]]
    assert [colour for colour, _ in first] == list(category_palette())
    assert {symbol for _, symbol in first} == {"circle"}
    # Past the palette a colour comes back, with another marker shape.
    assert styles[topics[24]] == (category_palette()[0], "square")


def test_base_layout_is_the_one_layout_of_every_chart(toy) -> None:
    import plotly.graph_objects as go

    fig = base_layout(go.Figure(), title="T", subtitle="S", height=300, margin={"t": 95})
    layout = fig.to_dict()["layout"]
    assert layout["title"] == {"text": "T", "subtitle": {"text": "S"}, "x": 0.01, "xanchor": "left"}
    assert layout["margin"] == {"l": 60, "r": 30, "t": 95, "b": 60}
    assert (layout["plot_bgcolor"], layout["hovermode"], layout["height"]) == (
        "white",
        "closest",
        300,
    )
    for axis in ("xaxis", "yaxis"):
        assert layout[axis] == {"showgrid": True, "gridcolor": "#eee", "zeroline": False}
    plain = base_layout(go.Figure(), title="T", height=300, grid=False).to_dict()["layout"]
    assert "subtitle" not in plain["title"] and plain["xaxis"]["showgrid"] is False
    scene = scene_figure(build_scene(["a", "b"], model=toy)).to_dict()["layout"]
    assert scene["plot_bgcolor"] == "white" and scene["title"]["xanchor"] == "left"
    assert scene["xaxis"]["gridcolor"] == "#eee" and scene["hovermode"] == "closest"
