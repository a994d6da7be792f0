"""Everything one picture needs: phrases -> vectors -> 2-D coordinates -> distances.

A scene can carry a 3-D view as well (``view="3d"``): the same vectors projected
to three components, for :mod:`explorer.figures.playground_3d`.

:func:`build_scene` is the one place where a set of phrases becomes a map. The
Playground page draws a :class:`Scene`; :func:`explorer.plot` turns one into a
Plotly figure for a notebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from explorer.config import (
    ALL_PAIRS_MAX,
    HOVER_CHARS,
    LABELLED_LINES_MAX,
    METRICS,
    NEAR_TIE_RATIO,
    RANDOM_PAIR_QUANTILE,
    TOY_DISTANCE_AXES,
    VIEWS,
)
from explorer.models import Embedder, load_model
from explorer.phrases import markdown_escape, shorten
from explorer.space.distances import (
    NearestAnswer,
    distances,
    nearest,
    nearest_answer,
    nearest_neighbors,
)
from explorer.space.projection import compute_projection

LINE_DISTANCES = ("model", "map")
#: The column of a 2-D model's vectors each one-axis distance reads.
AXIS_COLUMNS = {"formality": 0, "tone": 1}


@dataclass(frozen=True)
class Scene:
    """Phrases placed on a 2-D map, with the distances to draw.

    Attributes:
        phrases: the phrases, in order.
        model_name: the model's name; ``model_dim`` its number of dimensions.
        vectors: ``(n, model_dim)`` embeddings.
        coords: ``(n, 2)`` map coordinates (the vectors themselves for a 2-D model).
        axis_titles: titles of the map's axes.
        method: projection used (``"identity"`` when the model is 2-D).
        explained_variance: PCA's share of variance per axis, else ``None``.
        metric: how ``true_distances`` were measured.
        true_distances: ``(n, n)`` distances in the model's own space.
        map_distances: ``(n, n)`` Euclidean distances between the points as drawn.
        line_distances: ``"model"`` when line labels give true distances,
            ``"map"`` when they give distances as drawn.
        selected: the phrase the user picked, or ``None``.
        lines: pairs ``(i, j)`` joined by a dashed line.
        labelled: those of ``lines`` whose ``d=`` label is written on the map.
        notices: sentences for the user (fallbacks, degenerate pictures).
        axes: for a 2-D model, what distances are measured on: ``"both"`` axes
            (Euclidean on the plane), ``"tone"`` or ``"formality"`` alone.
        coords_3d: ``(n, 3)`` coordinates of the 3-D view, or ``None`` (2-D only).
            The answer, the pair table and the exports read the 2-D map and the
            model's space, never these.
        axis_titles_3d: titles of the 3-D view's axes (``()`` without one).
    """

    phrases: list[str]
    model_name: str
    model_dim: int
    vectors: NDArray[np.float32]
    coords: NDArray[np.float64]
    axis_titles: tuple[str, str]
    method: str
    explained_variance: tuple[float, float] | None
    metric: str
    true_distances: NDArray[np.float64]
    map_distances: NDArray[np.float64]
    line_distances: str
    selected: int | None
    lines: list[tuple[int, int]]
    labelled: list[tuple[int, int]]
    notices: list[str] = field(default_factory=list)
    axes: str = "both"
    coords_3d: NDArray[np.float64] | None = None
    axis_titles_3d: tuple[str, ...] = ()

    @property
    def view(self) -> str:
        """``"3d"`` when the scene carries a 3-D view, else ``"2d"``."""
        return "2d" if self.coords_3d is None else "3d"

    @property
    def is_projected(self) -> bool:
        """Whether the map is a projection (a shadow) rather than the space itself."""
        return self.method != "identity"

    @property
    def focus(self) -> int | None:
        """The phrase the article's question is asked about: selected, else the last."""
        if not self.phrases:
            return None
        return self.selected if self.selected is not None else len(self.phrases) - 1

    @property
    def true_space(self) -> str:
        """Where true distances are measured, in words."""
        if self.is_projected:
            return f"{METRICS[self.metric].lower()} distance in all {self.model_dim} dimensions"
        if self.axes != "both":
            return f"distance on {TOY_DISTANCE_AXES[self.axes]}"
        return f"{METRICS[self.metric].lower()} distance on the plane"

    @property
    def line_space(self) -> str:
        """What the ``d=`` labels on lines measure, in words."""
        if self.line_distances == "map":
            return "Euclidean distance as drawn in 2-D"
        return self.true_space

    def line_distance(self, i: int, j: int) -> float:
        """The number written on the line between ``i`` and ``j``."""
        matrix = self.map_distances if self.line_distances == "map" else self.true_distances
        return float(matrix[i, j])

    def answer(self) -> NearestAnswer | None:
        """Which phrase is nearest to the focus phrase, in the model's own space."""
        focus = self.focus
        return None if focus is None else nearest_answer(self.true_distances, focus)

    def answer_text(self, *, random_similarity: float | None = None) -> str | None:
        """The article's question answered in Markdown (phrases escaped).

        It names no winner when the runner-up is within ``NEAR_TIE_RATIO`` of
        the nearest, or (cosine, with ``random_similarity``: the similarity that
        ``RANDOM_PAIR_QUANTILE`` of random phrase pairs stay below) when even
        the nearest is no more similar than random pairs usually are.
        ``None`` with fewer than two phrases.

        Example:
            >>> from explorer.models.imported import ImportedEmbedder
            >>> plane = ImportedEmbedder(["a", "b", "c"], [[0, 0], [1, 0], [0.52, 1]])
            >>> text = build_scene(["a", "b", "c"], model=plane).answer_text()
            >>> text.startswith("Nearest to **“c”** are **“b”** (d=1.11) and **“a”** (d=1.13)")
            True
            >>> text.endswith("so neither is clearly nearer.")
            True
        """
        answer = self.answer()
        if answer is None:
            return None

        def name(i: int) -> str:
            return f"“{markdown_escape(shorten(self.phrases[i], HOVER_CHARS))}”"

        if answer.ratio is not None and answer.ratio < NEAR_TIE_RATIO:
            return (
                f"Nearest to **{name(answer.index)}** are **{name(answer.nearest)}** "
                f"(d={answer.distance:.2f}) and **{name(answer.runner_up)}** "
                f"(d={answer.runner_up_distance:.2f}) about equally: they differ by less "
                f"than {NEAR_TIE_RATIO - 1:.0%} ({self.true_space}), so neither is clearly "
                "nearer."
            )
        if (
            random_similarity is not None
            and self.metric == "cosine"
            and 1.0 - answer.distance <= random_similarity
        ):
            return (
                f"No phrase is really near **{name(answer.index)}**: the most similar, "
                f"{name(answer.nearest)}, has cosine similarity {1.0 - answer.distance:.2f} "
                f"(d={answer.distance:.2f}), within the range of random pairs of phrases "
                f"({RANDOM_PAIR_QUANTILE:.0%} of them stay below {random_similarity:.2f}). "
                "To this model these phrases are about as unrelated as any."
            )
        text = (
            f"Nearest to **{name(answer.index)}** is **{name(answer.nearest)}**, "
            f"at d={answer.distance:.2f} ({self.true_space})."
        )
        if answer.runner_up is not None and answer.runner_up_distance is not None:
            text += f" Next is {name(answer.runner_up)} at d={answer.runner_up_distance:.2f}"
            ratio = answer.ratio
            text += f", {ratio:.1f}× as far." if ratio is not None else "."
        return text

    def pair_table(self) -> pd.DataFrame:
        """One row per pair, nearest pair first.

        For a projected map: the true distance (all dimensions), the distance as
        drawn in 2-D, and the rank of each, so distortion shows. For a 2-D
        model the two are the same, so one distance column.
        """
        pairs = list(combinations(range(len(self.phrases)), 2))
        first = [self.phrases[i] for i, _ in pairs]
        second = [self.phrases[j] for _, j in pairs]
        true = [float(self.true_distances[i, j]) for i, j in pairs]
        if not self.is_projected:
            table = pd.DataFrame({"phrase A": first, "phrase B": second, "distance": true})
            return table.sort_values("distance", kind="stable").reset_index(drop=True)
        drawn = [float(self.map_distances[i, j]) for i, j in pairs]
        table = pd.DataFrame(
            {"phrase A": first, "phrase B": second, "true distance": true, "drawn in 2-D": drawn}
        )
        table["rank (true)"] = table["true distance"].rank(method="min").astype(int)
        table["rank (drawn)"] = table["drawn in 2-D"].rank(method="min").astype(int)
        return table.sort_values(["true distance", "rank (drawn)"], kind="stable").reset_index(
            drop=True
        )


