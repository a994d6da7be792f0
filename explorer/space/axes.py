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
how much (``axis_cosine``, ``out_of_plane``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from explorer.config import (
    AXES_COSINE_WARNING,
    AXES_MAX_POLE_PHRASES,
    AXES_MIN_DIRECTION,
    DATA_DIR,
    HOVER_CHARS,
    LABEL_CHARS,
    MODEL_TITLES,
    RANK_CORRELATION_MIN_PHRASES,
)
from explorer.models import Embedder, load_model
from explorer.phrases import parse_phrases, shorten
from explorer.presets import ARTICLE_PHRASES

#: A pole pair: (phrases of the first pole, phrases of the second pole).
PolePair = tuple[Sequence[str], Sequence[str]]
#: How messages name each axis's two ends.
POLE_ENDS = {"x": ("left", "right"), "y": ("bottom", "top")}
TOY_VALIDATION = DATA_DIR / "toy_validation.csv"
#: The toy model's axes, as columns of its validation set.
TOY_LABEL_COLUMNS = ("formality", "sentiment")


@dataclass(frozen=True)
class AxesPreset:
    """Ready-made poles for both axes, with example phrases that spread along them.

    Attributes:
        label: what the preset selector shows.
        x_names, y_names: short names of each axis's (first, second) pole.
        x_poles, y_poles: (first pole phrases, second pole phrases).
        phrases: example phrases to place on these axes.
        toy_axes: whether these are the article's axes, which the trained toy
            model also has (x: casual → formal, y: negative → positive).
    """

    label: str
    x_names: tuple[str, str]
    x_poles: tuple[tuple[str, ...], tuple[str, ...]]
    y_names: tuple[str, str]
    y_poles: tuple[tuple[str, ...], tuple[str, ...]]
    phrases: tuple[str, ...]
    toy_axes: bool = False


# Each pole's phrases differ from the other pole's in the axis's quality only:
# the formality poles mix moods, the sentiment poles mix registers, so neither
# axis picks up the other.
AXES_PRESETS: dict[str, AxesPreset] = {
    "article": AxesPreset(
        label="The article's axes: casual ↔ formal, negative ↔ positive",
        x_names=("casual", "formal"),
        x_poles=(
            (
                "hey what's up",
                "lol that's so funny",
                "gonna grab food, u coming?",
                "nah i'm good thx",
                "ugh my phone died again",
                "omg no way dude",
            ),
            (
                "Dear Sir or Madam, I am writing to inform you of a change.",
                "We hereby acknowledge receipt of your application.",
                "Please find attached the report for your review.",
                "The committee will convene at 10 a.m. on Monday.",
                "We regret to inform you that the meeting has been cancelled.",
                "Kindly confirm your attendance at your earliest convenience.",
            ),
        ),
        y_names=("negative", "positive"),
        y_poles=(
            (
                "This is terrible and I hate it.",
                "What a disappointing, awful experience.",
                "I'm so sad and angry right now.",
                "The service was rude and the food was cold.",
                "Unfortunately, the project was a complete failure.",
            ),
            (
                "This is wonderful and I love it.",
                "What a delightful, excellent experience.",
                "I'm so happy and grateful right now.",
                "The staff were kind and the food was delicious.",
                "Fortunately, the project was a complete success.",
            ),
        ),
        phrases=(
            *ARTICLE_PHRASES,
            "Thank you so much for your kind help!",
            "this movie was trash lol",
            "The meeting is postponed until further notice.",
            "We are delighted to welcome you to the team.",
            "ugh worst day ever",
        ),
        toy_axes=True,
    ),
    "time_price": AxesPreset(
        label="past ↔ future, cheap ↔ expensive",
        x_names=("past", "future"),
        x_poles=(
            (
                "Yesterday we walked through the old town.",
                "Back in 1920 people travelled by steam train.",
                "She had already finished the work last week.",
                "In ancient times the city was a small village.",
                "I remember when we were kids.",
            ),
            (
                "Tomorrow we will walk through the new town.",
                "By 2080 people will travel by hyperloop.",
                "She will finish the work next week.",
                "In the coming centuries the city will grow.",
                "One day our kids will remember this.",
            ),
        ),
        y_names=("cheap", "expensive"),
        y_poles=(
            (
                "a budget motel room for one night",
                "bargain sneakers on sale",
                "instant noodles for dinner",
                "a second-hand bike for twenty dollars",
                "free samples at the supermarket",
            ),
            (
                "a luxury penthouse suite for one night",
                "designer leather shoes from Milan",
                "a tasting menu at a three-star restaurant",
                "a brand-new sports car for two hundred thousand dollars",
                "a private jet charter",
            ),
        ),
        phrases=(
            "a vintage pocket watch from 1890",
            "renting a cheap flat next year",
            "the medieval king's golden crown",
            "a luxury hotel on Mars in 2150",
            "a penny sweet from my childhood",
            "saving up for a flying car someday",
            "yesterday's half-price sandwich",
            "an ancient Roman coin worth a fortune",
        ),
    ),
    "work_outdoors": AxesPreset(
        label="work ↔ leisure, indoors ↔ outdoors",
        x_names=("work", "leisure"),
        x_poles=(
            (
                "a meeting with the finance team",
                "answering emails at the office",
                "finishing the quarterly report",
                "a job interview",
                "a deadline at work",
            ),
            (
                "relaxing on a day off",
                "playing games with friends",
                "a lazy Sunday afternoon",
                "watching a film for fun",
                "a holiday at the beach",
            ),
        ),
        y_names=("indoors", "outdoors"),
        y_poles=(
            (
                "sitting in the living room",
                "inside the house",
                "in a room with the curtains drawn",
                "under the roof at home",
                "in the kitchen",
            ),
            (
                "walking in the open air",
                "outside in the garden",
                "under the open sky",
                "out in the fields",
                "in the park",
            ),
        ),
        phrases=(
            "hiking up a mountain trail",
            "a board game night at home",
            "a conference call from my desk",
            "inspecting a construction site",
            "reading a novel in bed",
            "surveying crops on a farm",
            "a picnic by the lake",
            "filing tax forms at the kitchen table",
        ),
    ),
    "overlap": AxesPreset(
        label="Two axes that overlap: negative ↔ positive, sad ↔ happy",
        x_names=("negative", "positive"),
        x_poles=(
            (
                "This is terrible and I hate it.",
                "What a disappointing, awful experience.",
                "The service was rude and the food was cold.",
                "Unfortunately, the project was a complete failure.",
            ),
            (
                "This is wonderful and I love it.",
                "What a delightful, excellent experience.",
                "The staff were kind and the food was delicious.",
                "Fortunately, the project was a complete success.",
            ),
        ),
        y_names=("sad", "happy"),
        y_poles=(
            ("I feel sad", "tears and grief", "heartbroken and lonely", "a gloomy day", "sorrow"),
            ("I feel happy", "laughter and joy", "cheerful and loved", "a sunny day", "delight"),
        ),
        phrases=(
            "I lost my keys again",
            "We won the championship!",
            "The soup was cold and bland.",
            "Grandma's funeral was today.",
            "Best pizza in town, highly recommend.",
            "I'm bored.",
        ),
    ),
}


def _pole_key(pole: Sequence[str]) -> tuple[str, ...]:
    # Cleaned as the phrase box cleans: blanks skipped, duplicates merged.
    return tuple(parse_phrases("\n".join(pole), max_phrases=sys.maxsize).phrases)


@lru_cache(maxsize=1)
def _named_axes() -> dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, str]]:
    named = {}
    for preset in AXES_PRESETS.values():
        for names, (first, second) in ((preset.x_names, preset.x_poles),
                                       (preset.y_names, preset.y_poles)):  # fmt: skip
            named[(_pole_key(first), _pole_key(second))] = names
    return named


