"""Loading a corpus: the sample, pasted text, .txt and .csv uploads, and every bad input."""

from __future__ import annotations

import re

import pytest

from explorer.config import MAX_PHRASE_CHARS, SEARCH_MAX_BYTES, SEARCH_MAX_DOCS, SEARCH_PRESET_QUERY
from explorer.documents.readers import (
    SAMPLE_PATH,
    decode,
    from_table,
    from_text,
    load_sample,
    load_upload,
    read_table,
)

AUTOMOBILE = (
    "Automobile repairs: brake pads, oil changes and engine diagnostics done while you wait."
)
SAVE_AS = "Save it as UTF-8 text (in Excel: Save As → “CSV UTF-8”) and upload it again."


# --- the built-in sample -------------------------------------------------------------


def test_sample_has_over_300_distinct_documents_on_at_least_10_topics() -> None:
    sample = load_sample()
    assert len(sample) >= 300
    assert len(set(sample.texts)) == len(sample.texts)
    assert sample.topics is not None and len(sample.topics) == len(sample.texts)
    counts = {t: sample.topics.count(t) for t in set(sample.topics)}
    assert len(counts) >= 10 and min(counts.values()) >= 20
    assert sample.notes == ()
    assert SAMPLE_PATH.read_text(encoding="utf-8").startswith("text,topic\n")


def test_sample_automobile_document_shares_no_word_with_the_preset_query() -> None:
    sample = load_sample()
    assert AUTOMOBILE in sample.texts
    query_words = set(re.findall(r"[a-z0-9]+", SEARCH_PRESET_QUERY.lower()))
    assert query_words == {"how", "to", "fix", "my", "car"}
    assert not set(re.findall(r"[a-z0-9]+", AUTOMOBILE.lower())) & query_words
    # ...while off-topic documents share its words, to tempt keyword search.
    tempting = [t for t in sample.texts if t.lower().startswith("how to fix my ")]
    assert len(tempting) >= 5


# --- pasted text ----------------------------------------------------------------------


def test_pasted_text_is_one_document_per_line_blank_lines_skipped() -> None:
    corpus = from_text("  first doc \n\n\u200b\nsecond doc\r\nthird doc")
    assert corpus.texts == ("first doc", "second doc", "third doc")
    assert corpus.topics is None and corpus.notes == ()
    assert corpus.describe() == "pasted text: 3 documents"


def test_duplicates_are_merged_with_a_note() -> None:
    corpus = from_text("a\nb\na\nb\nc")
    assert corpus.texts == ("a", "b", "c")
    assert corpus.notes == ("Merged 2 duplicate lines; 3 distinct documents remain.",)


def test_ten_thousand_identical_lines_become_one_document_with_a_note() -> None:
    corpus = from_text("the same line\n" * 10_000)
    assert corpus.texts == ("the same line",)
    assert corpus.notes == (
        "All 10,000 lines hold the same text, so the corpus has 1 document: “the same line”. "
        "Searching one document always finds it; add different ones.",
    )


def test_documents_beyond_the_limit_are_left_out_with_a_note() -> None:
    corpus = from_text("\n".join(f"doc {i}" for i in range(SEARCH_MAX_DOCS + 5)))
    assert len(corpus) == SEARCH_MAX_DOCS
    assert corpus.texts[-1] == f"doc {SEARCH_MAX_DOCS - 1}"
    assert corpus.notes == (
        f"Only the first {SEARCH_MAX_DOCS:,} documents are kept (the limit); "
        "5 more lines were left out.",
    )


def test_long_documents_are_kept_whole_with_a_note() -> None:
    long = "word " * (MAX_PHRASE_CHARS // 4)
    corpus = from_text(f"short\n{long}")
    assert corpus.texts[1] == long.strip()
    assert corpus.notes == (
        f"1 document is longer than {MAX_PHRASE_CHARS:,} characters: the model reads the first "
        f"{MAX_PHRASE_CHARS:,} characters of each (keyword search reads them whole).",
    )


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\u200b\n\ufeff"])
def test_empty_pasted_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError) as error:
        from_text(text)
    assert str(error.value) == (
        "The corpus is empty: the pasted text has no text. "
        "Give at least one document, one per line."
    )


