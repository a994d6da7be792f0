"""Playground: type phrases, see them as points, read the distances."""

from __future__ import annotations

import streamlit as st

from explorer.config import ALL_PAIRS_MAX, BUILTIN_MODELS, MAX_PHRASES, METHODS, METRICS
from explorer.figures import scene_figure
from explorer.phrases import shorten
from explorer.presets import PRESETS
from explorer.scene import build_scene
from explorer.share import Param
from explorer.st_cache import PHRASES_KEY, get_model, phrase_box, restore_from_link, share_view

FOCUS_KEY = "focus"
CHART_KEY = "map"
LAST = 0  # focus option meaning "the last phrase"; phrase i is option i + 1
#: What this page's link carries besides the phrases.
PARAMS = [
    Param("model", "model", tuple(BUILTIN_MODELS)),
    Param("method", "method", tuple(METHODS)),
    Param("metric", "metric", tuple(METRICS)),
    Param("lines", "line_distances", ("model", "map")),
    Param("focus", FOCUS_KEY, kind="int", low=0, high=MAX_PHRASES),
]


def load_preset(name: str) -> None:
    """Button callback: put a preset's phrases in the text area and pick its model."""
    _, phrases, model = PRESETS[name]
    st.session_state[PHRASES_KEY] = "\n".join(phrases)
    st.session_state["model"] = model
    st.session_state[FOCUS_KEY] = LAST


def select_from_chart() -> None:
    """Chart callback: a click on a phrase's point makes it the focus phrase."""
    event = st.session_state.get(CHART_KEY) or {}
    points = (event.get("selection") or {}).get("points") or []
    for point in points:
        phrase = point.get("customdata")
        if isinstance(phrase, list):
            phrase = phrase[0] if phrase else None
        if isinstance(phrase, int) and phrase in range(st.session_state.get("_phrase_count", 0)):
            st.session_state[FOCUS_KEY] = phrase + 1
            return
    st.session_state[FOCUS_KEY] = LAST


restore_from_link("playground", PARAMS)
st.title("Embedding Playground")
st.markdown(
    "An embedding is a **coordinate**: a model turns each phrase into a point, and "
    "**distance = similarity**. Type phrases, one per line, and see where they land."
)

with st.sidebar:
    st.header("Settings")
    model_name = st.radio(
        "Model",
        list(BUILTIN_MODELS),
        format_func=BUILTIN_MODELS.get,
        key="model",
        persist_state="session",
    )
    real = model_name != "toy"
    method = st.selectbox(
        "Projection to 2-D",
        list(METHODS),
        format_func=METHODS.get,
        key="method",
        disabled=not real,
        help="The real model has 384 dimensions; a projection draws a 2-D shadow of them. "
        "The toy model is already 2-D.",
        persist_state="session",
    )
    metric = st.radio(
        "Distance",
        list(METRICS),
        format_func=METRICS.get,
        key="metric",
        horizontal=True,
        disabled=not real,
        help="Euclidean: straight-line distance. Cosine: 1 − cosine similarity "
        "(0 = same direction). The toy model uses Euclidean distance on its plane, "
        "as the article does.",
        persist_state="session",
    )
    line_distances = st.radio(
        "Numbers on the lines",
        ["model", "map"],
        format_func={
            "model": "true distance (all 384 dimensions)",
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
        share_view(PARAMS)
        st.stop()
    try:
        model = get_model(model_name)
        scene = build_scene(
            phrases,
            model=model,
            method=method if real else "pca",
            metric=metric if real else "euclidean",
            selected=selected,
            line_distances=line_distances if real else "model",
        )
    except ValueError as error:
        st.error(str(error))
        share_view(PARAMS)
        st.stop()

    for notice in scene.notices:
        st.info(notice, icon="ℹ️")
    if len(phrases) == 1:
        st.info("One phrase is one point: add a second phrase to see a distance.", icon="➕")
    answer = scene.answer_text()
    if answer:
        st.markdown(answer)
    st.plotly_chart(
        scene_figure(scene),
        key=CHART_KEY,
        on_select=select_from_chart,
        selection_mode="points",
        config={"displaylogo": False, "scrollZoom": True},
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

share_view(PARAMS)
