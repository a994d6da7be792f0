"""A million points on one machine (issue 13 §5): a prepared parquet of 1,000,000 rows.

Run: `.venv/bin/python bench/million.py` (10-20 minutes on 2 cores; `make bench` runs it).
  (1) 1,000,000 synthetic sentences (bench/scale_corpus.py) with seeded random unit vectors
      (drawing does not depend on their values), written as `python -m explorer embed`
      writes them, then `python -m explorer project --method pca --vector-dtype float16`
      (timed; the file's size: float16 halves the vectors, so it fits the 1 GB upload);
  (2) in a fresh process, as the page reads an upload: `read_frame` + `from_frame`, the
      fingerprint and the SearchIndex (seconds, peak memory VmHWM); a clicked point's 10
      nearest neighbours by brute force (`corpus_view.nearest_rows`, median of 7 rows) with
      and without a filter keeping half the rows; a search by meaning (`search_within`, the
      query embedded by minilm, median of 5 queries, with and without the filter); clusters
      (`clusters.clusters` on the page's unit vectors), with the peak memory after each;
  (3) headless Chromium on "Explore a corpus", once the sample's map is drawn and the server
      is idle (its warm-up and the sample's UMAP done, as for a visitor on a running server):
      the file uploaded, from the upload finished
      (its request done) to the map drawn with its million points; the server's peak memory
      (VmHWM) and the page payload (websocket bytes from the upload to the map drawn); then
      a row's neighbours and a search, each from Enter to its table shown; a zoom with
      Plotly's zoom tool, from the mouse let go to the part in view drawn;
  (4) UMAP at 1,000,000 is estimated, not run (10-20 minutes): t = b + a * n * ln(n) fitted to
      UMAP's times at two sizes (`--umap-times`, default bench/scale.py's figures in the
      README: 10,000 in 42.3 s and 100,000 in 89.5 s), since NN-descent and the epochs grow
      about as n log n and n.
Targets: drawn under 10 s from the upload finished, server peak under 4 GB, payload under
40 MB; brute-force neighbours kept while under 1 s. Ends with a markdown table for the README
and a line `RESULTS {json}`. Options: --rows, --no-browser, --keep DIR (keep the files).
Exit status 1 when a step could not be measured; a MISSed target does not change it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.harness import (  # noqa: E402
    CORPUS_MAP_STATE_JS,
    BenchError,
    count_received,
    free_port,
    launch_chromium,
    peak_memory_mib,
    say,
    start_server,
    stop_server,
    wait_until_idle,
)
from bench.scale_corpus import SEED, make_dataset, synthetic_corpus  # noqa: E402

ROWS = 1_000_000
DRAW_TARGET_S, PEAK_TARGET_MIB, PAYLOAD_TARGET_MB, NEIGHBOUR_TARGET_S = 10, 4096, 40, 1.0
QUERIES = ("the broken boiler", "a cheap flight", "sourdough starter", "sore knee", "budget")
UMAP_TIMES = "10000:42.3,100000:89.5"


def peak_mib() -> float:
    """This process's peak resident memory (VmHWM), MiB."""
    return peak_memory_mib(os.getpid())


