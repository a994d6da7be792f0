"""`embed --engine ray` against the default path, in the same run, on this machine.

Writes ROWS texts as one parquet file and as SHARDS shards, embeds both with the
real MiniLM model on the CPU (the default path without its cache; Ray: a local
cluster with WORKERS workers), and prints rows/s of each, their ratio (Ray
without its start-up, which is printed apart) and the smallest cosine between
the two paths' vectors, row by row.

    .venv/bin/python bench/ray_scale.py [--rows 20000] [--shards 8] [--workers 2]

Other processes on the machine make the timings noisy: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = (
    "the a cat dog car bread phone battery river mountain music film rain coffee fast slow "
    "broken great terrible works again never always screen price delivery"
).split()


def _texts(n: int) -> list[str]:
    rng = np.random.default_rng(0)
    lengths = rng.integers(6, 30, size=n)
    return [" ".join(rng.choice(WORDS, k)) + f" #{i}" for i, k in enumerate(lengths)]


def _run(argv: list[str]) -> tuple[float, str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "explorer", *argv], cwd=ROOT, env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from explorer.documents.readers import from_frame, read_frame
    from explorer.documents.shards import read_shards

    folder = Path(tempfile.mkdtemp(prefix="ray_scale_"))
    data = pd.DataFrame({"id": np.arange(args.rows), "text": _texts(args.rows)})
    data.to_parquet(folder / "all.parquet", index=False)
    (folder / "in").mkdir()
    for k, rows in enumerate(np.array_split(np.arange(args.rows), args.shards)):
        data.iloc[rows].to_parquet(folder / "in" / f"part-{k:05d}.parquet", index=False)

    single = folder / "all.embeddings.parquet"
    local_s, _ = _run(
        [
            "embed",
            str(folder / "all.parquet"),
            "--out",
            str(single),
            "--no-cache",
            "--device",
            "cpu",
        ]
    )
    out = folder / "out"
    ray_s, said = _run(
        ["embed", str(folder / "in"), "--out", str(out), "--engine", "ray", "--device", "cpu",
         "--num-workers", str(args.workers)]
    )  # fmt: skip
    startup = float(re.search(r"Ray start-up ([\d.]+) s", said).group(1))

    a = from_frame(read_frame(single.read_bytes(), name=single.name), max_rows=None)
    b = from_frame(read_shards(out, max_rows=None), max_rows=None)
    assert a.texts == b.texts, "rows differ or are out of order"
    assert a.extra["id"].tolist() == b.extra["id"].tolist()
    cosine = (a.vectors * b.vectors).sum(1) / (
        np.linalg.norm(a.vectors, axis=1) * np.linalg.norm(b.vectors, axis=1)
    )
    n = args.rows
    local_rate, ray_rate = n / local_s, n / (ray_s - startup)
    print(f"rows: {n:,} ({args.shards} shards for Ray), {os.cpu_count()} CPU cores")
    print(f"default path: {local_s:6.1f} s  {local_rate:7.0f} rows/s (model loading included)")
    print(
        f"ray ({args.workers} workers): {ray_s:6.1f} s  {ray_rate:7.0f} rows/s without Ray's "
        f"start-up of {startup:.1f} s ({n / ray_s:.0f} rows/s with it)"
    )
    print(
        f"ratio ray/default: {ray_rate / local_rate:.2f} "
        f"({n / ray_s / local_rate:.2f} with start-up)"
    )
    print(
        f"smallest cosine, row by row: {cosine.min():.7f} (first 2,000: {cosine[:2000].min():.7f})"
    )


if __name__ == "__main__":
    main()
