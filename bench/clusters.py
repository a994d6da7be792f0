"""Speed and quality of `explorer.clusters` (named clusters).

Run: `.venv/bin/python bench/clusters.py` (about a minute on 2 cores). Prints:
  (a) 100,000 points clustered and named (target: under 30 s on 2 cores): a mixture of
      20 Gaussians of unequal sizes in 384-d, rows scaled to length 1, each point with a
      short text of its component's words and common words; the time of each stage, the
      adjusted Rand index against the components, and how many clusters are named with a
      word of their main component;
  (b) with the packaged model, the built-in sample (336 documents, 14 topics; target
      ARI >= 0.3) and the held-out explorer/data/cluster_check.csv (6 distinct topics;
      target ARI >= 0.8).
The load average is printed before and after: on a shared machine the times vary with it.
Options: --points N (default 100,000), --trials N (default 2), --no-model (skip (b)).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

COMPONENTS = 20
DIMENSIONS = 384
#: Spread of each component around its centre (centres have unit-variance entries):
#: cosine about 0.1 within a component, about 0 between two.
SPREAD = 3.0
LETTERS = "abcdefghijklmnoprstuvw"


def mixture(n: int, *, seed: int = 0) -> tuple[np.ndarray, list[str], np.ndarray, list[set]]:
    """``n`` unit vectors from a Gaussian mixture, their texts, components and words."""
    rng = np.random.default_rng(seed)
    weights = rng.uniform(0.5, 2.0, COMPONENTS)
    component = rng.choice(COMPONENTS, size=n, p=weights / weights.sum())
    centres = rng.normal(size=(COMPONENTS, DIMENSIONS))
    vectors = centres[component] + rng.normal(scale=SPREAD, size=(n, DIMENSIONS))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    def word() -> str:
        return "".join(rng.choice(list(LETTERS), size=int(rng.integers(4, 9))))

    vocabularies = [[word() for _ in range(12)] for _ in range(COMPONENTS)]
    common = [word() for _ in range(200)]
    own = rng.integers(0, 12, size=(n, 4))
    shared = rng.integers(0, len(common), size=(n, 4))
    texts = [
        " ".join([vocabularies[c][i] for i in own[row]] + [common[i] for i in shared[row]])
        for row, c in enumerate(component.tolist())
    ]
    return vectors.astype(np.float32), texts, component, [set(v) for v in vocabularies]


def timed_run(vectors: np.ndarray, texts: list[str]) -> tuple[object, float, dict[str, float]]:
    """The clusters, the seconds in all and the seconds of each stage."""
    from explorer import clusters

    stages: dict[str, float] = {}
    current = {"stage": "checks", "since": time.perf_counter()}

    def progress(done: int, total: int, *, stage: str | None = None) -> None:
        now = time.perf_counter()
        if stage != current["stage"]:
            stages[current["stage"]] = stages.get(current["stage"], 0) + now - current["since"]
            current.update(stage=stage, since=now)

    start = time.perf_counter()
    found = clusters(vectors, texts, progress=progress)
    end = time.perf_counter()
    stages[current["stage"]] = stages.get(current["stage"], 0) + end - current["since"]
    return found, end - start, stages


def scale(points: int, trials: int) -> None:
    from sklearn.metrics import adjusted_rand_score

    from explorer.space.projection import warm_up_umap

    warm_up_umap()  # numba's compile, paid once per machine (make install)
    vectors, texts, component, vocabularies = mixture(points)
    print(f"(a) {points:,} points, {COMPONENTS} components in {DIMENSIONS}-d")
    seconds = []
    for trial in range(trials):
        load = os.getloadavg()[0]
        cpu = time.process_time()
        found, elapsed, stages = timed_run(vectors, texts)
        cpu = time.process_time() - cpu
        seconds.append(elapsed)
        named = 0
        for cluster in range(found.count):
            main = np.bincount(component[found.labels == cluster]).argmax()
            named += bool(set(found.words[cluster]) & vocabularies[main])
        print(
            f"  trial {trial + 1}: {elapsed:.1f} s ({cpu:.1f} s CPU; load before {load:.1f}), "
            f"{found.count} clusters, {found.noise:,} noise, "
            f"ARI {adjusted_rand_score(component, found.labels):.3f}, "
            f"{named}/{found.count} named with their component's words"
        )
        for stage, spent in stages.items():
            print(f"      {spent:6.2f} s  {stage}")
    verdict = "OK" if min(seconds) < 30 else "SLOW"
    print(f"  best {min(seconds):.1f} s, median {statistics.median(seconds):.1f} s "
          f"(target < 30 s): {verdict}; load after {os.getloadavg()[0]:.1f}")  # fmt: skip


def quality() -> None:
    from sklearn.metrics import adjusted_rand_score

    import explorer

    model = explorer.load_model("minilm")
    sample = explorer.load_sample()
    with (ROOT / "explorer" / "data" / "cluster_check.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    sets = [
        ("the built-in sample", list(sample.texts), list(sample.topics), 0.3),
        ("cluster_check.csv", [r["text"] for r in rows], [r["topic"] for r in rows], 0.8),
    ]
    print("(b) the packaged model's vectors, the default call")
    for name, texts, topics, target in sets:
        found, elapsed, _ = timed_run(model.encode(texts), texts)
        score = adjusted_rand_score(topics, found.labels)
        verdict = "OK" if score >= target else "LOW"
        print(
            f"  {name}: {len(texts)} texts, {len(set(topics))} topics -> {found.count} "
            f"clusters, {found.noise} noise, ARI {score:.3f} (target >= {target}): {verdict}, "
            f"{elapsed:.1f} s"
        )
        for size, title in list(zip(found.sizes, found.names, strict=True))[:6]:
            print(f"      {size:4d}  {title}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--trials", type=int, default=2)
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args()
    scale(args.points, args.trials)
    if not args.no_model:
        quality()


if __name__ == "__main__":
    main()
