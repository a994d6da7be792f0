"""Links that carry what a page shows: the phrases and settings, in the query string.

Phrases travel as readable text (``?phrases=a%0Ab``, one per line) while that is
short, else as one compressed parameter (``?pz=``: zlib, then base64url), so
that a link stays under ``MAX_LINK_CHARS``. Reading a link never trusts it:
broken compression, oversized values and unknown choices give a message and
fall back to defaults. Nothing here imports Streamlit; pages use it through
:mod:`explorer.ui`.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from explorer.config import MAX_LINK_CHARS, MAX_LINK_TEXT_CHARS, PLAIN_PHRASES_CHARS
from explorer.phrases import shorten

PHRASES_PARAM = "phrases"
COMPRESSED_PARAM = "pz"


@dataclass(frozen=True)
class LinkPhrases:
    """Phrases read from a link: the text (``None`` when the link has none) and messages."""

    text: str | None
    problems: list[str] = field(default_factory=list)


def _compress(text: str) -> str:
    packed = zlib.compress(text.encode("utf-8"), level=9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def _decompress(value: str) -> str:
    """Undo :func:`_compress`; ValueError for anything that is not its output."""
    try:
        padded = value + "=" * (-len(value) % 4)
        packed = base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError("it is not valid base64url") from error
    inflater = zlib.decompressobj()
    try:
        # Never unpack more than a link may hold: a tiny value can inflate to gigabytes.
        raw = inflater.decompress(packed, 4 * MAX_LINK_TEXT_CHARS + 1)
    except zlib.error as error:
        raise ValueError("it is not zlib data (the link may be cut short)") from error
    if inflater.unconsumed_tail or len(raw) > 4 * MAX_LINK_TEXT_CHARS:
        raise ValueError(f"it unpacks to more than {MAX_LINK_TEXT_CHARS:,} characters")
    if not inflater.eof:
        raise ValueError("it is cut short (the link may be truncated)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError("it does not unpack to UTF-8 text") from error


def phrases_params(text: str) -> dict[str, str]:
    """The query parameters that carry ``text`` (phrases, one per line).

    Example:
        >>> phrases_params("a cat\\na dog")
        {'phrases': 'a cat\\na dog'}
        >>> list(phrases_params("\\n".join(f"phrase number {i}" for i in range(200))))
        ['pz']
    """
    if len(urlencode({PHRASES_PARAM: text})) <= PLAIN_PHRASES_CHARS:
        return {PHRASES_PARAM: text}
    return {COMPRESSED_PARAM: _compress(text)}


def _single(value: str | list[str]) -> str:
    return value[-1] if isinstance(value, list) else value


def read_phrases(params: Mapping[str, str | list[str]]) -> LinkPhrases:
    """The phrases a link carries, or ``None`` with the reason it carries none.

    Example:
        >>> read_phrases({"pz": "not-zlib"}).problems
        ["The link's phrases could not be read: it is not zlib data (the link may be cut short). Showing the default phrases instead."]
    """  # noqa: E501
    if COMPRESSED_PARAM in params:
        try:
            text = _decompress(_single(params[COMPRESSED_PARAM]))
        except ValueError as error:
            return LinkPhrases(
                None,
                [
                    f"The link's phrases could not be read: {error}. "
                    "Showing the default phrases instead."
                ],
            )
    elif PHRASES_PARAM in params:
        text = _single(params[PHRASES_PARAM])
    else:
        return LinkPhrases(None)
    if len(text) > MAX_LINK_TEXT_CHARS:
        return LinkPhrases(
            text[:MAX_LINK_TEXT_CHARS],
            [
                f"The link's phrases are {len(text):,} characters long; only the first "
                f"{MAX_LINK_TEXT_CHARS:,} are read."
            ],
        )
    return LinkPhrases(text)


@dataclass(frozen=True)
class ShareLink:
    """A link to a view, or the reason there is none (too long: export instead)."""

    url: str | None
    problem: str | None = None


def share_link(base_url: str, params: Mapping[str, str]) -> ShareLink:
    """``base_url`` with ``params`` as its query string, if it fits in ``MAX_LINK_CHARS``.

    Example:
        >>> share_link("http://x/", {"phrases": "a cat\\na dog", "model": "toy"}).url
        'http://x/?phrases=a+cat%0Aa+dog&model=toy'
    """
    query = urlencode({k: v for k, v in params.items() if v is not None and v != ""})
    url = f"{base_url.split('?')[0]}?{query}" if query else base_url.split("?")[0]
    if len(url) > MAX_LINK_CHARS:
        return ShareLink(
            None,
            f"These phrases make a link of {len(url):,} characters, over the "
            f"{MAX_LINK_CHARS:,} that links can safely carry. Export them instead "
            "(below the map) and share the file.",
        )
    return ShareLink(url)


#: Bytes the web server reads of a request's head (its URL and headers): uvicorn's
#: h11 default, which Streamlit gives no setting for. Past it, the server answers
#: a bare "400 Invalid HTTP request", before the app runs; MAX_LINK_CHARS stays well under.
SERVER_HEAD_BYTES = 16 * 1024


def link_note(link: ShareLink, params: Mapping[str, str]) -> str:
    """What the Share control says about a link: its length, the limit, how phrases travel.

    Example:
        >>> link_note(ShareLink("http://x/?phrases=a"), {"phrases": "a"})  # doctest: +ELLIPSIS
        'This link has 19 characters; ... stay readable while they fit in 1,500 characters ...'
    """
    size = "Links" if link.url is None else f"This link has {len(link.url):,} characters; links"
    note = (
        f"{size} are offered up to {MAX_LINK_CHARS:,} characters (the web server "
        f"refuses a request over {SERVER_HEAD_BYTES // 1024} KB without opening the app)."
    )
    if COMPRESSED_PARAM in params:
        return note + (
            f" The phrases travel compressed (pz=), as they always do over "
            f"{PLAIN_PHRASES_CHARS:,} characters once encoded."
        )
    if PHRASES_PARAM in params:
        return note + (
            f" The phrases stay readable while they fit in {PLAIN_PHRASES_CHARS:,} characters "
            "once encoded; longer lists travel compressed (pz=)."
        )
    return note


#: Longest free-text value a link may set (a search query, an axis pole list).
MAX_PARAM_CHARS = 2_000
#: Most numbers a list parameter (``kind="ints"``) may hold.
MAX_LIST_NUMBERS = 100


#: Most digits a number in a link may have (int() of more is slow, and no limit needs them).
MAX_NUMBER_DIGITS = 9
_NATURAL = re.compile(rf"[0-9]{{1,{MAX_NUMBER_DIGITS}}}")
_SIGNED = re.compile(rf"-?[0-9]{{1,{MAX_NUMBER_DIGITS}}}")


def parse_whole(raw: str, *, name: str, low: int, high: int) -> int:
    """A link's whole number from ``low`` to ``high``: ASCII digits only, a minus only if ``low < 0``.

    No spaces, signs, decimals, exponents, other scripts' digits or more than
    ``MAX_NUMBER_DIGITS`` digits; ValueError naming the parameter and range.

    Example:
        >>> parse_whole("7", name="k", low=1, high=20)
        7
        >>> parse_whole("²", name="k", low=1, high=20)
        Traceback (most recent call last):
        ...
        ValueError: The link asks for k “²”, which is not a whole number from 1 to 20; using the default.
    """  # noqa: E501
    pattern = _SIGNED if low < 0 else _NATURAL
    if pattern.fullmatch(raw) and low <= int(raw) <= high:
        return int(raw)
    raise _refusal(name, raw, f"a whole number from {low} to {high}")


def _refusal(name: str, raw: str, allowed: str) -> ValueError:
    return ValueError(
        f"The link asks for {name} “{shorten(raw, 40)}”, which is not {allowed}; using the default."
    )


@dataclass(frozen=True)
class Param:
    """One setting of a page that its link carries.

    Attributes:
        name: the query parameter, e.g. ``"model"``.
        key: the session-state key of the widget holding it.
        choices: the values allowed (for a choice); ``None`` for other kinds.
        kind: ``"choice"``, ``"int"`` (``low`` to ``high``), ``"ints"`` (a comma-separated
            list of them, e.g. phrase numbers), ``"bool"`` or ``"text"``.

    Example:
        >>> Param("k", "k", kind="int", low=1, high=20).parse("50")
        Traceback (most recent call last):
        ...
        ValueError: The link asks for k “50”, which is not a whole number from 1 to 20; using the default.
    """  # noqa: E501

    name: str
    key: str
    choices: tuple[str, ...] | None = None
    kind: str = "choice"
    low: int = 0
    high: int = 1_000_000
    max_chars: int = MAX_PARAM_CHARS

    def _reject(self, raw: str, allowed: str) -> ValueError:
        return _refusal(self.name, raw, allowed)

    def parse(self, raw: str) -> Any:
        """The widget value for a link's text; ValueError with the message to show."""
        if self.kind == "choice":
            if self.choices is not None and raw in self.choices:
                return raw
            raise self._reject(raw, f"one of {', '.join(self.choices or ())}")
        if self.kind == "int":
            return parse_whole(raw, name=self.name, low=self.low, high=self.high)
        if self.kind == "ints":
            parts = raw.split(",") if raw else []
            try:
                if len(parts) > MAX_LIST_NUMBERS:
                    raise ValueError(raw)
                return [parse_whole(p, name=self.name, low=self.low, high=self.high) for p in parts]
            except ValueError:
                raise self._reject(
                    raw,
                    f"a comma-separated list of up to {MAX_LIST_NUMBERS} whole numbers "
                    f"from {self.low} to {self.high}",
                ) from None
        if self.kind == "bool":
            if raw.lower() in ("true", "false"):
                return raw.lower() == "true"
            raise self._reject(raw, "true or false")
        if len(raw) > self.max_chars:
            raise self._reject(raw, f"at most {self.max_chars:,} characters")
        return raw

    def format(self, value: Any) -> str:
        """The link's text for a widget value (what :meth:`parse` reads back)."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value)
        return "" if value is None else str(value)


def read_params(
    params: Mapping[str, str | list[str]], specs: Sequence[Param]
) -> tuple[dict[str, Any], list[str]]:
    """Widget values (by session-state key) from a link, and a message per bad value.

    Example:
        >>> specs = [Param("model", "model", ("toy", "minilm")), Param("k", "k", kind="int")]
        >>> read_params({"model": "gpt", "k": "3"}, specs)[0]
        {'k': 3}
    """
    values: dict[str, Any] = {}
    problems: list[str] = []
    for spec in specs:
        if spec.name not in params:
            continue
        try:
            values[spec.key] = spec.parse(_single(params[spec.name]))
        except ValueError as error:
            problems.append(str(error))
    return values, problems
