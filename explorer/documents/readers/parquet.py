"""Parquet files of documents, read with their size checked first.

A tiny file of one repeated long string cannot unpack to gigabytes: the
declared uncompressed size is checked before reading, rows are decoded a batch
at a time with text kept as dictionaries, and reading stops at the row limit.
A column of vectors is decoded batch by batch into one float32 matrix, so a
million rows cost the matrix and little else.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from explorer.config import (
    CORPUS_MAX_ROWS,
    DOC_MAX_CHARS,
    PARQUET_BATCH_BYTES,
    PARQUET_BATCH_MAX_ROWS,
    PARQUET_BATCH_ROWS,
    PARQUET_MAX_UNCOMPRESSED_BYTES,
)
from explorer.documents.readers.half import (
    ParquetSource,
    PendingVectors,
    bytes_block,
    half_bytes_width,
    open_parquet,
    source_head,
    source_size,
    unit_again,
    widen,
)
from explorer.documents.readers.text import (
    RowCap,
    corpus_max_rows,
    cut_note,
    damaged_parquet,
    quote,
    rows_note,
    signature_kind,
    size_text,
    unique_columns,
)
from explorer.documents.writers import METADATA_KEY

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

_PARQUET_MAGIC = b"PAR1"
T = TypeVar("T")


def _is_numeric_list(kind: pa.DataType) -> bool:
    import pyarrow as pa

    if not (pa.types.is_list(kind) or pa.types.is_large_list(kind)) and not (
        pa.types.is_fixed_size_list(kind)
    ):
        return False
    value = kind.value_type
    return pa.types.is_floating(value) or pa.types.is_integer(value)


def _list_cells(column: pa.ChunkedArray) -> pd.Series:
    """A list column as one 1-D numpy array (or ``None``) per row, from the flat values.

    Rows of equal width are views of one ``(n, d)`` matrix, so no Python loop
    copies 100,000 vectors one by one.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    n = len(array)
    lengths_arrow = pc.list_value_length(array)
    nulls = lengths_arrow.is_null().to_numpy(zero_copy_only=False)
    lengths = lengths_arrow.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    flat_arrow = array.flatten()  # skips null rows and honours slicing
    if pa.types.is_floating(flat_arrow.type) and flat_arrow.null_count == 0:
        flat = flat_arrow.to_numpy(zero_copy_only=False)
    else:  # integers, or null values inside a vector (NaN: refused later with a row number)
        flat = flat_arrow.cast(pa.float64()).to_numpy(zero_copy_only=False)
    cells = np.empty(n, dtype=object)
    if n and not nulls.any() and (lengths == lengths[0]).all():
        matrix = flat.reshape(n, int(lengths[0]))
        cells[:] = list(matrix) if lengths[0] else [np.empty(0, flat.dtype)] * n
    else:
        ends = np.cumsum(lengths)
        for i in range(n):
            cells[i] = None if nulls[i] else flat[ends[i] - lengths[i] : ends[i]]
    return pd.Series(cells, dtype=object)


def _fits_float32(kind: pa.DataType) -> bool:
    """Whether a numeric list column's values become float32 exactly enough, with no
    overflow: float16, float32 or integers (float64 goes the careful way, cell by cell)."""
    import pyarrow as pa

    value = kind.value_type
    return pa.types.is_integer(value) or value in (pa.float16(), pa.float32())


