"""The settings pages share: the model, the projection and the distance.

Each has one widget and one session key (``model``, ``method``, ``metric``, also
their link parameters), so a choice made on one page holds on the next. app.py
draws them in the sidebar before the page runs (:func:`draw_settings`), only the
ones that page uses; widgets created in the entry script keep their state across
pages, and ``persist_state="session"`` keeps a value while a page does not show
it. Pages read the values with :func:`shared_settings`.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from explorer.config import BUILTIN_MODELS, METHODS, METRICS, REAL_MODEL_DIM
from explorer.links import Param
from explorer.models.imported import ImportedEmbedder
from explorer.ui.links import restore_shared_from_link
from explorer.ui.nav import main_script, rerun_through_app

#: Session keys of the shared settings, also their link parameters.
MODEL, METHOD, METRIC = "model", "method", "metric"
#: The model option for vectors imported on the Playground.
IMPORTED = "imported"
#: Session key of the imported vectors' embedder (never shared between visitors).
IMPORTED_KEY = "_imported"
#: The distance a session starts with: the real model's own (the toy model's is Euclidean).
DEFAULT_METRIC = "cosine"
#: Why the toy model shows no projection or distance setting.
TOY_NOTE = (
    "Projection and distance: the toy model is already 2-D, so nothing is projected, and "
    "it measures Euclidean distance on its plane, as the article does. Pick the real model "
    "to choose them."
)
#: The link parameter of each setting.
PARAMS = {
    MODEL: Param("model", MODEL, tuple(BUILTIN_MODELS)),
    METHOD: Param("method", METHOD, tuple(METHODS)),
    METRIC: Param("metric", METRIC, tuple(METRICS)),
}
#: The settings each page uses, by page file name; other pages show none.
PAGE_SETTINGS: dict[str, tuple[str, ...]] = {
    "playground": (MODEL, METHOD, METRIC),
    "compare": (METHOD,),
    "fidelity": (METHOD, METRIC),
}


@dataclass(frozen=True)
class Settings:
    """The shared settings' values.

    Attributes:
        model: ``"toy"``, ``"minilm"`` or :data:`IMPORTED`.
        method: the projection to 2-D: ``"pca"``, ``"umap"`` or ``"tsne"``.
        metric: the distance in the model's space: ``"cosine"`` or ``"euclidean"``.

    Example:
        >>> Settings(model="toy", method="umap", metric="cosine").real
        False
    """

    model: str = next(iter(BUILTIN_MODELS))
    method: str = next(iter(METHODS))
    metric: str = DEFAULT_METRIC

    @property
    def real(self) -> bool:
        """Whether the model has more than 2 dimensions (projection and distance apply)."""
        return self.model != "toy"


def _current() -> Settings:
    state = st.session_state
    default = Settings()
    return Settings(
        model=state.get(MODEL, default.model),
        method=state.get(METHOD, default.method),
        metric=state.get(METRIC, default.metric),
    )


def imported_embedder() -> ImportedEmbedder | None:
    """The vectors this session imported on the Playground, if any."""
    return st.session_state.get(IMPORTED_KEY)


def draw_settings(page: str) -> Settings:
    """Read the link's settings for ``page``, then draw the ones it uses in the sidebar.

    app.py calls it before the page runs, on every run, so the widgets belong
    to the entry script. A page that uses the model hides the projection and
    the distance while the toy model (already 2-D) is chosen, saying why; they
    keep their values.
    """
    uses = PAGE_SETTINGS.get(page, ())
    restore_shared_from_link(page, [PARAMS[name] for name in uses])
    st.session_state.setdefault(METRIC, DEFAULT_METRIC)
    imported = imported_embedder()
    model_names = {**BUILTIN_MODELS}
    if imported is not None:
        model_names[IMPORTED] = f"Imported vectors ({imported.dim} dimensions)"
    if st.session_state.get(MODEL) not in model_names:
        st.session_state.pop(MODEL, None)
    if not uses:
        return _current()
    with st.sidebar:
        st.header("Settings")
        real = True
        if MODEL in uses:
            model = st.radio(
                "Model",
                list(model_names),
                format_func=model_names.get,
                key=MODEL,
                persist_state="session",
            )
            real = model != "toy"
        if not real and (METHOD in uses or METRIC in uses):
            st.caption(TOY_NOTE)
        if METHOD in uses and real:
            st.selectbox(
                "Projection",
                list(METHODS),
                format_func=METHODS.get,
                key=METHOD,
                help=f"The real model has {REAL_MODEL_DIM} dimensions; a projection draws a "
                "2-D shadow of them. The toy model is already 2-D. One choice for every page.",
                persist_state="session",
            )
        if METRIC in uses and real:
            st.radio(
                "Distance",
                list(METRICS),
                format_func=METRICS.get,
                key=METRIC,
                horizontal=True,
                help="Cosine: 1 − cosine similarity (0 = same direction). Euclidean: "
                f"straight-line distance. Both are measured in all {REAL_MODEL_DIM} "
                "dimensions; distances on a map are Euclidean, as the eye reads them. The "
                "toy model uses Euclidean distance on its plane, as the article does.",
                persist_state="session",
            )
    return _current()


def shared_settings() -> Settings:
    """The shared settings' values, for the page being drawn.

    Call it at the top of the page, before :func:`explorer.ui.links.restore_from_link`.
    A page run on its own (AppTest, ``streamlit run pages/x.py``) has no app.py to
    draw the settings, so they are drawn here.
    """
    rerun_through_app()
    page = main_script()
    if page == "app":
        return _current()
    return draw_settings(page)
