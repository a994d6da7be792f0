"""Both rankers, shared words and highlighting, the fitted search map and its figure."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import explorer.figures.search as search_figures
from explorer.config import SEARCH_CACHE_DIR_ENV, SEARCH_PRESET_QUERY
from explorer.documents.readers import load_sample
from explorer.documents.search import (
    Hit,
    KeywordIndex,
    build_index,
    highlight,
    keyword_search,
    search,
    shared_words,
    words,
)
from explorer.documents.search_map import build_search_map, fit_map
from explorer.figures.search import search_map_figure
from explorer.models.doc_cache import DocumentCache
from explorer.phrases import escape
from explorer.space.projection import compute_projection

AUTOMOBILE = (
    "Automobile repairs: brake pads, oil changes and engine diagnostics done while you wait."
)


@pytest.fixture(autouse=True)
def cache_env(tmp_path, monkeypatch):
    monkeypatch.setenv(SEARCH_CACHE_DIR_ENV, str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def sample_index(minilm, tmp_path_factory):
    cache = DocumentCache(tmp_path_factory.mktemp("sample-cache"))
    return build_index(load_sample().texts, model=minilm, cache=cache)


class CountingEmbedder:
    """The real model, recording what it is asked to embed."""

    axis_titles = None

    def __init__(self, model) -> None:
        self.model, self.name, self.dim = model, model.name, model.dim
        self.encoded: list[list[str]] = []

    def encode(self, texts):
        self.encoded.append(list(texts))
        return self.model.encode(texts)

    def encode_uncached(self, texts):
        self.encoded.append(list(texts))
        return self.model.encode_uncached(texts)


# --- the article's point --------------------------------------------------------------


def test_preset_query_finds_the_automobile_document_first_by_meaning(sample_index) -> None:
    hits = search(SEARCH_PRESET_QUERY, sample_index, k=5)
    assert hits[0].text == AUTOMOBILE
    assert hits[0].shared_words == () and hits[0].shares_no_word
    assert hits[0].score > hits[1].score + 0.05


def test_keyword_search_cannot_find_it_and_ranks_off_topic_documents(sample_index) -> None:
    hits = keyword_search(SEARCH_PRESET_QUERY, sample_index, k=10)
    assert len(hits) == 10
    assert AUTOMOBILE not in [h.text for h in hits]
    assert all(h.shared_words for h in hits)
    assert not any("repair" in h.text.lower() for h in hits[:3])
    # Every document it can find shares a word; the automobile one shares none.
    everything = keyword_search(SEARCH_PRESET_QUERY, sample_index, k=len(sample_index))
    assert AUTOMOBILE not in [h.text for h in everything]
    assert len(everything) == sum(
        1 for t in sample_index.texts if shared_words("how to fix my car", t)
    )


def test_a_query_sharing_no_word_is_answered_by_meaning_not_by_keywords(minilm) -> None:
    documents = [
        "Walk-in clinic: physicians treat patients without an appointment.",
        "Which bus goes downtown today?",
        "Can I see the menu, please?",
        "Fresh basil pesto with pine nuts.",
        "The stadium can hold 60,000 fans.",
    ]
    query = "where can a doctor see me today"
    right = documents[0]
    assert shared_words(query, right) == ()
    semantic = search(query, documents, model=minilm, k=1, cache=DocumentCache(None))
    assert semantic[0].text == right and semantic[0].shares_no_word
    keyword = keyword_search(query, documents, k=5)
    assert keyword and right not in [h.text for h in keyword]
    assert {h.text for h in keyword} == set(documents[1:3]) | {documents[4]}


# --- hits -----------------------------------------------------------------------------


def test_hits_are_frozen_best_first_and_scores_are_true_cosine(minilm) -> None:
    documents = ["a cat on the sofa", "a dog in the park", "a truck on the road", "stock prices"]
    hits = search("a kitten", documents, model=minilm, k=3, cache=DocumentCache(None))
    assert [h.index for h in hits][:1] == [0]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    vectors = minilm.encode(documents)
    query = minilm.encode(["a kitten"])[0]
    for hit in hits:
        assert hit.text == documents[hit.index]
        expected = vectors[hit.index] @ query / np.linalg.norm(vectors[hit.index])
        assert hit.score == pytest.approx(float(expected), abs=1e-5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        hits[0].score = 1.0  # type: ignore[misc]


def test_k_larger_than_the_corpus_returns_every_document(minilm) -> None:
    hits = search("anything", ["one", "two"], model=minilm, k=10, cache=DocumentCache(None))
    assert sorted(h.index for h in hits) == [0, 1]
    assert keyword_search("one two", ["one", "two", "three"], k=10) == [
        Hit(0, "one", pytest.approx(2**-0.5), ("one",)),  # cosine of (1, 0) and (1, 1)
        Hit(1, "two", pytest.approx(2**-0.5), ("two",)),
    ]


def test_a_second_query_over_the_same_corpus_embeds_only_the_query(minilm, tmp_path) -> None:
    model = CountingEmbedder(minilm)
    cache = DocumentCache(tmp_path / "c")
    documents = [f"document {i} about {w}" for i, w in enumerate(["cats", "cars", "cakes"] * 4)]
    search("first query", documents, model=model, cache=cache)
    assert model.encoded[0] != ["first query"] and len(model.encoded[0]) == 12
    model.encoded.clear()
    search("second query", list(documents), model=model, cache=cache)
    assert model.encoded == [["second query"]]
    # A new process (fresh memory) reads the documents from disk.
    model.encoded.clear()
    other = list(documents) + ["one more"]
    search("third query", other, model=model, cache=DocumentCache(tmp_path / "c"))
    assert model.encoded == [["one more"], ["third query"]]


def test_build_index_is_found_again_by_content(minilm) -> None:
    cache = DocumentCache(None)
    first = build_index(["a", "b"], model=minilm, cache=cache)
    assert build_index(["a", "b"], model=minilm, cache=cache) is first
    assert build_index(["a", "c"], model=minilm, cache=cache) is not first
    assert np.allclose(np.linalg.norm(first.vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "The query is empty: type what you are looking for, e.g. “how to fix my car”."),
        (
            "  \u200b ",
            "The query is empty: type what you are looking for, e.g. “how to fix my car”.",
        ),
        (None, "The query must be text, got NoneType."),
    ],
)
def test_empty_query_is_refused_by_both_rankers(query, message, minilm) -> None:
    with pytest.raises(ValueError) as error:
        search(query, ["a doc"], model=minilm, cache=DocumentCache(None))
    assert str(error.value) == message
    with pytest.raises(ValueError) as error:
        keyword_search(query, ["a doc"])
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("documents", "message"),
    [
        ([], "The corpus is empty: give at least one document to search."),
        ("one string", "Give the documents as a list of strings, e.g. ['first document', "
         "'second'], not a single string."),
        (["fine", 3], "Document 2 is a int, not text; give every document as a string."),
        (42, "Give the documents as a list of strings, got int."),
    ],
)  # fmt: skip
def test_bad_corpus_is_refused_by_both_rankers(documents, message, minilm) -> None:
    with pytest.raises(ValueError) as error:
        search("query", documents, model=minilm, cache=DocumentCache(None))
    assert str(error.value) == message
    with pytest.raises(ValueError) as error:
        keyword_search("query", documents)
    assert str(error.value) == message


@pytest.mark.parametrize("k", [0, -1, True, 2.5])
def test_k_must_be_a_positive_whole_number(k) -> None:
    with pytest.raises(ValueError, match=r"^k \(the number of hits\) must be a whole number"):
        keyword_search("a", ["a"], k=k)


def test_keyword_search_over_documents_without_words_finds_nothing() -> None:
    assert keyword_search("hello", ["🙂🙂", "!!!", "…"]) == []
    assert KeywordIndex(["a b", "c"]).search("zzz") == []


# --- words and highlighting -----------------------------------------------------------


def test_words_are_lowercase_and_keep_inner_apostrophes() -> None:
    assert words("Don't FIX it—my car's fine, 2 times.") == [
        "don't", "fix", "it", "my", "car's", "fine", "2", "times",
    ]  # fmt: skip
    assert shared_words("fix my car", "MY Car needs a Fix") == ("fix", "my", "car")
    assert shared_words("car", "cars and carpets") == ()


def test_highlight_escapes_html_and_markdown_and_bolds_shared_words() -> None:
    text = "Fix <script>alert(1)</script> my *car*  now"
    markdown = highlight(text, ["fix", "car", "script"])
    assert markdown == ("**Fix** \\<**script**\\>alert(1)\\</**script**\\> my \\***car**\\* now")
    html = highlight(text, ["car"], markup="html")
    assert html == "Fix &lt;script&gt;alert(1)&lt;/script&gt; my *<b>car</b>*  now"
    url = highlight("see https://evil.example/x or www.evil.example", ["evil", "see"])
    assert url == (  # a word joiner breaks the automatic links the bold pieces would make
        "**see** https\u2060://**evil**.example/x or ww\u2060w.**evil**.example"
    )
    with pytest.raises(ValueError, match="Unknown markup 'latex'"):
        highlight("x", [], markup="latex")


# --- the search map -------------------------------------------------------------------


def test_fitted_map_reproduces_compute_projection_and_places_new_points(sample_index) -> None:
    fitted = fit_map(sample_index.vectors)
    reference = compute_projection(sample_index.vectors, method="pca")
    assert np.allclose(fitted.coords, reference.coords)
    assert fitted.axis_titles == reference.axis_titles
    assert np.allclose(fitted.transform(sample_index.vectors), reference.coords, atol=1e-9)
    assert np.allclose(fitted.components @ fitted.components.T, np.eye(2), atol=1e-9)


def test_query_is_transformed_not_refitted(sample_index) -> None:
    before = sample_index.projection.coords.copy()
    hits = search(SEARCH_PRESET_QUERY, sample_index)
    smap = build_search_map(sample_index, SEARCH_PRESET_QUERY, hits)
    assert np.array_equal(smap.coords, before)  # the corpus did not move
    query_vector = sample_index.query_vector(SEARCH_PRESET_QUERY)
    fitted = sample_index.projection
    expected = (query_vector - fitted.mean) @ fitted.components.T
    assert np.allclose(smap.query_coords, expected)
    # ...and differs from where a refit including the query would put things.
    refit = compute_projection(np.vstack([sample_index.vectors, query_vector]), method="pca")
    assert not np.allclose(refit.coords[:-1], before)


def test_map_distances_are_true_cosine_distances(sample_index) -> None:
    hits = search(SEARCH_PRESET_QUERY, sample_index, k=3)
    smap = build_search_map(sample_index, SEARCH_PRESET_QUERY, hits, topics=load_sample().topics)
    query_vector = sample_index.query_vector(SEARCH_PRESET_QUERY)
    for hit, d, drawn in zip(hits, smap.true_distances, smap.map_distances, strict=True):
        assert d == pytest.approx(1 - float(sample_index.vectors[hit.index] @ query_vector))
        assert drawn == pytest.approx(np.linalg.norm(smap.coords[hit.index] - smap.query_coords))


def test_map_refuses_mismatched_topics_and_foreign_hits(sample_index) -> None:
    with pytest.raises(ValueError, match="Got 2 topics for 336 documents"):
        build_search_map(sample_index, "q", [], topics=["a", "b"])
    with pytest.raises(ValueError, match="Hit 0 is not a document of this corpus"):
        build_search_map(sample_index, "q", [Hit(0, "not the text", 0.5)])


def test_map_figure_draws_topics_query_and_labelled_lines(sample_index) -> None:
    hits = search(SEARCH_PRESET_QUERY, sample_index, k=5)
    topics = load_sample().topics
    smap = build_search_map(sample_index, SEARCH_PRESET_QUERY, hits, topics=topics)
    figure = json.loads(search_map_figure(smap).to_json())
    traces = figure["data"]
    corpus = [t for t in traces if t.get("meta", {}).get("role") == "corpus"]
    assert sorted(t["name"] for t in corpus) == sorted(set(topics))
    assert sum(len(t["x"]) for t in corpus) == len(sample_index)
    assert len({(t["marker"]["color"], t["marker"]["symbol"]) for t in corpus}) == len(corpus)
    (query,) = [t for t in traces if t["name"] == "query"]
    assert query["marker"]["symbol"] == "star"
    assert query["x"] == pytest.approx([smap.query_coords[0]])
    lines = [t for t in traces if t["name"] == "distance"]
    assert [line["meta"]["hit"] for line in lines] == [h.index for h in hits]
    for line, hit in zip(lines, hits, strict=True):
        assert line["line"]["dash"] == "dash"
        assert line["x"] == pytest.approx([smap.query_coords[0], smap.coords[hit.index, 0]])
        assert line["y"] == pytest.approx([smap.query_coords[1], smap.coords[hit.index, 1]])
    annotations = {a["name"]: a for a in figure["layout"]["annotations"]}
    labels = [a["text"] for a in figure["layout"]["annotations"] if a["name"] == "distance label"]
    # A line too short for its label leaves it to the hit's hover.
    ranks = [
        int(a["hovertext"].split(":")[0].removeprefix("Hit "))
        for a in figure["layout"]["annotations"]
        if a["name"] == "distance label"
    ]
    assert labels == [f"d={1 - hits[r - 1].score:.2f}" for r in ranks] and len(ranks) >= 4
    assert annotations["query label"]["text"] == "query: how to fix my car"
    assert annotations["query label"]["x"] == pytest.approx(smap.query_coords[0])
    assert annotations["best hit label"]["text"].startswith("1. Automobile repairs")
    assert (
        "cosine distance in all 384 dimensions" in figure["layout"]["annotations"][0]["hovertext"]
    )
    subtitle = figure["layout"]["title"]["subtitle"]["text"]
    assert "cosine distance in all 384 dimensions" in subtitle and "not refitted" in subtitle
    assert figure["layout"]["xaxis"]["title"]["text"].startswith("PC1 (")
    (top,) = [t for t in traces if t["name"] == "top hits"]
    assert top["customdata"] == [h.index for h in hits]
    assert top["text"] == ["1", "2", "3", "4", "5"]


def test_map_figure_escapes_html_everywhere(minilm) -> None:
    documents = ["<b>bold</b> claim", "<script>alert(1)</script>", "<img src=x onerror=alert(2)>"]
    index = build_index(documents, model=minilm, cache=DocumentCache(None))
    query = "<i>query</i>"
    smap = build_search_map(index, query, search(query, index, k=3), topics=["<u>t</u>"] * 3)
    figure = search_map_figure(smap).to_dict()
    texts: list[str] = []
    for trace in figure["data"]:
        texts += [trace.get("name") or ""] + list(trace.get("text") or [])
        texts += list(trace.get("hovertext") or [])
    texts += [a["text"] + a.get("hovertext", "") for a in figure["layout"]["annotations"]]
    joined = " ".join(texts)
    for raw in ["<script>", "<img", "<i>query", "<u>t</u>", "<b>bold"]:
        assert raw not in joined
    assert escape("<script>alert(1)</script>") in joined
    assert "query: &lt;i&gt;query&lt;/i&gt;" in joined


def test_large_corpora_are_drawn_with_webgl(minilm, monkeypatch) -> None:
    documents = [f"note {i}" for i in range(6)]
    index = build_index(documents, model=minilm, cache=DocumentCache(None))
    smap = build_search_map(index, "note", search("note", index, k=2))
    assert search_map_figure(smap).data[0].type == "scatter"
    monkeypatch.setattr(search_figures, "SEARCH_MAP_WEBGL_MIN", 5)
    assert search_map_figure(smap).data[0].type == "scattergl"
    assert search_map_figure(smap).data[0].name == "documents"
