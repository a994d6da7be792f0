"""How well poles placed in the real model agree with the trained toy model.

The toy model has the article's two axes (x: casual → formal, y: negative →
positive), learnt from labelled phrases; poles that mean the same should order
phrases the same way. Compared by rank correlation, on the user's phrases and
on the toy model's validation set (never trained on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from explorer.config import RANK_CORRELATION_MIN_PHRASES
from explorer.models import Embedder, load_model
from explorer.models.toy import VALIDATION_SET
from explorer.space.axes import AxisProjection
from explorer.space.fidelity import spearman_rho

#: The toy model's axes, as columns of its validation set.
TOY_LABEL_COLUMNS = ("formality", "sentiment")


def rank_correlation(first: Sequence[float], second: Sequence[float]) -> float | None:
    """Spearman rank correlation, or ``None`` below ``RANK_CORRELATION_MIN_PHRASES``
    values or when either side is constant.

    Example:
        >>> rank_correlation([1, 2, 3, 4], [10, 20, 40, 30])
        0.8
        >>> rank_correlation([1, 2], [1, 2]) is None
        True
    """
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if len(a) != len(b):
        raise ValueError(f"Rank correlation needs two equal-length lists, got {len(a)}, {len(b)}.")
    if len(a) < RANK_CORRELATION_MIN_PHRASES:
        return None
    rho = spearman_rho(a, b)
    return None if rho is None else round(rho, 12)


@lru_cache(maxsize=1)
def toy_validation_set() -> pd.DataFrame:
    """The toy model's validation phrases with their graded human labels (never trained on)."""
    return pd.read_csv(VALIDATION_SET)


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
        >>> from explorer.presets import AXES_PRESETS
        >>> from explorer.space.axes import axis_projection
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
