"""Import vectors computed elsewhere (no Streamlit here).

:func:`read_uploads` picks the reader from the file names:

* :func:`read_projector`: ``vectors.tsv`` with an optional ``metadata.tsv``,
  read by the Projector's own rules (also from inside the exported zip).
* :func:`read_npy`: a ``.npy`` array (never unpickled) and a phrases file.
* :func:`read_points_csv`: a ``points.csv`` as exported (2-D points).

Every reader checks size, shape, numbers and encoding, and raises
``ValueError`` saying what is wrong and what to do. The result, an
:class:`Imported`, gives an :class:`~explorer.models.imported.ImportedEmbedder`:
a model that returns the stored vectors, so
``build_scene(phrases, model=imported.embedder())`` explores them without re-embedding.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from explorer.config import IMPORT_MAX_BYTES, IMPORT_MAX_DIM, IMPORT_MAX_ROWS, LABEL_CHARS
from explorer.documents.writers import (
    METADATA_TSV_FILE,
    PHRASE_COLUMN,
    PHRASE_COLUMNS,
    POINTS_CSV_FILE,
    VECTORS_TSV_FILE,
    _to_float32,
    _unguard,
)
from explorer.models.imported import ImportedEmbedder
from explorer.phrases import clean_phrase, distinct, shorten

#: File suffixes :func:`read_uploads` accepts.
IMPORT_SUFFIXES = (".tsv", ".txt", ".npy", ".csv", ".zip")
_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Imported:
    """Phrases and their vectors read from files.

    Attributes:
        phrases: distinct, non-blank phrases, one line each, in file order.
        vectors: ``(n, dim)`` float32, row ``i`` belongs to ``phrases[i]``.
        notes: sentences for the user: what was skipped, merged or assumed.
        columns: other metadata columns, name -> one value per phrase.
        source: the file names read, for messages and the model's name.
    """

    phrases: list[str]
    vectors: NDArray[np.float32]
    notes: list[str] = field(default_factory=list)
    columns: dict[str, list[str]] = field(default_factory=dict)
    source: str = "imported"

    @property
    def dim(self) -> int:
        """Dimensions of each vector."""
        return int(self.vectors.shape[1])

    def embedder(self, *, name: str | None = None) -> ImportedEmbedder:
        """A model that gives these vectors for these phrases (for ``build_scene``)."""
        return ImportedEmbedder(self.phrases, self.vectors, name=name or f"imported: {self.source}")


def _size(count: int) -> str:
    if count >= 2**20:
        return f"{count / 2**20:.1f} MB"
    return f"{count / 2**10:.1f} KB" if count >= 2**10 else f"{count} bytes"


class _Configured:
    """The default of a reader's limits: the module's constant, read when the reader runs."""

    def __repr__(self) -> str:
        return "CONFIGURED"


#: ``max_rows=CONFIGURED`` means ``IMPORT_MAX_ROWS``, ``max_bytes=CONFIGURED`` ``IMPORT_MAX_BYTES``.
CONFIGURED = _Configured()


def _limits(
    max_rows: int | None | _Configured, max_bytes: int | _Configured
) -> tuple[int | None, int]:
    rows = IMPORT_MAX_ROWS if isinstance(max_rows, _Configured) else max_rows
    size = IMPORT_MAX_BYTES if isinstance(max_bytes, _Configured) else max_bytes
    return rows, size


def _check_size(size: int, what: str, max_bytes: int, max_rows: int | None) -> None:
    if size > max_bytes:
        fewer = f" (at most {max_rows:,})" if max_rows is not None else ""
        raise ValueError(
            f"{what} is {_size(size)}; the limit is {_size(max_bytes)}. Export fewer rows{fewer}."
        )


def _decode(data: bytes | str, what: str, max_bytes: int, max_rows: int | None) -> str:
    if isinstance(data, str):
        _check_size(len(data), what, max_bytes, max_rows)
        text = data.removeprefix("\ufeff")
    else:
        data = bytes(data)
        _check_size(len(data), what, max_bytes, max_rows)
        if data.startswith((_NPY_MAGIC, _ZIP_MAGIC)) or b"\x00" in data[:4096]:
            raise ValueError(
                f"{what} is a binary file, not text; give a .tsv, .txt or .csv "
                "(a .npy goes with a phrases file, a .zip is read as a whole)."
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValueError(
                f"{what} is not UTF-8 text (byte 0x{data[error.start]:02x} at position "
                f"{error.start:,}); save it as UTF-8 and upload it again."
            ) from None
    if not text.strip():
        raise ValueError(f"{what} is empty.")
    return text


def _lines(text: str) -> list[tuple[int, str]]:
    # The Projector splits on "\n" and skips blank lines; "\r" of Windows files goes too.
    lines = [(n, line.removesuffix("\r")) for n, line in enumerate(text.split("\n"), start=1)]
    return [(n, line) for n, line in lines if line.strip()]


def _check_rows(count: int, what: str, max_rows: int | None) -> None:
    if max_rows is not None and count > max_rows:
        raise ValueError(
            f"{what} has {count:,} rows; the limit is {max_rows:,}. "
            "Keep the first ones and import again."
        )


def _check_shape(rows: int, dim: int, what: str, max_rows: int | None) -> None:
    if rows == 0:
        raise ValueError(f"{what} holds no vectors.")
    _check_rows(rows, what, max_rows)
    if dim < 2:
        raise ValueError(
            f"{what} has vectors of {dim} dimension{'s' if dim != 1 else ''}; "
            "at least 2 are needed."
        )
    if dim > IMPORT_MAX_DIM:
        raise ValueError(f"{what} has {dim:,} dimensions; the limit is {IMPORT_MAX_DIM:,}.")


def _finite_rows(array: NDArray, what: str, line_numbers: Sequence[int] | None = None) -> None:
    bad = np.argwhere(~np.isfinite(array))
    if len(bad):
        row, column = (int(v) for v in bad[0])
        where = f"line {line_numbers[row]}" if line_numbers else f"row {row + 1}"
        raise ValueError(
            f"{what} has NaN or infinite values ({len(bad):,} of them, first at {where}, "
            f"value {column + 1}: {array[row, column]}); every value must be a finite number."
        )


def _numbers(fields: list[str], where: str, what: str, *, tsv: bool = True) -> list[float]:
    """Parse one row of numbers; raise naming the first value that is not one."""
    try:
        return [float(text) for text in fields]
    except ValueError:
        pass
    column, text = next((k, t) for k, t in enumerate(fields, start=1) if not _is_number(t))
    shown = shorten(text, LABEL_CHARS) if text.strip() else "an empty value"
    hint = ""
    if tsv and ("," in text or ";" in text):
        hint = " Values must be separated by tabs, not commas or semicolons."
    elif tsv and column == 1 and len(fields) > 1:
        hint = (
            f" If the first column holds labels, move them to {METADATA_TSV_FILE}: "
            f"{VECTORS_TSV_FILE} holds numbers only, with no header."
        )
    raise ValueError(f"{what}, {where}, value {column}: {shown!r} is not a number.{hint}")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_vectors_tsv(text: str, what: str, max_rows: int | None) -> NDArray[np.float32]:
    lines = _lines(text)
    _check_rows(len(lines), what, max_rows)
    rows: list[list[float]] = []
    dim = 0
    for number, line in lines:
        fields = line.strip().split("\t")
        if not dim:
            dim = len(fields)
            if dim == 1 and not _is_number(fields[0]):
                _numbers(fields, f"line {number}", what)  # says "not a number", with a hint
            _check_shape(len(lines), dim, what, max_rows)
        elif len(fields) != dim:
            raise ValueError(
                f"{what}, line {number} has {len(fields)} values but the first line has "
                f"{dim}; every vector needs the same number of tab-separated values."
            )
        rows.append(_numbers(fields, f"line {number}", what))
    array = np.asarray(rows, dtype=np.float64)
    _finite_rows(array, what, [n for n, _ in lines])
    return _to_float32(array, what)


@dataclass
class _Metadata:
    phrases: list[str]
    columns: dict[str, list[str]]
    header: bool
    phrase_column: str | None


def _read_metadata(text: str, what: str, max_rows: int | None) -> _Metadata:
    lines = _lines(text)
    # The Projector's rule: a tab in the first line makes it a header row.
    if "\t" not in lines[0][1]:
        _check_rows(len(lines), what, max_rows)
        return _Metadata([line for _, line in lines], {}, header=False, phrase_column=None)
    names = [name.strip() for name in lines[0][1].split("\t")]
    if any(not name for name in names) or len(set(names)) != len(names):
        raise ValueError(
            f"{what}: the first line has a tab, so it is the header row (the Projector's "
            f"rule), but its column names are blank or repeated: {names!r}. A single-column "
            "file must have no tabs; a file with several columns needs distinct names."
        )
    rows = lines[1:]
    _check_rows(len(rows), what, max_rows)
    values: list[list[str]] = [[] for _ in names]
    for number, line in rows:
        fields = line.split("\t")
        if len(fields) > len(names):
            raise ValueError(
                f"{what}, line {number} has {len(fields)} tab-separated fields but the header "
                f"has {len(names)}. The format has no quoting: replace tabs inside phrases "
                "with spaces."
            )
        fields += [""] * (len(names) - len(fields))  # the Projector reads missing as empty
        for column, value in zip(values, fields, strict=True):
            column.append(value)
    lowered = [name.lower() for name in names]
    pick = next((lowered.index(c) for c in PHRASE_COLUMNS if c in lowered), 0)
    columns = {name: column for k, (name, column) in enumerate(zip(names, values)) if k != pick}
    return _Metadata(values[pick], columns, header=True, phrase_column=names[pick])


def _assemble(
    phrases: list[str],
    vectors: NDArray[np.float32],
    columns: dict[str, list[str]],
    notes: list[str],
    source: str,
) -> Imported:
    """Clean phrases as the phrase box would, skip blank ones, merge duplicates."""
    flat = [" ".join(raw.splitlines()) for raw in phrases]
    broken = sum(line != raw for line, raw in zip(flat, phrases, strict=True))
    chosen = distinct(flat)
    kept = chosen.kept
    clean = [clean_phrase(flat[i]) for i in kept]
    blank = [i + 1 for i in chosen.blank]
    duplicates = [clean_phrase(flat[i]) for i in chosen.duplicates]
    if broken:
        notes.append(
            f"{broken} phrase{'s' if broken > 1 else ''} had line breaks, now spaces "
            "(phrases are one per line here)."
        )
    if blank:
        shown = ", ".join(str(i) for i in blank[:5]) + ("…" if len(blank) > 5 else "")
        notes.append(
            f"Skipped {len(blank)} row{'s' if len(blank) > 1 else ''} with a blank phrase "
            f"(row {shown}) and {'their vectors' if len(blank) > 1 else 'its vector'}."
        )
    if duplicates:
        shown = ", ".join(f"“{shorten(p, LABEL_CHARS)}”" for p in dict.fromkeys(duplicates))
        notes.append(
            f"Merged {len(duplicates)} duplicate phrase{'s' if len(duplicates) > 1 else ''}, "
            f"keeping the first vector of each: {shown}."
        )
    if not kept:
        raise ValueError(f"{source}: every phrase is blank; nothing to import.")
    kept_vectors = np.ascontiguousarray(vectors[kept], dtype=np.float32)
    zero = np.flatnonzero(~kept_vectors.any(axis=1))
    if len(zero):
        notes.append(
            f"{len(zero)} vector{'s are' if len(zero) > 1 else ' is'} all zeros "
            f"(“{shorten(clean[int(zero[0])], LABEL_CHARS)}”): cosine distance is undefined "
            "for them; use Euclidean."
        )
    kept_columns = {name: [values[i] for i in kept] for name, values in columns.items()}
    return Imported(clean, kept_vectors, notes, kept_columns, source)


def _mismatch(vector_count: int, meta: _Metadata, vectors_what: str, meta_what: str) -> ValueError:
    phrase_count = len(meta.phrases)
    message = (
        f"{vectors_what} has {vector_count:,} vectors but {meta_what} has {phrase_count:,} "
        "phrases; each vector needs one phrase, in the same order (blank lines skipped)."
    )
    if meta.header and phrase_count == vector_count - 1:
        message += (
            f" The first line of {meta_what} has a tab, so it was read as a header row (the "
            "Projector's rule): remove the tabs from a single-column file."
        )
    elif not meta.header and phrase_count == vector_count + 1:
        message += (
            f" If the first line of {meta_what} is a column title, remove it: a single-column "
            "metadata file has no header."
        )
    return ValueError(message)


def _numbered(count: int, notes: list[str], what: str) -> list[str]:
    notes.append(
        f"No phrases file was given with {what}: points are named “point 1” to “point {count}”."
    )
    return [f"point {i + 1}" for i in range(count)]


def read_projector(
    vectors_tsv: bytes | str,
    metadata_tsv: bytes | str | None = None,
    *,
    vectors_name: str = VECTORS_TSV_FILE,
    metadata_name: str = METADATA_TSV_FILE,
    max_rows: int | None | _Configured = CONFIGURED,
    max_bytes: int | _Configured = CONFIGURED,
) -> Imported:
    """Read the Embedding Projector's ``vectors.tsv`` and ``metadata.tsv``.

    The Projector's rules: lines split on ``\\n`` (a trailing ``\\r`` is
    dropped), blank lines skipped; vectors are tab-separated numbers without a
    header; metadata has a header row exactly when its first line has a tab,
    and the phrases come from its ``phrase``/``text``/``label`` column (else
    the first). Without metadata, points are named “point 1”, “point 2”...

    Args:
        max_rows, max_bytes: the most rows and bytes (each file) read; more is
            refused. By default ``IMPORT_MAX_ROWS`` and ``IMPORT_MAX_BYTES`` (the
            Playground's limits); ``max_rows=None`` takes any number of rows.

    Raises:
        ValueError: empty or binary files, not UTF-8, ragged or non-numeric
            rows, NaN or infinity, fewer than 2 dimensions, too many rows or
            bytes, or vector and phrase counts that differ.

    Example:
        >>> found = read_projector("1\\t0\\n0\\t1\\n", "cat\\ndog\\n")
        >>> found.phrases, found.vectors.tolist()
        (['cat', 'dog'], [[1.0, 0.0], [0.0, 1.0]])
    """
    max_rows, max_bytes = _limits(max_rows, max_bytes)
    vectors = _read_vectors_tsv(
        _decode(vectors_tsv, vectors_name, max_bytes, max_rows), vectors_name, max_rows
    )
    notes: list[str] = []
    if metadata_tsv is None:
        phrases = _numbered(len(vectors), notes, vectors_name)
        return _assemble(phrases, vectors, {}, notes, vectors_name)
    meta = _read_metadata(
        _decode(metadata_tsv, metadata_name, max_bytes, max_rows), metadata_name, max_rows
    )
    if len(meta.phrases) != len(vectors):
        raise _mismatch(len(vectors), meta, vectors_name, metadata_name)
    if meta.phrase_column and meta.columns:
        notes.append(f"Phrases are from the column “{meta.phrase_column}” of {metadata_name}.")
    return _assemble(meta.phrases, vectors, meta.columns, notes, f"{vectors_name}, {metadata_name}")


def _npy_header(data: bytes) -> tuple[tuple[int, ...], np.dtype, int]:
    stream = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(stream)
        else:  # 2.0 and 3.0 share the layout; 3.0 differs only in non-ASCII field names
            shape, _, dtype = np.lib.format.read_array_header_2_0(stream)
    except (ValueError, OSError, EOFError, SyntaxError) as error:
        raise ValueError(
            f"The .npy file's header cannot be read ({error}); save the array with numpy.save."
        ) from None
    return tuple(int(s) for s in shape), np.dtype(dtype), stream.tell()


def read_npy(
    npy_bytes: bytes,
    phrases_text: bytes | str | None = None,
    *,
    npy_name: str = "vectors.npy",
    phrases_name: str = "the phrases file",
    max_rows: int | None | _Configured = CONFIGURED,
    max_bytes: int | _Configured = CONFIGURED,
) -> Imported:
    """Read a ``.npy`` array of vectors and a phrases file (one phrase per line).

    The array is loaded with ``allow_pickle=False``: an array of Python
    objects is refused (unpickling can run code). Its header is checked
    before anything is loaded, so a hostile shape allocates nothing. The
    phrases file is read like ``metadata.tsv``. ``max_rows`` and ``max_bytes``
    work as in :func:`read_projector`.

    Raises:
        ValueError: not a .npy (or a .npz), object/text/complex values, not
            2-D, NaN or infinity, too large, or counts that differ.

    Example:
        >>> buffer = io.BytesIO()
        >>> np.save(buffer, np.array([[1, 2], [3, 4]], dtype=np.float32))
        >>> read_npy(buffer.getvalue(), "cat\\ndog").phrases
        ['cat', 'dog']
    """
    max_rows, max_bytes = _limits(max_rows, max_bytes)
    what = npy_name
    data = bytes(npy_bytes)
    _check_size(len(data), what, max_bytes, max_rows)
    if not data:
        raise ValueError(f"{what} is empty.")
    if data.startswith(_ZIP_MAGIC):
        raise ValueError(
            f"{what} is an .npz archive (or another zip); give one array saved with "
            "numpy.save(path, vectors)."
        )
    if not data.startswith(_NPY_MAGIC):
        raise ValueError(
            f"{what} is not a .npy file (it lacks the .npy signature); save the array with "
            "numpy.save(path, vectors)."
        )
    shape, dtype, offset = _npy_header(data)
    if dtype.hasobject:
        raise ValueError(
            f"{what} holds Python objects, which only unpickling can read, and unpickling "
            "can run code, so it is refused (loaded with allow_pickle=False). Save a numeric "
            "array: numpy.save(path, vectors.astype('float32'))."
        )
    if dtype.kind not in "fiub":
        raise ValueError(
            f"{what} holds {dtype} values; vectors must be real numbers (float or int)."
        )
    if len(shape) != 2:
        hint = f" Reshape it to (1, {shape[0]}) for one vector." if len(shape) == 1 else ""
        raise ValueError(
            f"{what} is a {len(shape)}-D array of shape {shape}; expected 2-D "
            f"(vectors, dimensions).{hint}"
        )
    _check_shape(shape[0], shape[1], what, max_rows)
    if offset + shape[0] * shape[1] * dtype.itemsize > len(data):
        raise ValueError(f"{what} is cut short: its header promises more values than it holds.")
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise ValueError(f"{what} cannot be read ({error}).") from None
    array = np.asarray(array, dtype=np.float64)
    _finite_rows(array, what)
    vectors = _to_float32(array, what)
    notes: list[str] = []
    if phrases_text is None:
        return _assemble(_numbered(len(vectors), notes, what), vectors, {}, notes, what)
    meta = _read_metadata(
        _decode(phrases_text, phrases_name, max_bytes, max_rows), phrases_name, max_rows
    )
    if len(meta.phrases) != len(vectors):
        raise _mismatch(len(vectors), meta, what, phrases_name)
    return _assemble(meta.phrases, vectors, meta.columns, notes, f"{what}, {phrases_name}")


def read_points_csv(
    data: bytes | str,
    *,
    source: str = POINTS_CSV_FILE,
    max_rows: int | None | _Configured = CONFIGURED,
    max_bytes: int | _Configured = CONFIGURED,
) -> Imported:
    """Read a ``points.csv`` (columns ``phrase, x, y``) back as 2-D vectors.

    The points come back exactly where they were: a 2-D model is drawn as is.
    Commas or semicolons separate the columns; quoted cells may hold commas,
    quotes and line breaks; the ``'`` put before formula-like phrases on export
    is taken off. Other columns are kept in :attr:`Imported.columns`.
    ``max_rows`` and ``max_bytes`` work as in :func:`read_projector`.

    Example:
        >>> read_points_csv("phrase,x,y\\n'=1+1,0.5,2\\n").phrases
        ['=1+1']
    """
    max_rows, max_bytes = _limits(max_rows, max_bytes)
    what = source
    text = _decode(data, what, max_bytes, max_rows)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        table = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise ValueError(f"{what} is not valid CSV ({error}).") from None
    table = [row for row in table if any(cell.strip() for cell in row)]
    titles = [cell.strip() for cell in table[0]] if table else []
    names = [title.lower() for title in titles]
    if not {PHRASE_COLUMN, "x", "y"} <= set(names) or len(set(names)) != len(names):
        raise ValueError(
            f"{what} needs a header row with the columns phrase, x and y, each once "
            f"(found: {', '.join(repr(t) for t in titles) or 'nothing'})."
        )
    rows = table[1:]
    _check_rows(len(rows), what, max_rows)
    if not rows:
        raise ValueError(f"{what} has a header but no rows.")
    at = {name: k for k, name in enumerate(names)}
    phrases: list[str] = []
    coords: list[list[float]] = []
    extra = {
        titles[k] or f"column {k + 1}": k
        for k, name in enumerate(names)
        if name not in (PHRASE_COLUMN, "x", "y")
    }
    columns: dict[str, list[str]] = {title: [] for title in extra}
    for number, row in enumerate(rows, start=2):
        if len(row) != len(names):
            raise ValueError(
                f"{what}, row {number} has {len(row)} cells but the header has {len(names)}; "
                "quote cells that contain commas."
            )
        phrases.append(_unguard(row[at[PHRASE_COLUMN]]))
        coords.append(_numbers([row[at["x"]], row[at["y"]]], f"row {number}", what, tsv=False))
        for title, k in extra.items():
            columns[title].append(_unguard(row[k]))
    array = np.asarray(coords, dtype=np.float64)
    _finite_rows(array, what)
    return _assemble(phrases, _to_float32(array, what), columns, [], source)


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _looks_numeric(data: bytes | str) -> bool:
    head = data[:2048] if isinstance(data, str) else data[:2048].decode("utf-8", "ignore")
    first = next((line for line in head.split("\n") if line.strip()), "")
    try:
        [float(v) for v in first.strip().split("\t")]
    except ValueError:
        return False
    return True


def _unzip(name: str, data: bytes, max_bytes: int, max_rows: int | None) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError(f"{name} is not a readable zip file.") from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and not info.filename.rsplit("/", 1)[-1].startswith(".")
            and _suffix(info.filename) in IMPORT_SUFFIXES
            and _suffix(info.filename) != ".zip"
            and info.filename.rsplit("/", 1)[-1].lower() != "readme.txt"
        ]
        total = sum(info.file_size for info in members)
        _check_size(total, f"{name} unpacked", max_bytes, max_rows)
        files: dict[str, bytes] = {}
        budget = max_bytes
        for info in members:
            with archive.open(info) as member:
                content = member.read(budget + 1)  # sizes in a zip header can lie
            budget -= len(content)
            _check_size(max_bytes - budget, f"{name} unpacked", max_bytes, max_rows)
            files[info.filename.rsplit("/", 1)[-1]] = content
    if not files:
        raise ValueError(
            f"{name} holds no {', '.join(s for s in IMPORT_SUFFIXES if s != '.zip')} file."
        )
    return files


def read_uploads(
    files: Mapping[str, bytes],
    *,
    max_rows: int | None | _Configured = CONFIGURED,
    max_bytes: int | _Configured = CONFIGURED,
) -> Imported:
    """Read uploaded files, choosing the reader from their names.

    Accepted: ``vectors.tsv`` with or without ``metadata.tsv`` (a name with
    "meta" in it is the metadata; otherwise the all-number file is the
    vectors); a ``.npy`` with or without a phrases file (``.txt`` or ``.tsv``);
    a ``points.csv``; or a ``.zip`` of any of these (this app's Projector export).
    ``max_rows`` and ``max_bytes`` (all files together, a zip unpacked) work as
    in :func:`read_projector`.

    Example:
        >>> read_uploads({"v.tsv": b"1\\t2\\n", "labels.txt": b"cat\\n"}).phrases
        ['cat']
    """
    if not files:
        raise ValueError("No file given; upload vectors.tsv (and metadata.tsv), or a .npy.")
    max_rows, max_bytes = _limits(max_rows, max_bytes)
    _check_size(sum(len(data) for data in files.values()), "The upload", max_bytes, max_rows)
    limits = {"max_rows": max_rows, "max_bytes": max_bytes}
    by_suffix: dict[str, list[str]] = {}
    for name in files:
        suffix = _suffix(name)
        if suffix not in IMPORT_SUFFIXES:
            raise ValueError(
                f"Cannot import {name!r}: accepted files are {', '.join(IMPORT_SUFFIXES)}."
            )
        by_suffix.setdefault(suffix, []).append(name)
    names = sorted(files)
    if ".zip" in by_suffix:
        if len(files) > 1:
            raise ValueError("Upload a .zip on its own: its contents are read as a whole.")
        return read_uploads(_unzip(names[0], files[names[0]], max_bytes, max_rows), **limits)
    if ".csv" in by_suffix:
        if len(files) > 1:
            raise ValueError("Upload a points .csv on its own (columns phrase, x, y).")
        return read_points_csv(files[names[0]], source=names[0], **limits)
    texts = [n for n in names if _suffix(n) in (".tsv", ".txt")]
    if ".npy" in by_suffix:
        npys = by_suffix[".npy"]
        if len(npys) > 1 or len(texts) > 1:
            raise ValueError("Upload one .npy of vectors and at most one phrases file (.txt).")
        if not texts:
            return read_npy(files[npys[0]], None, npy_name=npys[0], **limits)
        return read_npy(
            files[npys[0]], files[texts[0]], npy_name=npys[0], phrases_name=texts[0], **limits
        )
    if len(texts) > 2:
        raise ValueError(
            f"Got {len(texts)} text files; upload vectors.tsv and at most one metadata.tsv."
        )
    if len(texts) == 1:
        return read_projector(files[texts[0]], None, vectors_name=texts[0], **limits)
    meta = [n for n in texts if "meta" in n.lower() or "label" in n.lower()]
    if len(meta) != 1:
        numeric = [n for n in texts if _looks_numeric(files[n])]
        if len(numeric) != 1:
            raise ValueError(
                f"Cannot tell which of {texts[0]!r} and {texts[1]!r} holds the vectors; "
                "name them vectors.tsv and metadata.tsv."
            )
        meta = [n for n in texts if n != numeric[0]]
    vectors_name = next(n for n in texts if n != meta[0])
    return read_projector(
        files[vectors_name],
        files[meta[0]],
        vectors_name=vectors_name,
        metadata_name=meta[0],
        **limits,
    )
