"""Background jobs on a page: start one, show its progress and a Cancel button, resume it.

The work itself is a job function (:mod:`explorer.documents.jobs`); here is
only the Streamlit side: the fragment that polls a running job, the buttons
that cancel, resume or retry it, and the two long jobs of a corpus
(:func:`embedding`, :func:`projection`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import streamlit as st
from numpy.typing import NDArray

from explorer.config import METHODS
from explorer.documents import corpus_view
from explorer.documents.jobs import CANCELLED, DONE, RUNNING, Report, duration
from explorer.models import Embedder
from explorer.models.doc_cache import default_cache
from explorer.phrases import markdown_escape
from explorer.space.projection import Projection
from explorer.ui.cache import job_board, session_id

#: Session key: the job a Resume or Try again button asked to start again.
RESUME_KEY = "_job_resume"
#: How long a run waits for a job before showing its progress instead
#: (a corpus seen before loads from the cache within it).
QUICK_WAIT_S = 2.0
#: How often the progress bar of a running job refreshes.
POLL_S = 0.5


def _resume(key: Hashable) -> None:
    """Button callback: start a cancelled or failed job again."""
    st.session_state[RESUME_KEY] = key


@st.fragment(run_every=POLL_S)
def _progress(key: tuple, cancel_label: str) -> None:
    """A running job's progress bar and Cancel button; reruns the page when it ends."""
    job = job_board().get(key)
    if job is None or job.state != RUNNING:
        st.rerun(scope="app")
    snapshot = job.snapshot()
    st.progress(snapshot.fraction or 0.0, text=markdown_escape(snapshot.describe()))
    st.button(cancel_label, key=f"cancel_{key[0]}", on_click=job.cancel, icon="⏹️")


def is_running(key: tuple) -> bool:
    """Whether the job for ``key`` is running now."""
    job = job_board().get(key)
    return job is not None and job.state == RUNNING


def run_job(
    key: tuple,
    make: Callable[[], Callable[[Report], Any]],
    *,
    cancel_label: str,
    what: str,
    light: bool = False,
    cost: Callable[[], int] | None = None,
) -> Any:
    """The job for ``key``: its result once done, else ``None`` after showing why.

    ``key[0]`` names the job in widget keys (``cancel_embed``, ``resume_embed``).
    A running job shows its progress (and the page goes on); a cancelled or
    failed one is not restarted until the user asks. A job refused (this
    session runs one already, the queue is full, the demo's budget is spent:
    ``cost()`` gives the new documents it would embed) shows why. A ``light``
    job (seconds: PCA) runs outside the limits.
    """
    board = job_board()
    job = board.get(key)
    asked = st.session_state.get(RESUME_KEY) == key
    if job is None or job.state in (RUNNING, DONE) or asked:
        st.session_state.pop(RESUME_KEY, None)
        try:
            job = start_job(key, make, light=light, cost=cost)
        except ValueError as error:
            st.error(markdown_escape(str(error)), icon="⏳")
            st.button("Try again", key=f"retry_{key[0]}", on_click=_resume, args=(key,), icon="🔁")
            return None
        job.wait(QUICK_WAIT_S)
    snapshot = job.snapshot()
    if snapshot.state == DONE:
        return job.result
    if snapshot.state == RUNNING:
        _progress(key, cancel_label)
        return None
    if snapshot.state == CANCELLED:
        done_so_far = f"after {duration(snapshot.elapsed)} ({snapshot.describe()})"
        st.info(markdown_escape(f"{what} was cancelled {done_so_far}."), icon="⏹️")
        st.button("Resume", key=f"resume_{key[0]}", on_click=_resume, args=(key,), icon="▶️")
    else:
        st.error(markdown_escape(f"{what} failed: {snapshot.error}"), icon="🚫")
        st.button("Try again", key=f"retry_{key[0]}", on_click=_resume, args=(key,), icon="🔁")
    return None


def start_job(
    key: tuple,
    make: Callable[[], Callable[[Report], Any]],
    *,
    light: bool = False,
    cost: Callable[[], int] | None = None,
) -> Any:
    """Start (or find) the job for ``key`` for this session, charging the demo's budget.

    Raises:
        ValueError: refused, saying why (see :meth:`~explorer.documents.jobs.JobBoard.start`).
    """
    board, session = job_board(), session_id()
    found = board.get(key)
    if found is not None and found.state in (RUNNING, DONE):
        return found
    if board.budget is not None and session is not None and cost is not None and not light:
        board.budget.charge(session, cost())
    return board.start(key, make(), name=key[0], session=session, light=light)


def embedding(texts: Sequence[str], *, model: Embedder, key: Hashable) -> NDArray | None:
    """The texts' vectors, embedded by a background job; ``None`` while it runs or if stopped.

    The job embeds through the disk cache batch by batch, so a cancelled or
    interrupted run resumes where it stopped; ``key`` names the texts
    (:func:`~explorer.documents.corpus_view.fingerprint`).
    """
    vectors = run_job(
        ("embed", model.name, key),
        lambda: corpus_view.embedding_job(texts, model=model),
        cancel_label="Cancel embedding",
        what="Embedding",
        cost=lambda: default_cache().missing_count(texts, model=model),
    )
    if vectors is None:
        st.caption(
            "Embeddings are saved on disk batch by batch: a cancelled or interrupted run "
            "resumes where it stopped, and a corpus seen before loads in a moment."
        )
    return vectors


def projection(vectors: NDArray, *, key: Hashable, method: str) -> Projection | None:
    """A map of ``vectors``: UMAP or t-SNE from a background job, PCA meanwhile.

    ``None`` while even PCA is not ready, or when it was cancelled or failed.
    """
    names = [method, "pca"] if method != "pca" else ["pca"]
    for name in names:
        label = METHODS[name]
        result = run_job(
            ("project", key, name),
            lambda name=name: corpus_view.projection_job(vectors, method=name),
            cancel_label=f"Cancel {label}",
            what=label,
            light=name == "pca",
        )
        if result is not None:
            return result
        if name != "pca" and is_running(("project", key, name)):
            st.caption(markdown_escape(f"Showing PCA until {label} is ready."))
    return None
