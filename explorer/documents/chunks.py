"""Cut one long text into chunks, the first step of retrieval-augmented generation (RAG).

A chunk is a span of the text (``text[c.start:c.end] == c.text``) sized in the model's
own tokens: all-MiniLM-L6-v2 reads at most 256 word pieces (two are [CLS] and [SEP])
and ``MAX_PHRASE_CHARS`` characters, so a longer chunk is embedded from its start only
(:attr:`Chunk.cut`). ``by="paragraph"``: blocks between blank lines, a heading joined
to the paragraph below, a paragraph over ``size`` tokens split at sentence ends;
``"sentences"``: windows of ``size`` sentences sharing ``overlap``; ``"tokens"``:
windows of ``size`` tokens sharing ``overlap``, their edges on blanks so no word is
split. The text is tokenized once; chunk edges fall on blanks, where the tokenizer
splits anyway, so every count from that pass equals the chunk's own tokenization.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from explorer.config import (
    ASK_CHUNK_DEFAULTS,
    ASK_CHUNKINGS,
    ASK_MAX_BYTES,
    ASK_MAX_CHUNK_SENTENCES,
    ASK_MAX_CHUNK_TOKENS,
    ASK_MAX_CHUNKS,
    DATA_DIR,
    MAX_PHRASE_CHARS,
)
from explorer.models import Embedder, load_model
from explorer.phrases import clean_phrase, shorten

#: The built-in document: a community handbook of about 3,000 words on a dozen subjects.
SAMPLE_DOCUMENT = DATA_DIR / "sample_document.md"
#: ``progress(done, total)``: characters tokenized so far, for a progress bar.
Progress = Callable[[int, int], None]

#: The end of a sentence: terminal punctuation (and closing quotes) before a
#: blank, a blank line, or a line break before a Markdown heading, list item or quote.
_SENTENCE_END = re.compile(
    r"[.!?…。！？؟]+[\"'”’»)\]]*(?=\s)|\n[ \t]*\n\s*|\n(?=[ \t]*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>))"
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_HEADING = re.compile(r"#{1,6}\s")
_WORD = re.compile(r"\w")
#: Characters tokenized per call: progress moves, and no single call holds megabytes.
_TOKENIZE_PIECE_CHARS = 100_000


@dataclass(frozen=True)
class Chunk:
    """A span of a document.

    Attributes:
        text: the chunk, exactly as in the document (``document[start:end]``).
        start, end: character offsets into the document.
        tokens: its word pieces in the model's tokenizer (no [CLS] or [SEP]).
        read_chars: how many of its characters the model reads; less than
            ``len(text)`` when the chunk is longer than the model's window.
    """

    text: str
    start: int
    end: int
    tokens: int
    read_chars: int

    @property
    def cut(self) -> bool:
        """Whether the model reads only the start of this chunk."""
        return self.read_chars < len(self.text)


class Chunks(list[Chunk]):
    """The chunks of a document, in order, with ``notes``: sentences for the reader
    about what was clamped or cut."""

    def __init__(self, chunks: list[Chunk], notes: list[str] | None = None) -> None:
        super().__init__(chunks)
        self.notes: list[str] = list(notes or ())


def load_sample_document() -> str:
    """The built-in sample document (Markdown), written for this app.

    Example:
        >>> load_sample_document().splitlines()[0]
        '# The Riverside Community Handbook'
    """
    return SAMPLE_DOCUMENT.read_text(encoding="utf-8")


#: Files the Ask page reads; a PDF is named only to say why it is refused.
DOCUMENT_TYPES = (".txt", ".md")


def read_document(data: bytes, *, name: str) -> str:
    """An uploaded document as text: a UTF-8 ``.txt`` or ``.md`` file.

    Raises:
        ValueError: a PDF (no text extractor is installed) or another kind of
            file, one over ``ASK_MAX_BYTES``, empty, binary or not UTF-8.

    Example:
        >>> read_document(b"%PDF-1.7 ...", name="guide.pdf")
        Traceback (most recent call last):
        ...
        ValueError: “guide.pdf” is a PDF; PDF is not supported here (no PDF text extractor is installed). Copy its text into the Paste box, or save it as a .txt file.
    """  # noqa: E501 - a doctest's expected output is one line
    from explorer.documents.readers.text import Limits, decode, quote, suffix

    label, kind = quote(name), suffix(name)
    if kind == ".pdf" or bytes(data[:5]) == b"%PDF-":
        raise ValueError(
            f"{label} is a PDF; PDF is not supported here (no PDF text extractor is installed). "
            "Copy its text into the Paste box, or save it as a .txt file."
        )
    if kind not in DOCUMENT_TYPES:
        raise ValueError(
            f"{label} is not a .txt or .md file. Upload plain text (UTF-8), or paste it."
        )
    limits = Limits(
        ASK_MAX_BYTES,
        None,
        too_big="Use a part of it.",
        empty="Upload a .txt or .md file with some text, or use the sample document.",
    )
    return decode(data, name=name, limits=limits, label=label)


def tokenizer_of(model: Embedder) -> Any:
    """The model's own tokenizer (a Hugging Face fast tokenizer).

    Raises:
        ValueError: a model without one (the toy model, imported vectors).

    Example:
        >>> type(tokenizer_of(load_model("minilm"))).__name__
        'BertTokenizer'
    """
    tokenizer = getattr(getattr(model, "_model", None), "tokenizer", None)
    if tokenizer is None:
        raise ValueError(
            f"Model {model.name!r} has no tokenizer to count tokens with; "
            "use a sentence-transformers model such as 'minilm'."
        )
    return tokenizer


def model_window(model: Embedder) -> int:
    """Tokens the model reads at most, its [CLS] and [SEP] markers included (256 for MiniLM).

    Example:
        >>> model_window(load_model("minilm"))
        256
    """
    tokenizer_of(model)
    return int(getattr(model._model, "max_seq_length", None) or 512)  # type: ignore[attr-defined]


def text_capacity(model: Embedder) -> int:
    """Word pieces of text the model reads: its window less its special tokens (254).

    Example:
        >>> text_capacity(load_model("minilm"))
        254
    """
    return model_window(model) - int(tokenizer_of(model).num_special_tokens_to_add())


def count_tokens(texts: list[str], model: Embedder) -> list[int]:
    """Word pieces of each text in the model's tokenizer, without [CLS] and [SEP].

    Example:
        >>> count_tokens(["hello world", "unbelievably"], load_model("minilm"))
        [2, 5]
    """
    if not texts:
        return []
    encoded = tokenizer_of(model)(list(texts), add_special_tokens=False, verbose=False)
    return [len(ids) for ids in encoded["input_ids"]]


@dataclass(frozen=True)
class Tokens:
    """A text's word pieces: each one's character span, ``starts[i]:ends[i]``."""

    starts: NDArray[np.int64]
    ends: NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.starts)

    def between(self, start: int, end: int) -> int:
        """How many word pieces lie in the characters ``start:end``."""
        first, stop = np.searchsorted(self.starts, [start, end])
        return int(stop - first)


def _pieces(text: str) -> list[tuple[int, int]]:
    """Spans of about ``_TOKENIZE_PIECE_CHARS`` characters, cut at whitespace."""
    spans, start = [], 0
    while start < len(text):
        end = min(len(text), start + _TOKENIZE_PIECE_CHARS)
        if end < len(text):
            space = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
            end = space + 1 if space > start else end
        spans.append((start, end))
        start = end
    return spans


def tokenize(text: str, model: Embedder, *, progress: Progress | None = None) -> Tokens:
    """The word pieces of ``text`` with their character offsets, in one pass.

    Example:
        >>> tokens = tokenize("Unbelievably good.", load_model("minilm"))
        >>> len(tokens), tokens.starts.tolist()
        (7, [0, 2, 5, 7, 9, 13, 17])
    """
    tokenizer = tokenizer_of(model)
    starts: list[NDArray] = []
    ends: list[NDArray] = []
    for start, end in _pieces(text):
        encoded = tokenizer(
            text[start:end], add_special_tokens=False, return_offsets_mapping=True, verbose=False
        )
        offsets = np.asarray(encoded["offset_mapping"], dtype=np.int64).reshape(-1, 2)
        starts.append(offsets[:, 0] + start)
        ends.append(offsets[:, 1] + start)
        if progress is not None:
            progress(end, len(text))
    if not starts:
        empty = np.empty(0, dtype=np.int64)
        return Tokens(empty, empty)
    return Tokens(np.concatenate(starts), np.concatenate(ends))


def check_document(text: object) -> str:
    """The document, or a ``ValueError`` saying why it cannot be chunked.

    Example:
        >>> check_document("?!  …")
        Traceback (most recent call last):
        ...
        ValueError: The document has no words, only punctuation or symbols (“?! …”). Paste or upload a text with words, or use the sample document.
    """  # noqa: E501 - a doctest's expected output is one line
    if not isinstance(text, str):
        raise ValueError(f"The document must be text, got {type(text).__name__}.")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > ASK_MAX_BYTES:
        raise ValueError(
            f"The document is {size / 2**20:.1f} MB; the limit is {ASK_MAX_BYTES / 2**20:.1f} MB. "
            "Use a part of it."
        )
    if not clean_phrase(text):
        raise ValueError(
            "The document is empty: paste or upload a text, or use the sample document."
        )
    if not _WORD.search(text):
        raise ValueError(
            f"The document has no words, only punctuation or symbols (“{shorten(text, 32)}”). "
            "Paste or upload a text with words, or use the sample document."
        )
    return text


def _spans(text: str, breaks: re.Pattern[str], start: int = 0, end: int | None = None) -> list:
    """The non-blank spans of ``text[start:end]`` between matches of ``breaks``, trimmed."""
    end = len(text) if end is None else end
    spans = []
    last = start
    for match in breaks.finditer(text, start, end):
        spans.append((last, match.end()))
        last = match.end()
    spans.append((last, end))
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            trimmed.append((s, e))
    return trimmed


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (or of ``text[start:end]``), as character offsets.

    Example:
        >>> text = "# Title\\n\\nFirst one. Second? Yes!\\n- a list item"
        >>> [text[s:e] for s, e in sentences(text)]
        ['# Title', 'First one.', 'Second?', 'Yes!', '- a list item']
    """
    return _spans(text, _SENTENCE_END, start, end)


