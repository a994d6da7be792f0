"""Inside a vector: the raw numbers, why no single dimension means anything, how high is high."""

from __future__ import annotations

import streamlit as st

from explorer.config import MAX_PHRASES, MODEL_TITLES, REAL_MODEL_DIM, STRIPS_MAX
from explorer.figures.inside import baseline_figure, heat_strips_figure
from explorer.figures.style import chart_config
from explorer.links import Param
from explorer.phrases import markdown_escape, shorten
from explorer.space.inside import (
    STRIP_ORDERS,
    cosine_baseline,
    dimension_readability,
    heat_strips,
    pair_similarities,
)
from explorer.ui import messages as msg
from explorer.ui.cache import get_model
from explorer.ui.links import restore_from_link, share_view, stop_page
from explorer.ui.tables import fitted_table, readability_columns
from explorer.ui.widgets import example_phrases_button, phrase_box

MODEL = "minilm"
OPTION_CHARS = 80  # characters of a phrase shown in the chooser
ORDER_LABELS = dict(
    zip(STRIP_ORDERS, (f"1 to {REAL_MODEL_DIM}", "sorted by phrase 1"), strict=True)
)
PICK_KEY = "pick"
#: What this page's link carries besides the phrases: chosen phrase numbers (1-based).
PARAMS = [
    Param("pick", PICK_KEY, kind="ints", low=1, high=MAX_PHRASES),
    Param("order", "dim_order", tuple(STRIP_ORDERS)),
]


def option_labels(phrases: list[str]) -> dict[int, str]:
    """A short label per phrase number (1-based), numbered when two would read the same."""
    labels: dict[int, str] = {}
    for number, phrase in enumerate(phrases, start=1):
        label = shorten(phrase, OPTION_CHARS)
        labels[number] = f"{label} ({number})" if label in labels.values() else label
    return labels


def quoted(phrase: str) -> str:
    return f"“{markdown_escape(shorten(phrase, OPTION_CHARS))}”"


restore_from_link("inside", PARAMS)
st.title("Inside a vector")
st.markdown(
    f"To the real model ({MODEL_TITLES[MODEL]}) a phrase is a list of **{REAL_MODEL_DIM} "
    "numbers**. Here are those numbers, a check of whether any single one of them means something, "
    "and a scale for reading how similar two phrases are."
)

inputs, choice = st.columns([2, 3], gap="large")
with inputs:
    phrases = phrase_box(height=140).phrases
    if len(phrases) < 2:
        example_phrases_button()

try:
    model = get_model(MODEL)
    vectors = model.encode(phrases) if phrases else None
except ValueError as error:
    msg.error(str(error))
    stop_page()

with choice:
    if not phrases:
        # No widgets without options: a multiselect made empty would stay empty once
        # phrases arrive, instead of starting from the first ones.
        chosen, order = [], STRIP_ORDERS[0]
        st.info("Type at least two phrases, one per line, or add the example phrases.", icon="✏️")
    else:
        labels = option_labels(phrases)
        if PICK_KEY in st.session_state:  # numbers from a link or older phrases: keep valid ones
            kept = [n for n in st.session_state[PICK_KEY] if n in labels][:STRIPS_MAX]
            st.session_state[PICK_KEY] = list(dict.fromkeys(kept))
        picked = st.multiselect(
            f"Phrases to look inside (2 or {STRIPS_MAX})",
            list(labels),
            default=list(labels)[:STRIPS_MAX],
            max_selections=STRIPS_MAX,
            format_func=labels.get,
            key=PICK_KEY,
        )
        chosen = [phrases[n - 1] for n in picked]
        order = st.radio(
            "Order of the dimensions",
            list(ORDER_LABELS),
            format_func=ORDER_LABELS.get,
            key="dim_order",
            horizontal=True,
            help="Sorting by the first phrase's values draws its strip as a smooth ramp; a "
            "similar phrase then shows a similar ramp, an unrelated one noise.",
        )
        if len(chosen) < 2:
            st.info(
                f"Choose {'a second phrase' if chosen else 'two or three phrases'} to compare "
                "their patterns.",
                icon="👆",
            )

indices = [phrases.index(p) for p in chosen]  # phrases are distinct
st.subheader("The raw numbers")
if chosen and vectors is not None:
    strips = heat_strips(chosen, vectors[indices], order=order)
    st.plotly_chart(
        heat_strips_figure(strips),
        key="strips_chart",
        config=chart_config(file_stem="heat-strips", zoom=False),
    )
    st.caption(
        "One strip per phrase, one thin cell per dimension, all on one colour scale (red "
        "negative, blue positive). Similar phrases share many of their strong cells; no "
        "single cell says what the phrase means."
    )

st.subheader("How high is high?")
with st.spinner("Embedding the reference phrases once (a few seconds after a server start)…"):
    baseline = cosine_baseline(MODEL)
marks = pair_similarities(vectors[indices], baseline) if len(chosen) >= 2 else []
st.plotly_chart(
    baseline_figure(baseline, marks, chosen),
    key="baseline_chart",
    config=chart_config(file_stem="how-high-is-high", zoom=False),
)
for mark in marks:
    st.markdown(
        f"{quoted(chosen[mark.first])} and {quoted(chosen[mark.second])}: cosine similarity "
        f"**{baseline.describe(mark.similarity)}** (all {REAL_MODEL_DIM} dimensions)."
    )
st.caption(
    f"The grey bars: cosine similarity of {len(baseline.similarities):,} random pairs of "
    f"{baseline.n_phrases} varied English phrases (formal, casual, positive, negative; seeded). "
    f"Half of them land between {baseline.quantile(0.25):.2f} and {baseline.quantile(0.75):.2f}, "
    f"nine in ten between {baseline.quantile(0.05):.2f} and {baseline.quantile(0.95):.2f}: a "
    "similarity means something only against this spread, and it differs from model to model."
)

st.subheader("Can you read a single dimension?")
with st.spinner("Correlating every dimension with formality and sentiment labels…"):
    readability = dimension_readability(MODEL)
formality, sentiment = readability.labels
st.markdown(
    f"Over {readability.n_phrases} phrases labelled by hand for formality and sentiment, the "
    f"single dimension that tracks formality best (dimension {formality.best_index + 1}) "
    f"correlates only **r = {formality.best_r:+.2f}** with it, and the best for sentiment "
    f"(dimension {sentiment.best_index + 1}) **r = {sentiment.best_r:+.2f}**. The toy model's "
    f"axes, trained to read those two things from all {REAL_MODEL_DIM} numbers at once: "
    f"**r = {formality.toy_r:+.2f}** and **r = {sentiment.toy_r:+.2f}**."
)
table = readability.table()
fitted_table(table, key="readability_table", **readability_columns(list(table.columns)))
st.caption(
    "Pearson correlation r: +1 or −1 = the numbers rise or fall exactly with the label, "
    "0 = unrelated. Meaning is spread over many dimensions at once, so an axis that means "
    "something has to be learned (the toy model) or defined (Your own axes), not read off. "
    "The phrases are the toy model's validation set: it never trained on them."
)

share_view(PARAMS)
