"""A real browser on 20,000 points: the map draws with WebGL, hover shows text, a click answers."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from bench.harness import CORPUS_MAP_STATE_JS, point_xy_js
from explorer.documents.corpus import Corpus as Dataset
from explorer.documents.writers import write_parquet

pytestmark = pytest.mark.e2e

ROWS = 20_000
#: JavaScript: where (in the window's pixels) row ``i`` of the first corpus trace is drawn.
POINT_XY_JS = point_xy_js()


def write_corpus(path, rows: int):
    """``rows`` documents with 384-d vectors in two clusters, as `explorer embed` writes
    them; row 1 sits far out, alone (easy to hover), in group A."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(2, 384))
    vectors = centres[np.arange(rows) % 2] + 0.4 * rng.normal(size=(rows, 384))
    vectors[0] = centres[0] * 6
    texts = tuple(f"Document {i + 1}: about <b>topic</b> {'AB'[i % 2]}" for i in range(rows))
    dataset = Dataset(
        texts=texts,
        extra=pd.DataFrame({"group": ["A", "B"] * (rows // 2)}),
        vectors=None,
        coords=None,
        model=None,
        method=None,
        source="test",
    )
    write_parquet(path, dataset, vectors=vectors.astype(np.float32), model="synthetic")
    return path


def upload_corpus(page, server_url: str, path, rows: int, *, timeout: int = 120_000) -> dict:
    """Open the corpus page, upload ``path`` and wait until its ``rows`` points are drawn
    on the WebGL canvas; the map's state then."""
    page.goto(f"{server_url}/corpus")
    page.get_by_text("Upload a file").click()
    page.locator("input[type=file]").set_input_files(str(path))
    drawn = f"s && s.n === {rows} && s.canvas"
    return page.wait_for_function(
        f"() => {{ const s = ({CORPUS_MAP_STATE_JS})(); return {drawn} ? s : null; }}",
        timeout=timeout,
    ).json_value()


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    """20,000 documents in two clusters."""
    return write_corpus(tmp_path_factory.mktemp("corpus") / "twenty-thousand.parquet", ROWS)


def test_twenty_thousand_points_draw_and_hover_shows_the_text(page, server_url, corpus_file):
    state = upload_corpus(page, server_url, corpus_file, ROWS)
    assert set(state["types"]) == {"scattergl"}
    assert "20,000 documents" in state["title"]

    point = page.evaluate(POINT_XY_JS, 0)
    page.mouse.move(point["x"] - 30, point["y"] - 30)
    page.mouse.move(point["x"], point["y"])
    hover = page.locator(".hoverlayer .hovertext")
    hover.first.wait_for(timeout=20_000)
    text = hover.first.text_content()
    assert "row 1" in text and "Document 1: about <b>topic</b> A" in text  # shown literally

    page.mouse.click(point["x"], point["y"])
    page.wait_for_function(
        f"() => {{ const s = ({CORPUS_MAP_STATE_JS})(); return s && s.all.includes('clicked'); }}",
        timeout=60_000,
    )
    page.get_by_text("Row 1 and its 10 nearest neighbours").wait_for(timeout=60_000)


def test_a_two_gigabyte_file_is_refused_by_the_uploader_with_its_limit(
    page, server_url, tmp_path
) -> None:
    from explorer.config import CORPUS_MAX_UPLOAD_MB

    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:  # sparse: 2 GB long, no disk used
        handle.truncate(2 * 1024**3)
    page.goto(f"{server_url}/corpus")
    page.get_by_text("Upload a file").click()
    page.locator("input[type=file]").set_input_files(str(huge))
    # Streamlit words 1,024 MB and more in GB ("1.0GB").
    size = rf"{CORPUS_MAX_UPLOAD_MB}(\.0)?\s?MB|{CORPUS_MAX_UPLOAD_MB / 1024:.1f}\s?GB"
    limit = rf"File must be ({size}) or smaller"
    refusal = page.get_by_text(re.compile(limit))
    refusal.wait_for(timeout=30_000)
    # Nothing was sent, nothing crashed: the page still offers the upload.
    assert page.locator("input[type=file]").count() == 1
    assert not page.get_by_text("Traceback").count()


def test_coloured_by_a_column_the_hover_names_the_category(page, server_url, corpus_file):
    upload_corpus(page, server_url, corpus_file, ROWS)
    assert "A · row 1" in hover_row_one_by_group(page)[1]


def test_another_colour_redraws_the_same_chart_in_place(page, server_url, corpus_file):
    """Issue 13 §4: a new figure is drawn into the chart already there (Plotly.react), so
    its WebGL canvas and context are kept; st.plotly_chart built a new chart each time."""
    upload_corpus(page, server_url, corpus_file, ROWS)
    page.evaluate(
        "() => { const plot = document.querySelector('.js-plotly-plot');"
        " plot.__probe = plot.querySelector('.gl-container canvas'); }"
    )
    point, text = hover_row_one_by_group(page)  # two traces now, one per group
    assert "A · row 1" in text
    same = page.evaluate(
        "() => { const plot = document.querySelector('.js-plotly-plot');"
        " return !!plot.__probe && plot.__probe === plot.querySelector('.gl-container canvas'); }"
    )
    assert same, "the chart was replaced, not redrawn"


def hover_row_one_by_group(page) -> tuple[dict, str]:
    """Colour the map by its "group" column, hover row 1 (the first of group A's trace):
    where it is drawn, and the hover's text."""
    page.get_by_role("combobox", name="Colour by").click()
    page.get_by_role("option", name="group", exact=True).click()
    page.wait_for_function(
        f"() => {{ const s = ({CORPUS_MAP_STATE_JS})(); return s && s.traces === 2 && s.canvas; }}",
        timeout=60_000,
    )
    point = page.evaluate(POINT_XY_JS, 0)
    page.mouse.move(point["x"] - 30, point["y"] - 30)
    page.mouse.move(point["x"], point["y"])
    hover = page.locator(".hoverlayer .hovertext")
    hover.first.wait_for(timeout=20_000)
    return point, hover.first.text_content()


def test_a_big_file_is_read_from_disk_and_its_uploader_clears(page, server_url, tmp_path):
    """Issue 13 §4: a parquet of vectors over CORPUS_RELEASE_UPLOAD_MB (here 48,000 x 384,
    about 75 MB) is set aside on disk, its bytes dropped, and read from there: the map
    draws every row, the uploader comes back empty, the page names the file it shows,
    and the file set aside is gone."""
    import glob
    import tempfile

    from explorer.config import CORPUS_RELEASE_UPLOAD_MB

    rows = 48_000
    path = write_corpus(tmp_path / "big.parquet", rows)
    size_mb = path.stat().st_size / 1024 / 1024
    assert size_mb > CORPUS_RELEASE_UPLOAD_MB
    state = upload_corpus(page, server_url, path, rows, timeout=240_000)
    assert f"{rows:,} documents" in state["title"]
    caption = page.get_by_text(re.compile(r"^Showing big\.parquet \(\d+ MB\): read, then released"))
    caption.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stFileUploaderFile']").count() == 0  # emptied
    assert glob.glob(f"{tempfile.gettempdir()}/explorer-upload-*") == []
    point = page.evaluate(POINT_XY_JS, 0)  # the corpus read from disk is whole: row 1
    page.mouse.click(point["x"], point["y"])
    page.get_by_text("Row 1 and its 10 nearest neighbours").wait_for(timeout=60_000)
    page.get_by_text("Document 1: about <b>topic</b> A").first.wait_for(timeout=20_000)


def test_zooming_into_a_map_of_over_100000_points_draws_the_part_in_view(
    page, server_url, tmp_path
):
    """Issue 13 §5: above CORPUS_POINTS_MAX the map is an image with a sample of points;
    a zoom with Plotly's zoom tool draws the part in view in detail (its image and every
    row in it as points, up to the sample's size), and a double click shows it whole."""
    from explorer.config import CORPUS_POINTS_MAX, CORPUS_SAMPLE_POINTS

    rows = CORPUS_POINTS_MAX + 10_000
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(rows, 8)).astype(np.float32)
    texts = tuple(f"Note {i}" for i in range(rows))
    path = tmp_path / "many.parquet"
    write_parquet(path, Dataset(texts=texts, extra=pd.DataFrame(index=range(rows))),
                  vectors=vectors, model="synthetic")  # fmt: skip
    state = upload_corpus(page, server_url, path, CORPUS_SAMPLE_POINTS, timeout=240_000)
    assert f"{rows:,} documents" in state["title"]
    plot = page.locator(".js-plotly-plot").first
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".modebar-btn[data-title='Zoom']").first.click()
    centre = page.evaluate(
        """() => { const p = document.querySelector('.js-plotly-plot');
        const xa = p._fullLayout.xaxis, ya = p._fullLayout.yaxis, b = p.getBoundingClientRect();
        return {x: b.left + xa._offset + xa._length / 2, y: b.top + ya._offset + ya._length / 2,
                w: xa._length, h: ya._length}; }"""
    )
    page.mouse.move(centre["x"], centre["y"])
    page.mouse.down()
    page.mouse.move(centre["x"] + centre["w"] / 12, centre["y"] + centre["h"] / 12, steps=8)
    page.mouse.up()
    note = page.get_by_text(re.compile(r"^Zoomed in: [\d,]+ documents in view, all drawn"))
    note.wait_for(timeout=60_000)
    zoomed = page.evaluate(CORPUS_MAP_STATE_JS)
    assert 0 < zoomed["n"] < CORPUS_SAMPLE_POINTS  # every row in view, as points
    shown = int(note.text_content().split(": ")[1].split(" ")[0].replace(",", ""))
    assert zoomed["n"] == shown
    page.mouse.dblclick(centre["x"], centre["y"])  # the whole map again
    note.wait_for(state="detached", timeout=60_000)
    whole = f"s && s.n === {CORPUS_SAMPLE_POINTS}"
    page.wait_for_function(
        f"() => {{ const s = ({CORPUS_MAP_STATE_JS})(); return {whole}; }}", timeout=60_000
    )
