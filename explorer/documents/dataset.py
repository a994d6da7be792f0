"""Corpora of thousands to 100,000 texts: read them, embed them, write them back.

A corpus arrives as a file of texts (``.txt``, ``.csv``, ``.tsv``, ``.parquet``)
or as vectors computed elsewhere with their texts (``.npy`` with a texts file,
the Embedding Projector's TSV files, a parquet with an embedding column, or a
``.zip`` of them). :func:`read_frame` reads a table and guesses which column
holds the documents; :func:`from_frame` turns the chosen column into a
:class:`Dataset`: blank rows left out, duplicates merged, rows beyond
``CORPUS_MAX_ROWS`` left out, each with a note, and vectors and map
coordinates carried by the file kept row by row beside their texts.

:func:`embed` embeds a dataset through the disk cache (:mod:`explorer.models.doc_cache`),
so an interrupted run resumes; :func:`write_parquet` writes texts, columns,
vectors and map to one parquet file that :func:`read_frame` reads back. The
command line (``python -m explorer embed|project``) prepares big corpora this way.

Every problem with a file is a ``ValueError`` saying what was received, what is
allowed and what to do.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from explorer.config import (
    CORPUS_EMBED_BATCH,
    CORPUS_EMBED_BATCH_GPU,
    CORPUS_MAX_BYTES,
    CORPUS_MAX_ROWS,
    CORPUS_NOTE_CHARS,
    CORPUS_NOTE_ROWS,
    IMPORT_MAX_DIM,
    LABEL_CHARS,
    MAX_PHRASE_CHARS,
    METHODS,
    SEARCH_MAX_BYTES,
)
from explorer.documents import corpus
from explorer.documents import vectors as vector_files
from explorer.models import Embedder
from explorer.models.doc_cache import DocumentCache, Progress, default_cache
from explorer.phrases import clean_phrase, distinct, shorten

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: Tables :func:`read_frame` reads.
FRAME_TYPES = (".txt", ".csv", ".tsv", ".parquet")
#: Files of vectors (with their texts) :func:`read_vectors` reads, besides a parquet.
VECTOR_TYPES = (".npy", ".tsv", ".zip")
#: Every file :func:`load_file` takes.
UPLOAD_TYPES = (".txt", ".csv", ".tsv", ".parquet", ".npy", ".zip")
#: Names of a column of vectors, in order of preference (any case).
VECTOR_COLUMNS = ("embedding", "embeddings", "vector", "vectors", "emb")
#: Columns of the parquet files :func:`write_parquet` writes.
TEXT_COLUMN = "text"
VECTOR_COLUMN = "embedding"
COORD_COLUMNS = ("x", "y")
#: Key of this app's metadata in a parquet file's key-value metadata, and its version.
METADATA_KEY = b"explorer"
FORMAT_VERSION = 1

_PARQUET_MAGIC = b"PAR1"
_NON_BLANK = re.compile(rb"\S")
#: Bytes of a large file whose start is checked for binary data and encoding
#: (by :func:`explorer.documents.corpus.decode`) before the whole file is decoded.
_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True, eq=False)
class Dataset:
    """Documents ready to embed and map, and what was done to get them.

    Attributes:
        texts: distinct, non-empty documents, in file order.
        extra: the file's other columns, one row per text (index ``0..n-1``),
            for colouring and hover; never the text, vector or x/y columns.
        vectors: ``(n, d)`` float32 embeddings carried by the file, else ``None``.
        coords: ``(n, 2)`` float64 map carried by the file (columns x, y), else ``None``.
        model: the model that made ``vectors`` (from this app's parquet metadata), else ``None``.
        method: the projection that made ``coords`` (from the metadata), else ``None``.
        source: where the texts came from, for the UI (“reviews.csv”, column “text”).
        notes: one sentence per change (rows left out, duplicates merged, long texts).
    """

    texts: tuple[str, ...]
    extra: pd.DataFrame
    vectors: NDArray[np.float32] | None
    coords: NDArray[np.float64] | None
    model: str | None
    method: str | None
    source: str
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.texts)

    def describe(self) -> str:
        """One line for the UI.

        Example:
            >>> import pandas as pd
            >>> vectors = np.zeros((2, 384), dtype=np.float32)
            >>> Dataset(("a", "b"), pd.DataFrame(index=range(2)), vectors, None, "minilm",
            ...         None, "“x.csv”, column “text”").describe()
            '“x.csv”, column “text”: 2 documents, 384-d vectors from minilm'
        """
        n = len(self.texts)
        parts = [f"{n:,} document{'s' if n != 1 else ''}"]
        if self.vectors is not None:
            made = f" from {self.model}" if self.model else ""
            parts.append(f"{self.vectors.shape[1]}-d vectors{made}")
        if self.coords is not None:
            made = f" ({METHODS.get(self.method, self.method)})" if self.method else ""
            parts.append(f"a map{made}")
        return f"{self.source}: {', '.join(parts)}"


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


# --- Small helpers --------------------------------------------------------------


def _quote(text: str) -> str:
    return f"“{shorten(text, LABEL_CHARS)}”"


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def _row_list(rows: Sequence[int]) -> str:
    """'row 3', 'rows 3 and 7', 'rows 3, 7, 9, 12, 15 and 40 more' (1-based numbers given)."""
    shown = [f"{r:,}" for r in rows[:CORPUS_NOTE_ROWS]]
    more = len(rows) - len(shown)
    if len(rows) == 1:
        return f"row {shown[0]}"
    if more:
        return f"rows {', '.join(shown)} and {more:,} more"
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"


def _file_types(types: Sequence[str]) -> str:
    return ", ".join(types[:-1]) + " or " + types[-1]


def _check_bytes(data: bytes, name: str, max_bytes: int | None) -> None:
    label = _quote(name)
    if max_bytes is not None and len(data) > max_bytes:
        raise ValueError(
            f"{label} is {vector_files._size(len(data))}; "
            f"the limit is {vector_files._size(max_bytes)}. "
            f"Upload a smaller file (e.g. its first {CORPUS_MAX_ROWS:,} rows), or prepare "
            "the corpus with `python -m explorer embed`, which has no limit."
        )
    if not _NON_BLANK.search(data):
        raise ValueError(
            f"{label} is empty. Upload a .txt file with one document per line, a .csv or "
            ".parquet file with a column of documents, or vectors with their texts."
        )


def _decode(data: bytes, name: str) -> str:
    """The file as text, checked as :func:`explorer.documents.corpus.decode` checks uploads.

    ``corpus.decode`` refuses files over the Search page's limit, so a larger
    file has its start checked by it (binary data, UTF-16, encoding: the same
    messages) and is then decoded whole.
    """
    if len(data) <= SEARCH_MAX_BYTES:
        return corpus.decode(data, name=name)
    start = _NON_BLANK.search(data)
    head = data[start.start() if start else 0 :][:_HEAD_BYTES]
    # End the head on a whole character: a UTF-8 sequence cut in two is not an error.
    end = len(head)
    while end > 0 and len(head) - end < 3 and 0x80 <= head[end - 1] < 0xC0:
        end -= 1
    if end > 0 and head[end - 1] >= 0xC0:
        end -= 1
    corpus.decode(head[:end], name=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(corpus._encoding_message(data, error, _quote(name))) from None


def _binary_kind(data: bytes) -> str | None:
    return next((kind for sig, kind in corpus.BINARY_SIGNATURES if data.startswith(sig)), None)


# --- Reading a table ------------------------------------------------------------


def _sniff(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _numbers_where_possible(data: pd.DataFrame, *, skip: Sequence[str] = ()) -> pd.DataFrame:
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


def _read_table(text: str, name: str, delimiter: str) -> pd.DataFrame:
    import pandas as pd

    label = _quote(name)
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
    columns = corpus._unique_columns([str(c) for c in table.iloc[0]])
    data = table.iloc[1:].reset_index(drop=True)
    data.columns = list(columns)
    if data.empty:
        raise ValueError(
            f"{label} has a header row ({', '.join(columns)}) but no rows of data. "
            "Add one document per row below the header."
        )
    return _numbers_where_possible(data)


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

    label = _quote(name)
    if not data.startswith(_PARQUET_MAGIC):
        kind = _binary_kind(data)
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
    names = list(corpus._unique_columns([str(c) for c in table.column_names]))
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


def _coord_names(columns: Sequence[str]) -> tuple[str, str] | None:
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
    return corpus._guess_text_column(tuple(candidates), rows)


def _make_frame(
    name: str, data: pd.DataFrame, metadata: dict, list_columns: Sequence[str]
) -> Frame:
    lowered = {c.lower(): c for c in list_columns}
    vector_column = next((lowered[n] for n in VECTOR_COLUMNS if n in lowered), None)
    if vector_column is None and list_columns:
        vector_column = list_columns[0]
    coords = _coord_names(list(data.columns))
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


def read_frame(data: bytes, *, name: str, max_bytes: int | None = CORPUS_MAX_BYTES) -> Frame:
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
    suffix = _suffix(name)
    if suffix not in FRAME_TYPES:
        raise ValueError(
            f"{_quote(name)} is not a {_file_types(FRAME_TYPES)} file. Upload documents "
            "as one of these; vectors (.npy, Projector .tsv, .zip) go with their texts."
        )
    data = bytes(data)
    _check_bytes(data, name, max_bytes)
    if suffix == ".parquet":
        table, metadata, list_columns = _read_parquet(data, name)
        return _make_frame(name, table, metadata, list_columns)
    text = _decode(data, name)
    if suffix == ".txt":
        import pandas as pd

        lines = [line for line in text.splitlines() if line.strip()]
        return _make_frame(name, pd.DataFrame({TEXT_COLUMN: lines}, dtype=object), {}, [])
    delimiter = "\t" if suffix == ".tsv" else _sniff(text)
    return _make_frame(name, _read_table(text, name, delimiter), {}, [])


# --- From a table to a dataset ----------------------------------------------------


def _read_as_text(rows: NDArray[np.intp], texts: list[str], column: str, what: str) -> str:
    first = int(rows[0])
    if len(rows) == 1:
        return (
            f"1 row of column {column} holds {what} (row {first + 1:,}, "
            f"{_quote(texts[first])}); it is read as text."
        )
    return (
        f"{len(rows):,} rows of column {column} hold {what} (first: row {first + 1:,}, "
        f"{_quote(texts[first])}); they are read as text."
    )


def _text_values(values: pd.Series, column: str, notes: list[str]) -> list[str]:
    """The column as one string per row ("" where missing); a note if numbers are read as text."""
    import pandas as pd

    missing = values.isna().to_numpy()
    quoted = _quote(column)
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        notes.append(f"Column {quoted} holds numbers, not text; they are read as text.")
        texts = values.astype(str).tolist()
    else:
        if pd.api.types.is_string_dtype(values):
            is_text = np.ones(len(values), dtype=bool)
        else:  # objects of any kind: a DataFrame made by hand, a parquet list column
            is_text = values.map(lambda v: isinstance(v, str), na_action="ignore")
            is_text = is_text.fillna(True).to_numpy(dtype=bool)
        others = np.flatnonzero(~is_text & ~missing)
        texts = [v if isinstance(v, str) else str(v) for v in values.tolist()]
        numeric = pd.to_numeric(values.where(is_text), errors="coerce").notna()
        numbers = np.flatnonzero(numeric.to_numpy(dtype=bool) & ~missing)
        if len(others):
            notes.append(_read_as_text(others, texts, quoted, "numbers or other values, not text"))
        elif len(numbers):
            notes.append(_read_as_text(numbers, texts, quoted, "only a number"))
    return ["" if missing[i] else text for i, text in enumerate(texts)]


def _is_missing(cell: Any) -> bool:
    return cell is None or (isinstance(cell, float) and cell != cell)


def _width(cell: Any) -> int:
    try:
        return len(cell)
    except TypeError:
        return -1  # not a list of numbers at all


def _vectors_of(
    cells: NDArray[np.object_], rows: list[int], column: str, label: str
) -> NDArray[np.float32]:
    """The vectors of the kept ``rows`` as one float32 matrix, or a ValueError naming rows."""
    where = f"Column {_quote(column)} of {label}"
    chosen = cells[rows]
    missing = [rows[k] + 1 for k, cell in enumerate(chosen) if _is_missing(cell)]
    if missing:
        raise ValueError(
            f"{where} has no vector in {_row_list(missing)}; every document needs one. "
            "Remove those rows or embed the texts again."
        )
    widths = np.fromiter((_width(cell) for cell in chosen), dtype=np.int64, count=len(chosen))
    if (widths < 0).any():
        bad = int(np.flatnonzero(widths < 0)[0])
        raise ValueError(
            f"{where} does not hold a list of numbers in row {rows[bad] + 1:,}; "
            "every row needs one vector."
        )
    dim = int(widths[0])
    if (widths != dim).any():
        bad = int(np.flatnonzero(widths != dim)[0])
        found = ", ".join(f"{w:,}" for w in sorted(set(widths.tolist()))[:CORPUS_NOTE_ROWS])
        raise ValueError(
            f"{where}: row {rows[bad] + 1:,} has {widths[bad]:,} values but row "
            f"{rows[0] + 1:,} has {dim:,} (widths found: {found}); every vector needs "
            "the same number of values."
        )
    if dim < 2 or dim > IMPORT_MAX_DIM:
        raise ValueError(
            f"{where} holds vectors of {_plural(dim, 'value')}; vectors need 2 to "
            f"{IMPORT_MAX_DIM:,} dimensions."
        )
    try:
        matrix = np.concatenate(list(chosen)).reshape(len(rows), dim)
        if matrix.dtype.kind not in "fiub":
            matrix = matrix.astype(np.float64)
    except (ValueError, TypeError):
        raise ValueError(f"{where} holds values that are not numbers.") from None
    finite = np.isfinite(matrix).all(axis=1)
    if not finite.all():
        bad = [rows[k] + 1 for k in np.flatnonzero(~finite)]
        raise ValueError(
            f"{where} has NaN or infinite values in {_row_list(bad)}; every value must be "
            "a finite number. Fix or remove those rows."
        )
    with np.errstate(over="ignore"):
        vectors = np.ascontiguousarray(matrix, dtype=np.float32)
    if not np.isfinite(vectors).all():
        raise ValueError(f"{where}: some values are too large for float32 (beyond ±3.4e38).")
    return vectors


def _coords_of(
    data: pd.DataFrame, names: tuple[str, str], rows: list[int], notes: list[str]
) -> NDArray[np.float64] | None:
    import pandas as pd

    values = np.column_stack(
        [pd.to_numeric(data[n].iloc[rows], errors="coerce").to_numpy(np.float64) for n in names]
    )
    bad = np.flatnonzero(~np.isfinite(values).all(axis=1))
    if len(bad):
        notes.append(
            f"Columns {_quote(names[0])} and {_quote(names[1])} are not used as the map: "
            f"{_row_list([rows[k] + 1 for k in bad])} {'has' if len(bad) == 1 else 'have'} "
            "no finite number in them. The map is computed instead."
        )
        return None
    return values


def from_frame(
    frame: Frame, *, text_column: str | None = None, max_rows: int | None = CORPUS_MAX_ROWS
) -> Dataset:
    """The documents of one column, with the other columns, vectors and map beside them.

    Rows without text are left out, duplicates merged (the first kept, with its
    vector), rows beyond ``max_rows`` documents left out, each with a note;
    numbers in the text column are read as text, with a note.

    Args:
        frame: from :func:`read_frame`.
        text_column: the column of documents; ``None`` takes ``frame.text_guess``.
        max_rows: the most documents kept (``None``: all, for the command line).

    Raises:
        ValueError: no such column (the message lists them), no text, or
            vectors of different widths, with NaN, or missing.

    Example:
        >>> frame = read_frame(b"text,topic\\nfix the brakes,cars\\nbake bread,food\\n"
        ...                    b"fix the brakes,cars", name="d.csv")
        >>> dataset = from_frame(frame)
        >>> dataset.texts, dataset.extra["topic"].tolist()
        (('fix the brakes', 'bake bread'), ['cars', 'food'])
        >>> dataset.notes
        ('Merged 1 duplicate row (the first of each is kept); 2 distinct documents remain.',)
    """
    label = _quote(frame.name)
    data = frame.data
    columns = [str(c) for c in data.columns]
    listed = ", ".join(f"“{c}”" for c in columns)
    if max_rows is not None and max_rows < 1:
        raise ValueError(f"max_rows must be at least 1 (or None for no limit), got {max_rows}.")
    if text_column is None:
        text_column = frame.text_guess
        if text_column is None:
            raise ValueError(
                f"{label} has no text column: its columns ({listed}) hold numbers, vectors "
                "or nothing. Give a column of documents (headed e.g. “text”), or a .txt file "
                "with one document per line."
            )
    if text_column not in data.columns:
        raise ValueError(
            f"{label} has no column {_quote(text_column)}; its columns are {listed}. "
            "Choose one of them."
        )
    if text_column == frame.vector_column:
        raise ValueError(
            f"Column {_quote(text_column)} of {label} holds vectors, not text; choose one of "
            f"{', '.join(f'“{c}”' for c in frame.text_columns) or 'the text columns'}."
        )
    notes: list[str] = []
    values = _text_values(data[text_column], text_column, notes)
    chosen = distinct(values, limit=max_rows)
    kept = chosen.kept
    texts = tuple(clean_phrase(values[i]) for i in kept)
    where = f"column {_quote(text_column)} of {label}"
    if not texts:
        raise ValueError(
            f"The corpus is empty: {where} has no text in any row. Choose another column."
        )
    if chosen.blank:
        notes.append(
            f"Left out {_plural(len(chosen.blank), 'row')} with no text in {where} "
            f"({_row_list([i + 1 for i in chosen.blank])})."
        )
    vectors = None
    if frame.vector_column is not None:
        cells = data[frame.vector_column].to_numpy(dtype=object)
        vectors = _vectors_of(cells, kept, frame.vector_column, label)
    if chosen.duplicates:
        count = len(chosen.duplicates)
        with_vector = " and its vector" if vectors is not None else ""
        notes.append(
            f"Merged {_plural(count, 'duplicate row')} (the first of each is kept"
            f"{with_vector}); {_plural(len(texts), 'distinct document')} remain."
        )
    if chosen.overflow:
        notes.append(
            f"Only the first {max_rows:,} documents are kept (the limit); "
            f"{_plural(chosen.overflow, 'more document')} "
            f"{'was' if chosen.overflow == 1 else 'were'} left out."
        )
    long = sum(1 for t in texts if len(t) > MAX_PHRASE_CHARS)
    if long:
        notes.append(
            f"{_plural(long, 'document')} {'is' if long == 1 else 'are'} longer than "
            f"{MAX_PHRASE_CHARS:,} characters: the model reads the first "
            f"{MAX_PHRASE_CHARS:,} characters of each."
        )
    coord_names = _coord_names(columns)
    coords = _coords_of(data, coord_names, kept, notes) if coord_names else None
    dropped = {text_column, frame.vector_column, *(coord_names or ())}
    extra = data[[c for c in data.columns if c not in dropped]].iloc[kept].reset_index(drop=True)
    metadata = frame.metadata
    model = metadata.get("model") if vectors is not None else None
    if model is not None and metadata.get("dim") not in (None, vectors.shape[1]):
        model = None  # the metadata describes other vectors than these
    method = metadata.get("method") if coords is not None else None
    source = label if _suffix(frame.name) == ".txt" else f"{label}, column {_quote(text_column)}"
    return Dataset(
        texts=texts,
        extra=extra,
        vectors=vectors,
        coords=coords,
        model=str(model) if model is not None else None,
        method=str(method) if method is not None else None,
        source=source,
        notes=tuple(notes),
    )


# --- Vectors computed elsewhere ---------------------------------------------------


def _with_vectors(frame: Frame, vectors: NDArray[np.float32], what: str) -> Frame:
    """``frame`` with one more column holding ``vectors``, row by row."""
    import pandas as pd

    if len(vectors) != len(frame.data):
        raise ValueError(
            f"{what} has {len(vectors):,} vectors but {_quote(frame.name)} has "
            f"{len(frame.data):,} rows; each vector needs one row of text, in the same order."
        )
    column, n = VECTOR_COLUMN, 2
    while column in frame.data.columns:
        column, n = f"{VECTOR_COLUMN} ({n})", n + 1
    cells = np.empty(len(vectors), dtype=object)
    cells[:] = list(vectors)
    data = frame.data.assign(**{column: pd.Series(cells, dtype=object)})
    return replace(frame, data=data, vector_column=column)


def _from_imported(imported: vector_files.Imported, source: str, max_rows: int | None) -> Dataset:
    import pandas as pd

    data = pd.DataFrame({TEXT_COLUMN: imported.phrases}, dtype=object)
    for name, values in imported.columns.items():
        column, n = name, 2
        while column in data.columns or column == VECTOR_COLUMN:
            column, n = f"{name} ({n})", n + 1
        data[column] = pd.Series(values, dtype=object)
    data = _numbers_where_possible(data, skip=[TEXT_COLUMN])
    frame = _make_frame(imported.source, data, {}, [])
    with_vectors = _with_vectors(frame, imported.vectors, _quote(imported.source))
    dataset = from_frame(with_vectors, text_column=TEXT_COLUMN, max_rows=max_rows)
    notes = [shorten(note, CORPUS_NOTE_CHARS) for note in imported.notes]
    return replace(dataset, source=source, notes=(*notes, *dataset.notes))


def read_vectors(files: Mapping[str, bytes], *, max_rows: int | None = CORPUS_MAX_ROWS) -> Dataset:
    """Vectors computed elsewhere, with their texts.

    Accepted: a ``.npy`` array with a texts file (``.txt`` one per line,
    ``.tsv`` read like the Projector's metadata, or a ``.csv`` whose text
    column is guessed); the Embedding Projector's ``vectors.tsv`` with
    ``metadata.tsv``; a ``.parquet`` with a column of vectors; or a ``.zip``
    holding one of these. Row ``i`` of the vectors belongs to text ``i``.

    Args:
        files: file name -> bytes.
        max_rows: the most documents kept (``None``: all); the rest are left out with a note.

    Raises:
        ValueError: missing or extra files, vectors of different widths, NaN,
            too many dimensions, counts that differ, or any unreadable file.

    Example:
        >>> buffer = io.BytesIO()
        >>> np.save(buffer, np.eye(3, dtype=np.float32))
        >>> dataset = read_vectors({"v.npy": buffer.getvalue(), "t.txt": b"a\\nb\\nc\\n"})
        >>> dataset.texts, dataset.vectors.shape
        (('a', 'b', 'c'), (3, 3))
    """
    if not files:
        raise ValueError(
            "No file given; upload a .npy with a texts file, vectors.tsv with metadata.tsv, "
            "a .parquet with a column of vectors, or a .zip of them."
        )
    names = sorted(files)
    total = sum(len(files[n]) for n in names)
    if total > CORPUS_MAX_BYTES:
        raise ValueError(
            f"The files are {vector_files._size(total)} together; the limit is "
            f"{vector_files._size(CORPUS_MAX_BYTES)}. Upload fewer rows."
        )
    suffixes = {name: _suffix(name) for name in names}
    accepted = (*VECTOR_TYPES, ".txt", ".csv", ".parquet")
    for name, suffix in suffixes.items():
        if suffix not in accepted:
            raise ValueError(
                f"Cannot read {_quote(name)} as vectors: accepted files are "
                f"{_file_types(accepted)}."
            )
    limits: dict[str, Any] = {"max_rows": None, "max_bytes": CORPUS_MAX_BYTES}
    if ".zip" in suffixes.values() or ".parquet" in suffixes.values():
        if len(files) > 1:
            raise ValueError(
                f"Upload a .zip or a .parquet on its own (got {', '.join(map(_quote, names))})."
            )
        name = names[0]
        if suffixes[name] == ".zip":
            inner = vector_files._unzip(_quote(name), bytes(files[name]), CORPUS_MAX_BYTES, None)
            dataset = read_vectors(inner, max_rows=max_rows)
            return replace(dataset, source=f"{_quote(name)} ({dataset.source})")
        frame = read_frame(files[name], name=name)
        if frame.vector_column is None:
            raise ValueError(
                f"{_quote(name)} has no column of vectors (a list of numbers per row, named "
                f"e.g. “embedding”); its columns are {', '.join(map(_quote, frame.data.columns))}."
                " Open it as a table of texts to embed them."
            )
        return from_frame(frame, max_rows=max_rows)
    npys = [n for n in names if suffixes[n] == ".npy"]
    texts = [n for n in names if suffixes[n] != ".npy"]
    if npys and (len(npys) > 1 or len(texts) > 1):
        raise ValueError(
            "Upload one .npy of vectors and one texts file (.txt, .tsv or .csv), "
            f"got {', '.join(map(_quote, names))}."
        )
    if npys and texts and suffixes[texts[0]] == ".csv":
        vectors = vector_files.read_npy(files[npys[0]], None, npy_name=_quote(npys[0]), **limits)
        frame = read_frame(files[texts[0]], name=texts[0])
        dataset = from_frame(
            _with_vectors(frame, vectors.vectors, _quote(npys[0])), max_rows=max_rows
        )
        return replace(dataset, source=f"{_quote(npys[0])} with {dataset.source}")
    if not npys and any(suffixes[n] == ".csv" for n in names):
        raise ValueError(
            "A .csv of texts goes with a .npy of vectors; for a table with a column of "
            "vectors, upload a .parquet."
        )
    imported = vector_files.read_uploads({n: bytes(files[n]) for n in names}, **limits)
    # Name the vectors first: “v.npy” with “texts.txt”, “vectors.tsv” with “metadata.tsv”.
    names.sort(key=lambda n: (suffixes[n] != ".npy", not vector_files._looks_numeric(files[n])))
    return _from_imported(imported, " with ".join(map(_quote, names)), max_rows)


def is_vectors_file(name: str, data: bytes) -> bool:
    """Whether a file holds vectors (``.npy``, ``.zip``, a Projector ``.tsv`` of numbers).

    Example:
        >>> is_vectors_file("vectors.tsv", b"0.1\\t0.2\\n"), is_vectors_file("docs.tsv", b"text\\n")
        (True, False)
    """
    suffix = _suffix(name)
    return suffix in (".npy", ".zip") or (
        suffix == ".tsv" and vector_files._looks_numeric(bytes(data))
    )


def load_file(data: bytes, *, name: str, text_column: str | None = None) -> Dataset:
    """A dataset from one uploaded file: a table of texts, or vectors with their texts.

    ``.npy`` (texts then named “point 1”…), ``.zip``, and a ``.tsv`` whose first
    line is all numbers (the Projector's vectors) are read by :func:`read_vectors`;
    other files by :func:`read_frame` and :func:`from_frame`.

    Example:
        >>> load_file(b"first doc\\nsecond doc\\n", name="notes.txt").describe()
        '“notes.txt”: 2 documents'
    """
    if is_vectors_file(name, data):
        return read_vectors({name: data})
    if _suffix(name) not in FRAME_TYPES:
        raise ValueError(
            f"{_quote(name)} is not a {_file_types(UPLOAD_TYPES)} file. Upload documents "
            "(.txt one per line, .csv, .tsv or .parquet with a column of text) or vectors."
        )
    return from_frame(read_frame(data, name=name), text_column=text_column)


# --- Embedding --------------------------------------------------------------------


def check_vectors_for(dataset: Dataset, model: Embedder) -> None:
    """Refuse a model whose vectors cannot sit beside the dataset's (a query, say).

    Raises:
        ValueError: the widths differ, or this app's metadata names another model.

    Example:
        >>> import pandas as pd
        >>> from explorer.models import load_model
        >>> dataset = Dataset(("a",), pd.DataFrame(index=range(1)),
        ...                   np.zeros((1, 512), np.float32), None, None, None, "“v.npy”")
        >>> check_vectors_for(dataset, load_model("minilm"))
        Traceback (most recent call last):
        ...
        ValueError: The vectors of “v.npy” are 512-d but minilm makes 384-d; they come from another model. Choose the model that made them, or embed the texts again with minilm.
    """  # noqa: E501 - a doctest's expected output is one line
    if dataset.vectors is None:
        return
    dim = int(dataset.vectors.shape[1])
    if dim != model.dim:
        raise ValueError(
            f"The vectors of {dataset.source} are {dim}-d but {model.name} makes "
            f"{model.dim}-d; they come from another model. Choose the model that made them, "
            f"or embed the texts again with {model.name}."
        )
    if dataset.model is not None and dataset.model != model.name:
        raise ValueError(
            f"The vectors of {dataset.source} were made by {dataset.model}, not "
            f"{model.name}: the two models place texts differently. Choose {dataset.model}, "
            f"or embed the texts again with {model.name}."
        )


def default_batch_size(model: Embedder) -> int:
    """Texts embedded per model call and saved per cache file: larger on a GPU.

    Example:
        >>> from explorer.models import load_model
        >>> default_batch_size(load_model("minilm"))
        512
    """
    on_gpu = getattr(model, "device", "cpu") != "cpu"
    return CORPUS_EMBED_BATCH_GPU if on_gpu else CORPUS_EMBED_BATCH


_sized_caches: dict[tuple[Path | None, int], DocumentCache] = {}


def _cache_for(
    cache: DocumentCache | None, batch_size: int | None, model: Embedder
) -> DocumentCache:
    """The cache to embed through, holding batches of the size asked for.

    A :class:`DocumentCache` fixes its batch size when made, so another size
    uses a second cache on the same folder (caches share a folder safely).
    """
    base = default_cache() if cache is None else cache
    size = batch_size or (base.batch_size if cache is not None else default_batch_size(model))
    if size == base.batch_size:
        return base
    if cache is not None:
        return DocumentCache(base.folder, batch_size=size, memory_rows=base.memory_rows)
    key = (base.folder, size)
    if key not in _sized_caches:
        _sized_caches[key] = DocumentCache(
            base.folder, batch_size=size, memory_rows=base.memory_rows
        )
    return _sized_caches[key]


def embed(
    dataset: Dataset,
    *,
    model: Embedder,
    cache: DocumentCache | None = None,
    progress: Progress | None = None,
    batch_size: int | None = None,
) -> NDArray[np.float32]:
    """Embed the dataset's texts, only those not in the cache, batch by batch.

    Each batch is saved as soon as it is embedded, so an interrupted run
    resumes where it stopped. The file's own ``dataset.vectors`` are not used.

    Args:
        dataset: the texts.
        model: the embedder.
        cache: where embeddings are kept; ``None`` uses the default cache folder.
        progress: ``progress(embedded, to_embed)`` after each batch, see
            :data:`explorer.models.doc_cache.Progress`.
        batch_size: texts per model call and per cache file; ``None`` takes the
            cache's own size when a cache is given, else ``CORPUS_EMBED_BATCH``
            (``CORPUS_EMBED_BATCH_GPU`` for a model on a GPU).

    Returns:
        ``(len(dataset), model.dim)`` float32, row ``i`` for ``dataset.texts[i]``.

    Example:
        >>> import pandas as pd
        >>> from explorer.models import load_model
        >>> dataset = Dataset(("a cat", "a dog"), pd.DataFrame(index=range(2)), None, None,
        ...                   None, None, "pasted text")
        >>> embed(dataset, model=load_model("minilm"), cache=DocumentCache(None)).shape
        (2, 384)
    """
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    chosen = _cache_for(cache, batch_size, model)
    return chosen.embed(list(dataset.texts), model=model, progress=progress)


# --- Writing ----------------------------------------------------------------------


def _arrow_column(values: pd.Series) -> pa.Array:
    """A column as arrow; cells arrow cannot type (mixed objects) are written as text."""
    import pyarrow as pa

    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pa.array(
            [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in values],
            type=pa.string(),
        )


def write_parquet(
    path: str | os.PathLike[str],
    dataset: Dataset,
    *,
    vectors: NDArray | None = None,
    coords: NDArray | None = None,
    model: str | None = None,
    method: str | None = None,
) -> None:
    """Write texts, other columns, vectors and map to one parquet file, atomically.

    Columns: ``text``, the extra columns (renamed “name (2)” where they would
    clash), ``embedding`` (``fixed_size_list<float32>[d]``) when there are
    vectors, ``x`` and ``y`` when there is a map. The key-value metadata
    ``explorer`` holds JSON ``{"model", "dim", "method", "rows", "version"}``.

    Args:
        path: the file to write (a temporary file beside it is renamed into place).
        dataset: the texts and extra columns.
        vectors, model: ``(n, d)`` embeddings and the model that made them;
            ``None`` takes ``dataset.vectors`` and ``dataset.model``.
        coords, method: ``(n, 2)`` map and the method that made it; ``None``
            takes ``dataset.coords`` and ``dataset.method``.

    Raises:
        ValueError: vectors or coordinates that are not one row per text.

    Example:
        >>> import pandas as pd, tempfile
        >>> dataset = Dataset(("a", "b"), pd.DataFrame({"topic": ["x", "y"]}), None, None,
        ...                   None, None, "pasted text")
        >>> path = Path(tempfile.mkdtemp()) / "out.parquet"
        >>> write_parquet(path, dataset, vectors=np.eye(2, dtype=np.float32), model="minilm")
        >>> frame = read_frame(path.read_bytes(), name=path.name)
        >>> frame.metadata["model"], from_frame(frame).vectors.tolist()
        ('minilm', [[1.0, 0.0], [0.0, 1.0]])
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = len(dataset.texts)
    if vectors is None:
        vectors, model = dataset.vectors, model or dataset.model
    if coords is None:
        coords, method = dataset.coords, method or dataset.method
    if len(dataset.extra) != n:
        raise ValueError(
            f"Expected one row of extra columns per text: {n:,} texts, {len(dataset.extra):,} rows."
        )
    arrays: dict[str, pa.Array] = {TEXT_COLUMN: pa.array(dataset.texts, type=pa.large_string())}
    taken = {TEXT_COLUMN, VECTOR_COLUMN, *COORD_COLUMNS}
    for name in dataset.extra.columns:
        column, k = str(name), 2
        while column in taken:
            column, k = f"{name} ({k})", k + 1
        taken.add(column)
        arrays[column] = _arrow_column(dataset.extra[name].reset_index(drop=True))
    dim = None
    if vectors is not None:
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or len(matrix) != n:
            raise ValueError(
                f"Expected one vector per text: {n:,} texts, vectors of shape {matrix.shape}."
            )
        dim = int(matrix.shape[1])
        arrays[VECTOR_COLUMN] = pa.FixedSizeListArray.from_arrays(pa.array(matrix.reshape(-1)), dim)
    if coords is not None:
        points = np.asarray(coords, dtype=np.float64)
        if points.shape != (n, 2):
            raise ValueError(
                f"Expected one (x, y) point per text: {n:,} texts, coordinates of shape "
                f"{points.shape}."
            )
        arrays[COORD_COLUMNS[0]] = pa.array(points[:, 0])
        arrays[COORD_COLUMNS[1]] = pa.array(points[:, 1])
    metadata = {
        "model": model,
        "dim": dim,
        "method": method if coords is not None else None,
        "rows": n,
        "version": FORMAT_VERSION,
    }
    table = pa.table(arrays).replace_schema_metadata({METADATA_KEY: json.dumps(metadata).encode()})
    final = Path(path)
    partial = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        # Dictionaries and compression help text and labels; on 100,000 vectors
        # they only slow reading down (random floats neither repeat nor compress).
        plain = [VECTOR_COLUMN, *COORD_COLUMNS]
        pq.write_table(
            table,
            partial,
            use_dictionary=[c for c in table.column_names if c not in plain],
            compression={c: "none" if c in plain else "snappy" for c in table.column_names},
        )
        os.replace(partial, final)  # atomic: a reader never sees half a file
    finally:
        partial.unlink(missing_ok=True)
