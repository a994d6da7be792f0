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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from explorer.config import (
    DOC_MAX_CHARS,
)
from explorer.documents.readers.half import ParquetSource, PendingVectors, source_size
from explorer.documents.readers.parquet import read_parquet
from explorer.documents.readers.text import (
    CORPUS,
    CORPUS_ROWS,
    SEARCH,
    Limits,
    RowCap,
    check_bytes,
    check_size,
    corpus_max_bytes,
    corpus_max_rows,
    cut_note,
    decode,
    file_types,
    is_number,
    quote,
    rows_note,
    suffix,
    unique_columns,
)
from explorer.documents.writers import COORD_COLUMNS, TEXT_COLUMN

if TYPE_CHECKING:
    import pandas as pd

#: Tables :func:`read_frame` reads.
FRAME_TYPES = (".txt", ".csv", ".tsv", ".parquet")
#: Column names taken as the text column, in order of preference (any case).
TEXT_COLUMNS = (
    "text", "document", "documents", "content", "body", "sentence", "review",
    "comment", "message", "description", "title",
)  # fmt: skip
#: Names of a column of vectors, in order of preference (any case).
VECTOR_COLUMNS = ("embedding", "embeddings", "vector", "vectors", "emb")


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
        notes: what reading left out (rows beyond the limit, characters of long cells).
        vectors: the ``vector_column`` as one ``(n, d)`` float32 matrix, when a
            parquet's every row holds a vector of one width; that column is then
            not in ``data`` (a million arrays, one per row, would take seconds).
            Float16 bytes come as :class:`PendingVectors`, read on a thread until
            :func:`~explorer.documents.readers.columns.from_frame` needs them.
    """

    name: str
    data: pd.DataFrame
    text_guess: str | None
    text_columns: tuple[str, ...]
    color_columns: tuple[str, ...]
    vector_column: str | None
    metadata: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    vectors: NDArray[np.float32] | PendingVectors | None = None

    @property
    def columns(self) -> list[str]:
        """Every column, in file order: ``data``'s and the vectors kept apart."""
        names = [str(c) for c in self.data.columns]
        if self.vector_column is not None and self.vector_column not in names:
            names.append(self.vector_column)
        return names

    def without_vectors(self) -> Frame:
        """The frame with its vector column left out (embedding again replaces them)."""
        if self.vector_column is None:
            return self
        if isinstance(self.vectors, PendingVectors):
            self.vectors.cancel()
        data = self.data.drop(columns=[self.vector_column], errors="ignore")
        return replace(self, data=data, vector_column=None, vectors=None)


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


def _read_csv(data: bytes, name: str, delimiter: str, max_rows: int | None) -> pd.DataFrame:
    """The rows of a CSV or TSV (already checked to be UTF-8), up to ``max_rows`` + 1 of data.

    Read from the bytes, so no copy of the whole text is made; the row past
    ``max_rows`` only says that there are more.
    """
    import pandas as pd

    label = quote(name)
    kind = "TSV" if delimiter == "\t" else "CSV"
    try:
        table = pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            engine="c",
            encoding="utf-8-sig",
            nrows=None if max_rows is None else max_rows + 2,
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