def unit_vectors(n: int, dim: int = 384, chunk: int = 100_000):
    """Seeded random unit vectors, made a chunk at a time (float32 throughout)."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, chunk):
        block = rng.standard_normal((min(chunk, n - start), dim), dtype=np.float32)
        out[start : start + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def make_file(n: int, folder: Path, results: dict) -> Path:
    """(1) The texts and vectors as `embed` writes them, then `project` (PCA, float16)."""
    from explorer.documents.writers import write_parquet

    say(f"(1) {n:,} synthetic sentences and random unit vectors")
    texts, themes = synthetic_corpus(n)
    embedded = folder / "million.embeddings.parquet"
    write_parquet(embedded, make_dataset(texts, themes), vectors=unit_vectors(n), model="minilm")
    del texts, themes
    out = folder / "million.map.parquet"
    command = [sys.executable, "-m", "explorer", "project", str(embedded), "--method", "pca",
               "--vector-dtype", "float16", "--out", str(out)]  # fmt: skip
    say(f"    {' '.join(command[1:])}")
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    results["project_s"] = time.perf_counter() - start
    if done.returncode:
        raise BenchError(f"`project` failed ({done.returncode}): {done.stderr[-2000:]}")
    embedded.unlink()
    results["file_mb"] = out.stat().st_size / 2**20
    say(f"    {results['file_mb']:.0f} MiB in {results['project_s']:.0f} s")
    return out


def measure_in_process(path: Path) -> dict:
    """(2) Read, index, neighbours, search and clusters as the page does; print JSON."""
    import numpy as np

    from explorer.documents import corpus_view as view
    from explorer.documents.clusters import clusters
    from explorer.documents.readers import from_frame, read_frame
    from explorer.documents.search import SearchIndex
    from explorer.models import load_model

    found: dict = {"baseline_mib": peak_mib()}
    data = path.read_bytes()  # the upload's bytes, which Streamlit holds too
    start = time.perf_counter()
    frame = read_frame(data, name=path.name)
    corpus = from_frame(frame)
    del frame
    key = view.fingerprint(corpus.texts, corpus.vectors)
    index = SearchIndex(corpus.texts, corpus.vectors, None)
    found["load_s"] = time.perf_counter() - start
    found["rows"], found["key"] = len(corpus), key[:8]
    found["shares_vectors"] = index.vectors is corpus.vectors
    found["load_peak_mib"] = peak_mib()
    n = len(corpus)
    rows = np.random.default_rng(SEED).choice(n, size=7, replace=False)
    half = np.zeros(n, dtype=bool)
    half[::2] = True

    def median_s(run, items) -> float:
        times = []
        for item in items:
            begin = time.perf_counter()
            run(item)
            times.append(time.perf_counter() - begin)
        return statistics.median(times)

    near = view.nearest_rows
    found["neighbours_s"] = median_s(lambda r: near(index.vectors, int(r), normalized=True), rows)
    found["neighbours_filtered_s"] = median_s(
        lambda r: near(index.vectors, int(r), normalized=True, mask=half), rows
    )
    model = load_model("minilm")
    model.encode(list(QUERIES))  # queries embedded once: the search itself is timed

    def search(query: str, mask=None):
        found_hits = view.search_within(index, corpus, query, k=20, model=lambda: model, mask=mask)
        if found_hits is None or len(found_hits.hits) != 20:
            raise BenchError(f"the search for {query!r} found {found_hits}")

    found["search_s"] = median_s(search, QUERIES)
    found["search_filtered_s"] = median_s(lambda q: search(q, half), QUERIES)
    found["search_how"] = view.search_within(
        index, corpus, QUERIES[0], k=1, model=lambda: model
    ).how
    found["query_peak_mib"] = peak_mib()
    start = time.perf_counter()
    found_clusters = clusters(index.vectors, corpus.texts, coords=corpus.coords)
    found["clusters_s"] = time.perf_counter() - start
    found["clusters"] = found_clusters.count
    found["clusters_peak_mib"] = peak_mib()
    return found


def bench_in_process(path: Path, results: dict) -> None:
    say("(2) reading, neighbours, search and clusters in a fresh process")
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(path)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise BenchError(f"the in-process step failed ({done.returncode}): {done.stderr[-3000:]}")
    results.update(json.loads(lines[-1]))
    say(
        f"    read {results['load_s']:.1f} s, peak {results['load_peak_mib']:.0f} MiB; "
        f"neighbours {results['neighbours_s']:.3f} s; search {results['search_s']:.3f} s; "
        f"clusters {results['clusters_s']:.0f} s"
    )


#: JavaScript: the map's plot area in the window's pixels (its centre, width and height).
PLOT_AREA_JS = """() => { const p = document.querySelector('.js-plotly-plot');
  p.scrollIntoView({block: 'center'});
  const xa = p._fullLayout.xaxis, ya = p._fullLayout.yaxis, b = p.getBoundingClientRect();
  return {x: b.left + xa._offset + xa._length / 2, y: b.top + ya._offset + ya._length / 2,
          w: xa._length, h: ya._length}; }"""


def bench_zoom(page, wait: Callable) -> float:
    """A quarter of the map's width zoomed into with Plotly's zoom tool: seconds from the
    mouse let go to the part in view drawn (its caption shown)."""
    area = page.evaluate(PLOT_AREA_JS)
    page.mouse.move(area["x"], area["y"])
    page.locator(".modebar-btn[data-title='Zoom']").first.click()
    page.mouse.move(area["x"] - area["w"] / 8, area["y"] - area["h"] / 8)
    page.mouse.down()
    page.mouse.move(area["x"] + area["w"] / 8, area["y"] + area["h"] / 8, steps=8)
    zoomed = page.get_by_text("Zoomed in: ", exact=False)
    start = time.perf_counter()
    page.mouse.up()
    wait(page, "zoom", lambda ms: zoomed.wait_for(timeout=ms), 120_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
    seconds = time.perf_counter() - start
    say(f"    zoomed in: drawn in {seconds:.2f} s ({zoomed.text_content()[:60]}...)")
    return seconds


def bench_browser(path: Path, n: int, folder: Path, results: dict) -> None:
    """(3) Upload -> map drawn, the server's peak memory, the payload; neighbours, search."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    say("(3) headless Chromium: upload -> map drawn")
    log = folder / "server.log"
    uploaded: list[float] = []
    drawn = f"s => s.n > 0 && s.title.includes('{n:,} documents') && s.title.includes('own map')"

    def on_request(request) -> None:
        if "upload_file" in request.url:
            uploaded.append(time.perf_counter())

    def wait(page, what: str, run, timeout_ms: int) -> float:
        start = time.perf_counter()
        try:
            run(timeout_ms)
        except PlaywrightError as error:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            raise BenchError(f"{what}: not within {timeout_ms / 1000:.0f} s ({error}); "
                             f"server log:\n{tail}") from None  # fmt: skip
        return time.perf_counter() - start

    port = free_port()
    server = start_server(port, log=log)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1100})
                received = count_received(page)
                page.on("requestfinished", on_request)
                page.goto(f"http://127.0.0.1:{port}/corpus")
                # A visitor on a warm server: the sample's map drawn, the warm-up done.
                sample = f"() => {{ const s = ({CORPUS_MAP_STATE_JS})(); return s && s.n > 0; }}"
                page.wait_for_function(sample, timeout=300_000)
                results["warm_wait_s"] = wait_until_idle(server.pid)
                results["warm_server_mib"] = peak_memory_mib(server.pid)
                page.get_by_text("Upload a file").click()
                uploader = page.locator("input[type=file]")
                uploader.wait_for(state="attached", timeout=120_000)
                before = received()
                start = time.perf_counter()
                uploader.set_input_files(str(path))
                script = (
                    f"() => {{ const s = ({CORPUS_MAP_STATE_JS})(); return s && ({drawn})(s); }}"
                )
                wait(page, "the map after the upload",
                     lambda ms: page.wait_for_function(script, timeout=ms), 900_000)  # fmt: skip
                page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
                end = time.perf_counter()
                results["upload_to_map_s"] = end - start
                results["upload_done_to_map_s"] = end - uploaded[-1] if uploaded else math.nan
                results["payload_mb"] = (received() - before) / 1e6
                results["points_drawn"] = page.evaluate(CORPUS_MAP_STATE_JS)["n"]
                say(f"    drawn {results['upload_done_to_map_s']:.1f} s after the upload "
                    f"finished ({results['upload_to_map_s']:.1f} s in all), "
                    f"{results['payload_mb']:.1f} MB")  # fmt: skip
                row = page.get_by_label("Row whose nearest neighbours", exact=False)
                row.fill("5")
                row.press("Enter")
                table = page.get_by_text("Row 5 and its 10 nearest neighbours")
                results["browser_neighbours_s"] = wait(
                    page, "neighbours", lambda ms: table.wait_for(timeout=ms), 120_000
                )
                box = page.get_by_label("Search within the corpus")
                box.fill(QUERIES[0])
                box.press("Enter")
                hits = page.get_by_text("Search hits, by meaning")
                results["browser_search_s"] = wait(
                    page, "search", lambda ms: hits.wait_for(timeout=ms), 120_000
                )
                results["browser_zoom_s"] = bench_zoom(page, wait)
            finally:
                browser.close()
        results["server_peak_mib"] = peak_memory_mib(server.pid)
    finally:
        stop_server(server)


