"""Named clusters: groups of documents found in the model's space, each named by its words.

How (measured in bench/clusters.py): the vectors are scaled to length 1 and
reduced with UMAP to ``CLUSTER_UMAP_DIMS`` dimensions (not the drawn 2-D map),
then HDBSCAN finds dense groups there, as BERTopic does; the number of
clusters is not given but found. Points HDBSCAN leaves as noise join the
nearest cluster when they are about as close to it as its own points are to
each other; the rest stay noise (label -1). Each cluster is named by its most
distinctive words: class-based TF-IDF (frequent in the cluster, rare in the
others), English stop words removed.

Large inputs: above ``CLUSTER_FIT_SAMPLE`` points, UMAP and HDBSCAN run on a
seeded sample (after a PCA to ``CLUSTER_PCA_DIMS`` dimensions) and every other
point takes the label of most of its nearest sampled points, so 100,000
points take seconds, not minutes. Everything is seeded: the same input and
``random_state`` give the same clusters.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from explorer.config import (
    CLUSTER_ASSIGN_NEIGHBORS,
    CLUSTER_ASSIGN_REFERENCE,
    CLUSTER_FIT_SAMPLE,
    CLUSTER_MIN_POINTS,
    CLUSTER_MIN_SHARE,
    CLUSTER_MIN_SIZE,
    CLUSTER_NAME_WORDS,
    CLUSTER_NOISE_REACH,
    CLUSTER_PCA_DIMS,
    CLUSTER_UMAP_DIMS,
    CLUSTER_UMAP_EPOCHS,
    UMAP_NEIGHBORS,
)
from explorer.documents.search import unit_once
from explorer.space.projection import (
    _import_umap_with_compile_cache,
    _TqdmSink,
    _umap_lock,
)

#: ``progress(done, total, stage=...)``, as for projections (see jobs.Report);
#: what it raises (``Cancelled``) stops the clustering between two steps.
ClusterProgress = Callable[..., None]

PCA_STAGE = f"Clusters: reducing to {CLUSTER_PCA_DIMS} dimensions (PCA)"
UMAP_STAGE = f"Clusters: UMAP to {CLUSTER_UMAP_DIMS} dimensions (epochs)"
HDBSCAN_STAGE = "Clusters: finding dense groups (HDBSCAN)"
ASSIGN_STAGE = "Clusters: placing the points outside the sample"
NAME_STAGE = "Clusters: naming each cluster by its words"
#: Words: letters only, two or more (no numbers, no stray punctuation).
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"
#: Rows compared at once when placing points outside the sample (memory: rows x sample).
ASSIGN_CHUNK = 1_024
#: Rows checked or reduced at once (a million rows at once: temporaries of gigabytes).
ROWS_AT_ONCE = 65_536


@dataclass(frozen=True, eq=False)
class Clusters:
    """Clusters of documents and their names.

    Attributes:
        labels: ``(n,)`` int64, each point's cluster (0 is the largest), -1 for noise.
        words: each cluster's most distinctive words, most distinctive first.
        names: each cluster's words joined (``"brake, engine, oil"``).
        sizes: each cluster's number of points (largest first).
        centres: ``(clusters, 2)`` each cluster's centre on the drawn map (the
            member nearest the median of its members' map coordinates), when
            ``coords`` was given; else ``None``.
        centre_rows: the row of each cluster's centre member, or ``None``.
        fitted: how many points UMAP and HDBSCAN ran on (a sample above
            ``CLUSTER_FIT_SAMPLE``).
        notice: a sentence for the user when the input was too small or sampled.
    """

    labels: NDArray[np.int64]
    words: tuple[tuple[str, ...], ...]
    names: tuple[str, ...]
    sizes: tuple[int, ...]
    centres: NDArray[np.float64] | None
    centre_rows: tuple[int, ...] | None
    fitted: int
    notice: str | None = None

    @property
    def count(self) -> int:
        """Number of clusters (noise not counted)."""
        return len(self.sizes)

    @property
    def noise(self) -> int:
        """Number of points in no cluster."""
        return int((self.labels < 0).sum())

    def categories(self) -> list[str | None]:
        """Each point's cluster as ``"1. brake, engine, oil"`` (numbered: names can
        repeat), ``None`` for noise: values for the corpus map's ``coloring``."""
        titles = [f"{i + 1}. {name}" for i, name in enumerate(self.names)]
        return [titles[label] if label >= 0 else None for label in self.labels.tolist()]


