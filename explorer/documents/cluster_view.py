"""The Corpus page's clusters, without Streamlit: a job, its result on the map, its table.

Clusters are found among the rows a filter keeps
(:func:`explorer.documents.filters.filter_mask`), as a background job
(:func:`cluster_job`); :func:`on_map` puts the result back on the whole corpus
(rows outside the filter in no cluster) with each cluster's centre on the map
shown, which changes (PCA, then UMAP) without finding the clusters again.

Example:
    >>> import numpy as np
    >>> vectors = np.repeat(np.eye(3), 8, axis=0)
    >>> texts = ["red apple"] * 8 + ["fast car"] * 8 + ["deep sea"] * 8
    >>> kept = np.arange(24) < 16  # a filter keeps the apples and cars
    >>> found = cluster_job(vectors, texts, kept)(lambda *a, **k: None)
    >>> shown = on_map(found, kept, vectors[:, :2])
    >>> shown.labels.tolist()[14:18], cluster_table(shown)["documents"]
    ([1, 1, -1, -1], [8, 8])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from explorer.documents.clusters import Clusters, _centres, clusters
from explorer.documents.jobs import Report

#: Colour-by entry and category of points in no cluster.
CLUSTER_COLOR = "(clusters)"
NO_CLUSTER = "(no cluster)"


def cluster_job(
    vectors: NDArray, texts: Sequence[str], kept: NDArray[np.bool_], *, random_state: int = 0
) -> Callable[[Report], Clusters]:
    """A job function clustering the rows ``kept`` (labels are of those rows, in order)."""
    rows = np.flatnonzero(kept)

    def run(report: Report) -> Clusters:
        if len(rows) == 0:
            raise ValueError("The filter keeps no document; widen it to find clusters.")
        report(0, 0, stage=f"Clusters among {len(rows):,} documents")
        chosen = vectors if len(rows) == len(vectors) else vectors[rows]
        return clusters(
            chosen,
            [texts[i] for i in rows],
            random_state=random_state,
            progress=report,
        )

    return run


def on_map(found: Clusters, kept: NDArray[np.bool_], coords: NDArray) -> Clusters:
    """``found`` (clusters of the rows ``kept``) over the whole corpus: rows outside the
    filter labelled -1, each centre placed on ``coords`` (the map shown, 2-D)."""
    rows = np.flatnonzero(kept)
    labels = np.full(len(kept), -1, dtype=np.int64)
    labels[rows] = found.labels
    points = np.asarray(coords, dtype=np.float64)[:, :2]
    centres, centre_rows = None, None
    if found.count and len(rows):
        centres, local = _centres(points[rows], found.labels, found.count)
        centre_rows = tuple(int(rows[i]) for i in local)
    return replace(found, labels=labels, centres=centres, centre_rows=centre_rows)


def cluster_categories(found: Clusters) -> list[str]:
    """Each row's cluster for "Colour by" ("1. brake, engine, oil"), ``"(no cluster)"``
    for noise and rows outside the filter."""
    return [NO_CLUSTER if c is None else c for c in found.categories()]


def cluster_rows(found: Clusters, cluster: int) -> NDArray[np.int64]:
    """The rows of one cluster (0 is the largest)."""
    return np.flatnonzero(found.labels == cluster)


def cluster_table(found: Clusters) -> dict[str, list]:
    """The clusters as table columns: number, name, documents, share of those clustered."""
    total = max(1, int((found.labels >= 0).sum()) + found.noise)
    return {
        "cluster": list(range(1, found.count + 1)),
        "name": list(found.names),
        "documents": list(found.sizes),
        "share": [f"{size / total:.1%}" for size in found.sizes],
    }


def clusters_caption(found: Clusters, kept: int) -> str:
    """What the clusters are (``found`` from :func:`on_map`; ``kept`` rows in the filter).

    Example:
        >>> found = Clusters(np.array([0, 0, -1, -1]), (("a",),), ("a",), (2,), None, None, 3)
        >>> clusters_caption(found, 3)
        "1 cluster among the 3 documents the filter keeps (of 4); 1 in no cluster. Names: each cluster's most distinctive words (class-based TF-IDF)."
    """  # noqa: E501
    total = len(found.labels)
    among = f"all {total:,} documents"
    if kept < total:
        among = f"the {kept:,} documents the filter keeps (of {total:,})"
    many = "cluster" if found.count == 1 else "clusters"
    return (
        f"{found.count} {many} among {among}; {found.noise - (total - kept):,} in no cluster. "
        "Names: each cluster's most distinctive words (class-based TF-IDF)."
    )
