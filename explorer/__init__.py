"""Embedding Explorer: see that an embedding is a coordinate and distance is similarity.

Usable from a notebook, without Streamlit::

    import explorer
    fig = explorer.plot(
        ["Dear sir, I regret to inform you that we have to cancel your appointment.",
         "lessgo we are so back guys wgmi",
         "Hey sorry can't make it tonight, something came up"],
        model="toy",
    )
    fig.show()
"""

from __future__ import annotations

import plotly.graph_objects as go

from explorer.config import MAX_PHRASE_CHARS, MAX_PHRASES
from explorer.distances import distances, nearest, nearest_answer, nearest_neighbors
from explorer.figures import scene_figure
from explorer.models import Embedder, load_model
from explorer.phrases import parse_phrases
from explorer.projection import Projection, compute_projection, project
from explorer.scene import Scene, build_scene

__all__ = [
    "MAX_PHRASES",
    "MAX_PHRASE_CHARS",
    "Embedder",
    "Projection",
    "Scene",
    "build_scene",
    "compute_projection",
    "distances",
    "load_model",
    "nearest",
    "nearest_answer",
    "nearest_neighbors",
    "parse_phrases",
    "plot",
    "project",
    "scene_figure",
]


def plot(
    phrases: list[str],
    *,
    model: str | Embedder = "toy",
    method: str = "pca",
    metric: str = "euclidean",
    selected: int | None = None,
) -> go.Figure:
    """Embed phrases and draw them as labelled points with dashed distance lines.

    Args:
        phrases: the phrases to place, e.g. ``["a cat", "a dog"]``.
        model: ``"toy"`` (2-D, axes mean something), ``"minilm"`` (384-d), or
            any name :func:`load_model` takes.
        method: ``"pca"``, ``"umap"`` or ``"tsne"`` for models of more than 2-D.
        metric: ``"euclidean"`` or ``"cosine"``, measured in the model's own space.
        selected: index of a phrase to draw lines from (with more than 6 phrases).

    Returns:
        A Plotly figure; ``fig.show()`` in Jupyter.

    Example:
        >>> fig = plot(["a cat", "a dog", "a truck"], model="minilm", metric="cosine")
        >>> sorted(a.text for a in fig.layout.annotations)[:1]
        ['d=0.48']
    """
    if isinstance(phrases, str):
        raise ValueError("Give phrases as a list of strings, e.g. ['a cat', 'a dog'].")
    return scene_figure(
        build_scene(list(phrases), model=model, method=method, metric=metric, selected=selected)
    )
