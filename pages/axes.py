"""Your own axes: define x and y by example phrases at each end; see your phrases on them."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.config import AXES_COSINE_WARNING, AXES_MAX_POLE_PHRASES, REAL_MODEL_DIM
from explorer.figures.axes import axes_figure
from explorer.figures.style import chart_config
from explorer.links import Param
from explorer.presets import AXES_PRESETS
from explorer.space.axes import axis_projection
from explorer.space.poles import preset_for
from explorer.space.toy_agreement import toy_agreement
from explorer.ui import messages as msg
from explorer.ui.cache import get_model
from explorer.ui.links import restore_from_link, share_view, stop_page
from explorer.ui.tables import agreement_columns, axes_columns, fitted_table
from explorer.ui.widgets import PHRASES_KEY, html_download, phrase_box

PRESET_KEY = "axes_preset"
#: (axis, end) -> widget key, also the URL parameter name.
POLE_KEYS = {
    ("x", 0): "x_from",
    ("x", 1): "x_to",
    ("y", 0): "y_from",
    ("y", 1): "y_to",
}
POLE_LABELS = {
    ("x", 0): "x axis, left pole (−1)",
    ("x", 1): "x axis, right pole (+1)",
    ("y", 0): "y axis, bottom pole (−1)",
    ("y", 1): "y axis, top pole (+1)",
}
DEFAULT_PRESET = "article"
#: What this page's link carries besides the phrases: the four poles' text.
PARAMS = [Param(key, key, kind="text") for key in POLE_KEYS.values()]


def preset_poles(name: str) -> dict[tuple[str, int], str]:
    """A preset's four poles as text-area contents, one phrase per line."""
    preset = AXES_PRESETS[name]
    poles = {"x": preset.x_poles, "y": preset.y_poles}
    return {(axis, end): "\n".join(poles[axis][end]) for axis, end in POLE_KEYS}


def load_preset() -> None:
    """Preset callback: put the chosen preset's poles in the four text areas."""
    name = st.session_state.get(PRESET_KEY)
    if name in AXES_PRESETS:
        for slot, text in preset_poles(name).items():
            st.session_state[POLE_KEYS[slot]] = text


def examples_of(phrases: list[str]) -> str | None:
    """The preset whose example phrases ``phrases`` are, if any."""
    found = [name for name, p in AXES_PRESETS.items() if list(p.phrases) == phrases]
    return found[0] if found else None


def load_example_phrases(name: str) -> None:
    """Button callback: replace the shared phrases with the preset's examples."""
    st.session_state[PHRASES_KEY] = "\n".join(AXES_PRESETS[name].phrases)


restore_from_link("axes", PARAMS)
st.title("Your own axes")
st.markdown(
    "The toy model's axes were trained. Here you make axes from the **real model** itself: "
    "give a few example phrases for each end of an axis, and every phrase is placed by "
    f"projecting its {REAL_MODEL_DIM}-d vector on the direction from one end's mean "
    "embedding to the other's (the *SemAxis* idea). On each axis, −1 is the first end's "
    "mean and +1 the second's."
)

