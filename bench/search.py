"""Speed of search, as ratios against the bare model in the same run.

Run: `.venv/bin/python bench/search.py` (about 2-3 minutes on 2 cores). Prints:
  (a) one query over 10,000 cached documents, `explorer.search(query, documents)`, vs a bare
      `model.encode([query])` (target: ratio at most 1.3);
  (b) cold embedding throughput of fresh documents through the document cache (memory and
      disk) vs a bare `model.encode(documents)` in batches (target: at least 0.9 of it).
The documents are distinct pairs of sample-corpus sentences; a temporary cache folder is used.
Options: --docs N (default 10,000), --cold N (default 2,000), --trials N (default 30).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

QUERIES = [
    "how to fix my car",
    "cheap flights in autumn",
    "my dog keeps barking",
    "when does the store open",
    "is it going to rain tomorrow",
    "healthy breakfast ideas",
]


def synthetic_documents(n: int, *, skip: int = 0) -> list[str]:
    """``n`` distinct documents, each two sample sentences; ``skip`` leaves out the first ones."""
    import numpy as np

    from explorer.documents.readers import load_sample

    sample = load_sample().texts
    m = len(sample)
    order = np.random.default_rng(0).permutation(m * m)
    pairs = [(int(p) // m, int(p) % m) for p in order if int(p) // m != int(p) % m]
    if skip + n > len(pairs):
        raise SystemExit(f"Only {len(pairs):,} distinct documents can be made; asked {skip + n:,}.")
    texts = [f"{sample[i]} {sample[j]}" for i, j in pairs[skip : skip + n]]
    assert len(set(texts)) == n
    return texts


def bare_one(model, text: str) -> float:
    """Seconds for a bare `model.encode([text])` on one torch thread, as ours runs one text."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        start = time.perf_counter()
        model.encode([text], normalize_embeddings=True, show_progress_bar=False)
        return time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)


def bench_query(n_docs: int, trials: int, folder: Path) -> None:
    import explorer
    from explorer.documents.search import build_index, search
    from explorer.models.doc_cache import DocumentCache

    model = explorer.load_model("minilm")
    bare = model._model  # the SentenceTransformer itself
    documents = synthetic_documents(n_docs)
    cache = DocumentCache(folder / "query-bench")
    print(f"Embedding {n_docs:,} documents into the cache (once)…", flush=True)
    start = time.perf_counter()
    index = build_index(documents, model=model, cache=cache)
    took = time.perf_counter() - start
    print(f"    {took:.1f} s, {n_docs / took:.0f} documents/s")

    search("warm-up query", documents, model=model, cache=cache)
    bare_one(bare, "warm-up query")
    ours, prepared, theirs = [], [], []
    for trial in range(trials):
        # A new query each time, for both: neither may reuse a cached query vector.
        base = QUERIES[trial % len(QUERIES)]
        start = time.perf_counter()
        hits = search(f"{base}, take {trial}", list(documents), model=model, cache=cache)
        ours.append(time.perf_counter() - start)
        assert len(hits) == 5
        start = time.perf_counter()
        index.semantic(f"{base}, try {trial}")
        prepared.append(time.perf_counter() - start)
        theirs.append(bare_one(bare, f"{base}, attempt {trial}"))
    a, p, b = (statistics.median(x) * 1000 for x in (ours, prepared, theirs))
    print(
        f"(a) one query over {n_docs:,} cached documents: search(query, documents) {a:.1f} ms, "
        f"a prepared index {p:.1f} ms; bare model.encode([query]) {b:.1f} ms (medians of "
        f"{trials}, one torch thread each)"
    )
    print(f"    ratio {a / b:.2f} (target <= 1.3); prepared index {p / b:.2f}")


def bench_cold(n_docs: int, folder: Path) -> None:
    import explorer
    from explorer.config import ENCODE_BATCH_SIZE
    from explorer.models.doc_cache import DocumentCache

    model = explorer.load_model("minilm")
    bare = model._model
    documents = synthetic_documents(n_docs, skip=50_000)  # none of (a)'s documents
    halves = [documents[: n_docs // 2], documents[n_docs // 2 :]]
    bare.encode(halves[0][:64], batch_size=ENCODE_BATCH_SIZE)  # warm-up
    ours = theirs = 0.0
    for half in halves:  # alternate, so a busy moment on the machine hits both
        start = time.perf_counter()
        bare.encode(
            half,
            batch_size=ENCODE_BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        theirs += time.perf_counter() - start
        cache = DocumentCache(folder / "cold-bench")
        start = time.perf_counter()
        cache.embed(half, model=model)
        ours += time.perf_counter() - start
        assert cache.embedded == len(half)
    files = len(list((folder / "cold-bench").rglob("batch-*.npz")))
    print(
        f"(b) cold embedding of {n_docs:,} fresh documents: through the cache "
        f"{n_docs / ours:.0f} documents/s ({files} batch files written), bare "
        f"model.encode(batch_size={ENCODE_BATCH_SIZE}) {n_docs / theirs:.0f} documents/s"
    )
    print(f"    ratio {theirs / ours:.2f} of bare throughput (target >= 0.9)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--cold", type=int, default=2_000)
    parser.add_argument("--trials", type=int, default=30)
    args = parser.parse_args()
    import torch

    print(f"torch threads: {torch.get_num_threads()}, CPUs: {os.cpu_count()}")
    with tempfile.TemporaryDirectory(prefix="search-bench-") as folder:
        bench_cold(args.cold, Path(folder))
        bench_query(args.docs, args.trials, Path(folder))


if __name__ == "__main__":
    main()
