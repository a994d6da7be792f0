"""Embedding models behind one small interface (:class:`Embedder`).

``base`` (the protocol, the row cache), ``minilm`` (the packaged real model),
``toy`` (the article's 2-D model), ``toy_train`` (fits it), ``imported``
(vectors computed elsewhere), ``doc_cache`` (documents' embeddings on disk),
``loader`` (:func:`load_model`).
"""

from explorer.models.base import Embedder, RowCache
from explorer.models.loader import load_model
from explorer.models.minilm import DEVICES, MINILM_ALIASES, SentenceEmbedder, resolve_device
from explorer.models.toy import TOY_AXIS_TITLES, ToyEmbedder

__all__ = [
    "DEVICES",
    "MINILM_ALIASES",
    "TOY_AXIS_TITLES",
    "Embedder",
    "RowCache",
    "SentenceEmbedder",
    "ToyEmbedder",
    "load_model",
    "resolve_device",
]
