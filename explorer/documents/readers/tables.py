"""Tables of documents: ``.txt``, ``.csv``, ``.tsv`` and ``.parquet`` files, read once.

* :func:`read_table` reads a CSV cell by cell into a :class:`Table` of strings
  (the Search page: quoted cells may span lines, ragged rows are padded).
* :func:`read_frame` reads any of the four into a :class:`Frame` (pandas; the
  Corpus page and the command line): numbers become numbers, a parquet's list
  column holds vectors and its metadata says which model made them.

Both guess which column holds the documents with the same rules, and check
the file with :func:`explorer.documents.readers.text.decode` under the limits
they are given.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from explorer.documents.readers.text import (
    CORPUS,
    SEARCH,
    Limits,
    check_bytes,
    decode,
    file_types,
    is_number,
    quote,
    signature_kind,
    suffix,
)
from explorer.documents.writers import COORD_COLUMNS, METADATA_KEY, TEXT_COLUMN
from explorer.phrases import clean_phrase

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: Tables :func:`read_frame` reads.
FRAME_TYPES = (".txt", ".csv", ".tsv", ".parquet")
#: Column names taken as the text column, in order of preference (any case).
TEXT_COLUMNS = (
    "text", "document", "documents", "content", "body", "sentence", "review",
    "comment", "message", "description", "title",
)  # fmt: skip
#: Names of a column of vectors, in order of preference (any case).
VECTOR_COLUMNS = ("embedding", "embeddings", "vector", "vectors", "emb")
_PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class Table:
    """A CSV file read into rows, before a text column is chosen.

    Attributes:
        name: the file's name.
        columns: the header row (blank names become "column 3", repeats get " (2)").
        rows: the data rows, each padded or cut to ``len(columns)`` cells.
        guess: the column that looks like the documents, or ``None`` if none does.
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    guess: str | None


@dataclass(frozen=True, eq=False)
class Frame:
    """A table read from a file, before its text column is chosen.

    Attributes:
        name: the file's name.
        data: the rows; a vector column holds one 1-D array (or ``None``) per row.
        text_guess: the column that looks like the documents, or ``None``.
        text_columns: columns that can be the text (strings), the guess first.
        color_columns: columns that can colour the map: all but the guessed
            text, vector (list-valued) and x/y columns.
        vector_column: the list-valued column of embeddings, if any.
        metadata: this app's parquet metadata (``model``, ``dim``, ``method``,
            ``rows``, ``version``), ``{}`` if none.
    """

    name: str
    data: pd.DataFrame
    text_guess: str | None
    text_columns: tuple[str, ...]
    color_columns: tuple[str, ...]
    vector_column: str | None
    metadata: dict = field(default_factory=dict)


def unique_columns(header: Sequence[str]) -> tuple[str, ...]:
    """Column names from a header row: blanks named by position, repeats numbered.

    Example:
        >>> unique_columns(["text", "", "text"])
        ('text', 'column 2', 'text (2)')
    """
    columns: list[str] = []
    for i, raw in enumerate(header):
        base = clean_phrase(raw) or f"column {i + 1}"
        name, n = base, 2
        while name in columns:
            name, n = f"{base} ({n})", n + 1
        columns.append(name)
    return tuple(columns)


