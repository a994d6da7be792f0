""" "Inside a vector" through AppTest: heat strips, the cosine baseline, the readability table."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer.phrases import markdown_escape
from explorer.presets import ARTICLE_PHRASES
from explorer.space.inside import cosine_baseline, dimension_readability
from tests.app.pages import chart_titled, messages, open_page

PHRASES = ["a cat", "a kitten", "<script>alert(1)</script>", "a truck"]


def run_page(phrases: list[str] | str | None = None, **query: str) -> AppTest:
    return open_page("inside.py", phrases, **query)


def figure(at: AppTest, title_start: str) -> dict:
    return chart_titled(at, title_start)


def test_first_visit_looks_inside_the_articles_three_phrases(minilm) -> None:
    at = run_page()
    assert not at.exception
    assert at.multiselect(key="pick").value == [1, 2, 3]  # phrase numbers
    strips = figure(at, "The raw numbers: 3 phrases")
    (heatmap,) = strips["data"]
    vectors = minilm.encode(ARTICLE_PHRASES)
    assert np.allclose(heatmap["z"], vectors, atol=1e-4)
    assert len(heatmap["z"][0]) == 384
    baseline = cosine_baseline("minilm")
    lines = figure(at, "How high is high?")["data"][1:]
    assert len(lines) == 3
    cosine = float(
        vectors[0] @ vectors[1] / np.linalg.norm(vectors[0]) / np.linalg.norm(vectors[1])
    )
    sentence = (
        f"“{markdown_escape(ARTICLE_PHRASES[0])}” and “{markdown_escape(ARTICLE_PHRASES[1])}”: "
        f"cosine similarity **{baseline.describe(cosine)}** (all 384 dimensions)."
    )
    assert sentence in messages(at, "markdown")
    assert messages(at, "error") == [] and messages(at, "info") == []


def test_readability_table_shows_the_best_dimension_and_the_toy_axes(minilm, toy) -> None:
    at = run_page()
    readability = dimension_readability("minilm")
    (table,) = at.dataframe
    frame = table.value
    assert frame["label"].tolist() == ["formality", "sentiment"]
    assert frame["its correlation r"].tolist() == [row.best_r for row in readability.labels]
    assert frame["toy axis correlation r"].tolist() == [row.toy_r for row in readability.labels]
    formality = readability.labels[0]
    summary = [m for m in messages(at, "markdown") if m.startswith("Over 260 phrases")]
    assert len(summary) == 1
    assert f"(dimension {formality.best_index + 1}) correlates only **r = " in summary[0]
    assert f"**r = {formality.toy_r:+.2f}**" in summary[0]


def test_choosing_phrases_redraws_strips_and_marks(minilm) -> None:
    at = run_page(PHRASES)
    assert at.multiselect(key="pick").value == [1, 2, 3]
    at.multiselect(key="pick").set_value([1, 3]).run()
    assert not at.exception
    strips = figure(at, "The raw numbers: 2 phrases")
    assert strips["layout"]["yaxis"]["ticktext"] == [
        "1. a cat",
        "2. &lt;script&gt;alert(1)&lt;/script&gt;",
    ]
    (line,) = figure(at, "How high is high?")["data"][1:]
    assert line["name"].startswith("“a cat” ↔ “&lt;script&gt;alert(1)&lt;/script&gt;”: ")
    assert "higher than" in line["name"]


def test_one_chosen_phrase_asks_for_a_second(minilm) -> None:
    at = run_page(PHRASES)
    at.multiselect(key="pick").set_value([2]).run()
    assert messages(at, "info") == ["Choose a second phrase to compare their patterns."]
    assert len(figure(at, "The raw numbers: 1 phrase in")["data"][0]["z"]) == 1
    assert len(figure(at, "How high is high?")["data"]) == 1  # the baseline alone


def test_no_phrases_still_shows_the_baseline_and_offers_examples(minilm) -> None:
    at = run_page("")
    assert not at.exception
    assert messages(at, "info") == [
        "Type at least two phrases, one per line, or add the example phrases."
    ]
    assert [b.label for b in at.button] == ["Add 12 example phrases (animals, vehicles, food)"]
    assert [
        json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")
    ] == ["How high is high? Cosine similarity of random pairs of phrases"]
    assert len(at.dataframe) == 1
    at.button(key="add_topics").click().run()
    assert at.multiselect(key="pick").value == [1, 2, 3]
    assert at.session_state["phrases_text"].startswith("a cat sleeping on the sofa")


def test_sorted_order_and_url_settings(minilm) -> None:
    at = run_page(PHRASES, order="first", pick="4,1")
    assert not at.exception
    assert at.radio(key="dim_order").value == "first"
    assert at.multiselect(key="pick").value == [4, 1]
    (heatmap,) = figure(at, "The raw numbers: 2 phrases")["data"]
    first = heatmap["z"][0]
    assert first == sorted(first)
    assert figure(at, "The raw numbers")["layout"]["xaxis"]["title"]["text"] == (
        "the 384 dimensions, sorted by phrase 1's values"
    )


@pytest.mark.parametrize(
    "query",
    [
        {"order": "<b>sideways</b>"},
        {"pick": "9"},
        {"pick": "1,2,4,3"},
        {"pick": ""},
        {"pick": "a cat"},
    ],
)
def test_malformed_url_values_do_not_break_the_page(minilm, query) -> None:
    at = run_page(PHRASES, **query)
    assert not at.exception
    assert at.radio(key="dim_order").value in ("index", "first")
    assert len(at.multiselect(key="pick").value) <= 3
    assert messages(at, "error") == []


def test_long_phrases_with_one_beginning_stay_apart_in_the_chooser(minilm) -> None:
    start = "We regret to inform you that the meeting planned for next week " * 2
    phrases = [start + "is cancelled.", start + "is moved to Friday."]
    at = run_page(phrases)
    assert not at.exception
    assert at.multiselect(key="pick").value == [1, 2]
    options = at.multiselect(key="pick").options
    assert len(set(options)) == 2 and options[1].endswith("(2)")
    assert len(figure(at, "How high is high?")["data"]) == 2
