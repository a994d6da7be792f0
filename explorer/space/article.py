"""The article's example, checked against the trained models: what it drew, and why ours differs.

The article draws phrase 3 ("Hey sorry can't make it tonight, something came
up") nearer phrase 1 than phrase 2, "because both involve cancelling something
with a slightly negative tone". The trained toy model reads phrase 3 as a
casual text message instead, and the real model finds all three nearly
unrelated. :func:`article_callout` computes every number of that story from the
models themselves, and :meth:`ArticleCallout.lines` only claims what those
numbers show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from explorer.config import RANDOM_PAIR_QUANTILE
from explorer.models import Embedder, load_model
from explorer.presets import ARTICLE_PHRASES, FORMAL_REWRITE
from explorer.space.distances import distances
from explorer.space.inside import cosine_baseline

#: The distances the article's drawing gives phrase 3: to phrase 1, to phrase 2.
ARTICLE_DRAWN = (0.78, 1.28)


@dataclass(frozen=True)
class ArticleCallout:
    """The article's three phrases measured by the toy and the real model.

    Attributes:
        coords: ``(3, 2)`` toy-model places of the article's phrases.
        both: phrase 3's toy distances to phrases 1 and 2 on both axes (Euclidean).
        tone: the same on the tone (negative → positive) axis alone.
        formal: the toy-model place of :data:`FORMAL_REWRITE`.
        real_similarity: phrase 3's cosine similarity to phrases 1 and 2 in the real model.
        random_similarity: the similarity ``RANDOM_PAIR_QUANTILE`` of random phrase
            pairs stay below, for the real model.
        real_dim: the real model's dimensions.
    """

    coords: NDArray[np.float64]
    both: tuple[float, float]
    tone: tuple[float, float]
    formal: tuple[float, float]
    real_similarity: tuple[float, float]
    random_similarity: float
    real_dim: int

    def lines(self) -> list[str]:
        """The callout in Markdown, one claim per line, each backed by the numbers above.

        Example:
            >>> callout = article_callout()
            >>> callout.lines()[0]
            'The article drew phrase 3 nearer phrase 1 (d=0.78) than phrase 2 (d=1.28).'
        """
        x3, y3 = self.coords[2]
        near_both = 1 if self.both[0] < self.both[1] else 2
        near_tone = 1 if self.tone[0] < self.tone[1] else 2
        register = "casual" if x3 < 0 else "formal"
        mood = "negative" if y3 < 0 else "positive"
        out = [
            f"The article drew phrase 3 nearer phrase 1 (d={ARTICLE_DRAWN[0]:.2f}) than "
            f"phrase 2 (d={ARTICLE_DRAWN[1]:.2f}).",
            f"This trained toy model places phrase 3 at ({x3:+.2f}, {y3:+.2f}): {register} "
            f"and {mood}. On both axes it is nearer phrase {near_both} "
            f"(d={self.both[0]:.2f} to phrase 1, d={self.both[1]:.2f} to phrase 2).",
        ]
        shift = self.formal[0] - x3
        if shift > 0:
            out.append(
                f"Why: its wording is casual. The same message written out "
                f"formally, “{FORMAL_REWRITE}”, lands at x={self.formal[0]:+.2f}, "
                f"{shift:.2f} further right (more formal)."
            )
        else:
            out.append(
                f"The same message written out formally, “{FORMAL_REWRITE}”, lands at "
                f"x={self.formal[0]:+.2f}, no further right: here the wording does not "
                "explain where phrase 3 lands."
            )
        agree = ", as the article argues" if near_tone == 1 else ", unlike the article"
        out.append(
            f"On tone only (negative → positive), phrase 3 is nearest phrase {near_tone}"
            f"{agree}: d={self.tone[0]:.2f} to phrase 1, d={self.tone[1]:.2f} to phrase 2."
        )
        low = max(self.real_similarity) <= self.random_similarity
        verdict = (
            f"within the range of random phrase pairs ({RANDOM_PAIR_QUANTILE:.0%} of them "
            f"stay below {self.random_similarity:.2f}): to it, the three are nearly unrelated"
            if low
            else f"above {RANDOM_PAIR_QUANTILE:.0%} of random phrase pairs "
            f"({self.random_similarity:.2f})"
        )
        out.append(
            f"The real model ({self.real_dim} dimensions) gives phrase 3 a cosine similarity "
            f"of {self.real_similarity[0]:.2f} to phrase 1 and {self.real_similarity[1]:.2f} "
            f"to phrase 2, {verdict}."
        )
        return out


def article_callout(*, toy: Embedder | None = None, real: Embedder | None = None) -> ArticleCallout:
    """Measure the article's three phrases with the toy and the real model.

    Args:
        toy: the 2-D model with meaningful axes (default: the trained toy model).
        real: the real model (default: all-MiniLM-L6-v2); its random-pair
            baseline is :func:`explorer.space.inside.cosine_baseline` of its name.

    Example:
        >>> callout = article_callout()
        >>> callout.tone[0] < callout.tone[1], callout.coords.shape
        (True, (3, 2))
    """
    toy = toy or load_model("toy")
    real = real or load_model("minilm")
    places = np.asarray(toy.encode([*ARTICLE_PHRASES, FORMAL_REWRITE]), dtype=np.float64)
    coords = places[:3]
    both = distances(coords)
    tone = np.abs(coords[:, 1, None] - coords[None, :, 1])
    similarity = 1.0 - distances(real.encode(list(ARTICLE_PHRASES)), metric="cosine")
    baseline = cosine_baseline(real.name)
    return ArticleCallout(
        coords=coords,
        both=(float(both[2, 0]), float(both[2, 1])),
        tone=(float(tone[2, 0]), float(tone[2, 1])),
        formal=(float(places[3, 0]), float(places[3, 1])),
        real_similarity=(float(similarity[2, 0]), float(similarity[2, 1])),
        random_similarity=baseline.quantile(RANDOM_PAIR_QUANTILE),
        real_dim=real.dim,
    )