def preset_for(x_poles: PolePair, y_poles: PolePair) -> str | None:
    """The name of the preset whose poles these are (blank lines ignored), else ``None``.

    Example:
        >>> article = AXES_PRESETS["article"]
        >>> preset_for(article.x_poles, article.y_poles)
        'article'
        >>> preset_for((["cat"], ["dog"]), article.y_poles) is None
        True
    """
    wanted = tuple(tuple(_pole_key(p) for p in pair) for pair in (x_poles, y_poles))
    for name, preset in AXES_PRESETS.items():
        poles = (preset.x_poles, preset.y_poles)
        if wanted == tuple(tuple(_pole_key(p) for p in pair) for pair in poles):
            return name
    return None


def _pole_name(pole: tuple[str, ...]) -> str:
    more = f" (+{len(pole) - 1})" if len(pole) > 1 else ""
    return f"“{shorten(pole[0], LABEL_CHARS)}”{more}"


def pole_names(first: Sequence[str], second: Sequence[str]) -> tuple[str, str]:
    """Short names of an axis's two poles: a preset's names, else each pole's first phrase.

    Not escaped: figures escape them.

    Example:
        >>> pole_names(*AXES_PRESETS["time_price"].x_poles)
        ('past', 'future')
        >>> pole_names(["old", "ancient"], ["new"])
        ('“old” (+1)', '“new”')
    """
    key = (_pole_key(first), _pole_key(second))
    names = _named_axes().get(key)
    if names is not None:
        return names
    return _pole_name(key[0]), _pole_name(key[1])


