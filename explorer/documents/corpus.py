"""A corpus to search: the built-in sample, pasted text, or an uploaded .txt or .csv file.

Everything a person might hand over is checked here, and every problem is a
``ValueError`` that says what was received, what is allowed and what to do:
an empty file, a CSV without a text column, a file that is not UTF-8, a binary
file renamed ``.csv``, a file over ``SEARCH_MAX_BYTES``. Duplicates are merged
and documents beyond ``SEARCH_MAX_DOCS`` left out, each with a note.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from explorer.config import (
    DATA_DIR,
    LABEL_CHARS,
    MAX_PHRASE_CHARS,
    SEARCH_MAX_BYTES,
    SEARCH_MAX_DOCS,
)
from explorer.phrases import clean_phrase, distinct, shorten

SAMPLE_PATH = DATA_DIR / "search_corpus.csv"
SAMPLE_SOURCE = "the built-in sample"
#: File types an upload may have.
UPLOAD_TYPES = (".txt", ".csv")
#: Column names taken as the text column, in order of preference (any case).
TEXT_COLUMNS = (
    "text", "document", "documents", "content", "body", "sentence", "review",
    "comment", "message", "description", "title",
)  # fmt: skip
#: Column names taken as each document's topic, to colour the map (any case).
TOPIC_COLUMNS = ("topic", "category", "label", "class")
#: Bytes at the start of common binary files, and what to call them.
BINARY_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx, a Word .docx or another zipped file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file (such as Excel .xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_SAVE_AS_UTF8 = "Save it as UTF-8 text (in Excel: Save As → “CSV UTF-8”) and upload it again."


@dataclass(frozen=True)
class Corpus:
    """Documents ready to search, and what was done to get them.

    Attributes:
        texts: distinct, non-empty documents, in file order (at most ``SEARCH_MAX_DOCS``).
        topics: one label per document when the source has a topic column, else ``None``.
        source: where the documents came from, for the UI ("the built-in sample",
            "pasted text", "“reviews.csv”, column “text”").
        notes: one sentence per change (duplicates merged, rows left out, long documents).
    """

    texts: tuple[str, ...]
    topics: tuple[str, ...] | None
    source: str
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.texts)

    def describe(self) -> str:
        """One line for the UI.

        Example:
            >>> Corpus(("a", "b"), ("x", "y"), "pasted text").describe()
            'pasted text: 2 documents, 2 topics'
        """
        plural = "s" if len(self.texts) != 1 else ""
        line = f"{self.source}: {len(self.texts):,} document{plural}"
        if self.topics is not None:
            line += f", {len(set(self.topics)):,} topics"
        return line


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


def _quote(text: str) -> str:
    return f"“{shorten(text, LABEL_CHARS)}”"


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _check_size(size: int, what: str) -> None:
    if size > SEARCH_MAX_BYTES:
        raise ValueError(
            f"{what} is {_megabytes(size)}; the limit is {_megabytes(SEARCH_MAX_BYTES)}. "
            f"Use a smaller file, e.g. its first {SEARCH_MAX_DOCS:,} documents."
        )


def decode(data: bytes, *, name: str) -> str:
    """Bytes of an uploaded file as text: UTF-8, with or without a byte-order mark.

    Raises:
        ValueError: over the size limit, empty, binary (a spreadsheet or image
            renamed .csv), UTF-16, or another encoding (the message says which
            byte failed and what the file looks like).

    Example:
        >>> decode("café".encode("utf-8-sig"), name="a.txt")
        'café'
        >>> decode("café".encode("latin-1"), name="a.txt")
        Traceback (most recent call last):
        ...
        ValueError: “a.txt” is not UTF-8 text: byte 0xE9 on line 1 (“caf…”) is not valid UTF-8. It looks like Windows-1252 (Latin-1), where that byte is “é”. Save it as UTF-8 text (in Excel: Save As → “CSV UTF-8”) and upload it again.
    """  # noqa: E501 - a doctest's expected output is one line
    label = _quote(name)
    _check_size(len(data), label)
    if not data.strip():
        raise ValueError(
            f"{label} is empty. Upload a .txt file with one document per line, "
            "or a .csv file with a column of documents."
        )
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            raise ValueError(f"{label} is not a text file: it is {kind}. {_SAVE_AS_UTF8}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(f"{label} is UTF-16 text; this app reads UTF-8. {_SAVE_AS_UTF8}")
    head = data[:8192]
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\v")
    if b"\x00" in head or controls > len(head) // 20:
        raise ValueError(
            f"{label} is not a text file: it holds binary data (control bytes such as NUL). "
            f"{_SAVE_AS_UTF8}"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(_encoding_message(data, error, label)) from None


def _encoding_message(data: bytes, error: UnicodeDecodeError, label: str) -> str:
    position = error.start
    line = data.count(b"\n", 0, position) + 1
    line_start = data.rfind(b"\n", 0, position) + 1
    before = data[max(line_start, position - 24) : position].decode("utf-8", "replace")
    byte = data[position]
    message = (
        f"{label} is not UTF-8 text: byte 0x{byte:02X} on line {line:,} "
        f"(“{before.lstrip()}…”) is not valid UTF-8."
    )
    try:
        guess = bytes([byte]).decode("cp1252")
        data.decode("cp1252")
    except UnicodeDecodeError:
        message += " Its encoding is unknown."
    else:
        message += f" It looks like Windows-1252 (Latin-1), where that byte is “{guess}”."
    return f"{message} {_SAVE_AS_UTF8}"


def _collect(
    rows: Iterable[tuple[str, str | None]], *, source: str, unit: str, empty: str
) -> Corpus:
    """Clean, merge duplicates and cap rows of (text, topic or None); notes say what changed.

    Not :func:`explorer.phrases.parse_phrases`: a CSV cell may span lines and
    its topic must stay beside it, and a corpus's notes count rather than list.
    """
    rows = list(rows)
    chosen = distinct([text for text, _ in rows], limit=SEARCH_MAX_DOCS)
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
            f"{_quote(texts[0])}. Searching one document always finds it; add different ones."
        )
    elif duplicates:
        plural = "s" if duplicates > 1 else ""
        notes.append(
            f"Merged {duplicates:,} duplicate {unit}{plural}; "
            f"{len(texts):,} distinct documents remain."
        )
    if overflow:
        notes.append(
            f"Only the first {SEARCH_MAX_DOCS:,} documents are kept (the limit); "
            f"{overflow:,} more {unit}{'s were' if overflow > 1 else ' was'} left out."
        )
    long = sum(1 for t in texts if len(t) > MAX_PHRASE_CHARS)
    if long:
        notes.append(
            f"{long:,} document{'s are' if long > 1 else ' is'} longer than "
            f"{MAX_PHRASE_CHARS:,} characters: the model reads the first {MAX_PHRASE_CHARS:,} "
            "characters of each (keyword search reads them whole)."
        )
    return Corpus(
        texts=tuple(texts),
        topics=tuple(topics) if has_topics else None,
        source=source,
        notes=tuple(notes),
    )


def from_text(text: str, *, source: str = "pasted text") -> Corpus:
    """Documents from text, one per line; blank lines are skipped.

    Example:
        >>> corpus = from_text("a cat\\n\\na dog\\na cat")
        >>> corpus.texts, corpus.notes
        (('a cat', 'a dog'), ('Merged 1 duplicate line; 2 distinct documents remain.',))
    """
    if not isinstance(text, str):
        raise ValueError(f"Give the documents as text, one per line; got {type(text).__name__}.")
    _check_size(len(text.encode("utf-8", "surrogatepass")), f"The {source}")
    return _collect(
        ((line, None) for line in text.splitlines()),
        source=source,
        unit="line",
        empty=f"The corpus is empty: the {source} has no text. "
        "Give at least one document, one per line.",
    )


def _unique_columns(header: list[str]) -> tuple[str, ...]:
    columns: list[str] = []
    for i, raw in enumerate(header):
        base = clean_phrase(raw) or f"column {i + 1}"
        name, n = base, 2
        while name in columns:
            name, n = f"{base} ({n})", n + 1
        columns.append(name)
    return tuple(columns)


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", ""))
    except ValueError:
        return False
    return True


def _guess_text_column(columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str | None:
    lowered = {c.lower(): c for c in columns}
    for name in TEXT_COLUMNS:
        if name in lowered:
            return lowered[name]
    best, best_length = None, 0.0
    for i, column in enumerate(columns):
        cells = [r[i].strip() for r in rows[:1000] if r[i].strip()]
        words = [c for c in cells if not _is_number(c)]
        if not cells or len(words) < len(cells) / 2:
            continue  # empty, or mostly numbers: not documents
        length = sum(map(len, words)) / len(words)
        if length > best_length:
            best, best_length = column, length
    return best


def read_table(data: bytes, *, name: str) -> Table:
    """Read an uploaded CSV (comma, semicolon, tab or pipe separated; first row = header).

    Example:
        >>> table = read_table(b"id;review\\n1;Great phone\\n2;Battery died", name="r.csv")
        >>> table.columns, table.guess
        (('id', 'review'), 'review')
    """
    text = decode(data, name=name)
    label = _quote(name)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:65536], delimiters=",;\t|"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        all_rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise ValueError(
            f"{label} cannot be read as CSV: {error} (line {reader.line_num:,}). "
            "Check that it is a comma-separated file with a header row."
        ) from None
    if not all_rows:
        raise ValueError(f"{label} is empty. Upload a CSV with a header row and a column of text.")
    columns = _unique_columns(all_rows[0])
    width = len(columns)
    rows = tuple(tuple((row + [""] * width)[:width]) for row in all_rows[1:])
    if not rows:
        raise ValueError(
            f"{label} has a header row ({', '.join(columns)}) but no rows of data. "
            "Add one document per row below the header."
        )
    return Table(name=name, columns=columns, rows=rows, guess=_guess_text_column(columns, rows))


def from_table(table: Table, *, text_column: str | None = None) -> Corpus:
    """Documents from one column of a CSV table; a topic column, if any, colours the map.

    Args:
        table: from :func:`read_table`.
        text_column: the column holding the documents; ``None`` takes ``table.guess``.

    Raises:
        ValueError: no such column, no text column to guess, or no text in it.

    Example:
        >>> table = read_table(b"text,topic\\nfix the brakes,cars\\nbake bread,food", name="d.csv")
        >>> from_table(table).topics
        ('cars', 'food')
    """
    label = _quote(table.name)
    listed = ", ".join(f"“{c}”" for c in table.columns)
    if text_column is None:
        text_column = table.guess
        if text_column is None:
            raise ValueError(
                f"{label} has no text column: its columns ({listed}) hold only numbers "
                "or nothing. Upload a CSV with a column of documents (headed e.g. “text”), "
                "or a .txt file with one document per line."
            )
    if text_column not in table.columns:
        raise ValueError(
            f"{label} has no column {_quote(text_column)}; its columns are {listed}. "
            "Choose one of them."
        )
    text_at = table.columns.index(text_column)
    topic_at = next(
        (i for i, c in enumerate(table.columns) if c.lower() in TOPIC_COLUMNS and i != text_at),
        None,
    )
    rows = ((r[text_at], None if topic_at is None else r[topic_at]) for r in table.rows)
    return _collect(
        rows,
        source=f"{label}, column {_quote(text_column)}",
        unit="row",
        empty=f"The corpus is empty: column {_quote(text_column)} of {label} has no text "
        "in any row. Choose another column.",
    )


def load_upload(data: bytes, *, name: str, text_column: str | None = None) -> Corpus:
    """A corpus from an uploaded file: ``.txt`` (one document per line) or ``.csv``.

    Example:
        >>> load_upload(b"first doc\\nsecond doc\\n", name="notes.txt").texts
        ('first doc', 'second doc')
        >>> load_upload(b"x", name="notes.docx")
        Traceback (most recent call last):
        ...
        ValueError: “notes.docx” is not a .txt or .csv file. Upload a .txt file (one document per line) or a .csv file (one document per row).
    """  # noqa: E501 - a doctest's expected output is one line
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise ValueError(
            f"{_quote(name)} is not a .txt or .csv file. Upload a .txt file (one document "
            "per line) or a .csv file (one document per row)."
        )
    if suffix == ".csv":
        return from_table(read_table(data, name=name), text_column=text_column)
    return _collect(
        ((line, None) for line in decode(data, name=name).splitlines()),
        source=_quote(name),
        unit="line",
        empty=f"The corpus is empty: {_quote(name)} has only blank lines. "
        "Give at least one document, one per line.",
    )


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
    return Corpus(texts=corpus.texts, topics=corpus.topics, source=SAMPLE_SOURCE, notes=())
