"""Explore a corpus: up to 100,000 documents as a WebGL map, searched and clicked."""

from __future__ import annotations

import streamlit as st

from explorer.config import (
    CORPUS_MAX_PREPARED_ROWS,
    CORPUS_MAX_ROWS,
    CORPUS_NEIGHBORS,
    CORPUS_SEARCH_HITS,
    CORPUS_SEARCH_MAX_HITS,
    CORPUS_SHARP_POINTS_MAX,
    CORPUS_TSNE_MAX,
    MAX_PHRASE_CHARS,
)
from explorer.documents import corpus_view as view
from explorer.documents.cluster_view import CLUSTER_COLOR
from explorer.documents.corpus import Corpus
from explorer.documents.readers import SAMPLE_SOURCE, load_sample
from explorer.documents.search import SearchIndex
from explorer.documents.writers import parquet_bytes
from explorer.figures.corpus import drawing_notes
from explorer.figures.style import chart_config
from explorer.models.doc_cache import default_cache
from explorer.phrases import markdown_escape as say
from explorer.phrases import shorten
from explorer.ui import corpus as ui
from explorer.ui import messages as msg
from explorer.ui.cache import get_model, remember
from explorer.ui.jobs import embedding
from explorer.ui.jobs import projection as background_projection
from explorer.ui.links import restore_from_link, share_view, stop_page
from explorer.ui.map_chart import map_chart
from explorer.ui.uploads import choose_corpus, corpus_upload
from explorer.ui.widgets import html_download

SOURCES = {"sample": "Built-in sample", "upload": "Upload a file (or several parquet shards)"}
ROW_LABEL = "Row whose nearest neighbours to show (click a point, or type its row; 0 = none)"
#: Session keys of the page's own state (not widgets).
ACTIVE_KEY = "_corpus_active"  # the corpus last loaded without error
UPLOADED_KEY = "_corpus_uploaded"  # the last upload loaded without error
UPLOAD_KEY = "_corpus_upload"  # what the current files gave, step by step
INDEX_KEY = "_corpus_index"  # the SearchIndex, by fingerprint
KEY_KEY = "_corpus_key"  # the corpus's fingerprint, by corpus
FIGURE_KEY = "_corpus_figure"  # (the figure, its colour note), by what it shows
PARAMS, SHARE_NOTE, ROW_KEY = ui.PARAMS, ui.SHARE_NOTE, ui.ROW_KEY

restore_from_link("corpus", PARAMS, phrases=False)
st.title("Explore a corpus")
st.markdown(
    f"Bring your own documents: up to **{CORPUS_MAX_ROWS:,}** embedded here, or "
    f"**{CORPUS_MAX_PREPARED_ROWS:,}** with their vectors, become points on one map, where "
    "documents that mean similar things sit close together. Hover a point, search within the "
    "corpus, colour by a column, and click a point to read it and see its nearest neighbours "
    "measured in the model's full space (the map only approximates them)."
)

sample = load_sample()
previous: Corpus | None = st.session_state.get(ACTIVE_KEY)
source = st.radio(
    "Corpus", list(SOURCES), format_func=SOURCES.get, key="corpus_source",
    persist_state="session", horizontal=True, captions=[
        f"{len(sample)} short documents on {len(set(sample.topics or ()))} topics",
        "your documents, or vectors made elsewhere",
    ],
)  # fmt: skip
active = choose_corpus(
    lambda: sample if source == "sample" else corpus_upload(UPLOAD_KEY, UPLOADED_KEY),
    active_key=ACTIVE_KEY,
    verb="showing",
)
if active is None:
    stop_page(SHARE_NOTE)
if active is not previous and (previous is not None or active.coords is not None):
    st.session_state["corpus_method"] = view.default_method(active)  # not the last one's
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
    st.session_state["corpus_method"] = view.default_method(corpus)
view_choice, show_clusters, density = ui.view_toggles()
color_columns = [view.NO_COLOR, *(str(c) for c in corpus.extra.columns)]
color_columns += [CLUSTER_COLOR] if show_clusters else []
if st.session_state.get("corpus_color") not in color_columns:
    st.session_state["corpus_color"] = view.default_color(color_columns[1:])
left, middle = st.columns([3, 2])
method = left.radio(
    "Projection",
    list(methods),
    format_func=methods.get,
    key="corpus_method",
    persist_state="session",
    horizontal=True,
    help=f"PCA takes seconds at any size. UMAP keeps neighbourhoods and takes minutes at "
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
    "Hits to highlight", 1, CORPUS_SEARCH_MAX_HITS, CORPUS_SEARCH_HITS,
    key="corpus_hits", persist_state="session",
)  # fmt: skip
kept, active_filters = ui.filter_panel(corpus, key[:12])

