"""Every page that shows phrases takes the worst a person can type without a traceback."""

from __future__ import annotations

import pytest

from explorer.config import MAX_PHRASES
from tests.app.pages import open_page

PHRASE_PAGES = ["app.py", "compare.py", "axes.py", "fidelity.py", "inside.py"]
NASTY = "\n".join(
    [
        "",
        "   \u200b  ",
        "x" * 10_000,
        "emoji 🎉👍🏽 party",
        "עברית מימין לשמאל",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
        "a cat",
        "a cat",
        "  a cat  ",
        "𝓯𝓪𝓷𝓬𝔂 letters",
    ]
)


@pytest.mark.parametrize("page", PHRASE_PAGES)
def test_nasty_phrases_give_notes_not_tracebacks(minilm, page) -> None:
    at = open_page(page, NASTY)
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == []
    warnings = " ".join(w.value for w in at.warning)
    assert "the model reads only its first 1,000" in warnings
    assert "merged" in warnings or "duplicate" in warnings.lower()
    assert at.text_area(key="phrases_text").value == NASTY  # nothing typed is lost


@pytest.mark.parametrize("page", PHRASE_PAGES)
def test_too_many_phrases_states_the_limit(minilm, page) -> None:
    text = "\n".join(f"phrase number {i}" for i in range(MAX_PHRASES + 30))
    at = open_page(page, text)
    assert not at.exception, at.exception
    assert any(f"{MAX_PHRASES}" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PHRASE_PAGES)
@pytest.mark.parametrize("text", ["", "only one phrase"])
def test_empty_and_single_phrase_are_handled(minilm, page, text) -> None:
    at = open_page(page, text)
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == []
