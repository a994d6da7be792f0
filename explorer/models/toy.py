"""The article's toy 2-D model: x = casual → formal, y = negative → positive.

Two kernel ridge heads on MiniLM's hidden layers, trained on
``explorer/data/toy_phrases.csv`` by :mod:`explorer.models.toy_train`; this
module holds the model at run time: its weights, its labelled phrases and the
embedder.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from explorer.config import DATA_DIR
from explorer.models.base import RowCache
from explorer.models.minilm import SentenceEmbedder
from explorer.phrases import model_text

TOY_WEIGHTS = DATA_DIR / "toy_weights.npz"
TOY_AXIS_TITLES = ("casual → formal", "negative → positive")
TRAINING_SET = DATA_DIR / "toy_phrases.csv"
VALIDATION_SET = DATA_DIR / "toy_validation.csv"


@dataclass(frozen=True)
class LabelledPhrases:
    """Phrases with graded labels in [-1, 1]: ``labels[:, 0]`` formality, ``[:, 1]`` sentiment."""

    texts: list[str]
    labels: NDArray[np.float64]
    registers: list[str]


def load_labelled(path: Path = TRAINING_SET) -> LabelledPhrases:
    """Read a ``text,formality,sentiment,register`` CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"{path} holds no rows.")
    labels = np.array([[float(r["formality"]), float(r["sentiment"])] for r in rows])
    if np.abs(labels).max() > 1:
        raise ValueError(f"{path}: labels must lie in [-1, 1].")
    return LabelledPhrases(
        texts=[r["text"] for r in rows], labels=labels, registers=[r["register"] for r in rows]
    )


@dataclass(frozen=True)
class ToyWeights:
    """The toy model's parameters (see :class:`ToyEmbedder`)."""

    layers: tuple[int, ...]  # MiniLM layers whose features the heads read
    mean: NDArray[np.float32]  # (d,) mean feature row of the training set
    basis: NDArray[np.float32]  # (k, d) top principal directions, float16-exact
    anchors: NDArray[np.float32]  # (m, k) reduced training features, float16-exact
    dual: NDArray[np.float64]  # (m, 2) kernel ridge coefficients
    intercept: NDArray[np.float64]  # (2,)
    gamma: float
    scale: NDArray[np.float64]  # (2,)
    offset: NDArray[np.float64]  # (2,)

    def reduce(self, features: NDArray) -> NDArray[np.float64]:
        """Layer features in the principal-component coordinates the kernel reads."""
        return (np.asarray(features, dtype=np.float64) - self.mean) @ self.basis.T

    def raw(self, features: NDArray) -> NDArray[np.float64]:
        """The heads before calibration: kernel ridge predictions of arctanh targets."""
        return rbf_kernel(self.reduce(features), self.anchors, self.gamma) @ self.dual + (
            self.intercept
        )

    def predict(self, features: NDArray) -> NDArray[np.float64]:
        """Place phrases, given their layer features, on the square."""
        return np.tanh(self.scale * self.raw(features) + self.offset)

    @classmethod
    def load(cls, path: Path = TOY_WEIGHTS) -> ToyWeights:
        """Read weights written by :meth:`save`."""
        with np.load(path) as saved:
            return cls(
                layers=tuple(int(layer) for layer in saved["layers"]),
                mean=saved["mean"].astype(np.float32),
                basis=saved["basis"].astype(np.float32),
                anchors=saved["anchors"].astype(np.float32),
                dual=saved["dual"].astype(np.float64),
                intercept=saved["intercept"].astype(np.float64),
                gamma=float(saved["gamma"]),
                scale=saved["scale"].astype(np.float64),
                offset=saved["offset"].astype(np.float64),
            )

    def save(self, path: Path = TOY_WEIGHTS) -> None:
        np.savez_compressed(
            path,
            layers=np.array(self.layers, dtype=np.int8),
            mean=self.mean.astype(np.float32),
            basis=self.basis.astype(np.float16),
            anchors=self.anchors.astype(np.float16),
            dual=self.dual.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            gamma=np.float32(self.gamma),
            scale=self.scale.astype(np.float32),
            offset=self.offset.astype(np.float32),
        )


def rbf_kernel(vectors: NDArray, anchors: NDArray, gamma: float) -> NDArray[np.float64]:
    """``exp(-gamma * |x - a|^2)`` for every row pair."""
    x = np.asarray(vectors, dtype=np.float64)
    a = np.asarray(anchors, dtype=np.float64)
    squared = (x**2).sum(1)[:, None] + (a**2).sum(1)[None, :] - 2 * x @ a.T
    return np.exp(-gamma * np.clip(squared, 0, None))


class ToyEmbedder:
    """The article's 2-D model: x = formality, y = sentiment, each in [-1, 1].

    Two kernel ridge heads read MiniLM's hidden layers (mean-pooled, see
    :meth:`SentenceEmbedder.layer_features`); a fitted ``tanh`` calibration
    spreads their outputs over the square. Weights are shipped in
    ``explorer/data/toy_weights.npz`` and made by ``python -m explorer.models.toy_train``.
    Each phrase's place is cached, so adding a phrase places only that one.

    Example:
        >>> from explorer.models import load_model
        >>> toy = load_model("toy")
        >>> x, y = toy.encode(["Dear Sir, we regret to decline your offer."])[0]
        >>> bool(x > 0 and y < 0)
        True
    """

    name = "toy"
    dim = 2
    axis_titles: tuple[str, str] | None = TOY_AXIS_TITLES

    def __init__(self, base: SentenceEmbedder, weights_path: Path = TOY_WEIGHTS) -> None:
        if not weights_path.exists():
            raise ValueError(
                f"Toy model weights not found at {weights_path}; "
                "run `python -m explorer.models.toy_train` to fit them."
            )
        self.weights = ToyWeights.load(weights_path)
        expected = len(self.weights.layers) * base.dim
        if self.weights.basis.shape[1] != expected:
            raise ValueError(
                f"Toy weights expect {self.weights.basis.shape[1]}-d input, "
                f"the base model {base.name!r} gives {expected}-d."
            )
        self.base = base
        self._cache = RowCache(self.dim)

    def encode(self, phrases: list[str]) -> NDArray[np.float32]:
        """Place phrases on the formality/sentiment square."""
        return self._cache.rows(
            [model_text(p) for p in phrases], lambda texts: self.heads(self.features(texts))
        )

    def features(self, phrases: list[str]) -> NDArray[np.float32]:
        """What the heads read: the base model's layer features for the weights' layers."""
        return self.base.layer_features(phrases, layers=self.weights.layers)

    def heads(self, features: NDArray[np.float32]) -> NDArray[np.float32]:
        """Apply the two calibrated heads to :meth:`features` rows."""
        return self.weights.predict(features).astype(np.float32)
