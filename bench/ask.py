"""Ask a document: retrieval quality on the sample document, and its speed.

Run: `.venv/bin/python bench/ask.py` (about a minute on 2 cores). Prints:
  quality: recall@1 and recall@3 of meaning, keywords (BM25) and hybrid (RRF) retrieval
      for 20 questions about the sample document, none of which shares a content word
      (a word outside scikit-learn's English stop words) with the passage that answers it;
  (a) a second question over the cached sample (about 3,000 words), `explorer.retrieve`,
      vs a bare `model.encode([question])` (target: ratio under 1.3);
  (b) the first embedding of the sample's chunks through the document cache vs a bare
      batched `model.encode(chunks)` (target: at least 0.9 of its throughput).
Options: --trials N (default 30), --rounds N (default 5).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

#: (question, the start of the passage of the sample document that answers it).
#: No question shares a content word with its passage (tests/unit/test_retrieve.py checks).
PAIRS = (
    ("why is my car screeching when braking", "A squeal from the wheels"),
    ("how often should I inflate my automobile's tires", "Tyre pressure drifts down"),
    ("car dead in icy weather, how to revive it", "A battery rarely lasts"),
    ("how frequently should my car's lubricant be replaced", "Motor oil wears out"),
    ("growing juicy red fruit on vines", "Tomatoes are hungry"),
    ("turning food scraps into fertiliser", "Healthy soil is mostly"),
    ("protecting vegetables from pests without chemicals", "Slugs come out"),
    ("how to divide my monthly income", "A budget is simply a plan"),
    ("how much cash should I keep for unexpected expenses", "An emergency fund is the cushion"),
    ("strategy to get rid of loans quickly", "When you owe money"),
    ("what to do when a person's heart stops", "If someone collapses"),
    ("treating a scald from a hot pan", "For a minor burn"),
    ("food lodged in someone's throat", "An adult who is choking"),
    ("can reheated takeaway grains make you ill", "Cooked rice needs care"),
    ("inexpensive hearty meal idea with pulses", "A large pot of lentil soup"),
    ("fixing a flat on my bike", "Repairing a puncture"),
    ("faucet keeps leaking", "A dripping tap"),
    ("what to do during a blackout", "When the lights go out"),
    ("tips for insomnia", "Adults generally need"),
    ("what treats are poisonous for puppies and kittens", "Some foods that people enjoy"),
)
METHODS = ("meaning", "keywords", "hybrid")


def answering(chunks: Sequence, passage: str) -> set[int]:
    """The chunks that hold the answering passage's start."""
    found = {i for i, c in enumerate(chunks) if passage in c.text}
    if not found:
        raise ValueError(f"No chunk holds the passage {passage!r}.")
    return found


def recall(retriever, chunks: Sequence, *, ks: Sequence[int] = (1, 3)) -> dict:
    """``{method: {k: share of PAIRS whose passage is in the top k}}``."""
    out: dict[str, dict[int, float]] = {}
    for method in METHODS:
        found = dict.fromkeys(ks, 0)
        for question, passage in PAIRS:
            target = answering(chunks, passage)
            hits = [h.index for h in retriever.rank(question, method=method, k=max(ks))]
            for k in ks:
                found[k] += bool(target & set(hits[:k]))
        out[method] = {k: found[k] / len(PAIRS) for k in ks}
    return out


def bench_quality(folder: Path) -> None:
    from explorer.documents.chunks import chunk, load_sample_document
    from explorer.documents.retrieval import Retriever
    from explorer.models.doc_cache import DocumentCache

    document = load_sample_document()
    print(f"quality: {len(PAIRS)} questions sharing no content word with their passage")
    for by in ("paragraph", "sentences", "tokens"):
        chunks = chunk(document, by=by)
        scores = recall(Retriever(chunks, cache=DocumentCache(folder / "quality")), chunks)
        line = ", ".join(
            f"{method} {scores[method][1]:.2f} / {scores[method][3]:.2f}" for method in METHODS
        )
        print(f"    {by} ({len(chunks)} chunks), recall@1 / @3: {line}")


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


def bench_second_question(trials: int, folder: Path) -> None:
    import explorer
    from explorer.documents.chunks import chunk, load_sample_document
    from explorer.documents.retrieval import retrieve
    from explorer.models.doc_cache import DocumentCache

    model = explorer.load_model("minilm")
    document = load_sample_document()
    chunks = chunk(document)
    cache = DocumentCache(folder / "second")
    retrieve("warm-up question", chunks, model=model, cache=cache)  # embeds the chunks
    bare_one(model._model, "warm-up question")
    ours, theirs = [], []
    for trial in range(trials):
        # A new question each time, for both: neither may reuse a cached question vector.
        question, _ = PAIRS[trial % len(PAIRS)]
        start = time.perf_counter()
        hits = retrieve(f"{question}, take {trial}", chunks, model=model, cache=cache)
        ours.append(time.perf_counter() - start)
        assert len(hits) == 3
        theirs.append(bare_one(model._model, f"{question}, attempt {trial}"))
    a, b = statistics.median(ours) * 1000, statistics.median(theirs) * 1000
    words = len(document.split())
    print(
        f"(a) a second question over the cached sample ({words:,} words, {len(chunks)} chunks): "
        f"retrieve {a:.1f} ms; bare model.encode([question]) {b:.1f} ms (medians of {trials})"
    )
    print(f"    ratio {a / b:.2f} (target < 1.3)")


def bench_first_embedding(rounds: int, folder: Path) -> None:
    import explorer
    from explorer.config import ENCODE_BATCH_SIZE
    from explorer.documents.chunks import chunk, load_sample_document
    from explorer.documents.retrieval import Retriever
    from explorer.models.doc_cache import DocumentCache

    model = explorer.load_model("minilm")
    bare = model._model
    chunks = chunk(load_sample_document())
    texts = [c.text for c in chunks]
    bare.encode(texts[:8], batch_size=ENCODE_BATCH_SIZE)  # warm-up
    ours = theirs = 0.0
    caches = []  # kept alive: a prepared index is found again by its cache's identity
    for n in range(rounds):  # alternate, so a busy moment on the machine hits both
        start = time.perf_counter()
        bare.encode(texts, batch_size=ENCODE_BATCH_SIZE, normalize_embeddings=True)
        theirs += time.perf_counter() - start
        caches.append(DocumentCache(folder / f"first-{n}"))
        start = time.perf_counter()
        Retriever(chunks, model=model, cache=caches[-1]).index  # noqa: B018 - embeds
        ours += time.perf_counter() - start
        assert caches[-1].embedded == len(set(texts))
    print(
        f"(b) first embedding of the sample's {len(texts)} chunks ({rounds} rounds): through "
        f"the cache {len(texts) * rounds / ours:.0f} chunks/s, bare batched model.encode "
        f"{len(texts) * rounds / theirs:.0f} chunks/s"
    )
    print(f"    ratio {theirs / ours:.2f} of bare throughput (target >= 0.9)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import torch

    print(f"torch threads: {torch.get_num_threads()}, CPUs: {os.cpu_count()}")
    with tempfile.TemporaryDirectory(prefix="ask-bench-") as folder:
        bench_quality(Path(folder))
        bench_first_embedding(args.rounds, Path(folder))
        bench_second_question(args.trials, Path(folder))


if __name__ == "__main__":
    main()
