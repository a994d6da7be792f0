"""Bytes to text, written once for every reader: size, emptiness, binary data, encoding.

Each reader passes its :class:`Limits`: the Search page's (``SEARCH_MAX_*``),
the Corpus page's (``CORPUS_MAX_*``) or the Playground's import
(``IMPORT_MAX_*``, with brief messages). The checks are the same; the limits
and the advice in the messages are the reader's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from explorer.config import (
    CORPUS_MAX_BYTES,
    CORPUS_MAX_PREPARED_ROWS,
    CORPUS_MAX_ROWS,
    CORPUS_NOTE_ROWS,
    DOC_MAX_CHARS,
    LABEL_CHARS,
    MAX_PHRASE_CHARS,
    SEARCH_MAX_BYTES,
    SEARCH_MAX_DOCS,
    upload_limit_mb,
)
from explorer.phrases import clean_phrase, shorten

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
SAVE_AS_UTF8 = "Save it as UTF-8 text (in Excel: Save As → “CSV UTF-8”) and upload it again."
#: Bytes at the start of a file checked for control bytes (binary data).
HEAD_BYTES = 8192
_CONTROLS = "binary data (control bytes such as NUL)"
_UTF16 = "UTF-16"
_NON_BLANK = re.compile(rb"\S")


@dataclass(frozen=True)
class Limits:
    """How much a reader takes, and what its messages advise.

    Attributes:
        max_bytes: the largest file (``None``: any size, for the command line).
        max_rows: the most documents kept (``None``: all).
        too_big: the advice after "“x.csv” is 12.0 MB; the limit is 10.0 MB.".
        empty: the advice after "“x.csv” is empty." ("" for none).
        binary: the advice after "x is a binary file, not text;" for brief
            messages (the Playground's import); ``None`` names the kind of file
            and the byte that is not UTF-8.
    """

    max_bytes: int | None
    max_rows: int | None
    too_big: str
    empty: str = ""
    binary: str | None = None

    def with_limits(self, *, max_bytes: int | None, max_rows: int | None) -> Limits:
        """The same messages with other limits (``None``: no limit).

        Example:
            >>> SEARCH.with_limits(max_bytes=None, max_rows=3).max_rows
            3
        """
        return replace(self, max_bytes=max_bytes, max_rows=max_rows)


#: The Search page's limits.
SEARCH = Limits(
    SEARCH_MAX_BYTES,
    SEARCH_MAX_DOCS,
    too_big=f"Use a smaller file, e.g. its first {SEARCH_MAX_DOCS:,} documents.",
    empty="Upload a .txt file with one document per line, or a .csv file with a column of "
    "documents.",
)
#: The Corpus page's limits.
CORPUS = Limits(
    CORPUS_MAX_BYTES,
    CORPUS_MAX_ROWS,
    too_big=f"Upload a smaller file (e.g. its first {CORPUS_MAX_ROWS:,} rows), or prepare the "
    "corpus with `python -m explorer embed`, which has no limit.",
    empty="Upload a .txt file with one document per line, a .csv or .parquet file with a "
    "column of documents, or vectors with their texts.",
)


def corpus_max_bytes(*, texts: bool = False) -> int:
    """The Corpus page's largest file (a zip unpacked): the upload limit, lower on a demo;
    with ``texts``, a table of texts to embed (``CORPUS_MAX_BYTES``, or the demo's limit).

    Example:
        >>> corpus_max_bytes() == upload_limit_mb() * 2**20
        True
        >>> corpus_max_bytes(texts=True) == CORPUS_MAX_BYTES
        True
    """
    most = upload_limit_mb() * 1024 * 1024
    return min(most, CORPUS_MAX_BYTES) if texts else most


class RowCap:
    """The Corpus page's default row limit, chosen once a file is open: files that bring
    their vectors take up to ``CORPUS_MAX_PREPARED_ROWS`` rows, texts to embed
    ``CORPUS_MAX_ROWS`` (:func:`corpus_max_rows`)."""

    def __repr__(self) -> str:
        return "CORPUS_ROWS"


#: ``max_rows=CORPUS_ROWS``: the cap for what the file holds (see :class:`RowCap`).
CORPUS_ROWS = RowCap()


def corpus_max_rows(max_rows: int | None | RowCap, *, prepared: bool) -> int | None:
    """``max_rows`` itself, or for ``CORPUS_ROWS`` the cap of a file with vectors
    (``prepared``) or of texts to embed.

    Example:
        >>> corpus_max_rows(CORPUS_ROWS, prepared=True)
        1000000
        >>> corpus_max_rows(CORPUS_ROWS, prepared=False)
        100000
        >>> corpus_max_rows(5, prepared=True), corpus_max_rows(None, prepared=False)
        (5, None)
    """
    if not isinstance(max_rows, RowCap):
        return max_rows
    return CORPUS_MAX_PREPARED_ROWS if prepared else CORPUS_MAX_ROWS


def quote(text: str) -> str:
    """A name or text in quotes, shortened for a message.

    Example:
        >>> quote("reviews.csv")
        '“reviews.csv”'
    """
    return f"“{shorten(text, LABEL_CHARS)}”"


def suffix(name: str) -> str:
    """A file name's suffix in lower case ("" for none, or a name starting with a dot).

    Example:
        >>> suffix("Reviews.CSV"), suffix(".tsv"), suffix("README")
        ('.csv', '', '')
    """
    return Path(name).suffix.lower()


def file_types(types: Sequence[str]) -> str:
    """'.txt, .csv or .tsv'."""
    return ", ".join(types[:-1]) + " or " + types[-1]


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 row', '2 rows', '3 more documents'."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def row_list(rows: Sequence[int]) -> str:
    """'row 3', 'rows 3 and 7', 'rows 3, 7, 9, 12, 15 and 40 more' (1-based numbers given).

    Example:
        >>> row_list([3]), row_list([3, 7]), row_list(list(range(1, 9)))
        ('row 3', 'rows 3 and 7', 'rows 1, 2, 3, 4, 5 and 3 more')
    """
    shown = [f"{r:,}" for r in rows[:CORPUS_NOTE_ROWS]]
    more = len(rows) - len(shown)
    if len(rows) == 1:
        return f"row {shown[0]}"
    if more:
        return f"rows {', '.join(shown)} and {more:,} more"
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"


def is_number(cell: str, *, separators: bool = True) -> bool:
    """Whether a cell reads as a number (with thousands separators unless told not).

    Example:
        >>> is_number("1,200.5"), is_number("1,200.5", separators=False), is_number("nan")
        (True, False, True)
    """
    try:
        float(cell.replace(",", "") if separators else cell)
    except ValueError:
        return False
    return True


def size_text(count: int) -> str:
    """A size in bytes as people read it.

    Example:
        >>> size_text(120), size_text(4000), size_text(3 * 2**20)
        ('120 bytes', '3.9 KB', '3.0 MB')
    """
    if count >= 2**20:
        return f"{count / 2**20:.1f} MB"
    return f"{count / 2**10:.1f} KB" if count >= 2**10 else f"{count} bytes"


def check_size(size: int, *, what: str, limits: Limits, together: bool = False) -> None:
    """Refuse ``size`` bytes over ``limits.max_bytes``, saying by how much and what to do.

    Example:
        >>> check_size(3000, what="“a.txt”", limits=SEARCH.with_limits(max_bytes=2048,
        ...            max_rows=None))
        Traceback (most recent call last):
        ...
        ValueError: “a.txt” is 2.9 KB; the limit is 2.0 KB. Use a smaller file, e.g. its first 10,000 documents.
    """  # noqa: E501 - a doctest's expected output is one line
    if limits.max_bytes is not None and size > limits.max_bytes:
        verb, after = ("are", " together") if together else ("is", "")
        raise ValueError(
            f"{what} {verb} {size_text(size)}{after}; the limit is "
            f"{size_text(limits.max_bytes)}. {limits.too_big}"
        )


def check_bytes(data: bytes, *, label: str, limits: Limits) -> None:
    """Refuse a file over ``limits.max_bytes``, or one holding nothing but blanks.

    Example:
        >>> check_bytes(b" \\n", label="“e.txt”", limits=SEARCH)
        Traceback (most recent call last):
        ...
        ValueError: “e.txt” is empty. Upload a .txt file with one document per line, or a .csv file with a column of documents.
    """  # noqa: E501 - a doctest's expected output is one line
    check_size(len(data), what=label, limits=limits)
    if not _NON_BLANK.search(data):
        raise ValueError(f"{label} is empty. {limits.empty}".rstrip())


def signature_kind(data: bytes) -> str | None:
    """What a file is by its first bytes (a PDF document, a ZIP archive...), else ``None``."""
    return next((kind for sig, kind in BINARY_SIGNATURES if data.startswith(sig)), None)


def binary_kind(data: bytes) -> str | None:
    """What a file is when it is not text (a ZIP archive, UTF-16, binary data), else ``None``.

    Example:
        >>> binary_kind(b"%PDF-1.7"), binary_kind(b"plain words")
        ('a PDF document', None)
    """
    kind = signature_kind(data)
    if kind is not None:
        return kind
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _UTF16
    head = data[:HEAD_BYTES]
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\v")
    if b"\x00" in head or controls > len(head) // 20:
        return _CONTROLS
    return None


def decode(
    data: bytes | str, *, name: str, limits: Limits = SEARCH, label: str | None = None
) -> str:
    """A file's bytes as text: UTF-8, with or without a byte-order mark.

    Args:
        data: the bytes (text is only checked for size and emptiness).
        name: the file's name, quoted in messages.
        limits: the reader's limits and advice (the Search page's by default).
        label: how messages name the file, instead of the quoted ``name``.

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
    label = label or quote(name)
    if isinstance(data, str):
        check_size(len(data), what=label, limits=limits)
        text = data.removeprefix("\ufeff")
    else:
        data = bytes(data)
        check_bytes(data, label=label, limits=limits)
        kind = binary_kind(data)
        if kind is not None and (limits.binary is None or kind != _UTF16):
            raise ValueError(_binary_message(label, kind, limits))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValueError(_encoding_message(data, error, label, limits)) from None
    if not text.strip():
        raise ValueError(f"{label} is empty. {limits.empty}".rstrip())
    return text


def _binary_message(label: str, kind: str, limits: Limits) -> str:
    if limits.binary is not None:
        return f"{label} is a binary file, not text; {limits.binary}"
    if kind == _UTF16:
        return f"{label} is UTF-16 text; this app reads UTF-8. {SAVE_AS_UTF8}"
    if kind == _CONTROLS:
        return f"{label} is not a text file: it holds {kind}. {SAVE_AS_UTF8}"
    return f"{label} is not a text file: it is {kind}. {SAVE_AS_UTF8}"


def _encoding_message(data: bytes, error: UnicodeDecodeError, label: str, limits: Limits) -> str:
    position = error.start
    byte = data[position]
    if limits.binary is not None:
        return (
            f"{label} is not UTF-8 text (byte 0x{byte:02x} at position {position:,}); "
            "save it as UTF-8 and upload it again."
        )
    line = data.count(b"\n", 0, position) + 1
    line_start = data.rfind(b"\n", 0, position) + 1
    before = data[max(line_start, position - 24) : position].decode("utf-8", "replace")
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
    return f"{message} {SAVE_AS_UTF8}"


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


def rows_note(label: str, total: int | None, kept: int) -> str:
    """A note: ``label`` had more rows than were read."""
    has = f"has {total:,} rows" if total is not None else f"has more than {kept:,} rows"
    return f"{label} {has}; only the first {kept:,} were read (the limit)."


def cut_note(count: int) -> str:
    """A note: ``count`` text cells were cut to ``DOC_MAX_CHARS``."""
    return (
        f"{plural(count, 'cell')} of text {'was' if count == 1 else 'were'} longer than "
        f"{DOC_MAX_CHARS:,} characters and {'was' if count == 1 else 'were'} cut to "
        f"{DOC_MAX_CHARS:,} (the model reads the first {MAX_PHRASE_CHARS:,})."
    )


def damaged_parquet(label: str, error: Exception) -> str:
    """The message for a parquet that arrow could not read."""
    return (
        f"{label} cannot be read as Parquet ({error}); it may be cut short or damaged. "
        "Save it again and upload it."
    )
