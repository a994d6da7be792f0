"""Explore a corpus: up to 100,000 documents as a WebGL map, searched and clicked."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explorer.config import (
    CORPUS_MAX_ROWS,
    CORPUS_MAX_UPLOAD_MB,
    CORPUS_NEIGHBORS,
    CORPUS_SEARCH_HITS,
    CORPUS_SEARCH_MAX_HITS,
    CORPUS_TSNE_MAX,
    MAX_PHRASE_CHARS,
    METHODS,
)
from explorer.documents.corpus import SAMPLE_SOURCE, TOPIC_COLUMNS, load_sample
from explorer.documents.corpus_view import (
    FROM_FILE,
    embedding_job,
    fingerprint,
    model_title,
    nearest_rows,
    projection_job,
    search_corpus,
    tsne_refusal,
)
from explorer.documents.dataset import (
    UPLOAD_TYPES,
    Dataset,
    from_frame,
    is_vectors_file,
    read_frame,
    read_vectors,
    write_parquet,
)
from explorer.documents.jobs import CANCELLED, DONE, RUNNING, duration
from explorer.documents.search import SearchIndex
from explorer.figures.corpus import coloring, corpus_figure, drawing_notes
from explorer.figures.style import clicked_index
from explorer.links import Param
from explorer.models import MINILM_ALIASES
from explorer.models.doc_cache import default_cache
from explorer.phrases import escape, markdown_escape, shorten
from explorer.ui.cache import attempt, get_model, job_board, remember, unwrap
from explorer.ui.links import restore_from_link, share_view
from explorer.ui.widgets import html_download

MODEL = "minilm"
SOURCES = {"sample": "Built-in sample", "upload": "Upload a file"}
NO_COLOR = "(one colour)"
CHART_KEY = "corpus_map"
ROW_KEY = "corpus_row"
#: Session keys of the page's own state (not widgets).
ACTIVE_KEY = "_corpus_active"  # the dataset last loaded without error
UPLOADED_KEY = "_corpus_uploaded"  # the last upload loaded without error
UPLOAD_KEY = "_corpus_upload"  # {"files": ids, ...}: what the current files gave
RESUME_KEY = "_corpus_resume"  # the job a Resume button asked to start again
INDEX_KEY = "_corpus_index"  # the SearchIndex, by fingerprint
KEY_KEY = "_corpus_key"  # the dataset's fingerprint, by dataset
FIGURE_KEY = "_corpus_figure"  # (the figure, its colour note), by what it shows
#: How long a run waits for a job before showing its progress instead
#: (the sample embeds or loads from the cache within it).
QUICK_WAIT_S = 2.0
#: The spinner's words while a file is read (100,000 rows: one or two seconds).
READING = "Reading the file…"
#: How often the progress bar of a running job refreshes.
POLL_S = 0.5

PARAMS = [
    Param("source", "corpus_source", tuple(SOURCES)),
    Param("method", "corpus_method", (*METHODS, FROM_FILE)),
    Param("color", "corpus_color", kind="text", max_chars=200),
    Param("q", "corpus_query", kind="text", max_chars=MAX_PHRASE_CHARS),
    Param("hits", "corpus_hits", kind="int", low=1, high=CORPUS_SEARCH_MAX_HITS),
    Param("row", ROW_KEY, kind="int", low=0, high=CORPUS_MAX_ROWS),
]
SHARE_NOTE = (
    "The link carries the map's settings, the search and the clicked row. An uploaded "
    "file stays in your browser session: the person you send it to uploads it too."
)


def say(text: str) -> str:
    """A message shown literally: file names and documents may hold Markdown or HTML."""
    return markdown_escape(text)


def share() -> None:
    share_view(PARAMS, phrases=False, note=SHARE_NOTE)


def sample_dataset() -> Dataset:
    import pandas as pd

    sample = load_sample()
    return Dataset(
        texts=sample.texts,
        extra=pd.DataFrame({"topic": list(sample.topics or ())}),
        vectors=None,
        coords=None,
        model=None,
        method=None,
        source=SAMPLE_SOURCE,
    )


def load_uploaded() -> Dataset | None:
    files = st.file_uploader(
        f"A table of documents (.txt one per line, .csv, .tsv or .parquet; up to "
        f"{CORPUS_MAX_ROWS:,} rows), or precomputed vectors with their texts (.npy or an "
        f"Embedding Projector TSV plus a texts file, or a zip of them, or a .parquet made by "
        f"`python -m explorer embed`). Up to {CORPUS_MAX_UPLOAD_MB} MB.",
        type=[suffix.lstrip(".") for suffix in UPLOAD_TYPES],
        accept_multiple_files=True,
        key="corpus_files",
        max_upload_size=CORPUS_MAX_UPLOAD_MB,
    )
    if not files:
        last = st.session_state.get(UPLOADED_KEY)
        if last is None:
            st.info("Choose a file to map it.", icon="📄")
        return last
    ids = tuple(f.file_id for f in files)
    memo = st.session_state.get(UPLOAD_KEY)
    if not memo or memo.get("files") != ids:
        memo = st.session_state[UPLOAD_KEY] = {"files": ids}
    single = files[0] if len(files) == 1 else None
    if single is None or is_vectors_file(single.name, single.getvalue()):
        if "vectors" not in memo:
            memo["vectors"] = attempt(
                lambda: read_vectors({f.name: f.getvalue() for f in files}), spinner=READING
            )
        return unwrap(memo["vectors"])
    if "frame" not in memo:
        memo["frame"] = attempt(
            lambda: read_frame(single.getvalue(), name=single.name), spinner=READING
        )
    frame = unwrap(memo["frame"])
    columns = list(frame.text_columns)
    if not columns:
        columns = [str(c) for c in frame.data.columns]
    if len(columns) > 1:
        column = st.selectbox(
            "Column holding the documents",
            columns,
            index=columns.index(frame.text_guess) if frame.text_guess in columns else None,
            placeholder="Choose the column of documents",
            key=f"corpus_text_column_{single.file_id}",
        )
        if column is None:
            st.info("Choose the column that holds the documents.", icon="📄")
            return None
    else:
        column = columns[0]
    if ("column", column) not in memo:
        memo[("column", column)] = attempt(
            lambda: from_frame(frame, text_column=column), spinner=READING
        )
    return unwrap(memo[("column", column)])


def resume(key: tuple) -> None:
    """Button callback: start a cancelled or failed job again."""
    st.session_state[RESUME_KEY] = key


def select_from_chart() -> None:
    """Chart callback: a click on a point shows its nearest neighbours."""
    row = clicked_index(st.session_state.get(CHART_KEY), CORPUS_MAX_ROWS + 1)
    if row:  # the map's customdata is the 1-based row number
        st.session_state[ROW_KEY] = row


@st.fragment(run_every=POLL_S)
def job_progress(key: tuple, cancel_label: str) -> None:
    """A running job's progress bar and Cancel button; reruns the page when it ends."""
    job = job_board().get(key)
    if job is None or job.state != RUNNING:
        st.rerun(scope="app")
    snapshot = job.snapshot()
    st.progress(snapshot.fraction or 0.0, text=say(snapshot.describe()))
    st.button(cancel_label, key=f"cancel_{key[0]}", on_click=job.cancel, icon="⏹️")


