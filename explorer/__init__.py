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
from explorer.documents.chunks import Chunk, chunk
from explorer.documents.clusters import Clusters, clusters
from explorer.documents.corpus import Corpus
from explorer.documents.readers import from_text, load_sample, load_upload
from explorer.documents.readers.vectors import Imported, read_npy, read_projector, read_uploads
from explorer.documents.retrieval import retrieve
from explorer.documents.search import Hit, SearchIndex, build_index, keyword_search, search
from explorer.documents.search_map import build_search_map
from explorer.documents.writers import points_csv, projector_tsv, projector_zip
from explorer.figures.export import figure_html
from explorer.figures.playground import scene_figure
from explorer.figures.search import search_map_figure
from explorer.models import Embedder, load_model
from explorer.models.imported import ImportedEmbedder
from explorer.phrases import parse_phrases
from explorer.presets import AXES_PRESETS
from explorer.space.axes import AxisProjection, axis_projection
from explorer.space.compare import Comparison, compare_spaces
from explorer.space.distances import distances, nearest, nearest_answer, nearest_neighbors
from explorer.space.fidelity import Fidelity, fidelity
from explorer.space.inside import cosine_baseline, dimension_readability, heat_strips
from explorer.space.methods import compare_methods, pca_variance
from explorer.space.projection import Projection, compute_projection, project
from explorer.space.scene import Scene, build_scene
from explorer.space.toy_agreement import toy_agreement

__all__ = [
    "AXES_PRESETS",
    "MAX_PHRASES",
    "MAX_PHRASE_CHARS",
    "AxisProjection",
    "Chunk",
    "Clusters",
    "Comparison",
    "Corpus",
    "Embedder",
    "Fidelity",
    "Hit",
    "Imported",
    "ImportedEmbedder",
    "Projection",
    "Scene",
    "SearchIndex",
    "build_index",
    "build_scene",
    "axis_projection",
    "build_search_map",
    "chunk",
    "clusters",
    "compare_spaces",
    "compare_methods",
    "compute_projection",
    "cosine_baseline",
    "dimension_readability",
    "distances",
    "fidelity",
    "figure_html",
    "from_text",
    "heat_strips",
    "keyword_search",
    "load_model",
    "load_sample",
    "load_upload",
    "nearest",
    "nearest_answer",
    "nearest_neighbors",
    "parse_phrases",
    "pca_variance",
    "plot",
    "points_csv",
    "project",
    "projector_tsv",
    "projector_zip",
    "read_npy",
    "read_projector",
    "read_uploads",
    "retrieve",
    "scene_figure",
    "search",
    "search_map_figure",
    "toy_agreement",
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
