"""The scale bench's browser part: a big corpus uploaded to the "Explore a corpus" page in
headless Chromium, timed from each click to the map painted; the bytes the page received
over Streamlit's websocket for each (the figure's JSON, mostly); the server's peak memory.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import (
    CORPUS_MAP_STATE_JS,
    BenchError,
    count_received,
    free_port,
    launch_chromium,
    peak_memory_mib,
    say,
    start_server,
    stop_server,
    wait_for_chart,
    wait_until_idle,
)
from bench.scale_corpus import CATEGORY_COLUMN, make_dataset
from explorer.documents.corpus_view import NO_COLOR

#: Times "data ready -> map drawn" is measured (the median is reported).
READY_TRIALS = 3
#: The "Colour by" choices the colour redraws go through, in turn (the median is reported).
COLOUR_TRIALS = (CATEGORY_COLUMN, NO_COLOR, CATEGORY_COLUMN)

#: JavaScript: resolves after two animation frames, i.e. once the drawn map is painted.
PAINTED_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


@dataclass
class BrowserResult:
    """What the browser part measured (seconds; NaN or empty: not measured)."""

    rows: int
    upload_to_map_s: float = float("nan")
    rerun_to_map_s: list[float] = field(default_factory=list)
    rerun_to_map_median_s: float = float("nan")
    colour_switch_s: list[float] = field(default_factory=list)
    colour_switch_median_s: float = float("nan")
    #: MB the page received over the websocket: upload -> map, and each projection and
    #: colour redraw (Streamlit's messages: the figure's JSON, mostly).
    upload_payload_mb: float = float("nan")
    redraw_payload_mb: list[float] = field(default_factory=list)
    page_switch_to_map_s: list[float] = field(default_factory=list)
    page_switch_median_s: float = float("nan")
    #: What the page showed back from another page, where that was not the upload.
    page_switch_lost: str | None = None
    server_peak_mib: float = float("nan")
    notes: list[str] = field(default_factory=list)
    error: str | None = None


def write_corpus(path: Path, texts: list[str], themes: list[str], vectors) -> None:
    """The parquet `python -m explorer embed` would write: texts, theme, vectors, PCA map."""
    from explorer.documents.writers import write_parquet
    from explorer.space.projection import compute_projection

    coords = compute_projection(vectors, method="pca").coords
    write_parquet(
        path, make_dataset(texts, themes), vectors=vectors, coords=coords,
        model="minilm", method="pca",
    )  # fmt: skip


def bench_browser(
    texts: list[str], themes: list[str], vectors, *, folder: Path, result: BrowserResult
) -> None:
    """Measure the upload, the redraws and the server's peak memory into ``result``.

    "Data ready -> map drawn" is timed two ways, each from a click to the map
    with every point painted: a rerun with the upload in the session (the
    projection switched between the file's map and PCA, both computed), and a
    visit to the Playground and back through the sidebar, as the issue asks.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from explorer.config import CORPUS_WEBGL_MIN

    n = len(texts)
    path = folder / f"corpus-{n}.parquet"
    say(f"Browser: writing {path.name} ({n:,} rows)")
    write_corpus(path, texts, themes, vectors)
    say(f"  {path.stat().st_size / 2**20:.0f} MiB; starting the server")
    log = folder / "server.log"
    # Upload, parse, PCA and drawing grow with the rows; a minute per 10,000 is generous.
    slow_ms = max(120_000, 6 * n)
    quick_ms = 120_000
    canvas = "s.canvas" if n >= CORPUS_WEBGL_MIN else "true"
    # Every point in the corpus traces, on a WebGL canvas where the page uses one.
    points = f"s.n === {n} && {canvas}"

    def log_tail() -> str:
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return "\n".join(lines[-15:]) or "(empty)"

    def wait_map(page, predicate: str, timeout_ms: int, what: str) -> dict:
        """Wait until the map's state passes ``predicate``, then until it is painted."""
        check = f"s && ({predicate})(s) ? s : null"
        try:
            state = page.wait_for_function(
                f"() => {{ const s = ({CORPUS_MAP_STATE_JS})(); return {check}; }}",
                timeout=timeout_ms,
            ).json_value()
            page.evaluate(PAINTED_JS)
        except PlaywrightError as error:
            last = page.evaluate(CORPUS_MAP_STATE_JS)
            raise BenchError(
                f"{what}: the map was not drawn within {timeout_ms / 1000:.0f} s "
                f"({type(error).__name__}); map state then: {last}; server log {log}:\n"
                f"{log_tail()}"
            ) from None
        return state

    def timed(page, click, predicate: str, what: str) -> float:
        before = received()
        start = time.perf_counter()
        click()
        wait_map(page, predicate, quick_ms, what)
        seconds = time.perf_counter() - start
        result.redraw_payload_mb.append((received() - before) / 1e6)
        return seconds

    def sidebar_link(page, title: str):
        return page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first

    port = free_port()
    server = start_server(port, log=log)
    url = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1100})
                received = count_received(page)
                page.goto(f"{url}/corpus")
                # A visitor on a warm server, as in bench/million.py: the sample's map
                # drawn and the warm-up done (it loads the model beside, up to 2 cores for
                # about 8 s; the redraws measured during it took 1.6-2.0 s, not 1.0 s).
                wait_map(page, "s => s.n > 0", slow_ms, "the sample's map")
                say(f"  server idle after {wait_until_idle(server.pid):.0f} s more")
                page.get_by_text("Upload a file").click()
                uploader = page.locator("input[type=file]")
                uploader.wait_for(state="attached", timeout=quick_ms)
                say("  (a) upload -> map drawn")
                before = received()
                start = time.perf_counter()
                uploader.set_input_files(str(path))
                wait_map(
                    page, f"s => {points} && s.title.includes('own map')", slow_ms,
                    "(a) after the upload",
                )  # fmt: skip
                result.upload_to_map_s = time.perf_counter() - start
                result.upload_payload_mb = (received() - before) / 1e6

                for trial in range(READY_TRIALS):
                    say(f"  (b) rerun: projection switched, {trial + 1}/{READY_TRIALS}")
                    to_file = trial % 2 == 1
                    name = "From the file (PCA)" if to_file else "PCA"
                    radio = page.get_by_role("radio", name=name, exact=True)
                    own_map = "" if to_file else "!"
                    result.rerun_to_map_s.append(
                        timed(
                            page, lambda radio=radio: radio.check(force=True),
                            f"s => {points} && {own_map}s.title.includes('own map')",
                            f"(b) projection “{name}”",
                        )
                    )  # fmt: skip
                result.rerun_to_map_median_s = statistics.median(result.rerun_to_map_s)

                categories = len(set(themes))
                for trial, choice in enumerate(COLOUR_TRIALS):
                    say(f"  (c) Colour by “{choice}”, {trial + 1}/{len(COLOUR_TRIALS)}")
                    page.get_by_role("combobox", name="Colour by").click()
                    option = page.get_by_role("option", name=choice, exact=True)
                    traces = categories if choice == CATEGORY_COLUMN else 1
                    result.colour_switch_s.append(
                        timed(
                            page, option.click, f"s => {points} && s.traces === {traces}",
                            f"(c) coloured by “{choice}”",
                        )
                    )  # fmt: skip
                result.colour_switch_median_s = statistics.median(result.colour_switch_s)

                for trial in range(READY_TRIALS):
                    say(f"  (b) Playground and back, {trial + 1}/{READY_TRIALS}")
                    sidebar_link(page, "Playground").click()
                    wait_for_chart(page, "s => s.n > 0", timeout=quick_ms)
                    start = time.perf_counter()
                    sidebar_link(page, "Explore a corpus").click()
                    # Any corpus map: the page may come back showing another corpus.
                    state = wait_map(
                        page, f"s => s.n > 0 && (s.n !== {n} || {canvas})", quick_ms,
                        "(b) back on the page",
                    )  # fmt: skip
                    if state["n"] != n:
                        result.page_switch_lost = (
                            f"back from the Playground the page drew {state['n']:,} points "
                            f"(title {state['title']!r}), not the {n:,} uploaded: the page "
                            "switch lost the upload"
                        )
                        break
                    result.page_switch_to_map_s.append(time.perf_counter() - start)
                if result.page_switch_to_map_s:
                    result.page_switch_median_s = statistics.median(result.page_switch_to_map_s)
            finally:
                browser.close()
        result.server_peak_mib = peak_memory_mib(server.pid)
    finally:
        stop_server(server)