def _cut_long_cells(data: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Text cells cut to ``DOC_MAX_CHARS`` characters, with a note counting them."""
    import pandas as pd

    cut = 0
    for column in data.columns:
        values = data[column]
        if not pd.api.types.is_string_dtype(values):
            continue
        long = values.str.len() > DOC_MAX_CHARS
        count = int(long.sum())
        if count:
            data.loc[long, column] = values[long].str.slice(0, DOC_MAX_CHARS)
            cut += count
    if cut:
        notes.append(cut_note(cut))
    return data


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


def make_frame(
    name: str,
    data: pd.DataFrame,
    metadata: dict,
    list_columns: Sequence[str],
    matrices: Mapping[str, NDArray[np.float32] | PendingVectors] | None = None,
) -> Frame:
    """A :class:`Frame` of ``data``: its text guessed, its vector column chosen among
    ``list_columns`` (those read into ``matrices`` are not in ``data``)."""
    matrices = matrices or {}
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
        vectors=matrices.get(vector_column) if vector_column is not None else None,
    )


def read_frame(
    data: ParquetSource,
    *,
    name: str,
    max_bytes: int | None = CORPUS.max_bytes,
    max_rows: int | None | RowCap = CORPUS_ROWS,
) -> Frame:
    """Read a table of documents: ``.txt``, ``.csv``, ``.tsv`` or ``.parquet``.

    A ``.txt`` file holds one document per line (blank lines skipped) in a
    column "text". A ``.csv`` is comma, semicolon, tab or pipe separated
    (sniffed), a ``.tsv`` tab separated; the first row is the header, and
    columns of numbers are read as numbers. A ``.parquet`` may carry a column
    of vectors (a list per row) and this app's metadata.

    Args:
        data: the file's bytes; for a ``.parquet``, they or the path of the file on disk
            (read a megabyte at a time, not held in memory).
        name: its name; the suffix says how to read it.
        max_bytes: the largest file taken (``None``: any size, for the command
            line); on a public demo the app's limit is lower (see
            :func:`~explorer.documents.readers.text.corpus_max_bytes`).
        max_rows: rows read (the rest is left out, with a note in
            ``Frame.notes``), and text cells are cut to ``DOC_MAX_CHARS``; ``None``
            (the default when ``max_bytes`` is ``None``) reads every row whole.
            ``CORPUS_ROWS``: ``CORPUS_MAX_PREPARED_ROWS`` for a parquet with vectors,
            ``CORPUS_MAX_ROWS`` for texts to embed.

    Raises:
        ValueError: unknown suffix, too large, empty, binary, not UTF-8, not
            Parquet or damaged, or a header without rows.

    Example:
        >>> frame = read_frame(b"id;review;stars\\n1;Great phone;5\\n2;Battery died;1",
        ...                    name="r.csv")
        >>> frame.text_guess, frame.text_columns, frame.color_columns
        ('review', ('review',), ('id', 'stars'))
        >>> read_frame(b"text\\na\\nb\\nc", name="t.csv", max_rows=2).notes
        ('“t.csv” has more than 2 rows; only the first 2 were read (the limit).',)
    """
    kind = suffix(name)
    if kind not in FRAME_TYPES:
        raise ValueError(
            f"{quote(name)} is not a {file_types(FRAME_TYPES)} file. Upload documents "
            "as one of these; vectors (.npy, Projector .tsv, .zip) go with their texts."
        )
    if isinstance(data, Path) and kind != ".parquet":
        raise ValueError(f"{quote(name)} is read from disk only as a .parquet, not as {kind}.")
    data = data if isinstance(data, Path) else bytes(data)
    if max_bytes is None:
        max_rows = None  # the command line: no limit at all
    elif max_bytes == CORPUS.max_bytes:  # lower on a public demo; texts less than vectors
        max_bytes = corpus_max_bytes(texts=kind != ".parquet")
    if kind == ".parquet":
        limits = CORPUS.with_limits(max_bytes=max_bytes, max_rows=None)
        if isinstance(data, Path):  # a parquet is never blank: it starts with PAR1 or is refused
            check_size(source_size(data), what=quote(name), limits=limits)
        else:
            check_bytes(data, label=quote(name), limits=limits)
        read = read_parquet(data, name, max_rows)
        frame = make_frame(name, read.data, read.metadata, read.list_columns, read.matrices)
        return replace(frame, notes=tuple(read.notes))
    max_rows = corpus_max_rows(max_rows, prepared=False)
    limits = CORPUS.with_limits(max_bytes=max_bytes, max_rows=max_rows)
    label = quote(name)
    check_bytes(data, label=label, limits=limits)
    notes: list[str] = []
    head = decode(data, name=name, limits=limits)[:65536]  # checks the whole file, keeps a head
    if kind == ".txt":
        table = _read_lines(data, max_rows, label, notes)
    else:
        delimiter = "\t" if kind == ".tsv" else _sniff(head).delimiter
        table = _read_csv(data, name, delimiter, max_rows)
        if max_rows is not None and len(table) > max_rows:
            table = table.iloc[:max_rows]
            notes.append(rows_note(label, None, max_rows))
    if max_rows is not None:
        table = _cut_long_cells(table, notes)
    return replace(make_frame(name, table, {}, []), notes=tuple(notes))


def _read_lines(data: bytes, max_rows: int | None, label: str, notes: list[str]) -> pd.DataFrame:
    """A ``.txt`` file's non-blank lines (up to ``max_rows``) as a column "text"."""
    import pandas as pd

    lines: list[str] = []
    for raw in io.BytesIO(data.removeprefix(b"\xef\xbb\xbf")):
        for line in raw.decode("utf-8").splitlines():
            if not line.strip():
                continue
            if max_rows is not None and len(lines) == max_rows:
                notes.append(rows_note(label, None, max_rows))
                return pd.DataFrame({TEXT_COLUMN: lines}, dtype=object)
            lines.append(line)
    return pd.DataFrame({TEXT_COLUMN: lines}, dtype=object)
