"""The Ask page through AppTest: presets, the context and prompt, bad input, the link."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.config import SEARCH_CACHE_DIR_ENV
from explorer.phrases import markdown_escape
from explorer.ui.ask import BACKGROUND_CHARS, PRESETS

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "ask.py")
ASK = "Type a question, or pick a preset: each shares no word with the passage that answers it."


@pytest.fixture(scope="module", autouse=True)
def cache_folder(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SEARCH_CACHE_DIR_ENV, str(tmp_path_factory.mktemp("ask-cache")))
        yield


@pytest.fixture
def app(minilm) -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=240).run()


def context(at: AppTest) -> list[str]:
    return [
        m.value
        for m in at.markdown
        if m.value.startswith("**#") and "cosine similarity **" in m.value
    ]


def figure(at: AppTest) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def paste(at: AppTest, text: str) -> AppTest:
    at.radio(key="ask_source").set_value("paste").run()
    return at.text_area(key="ask_text").input(text).run()


def test_first_visit_shows_the_sample_chunked_and_asks_for_a_question(app) -> None:
    assert not app.exception
    assert app.radio(key="ask_source").value == "sample"
    assert app.radio(key="ask_by").value == "paragraph"
    assert (app.number_input(key="ask_size").value, app.number_input(key="ask_overlap").value) == (
        200,
        0,
    )
    assert [i.value for i in app.info] == [ASK]
    assert app.expander[0].label == "46 chunks, 57–101 tokens each"
    assert not app.error and not app.get("plotly_chart")
    assert [b.label for b in app.button if b.key.startswith("ask_preset_")] == [
        q for q, _ in PRESETS
    ]


def test_a_preset_retrieves_the_passage_that_shares_no_word_with_it(app, minilm) -> None:
    app.button(key="ask_preset_0").click().run()
    assert not app.exception
    question = PRESETS[0][0]
    assert app.text_input(key="ask_q").value == question
    hits = context(app)[:3]
    assert hits[0].startswith(
        "**#1** · chunk 3 · cosine similarity **0.48** · *shares no word with the question*"
    )
    assert "Tyre pressure drifts down" in hits[0]
    assert [h.split(" · ")[0] for h in hits] == ["**#1**", "**#2**", "**#3**"]
    (prompt,) = [c.value for c in app.code if c.value.startswith("Answer")]  # not the link
    assert prompt.startswith("Answer the question using only the context below.")
    assert prompt.endswith(f"Question: {question}\nAnswer:")
    assert "[1] Tyre pressure drifts down" in prompt
    captions = [c.value for c in app.caption]
    assert any(
        c.startswith("306 tokens (counted with all-MiniLM-L6-v2's tokenizer")
        and c.endswith("budget: it fits.")
        for c in captions
    )
    keywords = [m.value for m in app.markdown if " · BM25 **" in m.value]
    assert (
        keywords[0].startswith("**#1** · chunk 26 · BM25 **")
        and "shares **inflate**" in keywords[0]
    )
    (success,) = [s.value for s in app.success]
    assert success.startswith("Only meaning found chunks 3, ")
    fig = figure(app)
    names = [t["name"] for t in fig["data"]]
    assert names == ["chunks", "distance", "distance", "distance", "retrieved", "question"]
    labels = [a["text"] for a in fig["layout"]["annotations"] if a["name"] == "distance label"]
    assert labels[0] == "d=0.52 (cosine, 384-d)" and all(", 384-d)" in label for label in labels)
    assert app.query_params["q"] == [question] or app.query_params["q"] == question
    assert {k: (v[0] if isinstance(v, list) else v) for k, v in app.query_params.items()} == {
        "source": "sample",
        "by": "paragraph",
        "size": "200",
        "overlap": "0",
        "q": question,
        "k": "3",
        "map": "pca",
    }


def test_k_and_the_map_and_the_chunking(app) -> None:
    app.button(key="ask_preset_1").click().run()
    app.slider(key="ask_k").set_value(5).run()
    assert len(context(app)) == 10  # five in the context, five beside keywords and hybrid
    app.radio(key="ask_map").set_value("umap").run()
    assert not app.exception
    assert figure(app)["layout"]["title"]["text"].endswith("46 chunks projected to 2-D with UMAP")
    app.radio(key="ask_by").set_value("tokens").run()
    assert (app.number_input(key="ask_size").value, app.number_input(key="ask_overlap").value) == (
        128,
        32,
    )
    assert app.expander[0].label.startswith("38 chunks, ")
    app.number_input(key="ask_overlap").set_value(128).run()
    assert [e.value for e in app.error] == [
        "The overlap (128 tokens) must be at least 0 and less than the chunk size (128 "
        "tokens); otherwise no chunk moves on. Choose a smaller overlap."
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   \n\t ", "The document is empty: paste or upload a text, or use the sample document."),
        (
            "?!?! …",
            "The document has no words, only punctuation or symbols (“?!?! …”). Paste or upload "
            "a text with words, or use the sample document.",
        ),
    ],
)
def test_an_empty_or_wordless_document_gives_a_message(app, text, message) -> None:
    paste(app, text)
    assert not app.exception
    assert [e.value for e in app.error] == [markdown_escape(message)]


def test_k_over_the_chunks_is_clamped_with_a_note_and_hostile_text_shows_literally(app) -> None:
    text = "<b>Bold</b> claims & 😀 emoji.\n\nمرحبا بالعالم، كيف حالك؟"
    paste(app, text)
    app.text_input(key="ask_q").input("<script>alert(1)</script> 😀").run()
    assert not app.exception
    assert "The document has only 2 chunks: all of them are retrieved." in [
        i.value for i in app.info
    ]
    hits = context(app)
    # Escaped for Markdown (tags never rendered), whichever escape style the highlighter uses.
    literal = re.compile(r"\\<b\\?>Bold\\</b\\?> claims \\?& 😀 emoji\\?\.")
    assert any(literal.search(h) for h in hits), hits
    assert any("مرحبا بالعالم، كيف حالك؟" in h for h in hits)
    assert any("<script>alert(1)</script> 😀" in c.value for c in app.code)
    assert app.query_params["doc"] in (text, [text])  # short enough to travel in the link


def test_a_question_over_the_window_gives_a_message(app) -> None:
    app.text_input(key="ask_q").input("😀 " * 299 + "😀").run()  # one token each
    assert [e.value for e in app.error] == [
        markdown_escape(
            "The question is 300 tokens (599 characters); the model reads at most 254 tokens "
            "and 1,000 characters. Ask a shorter question."
        )
    ]


def test_a_pdf_is_not_supported(app) -> None:
    app.radio(key="ask_source").set_value("upload").run()
    assert [i.value for i in app.info] == ["Choose a file to ask it questions."]
    app.file_uploader(key="ask_file").set_value(
        ("guide.pdf", b"%PDF-1.4 ...", "application/pdf")
    ).run()
    assert [e.value for e in app.error] == [
        markdown_escape(
            "“guide.pdf” is a PDF; PDF is not supported here (no PDF text extractor is installed). "
            "Copy its text into the Paste box, or save it as a .txt file."
        )
    ]


def test_a_link_restores_question_k_chunking_and_a_pasted_document(minilm) -> None:
    at = AppTest.from_file(PAGE, default_timeout=240)
    doc = "Check the tyres monthly. Rotate them often.\n\nWater tomatoes at the base. Stake them."
    for name, value in {
        "source": "paste",
        "doc": doc,
        "by": "sentences",
        "size": "2",
        "overlap": "1",
        "q": "vegetable garden",
        "k": "2",
    }.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception and not at.warning
    assert at.text_area(key="ask_text").value == doc
    assert (at.number_input(key="ask_size").value, at.slider(key="ask_k").value) == (2, 2)
    assert context(at)[0].startswith("**#1** · chunk 3 · ")
    assert markdown_escape("Water tomatoes at the base. Stake them.") in context(at)[0]


def test_a_long_pasted_document_stays_out_of_the_link(app) -> None:
    paste(app, "A sentence about tyres and gardens. " * 200)
    app.text_input(key="ask_q").input("cars").run()
    assert "doc" not in app.query_params
    assert app.query_params["source"] in ("paste", ["paste"])


def test_a_large_document_embeds_in_the_background_with_progress_and_cancel(app) -> None:
    lines = [
        f"Paragraph {i}: the number {i} is written here in words, {i * 7} times."
        for i in range(4_000)
    ]
    text = "\n\n".join(lines)
    assert len(text) > BACKGROUND_CHARS
    paste(app, text)
    assert not app.exception
    (bar,) = app.get("progress")
    assert "chunks" in bar.proto.text or "characters" in bar.proto.text
    app.button(key="cancel_ask").click().run()
    (cancelled,) = [i.value for i in app.info if i.value.startswith("Preparing the document was")]
    assert cancelled.startswith("Preparing the document was cancelled after ")
    assert app.button(key="resume_ask").label == "Resume"
