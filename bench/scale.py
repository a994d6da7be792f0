"""The corpus at scale, as ratios against the bare library in the same run.

Run: `.venv/bin/python bench/scale.py` (the full run embeds about 250,000 texts in
all and runs UMAP on 100,000: 30-60 minutes on 2 quiet cores). For each size (default
1,000, 10,000 and 100,000 synthetic sentences) it prints:
  (1) embedding throughput through the explorer (`explorer.documents.embed.embed` with a
      `DocumentCache` on a fresh folder: disk cache on, a file per batch) vs a bare
      `model.encode(texts, batch_size=ENCODE_BATCH_SIZE)`: target ratio at least 0.9;
  (2) the second load from the cache (a new `DocumentCache` on the same folder, as a
      new process makes) vs the first, embedding, run: target at least 50 times faster;
  (3) PCA on N x 384 (`compute_projection`): target under 2 s at 100,000;
  (4) UMAP at 10,000 and 100,000 (timed; progress on stderr);
and, on the largest size (`--browser-rows`, `--no-browser` to skip), in headless
Chromium on the "Explore a corpus" page with a parquet of texts, a category column,
embeddings and a PCA map: (a) upload to map drawn; (b) data ready to map drawn (target
under 3 s), median of 3, timed two ways: on a rerun with the upload in the session (the
projection switched; target under 2 s at 100,000 points) and back from the Playground
through the sidebar; (c) "Colour by" the category column, none, and it again, to the map
redrawn (median; target under 2 s at 100,000); the MB the page received over the
websocket for each (target under 40 MB at 1,000,000); and the server's peak memory. Ends with a
markdown table for the README and one line `RESULTS {json}` for scripts.

With `--million` (as `make bench` runs it) it then measures 1,000,000 rows, in a process of
their own: `bench/million.py` (random unit vectors, since drawing does not depend on their
values; draw time, server memory, payload, neighbour and search time; UMAP estimated).

Options: --sizes 1000 10000 (or 1000,10000), --umap-sizes, --repeats, --browser-rows,
--no-browser, --million. Develop with `--sizes 1000 --umap-sizes 1000 --repeats 1`. Exit status 1
when a step could not be measured; a MISSed target does not change it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.harness import BenchError, say  # noqa: E402
from bench.scale_browser import BrowserResult, bench_browser  # noqa: E402
from bench.scale_corpus import SEED, make_dataset, synthetic_corpus  # noqa: E402
from bench.scale_report import SizeResult, print_report  # noqa: E402

DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_UMAP_SIZES = (10_000, 100_000)


# --- (1)-(2) embedding and the cache ---------------------------------------------------


def bench_embedding(model, texts: list[str], *, repeats: int, folder: Path):
    """Fill a SizeResult's embedding and cache figures; return it and the explorer's vectors.

    Each repeat embeds the two halves of ``texts`` in the order bare, explorer,
    explorer, bare, so a busy moment on the machine falls on both; the explorer
    embeds into a fresh cache folder each repeat.
    """
    import numpy as np

    from explorer.config import ENCODE_BATCH_SIZE
    from explorer.documents.embed import embed
    from explorer.models.doc_cache import DocumentCache

    n = len(texts)
    result = SizeResult(rows=n)
    halves = [texts[: n // 2], texts[n // 2 :]]
    datasets = [make_dataset(half) for half in halves]
    bare_total = ours_total = 0.0
    bare_vectors: list[Any] = [None, None]
    ours_vectors: list[Any] = [None, None]
    last_folder = folder
    ours_last = 0.0

    def bare(i: int) -> float:
        start = time.perf_counter()
        bare_vectors[i] = model._model.encode(
            halves[i],
            batch_size=ENCODE_BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return time.perf_counter() - start

    def ours(i: int, cache: DocumentCache) -> float:
        start = time.perf_counter()
        ours_vectors[i] = embed(datasets[i], model=model, cache=cache)
        took = time.perf_counter() - start
        expected = sum(len(h) for h in halves[: i + 1])
        if cache.embedded != expected:
            raise BenchError(
                f"the explorer embedded {cache.embedded:,} texts so far, expected {expected:,}"
            )
        return took

    for repeat in range(repeats):
        last_folder = folder / f"rows-{n}-repeat-{repeat}"
        cache = DocumentCache(last_folder)
        say(f"  {n:,} rows, repeat {repeat + 1}/{repeats}: bare, explorer, explorer, bare")
        b0 = bare(0)
        o0 = ours(0, cache)
        o1 = ours(1, cache)
        b1 = bare(1)
        bare_total += b0 + b1
        ours_last = o0 + o1
        ours_total += ours_last
    result.bare_rows_s = repeats * n / bare_total
    result.explorer_rows_s = repeats * n / ours_total
    result.embed_ratio = result.explorer_rows_s / result.bare_rows_s
    vectors = np.concatenate([np.asarray(v, dtype=np.float32) for v in ours_vectors])
    reference = np.concatenate([np.asarray(v, dtype=np.float32) for v in bare_vectors])
    result.max_vector_diff = float(np.abs(vectors - reference).max())
    if result.max_vector_diff > 1e-3:
        result.notes.append(
            f"explorer and bare vectors differ by up to {result.max_vector_diff:.2g} at {n:,}"
        )

    # (2) a new cache on the folder of the last repeat, as a new process would make it.
    files = len(list(last_folder.rglob("batch-*.npz")))
    fresh = DocumentCache(last_folder)
    whole = make_dataset(texts)
    start = time.perf_counter()
    loaded = embed(whole, model=model, cache=fresh)
    result.second_load_s = time.perf_counter() - start
    result.first_load_s = ours_last
    result.cache_ratio = result.first_load_s / result.second_load_s
    if fresh.embedded:
        raise BenchError(f"the second load embedded {fresh.embedded:,} of {n:,} texts again")
    if not np.array_equal(loaded, vectors):
        raise BenchError("the second load from the cache gave other vectors than the first")
    say(
        f"  {n:,} rows: bare {result.bare_rows_s:.0f} rows/s, explorer "
        f"{result.explorer_rows_s:.0f} rows/s; {files} cache files reloaded in "
        f"{result.second_load_s:.3f} s"
    )
    return result, vectors


# --- (3)-(4) projections -----------------------------------------------------------------


def bench_pca(vectors, trials: int = 3) -> float:
    """Median seconds of compute_projection(vectors, method="pca")."""
    from explorer.space.projection import compute_projection

    times = []
    for _ in range(trials):
        start = time.perf_counter()
        projection = compute_projection(vectors, method="pca")
        times.append(time.perf_counter() - start)
        if projection.coords.shape != (len(vectors), 2):
            raise BenchError(f"PCA gave coordinates of shape {projection.coords.shape}")
    return statistics.median(times)


def umap_progress(n: int) -> Callable[..., None]:
    """A compute_projection progress callback printing a line per stage and every 10%."""
    state = {"stage": None, "tenth": -1, "start": time.perf_counter()}

    def progress(done: int, total: int, *, stage: str = "") -> None:
        elapsed = time.perf_counter() - state["start"]
        if stage != state["stage"]:
            state["stage"], state["tenth"] = stage, -1
            say(f"  UMAP on {n:,}: {stage} ({elapsed:.0f} s)")
        if total:
            tenth = 10 * done // total
            if tenth > state["tenth"]:
                state["tenth"] = tenth
                say(f"  UMAP on {n:,}: epoch {done}/{total} ({elapsed:.0f} s)")

    return progress


def bench_umap(vectors) -> float:
    """Seconds of ``compute_projection(method="umap", metric="cosine")``, as the page runs it."""
    from explorer.space.projection import compute_projection

    n = len(vectors)
    start = time.perf_counter()
    projection = compute_projection(
        vectors, method="umap", metric="cosine", progress=umap_progress(n)
    )
    took = time.perf_counter() - start
    if projection.method != "umap" or projection.coords.shape != (n, 2):
        raise BenchError(f"UMAP fell back to {projection.method}: {projection.notice}")
    return took


def parse_sizes(values: list[str]) -> list[int]:
    """``["1000,10000", "100000"]`` -> [1000, 10000, 100000]; underscores allowed."""
    sizes = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                number = int(part.strip().replace("_", ""))
                if number < 4:
                    raise argparse.ArgumentTypeError(f"sizes must be at least 4, got {number}")
                sizes.append(number)
    return sorted(set(sizes))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=[",".join(map(str, DEFAULT_SIZES))],
        help="rows to measure at (default 1000 10000 100000)",
    )
    parser.add_argument(
        "--umap-sizes",
        nargs="+",
        default=[",".join(map(str, DEFAULT_UMAP_SIZES))],
        help="sizes (among --sizes) to run UMAP at (default 10000 100000)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="embedding repeats per size (default 3 up to 2,000 rows, 2 up to 20,000, else 1)",
    )
    parser.add_argument(
        "--browser-rows",
        type=int,
        default=None,
        help="points in the browser (default and at most the largest size)",
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the browser part")
    parser.add_argument(
        "--browser-only",
        action="store_true",
        help="only the browser part, on the synthetic texts with random unit vectors (drawing "
        "does not depend on the vectors' values; skips 15 minutes of embedding at 100,000)",
    )
    parser.add_argument(
        "--million",
        action="store_true",
        help="then the 1,000,000-row size (bench/million.py: random unit vectors; the map's "
        "draw time, server memory, payload, neighbours, search, clusters, a zoom; UMAP "
        "estimated)",
    )
    args = parser.parse_args()
    try:
        sizes = parse_sizes(args.sizes)
        umap_sizes = parse_sizes(args.umap_sizes)
    except (ValueError, argparse.ArgumentTypeError) as error:
        parser.error(str(error))
    browser_rows = args.browser_rows or sizes[-1]
    if not args.no_browser and not 4 <= browser_rows <= sizes[-1]:
        parser.error(f"--browser-rows must be between 4 and the largest size ({sizes[-1]:,})")
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")

    import numpy as np
    import torch

    import explorer
    from explorer.config import ENCODE_BATCH_SIZE, SEARCH_EMBED_BATCH
    from explorer.space.projection import compute_projection

    machine = f"{os.cpu_count()} CPU cores, {torch.get_num_threads()} torch threads"
    print(f"bench/scale.py: {machine}; sizes {', '.join(f'{s:,}' for s in sizes)}")
    print(
        f"bare: model._model.encode(batch_size={ENCODE_BATCH_SIZE}); explorer: "
        f"explorer.documents.embed.embed(cache=DocumentCache(new folder), "
        f"{SEARCH_EMBED_BATCH} rows per batch file)"
    )
    say(f"Making {sizes[-1]:,} synthetic sentences")
    all_texts, all_themes = synthetic_corpus(sizes[-1])
    model = explorer.load_model("minilm")
    say("Warming up the model, PCA and UMAP")
    model._model.encode(all_texts[:64], batch_size=ENCODE_BATCH_SIZE, show_progress_bar=False)
    model.encode_uncached(all_texts[64:128])
    warm = np.random.default_rng(SEED).normal(size=(60, 384)).astype(np.float32)
    compute_projection(warm, method="pca")
    if any(s in umap_sizes for s in sizes):
        compute_projection(warm, method="umap", metric="cosine")  # numba's code loads once

    results: list[SizeResult] = []
    errors: list[str] = []
    largest_vectors = None
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        folder = Path(tmp)
        if args.browser_only:
            say(f"Browser only: {browser_rows:,} random unit vectors beside the texts")
            random = np.random.default_rng(SEED).normal(size=(browser_rows, 384))
            largest_vectors = (random / np.linalg.norm(random, axis=1, keepdims=True)).astype(
                np.float32
            )
        for n in [] if args.browser_only else sizes:
            repeats = args.repeats or (3 if n <= 2_000 else 2 if n <= 20_000 else 1)
            say(f"Embedding {n:,} rows ({repeats} repeat{'s' if repeats > 1 else ''})")
            result, vectors = bench_embedding(model, all_texts[:n], repeats=repeats, folder=folder)
            result.pca_s = bench_pca(vectors)
            say(f"  PCA on {n:,} x {vectors.shape[1]}: {result.pca_s:.3f} s")
            if n in umap_sizes:
                say(f"  UMAP on {n:,} points")
                result.umap_s = bench_umap(vectors)
                say(f"  UMAP on {n:,}: {result.umap_s:.1f} s")
            results.append(result)
            if n == sizes[-1]:
                largest_vectors = vectors
            for path in folder.glob(f"rows-{n}-repeat-*"):
                shutil.rmtree(path, ignore_errors=True)

        browser: BrowserResult | None = None
        if not args.no_browser:
            browser = BrowserResult(rows=browser_rows)
            try:
                bench_browser(
                    all_texts[:browser_rows], all_themes[:browser_rows],
                    largest_vectors[:browser_rows], folder=folder, result=browser,
                )  # fmt: skip
            except (BenchError, RuntimeError) as error:
                browser.error = str(error)
                errors.append(f"browser: {error}")

    print_report(results, browser, machine, errors)
    status = 1 if errors else 0
    if args.million:  # the 1,000,000-row size: its own file, process and server
        import subprocess

        say("1,000,000 rows: bench/million.py")
        million = subprocess.run([sys.executable, str(Path(__file__).with_name("million.py"))])
        status = status or million.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
