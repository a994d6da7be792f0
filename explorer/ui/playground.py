"""The Playground's Streamlit parts: importing vectors, the view and line settings, the
article's callout, the pairs table.

pages/playground.py lays the page out; the widgets and callbacks that would make it
long live here.
"""

from __future__ import annotations

import math

import streamlit as st

from explorer.config import IMPORT_MAX_BYTES, MAX_PHRASES, TOY_DISTANCE_AXES, VIEWS
from explorer.documents.readers.vectors import IMPORT_SUFFIXES, read_uploads
from explorer.presets import ARTICLE_PHRASES
from explorer.space.article import ArticleCallout, article_callout
from explorer.space.scene import Scene
from explorer.ui import messages
from explorer.ui.cache import get_model
from explorer.ui.settings import IMPORTED, IMPORTED_KEY, MODEL
from explorer.ui.tables import fitted_table
from explorer.ui.widgets import PHRASES_KEY

FOCUS_KEY = "focus"
#: Session key (and link parameter ``axes``) of the toy model's "Measure distance on".
AXES_KEY = "toy_axes"
LINES_KEY = "line_distances"
#: Session key (and link parameter ``view``) of the View: ``"2d"`` (default) or ``"3d"``.
VIEW_KEY = "playground_view"
IMPORT_NOTES_KEY = "_import_notes"  # session: (kind, message) pairs from the last import
TEXT_BEFORE_IMPORT_KEY = "_text_before_import"
LAST = 0  # focus option meaning "the last phrase"; phrase i is option i + 1


def import_vectors() -> None:
    """Button callback: read the uploaded files; on success, explore their phrases as they are."""
    files = st.session_state.get("import_files") or []
    try:
        imported = read_uploads({f.name: f.getvalue() for f in files})
    except ValueError as error:
        st.session_state[IMPORT_NOTES_KEY] = [("error", str(error))]
        return  # what was loaded before stays
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
    st.session_state[PHRASES_KEY] = "\n".join(imported.phrases[:MAX_PHRASES])
    st.session_state[MODEL] = IMPORTED
    st.session_state[FOCUS_KEY] = LAST


def restore_typed_phrases() -> None:
    """Button callback: bring back the phrases typed before the import, on a built-in model."""
    st.session_state[PHRASES_KEY] = st.session_state.pop(TEXT_BEFORE_IMPORT_KEY, "")
    st.session_state[MODEL] = "minilm"
    st.session_state[FOCUS_KEY] = LAST


def import_expander() -> None:
    """The uploader of vectors computed elsewhere, its button and the last import's notes."""
    limit_mb = IMPORT_MAX_BYTES / 1024 / 1024
    with st.expander("Import vectors computed elsewhere"):
        st.file_uploader(
            "Embedding Projector vectors.tsv + metadata.tsv (or its zip), a .npy with a "
            f"phrases .txt, or a points .csv: up to {limit_mb:g} MB in all",
            type=[suffix.lstrip(".") for suffix in IMPORT_SUFFIXES],
            accept_multiple_files=True,
            key="import_files",
            # The browser refuses files over twice the limit; a file a little over it
            # reaches explorer.documents.readers, whose message gives its exact size.
            max_upload_size=math.ceil(2 * limit_mb),
            help=f"The import takes up to {limit_mb:g} MB; larger files are refused with "
            "their size.",
        )
        st.button("Explore these vectors", key="import_button", on_click=import_vectors)
        show = {"error": messages.error, "warning": messages.warn, "success": messages.success}
        for kind, note in st.session_state.get(IMPORT_NOTES_KEY, []):
            show[kind](note)
        if TEXT_BEFORE_IMPORT_KEY in st.session_state:
            st.button(
                "Bring back the phrases I had typed",
                key="restore_typed",
                on_click=restore_typed_phrases,
            )


def view_choice(*, real: bool) -> str:
    """The sidebar's View for the real model: ``"2d"`` (the map) or ``"3d"``. The toy
    model has no 3-D view (its 2-D map is its whole space; :func:`line_settings` says so):
    ``"2d"``, and the choice keeps its value for the real model."""
    if not real:
        return "2d"
    view = st.sidebar.radio(
        "View", list(VIEWS), format_func=VIEWS.get, key=VIEW_KEY, horizontal=True,
        persist_state="session", help="3-D: the same phrases projected to three axes; drag "
        "to turn it. The 2-D map writes each distance on its line; in 3-D, hover a line's "
        "middle dot or read the table.",
    )  # fmt: skip
    return view or "2d"


def line_settings(*, real: bool, view: str = "2d") -> tuple[str, str]:
    """The sidebar setting that applies to the model: ``(line_distances, axes)``.

    The real model (projected) offers "Numbers on the lines" on the 2-D map (the
    3-D view writes none, and says so); the toy model, whose map is its whole
    space, offers "Measure distance on" (both axes, or one). The other keeps its
    value and is not shown.
    """
    with st.sidebar:
        if real and view == "3d":
            st.caption(
                "The 3-D view writes no numbers on its lines: hover a line's middle dot "
                "for its distances, or read the table under the chart."
            )
            return st.session_state.get(LINES_KEY, "model"), "both"
        if real:
            lines = st.radio(
                "Numbers on the lines",
                ["model", "map"],
                format_func={
                    "model": "true distance (all the model's dimensions)",
                    "map": "distance as drawn (2-D)",
                }.get,
                key=LINES_KEY,
                persist_state="session",
            )
            return lines, "both"
        axes = st.radio(
            "Measure distance on",
            list(TOY_DISTANCE_AXES),
            format_func=TOY_DISTANCE_AXES.get,
            key=AXES_KEY,
            persist_state="session",
            help="The article measures straight-line (Euclidean) distance on both axes. "
            "On one axis, two phrases are as far apart as their difference along it.",
        )
        st.caption(
            "The toy model's map is its whole space, so every d= is exactly the length "
            "it measures: nothing is projected, and there is no 3-D view of it."
        )
    return "model", axes


@st.cache_resource(show_spinner="Measuring the article's phrases with both models…")
def _article_numbers() -> ArticleCallout:
    return article_callout(toy=get_model("toy"), real=get_model("minilm"))


def _tone_only() -> None:
    st.session_state[AXES_KEY] = "tone"


def is_article_view(phrases: list[str], model: str) -> bool:
    """Whether the page shows the article's example: its three phrases on the toy model."""
    return model == "toy" and phrases == list(ARTICLE_PHRASES)


def article_box(axes: str) -> None:
    """The article's example measured: the computed callout and a tone-only button."""
    with st.container(border=True, key="article_callout"):
        st.markdown("**The article's picture, measured**")
        st.markdown("\n".join(f"- {line}" for line in _article_numbers().lines()))
        if axes != "tone":
            st.button(
                "Measure on tone only, as the article argues",
                key="tone_only",
                on_click=_tone_only,
                icon="🎚️",
            )


def pairs_table(scene: Scene) -> None:
    """The distances between pairs, numbers first, fitted to the page's width."""
    drawn = "; and as drawn in 2-D" if scene.is_projected else ""
    st.markdown(f"**Distances between pairs** ({scene.true_space}{drawn})")
    table = scene.pair_table()
    numbers = [c for c in table.columns if not c.startswith("phrase")]
    fitted_table(
        table,
        key="pairs",
        order=[*numbers, "phrase A", "phrase B"],
        phrases=["phrase A", "phrase B"],
        helps={
            numbers[0]: f"The {scene.true_space}.",
            **(
                {"drawn in 2-D": "Euclidean distance between the points as drawn."}
                if scene.is_projected
                else {}
            ),  # fmt: skip
        },
    )
