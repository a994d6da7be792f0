"""Past one machine: ``embed`` and ``project`` on a Ray cluster, with the same CLI.

``python -m explorer embed INPUT --out DIR --engine ray`` hands each input shard
to a pool of Ray Data actors (``map_batches`` with an actor class: the model is
loaded once per worker, ``num_gpus=1`` each on ``--device cuda``). Each actor
embeds its shard with the same code as ``embed`` on one machine
(:func:`explorer.documents.shards.embed_shard`) and writes ``DIR/STEM.parquet``
under a temporary name, then renames it: a rerun skips shards already written,
a worker that dies is restarted by Ray and its shard embedded again (written
once). The shards, read back in name order, hold the rows in the input's order.

Without ``--address`` a local Ray is started on this machine; ``--address auto``
joins the cluster of ``ray start``. Ray is optional (``requirements-scale.txt``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from explorer.config import CORPUS_MAX_PREPARED_ROWS, CORPUS_TSNE_MAX, METHODS, SHARDS_FIT_MAX_ROWS
from explorer.documents import shards as sh

INSTALL_HINT = (
    "--engine ray needs Ray, which is not installed: run `make install-scale` "
    "(or `pip install -r requirements-scale.txt`)."
)
ENGINES = ("local", "ray")


def import_ray() -> Any:
    """``ray`` with Ray Data, or a ValueError saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401 - Ray Data is the part used
    except ImportError:
        raise ValueError(INSTALL_HINT) from None
    return ray


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class connect:  # noqa: N801 - used as a function in a with statement
    """Use the Ray already started in this process, join ``address``, or start a local one.

    Only a Ray it started is shut down on leaving.
    """

    def __init__(self, address: str | None = None) -> None:
        self.address = address
        self.started = False
        self.seconds = 0.0

    def __enter__(self) -> Any:
        ray = import_ray()
        started = time.perf_counter()
        if not ray.is_initialized():
            explorer_dir = str(Path(__file__).resolve().parents[1])
            env = {k: os.environ[k] for k in ("HF_HUB_OFFLINE", "HF_HOME") if k in os.environ}
            runtime_env: dict[str, Any] = {"env_vars": env}
            if self.address:  # other nodes get this package; they need requirements.txt
                runtime_env["py_modules"] = [explorer_dir]
            ray.init(
                address=self.address,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
                runtime_env=runtime_env,
            )
            self.started = True
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        logging.getLogger("ray.data").setLevel(logging.ERROR)
        self.seconds = time.perf_counter() - started
        return ray

    def __exit__(self, *exc: object) -> None:
        if self.started:
            import ray

            ray.shutdown()


class ShardEmbedder:
    """A Ray Data actor: loads the model once, then embeds the shards it is handed.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.csv").write_text("text\\nhello\\n")
        >>> worker = ShardEmbedder(model="toy", device="cpu", text_column="text",
        ...                        out=str(folder))
        >>> worker({"path": np.array([str(folder / "a.csv")]),
        ...         "out_name": np.array(["a.parquet"])})["rows"]
        [1]
    """

    def __init__(
        self,
        *,
        model: str,
        device: str,
        text_column: str,
        out: str,
        batch_size: int | None = None,
    ) -> None:
        from explorer.models import load_model

        try:
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
        except ImportError:  # pragma: no cover - installed with sentence-transformers
            pass
        self.model = load_model(model, device=device)
        self.text_column = text_column
        self.out = Path(out)
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list]:
        results = [
            sh.embed_shard(
                sh.Shard(str(path), str(out_name)),
                out=self.out,
                model=self.model,
                text_column=self.text_column,
                batch_size=self.batch_size,
            )
            for path, out_name in zip(batch["path"], batch["out_name"], strict=True)
        ]
        return {
            "shard": [r.shard for r in results],
            "rows": [r.rows for r in results],
            "notes": ["\n".join(r.notes) for r in results],
            "error": [r.error for r in results],
            "seconds": [r.seconds for r in results],
            "model": [r.model for r in results],
            "dim": [r.dim for r in results],
            "pid": [os.getpid()] * len(results),
        }


@dataclass
class EmbedRun:
    """What :func:`embed_shards` did."""

    shards: int
    skipped: int
    results: list[dict] = field(default_factory=list)
    startup_seconds: float = 0.0
    embed_seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(int(r["rows"]) for r in self.results)

    @property
    def errors(self) -> list[str]:
        return [str(r["error"]) for r in self.results if r["error"]]


def _workers(ray: Any, device: str, num_workers: int | None) -> int:
    if num_workers:
        return num_workers
    resources = ray.cluster_resources()
    wanted = resources.get("GPU", 0) if device.startswith("cuda") else resources.get("CPU", 1)
    if not wanted:
        raise ValueError(f"--device {device}: the Ray cluster has no GPU; use --device cpu.")
    return max(1, int(wanted))