def _check(
    vectors: NDArray, texts: Sequence[str], coords: NDArray | None, min_size: int | None
) -> tuple[NDArray, NDArray[np.float64] | None]:
    if isinstance(texts, str):
        raise ValueError(
            "texts is one string; give one text per vector row, e.g. ['a cat', 'a dog']."
        )
    try:
        array = np.asarray(vectors)
        if array.dtype != np.float32:  # float32 stays: 100,000 x 384 is 150 MB, not 300
            array = array.astype(np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"Vectors must be numbers, one row per document; got {type(vectors).__name__} "
            f"({error}). Pass e.g. model.encode(texts)."
        ) from None
    if array.ndim != 2:
        raise ValueError(
            f"Expected vectors as a 2-D array (documents, dimensions), got shape "
            f"{array.shape}; give one row per document, e.g. model.encode(texts)."
        )
    n = array.shape[0]
    if n == 0:
        raise ValueError("No vectors to cluster (0 rows); give at least one document.")
    if array.shape[1] == 0:
        raise ValueError(f"Vectors have 0 dimensions (shape {array.shape}); embed the texts.")
    if len(texts) != n:
        raise ValueError(
            f"Got {n:,} vectors but {len(texts):,} texts; give one text per vector row."
        )
    # chunk by chunk: a mask of a million rows at once would take 384 MB
    bad = np.concatenate(
        [
            ~np.isfinite(array[start : start + ROWS_AT_ONCE]).all(axis=1)
            for start in range(0, n, ROWS_AT_ONCE)
        ]
    )
    if bad.any():
        raise ValueError(
            f"Vectors contain NaN or infinite values in {int(bad.sum()):,} of {n:,} rows "
            f"(first: row {int(np.argmax(bad)) + 1}); clusters need finite numbers: "
            "drop or re-embed those rows."
        )
    points = None
    if coords is not None:
        points = np.asarray(coords, dtype=np.float64)
        finite = bool(np.isfinite(points).all())
        if points.shape != (n, 2) or not finite:
            values = "" if finite else " with NaN or infinite values"
            raise ValueError(
                f"Map coordinates have shape {points.shape}{values}; expected ({n:,}, 2) "
                "finite numbers, one row per vector (a Projection's coords)."
            )
    whole = isinstance(min_size, int | np.integer) and not isinstance(min_size, bool)
    if min_size is not None and (not whole or min_size < 2):
        raise ValueError(
            f"min_size={min_size!r} is not allowed; give a whole number of at least 2 "
            "(the fewest points a cluster may have), or None to choose it from the size."
        )
    return array, points


def _umap(array: NDArray, random_state: int, progress: ClusterProgress | None) -> NDArray:
    """``array`` reduced to ``CLUSTER_UMAP_DIMS`` dimensions with UMAP (seeded)."""
    from threadpoolctl import threadpool_limits

    umap = _import_umap_with_compile_cache()  # heavy: numba code loads or compiles
    n = array.shape[0]
    sink = tqdm_kwds = None
    if progress is not None:
        progress(0, 0, stage=UMAP_STAGE)
        sink = _TqdmSink(lambda done, total, stage=None: progress(done, total, stage=UMAP_STAGE))
        tqdm_kwds = {"file": sink, "disable": False, "mininterval": 0.5}
    neighbours = max(2, min(UMAP_NEIGHBORS, n - 1))
    # Exact neighbours (each point first, as UMAP's own): UMAP's exact search below
    # 4,096 points calls a Python function per pair (about a minute for 4,000 points).
    from sklearn.neighbors import NearestNeighbors

    with threadpool_limits(limits=1):
        found = NearestNeighbors(n_neighbors=neighbours, algorithm="brute").fit(array)
        distances, indices = found.kneighbors(array)
    reducer = umap.UMAP(
        n_components=CLUSTER_UMAP_DIMS,
        n_neighbors=neighbours,
        precomputed_knn=(indices, distances, None),
        min_dist=0.0,  # points packed tight: dense groups for HDBSCAN
        n_epochs=CLUSTER_UMAP_EPOCHS,
        metric="euclidean",  # on unit rows: the same neighbours as cosine
        random_state=random_state,
        init="spectral" if n > 2 * UMAP_NEIGHBORS else "pca",
        n_jobs=1,
        tqdm_kwds=tqdm_kwds,
    )
    with _umap_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reduced = np.asarray(reducer.fit_transform(array), dtype=np.float64)
    if sink is not None and sink.error is not None:
        raise sink.error
    return reduced


