"""Explore a corpus: up to 100,000 documents as a WebGL map, searched and clicked."""

from __future__ import annotations

import streamlit as st

from explorer.config import (
    CORPUS_MAX_ROWS,
    CORPUS_NEIGHBORS,
    CORPUS_SEARCH_HITS,
    CORPUS_SEARCH_MAX_HITS,
    CORPUS_TSNE_MAX,
    MAX_PHRASE_CHARS,
    METHODS,
)
from explorer.documents import corpus_view as view
from explorer.documents.corpus import Corpus
from explorer.documents.readers import SAMPLE_SOURCE, load_sample
from explorer.documents.search import SearchIndex
from explorer.documents.writers import parquet_bytes
from explorer.figures.corpus import coloring, corpus_figure, drawing_notes
from explorer.figures.style import chart_config, clicked_index
from explorer.links import Param
from explorer.models.doc_cache import default_cache
from explorer.phrases import markdown_escape as say
from explorer.phrases import shorten
from explorer.ui.cache import get_model, remember
from explorer.ui.jobs import embedding
from explorer.ui.jobs import projection as background_projection
from explorer.ui.links import restore_from_link, share_view, stop_page
from explorer.ui.uploads import choose_corpus, corpus_upload
from explorer.ui.widgets import html_download

SOURCES = {"sample": "Built-in sample", "upload": "Upload a file"}
CHART_KEY = "corpus_map"
ROW_KEY = "corpus_row"
ROW_LABEL = "Row whose nearest neighbours to show (click a point, or type its row; 0 = none)"
#: Session keys of the page's own state (not widgets).
ACTIVE_KEY = "_corpus_active"  # the corpus last loaded without error
UPLOADED_KEY = "_corpus_uploaded"  # the last upload loaded without error
UPLOAD_KEY = "_corpus_upload"  # what the current files gave, step by step
INDEX_KEY = "_corpus_index"  # the SearchIndex, by fingerprint
KEY_KEY = "_corpus_key"  # the corpus's fingerprint, by corpus
FIGURE_KEY = "_corpus_figure"  # (the figure, its colour note), by what it shows

PARAMS = [
    Param("source", "corpus_source", tuple(SOURCES)),
    Param("method", "corpus_method", (*METHODS, view.FROM_FILE)),
    Param("color", "corpus_color", kind="text", max_chars=200),
    Param("q", "corpus_query", kind="text", max_chars=MAX_PHRASE_CHARS),
    Param("hits", "corpus_hits", kind="int", low=1, high=CORPUS_SEARCH_MAX_HITS),
    Param("row", ROW_KEY, kind="int", low=0, high=CORPUS_MAX_ROWS),
]
SHARE_NOTE = (
    "The link carries the map's settings, the search and the clicked row. An uploaded "
    "file stays in your browser session: the person you send it to uploads it too."
)


def select_from_chart() -> None:
    """Chart callback: a click on a point shows its nearest neighbours."""
    row = clicked_index(st.session_state.get(CHART_KEY), CORPUS_MAX_ROWS + 1)
    if row:  # the map's customdata is the 1-based row number
        st.session_state[ROW_KEY] = row


restore_from_link("corpus", PARAMS, phrases=False)
st.title("Explore a corpus")
st.markdown(
    f"Bring your own documents: up to **{CORPUS_MAX_ROWS:,}** of them become points on one "
    "map, where documents that mean similar things sit close together. Hover to read, search "
    "within the corpus, colour by a column, and click a point to see its nearest neighbours "
    "measured in the model's full space (the map only approximates them)."
)

sample = load_sample()
previous: Corpus | None = st.session_state.get(ACTIVE_KEY)
source = st.radio(
    "Corpus",
    list(SOURCES),
    format_func=SOURCES.get,
    key="corpus_source",
    persist_state="session",
    horizontal=True,
    captions=[
        f"{len(sample)} short documents on {len(set(sample.topics or ()))} topics",
        "your documents, or vectors made elsewhere",
    ],
)
active = choose_corpus(
    lambda: sample if source == "sample" else corpus_upload(UPLOAD_KEY, UPLOADED_KEY),
    active_key=ACTIVE_KEY,
    verb="showing",
)
if active is None:
    stop_page(SHARE_NOTE)
if active is not previous and active.coords is not None:
    st.session_state["corpus_method"] = view.FROM_FILE  # a file's own map first
if source == "upload" and active.source != SAMPLE_SOURCE:
    st.session_state[UPLOADED_KEY] = active

corpus: Corpus = active
for note in corpus.notes:
    st.warning(say(note), icon="✂️")
n = len(corpus)
# A corpus compares equal only to itself: its fingerprint (0.3 s at 100,000) is kept.
key = remember(KEY_KEY, corpus, lambda: view.fingerprint(corpus.texts, corpus.vectors))

# --- Vectors: carried by the file, or embedded here (cached on disk, resumable).
model, vectors, vectors_model = None, corpus.vectors, corpus.model
if vectors is None:
    model = get_model(view.MODEL)
    vectors, vectors_model = embedding(corpus.texts, model=model, key=key), model.name
    if vectors is None:
        stop_page(SHARE_NOTE)
if default_cache().disk_error:
    st.info(say(default_cache().disk_error), icon="💾")
dim = int(vectors.shape[1])

# --- Map settings.
methods = view.map_methods(corpus)
if st.session_state.get("corpus_method") not in methods:
    st.session_state["corpus_method"] = next(iter(methods))
