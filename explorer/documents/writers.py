"""Files a map's points and vectors are written to (no Streamlit, no figures here).

* :func:`points_csv` and :func:`distances_csv`: phrases with their map
  coordinates, and every pair's distance with the space it was measured in.
* :func:`projector_tsv` / :func:`projector_zip`: the TensorFlow Embedding
  Projector's ``vectors.tsv`` and ``metadata.tsv``. That format has no quoting,
  so tabs and line breaks inside a phrase are written as spaces.
* :class:`ExportFile`: one file offered for download, built only when asked for.

* :func:`write_parquet`: a corpus's texts, columns, vectors and map in one
  parquet file, which :func:`explorer.documents.readers.tables.read_frame` reads back.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import uuid
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from explorer.phrases import clean_phrase

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from explorer.documents.corpus import Corpus

HTML_MIME = "text/html"
CSV_MIME = "text/csv"
TSV_MIME = "text/tab-separated-values"
ZIP_MIME = "application/zip"
NPY_MIME = "application/octet-stream"

HTML_FILE = "embedding-map.html"
POINTS_CSV_FILE = "points.csv"
DISTANCES_CSV_FILE = "distances.csv"
VECTORS_TSV_FILE = "vectors.tsv"
METADATA_TSV_FILE = "metadata.tsv"
PROJECTOR_ZIP_FILE = "embedding-projector.zip"
PROJECTOR_URL = "https://projector.tensorflow.org/"

#: Column of the phrase in metadata.tsv (when it has a header) and points.csv.
PHRASE_COLUMN = "phrase"
#: Header columns an import takes the phrases from, first match wins.
PHRASE_COLUMNS = ("phrase", "text", "label", "sentence", "word", "name")
#: Columns of the parquet files :func:`write_parquet` writes.
TEXT_COLUMN = "text"
VECTOR_COLUMN = "embedding"
COORD_COLUMNS = ("x", "y")
#: How :func:`write_parquet` may store vectors (float16: half the size, read as float32).
VECTOR_DTYPES = ("float32", "float16")
#: Key of this app's metadata in a parquet file's key-value metadata, and its version.
METADATA_KEY = b"explorer"
FORMAT_VERSION = 1
#: The metadata's ``"vectors"`` for float16 vectors stored as each row's little-endian bytes
#: (``fixed_size_binary[2d]``): a list of float16 decoded in 3.4 s at 1,000,000 x 384, these
#: bytes in 0.2 s. In pandas: ``np.frombuffer(b"".join(df.embedding), "<f2").reshape(n, d)``.
HALF_BYTES = "float16-bytes"

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same export gives the same bytes
_TSV_BREAKS = re.compile(r"[\t\r\n]")
# A spreadsheet runs a cell starting with one of these as a formula; a quote
# in front makes it text. Cells already starting with quotes get one more, so
# reading strips exactly one and the round trip is exact.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")


@dataclass(frozen=True)
class ExportFile:
    """One file to offer for download, built only when asked for.

    Attributes:
        key: short id, e.g. ``"html"`` (for a widget key).
        label: what a button says, e.g. ``"Interactive map (HTML)"``.
        file_name: suggested file name.
        mime: MIME type.
        help: one sentence on what the file is for.
        build: makes the file's bytes.
    """

    key: str
    label: str
    file_name: str
    mime: str
    help: str
    build: Callable[[], bytes]


def guard(text: str) -> str:
    """A cell a spreadsheet shows as text: a ``'`` before one that starts like a formula.

    Example:
        >>> guard("=1+1"), unguard(guard("=1+1")), guard("plain")
        ("'=1+1", '=1+1', 'plain')
    """
    return "'" + text if _FORMULA.match(text) else text


def unguard(text: str) -> str:
    """The cell :func:`guard` was given."""
    return text[1:] if _GUARDED.match(text) else text


def to_float32(array: NDArray, what: str) -> NDArray[np.float32]:
    """``array`` as float32, refusing values too large for it (``what`` names them)."""
    with np.errstate(over="ignore"):
        result = array.astype(np.float32)
    if not np.isfinite(result).all():
        raise ValueError(f"{what}: some values are too large for float32 (beyond ±3.4e38).")
    return result


def _check_phrases(phrases: Sequence[str], rows: int, what: str) -> list[str]:
    if isinstance(phrases, str):
        raise ValueError("Give phrases as a list of strings, e.g. ['a cat', 'a dog'].")
    phrases = list(phrases)
    if len(phrases) != rows:
        raise ValueError(f"Got {len(phrases)} phrases but {rows} rows of {what}; give one each.")
    return phrases


def _finite_matrix(values: NDArray, what: str, *, columns: int | None = None) -> NDArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2 or (columns is not None and array.shape[1] != columns):
        want = f"(phrases, {columns})" if columns else "(phrases, dimensions)"
        raise ValueError(f"Expected {what} of shape {want}, got shape {array.shape}.")
    if not np.isfinite(array).all():
        raise ValueError(f"The {what} contain NaN or infinite values; they cannot be exported.")
    return array


def _csv_text(rows: list[list[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def points_csv(phrases: Sequence[str], coords: NDArray, *, guard_formulas: bool = True) -> str:
    """A CSV of phrases and their 2-D map coordinates: columns ``phrase, x, y``.

    Written with the ``csv`` module, so commas, quotes and line breaks in a
    phrase are quoted. Numbers are written in full (they read back exactly).

    Args:
        phrases: the phrases, in order.
        coords: ``(n, 2)`` coordinates.
        guard_formulas: put a ``'`` before a phrase starting with ``= + - @``
            (or with quotes then one of these), so a spreadsheet shows it as
            text instead of running it; :func:`read_points_csv` takes it off.

    Example:
        >>> print(points_csv(["a, b", "=1+1"], [[0.5, 1], [-1, 0]]), end="")
        phrase,x,y
        "a, b",0.5,1.0
        '=1+1,-1.0,0.0
    """
    array = _finite_matrix(coords, "coordinates", columns=2)
    phrases = _check_phrases(phrases, len(array), "coordinates")
    rows: list[list[object]] = [[PHRASE_COLUMN, "x", "y"]]
    for phrase, (x, y) in zip(phrases, array.tolist(), strict=True):
        rows.append([guard(phrase) if guard_formulas else phrase, x, y])
    return _csv_text(rows)


def distances_csv(
    phrases: Sequence[str],
    true_distances: NDArray,
    *,
    space: str,
    map_distances: NDArray | None = None,
    guard_formulas: bool = True,
) -> str:
    """A CSV of every pair's distance, one row per pair, in input order.

    Columns: ``phrase_a, phrase_b, distance, measured_in`` (``measured_in``
    says where, e.g. "cosine distance in all 384 dimensions"), plus
    ``distance_drawn_2d`` (Euclidean, between the points as drawn) when
    ``map_distances`` is given.

    Example:
        >>> print(distances_csv(["a", "b"], [[0, 2.5], [2.5, 0]], space="on the plane"), end="")
        phrase_a,phrase_b,distance,measured_in
        a,b,2.5,on the plane
    """
    matrix = _finite_matrix(true_distances, "distances")
    n = len(matrix)
    if matrix.shape != (n, n):
        raise ValueError(f"Expected an (n, n) distance matrix, got shape {matrix.shape}.")
    phrases = _check_phrases(phrases, n, "distances")
    drawn = None
    if map_distances is not None:
        drawn = _finite_matrix(map_distances, "distances as drawn")
        if drawn.shape != matrix.shape:
            raise ValueError(
                f"Distances as drawn have shape {drawn.shape}, true distances {matrix.shape}."
            )
    header = ["phrase_a", "phrase_b", "distance", "measured_in"]
    rows: list[list[object]] = [header + (["distance_drawn_2d"] if drawn is not None else [])]
    cells = [guard(p) if guard_formulas else p for p in phrases]
    for i in range(n):
        for j in range(i + 1, n):
            row: list[object] = [cells[i], cells[j], float(matrix[i, j]), space]
            if drawn is not None:
                row.append(float(drawn[i, j]))
            rows.append(row)
    return _csv_text(rows)


def projector_cell(text: str) -> str:
    """Text as one Projector TSV cell: tabs and line breaks become spaces.

    The format has no quoting: a tab would split the cell, a line break the row.

    Example:
        >>> projector_cell("two\\tcolumns\\r\\nand lines")
        'two columns  and lines'
    """
    return _TSV_BREAKS.sub(" ", str(text))


def projector_tsv(
    vectors: NDArray,
    phrases: Sequence[str],
    *,
    extra_columns: Mapping[str, Sequence[object]] | None = None,
) -> tuple[str, str]:
    """The Embedding Projector's two files: ``(vectors.tsv, metadata.tsv)``.

    ``vectors.tsv``: one vector per line, values tab-separated, no header;
    9 significant digits, so float32 values read back exactly.
    ``metadata.tsv``: the phrases, one per line, no header; with
    ``extra_columns`` (name -> one value per phrase) a header row
    ``phrase<TAB>name...`` comes first, as the Projector expects when there is
    more than one column. Tabs and line breaks in cells become spaces.

    Raises:
        ValueError: counts differ, fewer than 2 dimensions (the Projector needs
            2), NaN or infinite values, or a blank phrase (the Projector skips
            blank lines, which would misalign the rows).

    Example:
        >>> vectors, metadata = projector_tsv([[0.5, -1.0], [0.25, 2.0]], ["a\\tb", "c"])
        >>> vectors.split("\\n")
        ['0.5\\t-1', '0.25\\t2', '']
        >>> metadata.split("\\n")
        ['a b', 'c', '']
    """
    array = _finite_matrix(vectors, "vectors")
    phrases = _check_phrases(phrases, len(array), "vectors")
    if array.shape[0] == 0:
        raise ValueError("No vectors to export; give at least one phrase.")
    if array.shape[1] < 2:
        raise ValueError(
            f"The Embedding Projector needs vectors of at least 2 dimensions, got {array.shape[1]}."
        )
    cells = [projector_cell(p) for p in phrases]
    for i, cell in enumerate(cells):
        if not clean_phrase(cell):
            raise ValueError(
                f"Phrase {i + 1} is blank; the Projector skips blank lines, which would "
                "pair vectors with the wrong phrases. Remove it before exporting."
            )
    single = to_float32(array, "The vectors")
    vector_lines = ["\t".join(f"{v:.9g}" for v in row) for row in single]
    columns = {name: list(values) for name, values in (extra_columns or {}).items()}
    if not columns:
        return "\n".join(vector_lines) + "\n", "\n".join(cells) + "\n"
    header = [PHRASE_COLUMN]
    for name, values in columns.items():
        title = projector_cell(name).strip()
        if not title or title in header:
            raise ValueError(
                f"Metadata column {name!r} needs a name that is not blank and not repeated "
                f"(taken: {', '.join(header)})."
            )
        if len(values) != len(cells):
            raise ValueError(
                f"Metadata column {title!r} has {len(values)} values, for {len(cells)} phrases."
            )
        header.append(title)
    rows = ["\t".join(header)]
    for cell, *values in zip(cells, *columns.values(), strict=True):
        rows.append("\t".join([cell, *(projector_cell(v) for v in values)]))
    return "\n".join(vector_lines) + "\n", "\n".join(rows) + "\n"


_PROJECTOR_README = f"""Open these points in the TensorFlow Embedding Projector
==========================================================