def guess_text_column(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str | None:
    """The column that looks like documents: a known name, else the longest words.

    Example:
        >>> guess_text_column(("id", "blurb"), (("1", "A steel kettle"), ("2", "A fridge")))
        'blurb'
    """
    lowered = {c.lower(): c for c in columns}
    for name in TEXT_COLUMNS:
        if name in lowered:
            return lowered[name]
    best, best_length = None, 0.0
    for i, column in enumerate(columns):
        cells = [r[i].strip() for r in rows[:1000] if r[i].strip()]
        words = [c for c in cells if not is_number(c)]
        if not cells or len(words) < len(cells) / 2:
            continue  # empty, or mostly numbers: not documents
        length = sum(map(len, words)) / len(words)
        if length > best_length:
            best, best_length = column, length
    return best


def _sniff(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def read_table(data: bytes, *, name: str, limits: Limits = SEARCH) -> Table:
    """Read an uploaded CSV (comma, semicolon, tab or pipe separated; first row = header).

    Example:
        >>> table = read_table(b"id;review\\n1;Great phone\\n2;Battery died", name="r.csv")
        >>> table.columns, table.guess
        (('id', 'review'), 'review')
    """
    text = decode(data, name=name, limits=limits)
    label = quote(name)
    reader = csv.reader(io.StringIO(text, newline=""), _sniff(text))
    try:
        all_rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise ValueError(
            f"{label} cannot be read as CSV: {error} (line {reader.line_num:,}). "
            "Check that it is a comma-separated file with a header row."
        ) from None
    if not all_rows:
        raise ValueError(f"{label} is empty. Upload a CSV with a header row and a column of text.")
    columns = unique_columns(all_rows[0])
    width = len(columns)
    rows = tuple(tuple((row + [""] * width)[:width]) for row in all_rows[1:])
    if not rows:
        raise ValueError(_no_rows(label, columns))
    return Table(name=name, columns=columns, rows=rows, guess=guess_text_column(columns, rows))


def _no_rows(label: str, columns: Sequence[str]) -> str:
    return (
        f"{label} has a header row ({', '.join(columns)}) but no rows of data. "
        "Add one document per row below the header."
    )


# --- A frame: pandas and parquet ---------------------------------------------------


def numbers_where_possible(data: pd.DataFrame, *, skip: Sequence[str] = ()) -> pd.DataFrame:
    """Columns of text whose non-blank cells are all numbers become numeric (blank: NaN)."""
    import pandas as pd

    for column in data.columns:
        values = data[column]
        if column in skip or not pd.api.types.is_string_dtype(values):
            continue  # numbers already, lists (vectors) or mixed objects
        blank = values.isna() | (values.str.strip() == "")
        filled = values[~blank]
        if filled.empty or pd.to_numeric(filled.head(100), errors="coerce").isna().any():
            continue  # checked on the first cells, so text columns cost little
        numbers = pd.to_numeric(filled, errors="coerce")
        if numbers.notna().all():
            data[column] = pd.to_numeric(values.where(~blank), errors="coerce")
    return data


def _read_csv(text: str, name: str, delimiter: str) -> pd.DataFrame:
    import pandas as pd

    label = quote(name)
    kind = "TSV" if delimiter == "\t" else "CSV"
    try:
        table = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise ValueError(
            f"{label} is empty. Upload a {kind} file with a header row and a column of text."
        ) from None
    except (pd.errors.ParserError, ValueError) as error:
        reason = str(error).replace("Error tokenizing data. C error: ", "").strip()
        raise ValueError(
            f"{label} cannot be read as {kind}: {reason}. Check that it has a header row "
            "and that cells holding the separator or line breaks are quoted."
        ) from None
    columns = unique_columns([str(c) for c in table.iloc[0]])
    data = table.iloc[1:].reset_index(drop=True)
    data.columns = list(columns)
    if data.empty:
        raise ValueError(_no_rows(label, columns))
    return numbers_where_possible(data)


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


def _read_parquet(data: bytes, name: str) -> tuple[pd.DataFrame, dict, list[str]]:
    """The table, this app's metadata and the names of its numeric list columns."""
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
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as error:
        raise ValueError(
            f"{label} cannot be read as Parquet ({error}); it may be cut short or damaged. "
            "Save it again and upload it."
        ) from None
    metadata = _parquet_metadata(table.schema.metadata)
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
        else:
            columns[column_name] = column.to_pandas()
    return pd.DataFrame(columns), metadata, list_columns


def _parquet_metadata(raw: Mapping[bytes, bytes] | None) -> dict:
    if not raw or METADATA_KEY not in raw:
        return {}
    try:
        found = json.loads(raw[METADATA_KEY])
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def coord_names(columns: Sequence[str]) -> tuple[str, str] | None:
    lowered: dict[str, list[str]] = {}
    for column in columns:
        lowered.setdefault(column.strip().lower(), []).append(column)
    found = [lowered.get(name, []) for name in COORD_COLUMNS]
    if all(len(names) == 1 for names in found):
        return found[0][0], found[1][0]
    return None


def _text_candidates(data: pd.DataFrame, skip: set[str]) -> list[str]:
    import pandas as pd

    return [
        column
        for column in data.columns
        if column not in skip
        and (
            pd.api.types.is_string_dtype(data[column]) or pd.api.types.is_object_dtype(data[column])
        )
    ]


def _guess_text(data: pd.DataFrame, candidates: list[str], metadata: dict) -> str | None:
    if metadata and TEXT_COLUMN in candidates:
        return TEXT_COLUMN
    if not candidates:
        return None
    head = data[candidates].head(1000).fillna("").astype(str)
    rows = tuple(head.itertuples(index=False, name=None))
    return guess_text_column(tuple(candidates), rows)


def make_frame(name: str, data: pd.DataFrame, metadata: dict, list_columns: Sequence[str]) -> Frame:
    lowered = {c.lower(): c for c in list_columns}
    vector_column = next((lowered[n] for n in VECTOR_COLUMNS if n in lowered), None)
    if vector_column is None and list_columns:
        vector_column = list_columns[0]
    coords = coord_names(list(data.columns))
    skip = set(list_columns) | set(coords or ())
    candidates = _text_candidates(data, skip)
    guess = _guess_text(data, candidates, metadata)
    text_columns = ([guess] if guess else []) + [c for c in candidates if c != guess]
    color_columns = [c for c in data.columns if c not in skip and c != guess]
    return Frame(
        name=name,
        data=data,
        text_guess=guess,
        text_columns=tuple(text_columns),
        color_columns=tuple(color_columns),
        vector_column=vector_column,
        metadata=metadata,
    )


def read_frame(data: bytes, *, name: str, max_bytes: int | None = CORPUS.max_bytes) -> Frame:
    """Read a table of documents: ``.txt``, ``.csv``, ``.tsv`` or ``.parquet``.

    A ``.txt`` file holds one document per line (blank lines skipped) in a
    column "text". A ``.csv`` is comma, semicolon, tab or pipe separated
    (sniffed), a ``.tsv`` tab separated; the first row is the header, and
    columns of numbers are read as numbers. A ``.parquet`` may carry a column
    of vectors (a list per row) and this app's metadata.

    Args:
        data: the file's bytes.
        name: its name; the suffix says how to read it.
        max_bytes: the largest file taken (``None``: any size, for the command line).

    Raises:
        ValueError: unknown suffix, too large, empty, binary, not UTF-8, not
            Parquet or damaged, or a header without rows.

    Example:
        >>> frame = read_frame(b"id;review;stars\\n1;Great phone;5\\n2;Battery died;1",
        ...                    name="r.csv")
        >>> frame.text_guess, frame.text_columns, frame.color_columns
        ('review', ('review',), ('id', 'stars'))
    """
    kind = suffix(name)
    if kind not in FRAME_TYPES:
        raise ValueError(
            f"{quote(name)} is not a {file_types(FRAME_TYPES)} file. Upload documents "
            "as one of these; vectors (.npy, Projector .tsv, .zip) go with their texts."
        )
    data = bytes(data)
    limits = CORPUS.with_limits(max_bytes=max_bytes, max_rows=CORPUS.max_rows)
    check_bytes(data, label=quote(name), limits=limits)
    if kind == ".parquet":
        table, metadata, list_columns = _read_parquet(data, name)
        return make_frame(name, table, metadata, list_columns)
    text = decode(data, name=name, limits=limits)
    if kind == ".txt":
        import pandas as pd

        lines = [line for line in text.splitlines() if line.strip()]
        return make_frame(name, pd.DataFrame({TEXT_COLUMN: lines}, dtype=object), {}, [])
    delimiter = "\t" if kind == ".tsv" else _sniff(text).delimiter
    return make_frame(name, _read_csv(text, name, delimiter), {}, [])