def run_job(key: tuple, make, *, cancel_label: str, what: str):
    """The job for ``key``: its result once done, else ``None`` after showing why.

    A running job shows its progress (and the page goes on); a cancelled or
    failed one is not restarted until the user asks.
    """
    board = job_board()
    job = board.get(key)
    asked = st.session_state.get(RESUME_KEY) == key
    if job is None or job.state in (RUNNING, DONE) or asked:
        st.session_state.pop(RESUME_KEY, None)
        job = board.start(key, make(), name=key[0])
        job.wait(QUICK_WAIT_S)
    snapshot = job.snapshot()
    if snapshot.state == DONE:
        return job.result
    if snapshot.state == RUNNING:
        job_progress(key, cancel_label)
        return None
    if snapshot.state == CANCELLED:
        done_so_far = f"after {duration(snapshot.elapsed)} ({snapshot.describe()})"
        st.info(say(f"{what} was cancelled {done_so_far}."), icon="⏹️")
        st.button("Resume", key=f"resume_{key[0]}", on_click=resume, args=(key,), icon="▶️")
    else:
        st.error(say(f"{what} failed: {snapshot.error}"), icon="🚫")
        st.button("Try again", key=f"retry_{key[0]}", on_click=resume, args=(key,), icon="🔁")
    return None


