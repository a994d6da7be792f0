"""What every model offers (:class:`Embedder`) and the per-text row cache they share."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from explorer.config import EMBEDDING_CACHE_SIZE


@runtime_checkable
class Embedder(Protocol):
    """What every model offers: a name, a width and ``encode``."""

    name: str
    dim: int
    axis_titles: tuple[str, str] | None

    def encode(self, phrases: list[str]) -> NDArray[np.float32]:
        """Return one float32 row per phrase, shape ``(len(phrases), dim)``."""
        ...


class RowCache:
    """Rows of a model's output per text, least recently used dropped first (thread-safe)."""

    def __init__(self, dim: int, *, size: int = EMBEDDING_CACHE_SIZE) -> None:
        self.dim = dim
        self.size = size
        self._rows: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows)

    def rows(
        self, texts: list[str], compute: Callable[[list[str]], NDArray[np.float32]]
    ) -> NDArray[np.float32]:
        """The rows for ``texts``, calling ``compute`` once on the distinct missing ones."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._rows]
            if missing:
                for text, row in zip(missing, compute(missing), strict=True):
                    self._rows[text] = row
            for i, text in enumerate(texts):
                out[i] = self._rows[text]
                self._rows.move_to_end(text)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)
        return out
