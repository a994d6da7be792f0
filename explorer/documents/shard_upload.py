"""A folder of parquet shards, uploaded: several ``.parquet`` files at once, or a zip of them.

A browser cannot upload a folder, so the shards that ``python -m explorer embed
INPUT --engine ray`` writes come as several files chosen together, or zipped.
They are read as :func:`explorer.documents.shards.read_shards` reads a folder:
in name order, until ``max_rows`` rows, with a note saying how many of how many.
Anything else goes to :func:`explorer.documents.readers.read_vectors`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from explorer.documents.corpus import Corpus
from explorer.documents.readers import from_frame, read_vectors
from explorer.documents.readers.imported import import_limits
from explorer.documents.readers.text import (
    CORPUS_ROWS,
    RowCap,
    check_size,
    corpus_max_bytes,
    quote,
    suffix,
)
from explorer.documents.readers.vectors import check_ratio
from explorer.documents.shards import read_shards


def shard_files(files: Mapping[str, bytes]) -> dict[str, bytes] | None:
    """The parquet shards among uploaded files: two or more ``.parquet`` files, or a
    ``.zip`` holding only ``.parquet`` files (two or more); else ``None``.

    Example:
        >>> sorted(shard_files({"b.parquet": b"", "a.parquet": b""}))
        ['a.parquet', 'b.parquet']
        >>> shard_files({"a.parquet": b""}) is None
        True
    """
    names = list(files)
    if len(names) == 1 and suffix(names[0]) == ".zip":
        unzipped = _unzip_parquets(quote(names[0]), bytes(files[names[0]]))
        if unzipped is None:
            return None
        files, names = unzipped, list(unzipped)
    if len(names) < 2 or any(suffix(name) != ".parquet" for name in names):
        return None
    return dict(files)


def _unzip_parquets(name: str, data: bytes) -> dict[str, bytes] | None:
    """The ``.parquet`` files of a zip that holds two or more and nothing else (else
    ``None``), refused when they unpack past the corpus's size limit or ratio."""
    import io
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return None  # read_vectors says so
    with archive:
        members = [
            i for i in archive.infolist()
            if not i.is_dir() and not i.filename.startswith("__MACOSX/")
            and not i.filename.rsplit("/", 1)[-1].startswith(".")
        ]  # fmt: skip
        if len(members) < 2 or any(suffix(i.filename) != ".parquet" for i in members):
            return None
        limits = import_limits(None, corpus_max_bytes())
        total = sum(i.file_size for i in members)
        check_size(total, what=f"{name} unpacked", limits=limits)
        check_ratio(name, total, sum(i.compress_size for i in members))
        files = {}
        for info in members:
            with archive.open(info) as member:  # sizes in a zip header can lie: count
                content = member.read(info.file_size + 1)
            if len(content) != info.file_size:
                raise ValueError(f"{name} is damaged: {info.filename} is not the size it says.")
            files[info.filename.rsplit("/", 1)[-1]] = content
    return files


def read_shard_files(
    files: Mapping[str, bytes], *, max_rows: int | None | RowCap = CORPUS_ROWS, source: str = ""
) -> Corpus:
    """Parquet shards (file name -> bytes) as one corpus, read in name order.

    Rows beyond ``max_rows`` are left out with the note "Read the first 100,000
    of 250,000 rows …".

    Example:
        >>> import io, numpy as np, pandas as pd
        >>> from explorer.documents.writers import parquet_bytes
        >>> shards = {f"part-{i}.parquet": parquet_bytes(Corpus((f"doc {i}a", f"doc {i}b"),
        ...           pd.DataFrame(index=range(2))), vectors=np.eye(2, dtype=np.float32))
        ...           for i in (1, 0)}
        >>> corpus = read_shard_files(shards, max_rows=3)
        >>> corpus.texts, corpus.notes[0]
        (('doc 0a', 'doc 0b', 'doc 1a'), 'Read the first 3 of 4 rows: 2 shards, in name order.')
    """
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            (Path(folder) / Path(name).name).write_bytes(data)
        frame = read_shards(folder, max_rows=max_rows)
    meta = frame.metadata
    rows, total, count = meta.get("rows", 0), meta.get("total_rows", 0), meta.get("shards", 0)
    names = sorted(Path(name).name for name in files)
    label = source or f"{count} shards ({quote(names[0])} … {quote(names[-1])})"
    frame = replace(frame, name=label)
    corpus = from_frame(frame, max_rows=max_rows)
    note = f"{count} shards, in name order."
    if rows < total:
        note = f"Read the first {rows:,} of {total:,} rows: {note}"
    else:
        note = f"Read all {rows:,} rows of {note}"
    return replace(corpus, source=label, notes=(note, *corpus.notes))


def read_uploaded(
    files: Mapping[str, bytes], *, max_rows: int | None | RowCap = CORPUS_ROWS
) -> Corpus:
    """Uploaded vectors: parquet shards (several, or zipped) as one corpus, anything
    else through :func:`~explorer.documents.readers.read_vectors`."""
    shards = shard_files(files)
    if shards is None:
        return read_vectors(files, max_rows=max_rows)
    names = list(files)
    source = quote(names[0]) if len(names) == 1 else ""
    corpus = read_shard_files(shards, max_rows=max_rows)
    if source:
        corpus = replace(corpus, source=f"{source} ({corpus.source})")
    return corpus
