from __future__ import annotations

from explorer.config import MAX_PHRASE_CHARS, MAX_PHRASES
from explorer.phrases import (
    clean_phrase,
    escape,
    markdown_escape,
    model_text,
    parse_phrases,
    shorten,
)


def test_empty_and_blank_input_gives_no_phrases() -> None:
    for text in ["", "\n\n", "   \n\t\n", "\u200b\n\u200d \u2060\n\ufeff"]:
        parsed = parse_phrases(text)
        assert parsed.phrases == []
        assert parsed.notes == []


def test_lines_are_stripped_and_blank_lines_skipped() -> None:
    parsed = parse_phrases("  first  \n\n\u200bsecond\u200b\n")
    assert parsed.phrases == ["first", "second"]


def test_duplicates_are_merged_with_a_note() -> None:
    parsed = parse_phrases("cat\ndog\ncat\n cat \ndog")
    assert parsed.phrases == ["cat", "dog"]
    assert parsed.notes == ["Merged 3 duplicate lines: “cat”, “dog”."]


def test_duplicates_compare_after_unicode_normalisation() -> None:
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    assert parse_phrases(f"{composed}\n{decomposed}").phrases == [composed]


def test_more_than_the_limit_keeps_the_first_and_says_so() -> None:
    text = "\n".join(f"phrase {i}" for i in range(MAX_PHRASES + 5))
    parsed = parse_phrases(text)
    assert len(parsed.phrases) == MAX_PHRASES
    assert parsed.phrases[-1] == f"phrase {MAX_PHRASES - 1}"
    assert parsed.notes == [
        f"Only the first {MAX_PHRASES} phrases are shown (the limit); 5 more lines were left out."
    ]


def test_a_very_long_phrase_is_kept_but_truncated_for_the_model() -> None:
    long = "word " * 2000
    parsed = parse_phrases(f"short\n{long}")
    assert parsed.phrases[1] == long.strip()
    assert parsed.truncated == [1]
    assert parsed.notes == [
        f"Phrase 2 (“word word word word word word…”) has 9,999 characters; "
        f"the model reads only its first {MAX_PHRASE_CHARS:,}."
    ]
    assert len(model_text(parsed.phrases[1])) == MAX_PHRASE_CHARS


def test_emoji_rtl_and_joiners_inside_a_phrase_are_kept() -> None:
    family = "👨\u200d👩\u200d👧 family"
    arabic = "مرحبا بالعالم"
    parsed = parse_phrases(f"{family}\n{arabic}\n🎉")
    assert parsed.phrases == [family, arabic, "🎉"]


def test_clean_phrase_keeps_inner_invisible_characters() -> None:
    assert clean_phrase("\u200ba\u200db\u200b") == "a\u200db"


def test_escape_shows_html_literally_and_keeps_quotes() -> None:
    assert escape('<script>alert("x")</script> & <b>') == (
        '&lt;script&gt;alert("x")&lt;/script&gt; &amp; &lt;b&gt;'
    )


def test_markdown_escape_neutralises_links_and_emphasis() -> None:
    assert markdown_escape("[x](javascript:y) **b**") == (
        "\\[x\\]\\(javascript\\:y\\) \\*\\*b\\*\\*"
    )


def test_shorten() -> None:
    assert shorten("abc", 5) == "abc"
    assert shorten("one two three", 8) == "one two…"
    assert shorten("a\nb", 5) == "a b"
