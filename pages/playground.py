"""Playground: type phrases, see them as points, read the distances."""

from __future__ import annotations

import math

import streamlit as st

from explorer.config import ALL_PAIRS_MAX, IMPORT_MAX_BYTES, MAX_PHRASES
from explorer.documents.readers.vectors import IMPORT_SUFFIXES, read_uploads
from explorer.figures.export import file_stem, scene_exports
from explorer.figures.playground import scene_figure
from explorer.figures.style import chart_config, clicked_index
from explorer.links import Param
from explorer.phrases import markdown_escape, shorten
from explorer.presets import PRESETS
from explorer.space.scene import build_scene
from explorer.ui import messages as msg
from explorer.ui.cache import get_model
from explorer.ui.links import restore_from_link, share_view, stop_page
from explorer.ui.settings import IMPORTED, IMPORTED_KEY, MODEL, imported_embedder, shared_settings
from explorer.ui.widgets import PHRASES_KEY, phrase_box

FOCUS_KEY = "focus"
CHART_KEY = "map"
IMPORT_NOTES_KEY = "_import_notes"  # session: (kind, message) pairs from the last import
TEXT_BEFORE_IMPORT_KEY = "_text_before_import"
SHARE_NOTE = (
    "Imported vectors are not in the link (it carries the phrases and settings only). "
    "Send the Projector zip from “Export this map” with it."
)
LAST = 0  # focus option meaning "the last phrase"; phrase i is option i + 1
#: What this page's link carries besides the phrases and the shared model, method, metric.
PARAMS = [
    Param("lines", "line_distances", ("model", "map")),
    Param("focus", FOCUS_KEY, kind="int", low=0, high=MAX_PHRASES),
]


def load_preset(name: str) -> None:
    """Button callback: put a preset's phrases in the text area and pick its model."""
    _, phrases, model = PRESETS[name]
    st.session_state[PHRASES_KEY] = "\n".join(phrases)
    st.session_state[MODEL] = model
    st.session_state[FOCUS_KEY] = LAST


def import_vectors() -> None:
    """Button callback: read the uploaded files; on success, explore their phrases as they are."""
    files = st.session_state.get("import_files") or []
    try:
        imported = read_uploads({f.name: f.getvalue() for f in files})
    except ValueError as error:
        st.session_state[IMPORT_NOTES_KEY] = [("error", str(error))]
        return  # what was loaded before stays
    shown = imported.phrases[:MAX_PHRASES]
    notes = [("warning", note) for note in imported.notes]
    if len(imported.phrases) > MAX_PHRASES:
        notes.append(
            (
                "warning",
                f"The files hold {len(imported.phrases):,} phrases; the map takes up to "
                f"{MAX_PHRASES}, so the first {MAX_PHRASES} are shown.",
            )
        )
    notes.append(
        (
            "success",
            f"Imported {len(imported.phrases):,} vectors of {imported.dim} dimensions from "
            f"{imported.source}; they are drawn as they are, nothing is re-embedded.",
        )
    )
    st.session_state[TEXT_BEFORE_IMPORT_KEY] = st.session_state.get(PHRASES_KEY, "")
    st.session_state[IMPORTED_KEY] = imported.embedder()
    st.session_state[IMPORT_NOTES_KEY] = notes
    st.session_state[PHRASES_KEY] = "\n".join(shown)
    st.session_state[MODEL] = IMPORTED
    st.session_state[FOCUS_KEY] = LAST


def restore_typed_phrases() -> None:
    """Button callback: bring back the phrases typed before the import, on a built-in model."""
    st.session_state[PHRASES_KEY] = st.session_state.pop(TEXT_BEFORE_IMPORT_KEY, "")
    st.session_state[MODEL] = "minilm"
    st.session_state[FOCUS_KEY] = LAST


def select_from_chart() -> None:
    """Chart callback: a click on a phrase's point makes it the focus phrase."""
    index = clicked_index(st.session_state.get(CHART_KEY), st.session_state.get("_phrase_count", 0))
    st.session_state[FOCUS_KEY] = LAST if index is None else index + 1


settings = shared_settings()
restore_from_link("playground", PARAMS)
imported = imported_embedder()
real = settings.real
share_note = SHARE_NOTE if settings.model == IMPORTED else None
st.title("Embedding Playground")
st.markdown(
    "An embedding is a **coordinate**: a model turns each phrase into a point, and "
    "**distance = similarity**. Type phrases, one per line, and see where they land."
)

with st.sidebar:
    line_distances = st.radio(
        "Numbers on the lines",
        ["model", "map"],
        format_func={
            "model": "true distance (all the model's dimensions)",
            "map": "distance as drawn (2-D)",
        }.get,
        key="line_distances",
        disabled=not real,
        persist_state="session",
    )

