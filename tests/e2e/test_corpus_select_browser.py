"""A real browser: a box drawn on the corpus map lists the documents inside it, and
Show clusters writes the clusters' names on the map."""

from __future__ import annotations

import os
import re

import pytest

from bench.harness import CORPUS_MAP_STATE_JS

pytestmark = pytest.mark.e2e

SAMPLE_ROWS = 336
#: Where the screenshot of the map with clusters goes (looked at by hand).
SCREENSHOT = os.environ.get("CORPUS_CLUSTERS_PNG", "/tmp/corpus-clusters.png")


def wait_for_map(page, condition: str = "true", *, timeout_s: float = 300) -> dict:
    """The map's state once it shows the sample and ``condition`` (JavaScript on ``s``)
    holds; the first map waits for the model to load on a busy machine."""
    return page.wait_for_function(
        f"() => {{ const s = ({CORPUS_MAP_STATE_JS})(); "
        f"return s && s.n === {SAMPLE_ROWS} && ({condition}) ? s : null; }}",
        timeout=timeout_s * 1000,
    ).json_value()


def test_a_box_on_the_map_lists_the_documents_inside_it(page, server_url) -> None:
    page.goto(f"{server_url}/corpus")
    wait_for_map(page, "s.title.includes('UMAP')")  # PCA first, then the UMAP map
    plot = page.locator(".js-plotly-plot").first
    plot.hover()
    page.locator('.modebar-btn[data-val="select"]').first.click()
    area = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    # A box over the middle of the plot: some of the sample's clusters lie inside it.
    x0, y0 = area["x"] + area["width"] * 0.2, area["y"] + area["height"] * 0.2
    x1, y1 = area["x"] + area["width"] * 0.8, area["y"] + area["height"] * 0.8
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=5)
    page.mouse.move(x1, y1, steps=5)
    page.mouse.up()
    heading = page.get_by_text(re.compile(r"^\d[\d,]* selected documents$"))
    heading.wait_for(timeout=60_000)
    count = int(heading.text_content().split()[0].replace(",", ""))
    assert 0 < count < SAMPLE_ROWS
    page.get_by_text("Download the selection (.csv)").wait_for(timeout=10_000)
    assert re.search(r"[?&]sel=\d", page.url)
    state = wait_for_map(page, "s.all.includes('selected')")
    assert "selected" in state["all"]
    assert not page.get_by_text("Traceback").count()


def test_show_clusters_writes_their_names_on_the_map(page, server_url) -> None:
    page.goto(f"{server_url}/corpus")
    wait_for_map(page)
    page.get_by_text("Show clusters").click()
    wait_for_map(page, "s.all.includes('cluster names')")
    page.get_by_text(re.compile(r"^\d+ clusters$")).wait_for(timeout=60_000)
    names = page.locator(".js-plotly-plot .textpoint text")
    assert names.count() >= 5
    page.locator(".js-plotly-plot").first.screenshot(path=SCREENSHOT)
    assert not page.get_by_text("Traceback").count()
