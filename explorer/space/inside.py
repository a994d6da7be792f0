"""Inside a vector: the raw numbers, why single dimensions are unreadable, and how high is high.

Three views of a real embedding that the 2-D maps hide:

- heat strips: the raw values of a few phrases, dimension by dimension, so two
  similar phrases show similar patterns;
- single-dimension readability: over labelled reference phrases, the best any
  one of the 384 dimensions does at tracking formality or sentiment, next to
  the toy model's trained axes;
- a cosine-similarity baseline: how similar random pairs of phrases are, so a
  user's similarity of 0.62 can be read as "higher than 97% of random pairs".

The reference computations (reference phrases, their embeddings, the baseline)
do not depend on the user's phrases and are cached per model and process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from explorer.config import BASELINE_PAIRS, BASELINE_SEED, MODEL_TITLES, STRIPS_MAX
from explorer.models import TOY_AXIS_TITLES, load_model
from explorer.models.prefilled import prefilled_model
from explorer.space.distances import distances

#: The labels the reference phrases carry, and the toy model's axis for each.
LABELS = ("formality", "sentiment")
STRIP_ORDERS = ("index", "first")


@dataclass(frozen=True)
class HeatStrips:
    """Raw values of a few phrases, dimension by dimension, ready to draw as aligned strips.

    Attributes:
        phrases: the phrases, one strip each.
        values: ``(m, d)`` their raw vector values, columns in ``dims`` order.
        dims: ``(d,)`` 0-based dimension index of each column.
        limit: largest absolute value, so all strips share one colour scale.
        similarities: ``(m, m)`` cosine similarity between the phrases
            (all ``d`` dimensions).
        order: ``"index"`` (dimension 1 to d) or ``"first"`` (sorted by the
            first phrase's values, so a similar pattern shows as a similar slope).
    """

    phrases: list[str]
    values: NDArray[np.float64]
    dims: NDArray[np.int64]
    limit: float
    similarities: NDArray[np.float64]
    order: str


def heat_strips(phrases: list[str], vectors: NDArray, *, order: str = "index") -> HeatStrips:
    """Line up the raw values of 1 to ``STRIPS_MAX`` phrases.

    Args:
        phrases: the phrases, in the order of ``vectors``' rows.
        vectors: ``(m, d)`` their embeddings.
        order: ``"index"`` keeps dimensions in order; ``"first"`` sorts them
            by the first phrase's values (the same order for every strip).

    Example:
        >>> strips = heat_strips(["a", "b"], [[1.0, -2.0, 0.5], [1.0, -1.0, 0.0]], order="first")
        >>> strips.dims.tolist(), strips.values[1].tolist(), strips.limit
        ([1, 2, 0], [-1.0, 0.0, 1.0], 2.0)
    """
    if order not in STRIP_ORDERS:
        raise ValueError(f"Unknown order {order!r}; choose one of {', '.join(STRIP_ORDERS)}.")
    array = np.asarray(vectors, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] != len(phrases):
        raise ValueError(
            f"Expected one vector per phrase: {len(phrases)} phrases, vectors of shape "
            f"{array.shape}."
        )
    if not 1 <= len(phrases) <= STRIPS_MAX:
        raise ValueError(
            f"Heat strips show 1 to {STRIPS_MAX} phrases, got {len(phrases)}; choose fewer."
        )
    if not np.isfinite(array).all():
        raise ValueError("Vectors contain NaN or infinite values; they cannot be drawn.")
    dims = np.argsort(array[0], kind="stable") if order == "first" else np.arange(array.shape[1])
    limit = float(np.abs(array).max())
    norms = np.linalg.norm(array, axis=1)
    similarities = (
        1.0 - distances(array, metric="cosine")
        if (norms > 0).all()
        else np.full((len(phrases), len(phrases)), np.nan)
    )
    return HeatStrips(
        phrases=list(phrases),
        values=array[:, dims],
        dims=dims.astype(np.int64),
        limit=limit if limit > 0 else 1.0,
        similarities=similarities,
        order=order,
    )


@dataclass(frozen=True)
class Reference:
    """Labelled phrases every model is measured on, and their embeddings.

    Attributes:
        texts: the phrases (``explorer/data/toy_validation.csv``; the toy
            model never trained on them).
        labels: ``(n, 2)`` graded human labels in [-1, 1]: formality, sentiment.
        vectors: ``(n, d)`` the model's embeddings (read-only).
    """

    texts: tuple[str, ...]
    labels: NDArray[np.float64]
    vectors: NDArray[np.float32]


def _read_only(array: NDArray) -> NDArray:
    array = np.array(array)
    array.flags.writeable = False  # cached and shared: no caller may change it
    return array


@lru_cache(maxsize=8)
def reference(model_name: str = "minilm") -> Reference:
    """The reference phrases embedded by ``model_name`` (cached per process).

    Example:
        >>> ref = reference("toy")
        >>> ref.vectors.shape[1], ref.labels.shape[1], len(ref.texts) == len(ref.labels)
        (2, 2, True)
    """
    from explorer.models.toy import VALIDATION_SET, load_labelled

    labelled = load_labelled(VALIDATION_SET)
    # Prefilled at install (explorer.models.prefilled): the model need not load for them.
    vectors = (prefilled_model(model_name) or load_model(model_name)).encode(labelled.texts)
    return Reference(
        texts=tuple(labelled.texts),
        labels=_read_only(labelled.labels),
        vectors=_read_only(vectors),
    )


def _pearson_columns(values: NDArray, target: NDArray) -> NDArray[np.float64]:
    """Pearson r of each column of ``values`` with ``target`` (0 for a constant column)."""
    x = np.asarray(values, dtype=np.float64)
    x = x - x.mean(axis=0)
    y = np.asarray(target, dtype=np.float64) - np.mean(target)
    denominator = np.sqrt((x**2).sum(axis=0) * (y**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (x * y[:, None]).sum(axis=0) / denominator
    return np.where(denominator > 0, r, 0.0)


@dataclass(frozen=True)
class LabelReadability:
    """How well one human label can be read off single dimensions vs a trained axis.

    Attributes:
        label: ``"formality"`` or ``"sentiment"``.
        best_index: 0-based index of the real model's dimension whose values
            correlate most strongly (in absolute value) with the label.
        best_r: that dimension's Pearson correlation (signed).
        median_abs_r: the median absolute correlation over all dimensions.
        toy_axis: the toy model's axis for this label, in words.
        toy_r: Pearson correlation of that axis with the label.
    """

    label: str
    best_index: int
    best_r: float
    median_abs_r: float
    toy_axis: str
    toy_r: float


@dataclass(frozen=True)
class Readability:
    """Single dimensions of a real model vs the toy model's axes, on the reference phrases."""

    model_name: str
    dim: int
    n_phrases: int
    labels: tuple[LabelReadability, ...]

    def table(self) -> pd.DataFrame:
        """One row per label: the best single dimension and the toy axis, side by side."""
        title = MODEL_TITLES.get(self.model_name, self.model_name)
        return pd.DataFrame(
            [
                {
                    "label": row.label,
                    f"strongest single dimension of {title}": (
                        f"dimension {row.best_index + 1} of {self.dim}"
                    ),
                    "its correlation r": row.best_r,
                    f"median |r| over all {self.dim} dimensions": row.median_abs_r,
                    "toy model axis": row.toy_axis,
                    "toy axis correlation r": row.toy_r,
                }
                for row in self.labels
            ]
        )


@lru_cache(maxsize=8)
def dimension_readability(model_name: str = "minilm") -> Readability:
    """Correlate every dimension of ``model_name`` with formality and sentiment labels.

    Over the reference phrases (see :func:`reference`): for each label, the
    strongest absolute Pearson correlation of any single dimension, next to the
    correlation of the toy model's axis for that label. Cached per process.

    Example:
        >>> readability = dimension_readability("minilm")
        >>> best = readability.labels[0]
        >>> best.label, abs(best.best_r) < best.toy_r
        ('formality', True)
    """
    real = reference(model_name)
    toy = reference("toy")
    rows = []
    for column, label in enumerate(LABELS):
        target = real.labels[:, column]
        r = _pearson_columns(real.vectors, target)
        best = int(np.argmax(np.abs(r)))
        toy_r = float(_pearson_columns(toy.vectors[:, [column]], target)[0])
        rows.append(
            LabelReadability(
                label=label,
                best_index=best,
                best_r=float(r[best]),
                median_abs_r=float(np.median(np.abs(r))),
                toy_axis=f"{'xy'[column]} ({TOY_AXIS_TITLES[column]})",
                toy_r=toy_r,
            )
        )
    return Readability(
        model_name=model_name,
        dim=int(real.vectors.shape[1]),
        n_phrases=len(real.texts),
        labels=tuple(rows),
    )


@dataclass(frozen=True)
class CosineBaseline:
    """Cosine similarities of random pairs of reference phrases: what "similar" usually means.

    Attributes:
        model_name: the model measured.
        similarities: sorted cosine similarities of the sampled pairs (read-only).
        n_phrases: reference phrases the pairs were drawn from.
        seed: the sampling seed.
    """

    model_name: str
    similarities: NDArray[np.float64]
    n_phrases: int
    seed: int

    def percentile(self, similarity: float) -> float:
        """Share of random pairs (0 to 1) strictly less similar than ``similarity``.

        Example:
            >>> baseline = CosineBaseline("x", np.array([0.1, 0.2, 0.3, 0.4]), 4, 0)
            >>> baseline.percentile(0.35), baseline.percentile(0.1), baseline.percentile(1.0)
            (0.75, 0.0, 1.0)
        """
        below = np.searchsorted(self.similarities, float(similarity), side="left")
        return float(below / len(self.similarities))

    def quantile(self, share: float) -> float:
        """The similarity below which ``share`` (0 to 1) of random pairs fall.

        Example:
            >>> CosineBaseline("x", np.array([0.1, 0.2, 0.3, 0.4]), 4, 0).quantile(0.5)
            0.25
        """
        return float(np.quantile(self.similarities, share))

    def describe(self, similarity: float) -> str:
        """A sentence placing ``similarity`` among random pairs (percent rounded down).

        Example:
            >>> baseline = CosineBaseline("x", np.array([0.1, 0.2, 0.3, 0.4]), 4, 0)
            >>> baseline.describe(0.35)
            '0.35 is higher than 75% of random pairs'
            >>> baseline.describe(0.62), baseline.describe(0.05)
            ('0.62 is higher than all 4 random pairs', '0.05 is lower than all 4 random pairs')
        """
        share = self.percentile(similarity)
        count = len(self.similarities)
        if share >= 1.0:
            return f"{similarity:.2f} is higher than all {count:,} random pairs"
        if share <= 0.0:
            return f"{similarity:.2f} is lower than all {count:,} random pairs"
        if share < 0.01:
            return f"{similarity:.2f} is higher than fewer than 1% of random pairs"
        return f"{similarity:.2f} is higher than {int(share * 100)}% of random pairs"


@lru_cache(maxsize=8)
def cosine_baseline(
    model_name: str = "minilm", *, pairs: int = BASELINE_PAIRS, seed: int = BASELINE_SEED
) -> CosineBaseline:
    """Cosine similarity of ``pairs`` random pairs of reference phrases (seeded, cached).

    Pairs are distinct phrases drawn without repeating a pair; with fewer
    possible pairs than ``pairs``, every pair is used.

    Example:
        >>> baseline = cosine_baseline("minilm", pairs=500)
        >>> len(baseline.similarities), bool(0.0 < np.median(baseline.similarities) < 0.5)
        (500, True)
    """
    if pairs < 1:
        raise ValueError(f"pairs must be at least 1, got {pairs}.")
    ref = reference(model_name)
    n = len(ref.texts)
    first, second = np.triu_indices(n, k=1)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(first), size=min(pairs, len(first)), replace=False)
    similarity_matrix = 1.0 - distances(ref.vectors, metric="cosine")
    similarities = np.sort(similarity_matrix[first[chosen], second[chosen]])
    return CosineBaseline(
        model_name=model_name,
        similarities=_read_only(similarities),
        n_phrases=n,
        seed=seed,
    )


@dataclass(frozen=True)
class PairSimilarity:
    """One pair of the user's phrases placed on the baseline.

    Attributes:
        first, second: indices of the two phrases.
        similarity: their cosine similarity (all dimensions).
        percentile: share of random reference pairs less similar (0 to 1).
    """

    first: int
    second: int
    similarity: float
    percentile: float


def pair_similarities(vectors: NDArray, baseline: CosineBaseline) -> list[PairSimilarity]:
    """Every pair of ``vectors`` with its cosine similarity and place on ``baseline``.

    Example:
        >>> baseline = CosineBaseline("x", np.array([0.1, 0.2, 0.3, 0.4]), 4, 0)
        >>> pair = pair_similarities([[1.0, 0.0], [1.0, 1.0]], baseline)[0]
        >>> round(pair.similarity, 3), pair.percentile
        (0.707, 1.0)
    """
    similarity_matrix = 1.0 - distances(vectors, metric="cosine")
    n = len(similarity_matrix)
    return [
        PairSimilarity(
            first=i,
            second=j,
            similarity=float(similarity_matrix[i, j]),
            percentile=baseline.percentile(float(similarity_matrix[i, j])),
        )
        for i in range(n)
        for j in range(i + 1, n)
    ]