inputs, outputs = st.columns([2, 3], gap="large")
with inputs:
    buttons = st.columns(len(PRESETS))
    for column, (name, (label, _, _)) in zip(buttons, PRESETS.items(), strict=True):
        column.button(label, key=f"preset_{name}", on_click=load_preset, args=(name,))
    phrases = phrase_box().phrases
    with st.expander("Import vectors computed elsewhere"):
        st.file_uploader(
            "Embedding Projector vectors.tsv + metadata.tsv (or its zip), a .npy with a "
            "phrases .txt, or a points .csv",
            type=[suffix.lstrip(".") for suffix in IMPORT_SUFFIXES],
            accept_multiple_files=True,
            key="import_files",
            # Twice the limit: a file a little over it reaches explorer.documents.export,
            # whose message gives its exact size; the browser refuses the rest.
            max_upload_size=math.ceil(2 * IMPORT_MAX_BYTES / 1024 / 1024),
        )
        st.button("Explore these vectors", key="import_button", on_click=import_vectors)
        for kind, note in st.session_state.get(IMPORT_NOTES_KEY, []):
            getattr(st, kind)(markdown_escape(note))
        if TEXT_BEFORE_IMPORT_KEY in st.session_state:
            st.button(
                "Bring back the phrases I had typed",
                key="restore_typed",
                on_click=restore_typed_phrases,
            )
    st.session_state["_phrase_count"] = len(phrases)
    if st.session_state.get(FOCUS_KEY) not in range(len(phrases) + 1):
        st.session_state[FOCUS_KEY] = LAST
    focus = st.selectbox(
        "Ask about a phrase (or click its point)",
        range(len(phrases) + 1),
        format_func=lambda i: (
            "— the last phrase —" if i == LAST else f"{i}. {shorten(phrases[i - 1], 80)}"
        ),
        key=FOCUS_KEY,
    )
    selected = None if focus == LAST else focus - 1
    table_slot = st.container()

with outputs:
    if not phrases:
        st.info("Type at least one phrase, one per line, or load a preset above.", icon="✏️")
        stop_page(share_note)
    try:
        model = imported if settings.model == IMPORTED and imported else get_model(settings.model)
        scene = build_scene(
            phrases,
            model=model,
            method=settings.method if real else "pca",
            metric=settings.metric if real else "euclidean",
            selected=selected,
            line_distances=line_distances if real else "model",
        )
    except ValueError as error:
        msg.error(str(error))
        stop_page(share_note)

    for notice in scene.notices:
        msg.info(notice, icon="ℹ️")
    if len(phrases) == 1:
        st.info("One phrase is one point: add a second phrase to see a distance.", icon="➕")
    answer = scene.answer_text()
    if answer:
        st.markdown(answer)
    figure = scene_figure(scene)
    st.plotly_chart(
        figure,
        key=CHART_KEY,
        on_select=select_from_chart,
        selection_mode="points",
        config=chart_config(file_stem=file_stem(scene)),
    )
    if scene.is_projected:
        st.caption(
            f"Each d= on a line is the {scene.line_space}. "
            "The projected axes carry no meaning: only closeness does, and the 2-D picture "
            "distorts it. The table compares true and drawn distances."
        )
    else:
        st.caption(
            "Toy model: x = casual → formal, y = negative → positive. The map is the whole "
            "space, so each d= is exactly the length of its line."
        )
    if len(phrases) > ALL_PAIRS_MAX:
        st.caption(
            f"With more than {ALL_PAIRS_MAX} phrases, lines join each phrase to its nearest "
            "neighbour; click a point (or pick it on the left) to draw its distances to all others."
        )
    with st.expander("Export this map"):
        st.caption(
            "The camera in the chart's toolbar saves a PNG. The Projector zip opens in "
            "projector.tensorflow.org (Load, then pick vectors.tsv and metadata.tsv)."
        )
        for export in scene_exports(scene, figure=figure):
            st.download_button(
                export.label,
                data=export.build,
                file_name=export.file_name,
                mime=export.mime,
                help=export.help,
                key=f"export_{export.key}",
                on_click="ignore",
            )

with table_slot:
    if len(phrases) > 1:
        drawn = "; and as drawn in 2-D" if scene.is_projected else ""
        st.markdown(f"**Distances between pairs** ({scene.true_space}{drawn})")
        table = scene.pair_table()
        numbers = [c for c in table.columns if not c.startswith("phrase")]
        st.dataframe(
            table,
            hide_index=True,
            height=min(420, 38 + 35 * len(table)),
            # Numbers first: the column is narrow and the phrases are long.
            column_order=[numbers[0], "phrase A", "phrase B", *numbers[1:]],
            column_config={
                **{c: st.column_config.NumberColumn(format="%.3f") for c in numbers[:2]},
                "phrase A": st.column_config.TextColumn(width="medium"),
                "phrase B": st.column_config.TextColumn(width="medium"),
            },
            key="pairs",
        )

share_view(PARAMS, note=share_note)
