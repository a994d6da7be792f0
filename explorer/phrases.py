"""Turn what a person typed into a clean list of phrases, with notes on what changed.

Nothing here throws away the user's text: the caller keeps the raw text as
typed, and the notes say which lines were skipped, merged or cut for the model.
"""

from __future__ import annotations

import functools
import html
import re
import sys
import textwrap
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from explorer.config import LABEL_CHARS, LABEL_LINES, LABEL_WIDTH, MAX_PHRASE_CHARS, MAX_PHRASES


@dataclass(frozen=True)
class PhraseInput:
    """Phrases ready for a model, and what was done to get them.

    Attributes:
        phrases: distinct, non-empty phrases in the order typed (at most
            ``MAX_PHRASES``), each as typed (only surrounding blanks removed).
        notes: one sentence per change, for the UI to show.
        truncated: indices into ``phrases`` of those longer than
            ``MAX_PHRASE_CHARS``; the model reads only their first part.
    """

    phrases: list[str]
    notes: list[str] = field(default_factory=list)
    truncated: list[int] = field(default_factory=list)


def _is_blank(char: str) -> bool:
    # Zero-width spaces, joiners, BOMs and direction marks are category Cf:
    # a line made only of them and whitespace is empty to a reader.
    return char.isspace() or unicodedata.category(char) in {"Cf", "Cc", "Zs"}


@functools.cache
def _blanks() -> tuple[str, frozenset[str]]:
    """Every blank character, as ``str.strip`` takes them and as a set (0.2 s, once)."""
    chars = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if _is_blank(c))
    return chars, frozenset(chars)


def clean_phrase(line: str) -> str:
    """Strip blanks (whitespace and invisible format characters) from both ends.

    A text that neither starts nor ends with one comes back as it is, the same
    object: a million texts take a fifth of a second.

    Example:
        >>> clean_phrase("\\u200b  hello \\u200d ")
        'hello'
    """
    chars, blank = _blanks()
    if not line or (line[0] not in blank and line[-1] not in blank):
        return line
    return line.strip(chars)


def phrase_key(text: str) -> str:
    """What two phrases are compared by: blanks stripped, Unicode NFC.

    Example:
        >>> phrase_key(" cafe\u0301 ") == phrase_key("café")
        True
    """
    return unicodedata.normalize("NFC", clean_phrase(text))


@dataclass(frozen=True)
class Distinct:
    """Which of some texts to keep: the first copy of each, up to a limit.

    Attributes:
        kept: indices of the texts kept, in order.
        blank: indices of texts that are empty once blanks are stripped.
        duplicates: indices of later copies of a kept text.
        overflow: how many more distinct texts came after the limit.
    """

    kept: list[int]
    blank: list[int]
    duplicates: list[int]
    overflow: int


def distinct(texts: Iterable[str], *, limit: int | None = None) -> Distinct:
    """The first copy of each non-blank text, compared as the phrase box compares them.

    Texts are compared after :func:`clean_phrase` and Unicode NFC normalisation,
    so the phrase box, a search corpus and an import merge the same duplicates.

    Example:
        >>> distinct(["a", " ", "A", "a ", "b", "c"], limit=2)
        Distinct(kept=[0, 2], blank=[1], duplicates=[3], overflow=2)
    """
    kept: list[int] = []
    blank: list[int] = []
    duplicates: list[int] = []
    seen: set[str] = set()
    overflow = 0
    for index, text in enumerate(texts):
        key = phrase_key(text)
        if not key:
            blank.append(index)
            continue
        if key in seen:
            duplicates.append(index)
        elif limit is not None and len(kept) >= limit:
            overflow += 1
        else:
            seen.add(key)
            kept.append(index)
    return Distinct(kept, blank, duplicates, overflow)


def _quote(phrase: str) -> str:
    return f"“{shorten(phrase, LABEL_CHARS)}”"


def parse_phrases(
    text: str, *, max_phrases: int = MAX_PHRASES, max_chars: int = MAX_PHRASE_CHARS
) -> PhraseInput:
    """Split typed text into phrases, one per line.

    Empty and blank lines are skipped, duplicates merged (compared after
    Unicode NFC normalisation), phrases beyond ``max_phrases`` left out, and
    phrases longer than ``max_chars`` marked as truncated for the model.

    Example:
        >>> parsed = parse_phrases("cat\\n\\n  dog \\ncat")
        >>> parsed.phrases
        ['cat', 'dog']
        >>> parsed.notes
        ['Merged 1 duplicate line: “cat”.']
    """
    lines = text.splitlines()
    chosen = distinct(lines, limit=max_phrases)
    phrases = [clean_phrase(lines[i]) for i in chosen.kept]
    duplicates = [clean_phrase(lines[i]) for i in chosen.duplicates]
    overflow = chosen.overflow

    notes: list[str] = []
    if duplicates:
        shown = ", ".join(_quote(p) for p in dict.fromkeys(duplicates))
        plural = "s" if len(duplicates) > 1 else ""
        notes.append(f"Merged {len(duplicates)} duplicate line{plural}: {shown}.")
    if overflow:
        notes.append(
            f"Only the first {max_phrases} phrases are shown (the limit); "
            f"{overflow} more line{'s were' if overflow > 1 else ' was'} left out."
        )
    truncated = [i for i, p in enumerate(phrases) if len(p) > max_chars]
    for i in truncated:
        notes.append(
            f"Phrase {i + 1} ({_quote(phrases[i])}) has {len(phrases[i]):,} characters; "
            f"the model reads only its first {max_chars:,}."
        )
    return PhraseInput(phrases=phrases, notes=notes, truncated=truncated)


