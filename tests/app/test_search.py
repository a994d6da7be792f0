"""The Search page through AppTest: the preset, bad inputs, a failed load keeping the last."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer.config import SEARCH_CACHE_DIR_ENV, SEARCH_MAX_BYTES, SEARCH_PRESET_QUERY
from explorer.documents.search import highlight, shared_words
from explorer.documents.search_map import PLACEMENTS
from explorer.phrases import markdown_escape
from explorer.space.inside import cosine_baseline

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "search.py")
AUTOMOBILE = "Automobile repairs"
SAMPLE = "the built-in sample: 336 documents, 14 topics"
KEPT = markdown_escape(f"Nothing changed: still searching {SAMPLE}.")
#: The similarity 95% of random phrase pairs stay below, and the weak-match warning.
RANDOM = cosine_baseline("minilm").quantile(0.95)
WEAK = (
    "The best match is weak: its cosine similarity, {:.2f}, is within the range of random "
    "pairs of phrases (95% of them stay below {:.2f}). No document here is clearly about "
    "your query."
)
SAVE_AS = "Save it as UTF-8 text (in Excel: Save As → “CSV UTF-8”) and upload it again."


@pytest.fixture(scope="module", autouse=True)
def cache_folder(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SEARCH_CACHE_DIR_ENV, str(tmp_path_factory.mktemp("search-cache")))
        yield


@pytest.fixture
def app(minilm) -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=180).run()


def semantic_hits(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if " cosine similarity **" in m.value]


def keyword_hits(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if " TF-IDF score **" in m.value]


def figure(at: AppTest) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.radio(key="corpus").set_value("upload").run()
    return at.file_uploader(key="corpus_file").set_value((name, data, "text/plain")).run()


def test_first_visit_offers_the_sample_and_asks_for_a_query(app) -> None:
    assert not app.exception
    assert app.radio(key="corpus").value == "sample"
    assert [i.value for i in app.info] == [
        f"Type a query above, or try “{SEARCH_PRESET_QUERY}” over the built-in sample."
    ]
    assert app.caption[0].value.startswith("The built-in sample: 336 short documents on 14 topics")
    assert not app.error and not semantic_hits(app) and not app.get("plotly_chart")


def test_preset_finds_the_automobile_document_that_keyword_search_cannot(app, minilm) -> None:
    app.button(key="preset_car").click().run()
    assert not app.exception
    assert app.text_input(key="q").value == SEARCH_PRESET_QUERY
    assert app.query_params.get("q") in (SEARCH_PRESET_QUERY, [SEARCH_PRESET_QUERY])
    semantic = semantic_hits(app)
    assert len(semantic) == 5
    assert AUTOMOBILE in semantic[0] and "*shares no word with the query*" in semantic[0]
    assert semantic[0].startswith("**1.** cosine similarity **0.41** (d = 0.59) · cars · ")
    keywords = keyword_hits(app)
    assert len(keywords) == 5 and not any(AUTOMOBILE in k for k in keywords)
    assert all(" · shares **" in k for k in keywords)
    assert "**How** **to** **fix** **my**" in keywords[0]
    assert [s.value for s in app.success][0].startswith(
        "The best semantic hit shares **no word** with your query"
    )
    # The map: the query placed on it, dashed lines labelled with true cosine distances.
    fig = figure(app)
    names = [t["name"] for t in fig["data"]]
    assert names[-2:] == ["top hits", "query"] and names.count("distance") == 5
    query_vector = minilm.encode([SEARCH_PRESET_QUERY])[0]
    callouts = {a["name"]: a["text"] for a in fig["layout"]["annotations"]}
    assert callouts["best hit label"].startswith(f"1. {AUTOMOBILE}")
    assert callouts["query label"] == f"query: {SEARCH_PRESET_QUERY}"
    labels = [a["text"] for a in fig["layout"]["annotations"] if a["name"] == "distance label"]
    doc = minilm.encode(
        ["Automobile repairs: brake pads, oil changes and engine diagnostics done while you wait."]
    )[0]
    lines = [t["meta"] for t in fig["data"] if t["name"] == "distance"]
    assert lines[0]["rank"] == 1
    assert lines[0]["distance"] == pytest.approx(1 - float(np.dot(doc, query_vector)), abs=1e-5)
    # Each label names its line's distance; one with no free spot is left to the hover.
    assert set(labels) <= {f"d={line['distance']:.2f}" for line in lines}
    assert len(labels) >= 3


def test_fewer_hits_and_an_emptied_query(app) -> None:
    app.button(key="preset_car").click().run()
    app.slider(key="hits").set_value(2).run()
    assert len(semantic_hits(app)) == 2 and len(keyword_hits(app)) == 2
    app.text_input(key="q").input("   ").run()
    assert not app.exception and not semantic_hits(app)
    assert [i.value for i in app.info] == [
        f"Type a query above, or try “{SEARCH_PRESET_QUERY}” over the built-in sample."
    ]


def test_a_query_no_document_shares_a_word_with(app) -> None:
    app.text_input(key="q").input("zxqv wobble").run()
    assert not keyword_hits(app)
    assert "No document shares a word with the query: keyword search finds nothing." in [
        i.value for i in app.info
    ]
    assert len(semantic_hits(app)) == 5


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "empty.csv",
            b"",
            "“empty.csv” is empty. Upload a .txt file with one document per line, "
            "or a .csv file with a column of documents.",
        ),
        (
            "prices.csv",
            b"id,price\n1,9.99\n2,3.50\n",
            "“prices.csv” has no text column: its columns (“id”, “price”) hold only numbers or "
            "nothing. Upload a CSV with a column of documents (headed e.g. “text”), or a .txt "
            "file with one document per line.",
        ),
        (
            "latin.txt",
            "Crème brûlée\n".encode("latin-1"),
            "“latin.txt” is not UTF-8 text: byte 0xE8 on line 1 (“Cr…”) is not valid UTF-8. "
            f"It looks like Windows-1252 (Latin-1), where that byte is “è”. {SAVE_AS}",
        ),
        (
            "sheet.csv",
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(200),
            "“sheet.csv” is not a text file: it is a ZIP archive (an Excel .xlsx, a Word .docx "
            f"or another zipped file). {SAVE_AS}",
        ),
        (
            "huge.txt",
            b"line\n" * (SEARCH_MAX_BYTES // 5 + 1),
            "“huge.txt” is 10.0 MB; the limit is 10.0 MB. Use a smaller file, e.g. its first "
            "10,000 documents.",
        ),
    ],
)
def test_bad_upload_says_why_and_keeps_the_sample(app, name, data, message) -> None:
    app.button(key="preset_car").click().run()
    upload(app, name, data)
    assert not app.exception
    assert [e.value for e in app.error] == [markdown_escape(message)]
    assert KEPT in [i.value for i in app.info]
    assert AUTOMOBILE in semantic_hits(app)[0]  # still searching the sample


def test_a_failed_upload_keeps_the_pasted_corpus_and_the_text(app) -> None:
    pasted = "Mechanics service vehicles\nBake sourdough at home\nTrain your puppy to sit"
    app.radio(key="corpus").set_value("paste").run()
    app.text_area(key="corpus_text").input(pasted).run()
    app.text_input(key="q").input("my car needs repairs").run()
    assert semantic_hits(app)[0].endswith("Mechanics service vehicles")
    upload(app, "photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert [e.value for e in app.error] == [
        markdown_escape(f"“photo.csv” is not a text file: it is a PNG image. {SAVE_AS}")
    ]
    assert markdown_escape("Nothing changed: still searching pasted text: 3 documents.") in [
        i.value for i in app.info
    ]
    assert len(semantic_hits(app)) == 3
    assert semantic_hits(app)[0].endswith("Mechanics service vehicles")
    app.radio(key="corpus").set_value("paste").run()
    assert app.text_area(key="corpus_text").value == pasted  # nothing typed is lost


def test_empty_paste_asks_for_documents_and_keeps_searching(app) -> None:
    app.radio(key="corpus").set_value("paste").run()
    app.text_area(key="corpus_text").input(" \n\u200b\n").run()
    assert not app.exception and not app.error
    assert "Paste documents, one per line, then press Ctrl+Enter." in [i.value for i in app.info]


def test_ten_thousand_identical_lines_become_one_document(app) -> None:
    app.text_input(key="q").input("anything").run()
    upload(app, "same.txt", b"the very same line\n" * 10_000)
    assert not app.exception and not app.error
    assert [w.value for w in app.warning] == [
        markdown_escape(
            "All 10,000 lines hold the same text, so the corpus has 1 document: "
            "“the very same line”. Searching one document always finds it; add different ones."
        ),
        WEAK.format(0.04, RANDOM),  # "anything" is not what the line is about
    ]
    assert len(semantic_hits(app)) == 1


def test_csv_upload_lets_you_choose_the_text_column(app) -> None:
    data = b"id,title,body\n1,Engines,How brake pads wear out\n2,Bread,Knead dough ten minutes\n"
    app.text_input(key="q").input("baking").run()
    upload(app, "articles.csv", data)
    (column,) = app.selectbox
    assert column.options == ["id", "title", "body"] and column.value == "body"
    assert semantic_hits(app)[0].endswith("Knead dough ten minutes")
    column.set_value("title").run()
    assert semantic_hits(app)[0].endswith("Bread")
    assert len(semantic_hits(app)) == 2


def test_html_in_documents_and_query_is_shown_literally(app) -> None:
    app.radio(key="corpus").set_value("paste").run()
    app.text_area(key="corpus_text").input(
        "<script>alert(1)</script> engines\n<b>bold</b> oil"
    ).run()
    app.text_input(key="q").input("<img src=x onerror=alert(2)> engines").run()
    assert not app.exception
    hits = semantic_hits(app) + keyword_hits(app)
    assert hits and not any("<script>" in h or "<b>" in h for h in hits)
    text, typed = "<script>alert(1)</script> engines", "<img src=x onerror=alert(2)> engines"
    assert any(h.endswith(highlight(text, shared_words(typed, text))) for h in hits)
    assert any(h.endswith("\\<script\\>**alert**(1)\\</script\\> **engines**") for h in hits)
    (query,) = [a for a in figure(app)["layout"]["annotations"] if a["name"] == "query label"]
    assert query["text"].startswith("query: &lt;img src=x")


@pytest.mark.parametrize(
    "params",
    [
        {"hits": "abc", "corpus": "Nonsense"},
        {"hits": "999", "corpus": ""},
        {"hits": "-3", "q": ""},
        {"hits": "2.5", "corpus": "upload"},
        {"q": "engine " * 400, "corpus": "paste"},
    ],
)
def test_malformed_url_parameters_cannot_crash_the_page(minilm, params) -> None:
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.query_params.update(params)
    at.run()
    assert not at.exception
    assert at.slider(key="hits").value in range(1, 21)
    assert at.radio(key="corpus").value in ("sample", "paste", "upload")
    bad = [k for k, v in params.items() if k != "q" and v not in ("upload", "paste")]
    if "q" in params and len(params["q"]) > 1000:
        bad.append("q")
    assert sorted(w.value.split(" “")[0] for w in at.warning if "The link asks" in w.value) == (
        sorted(f"The link asks for {k}" for k in bad)
    )


def test_url_parameters_restore_a_search(minilm) -> None:
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.query_params.update({"q": SEARCH_PRESET_QUERY, "hits": "3", "corpus": "sample"})
    at.run()
    assert not at.exception
    assert len(semantic_hits(at)) == 3 and AUTOMOBILE in semantic_hits(at)[0]


def test_a_match_above_random_pairs_is_praised_with_its_numbers(app) -> None:
    app.text_input(key="q").input("my tummy hurts after dinner").run()
    assert not app.exception
    assert semantic_hits(app)[0].startswith("**1.** cosine similarity **0.40**")
    assert [s.value for s in app.success] == [
        "The best semantic hit shares **no word** with your query, so keyword search cannot "
        "find it: the model puts the two near each other because they mean similar things "
        f"(cosine similarity 0.40, above 95% of random pairs of phrases, which stay below "
        f"{RANDOM:.2f})."
    ]
    # The sample's PCA holds little of the variance: the page says so, and maps with UMAP.
    assert (
        "PCA at 4% / 3% of the variance is a blob: its first two components hold little of "
        "what tells these documents apart, so the map shows UMAP, which keeps neighbourhoods "
        "instead." in [i.value for i in app.info]
    )
    fig = figure(app)
    title, subtitle = fig["layout"]["title"]["text"], fig["layout"]["title"]["subtitle"]["text"]
    drawn_with = "UMAP" if title.endswith("with UMAP") else "PCA"
    assert title.endswith(f"projected to 2-D with {drawn_with}")
    placement = PLACEMENTS["neighbours" if drawn_with == "UMAP" else "transform"]
    assert placement.split(":")[0] in subtitle.replace("<br>", " ")


def test_a_weak_best_match_is_not_praised(app) -> None:
    app.text_input(key="q").input("asdf").run()
    assert semantic_hits(app)[0].startswith("**1.** cosine similarity **0.18**")
    assert WEAK.format(0.18, RANDOM) in [w.value for w in app.warning]
    assert [s.value for s in app.success] == []
