"""Project many-dimensional vectors to 2-D: PCA, UMAP or t-SNE behind one function.

Small inputs never crash: one point sits at the origin, and where UMAP or t-SNE
cannot run on so few points PCA is used instead, with a notice saying so.
Every method is seeded and PCA's signs are fixed, so the same input gives the
same picture in any process.
"""

from __future__ import annotations

import importlib
import io
import logging
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from explorer.config import (
    METHODS,
    METRICS,
    TSNE_MIN_POINTS,
    TSNE_PERPLEXITY,
    UMAP_MIN_POINTS,
    UMAP_NEIGHBORS,
)

logger = logging.getLogger(__name__)

#: Above this many rows PCA diagonalises the covariance instead of the data.
PCA_COVARIANCE_MIN_ROWS = 5_000
#: Rows converted to float64 at a time when PCA reads a float32 corpus (about 30 MB).
PCA_CHUNK_ROWS = 10_000


@dataclass(frozen=True)
class Projection:
    """2-D (or 3-D) coordinates and how they were made.

    Attributes:
        coords: ``(n, 2)`` float64 coordinates (``(n, 3)`` when asked for 3-D).
        method: the method actually used (``"pca"``, ``"umap"``, ``"tsne"``,
            or ``"identity"`` for input that was already 2-D).
        axis_titles: titles for the x and y axes, e.g. ``"PC1 (31% of variance)"``.
        explained_variance: PCA's share of variance per axis, else ``None``.
        notice: a sentence for the user when the method asked for was not
            used (too few points) or the picture is degenerate, else ``None``.
        mean, components: for PCA and identity, the linear map itself:
            ``coords == (vectors - mean) @ components.T``, so new vectors (a
            search query) can be placed without refitting; ``None`` otherwise.
    """

    coords: NDArray[np.float64]
    method: str
    axis_titles: tuple[str, ...]
    explained_variance: tuple[float, ...] | None = None
    notice: str | None = None
    mean: NDArray[np.float64] | None = None
    components: NDArray[np.float64] | None = None

    def transform(self, vectors: NDArray) -> NDArray[np.float64]:
        """Place new vectors (e.g. a search query) on this map, ``(m, 2)``, without refitting.

        Example:
            >>> fitted = compute_projection(np.array([[0.0, 0, 1], [0, 2, 0], [3, 0, 0]]))
            >>> bool(np.allclose(fitted.transform([[3.0, 0, 0]]), fitted.coords[2]))
            True
        """
        if self.mean is None or self.components is None:
            raise ValueError(
                f"A {METHODS.get(self.method, self.method)} map cannot place new vectors "
                "without refitting; use PCA."
            )
        array = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
        if array.shape[1] != self.mean.shape[0]:
            raise ValueError(
                f"Vectors of {array.shape[1]} dimensions cannot go on a map fitted to "
                f"{self.mean.shape[0]}-dimensional vectors; embed them with the same model."
            )
        return (array - self.mean) @ self.components.T


