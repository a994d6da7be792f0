"""No text on any chart overlaps another, read from the SVG a real Chromium draws.

Every page's charts at 1280x800 and 1400x900: the Playground with 3, 6 and 12
phrases on each projection (with a phrase focused too), Toy vs real with a phrase
selected, Search with the preset query, and the corpus map with search hits and a
clicked point. Phrase labels, d= labels, callouts, captions, axis titles, ticks,
legends and titles are all SVG text: their boxes must not intersect (1 px of
slack), nor stick out of the chart. Screenshots go to test-artifacts/overlap/.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from bench.harness import CHARTS_JS, ROOT, text_problems

pytestmark = pytest.mark.e2e
SHOTS = ROOT / "test-artifacts" / "overlap"
VIEWPORTS = [(1280, 800), (1400, 900)]
PHRASES = [
    "a cat",
    "a kitten",
    "a dog",
    "a truck",
    "a lorry",
    "a bus",
    "a red sports car on the highway",
    "a bowl of hot tomato soup",
    "a puppy chewing a shoe",
    "fresh bread from the bakery",
    "The meeting is postponed until further notice.",
    "this movie was trash lol",
]
METHOD_TITLES = {"pca": "PCA", "umap": "UMAP", "tsne": "t-SNE"}


def phrases_link(count: int, method: str, page: str = "/", **extra: str) -> str:
    query = f"phrases={quote(chr(10).join(PHRASES[:count]))}&model=minilm&method={method}"
    return page + "?" + query + "".join(f"&{k}={v}" for k, v in extra.items())


@pytest.fixture(params=VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def sized_page(request, browser):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.viewport_name = f"{width}x{height}"
    yield page
    context.close()


def open_charts(page, url: str, ready: str, *, timeout: float = 180_000) -> None:
    """Go to ``url`` and wait until ``ready`` (JavaScript on CHARTS_JS's list) holds
    and the charts have stopped changing for a moment."""
    page.goto(url)
    page.wait_for_function(
        f"() => {{ const c = ({CHARTS_JS})(); return c.length && c.every(x => x.drawn) "
        f"&& ({ready})(c); }}",
        timeout=timeout,
    )
    time.sleep(1.0)  # a rerun may redraw once more; text must be still when read
    page.wait_for_function(f"() => ({ready})(({CHARTS_JS})())", timeout=timeout)


def check(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for number, chart in enumerate(page.locator(".js-plotly-plot").all(), start=1):
        chart.screenshot(path=str(SHOTS / f"{name}-{page.viewport_name}-{number}.png"))
    assert text_problems(page) == []


@pytest.mark.parametrize("count", [3, 6, 12])
@pytest.mark.parametrize("method", list(METHOD_TITLES))
def test_playground_text_never_overlaps(sized_page, server_url, count, method) -> None:
    if count == 12 and method == "tsne" and sized_page.viewport_name != "1280x800":
        pytest.skip("12 phrases on t-SNE run once, at the narrower window")
    title = METHOD_TITLES[method] if count >= 4 else "PCA"  # fewer points fall back to PCA
    ready = f"c => c[0].points[0] === {count} && c[0].title.includes('{title}')"
    open_charts(sized_page, server_url + phrases_link(count, method), ready)
    check(sized_page, f"playground-{count}-{method}")
    if sized_page.viewport_name != "1280x800":
        return
    # Focused (in the narrower window): lines from the focused phrase, its d= labels first.
    focused = phrases_link(count, method, focus="2")
    open_charts(sized_page, server_url + focused, ready + " && c[0].names.includes('focus')")
    check(sized_page, f"playground-{count}-{method}-focused")


@pytest.mark.parametrize("count", [3, 6, 12])
def test_toy_vs_real_text_never_overlaps(sized_page, server_url, count) -> None:
    ready = f"c => c.length === 2 && c.every(x => x.points[0] === {count})"
    open_charts(sized_page, server_url + phrases_link(count, "umap", "/compare", phrase="2"), ready)
    check(sized_page, f"compare-{count}")


def test_search_map_text_never_overlaps(sized_page, server_url) -> None:
    ready = "c => c.some(x => x.names.includes('query') && x.names.includes('top hits'))"
    # The first visit embeds the sample corpus: allow for a busy machine.
    open_charts(sized_page, server_url + "/search?q=how%20to%20fix%20my%20car", ready,
                timeout=360_000)  # fmt: skip
    check(sized_page, "search")


def test_corpus_map_with_hits_and_a_clicked_point_text_never_overlaps(
    sized_page, server_url
) -> None:
    ready = (
        "c => c.some(x => x.names.includes('clicked') && x.names.includes('search hits') "
        "&& x.title.includes('UMAP'))"
    )
    open_charts(sized_page, server_url + "/corpus?q=car&row=5", ready, timeout=360_000)
    check(sized_page, "corpus")


@pytest.mark.parametrize(("method", "k"), [("pca", 3), ("umap", 8)])
def test_ask_map_text_never_overlaps(sized_page, server_url, method, k) -> None:
    ready = (
        f"c => c.some(x => x.names.includes('retrieved') && x.title.includes('{method.upper()}'))"
    )
    link = f"/ask?source=sample&q={quote('how often should I rotate my tyres')}&k={k}&map={method}"
    # The first visit embeds the sample document: allow for a busy machine.
    open_charts(sized_page, server_url + link, ready, timeout=360_000)
    check(sized_page, f"ask-{method}-{k}")
