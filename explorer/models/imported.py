"""Vectors computed elsewhere, as a model: :class:`ImportedEmbedder` looks phrases up."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from explorer.config import LABEL_CHARS
from explorer.phrases import phrase_key, shorten


class ImportedEmbedder:
    """A model made of stored vectors: ``encode`` looks phrases up, never embeds.

    Satisfies :class:`explorer.models.Embedder`, so it can be passed to
    :func:`explorer.space.scene.build_scene` as ``model``. Phrases are matched as
    :func:`explorer.phrases.parse_phrases` gives them (surrounding blanks
    removed, Unicode NFC).

    Example:
        >>> model = ImportedEmbedder(["cat", "dog"], np.array([[1, 0], [0, 1]]))
        >>> model.encode([" dog "]).tolist(), model.dim
        ([[0.0, 1.0]], 2)
    """

    axis_titles: tuple[str, str] | None = None

    def __init__(self, phrases: Sequence[str], vectors: NDArray, *, name: str = "imported") -> None:
        array = np.asarray(vectors, dtype=np.float32)
        if array.ndim != 2 or array.shape[0] != len(phrases):
            raise ValueError(
                f"Expected one vector per phrase: {len(phrases)} phrases, "
                f"vectors of shape {array.shape}."
            )
        self.name = name
        self.dim = int(array.shape[1])
        self.phrases = list(phrases)
        self._vectors = array
        self._index: dict[str, int] = {}
        for i, phrase in enumerate(self.phrases):
            self._index.setdefault(phrase_key(phrase), i)

    def __contains__(self, phrase: object) -> bool:
        return isinstance(phrase, str) and phrase_key(phrase) in self._index

    def encode(self, phrases: list[str]) -> NDArray[np.float32]:
        """The stored vectors of ``phrases``, shape ``(len(phrases), dim)``.

        Raises:
            ValueError: a phrase is not in the imported file.
        """
        missing = [p for p in phrases if p not in self]
        if missing:
            shown = ", ".join(f"“{shorten(p, LABEL_CHARS)}”" for p in missing[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            plural = "s are" if len(missing) > 1 else " is"
            raise ValueError(
                f"{len(missing)} phrase{plural} not in the imported vectors ({self.name}): "
                f"{shown}{more}. Imported vectors cover only their own phrases; remove "
                "the others, or choose a model to embed them."
            )
        rows = [self._index[phrase_key(p)] for p in phrases]
        return self._vectors[rows].copy().reshape(len(rows), self.dim)
