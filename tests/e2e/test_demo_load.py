"""One visitor's big upload does not stall the others (issue 16 §2), in a real server.

A 100,000-row CSV on the Corpus page starts an embedding job; while the
embedding worker process encodes it and the page polls its progress twice a
second, ``GET /`` answers within a second and another visitor's search over
20 pasted documents answers within 5 seconds. The big job is cancelled at the
end. (That a job stops once its session has gone, no page polling it any more,
is tested on the JobBoard itself: tests/unit/test_jobs.py.)

``GET /`` took 0.9-15 s here while Streamlit ran ``gc.collect(2)`` after every
script run, each fragment poll included (``runner.postScriptGC``, now off in
.streamlit/config.toml; tests/unit/test_server_settings.py).
"""

from __future__ import annotations

import re
import time
import urllib.request

import pytest

from bench.harness import free_port, start_server, stop_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
HITS = '[data-testid="stMarkdownContainer"]'


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory):
    import os

    folder = tmp_path_factory.mktemp("demo-load")
    before = os.environ.get("EXPLORER_CACHE_DIR")
    os.environ["EXPLORER_CACHE_DIR"] = str(folder / "cache")  # a cold cache: all 100,000 embed
    try:
        port = free_port()
        process = start_server(port)
    finally:
        if before is None:
            os.environ.pop("EXPLORER_CACHE_DIR")
        else:
            os.environ["EXPLORER_CACHE_DIR"] = before
    yield f"http://127.0.0.1:{port}", folder
    stop_server(process, timeout=20)


def get_seconds(url: str) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
    return time.monotonic() - started


def test_a_big_upload_leaves_the_server_responsive(busy_server, browser) -> None:
    url, folder = busy_server
    big = folder / "hundred-thousand.csv"
    with big.open("w") as handle:
        handle.write("text\n")
        handle.writelines(
            f"Review {i}: the kettle number {i} boils water fast\n" for i in range(100_000)
        )

    uploader = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    uploader.goto(f"{url}/corpus")
    uploader.get_by_text("Upload a file").click()
    uploader.locator("input[type=file]").set_input_files(str(big))
    cancel = uploader.get_by_role("button", name="Cancel embedding")
    cancel.wait_for(timeout=180_000)
    uploader.get_by_text("Embedding 100,000 new documents").first.wait_for(timeout=120_000)
    # The worker has started and encodes: its first batch is done.
    uploader.get_by_text(re.compile(r"[1-9][\d,]* of 100,000")).first.wait_for(timeout=120_000)

    times = [get_seconds(url + "/") for _ in range(5)]
    assert max(times) < 1.0, times

    searcher = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    searcher.goto(f"{url}/search")
    searcher.get_by_text("Paste", exact=True).click()
    box = searcher.get_by_label("Documents, one per line", exact=False)
    box.wait_for(timeout=60_000)
    docs = [
        f"Pasted document {i} about {'cars and engines' if i == 7 else 'bread'}" for i in range(20)
    ]
    box.fill("\n".join(docs))
    started = time.monotonic()
    box.press("Control+Enter")
    query = searcher.get_by_label("Query: what are you looking for?")
    query.wait_for(timeout=30_000)
    query.fill("how to fix my car")
    query.press("Enter")
    semantic = searcher.locator(f".st-key-semantic_hits {HITS}")
    semantic.first.wait_for(timeout=30_000)
    answered = time.monotonic() - started
    assert "Pasted document 7 about cars and engines" in semantic.first.inner_text()
    assert answered < 5.0, answered

    times += [get_seconds(url + "/") for _ in range(3)]
    assert max(times) < 1.0, times
    assert uploader.get_by_role("button", name="Cancel embedding").is_visible()  # still running
    cancel.click()
    uploader.get_by_text("Embedding was cancelled").wait_for(timeout=60_000)
