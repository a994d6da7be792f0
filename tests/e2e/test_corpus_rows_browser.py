"""A real browser above CORPUS_HOVER_TEXT_MAX points: the map carries no text, hover names
the row and the category, a click shows the text and its neighbours."""

from __future__ import annotations

import pytest

from explorer.config import CORPUS_HOVER_TEXT_MAX
from explorer.figures.corpus import ROW_ONLY_NOTE
from tests.e2e.test_corpus_browser import hover_row_one_by_group, upload_corpus, write_corpus

pytestmark = pytest.mark.e2e

ROWS = CORPUS_HOVER_TEXT_MAX + 2_000


def test_above_the_hover_text_limit_hover_names_the_row_and_a_click_the_text(
    page, server_url, tmp_path
) -> None:
    path = write_corpus(tmp_path / "above-the-limit.parquet", ROWS)
    upload_corpus(page, server_url, path, ROWS, timeout=180_000)
    page.get_by_text(ROW_ONLY_NOTE, exact=False).first.wait_for(timeout=30_000)
    hovered = page.evaluate(
        "() => document.querySelector('.js-plotly-plot')._fullData"
        ".filter(t => t.meta && t.meta.role === 'corpus').map(t => t.hovertext)"
    )
    assert hovered == [None] or all(h is None or h == "" for h in hovered)  # no text sent
    point, text = hover_row_one_by_group(page)
    assert "A · row 1" in text and "Document" not in text
    page.mouse.click(point["x"], point["y"])
    page.get_by_text("Row 1 and its 10 nearest neighbours").wait_for(timeout=60_000)
    page.get_by_text("Document 1: about <b>topic</b> A").first.wait_for(timeout=10_000)
    assert not page.get_by_text("Traceback").count()
