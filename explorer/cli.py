"""The command line: prepare big corpora ahead, for the app's Corpus page to open.

Embed a file of texts (resumable: embeddings are cached batch by batch), then
draw its map; the page opens either output file::

    python -m explorer embed reviews.csv --text-column text --model minilm
    python -m explorer project reviews.embeddings.parquet --method umap --out map.parquet

Exit status: 0 done, 1 a problem with the data or an option's value (one
``error: …`` line on stderr), 2 a usage error (argparse), 130 interrupted.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from explorer.cli_progress import ProgressBar, StageBar, say
from explorer.config import (
    CORPUS_EMBED_BATCH,
    CORPUS_EMBED_BATCH_GPU,
    CORPUS_MAX_PREPARED_ROWS,
    CORPUS_TSNE_MAX,
    METHODS,
    METRICS,
    SEARCH_CACHE_DIR,
    SEARCH_CACHE_DIR_ENV,
)
from explorer.documents.writers import VECTOR_DTYPES

EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
#: What ``embed`` and ``project`` add to their input's name when no --out is given.
EMBED_SUFFIX = ".embeddings.parquet"
MAP_SUFFIX = ".map.parquet"
#: Files ``embed`` reads.
EMBED_TYPES = (".txt", ".csv", ".tsv", ".parquet")

_EXAMPLES = """\
examples:
  python -m explorer embed reviews.csv --text-column text --model minilm
  python -m explorer project reviews.embeddings.parquet --method umap --out map.parquet

The app's Corpus page opens both output files. Run `python -m explorer COMMAND --help`
for each command's options."""

_EMBED_EXAMPLES = f"""\
examples:
  python -m explorer embed reviews.csv --text-column text
  python -m explorer embed notes.txt --out notes.parquet --device cpu --limit 10000
  python -m explorer embed big.parquet --device cuda --batch-size 8192
  python -m explorer embed 'shards/*.parquet' --out embedded/ --engine ray --address auto

Output columns: text, the input's other columns, embedding (a list of floats per row).
Embeddings are cached batch by batch: an interrupted run (Ctrl+C) resumes where it
stopped when run again. The app opens the first {CORPUS_MAX_PREPARED_ROWS:,} rows of a file
(--vector-dtype float16 halves the file: a million rows fit the app's upload limit)."""

_PROJECT_EXAMPLES = f"""\
examples:
  python -m explorer project reviews.embeddings.parquet
  python -m explorer project reviews.embeddings.parquet --method pca --out map.parquet
  python -m explorer project small.parquet --method tsne --metric euclidean
  python -m explorer project embedded/ --method pca --out map/ --engine ray

Output columns: text, the input's other columns, x, y and (unless --no-vectors) the
embedding. t-SNE is refused above {CORPUS_TSNE_MAX:,} points (it takes many minutes);
use UMAP, or --force."""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _input(path: str, types: Sequence[str], command: str) -> Path:
    source = Path(path).expanduser()
    if not source.exists():
        raise ValueError(f"{path} does not exist; give the path of a file.")
    if source.is_dir():
        raise ValueError(f"{path} is a folder; give the path of a file.")
    suffix = source.suffix.lower()
    if suffix not in types:
        accepted = ", ".join(types[:-1]) + " or " + types[-1] if len(types) > 1 else types[0]
        raise ValueError(
            f"{path}: `{command}` reads {accepted} files, not "
            f"{suffix or 'a file without a suffix'}."
        )
    return source


def _output(path: str | None, source: Path, suffix: str) -> Path:
    out = Path(path).expanduser() if path else source.with_name(source.stem + suffix)
    if out.suffix.lower() != ".parquet":
        raise ValueError(f"--out {out} must end in .parquet (the app opens Parquet files).")
    if not out.parent.is_dir():
        raise ValueError(f"--out {out}: the folder {out.parent} does not exist.")
    if out.exists() and out.is_dir():
        raise ValueError(f"--out {out} is a folder; give a file name ending in .parquet.")
    return out