def _paragraphs(text: str, tokens: Tokens, size: int) -> list[tuple[int, int]]:
    blocks = _spans(text, _PARAGRAPH_BREAK)
    joined: list[tuple[int, int]] = []
    heading: int | None = None
    for s, e in blocks:
        if heading is not None:
            s, heading = heading, None
        if _HEADING.match(text, s) and "\n" not in text[s:e].strip() and (s, e) != blocks[-1]:
            heading = s  # a heading line joins the paragraph below it
            continue
        joined.append((s, e))
    spans: list[tuple[int, int]] = []
    for s, e in joined:
        if tokens.between(s, e) <= size:
            spans.append((s, e))
            continue
        piece: tuple[int, int] | None = None
        for sentence in sentences(text, s, e):
            if piece is not None and tokens.between(piece[0], sentence[1]) <= size:
                piece = (piece[0], sentence[1])
            else:
                if piece is not None:
                    spans.append(piece)
                piece = sentence
        if piece is not None:
            spans.append(piece)
    return spans


def _windows(count: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """``[start, stop)`` windows of ``size`` over ``count`` items, sharing ``overlap``."""
    windows, step = [], size - overlap
    for first in range(0, count, step):
        windows.append((first, min(first + size, count)))
        if first + size >= count:
            break
    return windows


def _token_windows(tokens: Tokens, size: int, overlap: int) -> list[tuple[int, int]]:
    """Windows of at most ``size`` tokens whose edges fall on blanks, between words."""
    n = len(tokens)
    # A token glued to the one before it (no blank between) continues a word:
    # "driver's" and "twenty-seven" are kept whole, as "un ##bel ##ievably" is.
    glued = np.r_[False, tokens.starts[1:] == tokens.ends[:-1]]

    def word_start(i: int, floor: int) -> int:
        j = i
        while j > floor and j < n and glued[j]:
            j -= 1
        return j if j > floor else i  # a word longer than the window is split

    windows: list[tuple[int, int]] = []
    first = 0
    while first < n:
        stop = word_start(min(first + size, n), first)
        windows.append((first, stop))
        if stop >= n:
            break
        following = word_start(stop - overlap, first) if overlap else stop
        first = following if following > first else stop
    return windows


def _check_size(by: str, size: object, overlap: object) -> tuple[int, int]:
    default_size, default_overlap = ASK_CHUNK_DEFAULTS[by]
    size = default_size if size is None else size
    overlap = default_overlap if overlap is None else overlap
    unit, most = (
        ("sentences", ASK_MAX_CHUNK_SENTENCES)
        if by == "sentences"
        else (
            "tokens",
            ASK_MAX_CHUNK_TOKENS,
        )
    )
    for name, value in (("size", size), ("overlap", overlap)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ValueError(f"The chunk {name} must be a whole number, got {value!r}.")
    if not 1 <= size <= most:
        raise ValueError(
            f"The chunk size must be from 1 to {most:,} {unit}, got {size:,}. "
            "Choose a size in range."
        )
    if by == "paragraph" and overlap:
        raise ValueError(f"Paragraph chunks do not overlap; got an overlap of {overlap}. Use 0.")
    if overlap < 0 or (overlap and overlap >= size):
        raise ValueError(
            f"The overlap ({overlap:,} {unit}) must be at least 0 and less than the chunk size "
            f"({size:,} {unit}); otherwise no chunk moves on. Choose a smaller overlap."
        )
    return int(size), int(overlap)


def chunk(
    text: str,
    *,
    by: str = "paragraph",
    size: int | None = None,
    overlap: int | None = None,
    model: str | Embedder = "minilm",
    progress: Progress | None = None,
) -> Chunks:
    """Cut ``text`` into chunks: spans of it, with their size in the model's tokens.

    Args:
        text: the document.
        by: ``"paragraph"``, ``"sentences"`` or ``"tokens"`` (see the module's doc).
        size: tokens per chunk (``"paragraph"``: at most; ``"tokens"``: each window)
            or sentences per window (``"sentences"``); default ``ASK_CHUNK_DEFAULTS``.
        overlap: tokens or sentences each window shares with the one before
            (0 for paragraphs); must be less than ``size``.
        model: the model whose tokenizer counts, and whose window says what is cut.
        progress: ``progress(characters_done, characters)`` while tokenizing.

    Returns:
        :class:`Chunks`, a list of :class:`Chunk` in document order, whose
        ``notes`` say when the size was larger than the text, or chunks are cut.

    Raises:
        ValueError: an empty document or one without words, a document over
            ``ASK_MAX_BYTES``, an unknown ``by``, a size out of range, an
            overlap at or over the size, or more than ``ASK_MAX_CHUNKS`` chunks.

    Example:
        >>> doc = "Check the tyres.\\n\\nWater the tomatoes daily. Stake them early."
        >>> parts = chunk(doc, by="sentences", size=2, overlap=1)
        >>> [(c.start, c.end, c.tokens) for c in parts]
        [(0, 43, 9), (18, 61, 9)]
        >>> parts[1].text
        'Water the tomatoes daily. Stake them early.'
        >>> all(doc[c.start:c.end] == c.text for c in parts)
        True
    """
    if by not in ASK_CHUNKINGS:
        raise ValueError(
            f"Unknown way of chunking {by!r}; choose one of {', '.join(ASK_CHUNKINGS)}."
        )
    check_document(text)
    size, overlap = _check_size(by, size, overlap)
    embedder = load_model(model) if isinstance(model, str) else model
    capacity = text_capacity(embedder)
    tokens = tokenize(text, embedder, progress=progress)
    notes: list[str] = []
    if by == "tokens":
        if size >= len(tokens):
            notes.append(
                f"The document has {len(tokens):,} tokens, no more than the chunk size "
                f"({size:,}): it is one chunk."
            )
        _check_count(len(tokens), size, overlap)
        windows = _token_windows(tokens, size, overlap)
        spans = [(int(tokens.starts[a]), int(tokens.ends[b - 1])) for a, b in windows]
    elif by == "sentences":
        units = sentences(text)
        if size >= len(units):
            notes.append(
                f"The document has {len(units):,} sentence{'s' if len(units) != 1 else ''}, "
                f"no more than the chunk size ({size:,}): it is one chunk."
            )
        _check_count(len(units), size, overlap)
        spans = [(units[a][0], units[b - 1][1]) for a, b in _windows(len(units), size, overlap)]
    else:
        spans = _paragraphs(text, tokens, size)
    if len(spans) > ASK_MAX_CHUNKS:
        raise ValueError(_too_many(len(spans)))
    chunks = [_make_chunk(text, s, e, tokens, capacity) for s, e in spans]
    cut = sum(c.cut for c in chunks)
    if cut:
        notes.append(
            f"{cut:,} of {len(chunks):,} chunks are longer than the model reads "
            f"({capacity + 2} tokens, {capacity} of them text, and at most "
            f"{MAX_PHRASE_CHARS:,} characters): only their start is embedded. "
            "Choose a smaller chunk size."
        )
    return Chunks(chunks, notes)


def _too_many(count: int) -> str:
    return (
        f"This would make {count:,} chunks, more than the {ASK_MAX_CHUNKS:,} one document may "
        "have. Choose a larger chunk size or a smaller overlap."
    )


def _check_count(units: int, size: int, overlap: int) -> None:
    if units > size and -(-(units - overlap) // (size - overlap)) > ASK_MAX_CHUNKS:
        raise ValueError(_too_many(-(-(units - overlap) // (size - overlap))))


def _make_chunk(text: str, start: int, end: int, tokens: Tokens, capacity: int) -> Chunk:
    count = tokens.between(start, end)
    read = min(end - start, MAX_PHRASE_CHARS)
    if count > capacity:
        last = int(np.searchsorted(tokens.starts, start)) + capacity - 1
        read = min(read, int(tokens.ends[last]) - start)
    return Chunk(text[start:end], start, end, count, read)
