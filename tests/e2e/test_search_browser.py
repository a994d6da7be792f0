"""The Search page in a real headless Chromium: the preset finds the automobile document first."""

from __future__ import annotations

import pytest

from bench.harness import ROOT
from explorer.config import SEARCH_PRESET_QUERY

pytestmark = pytest.mark.e2e
SCREENSHOT = ROOT / "test-artifacts" / "search.png"
HITS = "[data-testid='stMarkdownContainer']"
#: JavaScript: the names of the search map's traces and its d= labels.
MAP_STATE_JS = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  if (!plot || !plot.data) return null;
  return {names: plot.data.map(t => t.name),
          labels: (plot.layout.annotations || []).map(a => a.text)};
}"""


def test_preset_query_puts_the_automobile_document_first(page, server_url) -> None:
    page.goto(server_url + "/search")
    preset = page.get_by_role("button", name=f"Try “{SEARCH_PRESET_QUERY}”")
    preset.wait_for(timeout=120_000)
    preset.click()
    semantic = page.locator(f".st-key-semantic_hits {HITS}")
    semantic.first.wait_for(timeout=120_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.st-key-semantic_hits "
        '[data-testid="stMarkdownContainer"]\').length === 5',
        timeout=120_000,
    )
    first = semantic.first.inner_text()
    assert "Automobile repairs: brake pads, oil changes and engine diagnostics" in first
    assert "shares no word with the query" in first
    keyword = page.locator(f".st-key-keyword_hits {HITS}").all_inner_texts()
    assert len(keyword) == 5
    assert not any("Automobile repairs" in text for text in keyword)
    assert page.get_by_role("textbox", name="Query").input_value() == SEARCH_PRESET_QUERY
    page.wait_for_function(f"() => {{ const s = ({MAP_STATE_JS})(); return s && s.labels.length }}")
    state = page.evaluate(MAP_STATE_JS)
    assert state["names"][-2:] == ["top hits", "query"]
    # A d= label with no free spot near its line is left to the hit's hover.
    assert 3 <= len([label for label in state["labels"] if label.startswith("d=")]) <= 5
    assert "q=how" in page.url  # the query is in the URL, to share
    # The sample's PCA holds 4% / 3% of the variance: the page says so, and the map turns
    # to UMAP once its background job is done (PCA is shown meanwhile).
    assert page.get_by_text("PCA at 4% / 3% of the variance is a blob").is_visible()
    page.wait_for_function(
        "() => { const p = document.querySelector('.js-plotly-plot');"
        " return p && p.layout && p.layout.title.text.includes('projected to 2-D with UMAP'); }",
        timeout=180_000,
    )
    subtitle = page.evaluate(
        "() => document.querySelector('.js-plotly-plot').layout.title.subtitle.text"
    )
    assert "similarity-weighted mean of its 5 most similar" in subtitle.replace("<br>", " ")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