restore_from_link("corpus", PARAMS, phrases=False)
st.title("Explore a corpus")
st.markdown(
    "Bring your own documents: up to **100,000** of them become points on one map, where "
    "documents that mean similar things sit close together. Hover to read, search within the "
    "corpus, colour by a column, and click a point to see its nearest neighbours measured in "
    "the model's full space (the map only approximates them)."
)

active: Dataset | None = st.session_state.get(ACTIVE_KEY)
source = st.radio(
    "Corpus",
    list(SOURCES),
    format_func=SOURCES.get,
    key="corpus_source",
    persist_state="session",
    horizontal=True,
    captions=[
        f"{len(load_sample().texts)} short documents on 14 topics",
        "your documents, or vectors made elsewhere",
    ],
)
try:
    chosen = sample_dataset() if source == "sample" else load_uploaded()
except ValueError as error:
    st.error(say(str(error)), icon="🚫")
    if active is not None:
        st.info(say(f"Nothing changed: still showing {active.describe()}."), icon="↩️")
else:
    if chosen is not None:
        if chosen is not active and chosen.coords is not None:
            st.session_state["corpus_method"] = FROM_FILE  # a file's own map first
        active = chosen
        st.session_state[ACTIVE_KEY] = active
    elif active is not None:
        st.caption(say(f"Until then: still showing {active.describe()}."))
if active is None:
    share()
    st.stop()
if source == "upload" and active is not None and active.source != SAMPLE_SOURCE:
    st.session_state[UPLOADED_KEY] = active

dataset: Dataset = active
for note in dataset.notes:
    st.warning(say(note), icon="✂️")
n = len(dataset)
# A dataset compares equal only to itself: its fingerprint (0.3 s at 100,000) is kept.
key = remember(KEY_KEY, dataset, lambda: fingerprint(dataset.texts, dataset.vectors))

# --- Vectors: carried by the file, or embedded here (cached on disk, resumable).
model = None
semantic_note = None
if dataset.vectors is None:
    model = get_model(MODEL)
    vectors = run_job(
        ("embed", model.name, key),
        lambda: embedding_job(dataset.texts, model=model),
        cancel_label="Cancel embedding",
        what="Embedding",
    )
    if vectors is None:
        st.caption(
            "Embeddings are saved on disk batch by batch: a cancelled or interrupted run "
            "resumes where it stopped, and a corpus seen before loads in a moment."
        )
        share()
        st.stop()
    vectors_model = model.name
else:
    vectors = dataset.vectors
    vectors_model = dataset.model
    # The model is loaded only when a query needs it: drawing these vectors does not.
    if vectors_model is None or vectors_model.lower() not in (MODEL, *MINILM_ALIASES):
        semantic_note = (
            f"These vectors come from {model_title(vectors_model)}, not a model this app can "
            "run, so a query cannot be placed among them: the search is by keywords."
        )
if default_cache().disk_error:
    st.info(say(default_cache().disk_error), icon="💾")
dim = int(vectors.shape[1])

# --- Map settings.
methods = {**METHODS}
if dataset.coords is not None:
    methods = {FROM_FILE: f"From the file ({METHODS.get(dataset.method or '', 'precomputed')})"}
    methods.update(METHODS)
if st.session_state.get("corpus_method") not in methods:
    st.session_state["corpus_method"] = next(iter(methods))
