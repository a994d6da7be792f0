"""Readers of every file a corpus may come in, with the limits of the page that asks.

* :mod:`~explorer.documents.readers.text`: bytes to text, size checks, messages.
* :mod:`~explorer.documents.readers.tables`: ``.txt``/``.csv``/``.tsv``/``.parquet`` tables.
* :mod:`~explorer.documents.readers.columns`: a table's column to a corpus, with notes.
* :mod:`~explorer.documents.readers.imported` and :mod:`~explorer.documents.readers.vectors`:
  the Projector's TSV, ``.npy``, ``points.csv`` and zips of them.
* :mod:`~explorer.documents.readers.files`: which reader for which file.
* :mod:`~explorer.documents.readers.spool`: a big upload set aside on disk while it is read.
"""

from explorer.documents.readers.columns import from_frame, from_table, from_text
from explorer.documents.readers.files import (
    SAMPLE_PATH,
    SAMPLE_SOURCE,
    UPLOAD_TYPES,
    is_vectors_file,
    load_file,
    load_sample,
    load_upload,
    read_vectors,
)
from explorer.documents.readers.parquet import parquet_has_vectors
from explorer.documents.readers.spool import SpooledFile
from explorer.documents.readers.tables import Frame, Table, read_frame, read_table
from explorer.documents.readers.text import CORPUS, SEARCH, Limits, decode

__all__ = [
    "CORPUS",
    "SAMPLE_PATH",
    "SAMPLE_SOURCE",
    "SEARCH",
    "SpooledFile",
    "UPLOAD_TYPES",
    "Frame",
    "Limits",
    "Table",
    "decode",
    "from_frame",
    "from_table",
    "from_text",
    "is_vectors_file",
    "load_file",
    "load_sample",
    "load_upload",
    "parquet_has_vectors",
    "read_frame",
    "read_table",
    "read_vectors",
]