def _quiet_model_loading() -> None:
    """No "Loading weights" bar from transformers: the embedding bar is the one that counts."""
    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:  # pragma: no cover - installed with sentence-transformers
        return
    transformers_logging.disable_progress_bar()


def _embed(args: argparse.Namespace) -> int:
    if _engine(args) == "ray":
        from explorer.documents import ray_engine

        return ray_engine.run_embed(args)
    from explorer.documents import embed as embedding
    from explorer.documents import readers
    from explorer.documents.writers import write_parquet
    from explorer.models import load_model, resolve_device
    from explorer.models.doc_cache import DocumentCache, cache_dir

    source = _input(args.input, EMBED_TYPES, "embed")
    out = _output(args.out, source, EMBED_SUFFIX)
    device = resolve_device(args.device)
    _quiet_model_loading()
    model = load_model(args.model, device=device)
    started = time.perf_counter()
    frame = readers.read_frame(source.read_bytes(), name=source.name, max_bytes=None)
    frame = frame.without_vectors()  # vectors already there are replaced, never read
    dataset = readers.from_frame(frame, text_column=args.text_column, max_rows=args.limit)
    for note in dataset.notes:
        say(f"note: {note}")
    if len(dataset) > CORPUS_MAX_PREPARED_ROWS:
        say(
            f"warning: {len(dataset):,} documents; the app's Corpus page opens only the first "
            f"{CORPUS_MAX_PREPARED_ROWS:,} of them (use --limit to choose fewer)."
        )
    folder = None if args.no_cache else Path(args.cache_dir or cache_dir()).expanduser()
    cache = DocumentCache(folder, batch_size=args.batch_size or embedding.default_batch_size(model))
    say(
        f"{dataset.describe()}; embedding with {model.name} on {device}, "
        f"{cache.batch_size:,} texts per batch, cache: {folder or 'none (--no-cache)'}"
    )
    bar = ProgressBar(rows=len(dataset))
    embed_started = time.perf_counter()
    try:
        vectors = embedding.embed(dataset, model=model, cache=cache, progress=bar)
    except KeyboardInterrupt:
        bar.close()
        if folder is None:
            say("interrupted: nothing was saved (--no-cache); run again to start over.")
        else:
            say(f"interrupted: {cache.embedded:,} texts embedded are cached; run again to resume.")
        return EXIT_INTERRUPTED
    bar.close()
    embed_seconds = time.perf_counter() - embed_started
    if cache.disk_error:
        say(f"warning: {cache.disk_error}")
    plain = replace(dataset, vectors=None, coords=None, model=None, method=None)
    write_parquet(out, plain, vectors=vectors, model=model.name, vector_dtype=args.vector_dtype)
    seconds = time.perf_counter() - started
    n, embedded = len(dataset), cache.embedded
    if embedded:
        rate = embedded / max(embed_seconds, 1e-9)
        how = f"{embedded:,} embedded ({rate:,.0f} rows/s on {device}), {n - embedded:,} cached"
    else:
        how = f"all {n:,} were cached"
    print(
        f"wrote {out}: {n:,} rows, {model.dim}-d vectors from {model.name}, "
        f"in {seconds:.1f} s ({n / max(seconds, 1e-9):,.0f} rows/s); {how}.",
        flush=True,
    )
    return 0