color_columns = [NO_COLOR, *(str(c) for c in dataset.extra.columns)]
if st.session_state.get("corpus_color") not in color_columns:
    topic = next((c for c in color_columns[1:] if c.lower() in TOPIC_COLUMNS), NO_COLOR)
    st.session_state["corpus_color"] = topic
left, middle = st.columns([3, 2])
with left:
    method = st.radio(
        "Projection to 2-D",
        list(methods),
        format_func=methods.get,
        key="corpus_method",
        persist_state="session",
        horizontal=True,
        help=f"PCA is instant at any size. UMAP keeps neighbourhoods and takes minutes at "
        f"100,000 points (a progress bar shows how far). t-SNE runs up to "
        f"{CORPUS_TSNE_MAX:,} points.",
    )
with middle:
    color_by = st.selectbox("Colour by", color_columns, key="corpus_color", persist_state="session")
query_column, hits_column = st.columns([3, 2], vertical_alignment="bottom")
with query_column:
    query = st.text_input(
        "Search within the corpus",
        key="corpus_query",
        persist_state="session",
        max_chars=MAX_PHRASE_CHARS,
        placeholder="e.g. how to fix my car",
    )
with hits_column:
    k = st.slider(
        "Hits to highlight",
        1,
        CORPUS_SEARCH_MAX_HITS,
        CORPUS_SEARCH_HITS,
        key="corpus_hits",
        persist_state="session",
    )

# --- Projection: PCA at once; UMAP and t-SNE as jobs, with PCA shown meanwhile.
refusal = tsne_refusal(method, n)
if refusal:
    st.warning(refusal, icon="🐢")
if method == FROM_FILE:
    coords, axis_titles = dataset.coords, ("x (from the file)", "y (from the file)")
    map_method = dataset.method
    shown_method = f"the file's own map ({METHODS.get(dataset.method or '', 'method not stated')})"
else:
    projection = None
    if method != "pca" and not refusal:
        projection = run_job(
            ("project", key, method),
            lambda: projection_job(vectors, method=method),
            cancel_label=f"Cancel {METHODS[method]}",
            what=METHODS[method],
        )
        running = job_board().get(("project", key, method))
        if projection is None and running is not None and running.state == RUNNING:
            st.caption(say(f"Showing PCA until {METHODS[method]} is ready."))
    if projection is None:
        projection = run_job(
            ("project", key, "pca"),
            lambda: projection_job(vectors, method="pca"),
            cancel_label="Cancel PCA",
            what="PCA",
        )
    if projection is None:
        share()
        st.stop()
    if projection.notice:
        st.info(say(projection.notice), icon="ℹ️")
    coords, axis_titles = projection.coords, projection.axis_titles
    map_method = projection.method
    shown_method = METHODS.get(projection.method, projection.method)

# --- Search within the corpus, and the clicked point's neighbours.
index = remember(INDEX_KEY, key, lambda: SearchIndex(dataset.texts, vectors, model))
found = None
if (query or "").strip():
    if index.model is None and semantic_note is None:
        query_model = get_model(MODEL)
        if query_model.dim == vectors.shape[1]:
            index.model = query_model
        else:
            semantic_note = (
                f"These vectors have {vectors.shape[1]} dimensions, but "
                f"{model_title(MODEL)} makes {query_model.dim}: the search is by keywords."
            )
    try:
        found = search_corpus(
            index, query, k=k, semantic=index.model is not None, why_not=semantic_note
        )
    except ValueError as error:
        st.error(say(str(error)), icon="🚫")
if not 0 <= int(st.session_state.get(ROW_KEY) or 0) <= n:
    st.warning(
        f"There is no row {st.session_state[ROW_KEY]:,} in this corpus of {n:,} documents; "
        "no point is selected.",
        icon="🔗",
    )
    st.session_state[ROW_KEY] = 0