def embed_shards(
    source: str,
    *,
    out: str | Path,
    model: str = "minilm",
    device: str = "cpu",
    text_column: str | None = None,
    batch_size: int | None = None,
    address: str | None = None,
    num_workers: int | None = None,
    on_start: Callable[[EmbedRun], None] | None = None,
    on_shard: Callable[[dict], None] | None = None,
) -> EmbedRun:
    """Embed every shard of ``source`` not yet in ``out`` on Ray; one output shard each.

    Args:
        source: a file, a folder or a glob of ``.parquet``/``.csv``/``.tsv``/``.txt``.
        out: the output folder (made if missing; its parent must exist).
        model, device, text_column, batch_size: as for ``embed``; the text
            column is guessed from the first shard when not given.
        address: a Ray cluster to join (``auto``: the one ``ray start`` made);
            ``None`` starts a local Ray unless one runs in this process.
        num_workers: actors in the pool (default: the cluster's CPUs, or GPUs on cuda).
        on_start: called once the shards to embed are known (``run.shards``, ``run.skipped``).
        on_shard: called with each shard's result row as it finishes.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "in.csv").write_text("text\\nhello\\nworld\\n")
        >>> run = embed_shards(str(folder / "in.csv"), out=folder / "out", model="toy",
        ...                    num_workers=1)  # doctest: +SKIP
    """
    shards = sh.list_shards(source)
    target = Path(out).expanduser()
    if not target.parent.is_dir():
        raise ValueError(f"--out {target}: the folder {target.parent} does not exist.")
    if target.exists() and not target.is_dir():
        raise ValueError(f"--out {target} is a file; with --engine ray, --out is a folder.")
    inputs = {Path(s.path).resolve().parent for s in shards if "://" not in s.path}
    if target.resolve() in inputs:
        raise ValueError(f"--out {target} is the input's folder; choose another folder.")
    target.mkdir(exist_ok=True)
    sh.clear_partials(target)
    pending = [s for s in shards if not (target / s.out_name).exists()]
    run = EmbedRun(shards=len(shards), skipped=len(shards) - len(pending))
    if on_start is not None:
        on_start(run)
    if not pending:
        return run
    column = text_column or sh.guess_text_column(pending)
    session = connect(address)
    with session as ray:
        run.startup_seconds = session.seconds
        workers = _workers(ray, device, num_workers)
        items = [{"path": s.path, "out_name": s.out_name} for s in pending]
        gpus = 1 if device.startswith("cuda") else None
        dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            ShardEmbedder,
            fn_constructor_kwargs={
                "model": model,
                "device": device,
                "text_column": column,
                "out": str(target.resolve()),
                "batch_size": batch_size,
            },
            batch_size=1,
            # one shard at a time per actor: no shard waits behind a slow one
            compute=ray.data.ActorPoolStrategy(
                size=min(workers, len(items)), max_tasks_in_flight_per_actor=1
            ),
            num_cpus=1,
            num_gpus=gpus,
        )
        started = time.perf_counter()
        for row in _rows(dataset):
            run.results.append(row)
            if on_shard is not None:
                on_shard(row)
        run.embed_seconds = time.perf_counter() - started
    sh.clear_partials(target)
    return run


def _rows(dataset: Any) -> Iterator[dict]:
    for row in dataset.iter_rows():
        yield {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}


# --- The command line ---------------------------------------------------------------


def run_embed(args: argparse.Namespace) -> int:
    """``python -m explorer embed … --engine ray``: exit status 0, or 1 if a shard failed."""
    from tqdm import tqdm

    import_ray()
    for option, given in (("--limit", args.limit), ("--cache-dir", args.cache_dir)):
        if given:
            raise ValueError(
                f"{option} works with --engine local only; --engine ray embeds every row of "
                "each shard and resumes shard by shard."
            )
    if not args.out:
        raise ValueError("--engine ray writes a folder of shards: give it with --out DIR.")
    started = time.perf_counter()
    bar = None

    def on_start(run: EmbedRun) -> None:
        nonlocal bar
        if run.skipped:
            _say(
                f"{run.skipped:,} of {run.shards:,} shards are written already; "
                f"embedding the other {run.shards - run.skipped:,}"
            )
        bar = tqdm(
            total=run.shards - run.skipped,
            desc="embedding",
            unit="shards",
            file=sys.stderr,
            mininterval=0.5,
        )

    def on_shard(row: dict) -> None:
        bar.update(1)
        for note in str(row["notes"]).splitlines():
            bar.write(
                f"note: {row['shard']}: {note}" if row["shard"] not in note else f"note: {note}",
                file=sys.stderr,
            )
        if row["error"]:
            bar.write(f"error: {row['error']}", file=sys.stderr)

    try:
        run = embed_shards(
            args.input,
            out=args.out,
            model=args.model,
            device=args.device,
            text_column=args.text_column,
            batch_size=args.batch_size,
            address=args.address,
            num_workers=args.num_workers,
            on_start=on_start,
            on_shard=on_shard,
        )
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        _say("interrupted: the shards written are kept; run again to embed the others.")
        return 130
    if bar is not None:
        bar.close()
    seconds = time.perf_counter() - started
    done = run.shards - run.skipped - len(run.errors)
    skipped = f"; {run.skipped:,} written before, skipped" if run.skipped else ""
    made = next((f", {r['dim']}-d vectors from {r['model']}" for r in run.results if r["dim"]), "")
    rate = run.rows / max(run.embed_seconds, 1e-9)
    print(
        f"wrote {args.out}: {done:,} of {run.shards:,} shards, {run.rows:,} rows{made}, in "
        f"{seconds:.1f} s (Ray start-up {run.startup_seconds:.1f} s; {rate:,.0f} rows/s counting "
        "each worker's model loading)"
        f"{skipped}.",
        flush=True,
    )
    if run.errors:
        _say(
            f"error: {len(run.errors):,} shard(s) were not written (see above); fix them "
            "and run again: the shards written are skipped."
        )
        return 1
    return 0


