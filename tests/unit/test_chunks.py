"""Chunking a document: offsets back into the text, overlaps, token counts, bad input."""

from __future__ import annotations

import pytest

import explorer
from explorer.config import ASK_MAX_BYTES, ASK_MAX_CHUNKS
from explorer.documents.chunks import (
    check_document,
    chunk,
    count_tokens,
    load_sample_document,
    read_document,
    sentences,
    tokenizer_of,
)

HOSTILE = (
    "<script>alert('x')</script> **not bold** 😀 Emoji stay.\r\n\r\n"
    "مرحبا بالعالم. هذا نص عربي؟ Yes, right to left.\n\n"
    "Unbelievably long-winded sentence, with a URL https://example.com/a_b?c=d&e=f.\n"
    "# A heading\n\nThe last paragraph."
)


@pytest.fixture(scope="module")
def sample() -> str:
    return load_sample_document()


def word_pieces(model, text: str) -> int:
    return len(tokenizer_of(model)(text, add_special_tokens=False)["input_ids"])


def test_the_sample_is_a_long_document_on_several_subjects(sample) -> None:
    assert len(sample.split()) >= 3_000
    headings = [line for line in sample.splitlines() if line.startswith("## ")]
    assert len(headings) >= 10 and "## Looking after your vehicle" in headings


@pytest.mark.parametrize(
    ("by", "size", "overlap"),
    [("paragraph", 200, 0), ("paragraph", 40, 0), ("sentences", 3, 1), ("tokens", 64, 16)],
)
@pytest.mark.parametrize("which", ["sample", "hostile"])
def test_chunks_are_spans_of_the_text_with_the_tokenizers_counts(
    minilm, sample, which, by, size, overlap
) -> None:
    text = sample if which == "sample" else HOSTILE
    chunks = chunk(text, by=by, size=size, overlap=overlap, model=minilm)
    assert chunks
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert c.text == c.text.strip() and c.text
        assert c.tokens == word_pieces(minilm, c.text)
    starts = [c.start for c in chunks]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    if by == "tokens":
        assert all(c.tokens <= size for c in chunks)
    # Every word of the text is in some chunk.
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(text) if ch.isalnum())


def test_token_windows_overlap_by_the_overlap_and_never_split_a_word(minilm, sample) -> None:
    chunks = chunk(sample, by="tokens", size=64, overlap=16, model=minilm)
    for before, after in zip(chunks, chunks[1:], strict=False):
        shared = sample[after.start : before.end]
        assert before.end > after.start  # they overlap
        assert 16 <= word_pieces(minilm, shared) <= 22  # back to the start of a word
        assert not sample[after.start - 1].isalnum()  # a chunk starts at a word's start
        assert not sample[before.end].isalnum() or sample[before.end - 1] in ".,;:"
    assert chunks[-1].end == len(sample.rstrip())
    no_overlap = chunk(sample, by="tokens", size=64, overlap=0, model=minilm)
    assert all(a.end <= b.start for a, b in zip(no_overlap, no_overlap[1:], strict=False))
    assert len(no_overlap) < len(chunks)


def test_sentence_windows_share_overlap_sentences() -> None:
    text = "One. Two! Three? Four.\n\nFive. Six."
    assert [text[s:e] for s, e in sentences(text)] == [
        "One.", "Two!", "Three?", "Four.", "Five.", "Six.",
    ]  # fmt: skip
    chunks = chunk(text, by="sentences", size=3, overlap=1)
    assert [c.text for c in chunks] == ["One. Two! Three?", "Three? Four.\n\nFive.", "Five. Six."]


def test_paragraphs_keep_headings_with_their_text_and_split_long_ones(minilm, sample) -> None:
    chunks = chunk(sample, by="paragraph", model=minilm)
    assert chunks[1].text.startswith("## Looking after your vehicle\n\nMotor oil wears out")
    assert not any(c.text.startswith("#") and "\n" not in c.text for c in chunks)
    small = chunk(sample, by="paragraph", size=40, model=minilm)
    assert len(small) > len(chunks)
    assert all(c.tokens <= 40 or len(sentences(c.text)) == 1 for c in small)


def test_a_chunk_longer_than_the_model_reads_is_flagged_cut(minilm) -> None:
    text = " ".join(f"word{i}" for i in range(400))  # about 1,200 word pieces
    chunks = chunk(text, by="tokens", size=512, overlap=0, model=minilm)
    assert 505 <= chunks[0].tokens <= 512 and chunks[0].cut
    assert chunks[0].read_chars <= 1_000
    assert chunks.notes[-1] == (
        f"{sum(c.cut for c in chunks)} of {len(chunks)} chunks are longer than the model reads "
        "(256 tokens, 254 of them text, and at most 1,000 characters): only their start is "
        "embedded. Choose a smaller chunk size."
    )
    fits = chunk(text, by="tokens", size=200, overlap=0, model=minilm)
    assert not any(c.cut for c in fits) and not fits.notes
    # A 254-token chunk of long words is read up to its 254th token, not its 1,000th character.
    long_words = " ".join(["incomprehensibilities"] * 60)
    (only,) = chunk(long_words, by="paragraph", size=512, model=minilm)
    assert only.cut and only.read_chars < len(only.text)


