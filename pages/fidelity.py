"""How much the map lies: how faithfully a 2-D picture keeps the real model's distances."""

from __future__ import annotations

import streamlit as st

from explorer.config import (
    FIDELITY_ADVISED_PHRASES,
    FIDELITY_K,
    FIDELITY_K_MAX,
    FIDELITY_MIN_PHRASES,
    METHODS,
    MODEL_TITLES,
    REAL_MODEL_DIM,
    VARIANCE_SHARES,
)
from explorer.figures.fidelity import (
    methods_figure,
    neighbour_map_figure,
    shepard_figure,
    variance_figure,
)
from explorer.figures.style import chart_config
from explorer.links import Param
from explorer.space.fidelity import NEIGHBOUR_COUNT_NOTE
from explorer.space.methods import pca_variance
from explorer.ui import messages as msg
from explorer.ui.cache import get_model, score_methods
from explorer.ui.links import restore_from_link, share_view, stop_page
from explorer.ui.settings import shared_settings
from explorer.ui.tables import fitted_table
from explorer.ui.widgets import example_phrases_button, html_download, phrase_box

MODEL = "minilm"
SCORE_TITLES = {
    "spearman": "Rank correlation (Spearman)",
    "trustworthiness": "Trustworthiness",
    "continuity": "Continuity",
    "knn_recall": "k-NN recall",
}
#: What this page's link carries besides the phrases and the shared ``method`` and ``metric``.
PARAMS = [
    Param("k", "knn", kind="int", low=1, high=FIDELITY_K_MAX),
    Param("false", "false", kind="bool"),
    Param("torn", "torn", kind="bool"),
]


settings = shared_settings()
method, metric = settings.method, settings.metric
restore_from_link("fidelity", PARAMS)
st.title("How much the map lies")
st.markdown(
    f"The real model ({MODEL_TITLES[MODEL]}) places each phrase in **{REAL_MODEL_DIM} "
    "dimensions**; every map you see is a 2-D shadow of that space. Here the shadow is "
    "checked against the real thing: which distances it keeps, which neighbours it invents "
    "and which it tears apart. (The toy model is 2-D already, so its map cannot lie.)"
)

with st.sidebar:
    k = st.slider(
        "Neighbours per phrase (k)",
        min_value=1,
        max_value=FIDELITY_K_MAX,
        value=FIDELITY_K,
        key="knn",
        help="The neighbourhood every score looks at. It must stay below half the number "
        "of phrases; a larger k is shrunk, with a note.",
    )

inputs, scores_column = st.columns([2, 3], gap="large")
with inputs:
    phrases = phrase_box().phrases
    if len(phrases) < FIDELITY_ADVISED_PHRASES:
        example_phrases_button()

if len(phrases) < FIDELITY_MIN_PHRASES:
    scores_column.info(
        f"Distortion needs at least {FIDELITY_MIN_PHRASES} phrases to measure, and scores mean "
        f"something from about {FIDELITY_ADVISED_PHRASES} (better 10 or more); you have "
        f"{len(phrases)}. Add phrases, one per line, or add the example phrases.",
        icon="✏️",
    )
    stop_page()

try:
    vectors = get_model(MODEL).encode(phrases)
    comparison = score_methods(vectors, k=int(k), metric=metric)
except ValueError as error:
    msg.error(str(error))
    stop_page()

result = comparison.result(method)
fid = result.fidelity
projection = result.projection

with scores_column:
    st.subheader(f"{METHODS[method]} map of {len(phrases)} phrases: the scores")
    if len(phrases) < FIDELITY_ADVISED_PHRASES:
        st.warning(
            f"With {len(phrases)} phrases these scores mean little: every phrase has only "
            f"{len(phrases) - 1} others to be near. Add phrases (about "
            f"{FIDELITY_ADVISED_PHRASES} or more, better 10+).",
            icon="⚠️",
        )
    if projection.notice:
        msg.info(projection.notice, icon="ℹ️")
    for note in fid.notes:
        msg.info(note, icon="ℹ️")
    score_values = fid.scores()
    cells = st.columns(2)
    for index, (key, title) in enumerate(SCORE_TITLES.items()):
        value = score_values[key]
        with cells[index % 2]:
            st.metric(
                title.replace("k-NN", f"{fid.k}-NN"),
                "n/a" if value is None else f"{value:.2f}",
            )
            st.caption(fid.explanation(key))
    st.caption(f"All scores compare the {fid.true_space} with Euclidean distance as drawn in 2-D.")

