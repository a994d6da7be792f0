"""Which reader for which file: the entry points of :mod:`explorer.documents.readers`.

* :func:`load_sample`: the built-in sample, 336 short documents on 14 topics.
* :func:`load_upload`: the Search page's ``.txt`` or ``.csv`` (``SEARCH_MAX_*``).
* :func:`load_file`: the Corpus page's table of texts (``.txt``, ``.csv``,
  ``.tsv``, ``.parquet``) or vectors with their texts (``CORPUS_MAX_*``).
* :func:`read_vectors`: vectors computed elsewhere, with their texts.

Each gives a :class:`~explorer.documents.corpus.Corpus`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from explorer.config import CORPUS_NOTE_CHARS, DATA_DIR
from explorer.documents.corpus import Corpus
from explorer.documents.readers.columns import collect, from_frame, from_table
from explorer.documents.readers.imported import Imported, import_limits
from explorer.documents.readers.tables import (
    FRAME_TYPES,
    Frame,
    make_frame,
    numbers_where_possible,
    read_frame,
    read_table,
)
from explorer.documents.readers.text import (
    CORPUS_ROWS,
    SEARCH,
    Limits,
    RowCap,
    check_size,
    corpus_max_bytes,
    decode,
    file_types,
    quote,
    suffix,
)
from explorer.documents.readers.vectors import looks_numeric, read_npy, read_uploads, unzip
from explorer.documents.writers import TEXT_COLUMN, VECTOR_COLUMN
from explorer.phrases import shorten

SAMPLE_PATH = DATA_DIR / "search_corpus.csv"
SAMPLE_SOURCE = "the built-in sample"
#: File types the Search page's upload may have.
SEARCH_UPLOAD_TYPES = (".txt", ".csv")
#: Files of vectors (with their texts) :func:`read_vectors` reads, besides a parquet.
VECTOR_TYPES = (".npy", ".tsv", ".zip")
#: Every file :func:`load_file` takes.
UPLOAD_TYPES = (".txt", ".csv", ".tsv", ".parquet", ".npy", ".zip")


@lru_cache(maxsize=1)
def load_sample() -> Corpus:
    """The built-in sample: 336 short documents on 14 topics, written for this project.

    Among them, "Automobile repairs: brake pads, oil changes and engine
    diagnostics done while you wait." shares no word with "how to fix my car".

    Example:
        >>> sample = load_sample()
        >>> len(sample), len(set(sample.topics)), sample.source
        (336, 14, 'the built-in sample')
    """
    table = read_table(SAMPLE_PATH.read_bytes(), name=SAMPLE_PATH.name)
    corpus = from_table(table, text_column="text")
    return Corpus(corpus.texts, topics=corpus.topics, source=SAMPLE_SOURCE)


def load_upload(
    data: bytes, *, name: str, text_column: str | None = None, limits: Limits = SEARCH
) -> Corpus:
    """A corpus from an uploaded file: ``.txt`` (one document per line) or ``.csv``.

    Example:
        >>> load_upload(b"first doc\\nsecond doc\\n", name="notes.txt").texts
        ('first doc', 'second doc')
        >>> load_upload(b"x", name="notes.docx")
        Traceback (most recent call last):
        ...
        ValueError: “notes.docx” is not a .txt or .csv file. Upload a .txt file (one document per line) or a .csv file (one document per row).
    """  # noqa: E501 - a doctest's expected output is one line
    kind = suffix(name)
    if kind not in SEARCH_UPLOAD_TYPES:
        raise ValueError(
            f"{quote(name)} is not a .txt or .csv file. Upload a .txt file (one document "
            "per line) or a .csv file (one document per row)."
        )
    if kind == ".csv":
        table = read_table(data, name=name, limits=limits)
        return from_table(table, text_column=text_column, limits=limits)
    return collect(
        ((line, None) for line in decode(data, name=name, limits=limits).splitlines()),
        source=quote(name),
        unit="line",
        empty=f"The corpus is empty: {quote(name)} has only blank lines. "
        "Give at least one document, one per line.",
        limits=limits,
    )


def _with_vectors(frame: Frame, vectors: NDArray[np.float32], what: str) -> Frame:
    """``frame`` with ``vectors`` as its vector column, row by row."""

    if len(vectors) != len(frame.data):
        raise ValueError(
            f"{what} has {len(vectors):,} vectors but {quote(frame.name)} has "
            f"{len(frame.data):,} rows; each vector needs one row of text, in the same order."
        )
    column, n = VECTOR_COLUMN, 2
    while column in frame.data.columns:
        column, n = f"{VECTOR_COLUMN} ({n})", n + 1
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)  # the readers give float32
    return replace(frame, vector_column=column, vectors=matrix)


def _from_imported(imported: Imported, source: str, max_rows: int | None | RowCap) -> Corpus:
    import pandas as pd

    data = pd.DataFrame({TEXT_COLUMN: imported.phrases}, dtype=object)
    for name, values in imported.columns.items():
        column, n = name, 2
        while column in data.columns or column == VECTOR_COLUMN:
            column, n = f"{name} ({n})", n + 1
        data[column] = pd.Series(values, dtype=object)
    data = numbers_where_possible(data, skip=[TEXT_COLUMN])
    frame = make_frame(imported.source, data, {}, [])
    with_vectors = _with_vectors(frame, imported.vectors, quote(imported.source))
    dataset = from_frame(with_vectors, text_column=TEXT_COLUMN, max_rows=max_rows)
    notes = [shorten(note, CORPUS_NOTE_CHARS) for note in imported.notes]
    return replace(dataset, source=source, notes=(*notes, *dataset.notes))


def read_vectors(
    files: Mapping[str, bytes], *, max_rows: int | None | RowCap = CORPUS_ROWS
) -> Corpus:
    """Vectors computed elsewhere, with their texts.

    Accepted: a ``.npy`` array with a texts file (``.txt`` one per line,
    ``.tsv`` read like the Projector's metadata, or a ``.csv`` whose text
    column is guessed); the Embedding Projector's ``vectors.tsv`` with
    ``metadata.tsv``; a ``.parquet`` with a column of vectors; or a ``.zip``
    holding one of these. Row ``i`` of the vectors belongs to text ``i``.

    Args:
        files: file name -> bytes.
        max_rows: the most documents kept (``None``: all; by default
            ``CORPUS_MAX_PREPARED_ROWS``); the rest are left out with a note.

    Raises:
        ValueError: missing or extra files, vectors of different widths, NaN,
            too many dimensions, counts that differ, or any unreadable file.

    Example:
        >>> import io
        >>> buffer = io.BytesIO()
        >>> np.save(buffer, np.eye(3, dtype=np.float32))
        >>> corpus = read_vectors({"v.npy": buffer.getvalue(), "t.txt": b"a\\nb\\nc\\n"})
        >>> corpus.texts, corpus.vectors.shape
        (('a', 'b', 'c'), (3, 3))
    """
    if not files:
        raise ValueError(
            "No file given; upload a .npy with a texts file, vectors.tsv with metadata.tsv, "
            "a .parquet with a column of vectors, or a .zip of them."
        )
    names = sorted(files)
    total = sum(len(files[n]) for n in names)
    most = corpus_max_bytes()
    fewer = Limits(most, None, too_big="Upload fewer rows.")
    check_size(total, what="The files", limits=fewer, together=True)
    suffixes = {name: suffix(name) for name in names}
    accepted = (*VECTOR_TYPES, ".txt", ".csv", ".parquet")
    for name, kind in suffixes.items():
        if kind not in accepted:
            raise ValueError(
                f"Cannot read {quote(name)} as vectors: accepted files are {file_types(accepted)}."
            )
    limits = {"max_rows": None, "max_bytes": most}
    if ".zip" in suffixes.values() or ".parquet" in suffixes.values():
        if len(files) > 1:
            raise ValueError(
                f"Upload a .zip or a .parquet on its own (got {', '.join(map(quote, names))})."
            )
        name = names[0]
        if suffixes[name] == ".zip":
            inner = unzip(quote(name), bytes(files[name]), import_limits(None, most))
            dataset = read_vectors(inner, max_rows=max_rows)
            return replace(dataset, source=f"{quote(name)} ({dataset.source})")
        frame = read_frame(files[name], name=name)
        if frame.vector_column is None:
            raise ValueError(
                f"{quote(name)} has no column of vectors (a list of numbers per row, named "
                f"e.g. “embedding”); its columns are {', '.join(map(quote, frame.data.columns))}."
                " Open it as a table of texts to embed them."
            )
        return from_frame(frame, max_rows=max_rows)
    npys = [n for n in names if suffixes[n] == ".npy"]
    texts = [n for n in names if suffixes[n] != ".npy"]
    if npys and (len(npys) > 1 or len(texts) > 1):
        raise ValueError(
            "Upload one .npy of vectors and one texts file (.txt, .tsv or .csv), "
            f"got {', '.join(map(quote, names))}."
        )
    if npys and texts and suffixes[texts[0]] == ".csv":
        vectors = read_npy(files[npys[0]], None, npy_name=quote(npys[0]), **limits)
        frame = read_frame(files[texts[0]], name=texts[0])
        dataset = from_frame(
            _with_vectors(frame, vectors.vectors, quote(npys[0])), max_rows=max_rows
        )
        return replace(dataset, source=f"{quote(npys[0])} with {dataset.source}")
    if not npys and any(suffixes[n] == ".csv" for n in names):
        raise ValueError(
            "A .csv of texts goes with a .npy of vectors; for a table with a column of "
            "vectors, upload a .parquet."
        )
    imported = read_uploads({n: bytes(files[n]) for n in names}, **limits)
    # Name the vectors first: “v.npy” with “texts.txt”, “vectors.tsv” with “metadata.tsv”.
    names.sort(key=lambda n: (suffixes[n] != ".npy", not looks_numeric(files[n])))
    return _from_imported(imported, " with ".join(map(quote, names)), max_rows)


def is_vectors_file(name: str, data: bytes) -> bool:
    """Whether a file holds vectors (``.npy``, ``.zip``, a Projector ``.tsv`` of numbers).

    Example:
        >>> is_vectors_file("vectors.tsv", b"0.1\\t0.2\\n"), is_vectors_file("docs.tsv", b"text\\n")
        (True, False)
    """
    kind = suffix(name)
    return kind in (".npy", ".zip") or (kind == ".tsv" and looks_numeric(bytes(data)))


def load_file(data: bytes, *, name: str, text_column: str | None = None) -> Corpus:
    """A corpus from one uploaded file: a table of texts, or vectors with their texts.

    ``.npy`` (texts then named “point 1”…), ``.zip``, and a ``.tsv`` whose first
    line is all numbers (the Projector's vectors) are read by :func:`read_vectors`;
    other files by :func:`read_frame` and :func:`from_frame`.

    Example:
        >>> load_file(b"first doc\\nsecond doc\\n", name="notes.txt").describe()
        '“notes.txt”: 2 documents'
    """
    if is_vectors_file(name, data):
        return read_vectors({name: data})
    if suffix(name) not in FRAME_TYPES:
        raise ValueError(
            f"{quote(name)} is not a {file_types(UPLOAD_TYPES)} file. Upload documents "
            "(.txt one per line, .csv, .tsv or .parquet with a column of text) or vectors."
        )
    return from_frame(read_frame(data, name=name), text_column=text_column)
