from __future__ import annotations

import pytest

from explorer.config import MAX_PHRASE_CHARS, MAX_PHRASES
from explorer.phrases import (
    clean_phrase,
    escape,
    markdown_escape,
    model_text,
    parse_phrases,
    shorten,
    template_escape,
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
    assert markdown_escape("[x](javascript:y) **b**") == "\\[x\\](javascript\\:y) \\*\\*b\\*\\*"


J = "\u2060"  # the word joiner that breaks automatic links


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("[Log in](https://evil.example/x)", f"\\[Log in\\](https{J}://evil.example/x)"),
        ("![](https://evil.example/p.png)", f"!\\[\\](https{J}://evil.example/p.png)"),
        ("<https://evil.example>", f"\\<https{J}://evil.example>"),
        ("Nearest to www.evil.example", f"Nearest to ww{J}w.evil.example"),
        ("WWWW.evil.example", f"WWW{J}W.evil.example"),
        ("write to me@evil.example", f"write to me@{J}evil.example"),
        ("`code` ~~gone~~ $x^2$ <b>", "\\`code\\` \\~\\~gone\\~\\~ \\$x^2\\$ \\<b>"),
        (":red[hi] :material/home: 10:30", "\\:red\\[hi\\] \\:material/home: 10\\:30"),
        ("_em_ snake_case &lt; R&D", "\\_em\\_ snake_case \\&lt; R\\&D"),
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("12. item", "12\\. item"),
        ("> quote\nnext  line", "\\> quote next line"),
        ("Merged 2 duplicate lines: “a cat”, “(b)”.", "Merged 2 duplicate lines: “a cat”, “(b)”."),
    ],
)
def test_markdown_escape_cases(text, shown) -> None:
    assert markdown_escape(text) == shown


def test_markdown_escape_leaves_no_link_syntax_or_autolink() -> None:
    payload = "[Log in](https://evil.example/x) ![](http://evil.example/p.png) www.evil.example"
    shown = markdown_escape(payload)
    assert "](" not in shown.replace("\\](", "")
    assert "://" not in shown.replace(f"{J}://", "")
    assert "www." not in shown.lower()
    assert shown.replace(J, "").replace("\\", "") == payload  # nothing else changes


def test_template_escape_shows_plotly_placeholders_literally() -> None:
    assert template_escape("%{x} & %{fullData.name} 50%") == (
        "&#37;{x} &amp; &#37;{fullData.name} 50%"
    )


def test_shorten() -> None:
    assert shorten("abc", 5) == "abc"
    assert shorten("one two three", 8) == "one two…"
    assert shorten("a\nb", 5) == "a b"


def test_plotly_placeholders_in_user_names_stay_literal_in_the_figure_json() -> None:
    import numpy as np

    from explorer.figures.coloring import coloring
    from explorer.figures.corpus import corpus_figure
    from explorer.figures.style import quoted

    names = ["%{x}", "%{fullData.name}", "plain"]
    fig = corpus_figure(
        np.arange(12, dtype=float).reshape(6, 2),
        [f"doc {i}" for i in range(6)],
        title="t",
        color=coloring([names[i % 3] for i in range(6)], column="label"),
    ).to_plotly_json()
    legend = [t["name"] for t in fig["data"] if t.get("showlegend")]
    assert sorted(legend) == ["&#37;{fullData.name}", "&#37;{x}", "plain"]
    assert not any("%{" in t.get("name", "") for t in fig["data"])
    assert quoted("%{y} <b>") == "“&#37;{y} &lt;b&gt;”"  # legends and hovertemplates of phrases


def test_clean_phrase_strips_every_blank_character_and_only_those() -> None:
    import unicodedata

    blank_kinds = {"Cf", "Cc", "Zs"}
    blanks = [
        c for c in map(chr, range(0x3100)) if c.isspace() or unicodedata.category(c) in blank_kinds
    ]
    assert "\u200b" in blanks and "\u202e" in blanks and "\x00" in blanks and "a" not in blanks
    for blank in [*blanks, "\ufeff", "\U000e0001"]:
        assert clean_phrase(f"{blank}word{blank}") == "word"
        assert clean_phrase(f"w{blank}d") == f"w{blank}d"  # only the ends
        assert clean_phrase(blank * 3) == ""
    text = "no blanks at either end"
    assert clean_phrase(text) is text
    assert (
        clean_phrase("\U0001f600 emoji \u05e9\u05dc\u05d5\u05dd")
        == "\U0001f600 emoji \u05e9\u05dc\u05d5\u05dd"
    )