row = st.number_input(
    "Row whose nearest neighbours to show (click a point, or type its row; 0 = none)",
    min_value=0,
    max_value=n,
    step=1,
    key=ROW_KEY,
    persist_state="session",
)
selected = int(row) - 1 if row else None
neighbours = nearest_rows(index.vectors, selected, normalized=True) if selected is not None else []
space = f"cosine distance in all {dim} dimensions of {model_title(vectors_model)}"

title = (
    f"{escape(model_title(vectors_model))} ({dim} dimensions): {n:,} documents, "
    f"{escape(shown_method)}"
)
hit_rows = tuple(h.index for h in found.hits) if found else ()
# The figure of 100,000 points takes about 0.6 s to build: reuse it while
# nothing it shows has changed (a page switch, a rerun from another widget).
hit_scores = tuple(round(h.score, 4) for h in found.hits) if found else ()
drawn = (key, id(coords), title, color_by, hit_rows, hit_scores, selected)


def draw_figure() -> tuple:
    color = None
    if color_by != NO_COLOR:
        color = coloring(dataset.extra[color_by].tolist(), column=color_by)
    figure = corpus_figure(
        coords,
        dataset.texts,
        title=title,
        axis_titles=axis_titles,
        color=color,
        hits=hit_rows,
        hit_scores=hit_scores,
        selected=selected,
        neighbours=neighbours,
        space=space,
    )
    return figure, color.note if color is not None else None


figure, color_note = remember(FIGURE_KEY, drawn, draw_figure)
st.plotly_chart(
    figure,
    key=CHART_KEY,
    on_select=select_from_chart,
    selection_mode="points",
    config={"displaylogo": False, "scrollZoom": True},
)
for note in drawing_notes(n):
    st.caption(say(note))
if color_note:
    st.caption(say(color_note))
st.caption(
    say(
        f"{dataset.describe()}. The map is {shown_method}: closeness on it approximates "
        f"closeness in the model's {dim} dimensions; the neighbours and search scores below "
        "are measured in all of them."
    )
)

if found is not None:
    if found.note:
        st.info(say(found.note), icon="🔤")
    st.subheader(f"Search hits, {found.how}")
    if not found.hits:
        st.info("Nothing in the corpus shares a word with the query.", icon="🔎")
    st.dataframe(
        {
            "hit": list(range(1, len(found.hits) + 1)),
            "row": [h.index + 1 for h in found.hits],
            "score": [round(h.score, 3) for h in found.hits],
            "text": [shorten(h.text, 300) for h in found.hits],
        },
        hide_index=True,
        key="corpus_hits_table",
    )
if selected is not None:
    st.subheader(f"Row {selected + 1} and its {len(neighbours)} nearest neighbours")
    st.markdown(f"> {say(shorten(dataset.texts[selected], 600))}")
    st.dataframe(
        {
            "rank": list(range(1, len(neighbours) + 1)),
            "row": [nb.index + 1 for nb in neighbours],
            "d (all dimensions)": [round(nb.distance, 3) for nb in neighbours],
            "text": [shorten(dataset.texts[nb.index], 300) for nb in neighbours],
        },
        hide_index=True,
        key="corpus_neighbours_table",
    )
    st.caption(say(f"d = {space}: 0 means the same direction. Up to {CORPUS_NEIGHBORS} shown."))

downloads = st.columns(2)
with downloads[0]:
    html_download(figure, key="html_corpus", file_stem="corpus-map", title="Corpus map")
with downloads[1]:

    def map_parquet() -> bytes:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "corpus-map.parquet"
            write_parquet(
                path,
                dataset,
                vectors=vectors,
                coords=coords,
                model=vectors_model,
                method=map_method,
            )
            return path.read_bytes()

    st.download_button(
        "Download the map and vectors (.parquet)",
        data=map_parquet,
        file_name="corpus-map.parquet",
        mime="application/vnd.apache.parquet",
        key="parquet_corpus",
        on_click="ignore",
        help="Opens here again (upload it), or in pandas: text, x, y, your columns, embedding.",
    )
share()
