"""The Playground's 3-D view in a real Chromium: one page load from a link with view=3d."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from bench.harness import ROOT

pytestmark = pytest.mark.e2e
PHRASES = ["a cat", "a kitten", "a dog", "a <b>truck</b>", "a bus"]
#: JavaScript: the chart's traces (type, name, points) once Plotly has drawn it in WebGL.
STATE_JS = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  if (!plot || !plot._fullData || !plot.querySelector('.gl-container canvas')) return null;
  return {traces: plot._fullData.map(t => [t.type, t.name, t.x ? t.x.length : 0]),
          title: plot._fullLayout.title.text, text: plot._fullData.at(-1).text};
}"""


def test_a_3d_link_draws_the_phrases_in_webgl_with_the_focus_ringed(page, server_url) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    query = f"phrases={quote(chr(10).join(PHRASES))}&model=minilm&method=pca&view=3d&focus=2"
    page.goto(f"{server_url}/?{query}")
    handle = page.wait_for_function(
        f"() => {{ const s = ({STATE_JS})(); "
        "return s && s.traces.some(t => t[1] === 'focus') ? s : null; }",
        timeout=180_000,
    )
    state = handle.json_value()
    assert state["traces"] == [
        ["scatter3d", "distance", 3 * 4],  # 4 lines from the focused phrase, then a gap each
        ["scatter3d", "distance hover", 4],
        ["scatter3d", "focus", 1],
        ["scatter3d", "phrases", 5],
    ]
    assert "projected to 3-D with PCA" in state["title"]
    assert state["text"][1] == "<b>a kitten</b>"
    assert state["text"][3] == "a <\u2060b>truck<\u2060/b>"  # WebGL text shows the tags
    shots = ROOT / "test-artifacts" / "playground-3d"
    shots.mkdir(parents=True, exist_ok=True)
    page.locator(".js-plotly-plot").screenshot(path=str(shots / "focused.png"))
    assert errors == []