def umap_estimate(times: str, n: int) -> tuple[float, str]:
    """UMAP's seconds at ``n`` from two measured ``size:seconds``, fitting b + a n ln n."""
    (n1, t1), (n2, t2) = [(int(a), float(b)) for a, b in (p.split(":") for p in times.split(","))]
    a = (t2 - t1) / (n2 * math.log(n2) - n1 * math.log(n1))
    b = t1 - a * n1 * math.log(n1)
    method = (f"b + a·n·ln n fitted to {n1:,} in {t1:g} s and {n2:,} in {t2:g} s "
              f"(bench/scale.py): a = {a:.3g} s, b = {b:.1f} s")  # fmt: skip
    return b + a * n * math.log(n), method


def verdict(value: float, target: float) -> str:
    if value != value:
        return "not measured"
    return "ok" if value < target else "MISS"


def report(results: dict, errors: list[str]) -> None:
    def fmt(key: str, spec: str = ".2f", scale: float = 1.0) -> str:
        value = results.get(key)
        return "—" if value is None or value != value else f"{value * scale:{spec}}"

    n = results["rows"]
    print(f"\n### {n:,} points, one machine ({results['machine']})\n")
    print("| step | measured | target |")
    print("|---|---:|---|")
    draw = verdict(results.get("upload_done_to_map_s", math.nan), DRAW_TARGET_S)
    peak = verdict(results.get("server_peak_mib", math.nan), PEAK_TARGET_MIB)
    payload = verdict(results.get("payload_mb", math.nan), PAYLOAD_TARGET_MB)
    lines = [
        ("file (`project --vector-dtype float16`)", f"{fmt('file_mb', '.0f')} MiB", "≤ 1,024 MiB"),
        ("`project --method pca` on the file", f"{fmt('project_s', '.0f')} s", ""),
        ("read + index in a fresh process", f"{fmt('load_s', '.1f')} s", ""),
        ("peak memory after reading (process)", f"{fmt('load_peak_mib', '.0f')} MiB", ""),
        ("nearest 10 neighbours, brute force", f"{fmt('neighbours_s', '.3f')} s", "< 1 s"),
        ("the same, within a filter of half", f"{fmt('neighbours_filtered_s', '.3f')} s", "< 1 s"),
        ("search by meaning (20 hits)", f"{fmt('search_s', '.3f')} s", ""),
        ("the same, within a filter of half", f"{fmt('search_filtered_s', '.3f')} s", ""),
        ("clusters (sample of 4,000, the rest assigned)", f"{fmt('clusters_s', '.0f')} s", ""),
        ("peak memory after clusters (process)", f"{fmt('clusters_peak_mib', '.0f')} MiB", ""),
        ("upload finished -> map drawn", f"{fmt('upload_done_to_map_s', '.1f')} s",
         f"< {DRAW_TARGET_S} s: {draw}"),
        ("upload chosen -> map drawn", f"{fmt('upload_to_map_s', '.1f')} s", ""),
        ("server before the upload (warm, sample shown)", f"{fmt('warm_server_mib', '.0f')} MiB",
         ""),
        ("server peak memory (VmHWM)", f"{fmt('server_peak_mib', '.0f')} MiB",
         f"< 4 GB: {peak}"),
        ("page payload, upload to map", f"{fmt('payload_mb', '.1f')} MB",
         f"< {PAYLOAD_TARGET_MB} MB: {payload}"),
        ("a row's neighbours in the browser", f"{fmt('browser_neighbours_s', '.1f')} s", ""),
        ("a search in the browser", f"{fmt('browser_search_s', '.1f')} s", ""),
        ("a zoom in the browser -> the part in view drawn", f"{fmt('browser_zoom_s', '.1f')} s",
         ""),
        ("UMAP at 1,000,000 (estimated)", f"{fmt('umap_estimate_s', '.0f')} s", ""),
    ]  # fmt: skip
    for step, value, target in lines:
        print(f"| {step} | {value} | {target} |")
    print(f"\nUMAP estimate: {results['umap_method']}.")
    for error in errors:
        print(f"NOT MEASURED: {error}")
    print("RESULTS " + json.dumps(results, default=str))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="rows (default 1,000,000)")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser part")
    parser.add_argument("--keep", type=Path, help="write the files to this folder and keep them")
    parser.add_argument("--umap-times", default=UMAP_TIMES, help="two size:seconds of UMAP")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # step (2)'s process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_in_process(args.measure)))
        return 0
    if args.rows < 10_000:
        parser.error(f"--rows must be at least 10,000, got {args.rows:,}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    results: dict = {"rows": args.rows, "machine": f"{os.cpu_count()} CPU cores, load {load}"}
    results["umap_estimate_s"], results["umap_method"] = umap_estimate(args.umap_times, args.rows)
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="million-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "million.map.parquet"
        try:
            if not path.exists() or args.keep is None:
                path = make_file(args.rows, folder, results)
            else:
                results["file_mb"] = path.stat().st_size / 2**20
            bench_in_process(path, results)
            if not args.no_browser:
                bench_browser(path, args.rows, folder, results)
        except (BenchError, RuntimeError, OSError) as error:
            errors.append(str(error))
    results["load_after"] = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    report(results, errors)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
