"""Your own axes: place phrases along directions that example phrases define (SemAxis).

An axis is two poles, each a few example phrases ("hey lol" ... vs "Dear Sir"
...). Its direction is the mean embedding of the second pole minus the mean of
the first, in the real model's full space. A phrase is placed by projecting its
vector on that direction, scaled so that the first pole's mean lands at -1 and
the second pole's mean at +1:

    t = 2 (v - m) · a / |a|²,   a = mean(second pole) - mean(first pole),
                                m = (mean(first pole) + mean(second pole)) / 2.

Two such axes are not orthogonal in general, and together they span a plane
holding only a small part of each 384-d vector: :class:`AxisProjection` says
how much (``axis_cosine``, ``out_of_plane``). Poles are checked and named in
:mod:`explorer.space.poles`; ready-made ones are in :data:`explorer.presets.AXES_PRESETS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from explorer.config import AXES_COSINE_WARNING, AXES_MIN_DIRECTION, HOVER_CHARS, MODEL_TITLES
from explorer.models import Embedder, load_model
from explorer.phrases import shorten
from explorer.space.poles import PolePair, axis_title, clean_poles


@dataclass(frozen=True)
class AxisProjection:
    """Phrases placed on two axes defined by poles, and how much those axes capture.

    Attributes:
        coords: ``(n, 2)`` positions; on each axis -1 is the first pole's mean
            embedding and +1 the second's.
        directions: ``(2, d)`` pole-difference directions (second mean - first mean).
        midpoints: ``(2, d)`` midpoints between each axis's two pole means.
        axis_cosine: cosine between the two directions (0 = orthogonal axes).
        out_of_plane: ``(n,)`` share of each vector's squared length outside
            the plane the two directions span (0 = in the plane, 1 = orthogonal to it).
        pole_coords: ``(2, 2, 2)`` positions of the pole means:
            ``pole_coords[axis, pole]`` is an (x, y) point.
        x_poles, y_poles: the cleaned pole phrases, (first, second) per axis.
        model_name: the model that embedded phrases and poles; ``model_dim`` its width.
        plane_dims: 2, or 1 when the two directions are parallel.
    """

    coords: NDArray[np.float64]
    directions: NDArray[np.float64]
    midpoints: NDArray[np.float64]
    axis_cosine: float
    out_of_plane: NDArray[np.float64]
    pole_coords: NDArray[np.float64]
    x_poles: tuple[tuple[str, ...], tuple[str, ...]]
    y_poles: tuple[tuple[str, ...], tuple[str, ...]]
    model_name: str
    model_dim: int
    plane_dims: int
    embedder: Embedder = field(repr=False, compare=False)

    @property
    def axis_titles(self) -> tuple[str, str]:
        """Axis titles from the poles (not escaped)."""
        return axis_title(*self.x_poles), axis_title(*self.y_poles)

    @property
    def model_title(self) -> str:
        """How the model is named in titles."""
        return MODEL_TITLES.get(self.model_name, self.model_name)

    @property
    def warning(self) -> str | None:
        """A sentence when the axes are far from orthogonal, else ``None``."""
        if abs(self.axis_cosine) <= AXES_COSINE_WARNING:
            return None
        return (
            f"The two axes are far from orthogonal: the cosine between their directions is "
            f"{self.axis_cosine:+.2f} (warning above ±{AXES_COSINE_WARNING}), so they "
            "measure partly the same thing and the map shows that shared part on both axes. "
            "Choose poles that differ in one quality each."
        )

    def place(self, vectors: NDArray) -> NDArray[np.float64]:
        """Place more vectors (same model) on these axes, as ``(n, 2)`` coordinates."""
        array = np.asarray(vectors, dtype=np.float64)
        if array.ndim != 2 or array.shape[1] != self.model_dim:
            raise ValueError(
                f"Expected vectors of shape (n, {self.model_dim}) from model "
                f"{self.model_name!r}, got shape {array.shape}."
            )
        return _place(array, self.directions, self.midpoints)

    def table(self, phrases: Sequence[str]) -> pd.DataFrame:
        """One row per phrase: its place on each axis and its share outside the axes' plane."""
        if len(phrases) != len(self.coords):
            raise ValueError(
                f"Got {len(phrases)} phrases for {len(self.coords)} placed vectors; "
                "give the phrases that were placed, in order."
            )
        x_title, y_title = self.axis_titles
        return pd.DataFrame(
            {
                "phrase": [shorten(p, HOVER_CHARS) for p in phrases],
                f"x ({x_title})": self.coords[:, 0],
                f"y ({y_title})": self.coords[:, 1],
                f"outside the axes' plane (share of the {self.model_dim}-d vector)": (
                    self.out_of_plane
                ),
            }
        )


def _place(
    vectors: NDArray[np.float64], directions: NDArray[np.float64], midpoints: NDArray[np.float64]
) -> NDArray[np.float64]:
    scale = 2.0 / (directions**2).sum(axis=1)
    offsets = (directions * midpoints).sum(axis=1)
    return (vectors @ directions.T - offsets) * scale


