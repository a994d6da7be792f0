"""The URL is the state: links reproduce the Playground, and bad links fall back safely."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from explorer.links import _compress
from explorer.presets import ARTICLE_PHRASES
from tests.app.pages import charts, open_page


def open_link(params: dict[str, str]) -> AppTest:
    return open_page("app.py", link=params)


def figure(at: AppTest) -> dict:
    (chart,) = charts(at)
    return chart


def points(at: AppTest) -> dict:
    (trace,) = [t for t in figure(at)["data"] if t["name"] == "phrases"]
    return trace


def link_of(at: AppTest) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def test_a_link_sets_phrases_and_settings(minilm) -> None:
    at = open_link(
        {"phrases": "a cat\na dog\na truck", "model": "minilm", "metric": "euclidean", "focus": "2"}
    )
    assert not at.exception
    assert at.radio(key="model").value == "minilm"
    assert at.radio(key="metric").value == "euclidean"
    assert at.selectbox(key="focus").value == 2
    assert points(at)["customdata"] == [0, 1, 2]
    assert "“a dog”" in " ".join(m.value for m in at.markdown)  # the answer is about phrase 2


def test_the_page_writes_its_state_into_the_link(minilm) -> None:
    at = open_link({})
    at.text_area(key="phrases_text").set_value("one\ntwo\nthree").run()
    at.radio(key="model").set_value("minilm").run()
    at.selectbox(key="method").set_value("tsne").run()
    link = link_of(at)
    assert link["phrases"] == "one\ntwo\nthree"
    assert (link["model"], link["method"], link["metric"], link["focus"]) == (
        "minilm",
        "tsne",
        "cosine",
        "0",
    )


def test_opening_the_link_reproduces_the_same_coordinates(minilm) -> None:
    first = open_link({})
    first.text_area(key="phrases_text").set_value("red\ngreen\nblue\ncar\ntruck").run()
    first.radio(key="model").set_value("minilm").run()
    second = open_link(link_of(first))
    assert points(second)["x"] == points(first)["x"]
    assert points(second)["y"] == points(first)["y"]
    assert points(second)["text"] == points(first)["text"]


def test_long_lists_travel_compressed_and_come_back(minilm) -> None:
    phrases = [f"phrase number {i} about something else" for i in range(120)]
    first = open_link({})
    first.text_area(key="phrases_text").set_value("\n".join(phrases)).run()
    link = link_of(first)
    assert "phrases" not in link and "pz" in link
    second = open_link(link)
    assert second.text_area(key="phrases_text").value == "\n".join(phrases)
    assert len(points(second)["x"]) == 120


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"model": "gpt-5"}, "The link asks for model “gpt-5”, which is not one of toy, minilm"),
        ({"method": "mds"}, "which is not one of pca, umap, tsne; using the default."),
        ({"focus": "abc"}, "The link asks for focus “abc”, which is not a whole number"),
        ({"focus": "-3"}, "which is not a whole number from 0 to 200"),
        ({"pz": "%%%not base64"}, "could not be read: it is not valid base64url"),
        ({"pz": "eJzLSM3JyQcABiwCFQ"[:-4]}, "The link's phrases could not be read"),
        ({"pz": _compress("x" * 2_000_000)}, "it unpacks to more than"),
    ],
)
def test_a_bad_link_says_so_and_falls_back_to_defaults(minilm, params, message) -> None:
    at = open_link(params)
    assert not at.exception
    assert any(message in w for w in warnings(at)), warnings(at)
    assert at.radio(key="model").value == "toy"
    assert len(points(at)["x"]) == len(ARTICLE_PHRASES) or "pz" not in params


def test_html_in_a_linked_phrase_is_shown_literally(minilm) -> None:
    at = open_link({"phrases": "<script>alert(1)</script>\n<img src=x onerror=alert(2)>"})
    texts = " ".join(points(at)["text"])
    assert "&lt;script&gt;" in texts and "<script>" not in texts
    assert "&lt;img" in texts


def test_an_oversized_phrase_list_is_cut_with_a_note(minilm) -> None:
    at = open_link({"phrases": "\n".join(["word " * 300] * 250)})
    assert not at.exception
    assert any("only the first" in w for w in warnings(at))


#: Per page: a link that sets every parameter the page carries.
PAGE_LINKS = {
    "compare.py": {"phrases": "a cat\na dog\na truck\na bus", "method": "tsne", "phrase": "2"},
    "axes.py": {
        "phrases": "Dear Sir\nlol ok\nI love it\nI hate it",
        "x_from": "hey\nlol",
        "x_to": "Dear Sir\nYours faithfully",
        "y_from": "awful",
        "y_to": "wonderful",
    },
    "fidelity.py": {
        "phrases": "\n".join(ARTICLE_PHRASES + ["a cat", "a dog", "a truck"]),
        "method": "pca",
        "metric": "cosine",
        "k": "2",
        "false": "true",
        "torn": "false",
    },
    "inside.py": {"phrases": "a cat\na dog\na truck", "pick": "3,1", "order": "first"},
    "search.py": {"corpus": "sample", "q": "how to fix my car", "hits": "3"},
    "corpus.py": {
        "source": "sample",
        "method": "pca",
        "color": "topic",
        "q": "how to fix my car",
        "hits": "5",
        "row": "3",
        "filter": "",
        "sel": "",
        "view": "2d",
        "clusters": "false",
        "density": "false",
    },
}


@pytest.fixture(autouse=True)
def sample_embedded(minilm) -> None:
    """The Corpus page embeds its sample in the background: have it cached already."""
    from explorer.documents.readers import load_sample
    from explorer.models.doc_cache import default_cache

    default_cache().embed(load_sample().texts, model=minilm)


@pytest.mark.parametrize("page", sorted(PAGE_LINKS))
def test_every_page_round_trips_its_link(minilm, page) -> None:
    first = open_page(page, link=PAGE_LINKS[page])
    assert not first.exception
    assert not first.warning or all("The link" not in w.value for w in first.warning)
    link = link_of(first)
    assert link == PAGE_LINKS[page]  # the page writes back exactly what it shows
    second = open_page(page, link=link)
    assert charts(second) == charts(first) and charts(first)


@pytest.mark.parametrize(
    ("page", "key"),
    [
        ("compare.py", "html_toy"),
        ("compare.py", "html_real"),
        ("axes.py", "html_axes"),
        ("fidelity.py", "html_lies"),
        ("search.py", "html_search"),
        ("corpus.py", "html_corpus"),
    ],
)
def test_each_pages_map_downloads_as_interactive_html(minilm, page, key) -> None:
    at = open_page(page, link=PAGE_LINKS[page])
    (button,) = [b for b in at.get("download_button") if key in b.proto.id]
    assert button.proto.label == "Download this map (interactive HTML)"