def test_pasted_text_over_the_size_limit_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^The pasted text is 10\.0 MB; the limit is 10\.0 MB"):
        from_text("x" * (SEARCH_MAX_BYTES + 1))


# --- uploads: .txt --------------------------------------------------------------------


def test_txt_upload_with_a_byte_order_mark_and_windows_line_ends() -> None:
    corpus = load_upload("\ufeffcafé au lait\r\nthé vert\r\n".encode(), name="drinks.txt")
    assert corpus.texts == ("café au lait", "thé vert")
    assert corpus.source == "“drinks.txt”"


def test_upload_of_another_file_type_is_refused() -> None:
    with pytest.raises(ValueError) as error:
        load_upload(b"hello", name="report.docx")
    assert str(error.value) == (
        "“report.docx” is not a .txt or .csv file. Upload a .txt file (one document per line) "
        "or a .csv file (one document per row)."
    )


@pytest.mark.parametrize("name", ["empty.txt", "empty.csv"])
@pytest.mark.parametrize("data", [b"", b"  \n\r\n "])
def test_empty_file_is_refused(name: str, data: bytes) -> None:
    with pytest.raises(ValueError) as error:
        load_upload(data, name=name)
    assert str(error.value) == (
        f"“{name}” is empty. Upload a .txt file with one document per line, "
        "or a .csv file with a column of documents."
    )


def test_wrong_encoding_says_which_byte_and_what_the_file_looks_like() -> None:
    data = "name,text\n1,Crème brûlée recipe\n".encode("latin-1")
    with pytest.raises(ValueError) as error:
        load_upload(data, name="recipes.csv")
    assert str(error.value) == (
        "“recipes.csv” is not UTF-8 text: byte 0xE8 on line 2 (“1,Cr…”) is not valid UTF-8. "
        f"It looks like Windows-1252 (Latin-1), where that byte is “è”. {SAVE_AS}"
    )


def test_utf16_file_is_named_as_such() -> None:
    with pytest.raises(ValueError) as error:
        load_upload("text\nhello\n".encode("utf-16"), name="export.csv")
    assert str(error.value) == f"“export.csv” is UTF-16 text; this app reads UTF-8. {SAVE_AS}"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00rest-of-xlsx", "a ZIP archive (an Excel .xlsx, a Word .docx "
         "or another zipped file)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "a PDF document"),
    ],
)  # fmt: skip
def test_binary_file_renamed_csv_is_named(data: bytes, kind: str) -> None:
    with pytest.raises(ValueError) as error:
        load_upload(data, name="data.csv")
    assert str(error.value) == f"“data.csv” is not a text file: it is {kind}. {SAVE_AS}"


def test_unknown_binary_data_is_refused() -> None:
    data = bytes(range(256)) * 8
    with pytest.raises(ValueError) as error:
        load_upload(data, name="blob.csv")
    assert str(error.value) == (
        "“blob.csv” is not a text file: it holds binary data (control bytes such as NUL). "
        f"{SAVE_AS}"
    )


