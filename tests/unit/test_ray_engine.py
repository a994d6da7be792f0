"""`embed`/`project --engine ray`: a local Ray (num_cpus=2) per test, the real MiniLM model."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from explorer.cli import main
from explorer.documents import ray_engine
from explorer.documents import shards as sh
from explorer.documents.readers import from_frame, read_frame

WORDS = "cat dog car bread phone battery river mountain music film rain coffee".split()


def _texts(n: int, seed: int, tag: str) -> list[str]:
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(WORDS, 6)) + f" ({tag}{i})" for i in range(n)]


def _shards(folder: Path, sizes: list[int], *, csv_every: int = 0) -> pd.DataFrame:
    """Write shards part-0, part-1… (every csv_every-th as .csv); return all their rows."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = []
    for k, size in enumerate(sizes):
        texts = _texts(size, k, f"s{k}-")
        frame = pd.DataFrame(
            {"id": np.arange(size) + 1000 * k, "text": texts, "topic": [f"t{k}"] * size}
        )
        if csv_every and k % csv_every == csv_every - 1:
            frame.to_csv(folder / f"part-{k}.csv", index=False)
        else:
            frame.to_parquet(folder / f"part-{k}.parquet", index=False)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def local_ray():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def _read(folder: Path):
    return from_frame(sh.read_shards(folder, max_rows=None), max_rows=None)


@pytest.mark.ray
@pytest.mark.slow
def test_same_vectors_rows_and_columns_as_the_default_path(tmp_path, local_ray, capsys):
    rows = _shards(tmp_path / "in", [200, 200, 200, 200], csv_every=2)
    whole = tmp_path / "all.csv"
    rows.to_csv(whole, index=False)
    single = tmp_path / "all.parquet"
    assert main(["embed", str(whole), "--out", str(single), "--no-cache", "--device", "cpu"]) == 0
    capsys.readouterr()
    out = tmp_path / "out"
    argv = ["embed", str(tmp_path / "in"), "--out", str(out), "--engine", "ray"]
    assert main([*argv, "--num-workers", "2", "--device", "cpu"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [f"part-{k}.parquet" for k in range(4)]
    said = capsys.readouterr().out
    assert said.startswith(f"wrote {out}: 4 of 4 shards, 800 rows, 384-d vectors from minilm")
    expected = from_frame(read_frame(single.read_bytes(), name=single.name), max_rows=None)
    got = _read(out)
    assert got.texts == expected.texts == tuple(rows["text"])
    # Same columns and values; pandas may hold the text columns as str or object dtype.
    pd.testing.assert_frame_equal(got.extra, expected.extra, check_dtype=False)
    assert got.model == "minilm"
    a, b = got.vectors, expected.vectors
    cosine = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    assert cosine.min() >= 0.99999
    first = read_frame((out / "part-0.parquet").read_bytes(), name="part-0.parquet")
    assert first.metadata == {
        "model": "minilm", "dim": 384, "method": None, "rows": 200, "version": 1
    }  # fmt: skip


@pytest.mark.ray
@pytest.mark.slow
def test_bad_shards_are_named_the_others_written_and_a_rerun_does_only_the_rest(
    tmp_path, local_ray, capsys
):
    source = tmp_path / "in"
    _shards(source, [30, 30])
    pd.DataFrame({"text": ["fine", None, "also fine"]}).to_parquet(source / "part-2.parquet")
    pd.DataFrame({"body": ["no text column"]}).to_parquet(source / "part-3.parquet")
    (source / "part-4.parquet").write_bytes(b"PAR1 cut short")
    out = tmp_path / "out"
    argv = ["embed", str(source), "--out", str(out), "--engine", "ray", "--text-column", "text"]
    assert main([*argv, "--device", "cpu", "--num-workers", "2"]) == 1
    captured = capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == [
        "part-0.parquet", "part-1.parquet", "part-2.parquet"
    ]  # fmt: skip
    errors = [line for line in captured.err.splitlines() if line.startswith(("error", "note"))]
    assert sorted(errors) == sorted(
        [
            "error: “part-3.parquet” has no column “text”; its columns are “body”. Choose one "
            "of them.",
            "error: “part-4.parquet” cannot be read as Parquet (Parquet magic bytes not found "
            "in footer. Either the file is "
            "corrupted or this is not a parquet file.); it may be cut short or damaged. Save it "
            "again and upload it.",
            "note: Left out 1 row with no text in column “text” of “part-2.parquet” (row 2).",
            "error: 2 shard(s) were not written (see above); fix them and run again: the "
            "shards written are skipped.",
        ]
    )
    assert captured.out.startswith(f"wrote {out}: 3 of 5 shards, 62 rows")
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    (source / "part-4.parquet").unlink()
    pd.DataFrame({"text": ["now with text"]}).to_parquet(source / "part-3.parquet")
    assert main([*argv, "--device", "cpu"]) == 0
    captured = capsys.readouterr()
    assert "3 of 4 shards are written already; embedding the other 1" in captured.err
    assert captured.out.startswith(f"wrote {out}: 1 of 4 shards, 1 rows")
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name in before} == before
    assert _read(out).texts[-2:] == ("also fine", "now with text")


def _map_workers() -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"ray::MapWorker(MapBatches(ShardEmbedder))"):
                found.append(int(pid))
    return found


