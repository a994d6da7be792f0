"""The Search page's Streamlit parts: a hit, the verdict on the best hit, the corpus map.

pages/search.py lays the page out; these keep it short.
"""

from __future__ import annotations

import streamlit as st

from explorer.config import RANDOM_PAIR_QUANTILE
from explorer.documents.corpus_view import fingerprint
from explorer.documents.search import Hit, SearchIndex, highlight
from explorer.documents.search_map import blob_note
from explorer.space.projection import Projection
from explorer.ui import jobs
from explorer.ui.messages import info, say


def show_hit(rank: int, hit: Hit, score_name: str, topics: tuple[str, ...] | None) -> None:
    """One hit in a bordered box: rank, score, topic, shared words, the text highlighted."""
    parts = [f"**{rank}.** {score_name} **{hit.score:.2f}**"]
    if score_name == "cosine similarity":
        parts[0] += f" (d = {1 - hit.score:.2f})"
    if topics is not None:
        parts.append(say(topics[hit.index]))
    if hit.shares_no_word:
        parts.append("*shares no word with the query*")
    else:
        parts.append("shares " + ", ".join(f"**{say(w)}**" for w in hit.shared_words))
    with st.container(border=True):
        st.markdown(" · ".join(parts) + "\n\n" + highlight(hit.text, hit.shared_words))


def best_hit_verdict(best: Hit, random_similarity: float) -> tuple[str, str] | None:
    """What to say about the best semantic hit: ``(kind, Markdown)``, or ``None``.

    ``random_similarity``: the cosine similarity ``RANDOM_PAIR_QUANTILE`` of random
    phrase pairs stay below. A best hit no higher is weak, whatever words it
    shares; one above it that shares no word with the query is what keyword
    search cannot find.

    Example:
        >>> weak = Hit(0, "Drinking water…", 0.2, ())
        >>> best_hit_verdict(weak, 0.24)[1][:60]
        'The best match is weak: its cosine similarity, 0.20, is with'
        >>> best_hit_verdict(Hit(0, "a dog", 0.6, ("dog",)), 0.24) is None
        True
    """
    share = f"{RANDOM_PAIR_QUANTILE:.0%}"
    if best.score <= random_similarity:
        return (
            "warning",
            f"The best match is weak: its cosine similarity, {best.score:.2f}, is within "
            f"the range of random pairs of phrases ({share} of them stay below "
            f"{random_similarity:.2f}). No document here is clearly about your query.",
        )
    if best.shares_no_word:
        return (
            "success",
            "The best semantic hit shares **no word** with your query, so keyword search "
            "cannot find it: the model puts the two near each other because they mean "
            f"similar things (cosine similarity {best.score:.2f}, above {share} of random "
            f"pairs of phrases, which stay below {random_similarity:.2f}).",
        )
    return None


def corpus_map(index: SearchIndex) -> Projection:
    """The corpus's map: UMAP from a background job, PCA while it computes.

    Says so when PCA's first two components hold little of the variance
    (:func:`explorer.documents.search_map.blob_note`).
    """
    note = blob_note(index.projection.explained_variance)
    if note is not None:
        info(note, icon="🫧")
    projection = jobs.projection(
        index.vectors, key=("search", fingerprint(index.texts)), method="umap"
    )
    return index.projection if projection is None else projection