def _absorb_noise(points: NDArray, labels: NDArray[np.int64]) -> NDArray[np.int64]:
    """Noise within ``CLUSTER_NOISE_REACH`` times the clustered points' usual
    nearest-neighbour distance (95th percentile) of a cluster joins it."""
    clustered = labels >= 0
    if clustered.sum() < 2 or clustered.all():
        return labels
    from sklearn.neighbors import NearestNeighbors

    tree = NearestNeighbors(n_neighbors=2).fit(points[clustered])
    own = tree.kneighbors(points[clustered], n_neighbors=2)[0][:, 1]
    reach = CLUSTER_NOISE_REACH * float(np.quantile(own, 0.95))
    distance, index = tree.kneighbors(points[~clustered], n_neighbors=1)
    joined = labels.copy()
    noise_rows = np.flatnonzero(~clustered)
    near = distance[:, 0] <= reach
    joined[noise_rows[near]] = labels[clustered][index[near, 0]]
    return joined


def _hdbscan(points: NDArray, min_size: int, progress: ClusterProgress | None) -> NDArray:
    from sklearn.cluster import HDBSCAN

    if progress is not None:
        progress(0, 0, stage=HDBSCAN_STAGE)
    found = HDBSCAN(min_cluster_size=min_size, min_samples=1, copy=True).fit_predict(points)
    return _absorb_noise(points, np.asarray(found, dtype=np.int64))


def _assign(
    space: NDArray[np.float32],
    sample: NDArray[np.int64],
    sample_labels: NDArray[np.int64],
    random_state: int,
    progress: ClusterProgress | None,
) -> NDArray[np.int64]:
    """Every point's label: the sample's own, else the most common among its
    ``CLUSTER_ASSIGN_NEIGHBORS`` nearest of ``CLUSTER_ASSIGN_REFERENCE`` sampled
    points (noise counts as a label; a tie goes to the nearer)."""
    n = space.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    labels[sample] = sample_labels
    others = np.setdiff1d(np.arange(n), sample)
    chosen = np.random.default_rng(random_state).permutation(len(sample))
    chosen = np.sort(chosen[:CLUSTER_ASSIGN_REFERENCE])
    reference, reference_labels = space[sample[chosen]], sample_labels[chosen]
    squares = (reference * reference).sum(axis=1)
    k = min(CLUSTER_ASSIGN_NEIGHBORS, len(chosen))
    weights = 1.0 + 0.01 * np.arange(k, 0, -1)  # nearest first
    for start in range(0, len(others), ASSIGN_CHUNK):
        rows = others[start : start + ASSIGN_CHUNK]
        # |x - y|^2 less |x|^2, which is the same along a row
        distance = squares[None, :] - 2.0 * (space[rows] @ reference.T)
        nearest = np.argpartition(distance, k - 1, axis=1)[:, :k]
        order = np.take_along_axis(distance, nearest, axis=1).argsort(axis=1, kind="stable")
        votes = reference_labels[np.take_along_axis(nearest, order, axis=1)]
        # each neighbour's label scores the weights of the neighbours that share it
        scores = ((votes[:, :, None] == votes[:, None, :]) * weights[None, None, :]).sum(axis=2)
        labels[rows] = votes[np.arange(len(rows)), scores.argmax(axis=1)]
        if progress is not None:
            progress(start + len(rows), len(others), stage=ASSIGN_STAGE)
    return labels