def _as_vectors(vectors: Sequence[str] | NDArray, embedder: Embedder) -> NDArray[np.float64]:
    if isinstance(vectors, str):
        raise ValueError("Give phrases as a list of strings, e.g. ['a cat', 'a dog'].")
    if isinstance(vectors, Sequence) and vectors and all(isinstance(v, str) for v in vectors):
        array = np.asarray(embedder.encode(list(vectors)), dtype=np.float64)
    else:
        array = np.asarray(vectors, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] == 0:
        raise ValueError(
            f"Expected phrases, or vectors of shape (n, {embedder.dim}) with n >= 1, "
            f"got shape {array.shape}."
        )
    if array.shape[1] != embedder.dim:
        raise ValueError(
            f"The vectors have {array.shape[1]} dimensions but model {embedder.name!r} gives "
            f"{embedder.dim}; embed the phrases with the model that embeds the poles."
        )
    if not np.isfinite(array).all():
        raise ValueError("Vectors contain NaN or infinite values; they cannot be placed.")
    norms = np.linalg.norm(array, axis=1)
    if (norms == 0).any():
        first = int(np.flatnonzero(norms == 0)[0])
        raise ValueError(
            f"Vector {first + 1} is all zeros: it has no direction to place on the axes."
        )
    return array


def axis_projection(
    vectors: Sequence[str] | NDArray,
    *,
    x_poles: PolePair,
    y_poles: PolePair,
    model: str | Embedder = "minilm",
) -> AxisProjection:
    """Place phrases on two axes, each defined by two poles of example phrases.

    Args:
        vectors: ``(n, d)`` embeddings from ``model``, or a list of phrases to embed.
        x_poles: ``(first pole, second pole)``, each a list of phrases or words
            (a single string is one phrase); the x axis runs from the first to the second.
        y_poles: the same for the y axis.
        model: the model that embeds the poles (a name or a loaded model).

    Returns:
        An :class:`AxisProjection`: coordinates, the cosine between the axes,
        each vector's share outside the axes' plane.

    Raises:
        ValueError: an empty pole, more than ``AXES_MAX_POLE_PHRASES`` phrases
            in a pole, a phrase in both poles of an axis, poles with the same
            mean (no direction), or vectors that do not fit the model.

    Example:
        >>> result = axis_projection(
        ...     ["Dear Sir, thank you kindly.", "ugh this sucks lol"],
        ...     x_poles=(["hey lol", "sup dude"], ["Dear Sir or Madam", "Yours faithfully"]),
        ...     y_poles=(["awful", "I hate it"], ["wonderful", "I love it"]),
        ... )
        >>> bool(result.coords[0, 0] > result.coords[1, 0])  # formal is further right
        True
        >>> bool(result.coords[0, 1] > result.coords[1, 1])  # and further up
        True
        >>> result.axis_titles
        ('“hey lol” (+1) → “Dear Sir or Madam” (+1)', '“awful” (+1) → “wonderful” (+1)')
    """
    embedder = load_model(model) if isinstance(model, str) else model
    poles = {axis: clean_poles(pair, axis) for axis, pair in (("x", x_poles), ("y", y_poles))}
    array = _as_vectors(vectors, embedder)

    means = np.zeros((2, 2, embedder.dim))
    for a, axis in enumerate(("x", "y")):
        for p, pole in enumerate(poles[axis]):
            means[a, p] = np.asarray(embedder.encode(list(pole)), dtype=np.float64).mean(axis=0)
    directions = means[:, 1] - means[:, 0]
    lengths = np.linalg.norm(directions, axis=1)
    for a, axis in enumerate(("x", "y")):
        scale = max(float(np.linalg.norm(means[a], axis=1).max()), 1e-12)
        if lengths[a] <= AXES_MIN_DIRECTION * scale:
            raise ValueError(
                f"The two poles of the {axis} axis have the same mean embedding, so they "
                "define no direction; give the poles phrases that differ in the quality the "
                "axis should measure."
            )
    midpoints = means.mean(axis=1)
    cosine = float(np.clip(directions[0] @ directions[1] / (lengths[0] * lengths[1]), -1, 1))

    # Orthonormal basis of the plane the two directions span (a line if parallel).
    q, r = np.linalg.qr((directions / lengths[:, None]).T)
    plane_dims = 2 if abs(r[1, 1]) > 1e-6 else 1
    basis = q[:, :plane_dims]
    inside = ((array @ basis) ** 2).sum(axis=1)
    out_of_plane = np.clip(1.0 - inside / (array**2).sum(axis=1), 0.0, 1.0)

    return AxisProjection(
        coords=_place(array, directions, midpoints),
        directions=directions,
        midpoints=midpoints,
        axis_cosine=cosine,
        out_of_plane=out_of_plane,
        pole_coords=_place(means.reshape(4, -1), directions, midpoints).reshape(2, 2, 2),
        x_poles=poles["x"],
        y_poles=poles["y"],
        model_name=embedder.name,
        model_dim=embedder.dim,
        plane_dims=plane_dims,
        embedder=embedder,
    )
