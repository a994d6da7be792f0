"""Search by meaning: semantic hits beside keyword hits, and the query on the corpus's map."""

from __future__ import annotations

import streamlit as st

from explorer.config import (
    MAX_PHRASE_CHARS,
    MODEL_TITLES,
    SEARCH_K,
    SEARCH_MAX_DOCS,
    SEARCH_MAX_K,
    SEARCH_PRESET_QUERY,
)
from explorer.documents.corpus import Corpus
from explorer.documents.readers import SAMPLE_SOURCE, from_text, load_sample
from explorer.documents.search import build_index
from explorer.documents.search_map import build_search_map
from explorer.figures.search import search_map_figure
from explorer.figures.style import chart_config
from explorer.links import Param
from explorer.models.doc_cache import default_cache
from explorer.phrases import clean_phrase
from explorer.phrases import markdown_escape as say
from explorer.ui.cache import get_model, random_pair_similarity
from explorer.ui.links import restore_from_link, share_view, stop_page
from explorer.ui.search import best_hit_verdict, corpus_map, show_hit
from explorer.ui.uploads import choose_corpus, search_upload
from explorer.ui.widgets import html_download

MODEL = "minilm"
#: Corpus sources: name -> (label, also the URL value ``?corpus=``; caption).
SOURCES = {
    "sample": ("Sample", "short documents on many topics, built in"),
    "paste": ("Paste", "your documents, one per line"),
    "upload": ("Upload", "a .txt or .csv file"),
}
#: Session keys of the page's own state (not widgets).
ACTIVE_KEY = "_search_corpus"  # the corpus last loaded without error
UPLOAD_KEY = "_search_upload"  # what the current file gave, step by step


#: What this page's link carries (pasted and uploaded documents stay in the session).
PARAMS = [
    Param("corpus", "corpus", tuple(SOURCES)),
    Param("q", "q", kind="text", max_chars=MAX_PHRASE_CHARS),
    Param("hits", "hits", kind="int", low=1, high=SEARCH_MAX_K),
]
SHARE_NOTE = (
    "The link carries the query, the number of hits and which documents are searched; "
    "pasted or uploaded documents stay in your browser session, so the person you send it "
    "to pastes or uploads them too."
)


def use_preset() -> None:
    """Button callback: the article's example, over the built-in sample."""
    st.session_state["corpus"] = "sample"
    st.session_state["q"] = SEARCH_PRESET_QUERY


def load_pasted() -> Corpus | None:
    text = st.text_area(
        f"Documents, one per line (up to {SEARCH_MAX_DOCS:,}); Ctrl+Enter applies",
        key="corpus_text",
        height=160,
        placeholder="Our store opens at 9 on Sundays.\nAutomobile repairs while you wait.\n…",
        persist_state="session",
    )
    if not clean_phrase(text):  # blank, or only invisible characters
        st.info("Paste documents, one per line, then press Ctrl+Enter.", icon="✏️")
        return None
    return from_text(text)


restore_from_link("search", PARAMS, phrases=False)
st.title("Search by meaning")
st.markdown(
    "Keyword search finds documents that **share words** with your query. Semantic search "
    "finds documents whose **embedding is near** the query's: “how to fix my car” lands next "
    "to “Automobile repairs…” although the two share no word. Below, both rankers side by "
    "side, and the query placed on the map of the corpus."
)

source = st.radio(
    "Documents to search",
    list(SOURCES),
    format_func=lambda name: SOURCES[name][0],
    captions=[caption for _, caption in SOURCES.values()],
    key="corpus",
    horizontal=True,
)
loaders = {"paste": load_pasted, "upload": lambda: search_upload(UPLOAD_KEY)}
active: Corpus = choose_corpus(
    loaders.get(source, load_sample), active_key=ACTIVE_KEY, verb="searching", default=load_sample()
)

for note in active.notes:
    st.warning(say(note), icon="✂️")
