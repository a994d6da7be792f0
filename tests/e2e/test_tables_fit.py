"""No table hides columns behind sideways scrolling, at 1280x800 and 1400x900.

Streamlit draws a dataframe with glide-data-grid: its scrolling element is the
``.dvn-scroller`` inside ``[data-testid="stDataFrame"]``; a table fits when that
element's content is no wider than what it shows.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

#: JavaScript: each dataframe's scroller, its content and visible widths (px).
TABLE_WIDTHS_JS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .map(frame => {
    const scroller = frame.querySelector('.dvn-scroller');
    return {scroll: scroller ? scroller.scrollWidth : null,
            client: scroller ? scroller.clientWidth : null,
            frame: Math.round(frame.getBoundingClientRect().width)};
  })"""
#: Page (with the link that fills its tables) -> how many tables it shows.
PAGES = {
    "/?model=toy": 1,  # the article's example: the pairs table
    "/?model=minilm&phrases=a+cat%0Aa+dog%0Aa+truck%0Aa+bus": 1,  # true, drawn and ranks
    "/compare": 1,
    "/axes": 2,  # each phrase on the axes; the agreement with the toy model
    "/inside": 1,
    "/fidelity?phrases=a+cat%0Aa+kitten%0Aa+dog%0Aa+truck%0Aa+bus%0Asoup": 1,
}


@pytest.fixture(params=[(1280, 800), (1400, 900)], ids=lambda size: f"{size[0]}x{size[1]}")
def sized_page(browser, request):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("path", list(PAGES))
def test_no_table_scrolls_sideways(sized_page, server_url, path) -> None:
    page = sized_page
    page.goto(server_url + path)
    count = PAGES[path]
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=\"stDataFrame\"] .dvn-scroller')"
        f".length === {count}",
        timeout=180_000,
    )
    page.wait_for_timeout(500)  # the grid sizes its columns after it mounts
    tables = page.evaluate(TABLE_WIDTHS_JS)
    assert len(tables) == count
    for table in tables:
        assert table["scroll"] <= table["client"] + 2, (path, table)
        assert table["client"] > 200, (path, table)  # a real table, not a collapsed one