def test_a_size_bigger_than_the_text_gives_one_chunk_with_a_note(minilm) -> None:
    (one,) = chunk("Check the tyres monthly.", by="tokens", size=128, overlap=32, model=minilm)
    assert one.text == "Check the tyres monthly." and one.tokens == 5
    assert one_note(chunk("Check the tyres monthly.", by="tokens", size=128, overlap=32)) == (
        "The document has 5 tokens, no more than the chunk size (128): it is one chunk."
    )
    assert one_note(chunk("One. Two.", by="sentences", size=3, overlap=1)) == (
        "The document has 2 sentences, no more than the chunk size (3): it is one chunk."
    )


def one_note(chunks) -> str:
    (note,) = chunks.notes
    return note


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The document is empty: paste or upload a text, or use the sample document."),
        (
            " \n\t\u200b ",
            "The document is empty: paste or upload a text, or use the sample document.",
        ),
        (
            "?! … --- ***",
            "The document has no words, only punctuation or symbols (“?! … --- ***”). Paste or "
            "upload a text with words, or use the sample document.",
        ),
    ],
)
def test_empty_or_wordless_documents_give_a_message(text, message) -> None:
    with pytest.raises(ValueError) as error:
        chunk(text)
    assert str(error.value) == message


def test_a_document_over_the_limit_gives_a_message() -> None:
    with pytest.raises(ValueError) as error:
        check_document("a" * (ASK_MAX_BYTES + 1))
    assert str(error.value) == "The document is 6.0 MB; the limit is 6.0 MB. Use a part of it."


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"by": "tokens", "size": 64, "overlap": 64},
            "The overlap (64 tokens) must be at least 0 and less than the chunk size (64 tokens); "
            "otherwise no chunk moves on. Choose a smaller overlap.",
        ),
        (
            {"by": "sentences", "size": 2, "overlap": 5},
            "The overlap (5 sentences) must be at least 0 and less than the chunk size "
            "(2 sentences); otherwise no chunk moves on. Choose a smaller overlap.",
        ),
        (
            {"by": "tokens", "size": 0},
            "The chunk size must be from 1 to 512 tokens, got 0. Choose a size in range.",
        ),
        (
            {"by": "paragraph", "overlap": 3},
            "Paragraph chunks do not overlap; got an overlap of 3. Use 0.",
        ),
        (
            {"by": "pages"},
            "Unknown way of chunking 'pages'; choose one of paragraph, sentences, tokens.",
        ),
        (
            {"by": "tokens", "size": 1, "overlap": 0},
            f"This would make 75,000 chunks, more than the {ASK_MAX_CHUNKS:,} one document may "
            "have. Choose a larger chunk size or a smaller overlap.",
        ),
    ],
)
def test_bad_sizes_give_a_message(options, message) -> None:
    text = "Words and more words. " * 15_000 if options.get("size") == 1 else "A short text."
    with pytest.raises(ValueError) as error:
        chunk(text, **options)
    assert str(error.value) == message


def test_count_tokens_is_the_tokenizers(minilm) -> None:
    texts = ["hello world", "<b>😀</b>", "مرحبا بالعالم", ""]
    assert count_tokens(texts, minilm) == [word_pieces(minilm, t) for t in texts]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"%PDF-1.7\n...",
            "manual.pdf",
            "“manual.pdf” is a PDF; PDF is not supported here (no PDF text extractor is "
            "installed). Copy its text into the Paste box, or save it as a .txt file.",
        ),
        (
            b"PK\x03\x04",
            "notes.docx",
            "“notes.docx” is not a .txt or .md file. Upload plain text (UTF-8), or paste it.",
        ),
        (
            b"  \n ",
            "blank.md",
            "“blank.md” is empty. Upload a .txt or .md file with some text, or use the sample "
            "document.",
        ),
    ],
)
def test_read_document_refuses_what_it_cannot_read(data, name, message) -> None:
    with pytest.raises(ValueError) as error:
        read_document(data, name=name)
    assert str(error.value) == message


def test_read_document_reads_utf8_text_and_markdown() -> None:
    assert read_document("# Café\n\nÇa va.".encode("utf-8-sig"), name="a.md") == "# Café\n\nÇa va."
    with pytest.raises(ValueError, match="is not UTF-8 text"):
        read_document("Café".encode("latin-1"), name="a.txt")
    with pytest.raises(ValueError, match="the limit is 6.0 MB"):
        read_document(b"a" * (ASK_MAX_BYTES + 1), name="big.txt")


def test_the_public_api(sample) -> None:
    chunks = explorer.chunk(sample, by="sentences", size=4, overlap=1)
    assert isinstance(chunks[0], explorer.Chunk)
    assert {"chunk", "retrieve", "Chunk"} <= set(explorer.__all__)


@pytest.mark.slow
def test_a_5_mb_document_is_chunked_with_progress(minilm, sample) -> None:
    paragraphs = sample.split("\n\n")
    text = "\n\n".join(f"{p} (copy {i})" for i in range(320) for p in paragraphs)
    text = text[: 5 * 2**20]
    assert len(text.encode()) > 5_000_000
    seen: list[tuple[int, int]] = []
    chunks = chunk(
        text, by="tokens", size=256, overlap=0, model=minilm, progress=lambda *a: seen.append(a)
    )
    assert len(seen) > 10 and seen[-1] == (len(text), len(text))
    assert all(text[c.start : c.end] == c.text for c in chunks[:: max(1, len(chunks) // 50)])
    assert 3_000 < len(chunks) < 10_000
