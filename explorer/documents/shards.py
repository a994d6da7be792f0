"""Folders of parquet shards: one input shard in, one output shard out, in name order.

``python -m explorer embed INPUT --engine ray`` writes a folder of shards (see
:mod:`explorer.documents.ray_engine`); this module holds what does not need Ray:
finding the shards of an input (a file, a folder or a glob), naming their
outputs, embedding one shard, reading a folder back for the Corpus page
(:func:`read_shards`) and projecting a folder shard by shard.

Every output shard is written under a temporary name and renamed into place
(:func:`explorer.documents.writers.write_parquet`), so a shard is either there
completely or not at all: a rerun skips shards already written.
"""

from __future__ import annotations

import glob
import io
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from explorer.config import SHARDS_PCA_SAMPLE
from explorer.documents import embed as embedding
from explorer.documents import readers
from explorer.documents.readers.parquet import half_bytes_width
from explorer.documents.readers.tables import FRAME_TYPES
from explorer.documents.readers.text import CORPUS_ROWS, RowCap, corpus_max_rows
from explorer.documents.writers import METADATA_KEY, VECTOR_COLUMN, write_parquet

if TYPE_CHECKING:
    from explorer.documents.corpus import Corpus
    from explorer.documents.readers import Frame
    from explorer.models import Embedder
    from explorer.space.projection import Projection

#: Files a folder or glob of shards may hold (others are not shards and are skipped).
SHARD_TYPES = FRAME_TYPES
#: How a temporary shard is named while it is written (removed when a run starts).
PARTIAL_GLOB = ".*.partial"


@dataclass(frozen=True)
class Shard:
    """One input file and the output file it becomes.

    Attributes:
        path: where to read it: a local path, or a URI pyarrow opens (``s3://…``).
        out_name: the output shard's file name, ``STEM.parquet``.
    """

    path: str
    out_name: str

    @property
    def name(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]


def _is_uri(source: str) -> bool:
    return "://" in source and not source.startswith("file://")


def _local_files(source: str) -> list[str]:
    path = Path(source.removeprefix("file://")).expanduser()
    if any(ch in source for ch in "*?["):
        found = sorted(glob.glob(str(path)))
        if not found:
            raise ValueError(f"{source} matches no file; give a file, a folder or a glob.")
        return [f for f in found if Path(f).is_file()]
    if path.is_dir():
        return sorted(str(p) for p in path.iterdir() if p.is_file())
    if not path.exists():
        raise ValueError(f"{source} does not exist; give a file, a folder or a glob of shards.")
    return [str(path)]


def _remote_files(source: str) -> list[str]:
    from pyarrow import fs

    filesystem, root = fs.FileSystem.from_uri(source)
    info = filesystem.get_file_info(root)
    scheme = source.split("://", 1)[0]
    if info.type == fs.FileType.Directory:
        found = filesystem.get_file_info(fs.FileSelector(root))
        names = sorted(f.path for f in found if f.type == fs.FileType.File)
        return [f"{scheme}://{name}" for name in names]
    if info.type == fs.FileType.File:
        return [source]
    raise ValueError(f"{source} does not exist; give a file or a folder of shards.")


def list_shards(source: str) -> list[Shard]:
    """The shards of ``source`` (a file, a folder or a glob), in the order of their names.

    Files that are not ``.txt``, ``.csv``, ``.tsv`` or ``.parquet`` (or start with
    a dot) are skipped. Each becomes ``STEM.parquet``; two inputs with one stem
    (``a.csv`` and ``a.parquet``) are refused.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> for name in ("part-1.csv", "part-0.csv", "notes.md"):
        ...     _ = (folder / name).write_text("text\\nhello\\n")
        >>> [s.out_name for s in list_shards(str(folder))]
        ['part-0.parquet', 'part-1.parquet']
    """
    files = _remote_files(source) if _is_uri(source) else _local_files(source)
    shards: dict[str, Shard] = {}
    for file in files:
        name = file.rstrip("/").rsplit("/", 1)[-1]
        stem, dot, suffix = name.rpartition(".")
        if name.startswith(".") or not dot or f".{suffix.lower()}" not in SHARD_TYPES:
            continue
        out_name = f"{stem}.parquet"
        if out_name in shards:
            raise ValueError(
                f"{shards[out_name].name} and {name} would both be written to {out_name}; "
                "rename one of them (each shard needs its own stem)."
            )
        shards[out_name] = Shard(file, out_name)
    if not shards:
        allowed = ", ".join(SHARD_TYPES)
        raise ValueError(f"{source} holds no shards: no {allowed} file. Give a folder of them.")
    return [shards[name] for name in sorted(shards)]


def read_shard(shard: Shard) -> Frame:
    """One input shard as a :class:`~explorer.documents.readers.Frame`, any size.

    Vectors it already holds are dropped: ``embed`` replaces them.
    """
    if _is_uri(shard.path):
        from pyarrow import fs

        filesystem, where = fs.FileSystem.from_uri(shard.path)
        with filesystem.open_input_file(where) as file:
            data = file.read()
    else:
        data = Path(shard.path.removeprefix("file://")).read_bytes()
    frame = readers.read_frame(data, name=shard.name, max_bytes=None)
    return frame.without_vectors()