def _check(vectors: NDArray, method: str, metric: str) -> NDArray[np.float64]:
    if method not in METHODS:
        raise ValueError(
            f"Unknown projection method {method!r}; choose one of {', '.join(METHODS)}."
        )
    if metric not in METRICS:
        raise ValueError(f"Unknown metric {metric!r}; choose one of {', '.join(METRICS)}.")
    array = np.asarray(vectors)
    if array.dtype != np.float32:  # float32 stays as given: no float64 copy of a corpus
        array = np.asarray(array, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(
            f"Expected a 2-D array of shape (phrases, dimensions), got shape {array.shape}."
        )
    if array.shape[0] == 0:
        raise ValueError("No vectors to project; give at least one phrase.")
    if not all(np.isfinite(rows).all() for rows in _row_chunks(array)):
        raise ValueError("Vectors contain NaN or infinite values; they cannot be projected.")
    return array


def _row_chunks(array: NDArray, rows: int = PCA_CHUNK_ROWS) -> Iterator[NDArray[np.float64]]:
    """``array`` in blocks of ``rows`` rows, each as float64 (a copy of one block only).

    Example:
        >>> [block.dtype.name for block in _row_chunks(np.zeros((3, 2), np.float32), rows=2)]
        ['float64', 'float64']
    """
    for start in range(0, len(array), rows):
        yield np.asarray(array[start : start + rows], dtype=np.float64)


def _pca(array: NDArray[np.float64], notice: str | None = None, components: int = 2) -> Projection:
    n, dim = array.shape
    k = components
    names = tuple(f"PC{i + 1}" for i in range(k))
    mean = array.mean(axis=0, dtype=np.float64)
    no_axes = np.zeros((k, dim))  # a degenerate map puts every vector at the origin
    if n == 1:
        return Projection(
            coords=np.zeros((1, k)),
            method="pca",
            axis_titles=names,
            notice=notice
            or "One phrase sits at the origin: add a second phrase to see a distance.",
            mean=mean,
            components=no_axes,
        )
    if n > PCA_COVARIANCE_MIN_ROWS:
        # Many rows: the d x d scatter matrix's eigenvectors are the same axes,
        # for one matrix product (about 1 s for 100,000 x 384, where the SVD of
        # the data took 50 s), and no centred copy of the data is made.
        # In blocks of rows: a float32 corpus is never copied whole to float64.
        scatter = sum(block.T @ block for block in _row_chunks(array)) - n * np.outer(mean, mean)
        variance, axes_found = np.linalg.eigh(scatter)
        variance, axes_found = np.clip(variance[::-1], 0.0, None), axes_found[:, ::-1].T
    else:
        _, singular, axes_found = np.linalg.svd(
            array.astype(np.float64) - mean, full_matrices=False
        )
        variance = singular**2
    total = float(variance.sum())
    if total <= 1e-12:
        return Projection(
            coords=np.zeros((n, k)),
            method="pca",
            axis_titles=names,
            notice="All phrases have the same vector, so they sit on one point.",
            mean=mean,
            components=no_axes,
        )
    components = axes_found[:k]
    # SVD's signs are arbitrary: make each axis's largest loading positive so a
    # picture never flips between runs or machines.
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    signs[signs == 0] = 1.0
    components = components * signs[:, None]
    axes = no_axes.copy()
    axes[: len(components)] = components
    coords = np.vstack([block @ axes.T for block in _row_chunks(array)]) - mean @ axes.T
    shares = [float(v / total) for v in variance[:k]] + [0.0] * (k - len(components))
    titles = tuple(f"{name} ({share:.0%} of variance)" for name, share in zip(names, shares))
    return Projection(
        coords=coords,
        method="pca",
        axis_titles=titles,
        explained_variance=tuple(shares),
        notice=notice,
        mean=mean,
        components=axes,
    )


def _fallback_notice(label: str, minimum: int, n: int) -> str:
    return (
        f"{label} needs at least {minimum} phrases, got {n}; showing PCA instead. "
        f"Add phrases to use {label}."
    )


#: umap-learn modules whose numba functions get an on-disk compile cache.
UMAP_NUMBA_MODULES = ("umap.umap_", "umap.layouts", "umap.distances", "umap.spectral", "umap.utils")
_umap_cache_enabled = threading.Event()


def _import_umap_with_compile_cache():
    """Import umap with numba's on-disk cache on for its compiled functions.

    umap-learn compiles about 100 numba functions on its first call in a
    process (about 10 s on 2 cores) and caches almost none of them, so every
    server start paid it again. With caching on, a later process loads the
    machine code from ``__pycache__`` (or ``NUMBA_CACHE_DIR``) in about 0.2 s;
    ``make install`` fills the cache once.
    """
    import umap
    from numba.core.registry import CPUDispatcher

    if not _umap_cache_enabled.is_set():
        for name in UMAP_NUMBA_MODULES:
            module = importlib.import_module(name)
            for value in vars(module).values():
                if isinstance(value, CPUDispatcher) and value.__module__ == name:
                    value.enable_caching()
        _umap_cache_enabled.set()
    return umap


#: ``progress(done, total, stage=...)``: how far a long projection is (see jobs.Report).
ProjectionProgress = Callable[..., None]

_TQDM_COUNT = re.compile(r"(\d+)/(\d+)")


class _TqdmSink(io.TextIOBase):
    """A file for umap-learn's tqdm bar: passes each ``12/200`` it writes on as progress.

    tqdm writes while holding its process-wide lock and does not release it if
    the write raises, which would freeze every later progress bar (those of
    sentence-transformers too). So an exception from ``progress`` is kept, not
    raised here: progress stops being reported, and :func:`_umap` raises it once
    UMAP returns.

    Example:
        >>> seen = []
        >>> _TqdmSink(lambda done, total, stage: seen.append((done, total))).write("6%| 12/200")
        10
        >>> seen
        [(12, 200)]
    """

    def __init__(self, progress: ProjectionProgress) -> None:
        self.progress = progress
        self.error: Exception | None = None

    def write(self, text: str) -> int:
        found = _TQDM_COUNT.findall(text)
        if found and self.error is None:
            done, total = map(int, found[-1])
            try:
                self.progress(done, total, stage=UMAP_LAYOUT_STAGE)
            except Exception as error:  # noqa: BLE001 - raised after UMAP, outside tqdm
                self.error = error
        return len(text)


UMAP_NEIGHBOURS_STAGE = "UMAP, step 1 of 2: finding each point's nearest neighbours"
UMAP_LAYOUT_STAGE = "UMAP, step 2 of 2: laying out the map (epochs)"


def _umap(
    array: NDArray[np.float64],
    metric: str,
    random_state: int,
    progress: ProjectionProgress | None = None,
    components: int = 2,
) -> NDArray[np.float64]:
    umap = _import_umap_with_compile_cache()  # heavy: numba code loads or compiles

    n = array.shape[0]
    tqdm_kwds = None
    sink = None
    if progress is not None:
        progress(0, 0, stage=UMAP_NEIGHBOURS_STAGE)
        sink = _TqdmSink(progress)
        tqdm_kwds = {"file": sink, "disable": False, "mininterval": 0.5}
    reducer = umap.UMAP(
        n_components=components,
        n_neighbors=max(2, min(UMAP_NEIGHBORS, n - 1)),
        metric=metric,
        random_state=random_state,
        # Spectral init needs more points than neighbours; PCA init is exact
        # for tiny inputs and deterministic for all.
        init="spectral" if n > 2 * UMAP_NEIGHBORS else "pca",
        n_jobs=1,
        tqdm_kwds=tqdm_kwds,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coords = np.asarray(reducer.fit_transform(array), dtype=np.float64)
    if sink is not None and sink.error is not None:
        raise sink.error
    return coords


def _tsne(
    array: NDArray[np.float64], metric: str, random_state: int, components: int = 2
) -> NDArray[np.float64]:
    from sklearn.manifold import TSNE

    n = array.shape[0]
    # Perplexity must stay below the number of points; a third of them keeps
    # a few neighbours in view on small inputs.
    perplexity = float(min(TSNE_PERPLEXITY, max(1.0, (n - 1) / 3)))
    tsne = TSNE(
        n_components=components,
        perplexity=perplexity,
        metric=metric,
        init="pca",
        random_state=random_state,
    )
    from threadpoolctl import threadpool_limits

    # One native thread: t-SNE's OpenMP threads spin-wait for each other, and
    # with a core busy elsewhere (a browser, another visitor) 50 phrases took
    # 0.5-13 s instead of 0.2 s on one thread, on this 2-core machine.
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore")
        return np.asarray(tsne.fit_transform(array.astype(np.float64)), dtype=np.float64)


def compute_projection(
    vectors: NDArray,
    *,
    method: str = "pca",
    metric: str = "euclidean",
    random_state: int = 0,
    progress: ProjectionProgress | None = None,
    n_components: int = 2,
) -> Projection:
    """Project vectors to 2-D (or 3-D) and say how.

    Args:
        vectors: ``(n, d)`` array, one row per phrase.
        method: ``"pca"``, ``"umap"`` or ``"tsne"``.
        metric: distance UMAP and t-SNE keep (``"euclidean"`` or ``"cosine"``);
            PCA ignores it.
        random_state: seed for UMAP and t-SNE.
        progress: called as ``progress(done, total, stage=...)`` while UMAP
            runs (its epochs; ``total`` 0 while it finds neighbours), for a
            progress bar on large inputs. What it raises during the epochs is
            raised when UMAP returns (UMAP itself cannot be interrupted).
        n_components: 2, or 3 for a 3-D view (same seed, same picture).

    Returns:
        A :class:`Projection`. 2-D input comes back unchanged.

    Raises:
        ValueError: unknown method or metric, no rows, or non-finite values.

    Example:
        >>> compute_projection(np.eye(3)).coords.shape
        (3, 2)
        >>> compute_projection(np.eye(3), method="umap").notice
        'UMAP needs at least 4 phrases, got 3; showing PCA instead. Add phrases to use UMAP.'
        >>> compute_projection(np.eye(4), n_components=3).coords.shape
        (4, 3)
    """
    array = _check(vectors, method, metric)
    n, dim = array.shape
    k = n_components
    if k not in (2, 3):
        raise ValueError(f"n_components must be 2 or 3, got {k!r}.")
    if dim == k:
        return Projection(
            coords=np.array(array, dtype=np.float64),
            method="identity",
            axis_titles=("x", "y", "z")[:k],
            mean=np.zeros(k),
            components=np.eye(k),
        )
    if dim < k:
        raise ValueError(f"Vectors must have at least {k} dimensions for {k}-D, got {dim}.")
    if method == "pca" or n == 1:
        from threadpoolctl import threadpool_limits

        # One BLAS thread: two spin-wait for each other whenever another
        # process holds a core (1,000 x 384 took 7.5 s instead of 0.17 s;
        # 100,000 x 384 3.2 s instead of 0.9 s, with the other core busy).
        with threadpool_limits(limits=1):
            return _pca(array, components=k)
    minimum = UMAP_MIN_POINTS if method == "umap" else TSNE_MIN_POINTS
    label = METHODS[method]
    if n < minimum:
        notice = _fallback_notice(label, minimum, n)
        logger.info(notice)
        return _pca(array, notice, components=k)
    if method == "umap":
        with _umap_lock:
            coords = _umap(array, metric, random_state, progress, components=k)
    else:
        coords = _tsne(array, metric, random_state, components=k)
    titles = tuple(f"{label} {i + 1}" for i in range(k))
    return Projection(coords=coords, method=method, axis_titles=titles)


def project(
    vectors: NDArray,
    *,
    method: str = "pca",
    random_state: int = 0,
    metric: str = "euclidean",
) -> NDArray[np.float64]:
    """Project vectors to ``(n, 2)`` coordinates.

    A notice (fallback to PCA on tiny inputs) is logged; use
    :func:`compute_projection` to get it with the coordinates.

    Example:
        >>> project(np.array([[1.0, 2.0, 3.0]])).tolist()
        [[0.0, 0.0]]
    """
    return compute_projection(
        vectors, method=method, metric=metric, random_state=random_state
    ).coords


_umap_lock = threading.Lock()
_umap_warm = threading.Event()


def warm_up_umap() -> None:
    """Load (or, the first time on a machine, compile) UMAP's numba code once per process.

    About 0.2 s from the on-disk cache, about 10 s on 2 cores without it. Later
    calls return at once, so a user's first UMAP map is quick.
    """
    if _umap_warm.is_set():
        return
    with _umap_lock:
        if _umap_warm.is_set():
            return
        started = time.perf_counter()
        # Spectral init, both metrics: nearly all of the compile (the PCA-init
        # path for small inputs then costs milliseconds).
        sample = np.random.default_rng(0).normal(size=(4 * UMAP_NEIGHBORS, 8))
        for metric in METRICS:
            _umap(sample, metric, 0)
        _umap_warm.set()
        logger.info("UMAP warm-up took %.1f s", time.perf_counter() - started)