shepard_column, map_column = st.columns(2, gap="large")
with shepard_column:
    st.plotly_chart(
        shepard_figure(fid, phrases),
        key="shepard",
        config=chart_config(file_stem="shepard-diagram", zoom=False),
    )
    st.caption(
        "A perfect map puts the dots on one rising curve: a farther pair is always drawn "
        "farther. Dots above the others are pairs drawn too far apart; dots below, too close."
    )
with map_column:
    toggles = st.columns(2)
    show_false = toggles[0].toggle(
        f"False neighbours ({fid.false_count} pairs)",
        key="false",
        help=f"Red dotted lines: pairs drawn among each other's {fid.k} nearest, "
        f"but not among the true {fid.k} nearest.",
    )
    show_torn = toggles[1].toggle(
        f"Torn neighbours ({fid.torn_count} pairs)",
        key="torn",
        help=f"Dark dashed lines: a phrase and its true nearest neighbour, drawn outside "
        f"each other's {fid.k} nearest on the map.",
    )
    st.caption(NEIGHBOUR_COUNT_NOTE)
    figure = neighbour_map_figure(
        phrases,
        projection.coords,
        fid,
        axis_titles=projection.axis_titles,
        title=f"{MODEL_TITLES[MODEL]} projected to 2-D with "
        f"{METHODS.get(projection.method, projection.method)}",
        show_false=show_false,
        show_torn=show_torn,
    )
    st.plotly_chart(
        figure, key="neighbour_map", config=chart_config(file_stem="map-and-its-lies", zoom=False)
    )
    html_download(
        figure, key="html_lies", file_stem="map-and-its-lies", title="How much the map lies"
    )

st.subheader("PCA, UMAP or t-SNE: which picture to trust?")
st.markdown(comparison.verdict())
table = comparison.table()
fitted_table(
    table,
    key="methods_table",
    labels={
        "rank correlation": "rank corr.",
        "false neighbours": "false pairs",
        "torn neighbours": "torn pairs",
    },  # fmt: skip
    helps={
        "rank correlation": "Spearman rank correlation of true and drawn distances.",
        "false neighbours": NEIGHBOUR_COUNT_NOTE,
        "torn neighbours": NEIGHBOUR_COUNT_NOTE,
    },
)
st.plotly_chart(
    methods_figure(comparison),
    key="methods_chart",
    config=chart_config(file_stem="pca-umap-tsne", zoom=False),
)
st.caption(
    "Each method draws the same phrases; each map is scored the same way. PCA keeps the "
    "broad layout (a rotation and a flattening); UMAP and t-SNE bend space to keep "
    "neighbourhoods, so their far distances mean little."
)

st.subheader("How many dimensions does the picture need?")
try:
    variance = pca_variance(vectors)
except ValueError as error:
    msg.info(str(error), icon="ℹ️")
else:
    needed = variance.shares()
    half, most = (needed[share] for share in VARIANCE_SHARES)
    st.markdown(
        f"PCA needs **{half}** component{'s' if half > 1 else ''} for "
        f"{VARIANCE_SHARES[0]:.0%} of the variance of these phrases and **{most}** for "
        f"{VARIANCE_SHARES[1]:.0%}; a 2-D map shows two. With {variance.n} phrases at most "
        f"{variance.max_components} components carry any variance, so more phrases usually "
        "need more."
    )
    st.plotly_chart(
        variance_figure(variance),
        key="variance_chart",
        config=chart_config(file_stem="pca-variance", zoom=False),
    )

share_view(PARAMS)
