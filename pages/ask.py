"""Ask a document: the retrieval step of RAG, shown as coordinates."""

from __future__ import annotations

import math

import streamlit as st

from explorer.config import (
    ASK_CHUNK_DEFAULTS,
    ASK_K,
    ASK_MAX_BYTES,
    ASK_MAX_CHUNK_TOKENS,
    ASK_MAX_K,
    ASK_PROMPT_BUDGET,
    ASK_UMAP_MIN,
    MAX_PHRASE_CHARS,
    MODEL_TITLES,
)
from explorer.documents.chunks import load_sample_document, read_document, text_capacity
from explorer.documents.retrieval import build_ask_map, build_prompt, check_question, compare
from explorer.figures.ask import ask_map_figure
from explorer.figures.style import chart_config
from explorer.ui.ask import (
    CHUNKINGS,
    MAPS,
    PARAMS,
    PRESETS,
    SOURCES,
    prepare,
    reset_sizes,
    say,
    show_context,
    show_ranking,
    stop,
    use_preset,
)
from explorer.ui.cache import get_model
from explorer.ui.links import restore_from_link

MODEL = "minilm"
UPLOAD_REFUSED_MB = math.ceil(2 * ASK_MAX_BYTES / 2**20)

restore_from_link("ask", PARAMS, phrases=False)
st.title("Ask a document")
st.markdown(
    "Retrieval-augmented generation (RAG) answers a question about a long text in two steps. "
    "First **retrieval**: the text is cut into chunks, every chunk and the question become "
    "coordinates, and the chunks **nearest** to the question are picked. Then a language model "
    "writes an answer from them. This page shows the first step: **no language model runs "
    "here; you see exactly what one would be given.**"
)

source = st.radio(
    "Document",
    list(SOURCES),
    format_func=SOURCES.get,
    key="ask_source",
    horizontal=True,
    captions=["a community handbook of about 3,000 words", "your text", "a .txt or .md file"],
)
try:
    if source == "paste":
        text = st.text_area(
            "Your document (Ctrl+Enter applies)",
            key="ask_text",
            height=200,
            placeholder="Paste a long text: an article, a manual, notes…",
        )
    elif source == "upload":
        upload = st.file_uploader(
            f"A UTF-8 .txt or .md file, up to {ASK_MAX_BYTES / 2**20:.0f} MB (PDF is not "
            "supported: no PDF text extractor is installed)",
            type=["txt", "md", "pdf"],
            key="ask_file",
            max_upload_size=UPLOAD_REFUSED_MB,
        )
        if upload is None:
            st.info("Choose a file to ask it questions.", icon="📄")
            stop()
        text = read_document(upload.getvalue(), name=upload.name)
    else:
        text = load_sample_document()
        st.caption(
            "The built-in sample: a community handbook written for this app, on car care, "
            "gardening, money, first aid, cooking, cycling, the home, pets, recycling, storms "
            "and sleep."
        )
except ValueError as error:
    st.error(say(str(error)), icon="🚫")
    stop()

model = get_model(MODEL)
capacity = text_capacity(model)
by_column, size_column, overlap_column = st.columns([2, 1, 1], vertical_alignment="bottom")
with by_column:
    by = st.radio(
        "Chunking",
        list(CHUNKINGS),
        format_func=CHUNKINGS.get,
        key="ask_by",
        horizontal=True,
        on_change=reset_sizes,
    )
unit = "sentences" if by == "sentences" else "tokens"
st.session_state.setdefault("ask_size", ASK_CHUNK_DEFAULTS[by][0])
st.session_state.setdefault("ask_overlap", ASK_CHUNK_DEFAULTS[by][1])
with size_column:
    size = st.number_input(f"Chunk size ({unit})", 1, ASK_MAX_CHUNK_TOKENS, key="ask_size", step=1)
with overlap_column:
    overlap = st.number_input(
        f"Overlap ({unit})",
        0,
        ASK_MAX_CHUNK_TOKENS - 1,
        key="ask_overlap",
        step=1,
        disabled=by == "paragraph",
    )
st.caption(
    {
        "paragraph": f"One chunk per paragraph (a heading joins the paragraph below it); "
        f"a paragraph over {size:,} tokens is split at sentence ends.",
        "sentences": f"Windows of {size:,} sentences, each sharing {overlap:,} with the last.",
        "tokens": f"Windows of {size:,} tokens, each sharing {overlap:,} with the last; "
        "edges fall between words.",
    }[by]
    + f" Tokens are {MODEL_TITLES[MODEL]}'s word pieces: it reads at most {capacity + 2} "
    f"({capacity} of text and its two markers) and {MAX_PHRASE_CHARS:,} characters."
)