def test_file_over_the_size_limit_is_refused_before_reading_it() -> None:
    data = b"a line\n" * (SEARCH_MAX_BYTES // 7 + 1)
    with pytest.raises(ValueError) as error:
        load_upload(data, name="huge.txt")
    assert str(error.value) == (
        f"“huge.txt” is {len(data) / 1024 / 1024:.1f} MB; the limit is 10.0 MB. "
        f"Use a smaller file, e.g. its first {SEARCH_MAX_DOCS:,} documents."
    )


def test_decode_accepts_plain_utf8_and_the_byte_order_mark() -> None:
    assert decode("naïve".encode(), name="a.txt") == "naïve"
    assert decode("\ufeffnaïve".encode(), name="a.txt") == "naïve"


# --- uploads: .csv --------------------------------------------------------------------


def test_csv_text_column_is_guessed_by_name_and_topics_come_along() -> None:
    data = b"id,text,topic\n1,Fix the brakes,cars\n2,Bake bread,food\n3,,food\n"
    corpus = load_upload(data, name="docs.csv")
    assert corpus.texts == ("Fix the brakes", "Bake bread")
    assert corpus.topics == ("cars", "food")
    assert corpus.source == "“docs.csv”, column “text”"


def test_csv_text_column_is_guessed_from_content_without_a_known_name() -> None:
    data = b"id,price,blurb\n1,9.99,A sturdy steel kettle for camping\n2,1200,Quiet fridge\n"
    table = read_table(data, name="shop.csv")
    assert table.columns == ("id", "price", "blurb")
    assert table.guess == "blurb"
    assert from_table(table).texts == ("A sturdy steel kettle for camping", "Quiet fridge")


def test_csv_chosen_column_overrides_the_guess() -> None:
    data = b"title,body\nBrakes,How brake pads wear\nBread,Knead for ten minutes\n"
    table = read_table(data, name="a.csv")
    assert table.guess == "body"
    assert from_table(table, text_column="title").texts == ("Brakes", "Bread")


def test_csv_without_a_text_column_is_refused() -> None:
    data = b"id,price,stock\n1,9.99,3\n2,12.50,0\n"
    with pytest.raises(ValueError) as error:
        load_upload(data, name="prices.csv")
    assert str(error.value) == (
        "“prices.csv” has no text column: its columns (“id”, “price”, “stock”) hold only "
        "numbers or nothing. Upload a CSV with a column of documents (headed e.g. “text”), "
        "or a .txt file with one document per line."
    )


def test_csv_missing_chosen_column_lists_the_columns() -> None:
    with pytest.raises(ValueError) as error:
        load_upload(b"a,b\nx,y\n", name="t.csv", text_column="text")
    assert str(error.value) == "“t.csv” has no column “text”; its columns are “a”, “b”. " + (
        "Choose one of them."
    )


def test_csv_with_a_header_only_is_refused() -> None:
    with pytest.raises(ValueError) as error:
        load_upload(b"text,topic\n", name="t.csv")
    assert str(error.value) == (
        "“t.csv” has a header row (text, topic) but no rows of data. "
        "Add one document per row below the header."
    )


def test_csv_column_with_no_text_is_refused() -> None:
    with pytest.raises(ValueError) as error:
        load_upload(b"text,id\n ,1\n,2\n", name="t.csv", text_column="text")
    assert str(error.value) == (
        "The corpus is empty: column “text” of “t.csv” has no text in any row. "
        "Choose another column."
    )


def test_csv_quoted_cells_may_hold_commas_and_line_breaks() -> None:
    data = b'text,topic\n"Oil, filters and brakes",cars\n"Line one\nline two",misc\n'
    corpus = load_upload(data, name="q.csv")
    assert corpus.texts == ("Oil, filters and brakes", "Line one\nline two")
    assert corpus.topics == ("cars", "misc")


def test_csv_semicolons_tabs_ragged_rows_and_blank_headers() -> None:
    assert load_upload(b"text;topic\nhello;a\nworld;b\n", name="s.csv").topics == ("a", "b")
    assert load_upload(b"text\ttopic\nhello\ta\n", name="t.csv").texts == ("hello",)
    table = read_table(b"text,,\nshort row\nfull,row,here,extra\n", name="r.csv")
    assert table.columns == ("text", "column 2", "column 3")
    assert table.rows == (("short row", "", ""), ("full", "row", "here"))


def test_csv_duplicate_rows_are_merged_with_a_note() -> None:
    corpus = load_upload(b"text\n" + b"same\n" * 10_000, name="dupes.csv")
    assert corpus.texts == ("same",)
    assert corpus.notes == (
        "All 10,000 rows hold the same text, so the corpus has 1 document: “same”. "
        "Searching one document always finds it; add different ones.",
    )


def test_csv_that_cannot_be_parsed_says_where() -> None:
    data = b'text\n"unterminated quote' + b"x" * 200_000
    with pytest.raises(ValueError, match=r"^“bad\.csv” cannot be read as CSV: .* \(line 2\)\. "):
        load_upload(data, name="bad.csv")