color_columns = [view.NO_COLOR, *(str(c) for c in corpus.extra.columns)]
if st.session_state.get("corpus_color") not in color_columns:
    st.session_state["corpus_color"] = view.default_color(color_columns[1:])
left, middle = st.columns([3, 2])
method = left.radio(
    "Projection to 2-D",
    list(methods),
    format_func=methods.get,
    key="corpus_method",
    persist_state="session",
    horizontal=True,
    help=f"PCA is instant at any size. UMAP keeps neighbourhoods and takes minutes at "
    f"{CORPUS_MAX_ROWS:,} points (a progress bar shows how far). t-SNE runs up to "
    f"{CORPUS_TSNE_MAX:,} points.",
)
color_by = middle.selectbox("Colour by", color_columns, key="corpus_color", persist_state="session")
query_column, hits_column = st.columns([3, 2], vertical_alignment="bottom")
query = query_column.text_input(
    "Search within the corpus",
    key="corpus_query",
    persist_state="session",
    max_chars=MAX_PHRASE_CHARS,
    placeholder="e.g. how to fix my car",
)
k = hits_column.slider(
    "Hits to highlight",
    1,
    CORPUS_SEARCH_MAX_HITS,
    CORPUS_SEARCH_HITS,
    key="corpus_hits",
    persist_state="session",
)

# --- Projection: PCA at once; UMAP and t-SNE as jobs, with PCA shown meanwhile.
refusal = view.tsne_refusal(method, n)
if refusal:
    st.warning(refusal, icon="🐢")
if method == view.FROM_FILE:
    shown = view.file_map(corpus)
else:
    projection = background_projection(vectors, key=key, method="pca" if refusal else method)
    if projection is None:
        stop_page(SHARE_NOTE)
    if projection.notice:
        st.info(say(projection.notice), icon="ℹ️")
    shown = view.projected_map(projection)

# --- Search within the corpus, and the clicked point's neighbours.
index = remember(INDEX_KEY, key, lambda: SearchIndex(corpus.texts, vectors, model))
found = None
try:
    found = view.search_within(index, corpus, query, k=k, model=lambda: get_model(view.MODEL))
except ValueError as error:
    st.error(say(str(error)), icon="🚫")
if problem := view.missing_row(st.session_state.get(ROW_KEY), n):
    st.warning(problem, icon="🔗")
    st.session_state[ROW_KEY] = 0
row = st.number_input(ROW_LABEL, 0, n, step=1, key=ROW_KEY, persist_state="session")
selected = int(row) - 1 if row else None
neighbours = view.nearest_rows(index.vectors, selected, normalized=True) if row else []
marks = {
    "title": view.map_title(vectors_model, dim, n, shown.shown),
    "axis_titles": shown.axis_titles,
    "hits": tuple(h.index for h in found.hits) if found else (),
    "hit_scores": tuple(round(h.score, 4) for h in found.hits) if found else (),
    "selected": selected,
    "neighbours": neighbours,
    "space": view.distance_space(vectors_model, dim),
}


def draw_figure() -> tuple:
    column = None if color_by == view.NO_COLOR else corpus.extra[color_by].tolist()
    color = coloring(column, column=color_by) if column is not None else None
    figure = corpus_figure(shown.coords, corpus.texts, color=color, **marks)
    return figure, color.note if color is not None else None


# The figure of 100,000 points takes about 0.6 s to build: reuse it while
# nothing it shows has changed (a page switch, a rerun from another widget).
drawn = (key, id(shown.coords), color_by, repr(marks))
figure, color_note = remember(FIGURE_KEY, drawn, draw_figure)
st.plotly_chart(
    figure,
    key=CHART_KEY,
    on_select=select_from_chart,
    selection_mode="points",
    config=chart_config(file_stem="corpus-map"),
)
for note in filter(None, [*drawing_notes(n), color_note, view.map_caption(corpus, shown, dim)]):
    st.caption(say(note))

if found is not None:
    if found.note:
        st.info(say(found.note), icon="🔤")
    st.subheader(f"Search hits, {found.how}")
    if not found.hits:
        st.info("Nothing in the corpus shares a word with the query.", icon="🔎")
    st.dataframe(view.hits_table(found.hits), hide_index=True, key="corpus_hits_table")
if selected is not None:
    st.subheader(f"Row {selected + 1} and its {len(neighbours)} nearest neighbours")
    st.markdown(f"> {say(shorten(corpus.texts[selected], 600))}")
    table = view.neighbours_table(neighbours, corpus.texts)
    st.dataframe(table, hide_index=True, key="corpus_neighbours_table")
    st.caption(
        say(f"d = {marks['space']}: 0 means the same direction. Up to {CORPUS_NEIGHBORS} shown.")
    )

downloads = st.columns(2)
with downloads[0]:
    html_download(figure, key="html_corpus", file_stem="corpus-map", title="Corpus map")
columns = {"vectors": vectors, "coords": shown.coords, "model": vectors_model}
downloads[1].download_button(
    "Download the map and vectors (.parquet)",
    data=lambda: parquet_bytes(corpus, **columns, method=shown.method),
    file_name="corpus-map.parquet",
    mime="application/vnd.apache.parquet",
    key="parquet_corpus",
    on_click="ignore",
    help="Opens here again (upload it), or in pandas: text, x, y, your columns, embedding.",
)
share_view(PARAMS, phrases=False, note=SHARE_NOTE)