try:
    chunks, retriever = prepare(
        text, by, int(size), int(overlap if by != "paragraph" else 0), model
    )
except ValueError as error:
    st.error(say(str(error)), icon="🚫")
    stop()
for note in chunks.notes:
    st.warning(say(note), icon="✂️")
tokens = [c.tokens for c in chunks]
with st.expander(
    f"{len(chunks):,} chunks, {min(tokens):,}–{max(tokens):,} tokens each", expanded=False
):
    st.dataframe(
        {
            "chunk": list(range(1, len(chunks) + 1)),
            "tokens": tokens,
            "characters": [f"{c.start:,}–{c.end:,}" for c in chunks],
            "cut by the model": ["yes" if c.cut else "" for c in chunks],
            "text": [c.text[:200] for c in chunks],
        },
        hide_index=True,
        key="ask_chunks",
    )

question = st.text_input(
    "Question", key="ask_q", max_chars=MAX_PHRASE_CHARS, placeholder="Ask about the document"
)
preset_columns = st.columns(len(PRESETS))
for number, (column, (preset, _)) in enumerate(zip(preset_columns, PRESETS, strict=True)):
    column.button(preset, key=f"ask_preset_{number}", on_click=use_preset, args=(preset,))
k = st.slider("Chunks to retrieve (k)", 1, ASK_MAX_K, ASK_K, key="ask_k")
if not (question or "").strip():
    st.info(
        "Type a question, or pick a preset: each shares no word with the passage that answers it.",
        icon="❓",
    )
    stop()
try:
    check_question(question, model)
except ValueError as error:
    st.error(say(str(error)), icon="🚫")
    stop()
if k > len(chunks):
    st.info(f"The document has only {len(chunks):,} chunks: all of them are retrieved.", icon="ℹ️")
    k = len(chunks)

found = compare(retriever, question, k=k)
st.subheader("The retrieved context")
st.caption(
    f"The {k} chunks whose vectors are nearest to the question's: cosine similarity in all "
    f"{model.dim} dimensions of {MODEL_TITLES[MODEL]}, best first. Words shared with the "
    "question are in bold."
)
with st.container(key="ask_context"):
    show_context(found.meaning)
prompt = build_prompt(question, found.meaning, model=model)
st.markdown("**The prompt a language model would receive** (no model runs here)")
st.code(prompt.text, language=None, wrap_lines=True)
fits = (
    "fits"
    if not prompt.over
    else f"is {prompt.over:,} tokens over: a generator with this budget would not see the end"
)
st.caption(
    f"{prompt.tokens:,} tokens (counted with {MODEL_TITLES[MODEL]}'s tokenizer; a generator's "
    f"own tokenizer counts a little differently) of a {ASK_PROMPT_BUDGET:,}-token budget: it "
    f"{fits}."
)

st.subheader("Meaning, keywords, or both")
meaning_column, keyword_column, hybrid_column = st.columns(3, gap="medium")
with meaning_column:
    show_ranking(
        "By meaning", "cosine similarity of embeddings", found.meaning, "cosine similarity",
        "ask_meaning",
    )  # fmt: skip
with keyword_column:
    show_ranking(
        "By keywords (BM25)", "bm25s over content words (no stop words)", found.keywords, "BM25",
        "ask_keywords",
    )  # fmt: skip
with hybrid_column:
    show_ranking(
        "Hybrid (RRF)", "reciprocal rank fusion of the two rankings, 1/(60 + rank) each",
        found.hybrid, "RRF", "ask_hybrid",
    )  # fmt: skip
only = found.only_meaning
if only:
    st.success(
        "Only meaning found chunk"
        + ("s " if len(only) > 1 else " ")
        + ", ".join(str(i + 1) for i in only)
        + ": keyword search ranks chunks by the words they share with the question, and "
        + ("these share none it counts." if len(only) > 1 else "this one shares none it counts."),
        icon="💡",
    )

st.subheader("On the map")
method = st.radio(
    "Projection", list(MAPS), format_func=MAPS.get, key="ask_map", horizontal=True,
    help=f"UMAP from {ASK_UMAP_MIN} chunks; the projection is seeded, so a link redraws it.",
)  # fmt: skip
with st.spinner("Projecting the chunks…", show_time=True):
    amap = build_ask_map(retriever, question, found.meaning, method=method)
if amap.notice:
    st.info(say(amap.notice), icon="ℹ️")
figure = ask_map_figure(amap, chunks=chunks)
st.plotly_chart(figure, key="ask_map_chart", config=chart_config(file_stem="ask-map"))
st.caption(
    f"Each d= is the cosine distance in all {model.dim} dimensions; the 2-D picture distorts "
    "distances, the numbers do not. Colour shows where each chunk sits in the document."
)
stop()
