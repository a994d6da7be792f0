"""Toy vs real: the same phrases in the toy model's readable square and in the real model.

The toy model has two axes that mean something; the real model has hundreds
that nobody can read. :func:`compare_spaces` places the same phrases in both
and asks, for each phrase, whether the two spaces agree on which other phrase
is nearest. The toy model measures Euclidean distance on its plane; the real
model is measured in all its dimensions (cosine, ``COMPARE_REAL_METRIC``), never
on its 2-D projection.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from explorer.config import COMPARE_REAL_METRIC, METRICS
from explorer.models import Embedder, load_model
from explorer.space.distances import nearest
from explorer.space.scene import Scene, build_scene

SPACES = ("toy", "real")


@dataclass(frozen=True)
class Comparison:
    """The same phrases in two spaces, and where they agree.

    Attributes:
        toy: the toy model's scene (its 2-D space itself, Euclidean distance).
        real: the real model's scene (distances in all its dimensions,
            coordinates from a 2-D projection).
        toy_nearest: per phrase, the index of its nearest other phrase in the
            toy space (-1 when alone).
        real_nearest: the same in the real model's full space.
    """

    toy: Scene
    real: Scene
    toy_nearest: NDArray[np.int64]
    real_nearest: NDArray[np.int64]

    @property
    def phrases(self) -> list[str]:
        """The phrases, in order."""
        return self.toy.phrases

    @property
    def selected(self) -> int | None:
        """The phrase highlighted in both maps, or ``None``."""
        return self.toy.selected

    @property
    def agree(self) -> NDArray[np.bool_]:
        """Per phrase, whether both spaces name the same nearest neighbour."""
        return (self.toy_nearest == self.real_nearest) & (self.toy_nearest >= 0)

    @property
    def agreement_count(self) -> int:
        """On how many phrases the two spaces agree about the nearest neighbour."""
        return int(self.agree.sum())

    @property
    def real_space(self) -> str:
        """Where the real model's distances are measured, in words."""
        return self.real.true_space

    @property
    def toy_space(self) -> str:
        """Where the toy model's distances are measured, in words."""
        return "Euclidean distance on the toy model's 2-D plane"

    def scene(self, space: str) -> Scene:
        """The scene of ``"toy"`` or ``"real"``."""
        if space not in SPACES:
            raise ValueError(f"Unknown space {space!r}; choose one of {', '.join(SPACES)}.")
        return self.toy if space == "toy" else self.real

    def nearest_in(self, space: str) -> NDArray[np.int64]:
        """Per phrase, its nearest other phrase in ``"toy"`` or ``"real"`` space."""
        return self.toy_nearest if self.scene(space) is self.toy else self.real_nearest

    def summary(self) -> str:
        """The agreement in one plain sentence (no phrases quoted, so nothing to escape)."""
        n = len(self.phrases)
        if n < 2:
            return "Add a second phrase: a nearest neighbour needs at least two phrases."
        if n == 2:
            return (
                "With two phrases, each one's only neighbour is the other, so the two spaces "
                "cannot disagree; add a third phrase to compare them."
            )
        return (
            f"The two spaces agree on the nearest neighbour of {self.agreement_count} of {n} "
            f"phrases (toy: {self.toy_space}; real: {self.real_space})."
        )

    def table(self) -> pd.DataFrame:
        """One row per phrase: toy coordinates, nearest neighbour in each space, agreement.

        Column names say where each distance is measured.
        """
        x_title, y_title = self.toy.axis_titles
        real_label = f"real model ({self.real.model_dim}-d, {METRICS[self.real.metric].lower()})"

        def name(index: int) -> str | None:
            return self.phrases[index] if index >= 0 else None

        def distance(matrix: NDArray, i: int, j: int) -> float:
            return float(matrix[i, j]) if j >= 0 else float("nan")

        return pd.DataFrame(
            {
                "phrase": self.phrases,
                f"toy x ({x_title})": self.toy.coords[:, 0].astype(float),
                f"toy y ({y_title})": self.toy.coords[:, 1].astype(float),
                "nearest in toy (2-D plane)": [name(int(j)) for j in self.toy_nearest],
                "toy distance (Euclidean, plane)": [
                    distance(self.toy.true_distances, i, int(j))
                    for i, j in enumerate(self.toy_nearest)
                ],
                f"nearest in {real_label}": [name(int(j)) for j in self.real_nearest],
                f"{real_label} distance": [
                    distance(self.real.true_distances, i, int(j))
                    for i, j in enumerate(self.real_nearest)
                ],
                "agree": self.agree.tolist(),
            }
        )


def _only_lines_of(scene: Scene, selected: int | None) -> Scene:
    # A selected phrase shows its own distance lines in both maps, whatever the
    # number of phrases (the Playground draws every pair up to a few phrases).
    if selected is None:
        return scene
    lines = [pair for pair in scene.lines if selected in pair]
    labelled = [pair for pair in scene.labelled if selected in pair]
    return replace(scene, lines=lines, labelled=labelled)


def compare_spaces(
    phrases: list[str],
    *,
    toy: str | Embedder = "toy",
    real: str | Embedder = "minilm",
    method: str = "pca",
    selected: int | None = None,
    random_state: int = 0,
) -> Comparison:
    """Place phrases in the toy model and in the real model, and compare neighbours.

    Args:
        phrases: distinct phrases (see :func:`explorer.phrases.parse_phrases`).
        toy: the 2-D model whose axes mean something (a name or a loaded model).
        real: the many-dimensional model (a name or a loaded model).
        method: how the real model's map is projected: ``"pca"``, ``"umap"``, ``"tsne"``
            (UMAP and t-SNE keep cosine distance). Neighbours never depend on it:
            they are measured in all dimensions.
        selected: index of a phrase to highlight, with lines to all others, in both maps.
        random_state: seed of the projection.

    Raises:
        ValueError: no phrases, a bad option, an unknown model, or a toy model
            that is not 2-D.

    Example:
        >>> comparison = compare_spaces(["a cat", "a dog", "a truck", "a bus"])
        >>> comparison.real_nearest.tolist()  # the real model groups by topic
        [1, 0, 3, 2]
        >>> comparison.summary().split(" of ")[0]
        'The two spaces agree on the nearest neighbour'
    """
    toy_model = load_model(toy) if isinstance(toy, str) else toy
    real_model = load_model(real) if isinstance(real, str) else real
    if toy_model.dim != 2:
        raise ValueError(
            f"The toy side needs a 2-D model, got {toy_model.name!r} with {toy_model.dim} "
            "dimensions; use model 'toy'."
        )
    toy_scene = build_scene(phrases, model=toy_model, selected=selected)
    real_scene = build_scene(
        phrases,
        model=real_model,
        method=method,
        metric=COMPARE_REAL_METRIC,
        selected=selected,
        random_state=random_state,
    )
    return Comparison(
        toy=_only_lines_of(toy_scene, selected),
        real=_only_lines_of(real_scene, selected),
        toy_nearest=nearest(toy_scene.true_distances),
        real_nearest=nearest(real_scene.true_distances),
    )
