"""From a column of text to a :class:`~explorer.documents.corpus.Corpus`.

Blank rows are left out, duplicates merged (the first kept, with its vector),
documents beyond the reader's limit left out, each with a note:

* :func:`from_text` and :func:`from_table`: the Search page's pasted text and
  CSV (notes count lines or rows; a topic column colours the search map).
* :func:`from_frame`: the Corpus page's and the command line's tables, with
  the other columns, vectors and map carried row by row beside the texts.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from explorer.config import CORPUS_NOTE_ROWS as NOTE_ROWS
from explorer.config import IMPORT_MAX_DIM, MAX_PHRASE_CHARS
from explorer.documents.corpus import TOPIC_COLUMNS, Corpus
from explorer.documents.readers.half import PendingVectors
from explorer.documents.readers.tables import Frame, Table, coord_names
from explorer.documents.readers.text import (
    CORPUS_ROWS,
    SEARCH,
    Limits,
    RowCap,
    check_size,
    corpus_max_rows,
    plural,
    quote,
    row_list,
    suffix,
)
from explorer.phrases import clean_phrase, distinct

#: Rows of vectors checked for NaN at once (a million rows at once: a 384 MB mask).
_CHECK_ROWS = 65_536

if TYPE_CHECKING:
    import pandas as pd


# --- The Search page: lines of text, a CSV's column ----------------------------------


def collect(
    rows: Iterable[tuple[str, str | None]],
    *,
    source: str,
    unit: str,
    empty: str,
    limits: Limits = SEARCH,
) -> Corpus:
    """Clean, merge duplicates and cap rows of (text, topic or None); notes say what changed.

    Not :func:`explorer.phrases.parse_phrases`: a CSV cell may span lines and
    its topic must stay beside it, and a corpus's notes count rather than list.
    """
    rows = list(rows)
    chosen = distinct([text for text, _ in rows], limit=limits.max_rows)
    texts = [clean_phrase(rows[i][0]) for i in chosen.kept]
    row_topics = [rows[i][1] for i in chosen.kept]
    has_topics = any(topic is not None for topic in row_topics)
    topics = [clean_phrase(t or "") or "(no topic)" for t in row_topics] if has_topics else []
    duplicates, overflow = len(chosen.duplicates), chosen.overflow
    total = len(rows) - len(chosen.blank)
    if not texts:
        raise ValueError(empty)
    notes: list[str] = []
    if duplicates and len(texts) == 1:
        notes.append(
            f"All {total:,} {unit}s hold the same text, so the corpus has 1 document: "
            f"{quote(texts[0])}. Searching one document always finds it; add different ones."
        )
    elif duplicates:
        notes.append(
            f"Merged {plural(duplicates, 'duplicate ' + unit)}; "
            f"{len(texts):,} distinct documents remain."
        )
    if overflow:
        notes.append(_overflow_note(limits.max_rows, overflow, unit))
    notes.extend(_long_note(texts, " (keyword search reads them whole)"))
    return Corpus(
        texts=tuple(texts),
        topics=tuple(topics) if has_topics else None,
        source=source,
        notes=tuple(notes),
    )


def from_text(text: str, *, source: str = "pasted text", limits: Limits = SEARCH) -> Corpus:
    """Documents from text, one per line; blank lines are skipped.

    Example:
        >>> corpus = from_text("a cat\\n\\na dog\\na cat")
        >>> corpus.texts, corpus.notes
        (('a cat', 'a dog'), ('Merged 1 duplicate line; 2 distinct documents remain.',))
    """
    if not isinstance(text, str):
        raise ValueError(f"Give the documents as text, one per line; got {type(text).__name__}.")
    size = len(text.encode("utf-8", "surrogatepass"))
    check_size(size, what=f"The {source}", limits=limits)
    return collect(
        ((line, None) for line in text.splitlines()),
        source=source,
        unit="line",
        empty=f"The corpus is empty: the {source} has no text. "
        "Give at least one document, one per line.",
        limits=limits,
    )


def from_table(table: Table, *, text_column: str | None = None, limits: Limits = SEARCH) -> Corpus:
    """Documents from one column of a CSV table; a topic column, if any, colours the map.

    Args:
        table: from :func:`~explorer.documents.readers.tables.read_table`.
        text_column: the column holding the documents; ``None`` takes ``table.guess``.

    Raises:
        ValueError: no such column, no text column to guess, or no text in it.

    Example:
        >>> from explorer.documents.readers.tables import read_table
        >>> table = read_table(b"text,topic\\nfix the brakes,cars\\nbake bread,food", name="d.csv")
        >>> from_table(table).topics
        ('cars', 'food')
    """
    label = quote(table.name)
    text_column = pick_column(
        label,
        table.columns,
        text_column or table.guess,
        no_guess="hold only numbers or nothing. Upload a CSV with a column of documents "
        "(headed e.g. “text”), or a .txt file with one document per line.",
    )
    text_at = table.columns.index(text_column)
    topic_at = next(
        (i for i, c in enumerate(table.columns) if c.lower() in TOPIC_COLUMNS and i != text_at),
        None,
    )
    rows = ((r[text_at], None if topic_at is None else r[topic_at]) for r in table.rows)
    return collect(
        rows,
        source=f"{label}, column {quote(text_column)}",
        unit="row",
        empty=_no_text(f"column {quote(text_column)} of {label}"),
        limits=limits,
    )


def pick_column(label: str, columns: Sequence[str], chosen: str | None, *, no_guess: str) -> str:
    """The column of documents: the one chosen, which must be there, or a ValueError.

    ``chosen`` is ``None`` when no column was chosen and none looks like text;
    ``no_guess`` then says what the columns hold and what to do.
    """
    listed = ", ".join(f"“{c}”" for c in columns)
    if chosen is None:
        raise ValueError(f"{label} has no text column: its columns ({listed}) {no_guess}")
    if chosen not in columns:
        raise ValueError(
            f"{label} has no column {quote(chosen)}; its columns are {listed}. Choose one of them."
        )
    return chosen


def _overflow_note(limit: int | None, overflow: int, unit: str) -> str:
    return (
        f"Only the first {limit:,} documents are kept (the limit); "
        f"{plural(overflow, 'more ' + unit)} {'was' if overflow == 1 else 'were'} left out."
    )


def _long_note(texts: Sequence[str], after: str = "") -> list[str]:
    """A note on documents longer than the model reads, if any (``after`` ends the sentence)."""
    long = sum(1 for t in texts if len(t) > MAX_PHRASE_CHARS)
    if not long:
        return []
    return [
        f"{plural(long, 'document')} {'is' if long == 1 else 'are'} longer than "
        f"{MAX_PHRASE_CHARS:,} characters: the model reads the first {MAX_PHRASE_CHARS:,} "
        f"characters of each{after}."
    ]


def _no_text(where: str) -> str:
    return f"The corpus is empty: {where} has no text in any row. Choose another column."


# --- The Corpus page: a frame's column, with its vectors and map ------------------------


def _read_as_text(rows: NDArray[np.intp], texts: list[str], column: str, what: str) -> str:
    first = int(rows[0])
    if len(rows) == 1:
        return (
            f"1 row of column {column} holds {what} (row {first + 1:,}, "
            f"{quote(texts[first])}); it is read as text."
        )
    return (
        f"{len(rows):,} rows of column {column} hold {what} (first: row {first + 1:,}, "
        f"{quote(texts[first])}); they are read as text."
    )


#: First letters of a text that cannot be a number (``i`` and ``n`` start inf and nan).
_WORD_STARTS = frozenset(string.ascii_letters) - frozenset("iInN")


def _text_values(values: pd.Series, column: str, notes: list[str]) -> list[str]:
    """The column as one string per row ("" where missing); a note if numbers are read as text."""
    import pandas as pd

    missing = values.isna().to_numpy()
    quoted = quote(column)
    others = None  # rows holding something else than text (None: a column of numbers)
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        notes.append(f"Column {quoted} holds numbers, not text; they are read as text.")
        texts = values.astype(str).tolist()
    elif pd.api.types.is_string_dtype(values):  # strings (or missing) only
        texts, others = values.tolist(), np.empty(0, dtype=np.intp)
    else:  # objects of any kind: a DataFrame made by hand, a parquet list column
        cells = values.tolist()
        is_text = np.fromiter((isinstance(v, str) for v in cells), dtype=bool, count=len(cells))
        others = np.flatnonzero(~is_text & ~missing)
        texts = [v if isinstance(v, str) else str(v) for v in cells]
    if missing.any():
        texts = ["" if gone else text for text, gone in zip(texts, missing, strict=True)]
    if others is None:
        return texts
    # Only a text starting with no ASCII letter (or with i or n: inf, nan) can be a number.
    maybe = np.fromiter((text[:1] not in _WORD_STARTS for text in texts), bool, count=len(texts))
    candidates = np.setdiff1d(np.flatnonzero(maybe & ~missing), others, assume_unique=True)
    numeric = pd.to_numeric(values.iloc[candidates], errors="coerce").notna()
    numbers = candidates[numeric.to_numpy(dtype=bool)]
    if len(others):
        notes.append(_read_as_text(others, texts, quoted, "numbers or other values, not text"))
    elif len(numbers):
        notes.append(_read_as_text(numbers, texts, quoted, "only a number"))
    return texts


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
    where = f"Column {quote(column)} of {label}"
    chosen = cells[rows]
    missing = [rows[k] + 1 for k, cell in enumerate(chosen) if _is_missing(cell)]
    if missing:
        raise ValueError(
            f"{where} has no vector in {row_list(missing)}; every document needs one. "
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
        found = ", ".join(f"{w:,}" for w in sorted(set(widths.tolist()))[:NOTE_ROWS])
        raise ValueError(
            f"{where}: row {rows[bad] + 1:,} has {widths[bad]:,} values but row "
            f"{rows[0] + 1:,} has {dim:,} (widths found: {found}); every vector needs "
            "the same number of values."
        )
    if dim < 2 or dim > IMPORT_MAX_DIM:
        raise ValueError(
            f"{where} holds vectors of {plural(dim, 'value')}; vectors need 2 to "
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
            f"{where} has NaN or infinite values in {row_list(bad)}; every value must be "
            "a finite number. Fix or remove those rows."
        )
    with np.errstate(over="ignore"):
        vectors = np.ascontiguousarray(matrix, dtype=np.float32)
    if not np.isfinite(vectors).all():
        raise ValueError(f"{where}: some values are too large for float32 (beyond ±3.4e38).")
    return vectors


def _matrix_rows(
    matrix: NDArray[np.float32], rows: list[int], column: str, label: str
) -> NDArray[np.float32]:
    """The kept ``rows`` of a float32 matrix read whole (the matrix itself when every row
    is kept), checked as :func:`_vectors_of` checks cells, in chunks of rows."""
    where = f"Column {quote(column)} of {label}"
    dim = int(matrix.shape[1])
    if dim < 2 or dim > IMPORT_MAX_DIM:
        raise ValueError(
            f"{where} holds vectors of {plural(dim, 'value')}; vectors need 2 to "
            f"{IMPORT_MAX_DIM:,} dimensions."
        )
    whole = len(rows) == len(matrix)  # rows are increasing: all of them, in order
    vectors = matrix if whole else matrix[np.asarray(rows, dtype=np.intp)]
    bad: list[int] = []
    for start in range(0, len(vectors), _CHECK_ROWS):
        finite = np.isfinite(vectors[start : start + _CHECK_ROWS]).all(axis=1)
        bad.extend(rows[start + int(k)] + 1 for k in np.flatnonzero(~finite))
    if bad:
        raise ValueError(
            f"{where} has NaN or infinite values in {row_list(bad)}; every value must be "
            "a finite number. Fix or remove those rows."
        )
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
            f"Columns {quote(names[0])} and {quote(names[1])} are not used as the map: "
            f"{row_list([rows[k] + 1 for k in bad])} {'has' if len(bad) == 1 else 'have'} "
            "no finite number in them. The map is computed instead."
        )
        return None
    return values


def from_frame(
    frame: Frame, *, text_column: str | None = None, max_rows: int | None | RowCap = CORPUS_ROWS
) -> Corpus:
    """The documents of one column, with the other columns, vectors and map beside them.

    Rows without text are left out, duplicates merged (the first kept, with its
    vector), rows beyond ``max_rows`` documents left out, each with a note;
    numbers in the text column are read as text, with a note.

    Args:
        frame: from :func:`~explorer.documents.readers.tables.read_frame`.
        text_column: the column of documents; ``None`` takes ``frame.text_guess``.
        max_rows: the most documents kept (``None``: all, for the command line);
            ``CORPUS_ROWS``: ``CORPUS_MAX_PREPARED_ROWS`` when the frame has vectors,
            else ``CORPUS_MAX_ROWS`` (texts embedded here).

    Raises:
        ValueError: no such column (the message lists them), no text, or
            vectors of different widths, with NaN, or missing.

    Example:
        >>> from explorer.documents.readers.tables import read_frame
        >>> frame = read_frame(b"text,topic\\nfix the brakes,cars\\nbake bread,food\\n"
        ...                    b"fix the brakes,cars", name="d.csv")
        >>> corpus = from_frame(frame)
        >>> corpus.texts, corpus.extra["topic"].tolist()
        (('fix the brakes', 'bake bread'), ['cars', 'food'])
        >>> corpus.notes
        ('Merged 1 duplicate row (the first of each is kept); 2 distinct documents remain.',)
    """
    label = quote(frame.name)
    data = frame.data
    columns = frame.columns
    max_rows = corpus_max_rows(max_rows, prepared=frame.vector_column is not None)
    if max_rows is not None and max_rows < 1:
        raise ValueError(f"max_rows must be at least 1 (or None for no limit), got {max_rows}.")
    text_column = pick_column(
        label,
        columns,
        text_column or frame.text_guess,
        no_guess="hold numbers, vectors or nothing. Give a column of documents (headed e.g. "
        "“text”), or a .txt file with one document per line.",
    )
    if text_column == frame.vector_column:
        raise ValueError(
            f"Column {quote(text_column)} of {label} holds vectors, not text; choose one of "
            f"{', '.join(f'“{c}”' for c in frame.text_columns) or 'the text columns'}."
        )
    notes: list[str] = list(frame.notes)
    values = _text_values(data[text_column], text_column, notes)
    chosen = distinct(values, limit=max_rows)
    kept = chosen.kept
    texts = tuple(clean_phrase(values[i]) for i in kept)
    where = f"column {quote(text_column)} of {label}"
    if not texts:
        raise ValueError(_no_text(where))
    if chosen.blank:
        notes.append(
            f"Left out {plural(len(chosen.blank), 'row')} with no text in {where} "
            f"({row_list([i + 1 for i in chosen.blank])})."
        )
    vectors = None
    if frame.vectors is not None and len(frame.vectors) == len(data):
        matrix = frame.vectors  # float16 bytes were read into it while the texts were cleaned
        matrix = matrix.matrix() if isinstance(matrix, PendingVectors) else matrix
        vectors = _matrix_rows(matrix, kept, frame.vector_column, label)
    elif frame.vector_column is not None:
        cells = data[frame.vector_column].to_numpy(dtype=object)
        vectors = _vectors_of(cells, kept, frame.vector_column, label)
    if chosen.duplicates:
        count = len(chosen.duplicates)
        with_vector = " and its vector" if vectors is not None else ""
        notes.append(
            f"Merged {plural(count, 'duplicate row')} (the first of each is kept"
            f"{with_vector}); {plural(len(texts), 'distinct document')} remain."
        )
    if chosen.overflow:
        notes.append(_overflow_note(max_rows, chosen.overflow, "document"))
    notes.extend(_long_note(texts))
    xy = coord_names(columns)
    coords = _coords_of(data, xy, kept, notes) if xy else None
    dropped = {text_column, frame.vector_column, *(xy or ())}
    extra = data[[c for c in data.columns if c not in dropped]].iloc[kept].reset_index(drop=True)
    metadata = frame.metadata
    model = metadata.get("model") if vectors is not None else None
    if model is not None and metadata.get("dim") not in (None, vectors.shape[1]):
        model = None  # the metadata describes other vectors than these
    method = metadata.get("method") if coords is not None else None
    source = label if suffix(frame.name) == ".txt" else f"{label}, column {quote(text_column)}"
    return Corpus(
        texts=texts,
        extra=extra,
        vectors=vectors,
        coords=coords,
        model=str(model) if model is not None else None,
        method=str(method) if method is not None else None,
        source=source,
        notes=tuple(notes),
    )
