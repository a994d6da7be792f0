"""A shared link in a fresh browser reproduces the picture, even as a fresh server's first visit."""

from __future__ import annotations

import pytest

from bench.harness import free_port, start_server, wait_for_chart

pytestmark = pytest.mark.e2e
PHRASES = ["a cat sleeping on the sofa", "a dog in the park", "a red sports car", "a truck"]


def shared_link(page) -> str:
    """Open the Share popover and read the link it offers."""
    page.get_by_role("button", name="Share this view").click()
    code = page.locator("[data-testid='stPopoverBody'] code").first
    code.wait_for(timeout=30_000)
    return code.inner_text().strip()


def test_a_copied_link_opens_the_same_picture_in_a_new_browser(browser, server_url) -> None:
    first = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = first.new_page()
    page.goto(server_url)
    wait_for_chart(page, "s => s.n === 3")
    page.get_by_text("Real model: all-MiniLM-L6-v2").click()
    box = page.get_by_role("textbox", name="Phrases, one per line")
    box.fill("\n".join(PHRASES))
    box.press("Control+Enter")
    before = wait_for_chart(page, "s => s.n === 4 && s.text[0].startsWith('a cat')")
    page.wait_for_timeout(500)  # the run ends by writing the URL and the Share link
    link = shared_link(page)
    assert link.startswith(server_url) and "model=minilm" in link
    first.close()

    second = browser.new_context(viewport={"width": 1400, "height": 1100})
    fresh = second.new_page()
    fresh.goto(link)
    after = wait_for_chart(fresh, "s => s.n === 4")
    assert after["text"] == before["text"]
    assert after["x"] == pytest.approx(before["x"], abs=1e-9)
    assert after["y"] == pytest.approx(before["y"], abs=1e-9)
    assert after["labels"] == before["labels"]
    second.close()


def test_a_deep_link_as_a_fresh_servers_first_visit_gets_the_app(browser) -> None:
    port = free_port()
    server = start_server(port)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}/inside?phrases=a+cat%0Aa+dog%0Aa+truck&pick=1,3")
        page.get_by_role("heading", name="The raw numbers").wait_for(timeout=120_000)
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Playground" in nav and "Inside a vector" in nav  # app.py's titles
        assert "playground\n" not in nav  # not the legacy file-name list
        rows = page.wait_for_function(
            "() => { const p = document.querySelector('.js-plotly-plot');"
            " return p && p.layout && p.layout.yaxis.ticktext; }",
            timeout=60_000,
        ).json_value()
        assert rows == ["1. a cat", "2. a truck"]  # the link's pick=1,3
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