def guess_text_column(shards: Sequence[Shard]) -> str:
    """The text column of the first readable shard, given to every shard (guesses could differ)."""
    problem = None
    for shard in shards:
        try:
            frame = read_shard(shard)
        except ValueError as error:  # unreadable: the worker names it; try the next one
            problem = problem or error
            continue
        if frame.text_guess is None:
            columns = ", ".join(map(str, frame.data.columns))
            raise ValueError(
                f"{shard.name} has no text column (its columns: {columns}); "
                "name it with --text-column."
            )
        return frame.text_guess
    raise ValueError(f"No shard can be read, e.g. {problem}")


def clear_partials(out: Path) -> int:
    """Remove half-written shards a killed run left in ``out``; how many there were."""
    found = list(out.glob(PARTIAL_GLOB))
    for partial in found:
        partial.unlink(missing_ok=True)
    return len(found)


@dataclass(frozen=True)
class ShardResult:
    """What became of one shard: ``rows`` written, or an ``error`` naming it."""

    shard: str
    rows: int = 0
    notes: tuple[str, ...] = ()
    error: str = ""
    seconds: float = 0.0
    model: str = ""
    dim: int = 0


def embed_shard(
    shard: Shard, *, out: Path, model: Embedder, text_column: str, batch_size: int | None = None
) -> ShardResult:
    """Embed one shard as ``embed`` embeds a file, and write ``out / shard.out_name``.

    Blank rows are left out and duplicates merged, each with a note naming the
    shard and rows. A problem with the shard (unreadable, no such column) is
    returned as ``error``, not raised: the other shards go on.

    Example:
        >>> import tempfile
        >>> from explorer.models import load_model
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.csv").write_text("text\\nhello\\n\\nworld\\n")
        >>> result = embed_shard(Shard(str(folder / "a.csv"), "a.parquet"), out=folder,
        ...                      model=load_model("toy"), text_column="text")
        >>> result.rows, result.error
        (2, '')
    """
    import pyarrow as pa

    from explorer.models.doc_cache import DocumentCache

    started = time.perf_counter()
    try:
        dataset = readers.from_frame(read_shard(shard), text_column=text_column, max_rows=None)
        size = batch_size or embedding.default_batch_size(model)
        vectors = embedding.embed(dataset, model=model, cache=DocumentCache(None, batch_size=size))
        plain = replace(dataset, vectors=None, coords=None, model=None, method=None)
        write_parquet(out / shard.out_name, plain, vectors=vectors, model=model.name)
    except (ValueError, OSError, pa.ArrowException) as error:
        message = " ".join(str(error).split())
        return ShardResult(
            shard.name, error=message if shard.name in message else f"{shard.name}: {message}"
        )
    return ShardResult(
        shard.name,
        rows=len(dataset),
        notes=dataset.notes,
        seconds=time.perf_counter() - started,
        model=model.name,
        dim=model.dim,
    )


# --- Reading a folder back ---------------------------------------------------------