def _by_size(labels: NDArray[np.int64]) -> NDArray[np.int64]:
    """Renumber clusters 0, 1, ... from the largest (ties: the lower old number first)."""
    ids, counts = np.unique(labels[labels >= 0], return_counts=True)
    if len(ids) == 0:
        return labels
    order = ids[np.lexsort((ids, -counts))]
    mapping = np.full(int(ids.max()) + 2, -1, dtype=np.int64)
    mapping[order + 1] = np.arange(len(order))
    return mapping[labels + 1]


def cluster_words(
    texts: Sequence[str], labels: NDArray, *, words: int = CLUSTER_NAME_WORDS
) -> tuple[tuple[str, ...], ...]:
    """Each cluster's most distinctive words by class-based TF-IDF, best first.

    A word's score in a cluster is its share of the cluster's words times
    ``log(1 + A / f)``: ``f`` its count in all texts (noise too), ``A`` the
    average number of words per group. Ties go alphabetically.

    Example:
        >>> cluster_words(["red apple pie", "apple tart", "fast car", "car engine"],
        ...               np.array([0, 0, 1, 1]), words=2)
        (('apple', 'pie'), ('car', 'engine'))
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    labels = np.asarray(labels, dtype=np.int64)
    count = int(labels.max()) + 1 if len(labels) else 0
    vectorizer = CountVectorizer(stop_words="english", token_pattern=TOKEN_PATTERN)
    try:
        counts = vectorizer.fit_transform(list(texts))
    except ValueError:  # no words at all (only stop words, numbers or punctuation)
        return ((),) * count
    vocabulary = vectorizer.get_feature_names_out()
    groups = sparse.csr_matrix(
        (np.ones(len(labels)), (labels + 1, np.arange(len(labels)))), shape=(count + 1, len(labels))
    )
    per_group = sparse.csr_matrix(groups @ counts, dtype=np.float64)
    totals = np.asarray(per_group.sum(axis=1)).ravel()
    frequency = np.asarray(per_group.sum(axis=0)).ravel()
    average = totals.sum() / max(1, int((totals > 0).sum()))
    idf = np.log1p(average / np.maximum(frequency, 1.0))
    named = []
    for group in range(1, count + 1):
        start, end = per_group.indptr[group], per_group.indptr[group + 1]
        columns, tf = per_group.indices[start:end], per_group.data[start:end]
        score = tf / max(tf.sum(), 1.0) * idf[columns]
        best = columns[np.lexsort((columns, -score))][:words]  # columns are alphabetical
        named.append(tuple(str(vocabulary[c]) for c in best))
    return tuple(named)


def _centres(
    coords: NDArray[np.float64], labels: NDArray[np.int64], count: int
) -> tuple[NDArray[np.float64], tuple[int, ...]]:
    rows = []
    for cluster in range(count):
        members = np.flatnonzero(labels == cluster)
        median = np.median(coords[members], axis=0)
        rows.append(int(members[np.argmin(((coords[members] - median) ** 2).sum(axis=1))]))
    return coords[rows].reshape(-1, 2), tuple(rows)


def _fit_labels(
    array: NDArray,
    min_size: int | None,
    random_state: int,
    progress: ClusterProgress | None,
) -> tuple[NDArray[np.int64], int, str | None]:
    """Labels for every row, the number of rows fitted, and a notice."""
    from threadpoolctl import threadpool_limits

    n, dim = array.shape
    sampled = n > CLUSTER_FIT_SAMPLE
    rows = np.arange(n)
    if sampled:
        rng = np.random.default_rng(random_state)
        rows = np.sort(rng.choice(n, size=CLUSTER_FIT_SAMPLE, replace=False))
    size = min_size or max(CLUSTER_MIN_SIZE, round(CLUSTER_MIN_SHARE * len(rows)))
    if size > len(rows):
        raise ValueError(
            f"min_size={size} is more than the {len(rows):,} points clustered; "
            f"give at most {len(rows):,}, or None to choose it from the size."
        )
    # One BLAS thread: two spin-wait for each other whenever another process holds a core.
    with threadpool_limits(limits=1):
        space = array  # up to CLUSTER_UMAP_DIMS dimensions: clustered as they are
        if dim > CLUSTER_UMAP_DIMS:
            space = unit_once(array)  # the page's vectors already are: no copy
            if sampled and dim > CLUSTER_PCA_DIMS:
                from sklearn.decomposition import PCA

                if progress is not None:
                    progress(0, 0, stage=PCA_STAGE)
                pca = PCA(n_components=CLUSTER_PCA_DIMS, svd_solver="covariance_eigh")
                pca.fit(space[rows])
                # chunk by chunk: transform centres a copy of all its input at once
                space = np.concatenate(
                    [
                        pca.transform(space[start : start + ROWS_AT_ONCE])
                        for start in range(0, n, ROWS_AT_ONCE)
                    ]
                ).astype(np.float32, copy=False)
        fitted = np.asarray(space[rows], dtype=np.float64)
    reduced = fitted if dim <= CLUSTER_UMAP_DIMS else _umap(fitted, random_state, progress)
    with threadpool_limits(limits=1):
        labels = _hdbscan(reduced, size, progress)
        if not sampled:
            return labels, n, None
        space = np.ascontiguousarray(space, dtype=np.float32)
        labels = _assign(space, rows, labels, random_state, progress)
    notice = (
        f"Clusters were found on a sample of {CLUSTER_FIT_SAMPLE:,} of the {n:,} points; "
        "every other point joined the cluster most of its nearest sampled points are in."
    )
    return labels, CLUSTER_FIT_SAMPLE, notice


def clusters(
    vectors: NDArray,
    texts: Sequence[str],
    *,
    coords: NDArray | None = None,
    min_size: int | None = None,
    random_state: int = 0,
    progress: ClusterProgress | None = None,
) -> Clusters:
    """Find clusters of documents in the model's space and name each by its words.

    Args:
        vectors: ``(n, d)`` one row per document, e.g. ``model.encode(texts)``.
        texts: the documents, one per row (their words name the clusters).
        coords: ``(n, 2)`` the drawn map, to place each cluster's name; optional.
        min_size: the fewest points a cluster may have; ``None``: a share
            (``CLUSTER_MIN_SHARE``) of the points fitted, at least ``CLUSTER_MIN_SIZE``.
        random_state: seed for UMAP and the sample; same seed, same clusters.
        progress: called as ``progress(done, total, stage=...)`` between steps
            (``total`` 0 when unknown); what it raises stops the work (a job's cancel).

    Returns:
        :class:`Clusters`. Fewer than ``CLUSTER_MIN_POINTS`` points, or points
        with no dense group, make one cluster (with a notice).

    Raises:
        ValueError: no rows, NaN, mismatched lengths or shapes, a bad ``min_size``.

    Example:
        >>> vectors = np.repeat(np.eye(3), 8, axis=0) + np.random.default_rng(0).normal(
        ...     scale=0.05, size=(24, 3))
        >>> texts = ["red apple"] * 8 + ["fast car"] * 8 + ["blue sea"] * 8
        >>> found = clusters(vectors, texts)
        >>> found.count, found.sizes, sorted(found.names)
        (3, (8, 8, 8), ['apple, red', 'blue, sea', 'car, fast'])
    """
    array, points = _check(vectors, texts, coords, min_size)
    n = array.shape[0]
    notice = None
    if n < CLUSTER_MIN_POINTS:
        labels = np.zeros(n, dtype=np.int64)
        fitted = n
        notice = (
            f"Only {n} points: too few to find groups (clusters need at least "
            f"{CLUSTER_MIN_POINTS}), so they form one cluster."
        )
    else:
        labels, fitted, notice = _fit_labels(array, min_size, random_state, progress)
        if (labels < 0).all():
            labels = np.zeros(n, dtype=np.int64)
            notice = "No dense groups were found among these points, so they form one cluster."
    labels = _by_size(labels)
    count = int(labels.max()) + 1
    if progress is not None:
        progress(0, 0, stage=NAME_STAGE)
    words = cluster_words(texts, labels)
    names = tuple(", ".join(w) if w else f"cluster {i + 1}" for i, w in enumerate(words))
    sizes = tuple(int(s) for s in np.bincount(labels[labels >= 0], minlength=count))
    centres = rows = None
    if points is not None:
        centres, rows = _centres(points, labels, count)
    return Clusters(
        labels=labels,
        words=words,
        names=names,
        sizes=sizes,
        centres=centres,
        centre_rows=rows,
        fitted=fitted,
        notice=notice,
    )
