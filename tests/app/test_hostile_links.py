"""A link cannot put a link, an image or an autolink into the app's own messages, and
every number in a link is read strictly (issue 16 §1 and §4)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.links import read_params
from explorer.phrases import markdown_escape, shorten
from tests.app.pages import open_page

LINK = "[Log in](https://evil.example/x)"
IMAGE = "![](https://evil.example/p.png)"
BARE = "see https://evil.example/bare or www.evil.example/w or me@evil.example"

#: Unescaped link or image syntax, raw HTML, or what GFM turns into a link by itself.
UNSAFE = re.compile(
    r"(?<!\\)\]\(|(?<!\\)<[A-Za-z/!?]|(?i:[a-z]://)|(?i:(?<![\w.])www\.)|@[\w-]+\.[\w-]"
)
#: Elements whose text Streamlit renders as Markdown.
MARKDOWN_KINDS = (
    "markdown", "caption", "warning", "error", "info", "success", "toast",
    "title", "header", "subheader",
)  # fmt: skip


def rendered(at: AppTest) -> list[str]:
    """The Markdown of every element that renders Markdown, sidebar included."""
    return [e.value for kind in MARKDOWN_KINDS for e in getattr(at, kind)]


def assert_safe(at: AppTest, *, echoed: bool = True) -> list[str]:
    """No Markdown on the page that mentions the payload's host can link or load it."""
    assert not at.exception, at.exception
    hostile = [m for m in rendered(at) if "evil" in m]
    # Where the page repeats the value (escaped), the check below has something to check.
    assert hostile or not echoed, rendered(at)
    for markdown in hostile:
        assert not UNSAFE.search(markdown), markdown
    return hostile


def shown(text: str) -> str:
    return markdown_escape(text)


@pytest.fixture(scope="module", autouse=True)
def sample_embedded(minilm) -> None:
    """The Corpus page embeds its sample in the background: have it cached already."""
    from explorer.documents.readers import load_sample
    from explorer.models.doc_cache import default_cache

    default_cache().embed(load_sample().texts, model=minilm)


def test_a_link_value_in_the_link_warning_is_shown_literally(minilm) -> None:
    at = open_page("app.py", link={"model": LINK})
    (warning,) = assert_safe(at)
    assert warning == shown(
        f"The link asks for model “{LINK}”, which is not one of toy, minilm; using the default."
    )
    assert warning == (
        "The link asks for model “\\[Log in\\](https\u2060://evil.example/x)”, which is not "
        "one of toy, minilm; using the default."
    )


def test_an_image_in_a_link_value_is_not_loaded(minilm) -> None:
    at = open_page("search.py", link={"corpus": IMAGE})
    (warning,) = assert_safe(at)
    assert warning.startswith(shown(f"The link asks for corpus “{IMAGE}”, which is not one of"))


def test_merged_duplicate_phrases_and_the_answer_show_links_literally(minilm) -> None:
    phrases = "\n".join([LINK, IMAGE, LINK, IMAGE, BARE])
    at = open_page("app.py", link={"phrases": phrases})
    hostile = assert_safe(at)
    assert shown(f"Merged 2 duplicate lines: “{LINK}”, “{IMAGE}”.") in hostile
    answer = [m for m in hostile if "Nearest to" in m or "nearest" in m.lower()]
    assert answer and all("https\u2060://" in m or "ww\u2060w." in m for m in answer), answer


def test_the_same_image_at_both_poles_is_not_loaded(minilm) -> None:
    at = open_page("axes.py", link={"x_from": IMAGE, "x_to": IMAGE})
    hostile = assert_safe(at)
    assert [e.value for e in at.error] == hostile
    assert shown(IMAGE) in hostile[0] and "both" in hostile[0]


@pytest.mark.parametrize(
    ("page", "link"),
    [
        ("compare.py", {"phrases": f"{LINK}\n{IMAGE}\n{BARE}", "phrase": "3"}),
        ("fidelity.py", {"phrases": "\n".join([LINK, IMAGE, BARE, LINK, "a", "b", "c"])}),
        ("inside.py", {"phrases": f"{LINK}\n{IMAGE}\n{BARE}", "pick": "1,2,3"}),
        ("axes.py", {"phrases": f"{LINK}\n{BARE}\n{LINK}", "y_from": LINK, "y_to": IMAGE}),
        # The query stays in its text box; the bad hits value is what the page repeats.
        ("search.py", {"corpus": "sample", "q": f"{LINK} {IMAGE} {BARE}", "hits": IMAGE}),
        ("corpus.py", {"source": "sample", "q": f"{LINK} {BARE}", "row": IMAGE}),
        (
            "corpus.py",
            {
                "source": "sample",
                "filter": f'[{{"c": "{IMAGE}"}}, {{"c": "topic", "in": ["{LINK}"]}}]',
            },
        ),
        ("ask.py", {"source": "paste", "doc": f"{LINK}\n\n{IMAGE}\n\n{BARE}", "q": LINK}),
    ],
)
def test_every_page_shows_hostile_link_values_literally(minilm, page, link) -> None:
    assert_safe(open_page(page, link=link))


