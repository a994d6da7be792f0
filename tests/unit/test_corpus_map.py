"""The corpus map at scale: WebGL, binary coordinates, labels off, colours, hits, neighbours."""

from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from explorer.config import (
    CORPUS_COLOR_CATEGORIES,
    CORPUS_HOVER_TEXT_MAX,
    CORPUS_LABELS_MAX,
    CORPUS_POINTS_MAX,
    CORPUS_SAMPLE_POINTS,
    CORPUS_WEBGL_MIN,
    DATA_DIR,
)
from explorer.figures.corpus import (
    DOCUMENTS_TRACE,
    HITS_TRACE,
    LINES_TRACE,
    NEIGHBOURS_TRACE,
    OTHER,
    ROW_ONLY_NOTE,
    SELECTED_TRACE,
    Neighbour,
    coloring,
    corpus_figure,
    drawing_notes,
)
from explorer.figures.corpus_raster import drawn_rows, raster_image
from explorer.figures.style import (
    CATEGORY_MIN_CHROMA,
    OTHER_COLOR,
    category_palette,
    chroma_lightness,
    cielab,
)
from tests.unit.boxes import assert_apart


def _coords(n: int) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 2))


def test_a_small_corpus_gets_svg_points_with_escaped_labels_and_hover() -> None:
    texts = ["<script>alert(1)</script>", "a & b", "plain"]
    fig = corpus_figure(_coords(3), texts, title="t")
    (trace,) = fig.data
    assert trace.type == "scatter" and trace.mode == "markers+text"
    assert list(trace.text) == ["&lt;script&gt;alert(1)&lt;/script&gt;", "a &amp; b", "plain"]
    assert "&lt;script&gt;" in trace.hovertext[0] and "<script>" not in trace.hovertext[0]
    assert list(trace.customdata) == [1, 2, 3]  # row numbers, as the page counts them
    assert trace.hovertemplate.startswith("row %{customdata}<br>%{hovertext}")


def test_a_big_corpus_is_drawn_with_webgl_binary_arrays_and_no_labels() -> None:
    n = CORPUS_HOVER_TEXT_MAX
    texts = [f"document number {i} " + "x" * 300 for i in range(n)]
    fig = corpus_figure(_coords(n), texts, title="t")
    (trace,) = fig.data
    assert trace.type == "scattergl" and trace.mode == "markers" and trace.text is None
    spec = json.loads(pio.to_json(fig, validate=False))["data"][0]
    # Coordinates travel as base64 float32, not as thousands of decimal numbers.
    assert spec["x"]["dtype"] == "f4" and spec["customdata"]["dtype"] == "i4"
    x = np.frombuffer(base64.b64decode(spec["x"]["bdata"]), dtype=np.float32)
    np.testing.assert_allclose(x, _coords(n)[:, 0].astype(np.float32))
    # Hover text is cut short, so long documents stay light.
    assert max(len(h) for h in trace.hovertext) < 220
    assert len(pio.to_json(fig, validate=False)) < 5_000_000
    notes = drawing_notes(n)
    assert any(f"above {CORPUS_LABELS_MAX:,} points" in note for note in notes)
    assert any("WebGL" in note and "160 characters" in note for note in notes)


def _decoded(spec: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype=spec["dtype"])


def test_hover_text_stops_exactly_above_its_limit_and_rows_stay_binary() -> None:
    texts = [f"doc {i} <b>bold</b> & %{{x}}" for i in range(CORPUS_HOVER_TEXT_MAX + 1)]
    at = corpus_figure(_coords(len(texts) - 1), texts[:-1], title="t").data[0]
    assert at.hovertext[3] == "doc 3 &lt;b&gt;bold&lt;/b&gt; &amp; %{x}"
    assert at.hovertemplate == "row %{customdata}<br>%{hovertext}<extra></extra>"
    fig = corpus_figure(_coords(len(texts)), texts, title="t")
    (trace,) = fig.data
    assert trace.hovertext is None and trace.text is None
    assert trace.hovertemplate == "row %{customdata}<extra></extra>"
    spec = json.loads(pio.to_json(fig, validate=False))["data"][0]
    assert "hovertext" not in spec and "doc 3" not in json.dumps(spec)
    assert spec["customdata"]["dtype"] == "i4" and spec["x"]["dtype"] == "f4"
    assert _decoded(spec["customdata"]).tolist() == list(range(1, len(texts) + 1))
    notes = drawing_notes(len(texts))
    assert f"above {CORPUS_HOVER_TEXT_MAX:,} points the map carries no text" in notes[1]
    assert ROW_ONLY_NOTE in notes[1] and "click a point to read its text" in notes[0]
    assert not any(ROW_ONLY_NOTE in note for note in drawing_notes(len(texts) - 1))


def test_above_the_limit_hover_names_the_category_or_the_value_from_the_template() -> None:
    n = CORPUS_HOVER_TEXT_MAX + 10
    topics = coloring(["a <i>", "b"] * (n // 2), column="topic")
    traces = corpus_figure(_coords(n), ["t"] * n, title="t", color=topics).data
    assert [t.name for t in traces] == ["a &lt;i&gt;", "b"]
    assert all(t.hovertemplate == "<b>%{fullData.name}</b> · row %{customdata}<extra></extra>"
               and t.hovertext is None for t in traces)  # fmt: skip
    assert traces[1].customdata[:2].tolist() == [2, 4]
    stars = np.arange(n, dtype=np.float64) / 7
    stars[5] = np.nan
    color = coloring(stars.tolist(), column="<stars> %{x}")
    fig = corpus_figure(_coords(n), ["t"] * n, title="t", color=color)
    values, missing = fig.data
    assert values.hovertemplate == (
        "<b>&lt;stars&gt; &#37;{x} = %{marker.color:.4~g}</b> · row %{customdata}<extra></extra>"
    )
    spec = json.loads(pio.to_json(fig, validate=False))["data"]
    assert spec[0]["marker"]["color"]["dtype"] == "f4"
    assert 6 not in _decoded(spec[0]["customdata"]).tolist()
    assert missing.name == "(missing)" and missing.customdata.tolist() == [6]
    assert missing.marker.color == OTHER_COLOR  # as the colour's note says: drawn grey


def test_a_million_points_are_one_image_and_a_sample_in_a_page_under_forty_megabytes() -> None:
    n = 1_000_000
    stars = np.random.default_rng(1).uniform(0, 5, n)
    color = coloring(pd.Series(stars), column="stars")
    coords = _coords(n).astype(np.float32)
    far = int(np.argmax(coords[:, 0]))  # a hit that the sample may leave out still shows
    fig = corpus_figure(coords, ["t"] * n, title="t", color=color, hits=[far, 2], selected=3,
                        neighbours=[Neighbour(4, 0.5)])  # fmt: skip
    payload = pio.to_json(fig.to_dict(), validate=False)  # as st.plotly_chart sends it
    assert len(payload) < 40_000_000
    spec = json.loads(payload)
    (image,) = spec["layout"]["images"]
    assert image["source"].startswith("data:image/png;base64,") and image["layer"] == "below"
    assert image["x"] == fig.layout.xaxis.range[0] and image["sizing"] == "stretch"
    points = spec["data"][0]
    assert "hovertext" not in points
    rows = _decoded(points["customdata"])
    assert len(rows) == CORPUS_SAMPLE_POINTS == len(set(rows.tolist()))  # a sample, each once
    assert rows.min() >= 1 and rows.max() <= n
    again = corpus_figure(coords, ["t"] * n, title="t", color=color).data[0].customdata
    assert again.tolist() == rows.tolist()  # the same sample on every rerun
    by_name = {t.name: t for t in fig.data}
    assert list(by_name[HITS_TRACE].customdata) == [far + 1, 3]
    assert by_name[SELECTED_TRACE].customdata[0] == 4
    assert any("an image of all 1,000,000" in note for note in drawing_notes(n))
    assert not any("image" in note for note in drawing_notes(CORPUS_POINTS_MAX))


def test_the_image_colours_each_pixel_by_its_most_common_group() -> None:
    from PIL import Image

    coords = np.array([[0.1, 0.1]] * 3 + [[0.1, 0.1]] + [[0.9, 0.9]] * 2)
    groups = [(np.array([0, 1, 2]), "#ff0000"), (np.array([3, 4, 5]), "#0000ff")]
    image = raster_image(coords, groups, x_range=(0, 1), y_range=(0, 1), size=(2, 2))
    png = base64.b64decode(image["source"].split(",", 1)[1])
    pixels = np.asarray(Image.open(__import__("io").BytesIO(png)).convert("RGBA"))
    assert pixels[1, 0, :3].tolist() == [255, 0, 0]  # bottom left: 3 red, 1 blue
    assert pixels[0, 1, :3].tolist() == [0, 0, 255]  # top right: 2 blue
    assert pixels[1, 0, 3] == 255 > pixels[0, 1, 3] > 0  # more points, darker
    assert pixels[0, 0, 3] == 0  # nothing there: transparent
    assert drawn_rows(10, limit=4, sample=3).tolist() == drawn_rows(10, limit=4, sample=3).tolist()


def test_labels_switch_off_exactly_above_the_limit() -> None:
    at = corpus_figure(_coords(CORPUS_LABELS_MAX), ["t"] * CORPUS_LABELS_MAX, title="t")
    over = CORPUS_LABELS_MAX + 1
    above = corpus_figure(_coords(over), ["t"] * over, title="t")
    assert at.data[0].mode == "markers+text" and above.data[0].mode == "markers"
    assert drawing_notes(CORPUS_LABELS_MAX) == []
    assert (
        corpus_figure(_coords(CORPUS_WEBGL_MIN), ["t"] * CORPUS_WEBGL_MIN, title="t").data[0].type
        == "scattergl"
    )


def test_categories_get_one_trace_each_and_rare_ones_share_other() -> None:
    values = [f"topic {i}" for i in range(CORPUS_COLOR_CATEGORIES + 3)] * 2 + ["topic 0"] * 5
    values[1] = None
    color = coloring(values, column="topic")
    assert "3 are grey" in color.note or "other 3" in color.note
    fig = corpus_figure(_coords(len(values)), [f"d{i}" for i in range(len(values))], title="t",
                        color=color)  # fmt: skip
    names = [t.name for t in fig.data]
    assert names[0] == "topic 0"  # the most common first
    assert OTHER in names and "(missing)" in names
    assert len(names) == CORPUS_COLOR_CATEGORIES + 2
    rows = sorted(int(i) for t in fig.data for i in t.customdata)
    assert rows == list(range(1, len(values) + 1))  # every row drawn once
    assert fig.data[0].hovertemplate.startswith("<b>%{fullData.name}</b>")


def test_a_numeric_column_gets_a_colour_scale() -> None:
    stars = [float(i % 50) for i in range(200)]
    stars[3] = float("nan")
    color = coloring(stars, column="stars")
    assert color.numbers is not None and "1 rows have no" in color.note
    trace, missing = corpus_figure(_coords(200), ["d"] * 200, title="t", color=color).data
    assert trace.marker.showscale and trace.marker.colorscale
    assert "stars = 2" in trace.hovertext[2]
    assert missing.name == "(missing)" and list(missing.customdata) == [4]
    assert missing.hovertext == ("<b>(missing)</b><br>d",)


def test_hits_and_a_clicked_point_with_its_neighbours_are_drawn_on_top() -> None:
    coords = _coords(50)
    fig = corpus_figure(
        coords, [f"d{i}" for i in range(50)], title="t", hits=[4, 9], hit_scores=[0.9, 0.8],
        selected=7, neighbours=[Neighbour(3, 0.12), Neighbour(8, 0.3)],
        space="cosine distance in all 384 dimensions",
    )  # fmt: skip
    by_name = {t.name: t for t in fig.data}
    assert list(by_name) == [DOCUMENTS_TRACE, LINES_TRACE, NEIGHBOURS_TRACE, HITS_TRACE,
                             SELECTED_TRACE]  # fmt: skip
    assert list(by_name[HITS_TRACE].text) == ["1", "2"]
    assert by_name[HITS_TRACE].x[0] == pytest.approx(coords[4, 0], rel=1e-6)
    assert by_name[SELECTED_TRACE].customdata[0] == 8
    assert list(by_name[HITS_TRACE].customdata) == [5, 10]
    lines = by_name[LINES_TRACE]
    assert lines.x[2] is None and lines.x[5] is None
    expected = [coords[7, 0], coords[3, 0], coords[7, 0], coords[8, 0]]
    assert [lines.x[i] for i in (0, 1, 3, 4)] == pytest.approx(expected, rel=1e-6)
    assert [a.text for a in fig.layout.annotations] == ["d=0.12", "d=0.30"]
    assert "cosine distance in all 384 dimensions" in fig.layout.title.subtitle.text


def test_coordinates_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(ValueError, match=r"expected \(3, 2\)"):
        corpus_figure(np.zeros((2, 2)), ["a", "b", "c"], title="t")


def _category_colours(fig) -> dict[str, str]:
    """Each corpus trace's name and marker colour, read from the figure's JSON."""
    data = json.loads(pio.to_json(fig))["data"]
    return {
        t["name"]: t["marker"]["color"] for t in data if t.get("meta", {}).get("role") == "corpus"
    }


def _assert_apart(colours: list[str]) -> None:
    """Distinct, none the grey of "other", none near-grey, each far from every other."""
    assert len(set(colours)) == len(colours)
    assert OTHER_COLOR not in colours
    assert min(chroma_lightness(c)[0] for c in colours) >= CATEGORY_MIN_CHROMA
    lab = cielab(colours)
    apart = np.linalg.norm(lab[:, None] - lab[None], axis=2) + np.eye(len(colours)) * 1e9
    assert apart.min() > 20  # CIELAB ΔE: 2 is a just-noticeable difference


def test_the_samples_14_topics_get_14_colours_apart_and_none_grey() -> None:
    sample = pd.read_csv(DATA_DIR / "search_corpus.csv")
    topics = sample["topic"].tolist()
    color = coloring(topics, column="topic")
    assert color.note is None  # no topic is grouped into "other"
    fig = corpus_figure(_coords(len(topics)), sample["text"].tolist(), title="t", color=color)
    colours = _category_colours(fig)
    assert sorted(colours) == sorted(set(topics)) and len(colours) == 14
    _assert_apart(list(colours.values()))
    # The pairs that used to share a colour (issue 12) no longer do.
    assert colours["cars"] != colours["sport"] and colours["cooking"] != colours["tech"]


def test_24_categories_get_24_colours_and_the_25th_is_grey_other() -> None:
    values = [f"c{i:02d}" for i in range(24) for _ in range(2)]
    fig = corpus_figure(_coords(len(values)), values, title="t", color=coloring(values, column="c"))
    colours = _category_colours(fig)
    assert len(colours) == 24 == CORPUS_COLOR_CATEGORIES
    _assert_apart(list(colours.values()))
    assert tuple(colours.values()) == category_palette()
    more = values + ["rare"]
    fig = corpus_figure(_coords(len(more)), more, title="t", color=coloring(more, column="c"))
    colours = _category_colours(fig)
    assert colours.pop(OTHER) == OTHER_COLOR and len(set(colours.values())) == 24


def test_labels_numbers_and_distances_never_overlap_and_the_star_is_last() -> None:
    """200 labelled documents, 20 numbered hits, a clicked point with 10 neighbours:
    every text drawn (estimated as the placement code does) stays apart."""
    from explorer.figures.corpus import CORPUS_PLOT_WIDTH, MARGIN_BOTTOM, MARGIN_TOP
    from explorer.figures.labels import (
        ANNOTATION_PAD,
        PlotArea,
        TextLayout,
        centred_box,
        point_label_box,
        text_size,
    )

    n = 200
    coords = _coords(n)
    texts = [f"document {i} about something" for i in range(n)]
    hits = list(range(20))
    neighbours = [Neighbour(20 + i, 0.1 + i / 100) for i in range(10)]
    fig = corpus_figure(coords, texts, title="t", hits=hits, selected=40, neighbours=neighbours)
    assert [t.name for t in fig.data][-3:] == [NEIGHBOURS_TRACE, HITS_TRACE, SELECTED_TRACE]
    layout = fig.to_dict()["layout"]
    area = PlotArea(CORPUS_PLOT_WIDTH, 660 - MARGIN_TOP - MARGIN_BOTTOM)
    text = TextLayout(tuple(layout["xaxis"]["range"]), tuple(layout["yaxis"]["range"]), area)
    boxes = []
    for trace in fig.data:
        if trace.text is None:
            continue
        shown = trace.texttemplate or ["%{text}"] * len(trace.text)
        pixels = text.px(np.column_stack([trace.x, trace.y]))
        for (x, y), label, position, template in zip(
            pixels, trace.text, trace.textposition, shown, strict=True
        ):
            if template:
                w, h = text_size(label, font_size=trace.textfont.size)
                boxes.append(point_label_box(position, x, y, w, h, marker_size=trace.marker.size))
    distances = [a for a in layout["annotations"] if a["text"].startswith("d=")]
    assert len(distances) >= 5
    for note in distances:
        w, h = text_size(note["text"], font_size=note["font"]["size"])
        ((x, y),) = text.px([[note["x"], note["y"]]])
        boxes.append(centred_box(x, y, w + 2 * ANNOTATION_PAD, h + 2 * ANNOTATION_PAD))
    # Crowded: some documents' labels are left to the hover, many are drawn.
    (documents,) = [t for t in fig.data if t.name == DOCUMENTS_TRACE]
    assert 10 < sum(bool(t) for t in documents.texttemplate) < n
    assert_apart(boxes, area.width, area.height)


def test_above_the_points_limit_a_selection_rings_only_the_sampled_rows() -> None:
    from explorer.figures.corpus_layers import rows_trace

    n = CORPUS_POINTS_MAX + 1
    coords = np.random.default_rng(2).normal(size=(n, 2))
    everything = rows_trace(coords, ["t"] * n, range(n), name="selected", color="#e377c2")
    drawn = np.flatnonzero(drawn_rows(n)) + 1
    assert everything.customdata.tolist() == drawn.tolist()  # 50,000 rings, not 100,001
    small = rows_trace(coords[:10], ["t"] * 10, [3, 7], name="selected", color="#e377c2")
    assert small.customdata.tolist() == [4, 8]


def test_zoomed_in_above_the_limit_the_view_is_drawn_in_detail() -> None:
    """Issue 13 §5: a map drawn as an image with a sample, zoomed in (the chart sends its
    ranges): the image covers the view alone, at full resolution, and the points drawn
    are every row in view up to CORPUS_SAMPLE_POINTS (a seeded sample of them above)."""
    from PIL import Image

    from explorer.figures.corpus_layers import rows_trace
    from explorer.figures.corpus_raster import ZOOM_NOTE, in_view

    n = 1_000_000
    coords = np.random.default_rng(4).normal(size=(n, 2)).astype(np.float32)
    whole = corpus_figure(coords, ["t"] * n, title="t", revision="map-a")
    assert whole.layout.meta == {"zoom_detail": True} and whole.layout.uirevision == "map-a"
    small_view = ((2.0, 2.6), (-0.3, 0.3))  # some 4,000 rows: all drawn
    inside = in_view(coords, small_view)
    fig = corpus_figure(coords, ["t"] * n, title="t", view=small_view, revision="map-a")
    assert tuple(fig.layout.xaxis.range) == (2.0, 2.6) and tuple(fig.layout.yaxis.range) == (
        -0.3, 0.3,
    )  # fmt: skip
    rows = _decoded(fig.to_plotly_json()["data"][0]["customdata"]) - 1
    assert sorted(rows.tolist()) == np.flatnonzero(inside).tolist() and 0 < len(rows) < 10_000
    (image,) = fig.layout.images
    assert (image.x, image.y, image.sizex) == (2.0, 0.3, pytest.approx(0.6))
    png = base64.b64decode(image.source.split(",", 1)[1])
    alpha = np.asarray(Image.open(__import__("io").BytesIO(png)).convert("RGBA"))[..., 3]
    assert 0 < (alpha > 0).sum() <= inside.sum()  # the rows in view, none clipped onto its edges
    assert fig.layout.meta["zoom_note"] == ZOOM_NOTE.format(inside=int(inside.sum()), shown="all")
    big_view = ((-1.0, 1.0), (-1.0, 1.0))  # about 466,000 rows: a sample of them
    big = corpus_figure(coords, ["t"] * n, title="t", view=big_view)
    drawn = _decoded(big.to_plotly_json()["data"][0]["customdata"]) - 1
    assert len(drawn) == CORPUS_SAMPLE_POINTS and in_view(coords[drawn], big_view).all()
    panned = ((-0.9, 1.1), (-1.0, 1.0))
    again = _decoded(corpus_figure(coords, ["t"] * n, title="t", view=panned).to_plotly_json()[
        "data"][0]["customdata"]) - 1  # fmt: skip
    assert len(set(drawn) & set(again)) > 0.8 * CORPUS_SAMPLE_POINTS  # a pan keeps most
    assert "50,000 drawn as points" in big.layout.meta["zoom_note"]
    ring = rows_trace(coords, ["t"] * n, np.flatnonzero(inside), name="s", color="#000",
                      view=small_view)  # fmt: skip
    assert sorted(ring.customdata - 1) == np.flatnonzero(inside).tolist()
    small = corpus_figure(_coords(100), ["t"] * 100, title="t", view=small_view)
    assert small.layout.meta is None and not small.layout.images  # a small map zooms itself


def test_a_view_from_the_browser_is_taken_only_when_it_is_one() -> None:
    from explorer.figures.corpus_raster import checked_view

    assert checked_view({"x": [0, 2.5], "y": (1, 3)}) == ((0.0, 2.5), (1.0, 3.0))
    nan, inf = float("nan"), float("inf")
    for bad in (None, [], {"x": [0, 1]}, {"x": [0, "a"], "y": [0, 1]},
                {"x": [0, 1, 2], "y": [0, 1]}, {"x": [0, nan], "y": [0, 1]},
                {"x": [0, 1], "y": [2, 2]}, {"x": "01", "y": [0, 1]},
                {"x": [0, inf], "y": [0, 1]}, {"x": ["0", 2], "y": [0, 1]},
                {"x": [False, True], "y": [0, 1]}):  # fmt: skip
        assert checked_view(bad) is None, bad
