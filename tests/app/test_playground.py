"""The Playground driven through Streamlit's AppTest: widgets by key, messages word for word."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer.config import (
    IMPORT_MAX_BYTES,
    MAX_PHRASE_CHARS,
    MAX_PHRASES,
    RANDOM_PAIR_QUANTILE,
    TOY_DISTANCE_AXES,
)
from explorer.figures.style import point_label
from explorer.phrases import markdown_escape
from explorer.presets import ARTICLE_PHRASES, TOPIC_PHRASES
from explorer.space.article import article_callout
from explorer.space.inside import cosine_baseline
from explorer.ui.settings import TOY_NOTE

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SETTINGS = ("model", "method", "metric")


@pytest.fixture
def app(minilm) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    return at.run()


def figure(at: AppTest) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def points(at: AppTest) -> dict:
    (trace,) = [t for t in figure(at)["data"] if t["name"] == "phrases"]
    return trace


def distance_labels(at: AppTest) -> list[str]:
    return [a["text"] for a in figure(at)["layout"]["annotations"] if a["text"].startswith("d=")]


def type_phrases(at: AppTest, text: str) -> AppTest:
    return at.text_area(key="phrases_text").input(text).run()


def messages(at: AppTest) -> dict[str, list[str]]:
    return {
        "error": [e.value for e in at.error],
        "warning": [w.value for w in at.warning],
        "info": [i.value for i in at.info],
    }


def test_first_visit_shows_the_article_on_the_toy_model(app, toy) -> None:
    assert not app.exception
    assert points(app)["text"] == [point_label(p) for p in ARTICLE_PHRASES]
    assert len(distance_labels(app)) == 3
    assert figure(app)["layout"]["xaxis"]["title"]["text"] == "casual → formal"
    assert messages(app) == {"error": [], "warning": [], "info": []}


def test_typing_phrases_draws_them_with_their_distances(app, toy) -> None:
    phrases = ["I adore this!", "This is dreadful.", "Pursuant to section 4"]
    type_phrases(app, "\n".join(phrases))
    trace = points(app)
    assert trace["text"] == phrases
    coords = toy.encode(phrases)
    assert np.allclose(np.column_stack([trace["x"], trace["y"]]), coords, atol=1e-6)
    true = np.linalg.norm(coords[:, None] - coords[None], axis=-1)
    assert sorted(distance_labels(app)) == sorted(
        f"d={true[i, j]:.2f}" for i, j in [(0, 1), (0, 2), (1, 2)]
    )
    answer = [m.value for m in app.markdown if m.value.startswith("Nearest to")]
    assert len(answer) == 1 and "Pursuant to section 4" in answer[0]


def test_real_model_shows_projection_axes_and_the_pair_table(app) -> None:
    type_phrases(app, "a cat\na dog\na truck\na bus")
    app.radio(key="model").set_value("minilm").run()
    layout = figure(app)["layout"]
    assert layout["xaxis"]["title"]["text"].startswith("PC1 (")
    captions = " ".join(c.value for c in app.caption)
    assert "The projected axes carry no meaning" in captions
    (table,) = app.dataframe
    assert list(table.value.columns) == [
        "phrase A", "phrase B", "true distance", "drawn in 2-D", "rank (true)", "rank (drawn)",
    ]  # fmt: skip
    assert len(table.value) == 6
    assert (
        "cosine distance in all 384 dimensions"
        in (figure(app)["layout"]["title"]["subtitle"]["text"])
    )  # the real model's default
    app.radio(key="metric").set_value("euclidean").run()
    assert (
        "euclidean distance in all 384 dimensions"
        in (figure(app)["layout"]["title"]["subtitle"]["text"])
    )


def test_presets_load_their_phrases_and_model(app) -> None:
    app.button(key="preset_topics").click().run()
    assert app.text_area(key="phrases_text").value == "\n".join(TOPIC_PHRASES)
    assert app.radio(key="model").value == "minilm"
    assert points(app)["text"] == [point_label(p) for p in TOPIC_PHRASES]
    app.button(key="preset_article").click().run()
    assert app.radio(key="model").value == "toy"
    assert points(app)["text"] == [point_label(p) for p in ARTICLE_PHRASES]


def test_selecting_a_phrase_draws_its_lines_to_all_others(app) -> None:
    app.button(key="preset_topics").click().run()
    app.selectbox(key="focus").set_value(1).run()  # option i is phrase i (1-based)
    lines = [t for t in figure(app)["data"] if t["name"] == "distance"]
    assert len(lines) == len(TOPIC_PHRASES) - 1
    assert all(0 in line["meta"]["pair"] for line in lines)
    answer = [m.value for m in app.markdown if m.value.startswith("Nearest to")]
    assert "a cat sleeping on the sofa" in answer[0]


def test_umap_on_too_few_phrases_falls_back_with_a_notice(app) -> None:
    type_phrases(app, "one\ntwo")
    app.radio(key="model").set_value("minilm").run()
    app.selectbox(key="method").set_value("umap").run()
    assert messages(app)["info"] == [
        "UMAP needs at least 4 phrases, got 2; showing PCA instead. Add phrases to use UMAP."
    ]
    assert len(points(app)["x"]) == 2


@pytest.mark.parametrize("text", ["", "   \n\n\t", "\u200b\n\u200d"])
def test_empty_input_asks_for_phrases_and_keeps_the_text(app, text) -> None:
    type_phrases(app, text)
    assert messages(app)["info"] == [
        "Type at least one phrase, one per line, or load a preset above."
    ]
    assert app.get("plotly_chart") == []
    assert app.text_area(key="phrases_text").value == text
    assert not app.exception


def test_duplicates_are_merged_with_a_note(app) -> None:
    type_phrases(app, "cat\ndog\ncat")
    assert messages(app)["warning"] == ["Merged 1 duplicate line: “cat”."]
    assert points(app)["text"] == ["cat", "dog"]


def test_one_phrase_is_one_point_with_a_hint(app) -> None:
    type_phrases(app, "just me")
    assert messages(app)["info"] == [
        "One phrase is one point: add a second phrase to see a distance."
    ]
    assert len(points(app)["x"]) == 1 and distance_labels(app) == []


def test_more_phrases_than_the_limit_are_cut_with_the_limit_stated(app) -> None:
    text = "\n".join(f"phrase number {i}" for i in range(MAX_PHRASES + 30))
    type_phrases(app, text)
    assert messages(app)["warning"] == [
        f"Only the first {MAX_PHRASES} phrases are shown (the limit); 30 more lines were left out."
    ]
    assert len(points(app)["x"]) == MAX_PHRASES
    assert app.text_area(key="phrases_text").value == text


def test_a_10000_character_phrase_is_truncated_for_the_model_with_a_note(app) -> None:
    type_phrases(app, "short one\n" + "x" * 10_000)
    assert messages(app)["warning"] == [
        f"Phrase 2 (“{'x' * 31}…”) has 10,000 characters; the model reads only its first "
        f"{MAX_PHRASE_CHARS:,}."
    ]
    assert len(points(app)["x"]) == 2


def test_html_emoji_and_rtl_are_shown_literally(app) -> None:
    phrases = [
        "<b>bold</b>",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "🎉🔥",
        "שלום עולם",
    ]
    type_phrases(app, "\n".join(phrases))
    assert not app.exception
    labels = points(app)["text"]
    assert labels[0] == "&lt;b&gt;bold&lt;/b&gt;"
    assert labels[2] == "&lt;img src=x<br>onerror=alert(1)&gt;"
    assert labels[3:] == ["🎉🔥", "שלום עולם"]
    answer = [m.value for m in app.markdown if m.value.startswith("Nearest to")][0]
    # Markdown shows a backslash-escaped character literally: no "<" may stay bare.
    assert f"“{markdown_escape('<img src=x onerror=alert(1)>')}”" in answer
    assert re.search(r"(?<!\\)<", answer) is None


def test_the_map_exports_html_csv_and_projector_files(app) -> None:
    names = {b.proto.label: b for b in app.get("download_button")}
    assert set(names) == {
        "Interactive map (HTML)",
        "Points (CSV)",
        "Distances (CSV)",
        "Embedding Projector (zip)",
    }


def projector_upload(phrases: list[str], vectors: np.ndarray) -> list[tuple[str, bytes, str]]:
    from explorer.documents.writers import projector_tsv

    vectors_tsv, metadata_tsv = projector_tsv(vectors, phrases)
    return [
        ("vectors.tsv", vectors_tsv.encode(), "text/tab-separated-values"),
        ("metadata.tsv", metadata_tsv.encode(), "text/tab-separated-values"),
    ]


def test_imported_vectors_are_drawn_without_re_embedding(app, minilm) -> None:
    phrases = ["a cat", "a dog", "a truck", "<b>bold</b> move"]
    vectors = minilm.encode(phrases)
    app.text_area(key="phrases_text").set_value("my own\nphrases").run()
    app.file_uploader(key="import_files").set_value(projector_upload(phrases, vectors)).run()
    app.button(key="import_button").click().run()
    assert not app.exception
    assert app.radio(key="model").value == "imported"
    assert app.text_area(key="phrases_text").value == "\n".join(phrases)
    assert any("Imported 4 vectors of 384 dimensions" in s.value for s in app.success)
    reference = AppTest.from_file(APP, default_timeout=120).run()
    reference.text_area(key="phrases_text").set_value("\n".join(phrases)).run()
    reference.radio(key="model").set_value("minilm").run()
    assert points(app)["x"] == pytest.approx(points(reference)["x"], abs=1e-5)
    assert points(app)["y"] == pytest.approx(points(reference)["y"], abs=1e-5)
    # A phrase the file does not hold cannot be drawn with its vectors: said, not crashed.
    app.text_area(key="phrases_text").set_value("a cat\nsomething new").run()
    assert "1 phrase is not in the imported vectors" in app.error[0].value
    app.button(key="restore_typed").click().run()
    assert app.text_area(key="phrases_text").value == "my own\nphrases"
    assert app.radio(key="model").value == "minilm"


def test_a_broken_import_says_why_and_keeps_what_was_there(app) -> None:
    before = points(app)["x"]
    bad = [("vectors.tsv", b"1\t2\n3\n", "text/tab-separated-values")]
    app.file_uploader(key="import_files").set_value(bad).run()
    app.button(key="import_button").click().run()
    assert not app.exception
    assert app.error[0].value.startswith(
        markdown_escape("vectors.tsv, line 2 has 1 values but the first")
    )
    assert app.radio(key="model").value == "toy"
    assert points(app)["x"] == before


def test_the_settings_are_shared_by_every_page_that_uses_them(app) -> None:
    app.radio(key="model").set_value("minilm").run()
    app.selectbox(key="method").set_value("tsne").run()
    app.radio(key="metric").set_value("euclidean").run()
    app.switch_page("pages/axes.py").run()  # uses none of them: none is shown
    assert not app.exception
    assert [w.key for w in (*app.radio, *app.selectbox) if w.key in SETTINGS] == []
    app.switch_page("pages/fidelity.py").run()
    assert app.selectbox(key="method").value == "tsne"
    assert app.radio(key="metric").value == "euclidean"
    assert [w.key for w in app.radio if w.key == "model"] == []  # always the real model
    app.selectbox(key="method").set_value("umap").run()
    app.switch_page("pages/compare.py").run()
    assert app.selectbox(key="method").value == "umap"
    assert any("drawn with **UMAP**" in c.value for c in app.caption)
    app.switch_page("pages/playground.py").run()
    assert (app.radio(key="model").value, app.selectbox(key="method").value) == ("minilm", "umap")
    assert app.radio(key="metric").value == "euclidean"
    assert messages(app)["info"] == [  # the article's 3 phrases: UMAP was asked for
        "UMAP needs at least 4 phrases, got 3; showing PCA instead. Add phrases to use UMAP."
    ]


def answer_of(at: AppTest) -> str:
    (answer,) = [m.value for m in at.markdown if m.value.startswith(("Nearest to", "No phrase"))]
    return answer


def test_the_toy_model_measures_distance_on_one_axis(app, toy) -> None:
    assert [r.key for r in app.radio if r.key in ("line_distances", "method", "metric")] == []
    assert TOY_NOTE in [c.value for c in app.sidebar.caption]
    assert app.radio(key="toy_axes").options == list(TOY_DISTANCE_AXES.values())
    app.radio(key="toy_axes").set_value("tone").run()
    coords = toy.encode(ARTICLE_PHRASES)
    tone = np.abs(coords[:, 1, None] - coords[None, :, 1])
    assert sorted(distance_labels(app)) == sorted(
        f"d={tone[i, j]:.2f}" for i, j in [(0, 1), (0, 2), (1, 2)]
    )
    assert answer_of(app).startswith(
        "Nearest to **“Hey sorry can't make it tonight, something came up”** is **“Dear sir"
    )
    assert "(distance on tone only (negative → positive))" in answer_of(app)
    (table,) = app.dataframe
    assert table.value["distance"].round(6).tolist() == sorted(
        round(float(tone[i, j]), 6) for i, j in [(0, 1), (0, 2), (1, 2)]
    )
    app.radio(key="toy_axes").set_value("formality").run()
    assert "(distance on formality only (casual → formal))" in answer_of(app)


def test_the_article_preset_shows_the_computed_callout_and_a_tone_button(app) -> None:
    lines = article_callout().lines()
    shown = [m.value for m in app.markdown]
    assert "\n".join(f"- {line}" for line in lines) in shown
    assert "lessgo" in answer_of(app).split(" is ")[1]
    app.button(key="tone_only").click().run()
    assert app.radio(key="toy_axes").value == "tone"
    assert "Dear sir" in answer_of(app).split(" is ")[1]
    assert [b.key for b in app.button if b.key == "tone_only"] == []  # already on tone
    type_phrases(app, "\n".join(ARTICLE_PHRASES[:2]))
    assert [c for c in app.markdown if c.value == "**The article's picture, measured**"] == []


def test_an_unknown_axes_value_in_the_link_warns_and_measures_both(minilm) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = "toy"
    at.query_params["axes"] = "diagonal"
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "The link asks for axes “diagonal”, which is not one of both, tone, formality; "
        "using the default."
    ]
    assert at.radio(key="toy_axes").value == "both"


def test_unrelated_phrases_on_the_real_model_name_no_winner(app) -> None:
    app.radio(key="model").set_value("minilm").run()
    type_phrases(app, "bake bread at home\nthe stock market fell\nmy cat sleeps all day")
    threshold = cosine_baseline("minilm").quantile(RANDOM_PAIR_QUANTILE)
    answer = answer_of(app)
    assert answer.startswith("No phrase is really near **“my cat sleeps all day”**")
    assert f"stay below {threshold:.2f}" in answer
    app.radio(key="metric").set_value("euclidean").run()  # the baseline is for cosine
    assert answer_of(app).startswith("Nearest to")


def test_the_uploader_states_the_import_limit(app) -> None:
    (uploader,) = app.get("file_uploader")
    limit_mb = IMPORT_MAX_BYTES / 1024 / 1024
    assert uploader.proto.label.endswith(f"up to {limit_mb:g} MB in all")
    assert "64 MB" not in uploader.proto.label
