"""The Toy vs real page through AppTest: two maps, the neighbour table, the agreement line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer.figures.style import point_label
from explorer.presets import ARTICLE_PHRASES
from tests.app.pages import open_page
from tests.app.tables import shortened

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "compare.py")
PHRASES = [
    "Thank you so much for your kind help!",
    "this movie was trash lol",
    "The meeting is postponed until further notice.",
    "a cat sleeping on the sofa",
    "the dog barked at the mailman",
]


def run_page(phrases: list[str] | None = None, **query: str) -> AppTest:
    return open_page("compare.py", phrases, **query)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def points(figure: dict) -> dict:
    (trace,) = [t for t in figure["data"] if t["name"] == "phrases"]
    return trace


def summary(at: AppTest) -> str:
    (line,) = [m.value for m in at.markdown if m.value.startswith("**")]
    return line


def expected_agreement(toy, minilm, phrases: list[str]) -> int:
    coords = toy.encode(phrases).astype(float)
    vectors = minilm.encode(phrases).astype(float)
    block = np.eye(len(phrases)) * 99
    toy_nearest = (np.linalg.norm(coords[:, None] - coords[None], axis=-1) + block).argmin(1)
    real_nearest = (1 - vectors @ vectors.T + block).argmin(1)
    return int((toy_nearest == real_nearest).sum())


def test_first_visit_shows_the_shared_phrases_in_both_maps(toy, minilm) -> None:
    at = run_page()
    assert not at.exception
    toy_fig, real_fig = figures(at)
    labels = [point_label(p) for p in ARTICLE_PHRASES]
    assert points(toy_fig)["text"] == labels and points(real_fig)["text"] == labels
    assert toy_fig["layout"]["title"]["text"] == "Toy model: its whole 2-D space"
    assert toy_fig["layout"]["title"]["subtitle"]["text"] == (
        "d = Euclidean distance on the toy model's 2-D plane"
    )
    assert real_fig["layout"]["title"]["text"] == "all-MiniLM-L6-v2 (384-D), drawn with PCA"
    assert np.allclose(
        np.column_stack([points(toy_fig)["x"], points(toy_fig)["y"]]),
        toy.encode(ARTICLE_PHRASES),
        atol=1e-6,
    )
    agree = expected_agreement(toy, minilm, ARTICLE_PHRASES)
    assert summary(at) == (
        f"**The two spaces agree on the nearest neighbour of {agree} of 3 phrases (toy: "
        "Euclidean distance on the toy model's 2-D plane; real: cosine distance in all 384 "
        "dimensions).**"
    )
    assert [e.value for e in at.error] == [] and [w.value for w in at.warning] == []


def test_phrases_typed_on_another_page_are_the_ones_shown(toy, minilm) -> None:
    at = run_page(PHRASES)
    assert at.text_area(key="phrases_text").value == "\n".join(PHRASES)
    for figure in figures(at):
        assert points(figure)["text"] == [point_label(p) for p in PHRASES]
    (table,) = at.dataframe
    assert shortened(table.value["phrase"], PHRASES)
    assert list(table.value.columns) == [
        "phrase",
        "toy x (casual → formal)",
        "toy y (negative → positive)",
        "nearest in toy (2-D plane)",
        "toy distance (Euclidean, plane)",
        "nearest in real model (384-d, cosine)",
        "real model (384-d, cosine) distance",
        "agree",
    ]
    agree = expected_agreement(toy, minilm, PHRASES)
    assert int(table.value["agree"].sum()) == agree
    assert f"nearest neighbour of {agree} of 5 phrases" in summary(at)
    cat = table.value.iloc[PHRASES.index("a cat sleeping on the sofa")]
    assert shortened([cat["nearest in real model (384-d, cosine)"]], [PHRASES[4]])


def test_selecting_a_phrase_highlights_it_in_both_maps_with_its_lines() -> None:
    at = run_page(PHRASES)
    at.selectbox(key="phrase").set_value(4).run()  # option i is phrase i (1-based)
    assert not at.exception
    for figure in figures(at):
        sizes = points(figure)["marker"]["size"]
        assert sizes[3] == 18 and sizes.count(18) == 1
        lines = [t for t in figure["data"] if t["name"] == "distance"]
        assert len(lines) == 4 and all(3 in line["meta"]["pair"] for line in lines)
        nearest = [t for t in figure["data"] if (t.get("meta") or {}).get("kind")]
        assert nearest and all(t["meta"]["pair"][0] == 3 for t in nearest)
    answers = [m.value for m in at.markdown if "Nearest to" in m.value]
    assert len(answers) == 2
    assert answers[0].startswith("Toy model: Nearest to **“a cat sleeping on the sofa”**")
    assert answers[1].startswith("Real model: Nearest to **“a cat sleeping on the sofa”**")
    assert "cosine distance in all 384 dimensions" in answers[1]
    real_title = figures(at)[1]["layout"]["title"]["subtitle"]["text"]
    assert "cosine distance in all 384 dimensions" in real_title


def test_projection_choice_changes_only_the_real_map() -> None:
    at = run_page(PHRASES)
    before = figures(at)
    table_before = at.dataframe[0].value
    at.selectbox(key="method").set_value("tsne").run()
    after = figures(at)
    assert after[1]["layout"]["title"]["text"].endswith("drawn with t-SNE")
    assert after[1]["layout"]["xaxis"]["title"]["text"] == "t-SNE 1"
    assert points(after[0])["x"] == points(before[0])["x"]
    assert at.dataframe[0].value.equals(table_before)


def test_umap_on_three_phrases_falls_back_with_a_notice() -> None:
    at = run_page(method="umap")
    assert at.selectbox(key="method").value == "umap"
    assert [i.value for i in at.info] == [
        "UMAP needs at least 4 phrases, got 3; showing PCA instead. Add phrases to use UMAP."
    ]
    assert len(figures(at)) == 2


def test_malformed_url_parameters_are_ignored() -> None:
    at = run_page(method="bogus", phrase="not one of the phrases")
    assert not at.exception
    assert [w.value.split(",")[0] for w in at.warning] == [
        "The link asks for method “bogus”",
        "The link asks for phrase “not one of the phrases”",
    ]
    assert at.selectbox(key="method").value == "pca"
    assert at.selectbox(key="phrase").value == 0
    assert len(figures(at)) == 2


@pytest.mark.parametrize("text", ["", "  \n\u200b\n"])
def test_no_phrases_asks_for_some_and_keeps_the_text(text) -> None:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["phrases_text"] = text
    at.run()
    assert [i.value for i in at.info] == [
        "Type at least one phrase, one per line, to compare the two spaces."
    ]
    assert at.get("plotly_chart") == [] and not at.exception
    assert at.text_area(key="phrases_text").value == text


def test_one_and_two_phrases_say_why_there_is_nothing_to_compare() -> None:
    at = run_page(["just me"])
    assert summary(at) == (
        "**Add a second phrase: a nearest neighbour needs at least two phrases.**"
    )
    at = run_page(["one", "two"])
    assert "cannot disagree; add a third phrase" in summary(at)


def test_html_in_phrases_is_shown_literally_in_both_maps() -> None:
    phrases = ["<script>alert(1)</script>", "<b>bold</b>", "plain words"]
    at = run_page(phrases)
    at.selectbox(key="phrase").set_value(1).run()
    assert not at.exception
    for figure in figures(at):
        assert points(figure)["text"][:2] == [point_label(p) for p in phrases[:2]]
        assert "<script" not in json.dumps(figure) and "<b>bold" not in json.dumps(figure)


def test_phrases_typed_on_the_playground_are_here_after_a_page_switch() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.text_area(key="phrases_text").input("\n".join(PHRASES)).run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert [i.value for i in at.info] == []  # not "Type at least one phrase…"
    (table,) = at.dataframe
    assert shortened(table.value["phrase"], PHRASES)
