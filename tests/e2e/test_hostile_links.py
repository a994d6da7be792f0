"""Links whose values are Markdown links and images: the browser shows them as text,
draws no link or image to their host and never requests it (issue 16 §1)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest

pytestmark = pytest.mark.e2e

LINK = "[Log in](https://evil.example/x)"
IMAGE = "![](https://evil.example/p.png)"
BARE = "see https://evil.example/bare or www.evil.example/w"
#: The invisible word joiner that markdown_escape puts where GFM would make a link.
JOINER = "\u2060"

CASES = {
    "model": ("/", {"model": LINK}, LINK),
    "corpus": ("/search", {"corpus": IMAGE}, IMAGE),
    "phrases": ("/", {"phrases": "\n".join([LINK, IMAGE, LINK, IMAGE, BARE])}, "Merged 2"),
    "poles": ("/axes", {"x_from": IMAGE, "x_to": IMAGE}, IMAGE),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_link_values_render_as_text(page, server_url, case) -> None:
    path, params, expected = CASES[case]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{server_url}{path}?{urlencode(params)}")
    alert = page.locator("[data-testid='stAlert']", has_text=expected.split("](")[0]).first
    alert.wait_for(timeout=120_000)
    page.wait_for_timeout(1_500)  # an image would have been requested by now
    shown = alert.inner_text().replace(JOINER, "")
    assert expected in shown, shown  # the value is there, literally
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("img[src*='evil.example']").count() == 0
    assert [url for url in requests if "evil.example" in (urlsplit(url).hostname or "")] == []
