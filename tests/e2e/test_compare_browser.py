"""Toy vs real in a real headless Chromium: a click on one map highlights the phrase on both."""

from __future__ import annotations

import pytest

from tests.e2e.test_browser import phrase_points

pytestmark = pytest.mark.e2e

#: Per chart: the selected marker's index (size 18) and the nearest-neighbour lines drawn.
MAPS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => {
  const points = (plot.data || []).find(t => t.name === 'phrases');
  return points && {
    selected: points.marker.size.indexOf(18),
    nearest: plot.data.filter(t => t.meta && t.meta.kind).map(t => t.meta.pair),
  };
})"""


def wait_for_maps(page, predicate: str, timeout: int = 60_000) -> list[dict]:
    """Wait for the maps' state to pass ``predicate``; return that state (read in the same call)."""
    handle = page.wait_for_function(
        f"() => {{ const m = ({MAPS_JS})(); return ({predicate})(m) ? m : null; }}",
        timeout=timeout,
    )
    return handle.json_value()


def test_clicking_a_point_on_the_toy_map_highlights_it_on_the_real_map(page, server_url):
    page.goto(f"{server_url}/compare")
    maps = wait_for_maps(page, "m => m.length === 2 && m[0] && m[1]", timeout=120_000)
    assert [m["selected"] for m in maps] == [-1, -1]
    toy_points = phrase_points(page, plot=0)
    toy_points.nth(1).click(force=True)
    maps = wait_for_maps(page, "m => m.length === 2 && m.every(s => s && s.selected === 1)")
    assert all(m["nearest"] and all(pair[0] == 1 for pair in m["nearest"]) for m in maps)
    assert page.get_by_text("Real model: Nearest to").first.is_visible()
