"""Streamlit pieces of the Ask page: presets, the link, the background job, the hits."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from explorer.config import (
    ASK_CHUNK_DEFAULTS,
    ASK_CHUNKINGS,
    ASK_LINK_DOC_CHARS,
    ASK_MAX_CHUNK_TOKENS,
    ASK_MAX_K,
    MAX_PHRASE_CHARS,
)
from explorer.documents.chunks import Chunks, chunk
from explorer.documents.jobs import Report
from explorer.documents.retrieval import Retrieved, Retriever
from explorer.documents.search import highlight
from explorer.links import Param
from explorer.phrases import markdown_escape, shorten
from explorer.ui import messages as msg
from explorer.ui.jobs import run_job
from explorer.ui.links import share_view

#: Preset questions about the sample document: none shares a word with the
#: paragraph that answers it (tests/app/test_ask_page.py checks).
PRESETS = (
    ("how often should I inflate my automobile's tires", "Tyre pressure drifts down"),
    ("faucet keeps leaking", "A dripping tap"),
    ("food lodged in someone's throat", "An adult who is choking"),
    ("how much cash should I keep for unexpected expenses", "An emergency fund is the cushion"),
)
#: Document sources: name -> label (also the URL value ``?source=``).
SOURCES = {"sample": "Sample document", "paste": "Paste", "upload": "Upload"}
#: Ways of chunking: name -> label.
CHUNKINGS = {"paragraph": "By paragraph", "sentences": "Sentence window", "tokens": "Token window"}
MAPS = {"pca": "PCA", "umap": "UMAP"}
#: Documents longer than this are chunked and embedded in the background, with
#: progress and a Cancel button; shorter ones at once.
BACKGROUND_CHARS = 100_000
#: The link's parameters; ``doc`` (a pasted document) only while it is short.
PARAMS = [
    Param("source", "ask_source", tuple(SOURCES)),
    Param("by", "ask_by", ASK_CHUNKINGS),
    Param("size", "ask_size", kind="int", low=1, high=ASK_MAX_CHUNK_TOKENS),
    Param("overlap", "ask_overlap", kind="int", low=0, high=ASK_MAX_CHUNK_TOKENS - 1),
    Param("q", "ask_q", kind="text", max_chars=MAX_PHRASE_CHARS),
    Param("k", "ask_k", kind="int", low=1, high=ASK_MAX_K),
    Param("map", "ask_map", tuple(MAPS)),
    Param("doc", "ask_text", kind="text", max_chars=ASK_LINK_DOC_CHARS),
]


def say(text: str) -> str:
    """A message shown literally: documents and questions may hold Markdown or HTML."""
    return markdown_escape(text)


def use_preset(question: str) -> None:
    """Button callback: a preset question, over the sample document."""
    st.session_state["ask_source"] = "sample"
    st.session_state["ask_q"] = question


def reset_sizes() -> None:
    """Radio callback: a new way of chunking starts from its own default size and overlap."""
    size, overlap = ASK_CHUNK_DEFAULTS[st.session_state["ask_by"]]
    st.session_state["ask_size"], st.session_state["ask_overlap"] = size, overlap


def share() -> None:
    """Write the link: the pasted document only while it fits (the sample is named)."""
    specs, note = PARAMS[:-1], None
    text = st.session_state.get("ask_text") or ""
    if st.session_state.get("ask_source") == "paste":
        if len(urlencode({"doc": text})) <= ASK_LINK_DOC_CHARS:
            specs = PARAMS
        else:
            note = (
                f"The pasted document is too long for a link (over {ASK_LINK_DOC_CHARS:,} "
                "characters once encoded): the person you send it to pastes it too."
            )
    elif st.session_state.get("ask_source") == "upload":
        note = "An uploaded document stays in your session: the person you send it to uploads it."
    share_view(specs, phrases=False, note=note)


def stop() -> None:
    """Write the link, then stop the page here."""
    share()
    st.stop()


def _prepare(text: str, by: str, size: int, overlap: int, model: Any):
    def run(report: Report) -> tuple[Chunks, Retriever]:
        def cutting(done: int, total: int) -> None:
            report(done, total, stage="Cutting the document into chunks (characters)")

        chunks = chunk(text, by=by, size=size, overlap=overlap, model=model, progress=cutting)

        def embedding(done: int, total: int) -> None:
            report(done, total, stage=f"Embedding {total:,} chunks")

        retriever = Retriever(chunks, model=model, progress=embedding)
        retriever.index  # noqa: B018 - embeds now, in the background
        return chunks, retriever

    return run


def prepare(text: str, by: str, size: int, overlap: int, model: Any) -> tuple[Chunks, Retriever]:
    """Chunks and their embeddings: at once for a short document, else in a background job
    (progress and Cancel; the page stops here until it is done)."""
    if len(text) <= BACKGROUND_CHARS:
        retriever = Retriever(chunks := chunk(text, by=by, size=size, overlap=overlap, model=model))
        with st.spinner(f"Embedding {len(chunks):,} chunks…", show_time=True):
            retriever.index  # noqa: B018
        return chunks, retriever
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    result = run_job(
        ("ask", digest, by, size, overlap),
        lambda: _prepare(text, by, size, overlap, model),
        cancel_label="Cancel",
        what="Preparing the document",
    )
    if result is None:
        stop()
    return result


def hit_line(hit: Retrieved, score_name: str) -> str:
    """One retrieved chunk's heading: rank, chunk number, score, cosine, shared words."""
    parts = [f"**#{hit.rank}** · chunk {hit.index + 1} · {score_name} **{hit.score:.2f}**"]
    if hit.cosine is not None and score_name != "cosine similarity":
        parts.append(f"cosine similarity {hit.cosine:.2f}")
    if hit.shares_no_word:
        parts.append("*shares no word with the question*")
    else:
        parts.append("shares " + ", ".join(f"**{say(w)}**" for w in hit.shared_words))
    return " · ".join(parts)


def show_context(hits: Sequence[Retrieved]) -> None:
    """The retrieved chunks in full, in order, shared words in bold."""
    for hit in hits:
        with st.container(border=True):
            st.markdown(
                hit_line(hit, "cosine similarity") + "\n\n" + highlight(hit.text, hit.shared_words)
            )


def show_ranking(title: str, caption: str, hits: Sequence[Retrieved], score: str, key: str) -> None:
    """One retriever's hits, briefly, for the side-by-side comparison."""
    st.markdown(f"**{title}**")
    msg.caption(caption)
    with st.container(key=key):
        if not hits:
            st.info("No chunk shares a content word with the question: BM25 finds nothing.")
        for hit in hits:
            st.markdown(
                hit_line(hit, score) + "\n\n" + highlight(shorten(hit.text, 160), hit.shared_words)
            )