def _project(args: argparse.Namespace) -> int:
    if _engine(args) == "ray" or Path(args.input).expanduser().is_dir():
        from explorer.documents import ray_engine

        return ray_engine.run_project(args)
    from explorer.documents import readers
    from explorer.documents.writers import write_parquet
    from explorer.space.projection import compute_projection

    source = _input(args.input, (".parquet",), "project")
    stem = source.stem.removesuffix(".embeddings")
    out = _output(args.out, source.with_name(stem + ".parquet"), MAP_SUFFIX)
    frame = readers.read_frame(source.read_bytes(), name=source.name, max_bytes=None)
    if frame.vector_column is None:
        raise ValueError(
            f"“{source.name}” has no column of vectors (a list of numbers per row, e.g. "
            f"“embedding”); make one with `python -m explorer embed {args.input}`."
        )
    dataset = readers.from_frame(frame, text_column=args.text_column, max_rows=None)
    for note in dataset.notes:
        say(f"note: {note}")
    vectors = dataset.vectors
    if vectors is None:  # from_frame gives vectors whenever there is a vector column
        raise ValueError(f"“{source.name}” holds no vectors.")
    n = len(dataset)
    label = METHODS[args.method]
    if args.method == "tsne" and n > CORPUS_TSNE_MAX and not args.force:
        raise ValueError(
            f"t-SNE on {n:,} points would take many minutes (the limit is "
            f"{CORPUS_TSNE_MAX:,}); use --method umap, or --force to run it anyway."
        )
    metric = "" if args.method == "pca" else f" ({args.metric})"
    say(f"running {label} on {n:,} points{metric}…")
    bar = StageBar()
    started = time.perf_counter()
    try:
        projection = compute_projection(
            vectors,
            method=args.method,
            metric=args.metric,
            random_state=args.random_state,
            progress=bar,
        )
    finally:
        bar.close()
    say(f"{label} took {time.perf_counter() - started:.1f} s")
    if projection.notice:
        say(f"note: {projection.notice}")
    kept = replace(dataset, vectors=None) if args.no_vectors else dataset
    write_parquet(
        out, kept, coords=projection.coords, method=projection.method,
        vector_dtype=args.vector_dtype,
    )  # fmt: skip
    carried = "" if args.no_vectors else f" and {vectors.shape[1]}-d vectors"
    made = METHODS.get(projection.method, projection.method)
    print(f"wrote {out}: {n:,} points, x/y from {made}{carried}.", flush=True)
    return 0


def _engine(args: argparse.Namespace) -> str:
    if args.engine == "local" and (args.address or args.num_workers):
        raise ValueError("--address and --num-workers go with --engine ray.")
    if args.engine == "ray" and args.vector_dtype != "float32":
        raise ValueError("--vector-dtype float16 goes with --engine local (Ray writes float32).")
    return args.engine