# --- Projection: PCA at once; UMAP and t-SNE as jobs, with PCA shown meanwhile. Messages
# share one container, so the map keeps its place on a rerun (and its chart, map_chart.py).
with st.container():
    if refusal := view.tsne_refusal(method, n):
        msg.warn(refusal, icon="🐢")
    if method == view.FROM_FILE:
        shown = view.file_map(corpus)
    else:
        projection = background_projection(vectors, key=key, method="pca" if refusal else method)
        if projection is None:
            stop_page(SHARE_NOTE)
        for note in view.projection_notes(projection, chosen=method):
            st.info(say(note), icon="ℹ️")
        shown = view.projected_map(projection)
    # --- Search and neighbours within the filter; clusters of the rows it keeps.
    filtered = None if kept.all() else kept
    index = remember(INDEX_KEY, key, lambda: SearchIndex(corpus.texts, vectors, model))
    found = None
    try:
        search = lambda: get_model(view.MODEL)  # noqa: E731 - loaded only for a search
        found = view.search_within(index, corpus, query, k=k, model=search, mask=filtered)
    except ValueError as error:
        st.error(say(str(error)), icon="🚫")
    if problem := view.missing_row(st.session_state.get(ROW_KEY), n):
        msg.warn(problem, icon="🔗")
        st.session_state[ROW_KEY] = 0
row = st.number_input(ROW_LABEL, 0, n, step=1, key=ROW_KEY, persist_state="session")
selected = int(row) - 1 if row else None
neighbours = (
    view.nearest_rows(index.vectors, selected, normalized=True, mask=filtered) if row else []
)
rows_selected = ui.selection_rows(n, coords=shown.coords if view_choice != "3d" else None)
clusters = (
    ui.clusters_shown(index.vectors, corpus, kept, key=key, coords=shown.coords)
    if show_clusters
    else None
)
if clusters is None and color_by == CLUSTER_COLOR:
    color_by = view.NO_COLOR
marks = {
    "title": view.map_title(vectors_model, dim, n, shown.shown),
    "hits": tuple(h.index for h in found.hits) if found else (),
    "selected": selected,
}
marks_2d = {
    **marks,
    "axis_titles": shown.axis_titles,
    "hit_scores": tuple(round(h.score, 4) for h in found.hits) if found else (),
    "neighbours": neighbours,
    "space": view.distance_space(vectors_model, dim),
}
map_slot = st.container()
chosen_cluster = ui.cluster_list(clusters, int(kept.sum())) if clusters is not None else None
coords, coords_titles = shown.coords, shown.axis_titles
if view_choice == "3d":
    projected = ui.projection_3d(vectors, key=key, method=method)
    coords = projected.coords if projected is not None else coords
    coords_titles = projected.axis_titles if projected is not None else coords_titles
# The figure is reused while nothing it shows changes (a page switch, another widget).
zoom = ui.map_zoom(key, shown.shown if view_choice == "2d" else "3d")
layers = {"density": density, "selection": rows_selected, "cluster": chosen_cluster, "zoom": zoom}
drawn = (key, id(coords), color_by, repr(marks_2d), kept.tobytes(), id(clusters), repr(layers))
figure, color_note = remember(
    FIGURE_KEY,
    drawn,
    lambda: ui.map_figure(
        corpus, coords, coords_titles, color_by=color_by, clusters=clusters, kept=kept,
        marks=marks, marks_2d=marks_2d, **layers,
    ),
)  # fmt: skip
with map_slot:
    map_chart(
        figure,
        key=ui.CHART_KEY,
        on_select=ui.select_from_chart,
        on_view=ui.zoom_from_chart,
        config=chart_config(file_stem="corpus-map", sharp_gl=n <= CORPUS_SHARP_POINTS_MAX),
    )
    notes = [*drawing_notes(n), color_note, view.map_caption(corpus, shown, dim)]
    for note in filter(None, [*notes, *ui.figure_notes(figure, clusters)]):
        st.caption(say(note))

if found is not None:
    if found.note:
        st.info(say(found.note), icon="🔤")
    st.subheader(say(f"Search hits, {found.how}"))
    if not found.hits:
        st.info("Nothing in the corpus shares a word with the query.", icon="🔎")
    st.dataframe(view.hits_table(found.hits), hide_index=True, key="corpus_hits_table")
if selected is not None:
    st.subheader(f"Row {selected + 1} and its {len(neighbours)} nearest neighbours")
    st.markdown(f"> {say(shorten(corpus.texts[selected], 600))}")
    table = view.neighbours_table(neighbours, corpus.texts)
    st.dataframe(table, hide_index=True, key="corpus_neighbours_table")
    st.caption(
        say(f"d = {marks_2d['space']}: 0 means the same direction. Up to {CORPUS_NEIGHBORS} shown.")
    )
columns = {"vectors": vectors, "coords": shown.coords, "model": vectors_model}
if rows_selected:
    ui.selection_panel(corpus, rows_selected, kept, **columns, method=shown.method)

downloads = st.columns(2)
with downloads[0]:
    html_download(figure, key="html_corpus", file_stem="corpus-map", title="Corpus map")
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