1. Go to {PROJECTOR_URL}
2. Click "Load" (left panel).
3. Step 1, "Load a TSV file of vectors": choose {VECTORS_TSV_FILE}.
4. Step 2, "Load a TSV file of metadata": choose {METADATA_TSV_FILE}.

{VECTORS_TSV_FILE}: one vector per line, values separated by tabs, no header.
{METADATA_TSV_FILE}: the phrase of each vector, one per line, in the same order
(a header row only when there is more than one column). The format has no
quoting, so tabs and line breaks inside a phrase were written as spaces.

Made by Embedding Explorer; its import reads this zip back.
"""


def _zip(files: Mapping[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = content.encode("utf-8") if isinstance(content, str) else content
            archive.writestr(info, data)
    return out.getvalue()


def projector_zip(
    vectors: NDArray,
    phrases: Sequence[str],
    *,
    extra_columns: Mapping[str, Sequence[object]] | None = None,
) -> bytes:
    """A zip of ``vectors.tsv``, ``metadata.tsv`` and a README saying how to load them.

    The same input gives the same bytes (fixed file dates).

    Example:
        >>> data = projector_zip([[1.0, 0.0], [0.0, 1.0]], ["cat", "dog"])
        >>> sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())
        ['README.txt', 'metadata.tsv', 'vectors.tsv']
    """
    vectors_tsv, metadata_tsv = projector_tsv(vectors, phrases, extra_columns=extra_columns)
    return _zip(
        {
            VECTORS_TSV_FILE: vectors_tsv,
            METADATA_TSV_FILE: metadata_tsv,
            "README.txt": _PROJECTOR_README,
        }
    )


def _arrow_column(values: pd.Series) -> pa.Array:
    """A column as arrow; cells arrow cannot type (mixed objects) are written as text."""
    import pyarrow as pa

    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pa.array(
            [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in values],
            type=pa.string(),
        )


def write_parquet(
    path: str | os.PathLike[str],
    corpus: Corpus,
    *,
    vectors: NDArray | None = None,
    coords: NDArray | None = None,
    model: str | None = None,
    method: str | None = None,
    vector_dtype: str = "float32",
) -> None:
    """Write texts, other columns, vectors and map to one parquet file, atomically.

    Columns: ``text``, the extra columns (renamed “name (2)” where they would
    clash), ``embedding`` (``fixed_size_list<float32>[d]``; with ``vector_dtype="float16"``
    each row's bytes, see ``HALF_BYTES``) when there are vectors, ``x`` and ``y`` when
    there is a map. The key-value metadata ``explorer`` holds JSON ``{"model", "dim",
    "method", "rows", "version"}`` (and ``"vectors": HALF_BYTES`` with float16).

    Args:
        path: the file to write (a temporary file beside it is renamed into place).
        corpus: the texts and extra columns.
        vectors, model: ``(n, d)`` embeddings and the model that made them;
            ``None`` takes ``corpus.vectors`` and ``corpus.model``.
        coords, method: ``(n, 2)`` map and the method that made it; ``None``
            takes ``corpus.coords`` and ``corpus.method``.
        vector_dtype: ``"float32"`` or ``"float16"`` (``VECTOR_DTYPES``); float16 keeps
            about 3 significant digits, which moves cosine distances by about 0.001.

    Raises:
        ValueError: vectors or coordinates that are not one row per text.

    Example:
        >>> import tempfile
        >>> from explorer.documents.corpus import Corpus
        >>> from explorer.documents.readers import load_file
        >>> corpus = Corpus(("a", "b"), topics=("x", "y"), source="pasted text")
        >>> path = Path(tempfile.mkdtemp()) / "out.parquet"
        >>> write_parquet(path, corpus, vectors=np.eye(2, dtype=np.float32), model="minilm")
        >>> back = load_file(path.read_bytes(), name=path.name)
        >>> back.model, back.vectors.tolist(), back.extra["topic"].tolist()
        ('minilm', [[1.0, 0.0], [0.0, 1.0]], ['x', 'y'])
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if vector_dtype not in VECTOR_DTYPES:
        raise ValueError(
            f"vector_dtype={vector_dtype!r} is not one of {', '.join(VECTOR_DTYPES)}; "
            "float16 halves the file (a million 384-d vectors: 0.77 GB instead of 1.5)."
        )
    n = len(corpus.texts)
    if vectors is None:
        vectors, model = corpus.vectors, model or corpus.model
    if coords is None:
        coords, method = corpus.coords, method or corpus.method
    if len(corpus.extra) != n:
        raise ValueError(
            f"Expected one row of extra columns per text: {n:,} texts, {len(corpus.extra):,} rows."
        )
    arrays: dict[str, pa.Array] = {TEXT_COLUMN: pa.array(corpus.texts, type=pa.large_string())}
    taken = {TEXT_COLUMN, VECTOR_COLUMN, *COORD_COLUMNS}
    for name in corpus.extra.columns:
        column, k = str(name), 2
        while column in taken:
            column, k = f"{name} ({k})", k + 1
        taken.add(column)
        arrays[column] = _arrow_column(corpus.extra[name].reset_index(drop=True))
    dim = None
    if vectors is not None:
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or len(matrix) != n:
            raise ValueError(
                f"Expected one vector per text: {n:,} texts, vectors of shape {matrix.shape}."
            )
        dim = int(matrix.shape[1])
        flat = matrix.reshape(-1)
        if vector_dtype == "float16":  # one cell of raw float16 bytes per row: see HALF_BYTES
            with np.errstate(over="ignore"):
                flat = flat.astype("<f2")
            if not np.isfinite(flat).all():
                raise ValueError(
                    "Some vector values are beyond float16's ±65,504; write them as float32."
                )
            cells = pa.Array.from_buffers(pa.binary(2 * dim), n, [None, pa.py_buffer(flat)])
        else:
            cells = pa.FixedSizeListArray.from_arrays(pa.array(flat), dim)
        arrays[VECTOR_COLUMN] = cells
    if coords is not None:
        points = np.asarray(coords, dtype=np.float64)
        if points.shape != (n, 2):
            raise ValueError(
                f"Expected one (x, y) point per text: {n:,} texts, coordinates of shape "
                f"{points.shape}."
            )
        arrays[COORD_COLUMNS[0]] = pa.array(points[:, 0])
        arrays[COORD_COLUMNS[1]] = pa.array(points[:, 1])
    metadata = {
        "model": model,
        "dim": dim,
        "method": method if coords is not None else None,
        "rows": n,
        "version": FORMAT_VERSION,
    }
    if vectors is not None and vector_dtype == "float16":
        metadata["vectors"] = HALF_BYTES
    table = pa.table(arrays).replace_schema_metadata({METADATA_KEY: json.dumps(metadata).encode()})
    final = Path(path)
    partial = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        # Dictionaries and compression help text and labels; on 100,000 vectors
        # they only slow reading down (random floats neither repeat nor compress).
        plain = [VECTOR_COLUMN, *COORD_COLUMNS]
        pq.write_table(
            table,
            partial,
            use_dictionary=[c for c in table.column_names if c not in plain],
            compression={c: "none" if c in plain else "snappy" for c in table.column_names},
        )
        os.replace(partial, final)  # atomic: a reader never sees half a file
    finally:
        partial.unlink(missing_ok=True)


def parquet_bytes(corpus: Corpus, **columns: object) -> bytes:
    """What :func:`write_parquet` writes, as bytes (for a download button).

    ``columns`` are :func:`write_parquet`'s ``vectors``, ``coords``, ``model``
    and ``method``.
    """
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.parquet"
        write_parquet(path, corpus, **columns)  # type: ignore[arg-type]
        return path.read_bytes()