def axis_title(first: Sequence[str], second: Sequence[str]) -> str:
    """Name an axis by its poles, from the first to the second.

    Example:
        >>> axis_title(*AXES_PRESETS["time_price"].x_poles)
        'past → future'
    """
    return " → ".join(pole_names(first, second))


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


def _clean_poles(poles: PolePair, axis: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ends = POLE_ENDS[axis]
    if isinstance(poles, str) or not isinstance(poles, Sequence) or len(poles) != 2:
        raise ValueError(
            f"{axis}_poles must be a pair (first pole phrases, second pole phrases), "
            f"got {poles!r:.80}."
        )
    cleaned = []
    for end, pole in zip(ends, poles, strict=True):
        items = [pole] if isinstance(pole, str) else list(pole)
        if not all(isinstance(item, str) for item in items):
            raise ValueError(f"The {axis} axis's {end} pole must hold phrases (strings).")
        phrases = _pole_key(items) if items else ()
        if not phrases:
            raise ValueError(
                f"The {axis} axis's {end} pole is empty; give it at least one phrase or "
                "word, one per line."
            )
        if len(phrases) > AXES_MAX_POLE_PHRASES:
            raise ValueError(
                f"The {axis} axis's {end} pole has {len(phrases)} phrases; at most "
                f"{AXES_MAX_POLE_PHRASES} are allowed. Keep the few that best show that end."
            )
        cleaned.append(phrases)
    shared = [p for p in cleaned[0] if p in cleaned[1]]
    if shared:
        raise ValueError(
            f"“{shorten(shared[0], LABEL_CHARS)}” is in both poles of the {axis} axis; a "
            "phrase can be at one end only. Remove it from one pole."
        )
    return cleaned[0], cleaned[1]


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
    poles = {axis: _clean_poles(pair, axis) for axis, pair in (("x", x_poles), ("y", y_poles))}
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


def rank_correlation(first: Sequence[float], second: Sequence[float]) -> float | None:
    """Spearman rank correlation, or ``None`` below ``RANK_CORRELATION_MIN_PHRASES``
    values or when either side is constant.

    Example:
        >>> rank_correlation([1, 2, 3, 4], [10, 20, 40, 30])
        0.8
        >>> rank_correlation([1, 2], [1, 2]) is None
        True
    """
    from scipy.stats import spearmanr

    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if len(a) != len(b):
        raise ValueError(f"Rank correlation needs two equal-length lists, got {len(a)}, {len(b)}.")
    if len(a) < RANK_CORRELATION_MIN_PHRASES or np.ptp(a) == 0 or np.ptp(b) == 0:
        return None
    return round(float(spearmanr(a, b).statistic), 12)


@lru_cache(maxsize=1)
def toy_validation_set() -> pd.DataFrame:
    """The toy model's validation phrases with their graded human labels (never trained on)."""
    return pd.read_csv(TOY_VALIDATION)


@dataclass(frozen=True)
class ToyAgreement:
    """How well pole-based placement agrees with the trained toy model, per axis (x, y).

    Spearman rank correlations; ``None`` where there are too few phrases.

    Attributes:
        phrases: pole placement vs the toy model on the given phrases.
        phrase_count: how many phrases that is.
        validation: pole placement vs the toy model on the toy model's
            validation set (fixed phrases, a reference figure).
        validation_labels: pole placement vs the validation set's human labels.
        toy_labels: the toy model vs those labels, for reference.
        validation_count: phrases in the validation set.
    """

    phrases: tuple[float | None, float | None]
    phrase_count: int
    validation: tuple[float | None, float | None]
    validation_labels: tuple[float | None, float | None]
    toy_labels: tuple[float | None, float | None]
    validation_count: int

    def table(self, axis_titles: tuple[str, str]) -> pd.DataFrame:
        """One row per axis, one column per comparison."""
        return pd.DataFrame(
            {
                "axis": [f"x ({axis_titles[0]})", f"y ({axis_titles[1]})"],
                f"your {self.phrase_count} phrases: poles vs toy model": list(self.phrases),
                f"validation set ({self.validation_count}): poles vs toy model": list(
                    self.validation
                ),
                "validation set: poles vs human labels": list(self.validation_labels),
                "validation set: toy model vs human labels": list(self.toy_labels),
            }
        )


def toy_agreement(
    result: AxisProjection, phrases: Sequence[str], *, toy: str | Embedder = "toy"
) -> ToyAgreement:
    """Rank-correlate pole placement with the trained toy model, axis by axis.

    Meaningful for poles that mean what the toy axes mean (x: casual → formal,
    y: negative → positive), e.g. the ``"article"`` preset.

    Args:
        result: pole placement of ``phrases`` (from :func:`axis_projection`).
        phrases: the phrases ``result`` placed, in order.
        toy: the toy model (its base model must be ``result``'s model).

    Example:
        >>> article = AXES_PRESETS["article"]
        >>> phrases = list(article.phrases)
        >>> result = axis_projection(phrases, x_poles=article.x_poles, y_poles=article.y_poles)
        >>> agreement = toy_agreement(result, phrases)
        >>> all(r > 0.5 for r in agreement.validation)  # same order, mostly
        True
    """
    toy_model = load_model(toy) if isinstance(toy, str) else toy
    if toy_model.dim != 2:
        raise ValueError(f"The toy model must be 2-D, got {toy_model.name!r} ({toy_model.dim}-d).")
    if len(phrases) != len(result.coords):
        raise ValueError(
            f"Got {len(phrases)} phrases for {len(result.coords)} placed vectors; "
            "give the phrases that were placed, in order."
        )
    toy_coords = np.asarray(toy_model.encode(list(phrases)), dtype=float)
    validation = toy_validation_set()
    texts = validation["text"].tolist()
    placed = result.place(result.embedder.encode(texts))
    toy_placed = np.asarray(toy_model.encode(texts), dtype=float)
    labels = validation[list(TOY_LABEL_COLUMNS)].to_numpy(dtype=float)

    def per_axis(first: NDArray, second: NDArray) -> tuple[float | None, float | None]:
        x, y = (rank_correlation(first[:, k], second[:, k]) for k in range(2))
        return x, y

    return ToyAgreement(
        phrases=per_axis(result.coords, toy_coords),
        phrase_count=len(phrases),
        validation=per_axis(placed, toy_placed),
        validation_labels=per_axis(placed, labels),
        toy_labels=per_axis(toy_placed, labels),
        validation_count=len(texts),
    )