def is_shard_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding parquet shards (``embed --engine ray``'s output)."""
    folder = Path(path)
    return folder.is_dir() and any(p.suffix == ".parquet" for p in folder.iterdir())


def output_shards(folder: str | Path) -> list[Path]:
    """The parquet shards of a folder, in name order (which is the input's row order)."""
    found = sorted(p for p in Path(folder).glob("*.parquet") if not p.name.startswith("."))
    if not found:
        raise ValueError(
            f"{folder} holds no .parquet shards; make them with "
            "`python -m explorer embed INPUT --engine ray --out FOLDER`."
        )
    return found


def read_shards(folder: str | Path, *, max_rows: int | None | RowCap = CORPUS_ROWS) -> Frame:
    """A folder of shards as one :class:`~explorer.documents.readers.Frame`, as for one file.

    Shards are read in name order until ``max_rows`` rows are in (the last one
    cut; ``CORPUS_ROWS``: ``CORPUS_MAX_PREPARED_ROWS`` when they hold vectors);
    ``frame.metadata`` is the first shard's, with ``rows`` (rows read),
    ``total_rows`` (rows in all shards, from their footers) and ``shards``.

    Example:
        >>> import tempfile, pandas as pd
        >>> from explorer.documents.corpus import Corpus
        >>> folder = Path(tempfile.mkdtemp())
        >>> for i in range(3):
        ...     data = Corpus((f"doc {i}a", f"doc {i}b"), pd.DataFrame(index=range(2)))
        ...     write_parquet(folder / f"part-{i}.parquet", data,
        ...                      vectors=np.full((2, 3), i, np.float32), model="toy")
        >>> frame = read_shards(folder, max_rows=5)
        >>> frame.data["text"].tolist(), frame.metadata["total_rows"]
        (['doc 0a', 'doc 0b', 'doc 1a', 'doc 1b', 'doc 2a'], 6)
        >>> readers.from_frame(frame).vectors.shape
        (5, 3)
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = output_shards(folder)
    total = sum(pq.ParquetFile(p).metadata.num_rows for p in paths)
    first_schema = pq.ParquetFile(paths[0]).schema_arrow
    declared = json.loads((first_schema.metadata or {}).get(METADATA_KEY, b"{}") or b"{}")
    prepared = any(pa.types.is_list(f.type) or pa.types.is_fixed_size_list(f.type)
                   or half_bytes_width(f, declared) for f in first_schema)  # fmt: skip
    max_rows = corpus_max_rows(max_rows, prepared=prepared)
    tables: list[pa.Table] = []
    rows = 0
    for path in paths:
        if max_rows is not None and rows >= max_rows:
            break
        try:
            table = pq.read_table(path)
        except (pa.ArrowException, OSError) as error:
            raise ValueError(f"Shard {path.name} of {folder} cannot be read ({error}).") from None
        if max_rows is not None:
            table = table.slice(0, max_rows - rows)
        tables.append(table)
        rows += table.num_rows
    first = tables[0].schema.metadata or {}
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
    except pa.ArrowException as error:
        raise ValueError(
            f"The shards of {folder} do not share their columns ({error}); they must come "
            "from one `embed` run."
        ) from None
    metadata = json.loads(first.get(METADATA_KEY, b"{}") or b"{}")
    metadata.update(rows=rows, total_rows=total, shards=len(paths))
    table = table.replace_schema_metadata({METADATA_KEY: json.dumps(metadata).encode()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="none")
    name = Path(folder).name or str(folder)
    frame = readers.read_frame(buffer.getvalue(), name=f"{name}.parquet", max_bytes=None)
    return replace(frame, name=name)


# --- Projecting a folder --------------------------------------------------------------


def shard_vectors(path: Path, *, rows: Sequence[int] | None = None) -> NDArray[np.float32]:
    """The ``embedding`` column of one shard (only ``rows`` of it, if given), ``(n, d)``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        column = pq.read_table(path, columns=[VECTOR_COLUMN]).column(0)
    except (pa.ArrowException, OSError, KeyError) as error:
        raise ValueError(
            f"Shard {path.name} has no readable “{VECTOR_COLUMN}” column ({error}); "
            "make the shards with `python -m explorer embed INPUT --engine ray`."
        ) from None
    if rows is not None:
        column = column.take(pa.array(rows, type=pa.int64()))
    flat = column.combine_chunks().flatten().to_numpy(zero_copy_only=False)
    n = len(column)
    return np.asarray(flat, dtype=np.float32).reshape(n, -1 if n else 0)


def fit_pca_sample(
    paths: Sequence[Path], *, random_state: int = 0, sample: int = SHARDS_PCA_SAMPLE
) -> tuple[Projection, int]:
    """PCA fitted on a seeded sample of up to ``sample`` rows of all shards; and its size.

    With no more rows than ``sample``, every row is used: the same map as the
    PCA of one file holding them all.
    """
    import pyarrow.parquet as pq

    from explorer.space.projection import compute_projection

    counts = np.array([pq.ParquetFile(p).metadata.num_rows for p in paths], dtype=np.int64)
    total = int(counts.sum())
    chosen = np.arange(total)
    if total > sample:
        chosen = np.sort(np.random.default_rng(random_state).choice(total, sample, replace=False))
    starts = np.concatenate([[0], np.cumsum(counts)])
    parts = []
    for k, path in enumerate(paths):
        inside = chosen[(chosen >= starts[k]) & (chosen < starts[k + 1])] - starts[k]
        if len(inside):
            parts.append(shard_vectors(path, rows=inside.tolist()))
    return compute_projection(np.concatenate(parts), method="pca"), len(chosen)


def project_shard(
    path: Path,
    *,
    out: Path,
    coords: NDArray | Projection,
    method: str,
    text_column: str | None = None,
    keep_vectors: bool = True,
) -> int:
    """Write one shard with x and y (given, or placed by a fitted PCA) to ``out / path.name``."""
    dataset = _shard_dataset(path, text_column)
    if not isinstance(coords, np.ndarray):
        coords = coords.transform(dataset.vectors)
    kept = dataset if keep_vectors else replace(dataset, vectors=None)
    write_parquet(out / path.name, kept, coords=coords, method=method)
    return len(dataset)


def _shard_dataset(path: Path, text_column: str | None) -> Corpus:
    frame = readers.read_frame(path.read_bytes(), name=path.name, max_bytes=None)
    if frame.vector_column is None:
        raise ValueError(f"Shard {path.name} has no column of vectors; embed it first.")
    return readers.from_frame(frame, text_column=text_column, max_rows=None)


def all_vectors(paths: Sequence[Path], *, text_column: str | None = None) -> list[NDArray]:
    """Every shard's vectors (as ``project`` reads them, duplicates merged), shard by shard."""
    return [_shard_dataset(p, text_column).vectors for p in paths]
