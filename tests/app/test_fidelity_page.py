""" "How much the map lies" through AppTest: scores, charts, messages, URL settings."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer.figures.style import point_label
from explorer.presets import TOPIC_PHRASES
from explorer.space.fidelity import NEIGHBOUR_COUNT_NOTE, fidelity
from explorer.space.methods import compare_methods
from explorer.space.projection import compute_projection
from tests.app.pages import chart_titled, messages, open_page

THREE = ["a cat sleeping on the sofa", "<b>a red sports car</b>", "a bowl of spicy ramen"]


def run_page(phrases: list[str] | str, **query: str) -> AppTest:
    return open_page("fidelity.py", phrases, **query)


def figure(at: AppTest, title_start: str) -> dict:
    return chart_titled(at, title_start)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize(("text", "count"), [("", 0), ("a cat\na dog", 2)])
def test_too_few_phrases_says_so_and_offers_examples(minilm, text: str, count: int) -> None:
    at = run_page(text)
    assert not at.exception
    assert messages(at, "info") == [
        "Distortion needs at least 3 phrases to measure, and scores mean something from about 5 "
        f"(better 10 or more); you have {count}. Add phrases, one per line, or add the example "
        "phrases."
    ]
    assert [b.label for b in at.button] == ["Add 12 example phrases (animals, vehicles, food)"]
    assert at.get("plotly_chart") == [] and at.metric == []
    assert at.session_state["phrases_text"] == text  # nothing typed is lost


def test_three_phrases_show_scores_charts_and_a_warning(minilm) -> None:
    at = run_page(THREE)
    assert not at.exception
    assert messages(at, "warning") == [
        "With 3 phrases these scores mean little: every phrase has only 2 others to be near. "
        "Add phrases (about 5 or more, better 10+)."
    ]
    assert messages(at, "info") == [
        "With 3 phrases the scores use k=1 neighbours, not 5: k must be below half the number "
        "of phrases."
    ]
    vectors = minilm.encode(THREE)
    coords = compute_projection(vectors).coords
    expected = fidelity(vectors, coords, k=5, metric="cosine")  # the shared default
    assert metrics(at) == {
        "Rank correlation (Spearman)": f"{expected.spearman:.2f}",
        "Trustworthiness": f"{expected.trustworthiness:.2f}",
        "Continuity": f"{expected.continuity:.2f}",
        "1-NN recall": f"{expected.knn_recall:.2f}",
    }
    shepard = figure(at, "Shepard diagram")
    assert shepard["data"][0]["x"] == pytest.approx(expected.true_distances.tolist())
    assert shepard["data"][0]["y"] == pytest.approx(expected.map_distances.tolist())
    assert shepard["layout"]["xaxis"]["title"]["text"] == (
        "true distance (all 384 dimensions, cosine)"
    )
    the_map = figure(at, "all-MiniLM-L6-v2 projected to 2-D with PCA")
    (points,) = the_map["data"]  # lines are off by default
    assert points["text"] == [point_label(p) for p in THREE]
    assert points["text"][1] == "&lt;b&gt;a red sports car&lt;/b&gt;"
    assert np.allclose(np.column_stack([points["x"], points["y"]]), coords)
    variance = figure(at, "PCA: how the variance of 3 phrases")
    assert [t["name"] for t in variance["data"]] == ["per component", "cumulative"]
    assert any(
        m.startswith("PCA needs **1** component for 50% of the variance")
        for m in messages(at, "markdown")
    )


def test_the_comparison_table_says_which_methods_fell_back(minilm) -> None:
    at = run_page(THREE)
    (table,) = at.dataframe
    frame = table.value
    assert frame["method"].tolist() == ["PCA", "UMAP", "t-SNE"]
    assert frame["drawn with"].tolist() == ["PCA", "PCA (too few phrases)", "PCA (too few phrases)"]
    verdict = compare_methods(minilm.encode(THREE)).verdict()
    assert verdict.startswith("Only **PCA** drew these phrases (UMAP and t-SNE fell back to it)")
    assert verdict in messages(at, "markdown")
    bars = figure(at, "The same phrases, one map per method")
    assert [t["name"] for t in bars["data"]] == [
        "PCA",
        "UMAP (drawn with PCA: too few phrases)",
        "t-SNE (drawn with PCA: too few phrases)",
    ]


@pytest.mark.slow  # 7 phrases: UMAP and t-SNE run for the comparison
def test_toggles_draw_false_and_torn_neighbour_lines(minilm) -> None:
    phrases = ["a cat", "a kitten", "a dog", "a truck", "a bus", "a lorry", "soup"]
    vectors = minilm.encode(phrases)
    expected = fidelity(vectors, compute_projection(vectors).coords, k=2)
    at = run_page(phrases, k="2", method="pca")
    assert not at.exception
    at.toggle(key="false").set_value(True).run()
    at.toggle(key="torn").set_value(True).run()
    names = [t["name"] for t in figure(at, "all-MiniLM-L6-v2 projected")["data"]]
    assert names == [
        f"false neighbours ({len(expected.false_lines)}): close on the map, not among the "
        "true 2 nearest",
        f"torn neighbours ({len(expected.torn_lines)}): true nearest, not among the 2 nearest "
        "on the map",
        "phrases",
    ]
    assert at.toggle(key="false").label == f"False neighbours ({expected.false_count} pairs)"
    assert at.toggle(key="torn").label == f"Torn neighbours ({expected.torn_count} pairs)"
    (table,) = at.dataframe
    pca = table.value.iloc[0]  # the map drawn is PCA's: the same counts in the table
    assert (pca["false neighbours"], pca["torn neighbours"]) == (
        expected.false_count,
        expected.torn_count,
    )
    assert NEIGHBOUR_COUNT_NOTE in [c.value for c in at.caption]


def test_settings_come_from_the_url_and_bad_values_are_ignored(minilm) -> None:
    at = run_page(THREE, method="umap", metric="cosine", k="2")
    assert not at.exception
    assert at.selectbox(key="method").value == "umap"
    assert at.radio(key="metric").value == "cosine"
    assert at.slider(key="knn").value == 2
    assert messages(at, "info")[0] == (
        "UMAP needs at least 4 phrases, got 3; showing PCA instead. Add phrases to use UMAP."
    )
    assert "not 2" in messages(at, "info")[1]
    assert figure(at, "Shepard")["layout"]["xaxis"]["title"]["text"].endswith("cosine)")

    at = run_page(THREE, method="<script>", metric="", k="abc", torn="maybe")
    assert not at.exception
    assert messages(at, "warning")[:4] == [
        "The link asks for method “\\<script>”, which is not one of pca, umap, tsne; "
        "using the default.",
        "The link asks for metric “”, which is not one of euclidean, cosine; using the default.",
        "The link asks for k “abc”, which is not a whole number from 1 to 15; using the default.",
        "The link asks for torn “maybe”, which is not true or false; using the default.",
    ]
    assert at.selectbox(key="method").value == "pca"
    assert at.radio(key="metric").value == "cosine"  # the shared default
    assert at.slider(key="knn").value == 5
    assert at.toggle(key="torn").value is False
    at = run_page(THREE, k="999")
    assert not at.exception and 1 <= at.slider(key="knn").value <= 15


@pytest.mark.slow
def test_twelve_phrases_compare_pca_umap_and_tsne(minilm) -> None:
    at = run_page(TOPIC_PHRASES, method="tsne", metric="cosine")
    assert not at.exception
    comparison = compare_methods(minilm.encode(TOPIC_PHRASES), metric="cosine")
    frame = at.dataframe[0].value
    assert frame["drawn with"].tolist() == ["PCA", "UMAP", "t-SNE"]
    assert frame["trustworthiness"].tolist() == pytest.approx(
        [r.fidelity.trustworthiness for r in comparison.results]
    )
    assert comparison.verdict() in messages(at, "markdown")
    tsne = comparison.result("tsne").fidelity
    assert metrics(at)["Trustworthiness"] == f"{tsne.trustworthiness:.2f}"
    assert figure(at, "all-MiniLM-L6-v2 projected to 2-D with t-SNE")
    bars = figure(at, "The same phrases")
    drawn = [y for trace in bars["data"] for y in trace["y"]]
    scores = [v for r in comparison.results for v in r.fidelity.scores().values()]
    assert drawn == pytest.approx(scores)


@pytest.mark.slow
def test_the_example_button_adds_phrases_below_the_users(minilm) -> None:
    at = run_page("my <own> phrase\na cat sleeping on the sofa")
    at.button(key="add_topics").click().run()
    assert not at.exception
    text = at.session_state["phrases_text"]
    assert text.splitlines() == ["my <own> phrase", *TOPIC_PHRASES]
    assert at.metric and messages(at, "warning") == []
