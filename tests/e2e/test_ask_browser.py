"""The Ask page in a real headless Chromium: the sample, a preset, the context and the map."""

from __future__ import annotations

import pytest

from bench.harness import ROOT
from explorer.ui.ask import PRESETS

pytestmark = pytest.mark.e2e
SCREENSHOT = ROOT / "test-artifacts" / "ask.png"
TEXT = "[data-testid='stMarkdownContainer']"
#: JavaScript: the Ask map's trace names, its d= labels and its chunk count, once drawn.
MAP_STATE_JS = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  if (!plot || !plot._fullData) return null;
  const chunks = plot._fullData.find(t => t.name === 'chunks');
  return {names: plot.data.map(t => t.name), n: chunks ? chunks.x.length : 0,
          labels: (plot.layout.annotations || []).map(a => a.text)};
}"""


def test_a_preset_question_shows_its_context_and_the_map(page, server_url) -> None:
    question, passage = PRESETS[0]
    page.goto(server_url + "/ask")
    preset = page.get_by_role("button", name=question)
    preset.wait_for(timeout=120_000)
    preset.click()
    context = page.locator(f".st-key-ask_context {TEXT}")
    page.wait_for_function(
        "() => document.querySelectorAll('.st-key-ask_context "
        '[data-testid="stMarkdownContainer"]\').length === 3',
        timeout=120_000,
    )
    first = context.first.inner_text()
    assert passage in first and "shares no word with the question" in first
    prompt = page.locator("[data-testid='stCode'] code").first
    prompt.wait_for(timeout=60_000)
    assert f"Question: {question}" in prompt.text_content()
    assert page.get_by_role("textbox", name="Question").input_value() == question
    page.wait_for_function(
        f"() => {{ const s = ({MAP_STATE_JS})(); return s && s.labels.length >= 4 }}",
        timeout=120_000,
    )
    state = page.evaluate(MAP_STATE_JS)
    assert state["names"][0] == "chunks" and state["names"][-2:] == ["retrieved", "question"]
    assert state["n"] == 46
    distances = [label for label in state["labels"] if label.startswith("d=")]
    assert len(distances) == 3 and all(label.endswith("(cosine, 384-d)") for label in distances)
    assert "q=how+often" in page.url and "source=sample" in page.url
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