if active.source == SAMPLE_SOURCE:
    st.caption(
        f"The built-in sample: {len(active):,} short documents on "
        f"{len(set(active.topics or ()))} topics, written for this app (FAQ answers, product "
        "blurbs, headlines, recipes, tips)."
    )

model = get_model(MODEL)
model_title = MODEL_TITLES.get(model.name, model.name)
bar = st.empty()


def show_progress(done: int, total: int) -> None:
    bar.progress(
        done / total if total else 1.0,
        text=f"Embedding {total:,} new documents with {model_title}: {done:,} done…",
    )


try:
    index = build_index(active.texts, model=model, progress=show_progress)
except ValueError as error:
    st.error(say(str(error)), icon="🚫")
    stop_page(SHARE_NOTE)
bar.empty()
if default_cache().disk_error:
    st.info(say(default_cache().disk_error), icon="💾")

query_column, preset_column = st.columns([3, 2], vertical_alignment="bottom")
with query_column:
    query = st.text_input(
        "Query: what are you looking for?",
        key="q",
        max_chars=MAX_PHRASE_CHARS,
        placeholder=f"e.g. {SEARCH_PRESET_QUERY}",
    )
with preset_column:
    st.button(f"Try “{SEARCH_PRESET_QUERY}”", key="preset_car", on_click=use_preset)
k = st.slider("Hits per ranker", 1, SEARCH_MAX_K, SEARCH_K, key="hits")

if not (query or "").strip():
    st.info(
        f"Type a query above, or try “{SEARCH_PRESET_QUERY}” over the built-in sample.",
        icon="🔎",
    )
    stop_page(SHARE_NOTE)

try:
    semantic = index.semantic(query, k=k)
    keyword = index.keyword(query, k=k)
except ValueError as error:
    st.error(say(str(error)), icon="🚫")
    stop_page(SHARE_NOTE)

verdict = best_hit_verdict(semantic[0], random_pair_similarity(MODEL)) if semantic else None
if verdict is not None:
    kind, text = verdict
    getattr(st, kind)(text, icon="💡" if kind == "success" else "🤷")

by_meaning, by_words = st.columns(2, gap="large")
with by_meaning:
    st.subheader("By meaning")
    st.caption(
        f"{model_title}: cosine similarity of the query's vector and each document's, in all "
        f"{model.dim} dimensions (1 = same direction); d = 1 − similarity, the distance on the map."
    )
    with st.container(key="semantic_hits"):
        for rank, hit in enumerate(semantic, start=1):
            show_hit(rank, hit, "cosine similarity", active.topics)
with by_words:
    st.subheader("By keywords")
    st.caption(
        "TF-IDF (scikit-learn): only documents sharing a word with the query score above 0; "
        "rare words weigh more than common ones."
    )
    with st.container(key="keyword_hits"):
        if not keyword:
            st.info("No document shares a word with the query: keyword search finds nothing.")
        for rank, hit in enumerate(keyword, start=1):
            show_hit(rank, hit, "TF-IDF score", active.topics)

st.subheader("On the map")
try:
    search_map = build_search_map(
        index, query, semantic, topics=active.topics, projection=corpus_map(index)
    )
except ValueError as error:
    st.error(say(str(error)), icon="🚫")
    stop_page(SHARE_NOTE)
if search_map.notice:
    st.info(say(search_map.notice), icon="ℹ️")
figure = search_map_figure(search_map)
st.plotly_chart(figure, key="search_map", config=chart_config(file_stem="search-map"))
html_download(figure, key="html_search", file_stem="search-map", title="Search by meaning")
st.caption(
    f"The map is fitted to the corpus alone, so the documents stay put whatever you search. "
    f"{say(search_map.placement_text)} Each d= is the cosine distance in all {model.dim} "
    "dimensions: the 2-D picture distorts distances, the numbers do not."
)

share_view(PARAMS, phrases=False, note=SHARE_NOTE)