def model_text(phrase: str, *, max_chars: int = MAX_PHRASE_CHARS) -> str:
    """The part of a phrase the model reads.

    Example:
        >>> model_text("abcdef", max_chars=3)
        'abc'
    """
    return phrase[:max_chars]


def shorten(phrase: str, limit: int) -> str:
    """Cut a phrase to ``limit`` characters, ending with an ellipsis if cut.

    Example:
        >>> shorten("a very long phrase", 8)
        'a very…'
    """
    flat = " ".join(phrase.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:  # end at a word boundary when one is near
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"


def wrap_label(phrase: str, *, width: int = LABEL_WIDTH, max_lines: int = LABEL_LINES) -> list[str]:
    """Wrap a phrase into at most ``max_lines`` lines of ``width`` characters.

    Example:
        >>> wrap_label("lessgo we are so back guys wgmi", width=12)
        ['lessgo we', 'are so…']
    """
    lines = textwrap.wrap(" ".join(phrase.split()), width=width) or [""]
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    kept[-1] = shorten(kept[-1] + " " + lines[max_lines], width)
    return kept


def escape(text: str) -> str:
    """Escape text for Plotly labels and hovers, which draw a subset of HTML.

    Quotes stay as they are: Plotly would show ``&quot;`` literally.

    Example:
        >>> escape('<b>"hi" & bye</b>')
        '&lt;b&gt;"hi" &amp; bye&lt;/b&gt;'
    """
    return html.escape(text, quote=False)


def template_escape(text: str) -> str:
    """:func:`escape`, and ``%{`` shown literally: for Plotly trace names and hovertemplates.

    Plotly fills ``%{...}`` in hovertemplates (and drops it from legend names);
    ``&#37;`` is the entity for ``%``, which Plotly draws as ``%``.

    Example:
        >>> template_escape("50%{x} <b>")
        '50&#37;{x} &lt;b&gt;'
    """
    return escape(text).replace("%{", "&#37;{")


#: Characters that start Markdown (or Streamlit Markdown) anywhere in a line:
#: escapes, code, emphasis, strikethrough, links and images, HTML, LaTeX.
_MARKDOWN_ALWAYS = frozenset("\\`*~[]<$")
#: Characters that start a block only at the start of a line (headings, quotes, lists).
_MARKDOWN_LINE_START = frozenset("#>-+=|")
#: An invisible character (WORD JOINER, category Cf) that breaks automatic links.
WORD_JOINER = "\u2060"
#: Where GFM would turn bare text into a link: ``http://``, ``www.``, ``a@b.c``.
_AUTOLINK = re.compile(r"(?<=[A-Za-z])(?=://)|(?<=[Ww][Ww])(?=[Ww]\.)|(?<=@)(?=[-\w])")


def break_autolinks(text: str) -> str:
    """``text`` with a word joiner (invisible) where GFM would make a link by itself.

    :func:`markdown_escape` does this; call it first on a text that is escaped
    piece by piece (a URL split into words would escape each word alone).

    Example:
        >>> break_autolinks("http://x.example www.x.example a@x.example")
        'http\\u2060://x.example ww\\u2060w.x.example a@\\u2060x.example'
    """
    return _AUTOLINK.sub(WORD_JOINER, text)


def _markdown_char(text: str, i: int) -> str:
    char, before, after = text[i], text[i - 1 : i], text[i + 1 : i + 2]
    escaped = "\\" + char
    if char in _MARKDOWN_ALWAYS:
        return escaped
    if char == "_" and not (before.isalnum() and after.isalnum()):
        return escaped  # snake_case stays readable; _emphasis_ does not start
    if char == "&" and (after.isalnum() or after == "#"):
        return escaped  # an entity such as &lt; or &#91;
    if char == ":" and (after.isalnum() or after in "+-_"):
        return escaped  # :emoji:, :material/icon:, :red[...]
    if i == 0 and char in _MARKDOWN_LINE_START:
        return escaped
    if char in ".)" and before.isdigit() and text[:i].isdigit():
        return escaped  # "1." or "1)" would start a numbered list
    return char


def markdown_escape(text: str) -> str:
    """Any text (typed, from a link, a file, an error) as Markdown that shows it literally.

    The one function for text a visitor controls inside ``st.markdown``,
    ``st.warning`` and the like: whitespace is flattened to single spaces,
    everything that would start emphasis, code, a link, an image, HTML, LaTeX
    or a Streamlit directive is backslash-escaped, and a word joiner (invisible)
    breaks what GFM would turn into a link by itself (``http://``, ``www.``,
    e-mail addresses). Plain sentences come out unchanged.

    Example:
        >>> markdown_escape("**bold** <b>")
        '\\\\*\\\\*bold\\\\*\\\\* \\\\<b>'
        >>> markdown_escape("![](https://evil.example/p.png)")
        '!\\\\[\\\\](https\\u2060://evil.example/p.png)'
        >>> markdown_escape("Merged 1 duplicate line: “a cat”.")
        'Merged 1 duplicate line: “a cat”.'
    """
    flat = break_autolinks(" ".join(text.split()))
    return "".join(_markdown_char(flat, i) for i in range(len(flat)))


def with_phrases(text: str, phrases: list[str]) -> str:
    """The phrase box's ``text`` with ``phrases`` added below, those not there already.

    Scores need enough phrases; pages offer example phrases this way, so that
    nothing the user typed is replaced.

    Example:
        >>> with_phrases("a cat\\n", ["a dog", "a cat"])
        'a cat\\na dog'
        >>> with_phrases("", ["a dog"])
        'a dog'
    """
    present = set(parse_phrases(text).phrases)
    missing = [p for p in phrases if p not in present]
    return "\n".join([text.rstrip("\n"), *missing]).strip("\n")
