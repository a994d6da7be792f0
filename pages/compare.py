"""Toy vs real: the same phrases in the toy model's square and in the real model, side by side."""

from __future__ import annotations

from functools import partial

import streamlit as st

from explorer.config import MAX_PHRASES, METHODS, REAL_MODEL_DIM
from explorer.figures.compare import comparison_figure
from explorer.figures.style import chart_config, clicked_index
from explorer.links import Param
from explorer.phrases import shorten
from explorer.space.compare import compare_spaces
from explorer.ui import messages as msg
from explorer.ui.cache import get_model
from explorer.ui.links import restore_from_link, share_view, stop_page
from explorer.ui.settings import shared_settings
from explorer.ui.tables import fitted_table, neighbour_columns
from explorer.ui.widgets import html_download, phrase_box

PHRASE_KEY = "phrase"
CHART_KEYS = {"toy": "toy_map", "real": "real_map"}
PHRASES_STATE = "_compare_phrases"
NONE = 0  # phrase option meaning "no phrase highlighted"; phrase i is option i + 1
#: What this page's link carries besides the phrases and the shared projection (``method``).
PARAMS = [Param("phrase", PHRASE_KEY, kind="int", low=0, high=MAX_PHRASES)]


def select_from_chart(space: str) -> None:
    """Chart callback: a click on a phrase's point highlights it in both maps."""
    phrases = st.session_state.get(PHRASES_STATE, [])
    index = clicked_index(st.session_state.get(CHART_KEYS[space]), len(phrases))
    st.session_state[PHRASE_KEY] = NONE if index is None else index + 1


method = shared_settings().method
restore_from_link("compare", PARAMS)
st.title("Toy vs real")
st.markdown(
    "The same phrases in two spaces. **Left**: the toy model, whose two axes mean something "
    "(casual → formal, negative → positive). **Right**: the real model, "
    f"{REAL_MODEL_DIM} dimensions nobody can read, projected to 2-D. Pick a phrase (or click "
    "its point on either map) to see its distances in both, and whether the two spaces agree "
    "on which phrase is nearest."
)

inputs, choices = st.columns([3, 2], gap="large")
with inputs:
    phrases = phrase_box(height=150).phrases
st.session_state[PHRASES_STATE] = phrases
if st.session_state.get(PHRASE_KEY, NONE) not in range(len(phrases) + 1):
    st.session_state[PHRASE_KEY] = NONE
with choices:
    focus = st.selectbox(
        "Highlight a phrase in both maps (or click its point)",
        range(len(phrases) + 1),
        format_func=lambda i: "— none —" if i == NONE else f"{i}. {shorten(phrases[i - 1], 80)}",
        key=PHRASE_KEY,
    )
    st.caption(
        f"The real model's map is drawn with **{METHODS[method]}** (*Projection* in "
        f"the sidebar). Nearest neighbours are measured in all {REAL_MODEL_DIM} dimensions, "
        "so the table and the agreement never change with it."
    )

if not phrases:
    st.info("Type at least one phrase, one per line, to compare the two spaces.", icon="✏️")
    stop_page()
selected = None if focus == NONE else focus - 1
try:
    comparison = compare_spaces(
        phrases,
        toy=get_model("toy"),
        real=get_model("minilm"),
        method=method,
        selected=selected,
    )
except ValueError as error:
    msg.error(str(error))
    stop_page()

for notice in comparison.real.notices:
    msg.info(notice, icon="ℹ️")
st.markdown(f"**{comparison.summary()}**")
if selected is not None and len(phrases) > 1:
    for side, scene in (("Toy model", comparison.toy), ("Real model", comparison.real)):
        st.markdown(f"{side}: {scene.answer_text()}")

toy_column, real_column = st.columns(2, gap="medium")
for column, space in ((toy_column, "toy"), (real_column, "real")):
    with column:
        figure = comparison_figure(comparison, space)
        st.plotly_chart(
            figure,
            key=CHART_KEYS[space],
            on_select=partial(select_from_chart, space),
            selection_mode="points",
            config=chart_config(file_stem=f"toy-vs-real-{space}"),
        )
        html_download(
            figure,
            key=f"html_{space}",
            file_stem=f"toy-vs-real-{space}",
            title=f"Toy vs real: the {space} map",
        )
st.caption(
    f"Left, each d= is the {comparison.toy_space}: the map is the whole toy space. Right, "
    f"each d= is the {comparison.real_space}, while the points are a 2-D shadow of them, so "
    "a short line can carry a large d. Solid green: the selected phrase's nearest neighbour "
    "in that space; dotted orange: its nearest in the other space, where they differ."
)

st.subheader("Nearest neighbour of each phrase, in each space")
table = comparison.table()
fitted_table(table, key="neighbours", **neighbour_columns(list(table.columns)))

share_view(PARAMS)