def _block(array: pa.Array) -> NDArray | None:
    """A batch of a list column as an ``(n, d)`` numpy array (no copy where arrow allows),
    or ``None`` when some row is null, holds a null or differs in width."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if array.null_count:
        return None
    if pa.types.is_fixed_size_list(array.type):
        width = array.type.list_size
    else:
        lengths = pc.list_value_length(array).to_numpy(zero_copy_only=False)
        if len(lengths) and (lengths != lengths[0]).any():
            return None
        width = int(lengths[0]) if len(lengths) else 0
    flat = array.flatten()  # honours slicing
    if flat.null_count:
        return None
    return flat.to_numpy(zero_copy_only=False).reshape(len(array), width)


class _Irregular(Exception):
    """A list column that does not fill one matrix: read again cell by cell."""

    def __init__(self, column: int) -> None:
        super().__init__(column)
        self.column = column


@dataclass
class ParquetRead:
    """What :func:`read_parquet` found.

    Attributes:
        data: the table; a list column read into ``matrices`` is not in it.
        metadata: this app's metadata (``{}`` if none).
        list_columns: the columns of numbers per row (vectors), in file order.
        notes: what was cut (rows beyond the limit, long cells).
        matrices: list columns whose every row holds one vector of the same width,
            as ``(n, d)`` float32 (decoded batch by batch into one array: no other copy);
            a column of float16 bytes as :class:`PendingVectors`, still being read.
    """

    data: pd.DataFrame
    metadata: dict
    list_columns: list[str]
    notes: list[str]
    matrices: dict[str, NDArray[np.float32] | PendingVectors] = field(default_factory=dict)


def read_parquet(data: ParquetSource, name: str, max_rows: int | None | RowCap) -> ParquetRead:
    """The table, this app's metadata, its numeric list columns and notes on what was cut.

    With ``max_rows``, the metadata is checked first (an uncompressed size over the
    file's own plus ``PARQUET_MAX_UNCOMPRESSED_BYTES`` is refused), then rows are
    decoded a batch at a time (:func:`batch_rows`), text cells cut to ``DOC_MAX_CHARS``, and
    reading stops after ``max_rows`` rows: a tiny file of repeated long strings
    cannot unpack to gigabytes. ``CORPUS_ROWS`` takes ``CORPUS_MAX_PREPARED_ROWS``
    when the file has a column of vectors, else ``CORPUS_MAX_ROWS``.

    Vectors of float16, float32 or integers are decoded straight into one float32
    matrix (float16 rows that were unit-length, within 1%, are made so again).
    """
    import pandas as pd
    import pyarrow as pa

    label = quote(name)
    head = source_head(data, 16)
    if not head.startswith(_PARQUET_MAGIC):
        kind = signature_kind(head)
        what = f"it is {kind}" if kind else "it lacks the Parquet signature (PAR1)"
        raise ValueError(
            f"{label} is not a Parquet file: {what}. Save the table with pandas "
            "(DataFrame.to_parquet) or pyarrow, or upload it as .csv."
        )
    notes: list[str] = []
    slow: set[int] = set()
    try:
        parquet = open_parquet(data)
        schema = parquet.schema_arrow
        metadata = _parquet_metadata(schema.metadata)
        prepared = _has_vectors(schema, metadata)
        max_rows = corpus_max_rows(max_rows, prepared=prepared)
        if max_rows is not None:
            _check_parquet_size(parquet.metadata, label, source_size(data))
        while True:
            try:
                table, matrices, rows = _read_batches(
                    data, max_rows, label, notes, slow, schema=schema, metadata=metadata
                )
                break
            except _Irregular as irregular:  # rows of other widths, or nulls: cell by cell
                slow.add(irregular.column)
                notes.clear()
    except (pa.ArrowException, OSError) as error:
        raise ValueError(damaged_parquet(label, error)) from None
    names = list(unique_columns([str(f.name) for f in schema]))
    if not names:
        raise ValueError(f"{label} has no columns. Upload a table with a column of documents.")
    if rows == 0:
        raise ValueError(
            f"{label} has columns ({', '.join(names)}) but no rows of data. "
            "Upload a table with one document per row."
        )
    columns: dict[str, Any] = {}
    list_columns: list[str] = []
    found: dict[str, NDArray[np.float32] | PendingVectors] = {}
    arrow_columns = iter(table.columns)
    for at, (column_name, field_) in enumerate(zip(names, schema, strict=True)):
        if at in matrices:
            found[column_name] = matrices[at]
            list_columns.append(column_name)
            continue
        column = next(arrow_columns)
        if _is_numeric_list(field_.type):
            columns[column_name] = _list_cells(column)
            list_columns.append(column_name)
        elif pa.types.is_dictionary(column.type):  # text read as a dictionary
            distinct = sum(len(chunk.dictionary) for chunk in column.chunks)
            if 2 * distinct >= rows:  # mostly distinct texts: plain strings, no category index
                plain = column.cast(column.type.value_type)
                columns[column_name] = plain.to_pandas().astype(object)
            else:  # repeated texts (labels, or a bomb of one long string): shared strings
                columns[column_name] = column.to_pandas().astype(object)
        else:
            columns[column_name] = column.to_pandas()
    del table
    pa.default_memory_pool().release_unused()  # the decoded batches' memory, back to the OS
    frame = pd.DataFrame(columns, index=pd.RangeIndex(rows))
    return ParquetRead(frame, metadata, list_columns, notes, found)


def _has_vectors(schema: pa.Schema, metadata: Mapping[str, Any]) -> bool:
    """Whether a column holds vectors: a list of numbers, or float16 bytes."""
    return any(_is_numeric_list(f.type) or half_bytes_width(f, metadata) for f in schema)


def parquet_has_vectors(data: bytes) -> bool:
    """Whether ``data`` is a parquet with a column of vectors (its footer read, no rows);
    ``False`` for anything else, a damaged file included (reading it says what is wrong).

    Example:
        >>> import io, pyarrow as pa, pyarrow.parquet as pq
        >>> out = io.BytesIO(); pq.write_table(pa.table({"v": [[0.5, 1.0]], "t": ["a"]}), out)
        >>> parquet_has_vectors(out.getvalue()), parquet_has_vectors(b"PAR1 not really")
        (True, False)
    """
    import pyarrow as pa

    if not data.startswith(_PARQUET_MAGIC):
        return False
    try:
        schema = open_parquet(data).schema_arrow
    except (pa.ArrowException, OSError):
        return False
    return _has_vectors(schema, _parquet_metadata(schema.metadata))


def _check_parquet_size(metadata: Any, label: str, stored: int) -> None:
    """Refuse a parquet whose metadata declares more than ``PARQUET_MAX_UNCOMPRESSED_BYTES``
    beyond its own size ``stored``."""
    size = sum(declared for declared, _ in _group_sizes(metadata))
    if size > PARQUET_MAX_UNCOMPRESSED_BYTES + stored:
        raise ValueError(
            f"{label} unpacks to {size_text(size)}; the limit is "
            f"{size_text(PARQUET_MAX_UNCOMPRESSED_BYTES + stored)}. Upload fewer rows or "
            f"columns (e.g. its first {CORPUS_MAX_ROWS:,} rows)."
        )


def _group_sizes(metadata: Any, *, only: Collection[int] | None = None) -> list[tuple[int, int]]:
    """Each row group's uncompressed size as its metadata declares it (of the columns at
    positions ``only``; ``None``: all), and its rows."""
    groups = [metadata.row_group(g) for g in range(metadata.num_row_groups)]
    return [
        (
            sum(g.column(c).total_uncompressed_size for c in range(g.num_columns)
                if only is None or c in only),
            g.num_rows,
        )
        for g in groups
    ]  # fmt: skip


def batch_rows(metadata: Any, *, only: Collection[int] | None = None) -> int:
    """Rows to decode at once: as many as unpack to ``PARQUET_BATCH_BYTES`` in the densest
    row group (by the sizes its metadata declares, of the columns at positions ``only``),
    within ``PARQUET_BATCH_ROWS`` and ``PARQUET_BATCH_MAX_ROWS``.

    Example:
        >>> import io, pyarrow as pa, pyarrow.parquet as pq
        >>> out = io.BytesIO()
        >>> pq.write_table(pa.table({"text": ["a short text"] * 10}), out)
        >>> batch_rows(pq.ParquetFile(io.BytesIO(out.getvalue())).metadata)
        65536
    """
    sizes = _group_sizes(metadata, only=only)
    densest = max((size / max(count, 1) for size, count in sizes), default=0.0)
    rows = int(PARQUET_BATCH_BYTES // densest) if densest else PARQUET_BATCH_MAX_ROWS
    return min(max(rows, PARQUET_BATCH_ROWS), PARQUET_BATCH_MAX_ROWS)


def _compact(array: pa.DictionaryArray, cut: bool) -> tuple[pa.Array, int]:
    """A batch's text, its dictionary holding only the values the batch uses (each batch
    gets its row group's dictionary, up to a MB: a thousand batches would hold it a
    thousand times), cut to ``DOC_MAX_CHARS`` (with ``cut``); and how many cells were cut."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values, indices = array.dictionary, array.indices
    if len(values) > len(indices):
        nulls = indices.is_null().to_numpy(zero_copy_only=False)
        old = indices.fill_null(0).to_numpy(zero_copy_only=False)
        used, new = np.unique(old[~nulls], return_inverse=True)
        remapped = np.zeros(len(old), dtype=np.int32)
        remapped[~nulls] = new
        indices = pa.array(remapped, mask=nulls if nulls.any() else None)
        values = values.take(pa.array(used))
    count = 0
    if cut:
        long = pc.greater(pc.utf8_length(values), DOC_MAX_CHARS)
        count = pc.sum(pc.take(long, indices)).as_py() or 0
        if count:
            values = pc.utf8_slice_codeunits(values, 0, DOC_MAX_CHARS)
    return pa.DictionaryArray.from_arrays(indices, values), count