def _scale_options(command: argparse.ArgumentParser, what: str) -> None:
    """--vector-dtype; --engine, --address, --num-workers (explorer.documents.ray_engine)."""
    command.add_argument(
        "--vector-dtype",
        choices=list(VECTOR_DTYPES),
        default="float32",
        help="how vectors are stored: float16 halves the file, each row's vector as its "
        "float16 bytes (the app reads them back as float32, fast; cosine distances move by "
        "about 0.001; in pandas: numpy.frombuffer(cell, '<f2')) (default: float32)",
    )
    engine = f"local: this process; ray: {what} on a Ray cluster (default: local)"
    command.add_argument("--engine", choices=["local", "ray"], default="local", help=engine)
    address = "Ray cluster to join, e.g. auto (after `ray start`); default: a local Ray"
    command.add_argument("--address", metavar="ADDR", help=address)
    workers = "Ray workers (default: one per CPU of the cluster, one per GPU on cuda)"
    command.add_argument("--num-workers", type=_positive, metavar="N", help=workers)


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m explorer`` parser, with the ``embed`` and ``project`` commands.

    Example:
        >>> build_parser().parse_args(["project", "in.parquet"]).method
        'umap'
    """
    parser = argparse.ArgumentParser(
        prog="python -m explorer",
        description="Embedding Explorer on the command line: prepare corpora of thousands\n"
        "to 100,000 texts (or more) ahead, for the app's Corpus page.",
        epilog=_EXAMPLES,
        formatter_class=_formatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    embed = commands.add_parser(
        "embed",
        help="embed a file of texts into a parquet file of vectors",
        description="Embed the texts of INPUT with a model and write them, their other\n"
        "columns and their vectors to a parquet file. Blank rows are skipped and\n"
        "duplicates merged, each with a note on stderr.",
        epilog=_EMBED_EXAMPLES,
        formatter_class=_formatter,
    )
    embed.add_argument(
        "input",
        metavar="INPUT",
        help=".txt (one document per line), .csv or .tsv (with a header row) or .parquet",
    )
    embed.add_argument(
        "--text-column",
        metavar="COL",
        help="column holding the documents (default: guessed, e.g. one named text)",
    )
    embed.add_argument(
        "--model",
        default="minilm",
        help="minilm, or a local sentence-transformers folder (default: minilm)",
    )
    embed.add_argument(
        "--out",
        metavar="OUT.parquet",
        help=f"file to write (default: INPUT's name with {EMBED_SUFFIX}, beside it)",
    )
    embed.add_argument(
        "--device",
        default="auto",
        help="auto, cpu, cuda, cuda:N or mps (default: auto, a GPU when torch sees one)",
    )
    embed.add_argument(
        "--batch-size",
        type=_positive,
        metavar="N",
        help=f"texts per model call and per cache file (default: {CORPUS_EMBED_BATCH} on "
        f"a CPU, {CORPUS_EMBED_BATCH_GPU} on a GPU)",
    )
    where = embed.add_mutually_exclusive_group()
    where.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"where embeddings are cached (default: ${SEARCH_CACHE_DIR_ENV}, else "
        f"{SEARCH_CACHE_DIR})",
    )
    where.add_argument(
        "--no-cache",
        action="store_true",
        help="cache nothing (an interrupted run then starts over)",
    )
    embed.add_argument(
        "--limit",
        type=_positive,
        metavar="N",
        help=f"embed only the first N documents (default: all; the app opens at most "
        f"{CORPUS_MAX_PREPARED_ROWS:,})",
    )
    _scale_options(embed, "INPUT is a file, folder or glob of shards, --out a folder")
    embed.set_defaults(run=_embed)

    project = commands.add_parser(
        "project",
        help="draw the 2-D map of a parquet file of vectors",
        description="Project the vectors of IN.parquet (written by `embed`, or any parquet\n"
        "with a column of vectors) to 2-D and write x and y beside the texts.",
        epilog=_PROJECT_EXAMPLES,
        formatter_class=_formatter,
    )
    project.add_argument(
        "input", metavar="IN.parquet", help="a parquet file with vectors, or a folder of shards"
    )
    project.add_argument(
        "--method",
        choices=list(METHODS),
        default="umap",
        help="projection (default: umap)",
    )
    project.add_argument(
        "--metric",
        choices=list(METRICS),
        default="cosine",
        help="distance UMAP and t-SNE keep; PCA ignores it (default: cosine)",
    )
    project.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="N",
        help="seed: the same seed gives the same map (default: 0)",
    )
    project.add_argument(
        "--out",
        metavar="OUT.parquet",
        help=f"file to write (default: IN's name without .embeddings, with {MAP_SUFFIX})",
    )
    project.add_argument(
        "--no-vectors",
        action="store_true",
        help="leave the vectors out of the output (smaller; the page then cannot search "
        "or list neighbours in the model's space)",
    )
    project.add_argument(
        "--text-column",
        metavar="COL",
        help="column holding the documents, for a parquet not written by `embed` "
        "(default: guessed)",
    )
    project.add_argument(
        "--force",
        action="store_true",
        help=f"run t-SNE above {CORPUS_TSNE_MAX:,} points anyway",
    )
    _scale_options(project, "PCA placed shard by shard")
    project.set_defaults(run=_project)
    return parser


def _one_line(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    return " ".join(str(error).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m explorer`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    Example:
        >>> main(["project", "no-such-file.parquet"])
        1
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0), or a usage error argparse has printed (2)
        return stop.code if isinstance(stop.code, int) else 0 if stop.code is None else EXIT_USAGE
    try:
        return args.run(args)
    except KeyboardInterrupt:
        say("interrupted.")
        return EXIT_INTERRUPTED
    except (ValueError, OSError) as error:
        say(f"error: {_one_line(error)}")
        return EXIT_DATA
