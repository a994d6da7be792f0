"""What a person sees, in a real headless Chromium."""

from __future__ import annotations

import re

import pytest

from bench.harness import CHART_STATE_JS, ROOT, wait_for_chart

pytestmark = pytest.mark.e2e
SCREENSHOT = ROOT / "docs" / "screenshot.png"
PHRASES = [
    "Thank you so much for your kind help!",
    "this movie was trash lol",
    "The meeting is postponed until further notice.",
]


def chart_state(page):
    return page.evaluate(CHART_STATE_JS)


def phrase_points(page, *, plot: int = 0):
    """The markers of the ``phrases`` trace in the page's ``plot``-th chart.

    Other traces (the hover spots of distance lines) draw markers too, before it.
    """
    index = page.evaluate(
        "plot => document.querySelectorAll('.js-plotly-plot')[plot].data"
        ".findIndex(t => t.name === 'phrases')",
        plot,
    )
    chart = page.locator(".js-plotly-plot").nth(plot)
    return chart.locator(".scatterlayer .trace").nth(index).locator(".points path")


def test_type_three_phrases_and_see_three_points_with_distances(page, server_url) -> None:
    page.goto(server_url)
    wait_for_chart(page, "s => s.n === 3 && s.drawn === 3")
    box = page.get_by_role("textbox", name="Phrases, one per line")
    box.fill("\n".join(PHRASES))
    box.press("Control+Enter")
    state = wait_for_chart(page, "s => s.text[0].startsWith('Thank you') && s.drawn === 3")
    assert state["n"] == 3
    assert len(state["labels"]) == 3 and all(label.startswith("d=") for label in state["labels"])
    # The labels a person sees on the map, drawn by Plotly as SVG text.
    visible = page.locator(".js-plotly-plot .annotation-text").all_text_contents()
    assert sorted(t for t in visible if t.startswith("d=")) == sorted(state["labels"])
    point_texts = page.locator(".js-plotly-plot .scatterlayer .textpoint").all_text_contents()
    assert any("Thank you so much" in t for t in point_texts)
    answer = page.get_by_text("Nearest to").first
    assert "The meeting is postponed" in answer.inner_text()


def test_the_readmes_screenshot_shows_the_article_on_the_toy_model(browser, server_url) -> None:
    """docs/screenshot.png: the first visit at 1400x900, the article's example measured."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(server_url + "/?model=toy")
        wait_for_chart(page, "s => s.n === 3 && s.drawn === 3 && s.labels.length === 3")
        callout = page.locator(".st-key-article_callout")
        callout.get_by_text("The article drew phrase 3 nearer phrase 1").wait_for(timeout=120_000)
        assert page.get_by_role("button", name="Measure on tone only").is_visible()
        answer = page.get_by_text("Nearest to").first.inner_text()
        assert "is “lessgo we are so back guys wgmi”" in answer
        width = page.evaluate("() => document.querySelector('.js-plotly-plot').offsetWidth")
        assert width >= 520  # the map takes the wide column
        page.wait_for_timeout(500)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=False)
        assert SCREENSHOT.stat().st_size > 20_000
    finally:
        context.close()


def test_html_in_a_phrase_is_shown_not_run(page, server_url) -> None:
    page.goto(server_url)
    wait_for_chart(page, "s => s.n === 3")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    box = page.get_by_role("textbox", name="Phrases, one per line")
    box.fill("<img src=x onerror=alert(1)>\n<b>bold</b>\n<script>alert(2)</script>")
    box.press("Control+Enter")
    wait_for_chart(page, "s => s.text.some(t => t.includes('bold'))")
    texts = page.locator(".js-plotly-plot .scatterlayer .textpoint").all_text_contents()
    assert "<b>bold</b>" in texts
    assert page.locator(".js-plotly-plot .scatterlayer .textpoint b").count() == 0
    assert dialogs == []


def test_clicking_a_point_asks_the_question_about_it(page, server_url) -> None:
    page.goto(server_url)
    page.get_by_role("button", name="Animals, vehicles, food").click()
    wait_for_chart(page, "s => s.n === 12 && s.drawn >= 12")
    point = phrase_points(page).nth(4)
    point.click(force=True)
    # Lines from the clicked phrase to the 11 others; d= labels without a free spot
    # move to the hover, so lines are counted, not labels.
    page.wait_for_function(  # one read of the chart: a redraw may be under way
        "() => { const p = document.querySelector('.js-plotly-plot');"
        " const points = p && p.data && p.data.find(t => t.name === 'phrases');"
        " return points && points.x.length === 12"
        " && p.data.filter(t => t.name === 'distance').length === 11; }",
        timeout=60_000,
    )
    # Its most similar phrase (0.18) is no nearer than random pairs: no winner is named.
    page.get_by_text(
        re.compile("^No phrase is really near “a red sports car on the highway”: the most")
    ).wait_for(timeout=30_000)
