"""Parquet files of documents, read with their size checked first.

A tiny file of one repeated long string cannot unpack to gigabytes: the
declared uncompressed size is checked before reading, rows are decoded a batch
at a time with text kept as dictionaries, and reading stops at the row limit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from explorer.config import (
    CORPUS_MAX_ROWS,
    DOC_MAX_CHARS,
    PARQUET_BATCH_ROWS,
    PARQUET_MAX_UNCOMPRESSED_BYTES,
)
from explorer.documents.readers.text import (
    cut_note,
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

_PARQUET_MAGIC = b"PAR1"


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


def read_parquet(
    data: bytes, name: str, max_rows: int | None
) -> tuple[pd.DataFrame, dict, list[str], list[str]]:
    """The table, this app's metadata, its numeric list columns and notes on what was cut.

    With ``max_rows``, the metadata is checked first (an uncompressed size over
    ``PARQUET_MAX_UNCOMPRESSED_BYTES`` is refused), then rows are decoded
    ``PARQUET_BATCH_ROWS`` at a time, text cells cut to ``DOC_MAX_CHARS``, and
    reading stops after ``max_rows`` rows: a tiny file of repeated long strings
    cannot unpack to gigabytes.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    label = quote(name)
    if not data.startswith(_PARQUET_MAGIC):
        kind = signature_kind(data)
        what = f"it is {kind}" if kind else "it lacks the Parquet signature (PAR1)"
        raise ValueError(
            f"{label} is not a Parquet file: {what}. Save the table with pandas "
            "(DataFrame.to_parquet) or pyarrow, or upload it as .csv."
        )
    notes: list[str] = []
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        if max_rows is None:
            table = parquet.read()
        else:
            _check_parquet_size(parquet.metadata, label)
            table = _read_batches(data, max_rows, label, notes)
    except (pa.ArrowException, OSError) as error:
        raise ValueError(
            f"{label} cannot be read as Parquet ({error}); it may be cut short or damaged. "
            "Save it again and upload it."
        ) from None
    metadata = _parquet_metadata(parquet.schema_arrow.metadata)
    names = list(unique_columns([str(c) for c in table.column_names]))
    if not names:
        raise ValueError(f"{label} has no columns. Upload a table with a column of documents.")
    if table.num_rows == 0:
        raise ValueError(
            f"{label} has columns ({', '.join(names)}) but no rows of data. "
            "Upload a table with one document per row."
        )
    columns: dict[str, Any] = {}
    list_columns: list[str] = []
    for column_name, column in zip(names, table.columns, strict=True):
        if _is_numeric_list(column.type):
            columns[column_name] = _list_cells(column)
            list_columns.append(column_name)
        elif pa.types.is_dictionary(column.type):  # text read as a dictionary: shared strings
            columns[column_name] = column.to_pandas().astype(object)
        else:
            columns[column_name] = column.to_pandas()
    return pd.DataFrame(columns), metadata, list_columns, notes


def _check_parquet_size(metadata: Any, label: str) -> None:
    """Refuse a parquet whose metadata declares more than ``PARQUET_MAX_UNCOMPRESSED_BYTES``."""
    size = sum(
        metadata.row_group(g).column(c).total_uncompressed_size
        for g in range(metadata.num_row_groups)
        for c in range(metadata.num_columns)
    )
    if size > PARQUET_MAX_UNCOMPRESSED_BYTES:
        raise ValueError(
            f"{label} unpacks to {size_text(size)}; the limit is "
            f"{size_text(PARQUET_MAX_UNCOMPRESSED_BYTES)}. Upload fewer rows or columns "
            f"(e.g. its first {CORPUS_MAX_ROWS:,} rows)."
        )


def _read_batches(data: bytes, max_rows: int, label: str, notes: list[str]) -> pa.Table:
    """The first ``max_rows`` rows, batch by batch, text cells cut to ``DOC_MAX_CHARS``.

    Text columns are read as dictionaries and cut there: 20,000 copies of one
    long string stay one string, never 20,000.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    schema = pq.ParquetFile(pa.BufferReader(data)).schema_arrow
    texts = [
        f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
    ]
    parquet = pq.ParquetFile(pa.BufferReader(data), read_dictionary=texts)
    batches, rows, cut = [], 0, 0
    for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
        batch = batch.slice(0, max_rows - rows)
        arrays = []
        for array in batch.columns:
            if pa.types.is_dictionary(array.type):
                long = pc.greater(pc.utf8_length(array.dictionary), DOC_MAX_CHARS)
                count = pc.sum(pc.take(long, array.indices)).as_py() or 0
                if count:
                    values = pc.utf8_slice_codeunits(array.dictionary, 0, DOC_MAX_CHARS)
                    array = pa.DictionaryArray.from_arrays(array.indices, values)
                    cut += count
            arrays.append(array)
        batches.append(pa.RecordBatch.from_arrays(arrays, names=batch.schema.names))
        rows += batch.num_rows
        if rows >= max_rows:
            break
    total = parquet.metadata.num_rows
    if total > rows:
        notes.append(rows_note(label, total, rows))
    if cut:
        notes.append(cut_note(cut))
    return pa.Table.from_batches(batches) if batches else schema.empty_table()


def _parquet_metadata(raw: Mapping[bytes, bytes] | None) -> dict:
    if not raw or METADATA_KEY not in raw:
        return {}
    try:
        found = json.loads(raw[METADATA_KEY])
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