@pytest.mark.ray
@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds workers in /proc")
def test_a_killed_worker_loses_nothing_and_writes_nothing_twice(tmp_path, local_ray):
    rows = _shards(tmp_path / "in", [120] * 8)
    out = tmp_path / "out"
    result: dict = {}

    def run() -> None:
        result["run"] = ray_engine.embed_shards(
            str(tmp_path / "in"), out=out, model="minilm", device="cpu", num_workers=2
        )

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 240
    while not (out.is_dir() and any(out.glob("*.parquet"))) and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _map_workers()
    assert workers and len(list(out.glob("*.parquet"))) < 8, "killed after the run ended"
    os.kill(workers[0], signal.SIGKILL)
    thread.join(timeout=300)
    run = result["run"]
    assert sorted(p.name for p in out.iterdir()) == [f"part-{k}.parquet" for k in range(8)]
    assert len(run.results) == 8 and not run.errors
    assert sorted(r["shard"] for r in run.results) == [f"part-{k}.parquet" for k in range(8)]
    assert _read(out).texts == tuple(rows["text"])


@pytest.mark.ray
@pytest.mark.slow
def test_project_a_folder_with_pca_on_ray_is_the_pca_of_all_points(tmp_path, local_ray):
    from explorer.space.projection import compute_projection

    folder = tmp_path / "emb"
    folder.mkdir()
    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(90, 8)).astype(np.float32)
    for k in range(3):
        part = pd.DataFrame(
            {"text": [f"doc {k}-{i}" for i in range(30)], "embedding": list(matrix[30 * k :][:30])}
        )
        part.to_parquet(folder / f"part-{k}.parquet")
    out = tmp_path / "map"
    argv = ["project", str(folder), "--method", "pca", "--out", str(out), "--engine", "ray"]
    assert main(argv) == 0
    mapped = _read(out)
    assert mapped.method == "pca" and mapped.vectors.shape == (90, 8)
    expected = compute_projection(matrix, method="pca").coords
    np.testing.assert_allclose(mapped.coords, expected, atol=1e-4)


def test_engine_ray_without_ray_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.csv").write_text("text\nhello\n")
    monkeypatch.setitem(sys.modules, "ray", None)
    argv = ["embed", str(tmp_path / "a.csv"), "--out", str(tmp_path / "o"), "--engine", "ray"]
    assert main(argv) == 1
    assert capsys.readouterr().err == (
        "error: --engine ray needs Ray, which is not installed: run `make install-scale` "
        "(or `pip install -r requirements-scale.txt`).\n"
    )


def test_project_a_folder_without_ray_reads_every_shard_in_order(tmp_path):
    folder = tmp_path / "emb"
    folder.mkdir()
    vectors = np.random.default_rng(0).normal(size=(12, 4)).astype(np.float32)
    for k in (1, 0):
        part = pd.DataFrame(
            {"text": [f"d{k}{i}" for i in range(6)], "embedding": list(vectors[6 * k :][:6])}
        )
        part.to_parquet(folder / f"p{k}.parquet")
    out = tmp_path / "map"
    assert main(["project", str(folder), "--method", "pca", "--out", str(out)]) == 0
    mapped = _read(out)
    assert mapped.texts == tuple(f"d{k}{i}" for k in (0, 1) for i in range(6))
    from explorer.space.projection import compute_projection

    np.testing.assert_allclose(mapped.coords, compute_projection(vectors).coords, atol=1e-6)


def test_read_shards_stops_at_max_rows_and_counts_them_all(tmp_path):
    folder = tmp_path / "emb"
    folder.mkdir()
    for k in range(3):
        pd.DataFrame({"text": [f"t{k}{i}" for i in range(4)]}).to_parquet(folder / f"s{k}.parquet")
    frame = sh.read_shards(folder, max_rows=6)
    assert frame.name == "emb"
    assert frame.data["text"].tolist() == ["t00", "t01", "t02", "t03", "t10", "t11"]
    assert (frame.metadata["rows"], frame.metadata["total_rows"], frame.metadata["shards"]) == (
        6, 12, 3
    )  # fmt: skip


def test_two_inputs_with_one_stem_are_refused(tmp_path):
    (tmp_path / "a.csv").write_text("text\nx\n")
    (tmp_path / "a.parquet").write_bytes(b"")
    with pytest.raises(
        ValueError, match=r"^a.csv and a.parquet would both be written to a\.parquet"
    ):
        sh.list_shards(str(tmp_path))
