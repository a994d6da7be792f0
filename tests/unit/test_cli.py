"""``python -m explorer embed|project``: outputs, summaries, exit codes and devices."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from explorer import cli
from explorer.config import SEARCH_CACHE_DIR_ENV
from explorer.documents import readers as ds
from explorer.models import SentenceEmbedder, load_model, resolve_device

ROOT = Path(__file__).resolve().parents[2]
TOPICS = {
    "cars": ["fix the brakes", "change the engine oil", "new winter tyres", "a flat tyre"],
    "food": ["bake sourdough bread", "a pizza dough recipe", "slow cooked stew", "fresh pasta"],
    "sport": ["a marathon training plan", "swimming lessons", "the football final", "yoga"],
}


@pytest.fixture(autouse=True)
def cache_env(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(SEARCH_CACHE_DIR_ENV, str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_gpu(monkeypatch) -> None:
    """``--device auto`` (the default) picks the CPU, as on CI, even where torch sees a GPU."""
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)


@pytest.fixture
def reviews(tmp_path) -> Path:
    lines = ["text;topic;stars"]
    for topic, texts in TOPICS.items():
        lines += [f"{text};{topic};{len(text) % 5}" for text in texts]
    lines += [";cars;1", "fix the brakes;cars;2"]  # a blank row and a duplicate
    path = tmp_path / "reviews.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def embedded(reviews, minilm) -> Path:
    assert cli.main(["embed", str(reviews)]) == 0
    return reviews.with_name("reviews.embeddings.parquet")


def vector_parquet(path: Path, n: int, dim: int = 8) -> Path:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    table = pa.table(
        {
            "sentence": [f"generated sentence {i}" for i in range(n)],
            "emb": pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), dim),
        }
    )
    pq.write_table(table, path)
    return path


def test_python_m_explorer_help_runs_in_a_subprocess() -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "explorer", "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "usage: python -m explorer" in done.stdout
    assert "embed" in done.stdout and "project" in done.stdout
    assert "python -m explorer embed reviews.csv --text-column text" in done.stdout


@pytest.mark.parametrize(
    ("command", "options"),
    [
        (
            "embed",
            [
                "--text-column",
                "--model",
                "--out",
                "--device",
                "--batch-size",
                "--cache-dir",
                "--no-cache",
                "--limit",
            ],
        ),
        (
            "project",
            ["--method", "--metric", "--random-state", "--out", "--no-vectors", "--force"],
        ),
    ],
)
def test_each_command_documents_every_option_with_an_example(command, options, capsys) -> None:
    assert cli.main([command, "--help"]) == 0
    text = capsys.readouterr().out
    for option in options:
        assert option in text
    assert f"examples:\n  python -m explorer {command} " in text


def test_embed_writes_texts_columns_and_unit_vectors(capsys, embedded, reviews) -> None:
    out, err = capsys.readouterr()
    table = pq.read_table(embedded)
    assert table.column_names == ["text", "topic", "stars", "embedding"]
    assert table.num_rows == 12
    assert table.schema.field("embedding").type == pa.list_(pa.float32(), 384)
    assert json.loads(table.schema.metadata[b"explorer"]) == {
        "model": "minilm",
        "dim": 384,
        "method": None,
        "rows": 12,
        "version": 1,
    }
    dataset = ds.load_file(embedded.read_bytes(), name=embedded.name)
    assert dataset.texts[:2] == ("fix the brakes", "change the engine oil")
    assert np.allclose(np.linalg.norm(dataset.vectors, axis=1), 1.0, atol=1e-5)
    assert dataset.model == "minilm"
    assert out.startswith(f"wrote {embedded}: 12 rows, 384-d vectors from minilm, in ")
    assert "12 embedded (" in out and "0 cached." in out
    assert "note: Left out 1 row with no text in column “text” of “reviews.csv” (row 13)." in err
    assert "note: Merged 1 duplicate row" in err
    assert "embedding with minilm on cpu, 512 texts per batch" in err


def test_embed_again_finds_everything_in_the_cache(capsys, embedded, reviews) -> None:
    capsys.readouterr()
    out_path = reviews.with_name("again.parquet")
    assert cli.main(["embed", str(reviews), "--out", str(out_path)]) == 0
    assert "all 12 were cached." in capsys.readouterr().out
    first = ds.load_file(embedded.read_bytes(), name="a.parquet").vectors
    assert np.array_equal(ds.load_file(out_path.read_bytes(), name="b.parquet").vectors, first)


def test_embed_options_limit_cache_dir_and_no_cache(reviews, minilm, tmp_path, capsys) -> None:
    out = tmp_path / "limited.parquet"
    folder = tmp_path / "elsewhere"
    argv = ["embed", str(reviews), "--limit", "5", "--out", str(out), "--cache-dir", str(folder)]
    assert cli.main([*argv, "--text-column", "text", "--batch-size", "2"]) == 0
    assert pq.read_table(out).num_rows == 5
    assert "Only the first 5 documents are kept (the limit)" in capsys.readouterr().err
    assert len(list(folder.glob("*/batch-*.npz"))) == 3  # batches of 2, 2 and 1
    assert cli.main(["embed", str(reviews), "--out", str(out), "--no-cache"]) == 0
    assert "cache: none (--no-cache)" in capsys.readouterr().err
    assert not (tmp_path / "cache").exists()


def test_embed_warns_when_the_app_will_open_only_part(reviews, minilm, monkeypatch, capsys):
    monkeypatch.setattr(cli, "CORPUS_MAX_PREPARED_ROWS", 10)
    assert cli.main(["embed", str(reviews), "--no-cache"]) == 0
    assert (
        "warning: 12 documents; the app's Corpus page opens only the first 10 of them"
        in capsys.readouterr().err
    )


def test_ctrl_c_keeps_what_was_embedded_and_a_rerun_resumes(reviews, minilm, monkeypatch, capsys):
    original = SentenceEmbedder.encode_uncached
    calls: list[int] = []

    def interrupted_on_the_second_batch(self, texts):
        calls.append(len(texts))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(self, texts)

    monkeypatch.setattr(SentenceEmbedder, "encode_uncached", interrupted_on_the_second_batch)
    argv = ["embed", str(reviews), "--batch-size", "5"]
    assert cli.main(argv) == 130
    err = capsys.readouterr().err
    assert "interrupted: 5 texts embedded are cached; run again to resume." in err
    assert not reviews.with_name("reviews.embeddings.parquet").exists()
    monkeypatch.setattr(SentenceEmbedder, "encode_uncached", original)
    assert cli.main(argv) == 0
    assert "7 embedded (" in capsys.readouterr().out


def test_project_pca_and_umap_write_a_deterministic_map(embedded, tmp_path, capsys) -> None:
    for method in ("pca", "umap"):
        maps = []
        for run in range(2):
            out = tmp_path / f"{method}-{run}.parquet"
            assert cli.main(["project", str(embedded), "--method", method, "--out", str(out)]) == 0
            frame = ds.read_frame(out.read_bytes(), name=out.name)
            assert frame.metadata["method"] == method and frame.metadata["model"] == "minilm"
            dataset = ds.from_frame(frame)
            assert dataset.coords.shape == (12, 2) and np.isfinite(dataset.coords).all()
            assert dataset.vectors.shape == (12, 384)
            assert dataset.extra.columns.tolist() == ["topic", "stars"]
            maps.append(dataset.coords)
        assert np.array_equal(maps[0], maps[1])
    err = capsys.readouterr().err
    assert "running UMAP on 12 points (cosine)…" in err and "UMAP took " in err
    assert "UMAP, step 1 of 2: finding each point's nearest neighbours…" in err
    assert "running PCA on 12 points…" in err


def test_project_defaults_and_no_vectors(embedded, capsys) -> None:
    assert cli.main(["project", str(embedded), "--method", "pca", "--no-vectors"]) == 0
    out = embedded.with_name("reviews.map.parquet")
    assert capsys.readouterr().out == f"wrote {out}: 12 points, x/y from PCA.\n"
    assert pq.read_table(out).column_names == ["text", "topic", "stars", "x", "y"]


def test_embed_replaces_the_vectors_of_a_parquet_it_reads(embedded, tmp_path) -> None:
    broken = tmp_path / "broken.parquet"
    table = pq.read_table(embedded)
    nan_rows = pa.array([[float("nan")] * 3] * table.num_rows, type=pa.list_(pa.float32()))
    pq.write_table(table.set_column(3, "embedding", nan_rows), broken)
    out = tmp_path / "fixed.parquet"
    assert cli.main(["embed", str(broken), "--out", str(out)]) == 0
    fixed = ds.load_file(out.read_bytes(), name=out.name)
    original = ds.load_file(embedded.read_bytes(), name=embedded.name)
    assert np.array_equal(fixed.vectors, original.vectors)
    assert pq.read_table(out).column_names == ["text", "topic", "stars", "embedding"]


def test_project_reads_any_parquet_with_a_vector_column(tmp_path) -> None:
    source = vector_parquet(tmp_path / "other.parquet", 10)
    out = tmp_path / "map.parquet"
    assert cli.main(["project", str(source), "--method", "pca", "--out", str(out)]) == 0
    dataset = ds.load_file(out.read_bytes(), name=out.name)
    assert dataset.texts[0] == "generated sentence 0" and dataset.coords.shape == (10, 2)


def test_tsne_above_the_limit_is_refused_unless_forced(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "CORPUS_TSNE_MAX", 5)
    source = vector_parquet(tmp_path / "v.parquet", 6)
    assert cli.main(["project", str(source), "--method", "tsne"]) == 1
    assert capsys.readouterr().err == (
        "error: t-SNE on 6 points would take many minutes (the limit is 5); "
        "use --method umap, or --force to run it anyway.\n"
    )
    assert not (tmp_path / "v.map.parquet").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["embed", "missing.csv"], "error: missing.csv does not exist; give the path of a file."),
        (["project", "missing.parquet"], "error: missing.parquet does not exist"),
        (
            ["embed", "{tmp}/vectors.npy"],
            "`embed` reads .txt, .csv, .tsv or .parquet files, not .npy",
        ),
        (
            ["embed", "{tmp}/reviews.csv", "--text-column", "body"],
            "its columns are “text”, “topic”, “stars”",
        ),
        (
            ["embed", "{tmp}/reviews.csv", "--model", "no-such-model"],
            "error: Cannot load model 'no-such-model'",
        ),
        (
            ["embed", "{tmp}/reviews.csv", "--device", "tpu"],
            "error: Unknown device 'tpu'; choose one of auto, cpu",
        ),
        (["embed", "{tmp}/reviews.csv", "--out", "{tmp}/out.csv"], "must end in .parquet"),
        (["embed", "{tmp}/reviews.csv", "--out", "{tmp}/no/out.parquet"], "does not exist."),
        (["project", "{tmp}/reviews.csv"], "`project` reads .parquet files, not .csv"),
        (["project", "{tmp}/texts.parquet"], "has no column of vectors"),
        (["embed", "{tmp}/empty.txt"], "error: “empty.txt” is empty."),
    ],
)
def test_bad_files_and_values_exit_1_with_one_line(
    argv, message, reviews, tmp_path, capsys
) -> None:
    (tmp_path / "vectors.npy").write_bytes(b"\x93NUMPY")
    (tmp_path / "empty.txt").write_bytes(b"")
    pq.write_table(pa.table({"text": ["a"]}), tmp_path / "texts.parquet")
    assert cli.main([arg.format(tmp=tmp_path) for arg in argv]) == 1
    out, err = capsys.readouterr()
    assert message in err and err.startswith("error: ") and err.count("\n") == 1
    assert out == "" and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["project", "x.parquet", "--method", "mds"],
        ["embed", "x.csv", "--batch-size", "0"],
        ["embed", "x.csv", "--cache-dir", "d", "--no-cache"],
        ["embed"],
        [],
        ["shrink", "x.csv"],
    ],
)
def test_usage_errors_exit_2(argv, capsys) -> None:
    assert cli.main(argv) == 2
    assert "usage: python -m explorer" in capsys.readouterr().err


def test_device_cuda_without_a_gpu_exits_1_with_a_clear_message(reviews, monkeypatch, capsys):
    import torch

    assert cli.main(["embed", str(reviews), "--device", "cuda"]) == 1
    assert capsys.readouterr().err == (
        f"error: --device cuda was asked for, but torch {torch.__version__} sees no CUDA GPU; "
        "use --device cpu or auto.\n"
    )


def test_resolve_device_picks_a_gpu_only_when_torch_sees_one(monkeypatch, minilm) -> None:
    import torch

    assert resolve_device("auto") == "cpu"
    assert load_model("minilm", device="auto") is minilm  # auto on a CPU: the same instance
    assert load_model("toy", device="cuda") is load_model("toy")  # the toy model stays on CPU
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert resolve_device("auto") == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert resolve_device("auto") == "cuda"
    assert resolve_device("CUDA:1") == "cuda:1"
    with pytest.raises(ValueError, match=r"torch sees 2 CUDA GPUs \(cuda:0 to cuda:1\)"):
        resolve_device("cuda:2")
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(ValueError, match="Unknown device 'gpu'; choose one of auto, cpu, cuda"):
        resolve_device("gpu")


def test_engine_options_are_checked_before_anything_runs(reviews, capsys):
    pytest.importorskip("ray")
    assert cli.main(["embed", str(reviews), "--num-workers", "2"]) == 1
    assert capsys.readouterr().err == "error: --address and --num-workers go with --engine ray.\n"
    assert cli.main(["embed", str(reviews), "--engine", "ray", "--limit", "5"]) == 1
    assert capsys.readouterr().err == (
        "error: --limit works with --engine local only; --engine ray embeds every row of each "
        "shard and resumes shard by shard.\n"
    )
    assert cli.main(["embed", str(reviews), "--engine", "ray"]) == 1
    assert capsys.readouterr().err == (
        "error: --engine ray writes a folder of shards: give it with --out DIR.\n"
    )
    assert cli.main(["embed", str(reviews), "--engine", "gpu"]) == 2
    assert "argument --engine: invalid choice: 'gpu'" in capsys.readouterr().err


def test_help_lists_the_ray_engine_options(capsys):
    assert cli.main(["embed", "--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    for option in ("--engine {local,ray}", "--address ADDR", "--num-workers N"):
        assert option in shown
    assert "--engine ray --address auto" in shown