def run_project(args: argparse.Namespace) -> int:
    """``python -m explorer project FOLDER``: a folder of map shards, one per input shard."""
    folder = Path(args.input).expanduser()
    if folder.is_file():
        raise ValueError(
            f"{args.input} is a file; --engine ray projects a folder of shards (from `embed "
            "--engine ray`). For one file, leave out --engine ray."
        )
    paths = sh.output_shards(folder)
    stem = folder.name.removesuffix(".embeddings")
    out = Path(args.out).expanduser() if args.out else folder.with_name(f"{stem}.map")
    if out.resolve() == folder.resolve():
        raise ValueError(f"--out {out} is the input folder; choose another folder.")
    if not out.parent.is_dir():
        raise ValueError(f"--out {out}: the folder {out.parent} does not exist.")
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file; for a folder of shards, --out is a folder.")
    import pyarrow.parquet as pq

    total = sum(pq.ParquetFile(p).metadata.num_rows for p in paths)
    label = METHODS[args.method]
    keep = not args.no_vectors
    out.mkdir(exist_ok=True)
    started = time.perf_counter()
    if args.method == "pca":
        fitted, used = sh.fit_pca_sample(paths, random_state=args.random_state)
        _say(f"PCA fitted on {used:,} of {total:,} rows; placing every shard…")
        if args.engine == "ray":
            _project_on_ray(paths, out, fitted, args, keep)
        else:
            for path in paths:
                sh.project_shard(
                    path,
                    out=out,
                    coords=fitted,
                    method="pca",
                    text_column=args.text_column,
                    keep_vectors=keep,
                )
    else:
        if total > SHARDS_FIT_MAX_ROWS:
            raise ValueError(
                f"{label} on {total:,} points is fitted in one machine's memory, up to "
                f"{SHARDS_FIT_MAX_ROWS:,}; use --method pca (fitted on a sample, applied "
                "shard by shard)."
            )
        if args.method == "tsne" and total > CORPUS_TSNE_MAX and not args.force:
            raise ValueError(
                f"t-SNE on {total:,} points would take many minutes (the limit is "
                f"{CORPUS_TSNE_MAX:,}); use --method umap, or --force to run it anyway."
            )
        from explorer.space.projection import compute_projection

        parts = sh.all_vectors(paths, text_column=args.text_column)
        _say(f"running {label} on {total:,} points ({args.metric})…")
        projection = compute_projection(
            np.concatenate(parts),
            method=args.method,
            metric=args.metric,
            random_state=args.random_state,
        )
        if projection.notice:
            _say(f"note: {projection.notice}")
        ends = np.cumsum([len(p) for p in parts])
        for path, chunk in zip(paths, np.split(projection.coords, ends[:-1]), strict=True):
            sh.project_shard(
                path,
                out=out,
                coords=chunk,
                method=projection.method,
                text_column=args.text_column,
                keep_vectors=keep,
            )
    seconds = time.perf_counter() - started
    limit = CORPUS_MAX_PREPARED_ROWS
    opens = "" if total <= limit else f"; the app opens the first {limit:,}"
    print(
        f"wrote {out}: {len(paths):,} shards, {total:,} points, x/y from {label} in "
        f"{seconds:.1f} s{opens}.",
        flush=True,
    )
    return 0


def _place(
    batch: dict[str, np.ndarray], *, out: str, fitted: Any, text_column: str | None, keep: bool
) -> dict[str, list]:
    rows = [
        sh.project_shard(
            Path(p),
            out=Path(out),
            coords=fitted,
            method="pca",
            text_column=text_column,
            keep_vectors=keep,
        )
        for p in batch["path"]
    ]
    return {"path": list(batch["path"]), "rows": rows}


def _project_on_ray(
    paths: list[Path], out: Path, fitted: Any, args: argparse.Namespace, keep: bool
) -> None:
    with connect(args.address) as ray:
        items = [{"path": str(p.resolve())} for p in paths]
        dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            _place,
            fn_kwargs={
                "out": str(out.resolve()),
                "fitted": fitted,
                "text_column": args.text_column,
                "keep": keep,
            },
            batch_size=1,
            compute=ray.data.TaskPoolStrategy(size=args.num_workers),
            num_cpus=1,
        )
        for _ in _rows(dataset):
            pass
