"""Link encoding: phrases round-trip exactly, long lists compress, bad values are refused."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from explorer.config import MAX_LINK_CHARS, MAX_PHRASES, PLAIN_PHRASES_CHARS
from explorer.links import (
    COMPRESSED_PARAM,
    MAX_NUMBER_DIGITS,
    PHRASES_PARAM,
    SERVER_HEAD_BYTES,
    Param,
    ShareLink,
    link_note,
    parse_whole,
    phrases_params,
    read_params,
    read_phrases,
    share_link,
)
from explorer.phrases import shorten

ODD = "emoji 🎉👍🏽\nעברית מימין לשמאל\n<b>bold</b> & <script>x</script>\nzero\u200bwidth\ttab"


def through_url(params: dict[str, str]) -> dict[str, list[str]]:
    link = share_link("http://host:8501/playground", params).url
    assert link is not None
    return parse_qs(urlsplit(link).query, keep_blank_values=True)


@pytest.mark.parametrize("text", [ODD, "a", "\n".join(f"phrase {i} " * 8 for i in range(150))])
def test_phrases_survive_a_link_exactly(text) -> None:
    assert read_phrases(through_url(phrases_params(text))).text == text


def test_short_lists_stay_readable_and_long_ones_compress() -> None:
    assert list(phrases_params("a cat\na dog")) == [PHRASES_PARAM]
    long = "\n".join(f"a fairly long phrase number {i}" for i in range(MAX_PHRASES))
    assert list(phrases_params(long)) == [COMPRESSED_PARAM]
    assert len(phrases_params(long)[COMPRESSED_PARAM]) < PLAIN_PHRASES_CHARS * 2


def test_a_link_that_cannot_fit_asks_for_the_export() -> None:
    rng = __import__("random").Random(0)
    noise = "\n".join("".join(rng.choice("abcdefghij") for _ in range(900)) for _ in range(20))
    link = share_link("http://h/", phrases_params(noise))
    assert link.url is None
    assert f"over the {MAX_LINK_CHARS:,} that links can safely carry" in link.problem
    assert "Export" in link.problem


def test_no_phrases_in_a_link_means_none() -> None:
    assert read_phrases({}).text is None and read_phrases({}).problems == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("!!!", "not valid base64url"),
        ("aGVsbG8", "not zlib data"),
        (phrases_params("x" * 5000)[COMPRESSED_PARAM][:-6], "cut short"),
    ],
)
def test_broken_compression_is_refused_with_a_reason(value, reason) -> None:
    linked = read_phrases({COMPRESSED_PARAM: value})
    assert linked.text is None
    assert reason in linked.problems[0] and "default phrases" in linked.problems[0]


def test_params_parse_their_kinds_and_refuse_the_rest() -> None:
    specs = [
        Param("model", "m", ("toy", "minilm")),
        Param("k", "k", kind="int", low=1, high=20),
        Param("on", "on", kind="bool"),
        Param("q", "q", kind="text", max_chars=10),
    ]
    values, problems = read_params({"model": "minilm", "k": "7", "on": "TRUE", "q": "hi"}, specs)
    assert values == {"m": "minilm", "k": 7, "on": True, "q": "hi"}
    assert problems == []
    values, problems = read_params({"model": "x", "k": "0", "on": "yes", "q": "y" * 11}, specs)
    assert values == {}
    assert [p.split(",")[0] for p in problems] == [
        "The link asks for model “x”",
        "The link asks for k “0”",
        "The link asks for on “yes”",
        "The link asks for q “yyyyyyyyyyy”",
    ]
    assert Param("on", "on", kind="bool").format(False) == "false"


def test_lists_of_phrase_numbers_round_trip() -> None:
    spec = Param("pick", "pick", kind="ints", low=0, high=199)
    assert spec.parse(spec.format([0, 2, 5])) == [0, 2, 5]
    assert spec.parse("") == []
    with pytest.raises(ValueError, match="list of up to 100 whole numbers from 0 to 199"):
        spec.parse("1,x")


#: Numbers a link must refuse: other scripts' digits, signs, exponents, spaces, decimals, huge.
BAD_NUMBERS = ["²", "٣", "--5", "+5", "1e3", " 5", "5 ", "5.0", "0x5", "5\n", "9" * 5_000, "", "-1"]


@pytest.mark.parametrize("raw", BAD_NUMBERS)
def test_number_params_refuse_anything_but_plain_digits_in_range(raw) -> None:
    spec = Param("focus", "focus", kind="int", low=0, high=200)
    with pytest.raises(ValueError) as refused:
        spec.parse(raw)
    message = str(refused.value)
    assert message == (
        f"The link asks for focus “{shorten(raw, 40)}”, which is not a whole number "
        "from 0 to 200; using the default."
    )
    assert len(message) < 200  # a 5,000-digit value is cut, never echoed whole
    values, problems = read_params({"focus": raw}, [spec])
    assert values == {} and problems == [message]


@pytest.mark.parametrize("raw", [p for p in BAD_NUMBERS if p] + ["1,²", "1,,2", "1,2,", "1, 2"])
def test_number_lists_refuse_any_bad_entry(raw) -> None:
    spec = Param("pick", "pick", kind="ints", low=1, high=200)
    with pytest.raises(ValueError, match=r"^The link asks for pick “.*”, which is not a comma-"):
        spec.parse(raw)


def test_negative_numbers_only_where_the_range_allows_them() -> None:
    assert parse_whole("-5", name="shift", low=-10, high=10) == -5
    assert parse_whole("007", name="k", low=0, high=10) == 7
    assert Param("sel", "sel", kind="ints", low=1, high=10**6).parse("1,999999") == [1, 999_999]
    for raw in ["--5", "-", "- 5", "5-"]:
        with pytest.raises(ValueError, match="which is not a whole number from -10 to 10"):
            parse_whole(raw, name="shift", low=-10, high=10)
    with pytest.raises(ValueError, match="from 0 to 10"):
        parse_whole("1" * (MAX_NUMBER_DIGITS + 1), name="k", low=0, high=10)
    with pytest.raises(ValueError, match="list of up to 100"):
        Param("sel", "sel", kind="ints", low=1, high=10).parse(",".join(["1"] * 101))


def test_the_share_note_states_the_limits_and_the_form() -> None:
    readable = phrases_params("a cat\na dog")
    link = share_link("http://h/", readable)
    assert link_note(link, readable) == (
        f"This link has {len(link.url):,} characters; links are offered up to 8,000 characters "
        "(the web server refuses a request over 16 KB without opening the app). The phrases "
        "stay readable while they fit in 1,500 characters once encoded; longer lists travel "
        "compressed (pz=)."
    )
    packed = phrases_params("\n".join(f"phrase number {i}" for i in range(200)))
    assert link_note(share_link("http://h/", packed), packed).endswith(
        "The phrases travel compressed (pz=), as they always do over 1,500 characters once encoded."
    )
    assert link_note(ShareLink(None, "too long"), {"q": "x"}) == (
        "Links are offered up to 8,000 characters (the web server refuses a request over 16 KB "
        "without opening the app)."
    )
    assert SERVER_HEAD_BYTES > 2 * MAX_LINK_CHARS  # the limit offered leaves room for headers
