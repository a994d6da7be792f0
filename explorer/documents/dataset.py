"""The old module of the Corpus page's documents, kept as names only (no code of its own).

Everything here now lives in one document stack: the type is
:class:`explorer.documents.corpus.Corpus` (``Dataset`` is another name for
it), files are read by :mod:`explorer.documents.readers`, embedded by
:mod:`explorer.documents.embed` and written by :mod:`explorer.documents.writers`.
New code imports from those modules.
"""

from explorer.documents.corpus import Corpus, check_vectors_for
from explorer.documents.embed import default_batch_size, embed
from explorer.documents.readers.columns import from_frame
from explorer.documents.readers.files import (
    UPLOAD_TYPES,
    VECTOR_TYPES,
    is_vectors_file,
    load_file,
    read_vectors,
)
from explorer.documents.readers.tables import FRAME_TYPES, VECTOR_COLUMNS, Frame, read_frame
from explorer.documents.writers import (
    COORD_COLUMNS,
    FORMAT_VERSION,
    METADATA_KEY,
    TEXT_COLUMN,
    VECTOR_COLUMN,
    write_parquet,
)

#: The one document type, under the name this module gave it.
Dataset = Corpus

__all__ = [
    "COORD_COLUMNS",
    "FORMAT_VERSION",
    "FRAME_TYPES",
    "METADATA_KEY",
    "TEXT_COLUMN",
    "UPLOAD_TYPES",
    "VECTOR_COLUMN",
    "VECTOR_COLUMNS",
    "VECTOR_TYPES",
    "Dataset",
    "Frame",
    "check_vectors_for",
    "default_batch_size",
    "embed",
    "from_frame",
    "is_vectors_file",
    "load_file",
    "read_frame",
    "read_vectors",
    "write_parquet",
]