inputs, outputs = st.columns([2, 3], gap="large")
with inputs:
    preset_slot = st.container()
    phrases = phrase_box(height=150).phrases
    for slot, text in preset_poles(DEFAULT_PRESET).items():
        st.session_state.setdefault(POLE_KEYS[slot], text)
    pole_text: dict[tuple[str, int], str] = {}
    for axis in ("x", "y"):
        columns = st.columns(2)
        for end, column in enumerate(columns):
            slot = (axis, end)
            pole_text[slot] = column.text_area(
                POLE_LABELS[slot],
                key=POLE_KEYS[slot],
                height=150,
                help=f"One phrase or word per line, up to {AXES_MAX_POLE_PHRASES}. Keep "
                "everything but this axis's quality alike at both ends (e.g. mix moods in "
                "both formality poles), or the axis picks it up too.",
            )
    x_poles = (pole_text["x", 0].splitlines(), pole_text["x", 1].splitlines())
    y_poles = (pole_text["y", 0].splitlines(), pole_text["y", 1].splitlines())
    matched = preset_for(x_poles, y_poles)
    # The selector shows the preset the poles are, or nothing once they are edited.
    st.session_state[PRESET_KEY] = matched
    with preset_slot:
        st.selectbox(
            "Preset axes",
            list(AXES_PRESETS),
            index=None,
            format_func=lambda name: AXES_PRESETS[name].label,
            placeholder="— your own poles —",
            key=PRESET_KEY,
            on_change=load_preset,
        )
        if matched is not None and phrases != list(AXES_PRESETS[matched].phrases):
            other = examples_of(phrases)
            if other is not None:
                st.caption(
                    f"Your phrases are the examples of “{AXES_PRESETS[other].label}”, "
                    "written for other axes."
                )
            st.button(
                "Use this preset's example phrases",
                key="axes_examples",
                on_click=load_example_phrases,
                args=(matched,),
                type="primary" if other is not None else "secondary",
                help="Replaces the phrases with ones that spread along these axes.",
            )

with outputs:
    if not phrases:
        st.info("Type at least one phrase, one per line, to place it on your axes.", icon="✏️")
        stop_page()
    try:
        result = axis_projection(
            phrases, x_poles=x_poles, y_poles=y_poles, model=get_model("minilm")
        )
    except ValueError as error:
        msg.error(str(error))
        stop_page()

    figure = axes_figure(phrases, result)
    st.plotly_chart(figure, key="axes_map", config=chart_config(file_stem="your-own-axes"))
    html_download(figure, key="html_axes", file_stem="your-own-axes", title="Your own axes")
    angle = float(np.degrees(np.arccos(result.axis_cosine)))
    cosine_column, plane_column = st.columns(2)
    cosine_column.metric(
        "Cosine between the axes",
        f"{result.axis_cosine:+.2f}",
        help=f"Cosine between the two axis directions in all {result.model_dim} dimensions. "
        "0: the axes are orthogonal and measure different things; ±1: the same axis. "
        f"The page warns above ±{AXES_COSINE_WARNING}.",
    )
    plane_column.metric(
        "Outside the axes' plane",
        f"{float(result.out_of_plane.mean()):.0%}",
        help=f"Two directions span a plane in the {result.model_dim}-d space; this is how "
        "much of a phrase's vector (squared length, averaged over the phrases) lies outside "
        "it, which the map cannot show.",
    )
    st.caption(
        f"The axes meet at {angle:.0f}° in the model's space but are drawn at 90°. "
        f"Two axes span a plane; on average {result.out_of_plane.mean():.0%} of a phrase's "
        f"{result.model_dim}-d vector lies outside it, so this map shows two qualities, "
        "not the phrase."
    )
    if result.warning:
        msg.warn(result.warning, icon="⚠️")
    if result.plane_dims == 1:
        st.warning("The two axes point the same way, so they span a line, not a plane.", icon="⚠️")

    st.markdown("**Each phrase on your axes**")
    table = result.table(phrases)
    fitted_table(table, key="axes_table", **axes_columns(list(table.columns)))

if matched is not None and AXES_PRESETS[matched].toy_axes:
    st.markdown("**Does this agree with the trained toy model?**")
    with st.spinner("Placing the toy model's validation phrases (once per server)…"):
        agreement = toy_agreement(result, phrases, toy=get_model("toy"))
    table = agreement.table(result.axis_titles)
    fitted_table(table, key="toy_agreement", **agreement_columns(list(table.columns)))
    st.caption(
        "Spearman rank correlation per axis (1: the same order, 0: unrelated). The toy "
        "model was trained on labelled phrases; these axes only know a few examples per "
        "end. The validation set is fixed: phrases the toy model never saw, with graded "
        "human labels. Your phrases need at least 3 for a correlation."
    )
else:
    st.caption(
        "Load the article's axes (casual ↔ formal, negative ↔ positive) to see how this "
        "pole-based placement agrees with the trained toy model."
    )

share_view(PARAMS)