_END = object()


def decoded_ahead(items: Iterator[T]) -> Iterator[T]:
    """``items``, each next one taken in a second thread while the caller works on this
    one: arrow decodes a batch without the GIL while numpy converts the last one, so a
    million vectors read in about half the time. Errors come out where they would have.

    Example:
        >>> list(decoded_ahead(iter(range(3))))
        [0, 1, 2]
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="explorer-parquet") as pool:
        ahead = pool.submit(next, items, _END)
        while (item := ahead.result()) is not _END:
            ahead = pool.submit(next, items, _END)
            yield item


def _read_batches(
    data: ParquetSource,
    max_rows: int | None,
    label: str,
    notes: list[str],
    slow: set[int],
    *,
    schema: pa.Schema,
    metadata: Mapping[str, Any],
) -> tuple[pa.Table, dict[int, NDArray[np.float32]], int]:
    """The first ``max_rows`` rows (``None``: all, cut nowhere), batch by batch, text cells
    cut to ``DOC_MAX_CHARS``; numeric list columns (but those at ``slow`` positions) go
    into float32 matrices, by column position, the others stay in the table.

    Text columns are read as dictionaries and cut there: 20,000 copies of one
    long string stay one string, never 20,000.

    Raises:
        _Irregular: a list column whose rows do not fill one matrix.
    """
    import pyarrow as pa

    texts = [
        f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
    ]
    parquet = open_parquet(data, read_dictionary=texts)
    total = parquet.metadata.num_rows
    wanted = total if max_rows is None else min(total, max_rows)
    fast = {
        at for at, f in enumerate(schema)
        if at not in slow and _is_numeric_list(f.type) and _fits_float32(f.type)
    }  # fmt: skip
    raw = {at: w for at, f in enumerate(schema) if (w := half_bytes_width(f, metadata)) is not None}
    half = {at for at in fast if schema.field(at).type.value_type == pa.float16()} | set(raw)
    fast |= set(raw)
    matrices: dict[int, NDArray[np.float32] | PendingVectors] = {}
    beside = set(raw) if len(set(schema.names)) == len(schema) > len(raw) else set()
    for at in beside:  # float16 bytes read on a thread beside the rest, 50 MB at a time
        matrices[at] = PendingVectors(
            data, column=schema.field(at).name, rows=wanted, width=raw[at], label=label,
            batch=PARQUET_BATCH_MAX_ROWS,
        )  # fmt: skip
    batches, rows, cut = [], 0, 0
    kept_fields = [f for at, f in enumerate(schema) if at not in fast]
    read = [at for at in range(len(schema)) if not isinstance(matrices.get(at), PendingVectors)]
    # Vectors in a pass of their own, then the rest: read together, each batch of vectors
    # also carried the text dictionary decoded so far (+110 MiB at the peak for 100,000).
    passes = [[at for at in read if at in fast], [at for at in read if at not in fast]]
    try:
        for columns in passes if all(passes) else [read]:
            found, rows, count = _read_columns(
                parquet, columns, wanted, label, matrices, fast=fast, raw=raw, half=half,
                batch=batch_rows(parquet.metadata, only=set(columns)),
                cut_cells=max_rows is not None, names=[f.name for f in kept_fields],
            )  # fmt: skip
            batches, cut = batches + found, cut + count
    except BaseException:
        for pending in matrices.values():
            if isinstance(pending, PendingVectors):
                pending.cancel()
        raise
    if total > rows and max_rows is not None:
        notes.append(rows_note(label, total, rows))
    if cut:
        notes.append(cut_note(cut))
    kept = pa.schema(kept_fields)
    table = pa.Table.from_batches(batches) if batches else kept.empty_table()
    return table, matrices, rows


def _read_columns(
    parquet: pq.ParquetFile,
    read: list[int],
    wanted: int,
    label: str,
    matrices: dict[int, Any],
    *,
    fast: set[int],
    raw: dict[int, int],
    half: set[int],
    batch: int,
    cut_cells: bool,
    names: list[str],
) -> tuple[list[pa.RecordBatch], int, int]:
    """The columns at positions ``read``, ``wanted`` rows batch by batch: those in ``fast``
    into ``matrices`` (float16 bytes at ``raw``, unit length restored at ``half``), the
    others as record batches of ``names``, text cut (with ``cut_cells``); the batches, the
    rows read and how many text cells were cut."""
    import pyarrow as pa

    schema = parquet.schema_arrow
    columns = None if len(read) == len(schema) else [schema.field(at).name for at in read]
    batches, rows, cut = [], 0, 0
    for found in decoded_ahead(parquet.iter_batches(batch_size=batch, columns=columns)):
        if rows >= wanted:
            break
        found = found.slice(0, wanted - rows)
        arrays = []
        for at, array in zip(read, found.columns, strict=True):
            if at in fast:
                block = bytes_block(array, raw[at], label) if at in raw else _block(array)
                matrix = matrices.get(at)
                if block is not None and matrix is None:
                    matrix = matrices[at] = np.empty((wanted, block.shape[1]), np.float32)
                if block is None or block.shape[1] != matrix.shape[1]:
                    raise _Irregular(at)
                widen(block, matrix[rows : rows + len(block)])
                if at in half:  # while the rows are in the cache
                    unit_again(matrix[rows : rows + len(block)])
                continue
            if pa.types.is_dictionary(array.type):
                array, count = _compact(array, cut_cells)
                cut += count
            arrays.append(array)
        if arrays:
            batches.append(pa.RecordBatch.from_arrays(arrays, names=names))
        rows += found.num_rows
    return batches, rows, cut


def _parquet_metadata(raw: Mapping[bytes, bytes] | None) -> dict:
    if not raw or METADATA_KEY not in raw:
        return {}
    try:
        found = json.loads(raw[METADATA_KEY])
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