# --- §4: numbers ----------------------------------------------------------------------

#: Per page: its number parameters, their range, and the values a link must give.
NUMBERS = {
    "app.py": {"focus": "a whole number from 0 to 200"},
    "compare.py": {"phrase": "a whole number from 0 to 200"},
    "fidelity.py": {"k": "a whole number from 1 to"},
    "inside.py": {"pick": "a comma-separated list of up to 100 whole numbers from 1 to 200"},
    "search.py": {"hits": "a whole number from 1 to"},
    "corpus.py": {
        "hits": "a whole number from 1 to",
        "row": "a whole number from 0 to",
        "sel": "a comma-separated list of up to 100 whole numbers from 1 to",
    },
    "ask.py": {
        "size": "a whole number from 1 to",
        "overlap": "a whole number from 0 to",
        "k": "a whole number from 1 to",
    },
}
BAD_NUMBERS = ["²", "--5", "1e3", " 5", "5.0", "9" * 5_000, "-5"]
EXTRA = {"search.py": {"corpus": "sample"}, "corpus.py": {"source": "sample"}}


def refusal(name: str, raw: str, allowed: str) -> str:
    return f"The link asks for {name} “{shorten(raw, 40)}”, which is not {allowed}"


@pytest.mark.parametrize("page", sorted(NUMBERS))
def test_every_number_parameter_refuses_a_bad_value_by_name(minilm, page) -> None:
    """One run per page (each number parameter gets another bad value), then every bad
    value through each number parameter the page registered for its link."""
    numbers = NUMBERS[page]
    given = {name: BAD_NUMBERS[i % len(BAD_NUMBERS)] for i, name in enumerate(numbers)}
    at = open_page(page, link={**EXTRA.get(page, {}), **given})
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning]
    for name, allowed in numbers.items():
        start = shown(refusal(name, given[name], allowed))
        assert any(w.startswith(start) for w in warnings), (start, warnings)
    assert len([w for w in warnings if w.startswith("The link asks for")]) == len(numbers)
    everything = " ".join(rendered(at))
    assert "invalid literal" not in everything and "Exceeds the limit" not in everything

    specs, _ = at.session_state["_link_specs"]  # what the page reads its link with
    registered = {s.name: s for s in specs if s.kind in ("int", "ints")}
    assert sorted(registered) == sorted(numbers)  # a new number parameter belongs in NUMBERS
    for name, spec in registered.items():
        for raw in BAD_NUMBERS:
            values, problems = read_params({name: raw}, [spec])
            assert values == {}, (name, raw)
            assert len(problems) == 1 and problems[0].startswith(
                refusal(name, raw, numbers[name])
            ), problems


# --- §6: the Share popover states the link limits -------------------------------------


def test_the_share_popover_says_how_long_links_travel(minilm) -> None:
    from explorer.links import ShareLink, link_note, phrases_params

    phrases = "\n".join(f"phrase number {i} about something" for i in range(60))
    at = open_page("app.py", link={"phrases": phrases})
    assert not at.exception, at.exception
    (url,) = [c.value for c in at.sidebar.code]
    params = {"pz": phrases_params(phrases)["pz"]}
    note = shown(link_note(ShareLink(url), params))
    assert note in [c.value for c in at.sidebar.caption]
    assert "travel compressed (pz=), as they always do over 1,500 characters" in note
    assert "up to 8,000 characters" in note and "16 KB" in note


def test_messages_made_from_variables_go_through_the_safe_helpers() -> None:
    """A guard for new code: ``st.warning(problem)`` or ``st.error(str(error))`` would show
    a link's or file's text as Markdown; explorer.ui.messages (``msg.warn``...) shows it
    literally. Upper-case names are the app's own constants."""
    kinds = {"warning", "error", "info", "success", "toast", "caption"}
    root = Path(__file__).resolve().parents[2]
    files = [*(root / "pages").glob("*.py"), *(root / "explorer" / "ui").glob("*.py")]
    raw = []
    for path in [root / "app.py", *files]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in kinds
                and node.args
            ):
                continue
            owner, arg = node.func.value, node.args[0]
            if isinstance(owner, ast.Name) and owner.id in ("msg", "messages", "logger"):
                continue
            variable = isinstance(arg, ast.Attribute | ast.Subscript) or (
                isinstance(arg, ast.Name) and not arg.id.isupper()
            )
            stringified = isinstance(arg, ast.Call) and ast.unparse(arg.func) == "str"
            if variable or stringified:
                raw.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
    assert raw == []