def choose_lines(
    true_distances: NDArray, selected: int | None
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Pick which pairs get a dashed line, and which of those get a label.

    Up to ``ALL_PAIRS_MAX`` phrases: every pair. More: lines from the selected
    phrase to all others (its nearest ``LABELLED_LINES_MAX`` labelled), or,
    with nothing selected, from each phrase to its nearest neighbour.

    Example:
        >>> lines, labelled = choose_lines(distances([[0, 0], [1, 0], [3, 0]]), None)
        >>> lines
        [(0, 1), (0, 2), (1, 2)]
    """
    n = len(true_distances)
    if n <= ALL_PAIRS_MAX:
        pairs = list(combinations(range(n), 2))
        return pairs, pairs
    if selected is not None:
        order = nearest_neighbors(true_distances, selected)
        lines = [tuple(sorted((selected, j))) for j in order]
        return lines, lines[:LABELLED_LINES_MAX]  # type: ignore[return-value]
    nearest_index = nearest(true_distances)
    pairs = sorted({tuple(sorted((i, int(j)))) for i, j in enumerate(nearest_index)})
    return pairs, pairs  # type: ignore[return-value]


def build_scene(
    phrases: list[str],
    *,
    model: str | Embedder = "toy",
    method: str = "pca",
    metric: str = "euclidean",
    selected: int | None = None,
    line_distances: str = "model",
    axes: str = "both",
    random_state: int = 0,
    view: str = "2d",
) -> Scene:
    """Embed phrases, place them on a 2-D map and choose the distance lines.

    Args:
        phrases: distinct phrases (see :func:`explorer.phrases.parse_phrases`).
        model: a model name for :func:`explorer.load_model`, or a loaded model.
        method: projection for models of more than 2 dimensions.
        metric: ``"euclidean"`` or ``"cosine"``, measured in the model's space.
        selected: index of the phrase the user picked, if any.
        line_distances: ``"model"`` to label lines with true distances,
            ``"map"`` with distances as drawn.
        axes: for a 2-D model with meaningful axes (the toy model), measure
            distances on ``"both"`` axes, on ``"tone"`` alone or on
            ``"formality"`` alone.
        random_state: seed of the projection (of the 3-D view's too).
        view: ``"3d"`` also projects the vectors to 3 components with the same
            method, metric and seed (``Scene.coords_3d``); the 2-D map, the
            answer and the pair table stay as they are. Needs 3 or more dimensions.

    Raises:
        ValueError: no phrases, a bad option, an unknown model, or a 3-D view
            of 2-D vectors.

    Example:
        >>> scene = build_scene(["a cat", "a dog", "a car"], model="minilm")
        >>> scene.coords.shape, scene.axis_titles[0].startswith("PC1")
        ((3, 2), True)
        >>> build_scene(["a cat", "a dog", "a car"], model="minilm", view="3d").coords_3d.shape
        (3, 3)
    """
    if not phrases:
        raise ValueError("No phrases given; type at least one phrase, one per line.")
    if line_distances not in LINE_DISTANCES:
        raise ValueError(
            f"line_distances must be one of {', '.join(LINE_DISTANCES)}, got {line_distances!r}."
        )
    if selected is not None and not 0 <= selected < len(phrases):
        raise ValueError(
            f"Selected phrase {selected} does not exist; there are {len(phrases)} phrases."
        )
    if axes not in TOY_DISTANCE_AXES:
        raise ValueError(f"axes must be one of {', '.join(TOY_DISTANCE_AXES)}, got {axes!r}.")
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {view!r}.")
    embedder = load_model(model) if isinstance(model, str) else model
    if view == "3d" and embedder.dim < 3:
        raise ValueError(
            f"A 3-D view needs vectors of at least 3 dimensions; {embedder.name!r} has "
            f"{embedder.dim}, so its 2-D map is its whole space. Use view='2d'."
        )
    if axes != "both" and (embedder.dim != 2 or embedder.axis_titles is None):
        raise ValueError(
            f"Distance on one axis needs a 2-D model whose axes mean something (the toy "
            f"model); {embedder.name!r} has {embedder.dim} dimensions. Use axes='both'."
        )
    vectors = embedder.encode(list(phrases))
    if axes == "both":
        true_distances = distances(vectors, metric=metric)
    else:
        column = np.asarray(vectors, dtype=np.float64)[:, AXIS_COLUMNS[axes]]
        true_distances = np.abs(column[:, None] - column[None, :])
    projection = compute_projection(
        vectors, method=method, metric=metric, random_state=random_state
    )
    axis_titles = embedder.axis_titles or projection.axis_titles
    lines, labelled = choose_lines(true_distances, selected)
    notices = [projection.notice] if projection.notice else []
    coords_3d, axis_titles_3d = None, ()
    if view == "3d":
        # The method the 2-D map used: where UMAP or t-SNE fell back to PCA (too
        # few phrases), the 3-D view does too, without a second notice.
        depth = compute_projection(
            vectors,
            method=projection.method,
            metric=metric,
            random_state=random_state,
            n_components=3,
        )
        coords_3d, axis_titles_3d = depth.coords, depth.axis_titles
    return Scene(
        phrases=list(phrases),
        model_name=embedder.name,
        model_dim=embedder.dim,
        vectors=vectors,
        coords=projection.coords,
        axis_titles=axis_titles,
        method=projection.method,
        explained_variance=projection.explained_variance,
        metric=metric,
        true_distances=true_distances,
        map_distances=distances(projection.coords),
        line_distances=line_distances,
        selected=selected,
        lines=lines,
        labelled=labelled,
        notices=notices,
        axes=axes,
        coords_3d=coords_3d,
        axis_titles_3d=tuple(axis_titles_3d),
    )
