"""Playground: type phrases, see them as points, read the distances."""

from __future__ import annotations

import streamlit as st

from explorer.config import ALL_PAIRS_MAX, MAX_PHRASES, TOY_DISTANCE_AXES, VIEWS
from explorer.figures.export import file_stem, scene_exports
from explorer.figures.playground import scene_figure
from explorer.figures.playground_3d import scene_figure_3d
from explorer.figures.style import chart_config, clicked_index
from explorer.links import Param
from explorer.phrases import shorten
from explorer.presets import PRESETS
from explorer.space.scene import build_scene
from explorer.ui import messages as msg
from explorer.ui.cache import get_model, random_pair_similarity
from explorer.ui.links import restore_from_link, share_view, stop_page
from explorer.ui.playground import (
    AXES_KEY,
    FOCUS_KEY,
    LAST,
    LINES_KEY,
    VIEW_KEY,
    article_box,
    import_expander,
    is_article_view,
    line_settings,
    pairs_table,
    view_choice,
)
from explorer.ui.settings import IMPORTED, MODEL, imported_embedder, shared_settings
from explorer.ui.widgets import PHRASES_KEY, phrase_box

CHART_KEY = "map"
#: Width of the map's plotting area, px, that labels are placed for: the chart fills
#: the page's right column (its plot is about 450 px wide at a 1400-px window).
MAP_PLOT_WIDTH = 420
SHARE_NOTE = (
    "Imported vectors are not in the link (it carries the phrases and settings only). "
    "Send the Projector zip from “Export this map” with it."
)
#: What this page's link carries besides the phrases and the shared model, method, metric.
PARAMS = [
    Param("lines", LINES_KEY, ("model", "map")),
    Param("axes", AXES_KEY, tuple(TOY_DISTANCE_AXES)),
    Param("focus", FOCUS_KEY, kind="int", low=0, high=MAX_PHRASES),
    Param("view", VIEW_KEY, tuple(VIEWS)),
]


def load_preset(name: str) -> None:
    """Button callback: put a preset's phrases in the text area and pick its model."""
    _, phrases, model = PRESETS[name]
    st.session_state[PHRASES_KEY] = "\n".join(phrases)
    st.session_state[MODEL] = model
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
view = view_choice(real=real)
line_distances, axes = line_settings(real=real, view=view)

inputs, outputs = st.columns([2, 3], gap="medium")
with inputs:
    buttons = st.columns(len(PRESETS))
    for column, (name, (label, _, _)) in zip(buttons, PRESETS.items(), strict=True):
        column.button(label, key=f"preset_{name}", on_click=load_preset, args=(name,))
    phrases = phrase_box().phrases
    import_expander()
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
    callout_slot = st.container()  # filled last: its numbers take seconds on a cold server

with outputs:
    if not phrases:
        st.info("Type at least one phrase, one per line, or load a preset above.", icon="✏️")
        stop_page(share_note)
    try:
        model = imported if settings.model == IMPORTED and imported else get_model(settings.model)
        if view == "3d" and model.dim < 3:
            msg.info(
                f"These vectors have {model.dim} dimensions: there is no 3-D view of them; "
                "showing the 2-D map.",
                icon="🧊",
            )
            view = "2d"
        scene = build_scene(
            phrases,
            model=model,
            method=settings.method if real else "pca",
            metric=settings.metric if real else "euclidean",
            selected=selected,
            line_distances=line_distances,
            axes=axes,
            view=view,
        )
    except ValueError as error:
        msg.error(str(error))
        stop_page(share_note)

    for notice in scene.notices:
        msg.info(notice, icon="ℹ️")
    if len(phrases) == 1:
        st.info("One phrase is one point: add a second phrase to see a distance.", icon="➕")
    baseline = None
    if settings.model == "minilm" and scene.metric == "cosine":
        baseline = random_pair_similarity("minilm")
    answer = scene.answer_text(random_similarity=baseline)
    if answer:
        st.markdown(answer)
    draw = scene_figure_3d if scene.view == "3d" else scene_figure
    figure = draw(scene, plot_width=MAP_PLOT_WIDTH)
    st.plotly_chart(
        figure,
        key=CHART_KEY,
        on_select=select_from_chart,
        selection_mode="points",
        config=chart_config(file_stem=file_stem(scene)),
    )
    if scene.view == "3d":
        st.caption(
            "The 3-D view is a projection too: hover a line's middle dot for its true distance "
            "and its length as drawn in 3-D. The answer and the table measure all "
            f"{scene.model_dim} dimensions; the table's “drawn in 2-D” is the 2-D map's."
        )
    elif scene.is_projected:
        st.caption(
            f"Each d= on a line is the {scene.line_space}. "
            "The projected axes carry no meaning: only closeness does, and the 2-D picture "
            "distorts it. The table compares true and drawn distances."
        )
    elif axes == "both":
        st.caption(
            "Toy model: x = casual → formal, y = negative → positive. The map is the whole "
            "space, so each d= is exactly the length of its line."
        )
    else:
        st.caption(
            f"Toy model: each d= is the distance on {TOY_DISTANCE_AXES[axes]} alone, how far "
            "apart the two phrases are along that axis; the other axis is not counted."
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
            + (
                " In 3-D, the HTML file is this 3-D view; the CSVs hold the 2-D map's x, y "
                "and distances as drawn (2-D only)."
                if scene.view == "3d"
                else ""
            )
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

if len(phrases) > 1:
    pairs_table(scene)
if is_article_view(phrases, settings.model):
    with callout_slot:
        article_box(axes)

share_view(PARAMS, note=share_note)
