"""Import vectors computed elsewhere (no Streamlit here).

:func:`read_uploads` picks the reader from the file names:

* :func:`read_projector`: ``vectors.tsv`` with an optional ``metadata.tsv``,
  read by the Projector's own rules (also from inside the exported zip).
* :func:`read_npy`: a ``.npy`` array (never unpickled) and a phrases file.
* :func:`read_points_csv`: a ``points.csv`` as exported (2-D points).

Every reader checks size, shape, numbers and encoding, and raises
``ValueError`` saying what is wrong and what to do. The result is an
:class:`~explorer.documents.readers.imported.Imported`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from explorer.config import ZIP_MAX_RATIO
from explorer.documents.readers.imported import (
    CONFIGURED,
    Configured,
    Imported,
    Metadata,
    assemble,
    check_rows,
    check_shape,
    finite_rows,
    import_limits,
    lines_of,
    mismatch,
    numbered,
    numbers,
    read_metadata,
)
from explorer.documents.readers.text import (
    Limits,
    check_size,
    decode,
    is_number,
    size_text,
    suffix,
)
from explorer.documents.writers import (
    METADATA_TSV_FILE,
    PHRASE_COLUMN,
    POINTS_CSV_FILE,
    VECTORS_TSV_FILE,
    to_float32,
    unguard,
)

__all__ = ["CONFIGURED", "IMPORT_SUFFIXES", "Imported", "Metadata"]

#: File suffixes :func:`read_uploads` accepts.
IMPORT_SUFFIXES = (".tsv", ".txt", ".npy", ".csv", ".zip")
_NPY_MAGIC = b"\x93NUMPY"
#: Unpacked bytes of a zip never refused for their packing ratio.
_RATIO_FREE_BYTES = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"


def _decode(data: bytes | str, what: str, limits: Limits) -> str:
    return decode(data, name=what, label=what, limits=limits)


def _read_vectors_tsv(text: str, what: str, max_rows: int | None) -> NDArray[np.float32]:
    lines = lines_of(text)
    check_rows(len(lines), what, max_rows)
    rows: list[list[float]] = []
    dim = 0
    for number, line in lines:
        fields = line.strip().split("\t")
        if not dim:
            dim = len(fields)
            if dim == 1 and not is_number(fields[0], separators=False):
                numbers(fields, f"line {number}", what)  # says "not a number", with a hint
            check_shape(len(lines), dim, what, max_rows)
        elif len(fields) != dim:
            raise ValueError(
                f"{what}, line {number} has {len(fields)} values but the first line has "
                f"{dim}; every vector needs the same number of tab-separated values."
            )
        rows.append(numbers(fields, f"line {number}", what))
    array = np.asarray(rows, dtype=np.float64)
    finite_rows(array, what, [n for n, _ in lines])
    return to_float32(array, what)


def read_projector(
    vectors_tsv: bytes | str,
    metadata_tsv: bytes | str | None = None,
    *,
    vectors_name: str = VECTORS_TSV_FILE,
    metadata_name: str = METADATA_TSV_FILE,
    max_rows: int | None | Configured = CONFIGURED,
    max_bytes: int | Configured = CONFIGURED,
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
    limits = import_limits(max_rows, max_bytes)
    vectors = _read_vectors_tsv(
        _decode(vectors_tsv, vectors_name, limits), vectors_name, limits.max_rows
    )
    notes: list[str] = []
    if metadata_tsv is None:
        phrases = numbered(len(vectors), notes, vectors_name)
        return assemble(phrases, vectors, {}, notes, vectors_name)
    meta = read_metadata(
        _decode(metadata_tsv, metadata_name, limits), metadata_name, limits.max_rows
    )
    if len(meta.phrases) != len(vectors):
        raise mismatch(len(vectors), meta, vectors_name, metadata_name)
    if meta.phrase_column and meta.columns:
        notes.append(f"Phrases are from the column “{meta.phrase_column}” of {metadata_name}.")
    return assemble(meta.phrases, vectors, meta.columns, notes, f"{vectors_name}, {metadata_name}")


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
    max_rows: int | None | Configured = CONFIGURED,
    max_bytes: int | Configured = CONFIGURED,
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
    limits = import_limits(max_rows, max_bytes)
    what = npy_name
    data = bytes(npy_bytes)
    check_size(len(data), what=what, limits=limits)
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
    check_shape(shape[0], shape[1], what, limits.max_rows)
    if offset + shape[0] * shape[1] * dtype.itemsize > len(data):
        raise ValueError(f"{what} is cut short: its header promises more values than it holds.")
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise ValueError(f"{what} cannot be read ({error}).") from None
    array = np.asarray(array, dtype=np.float64)
    finite_rows(array, what)
    vectors = to_float32(array, what)
    notes: list[str] = []
    if phrases_text is None:
        return assemble(numbered(len(vectors), notes, what), vectors, {}, notes, what)
    meta = read_metadata(_decode(phrases_text, phrases_name, limits), phrases_name, limits.max_rows)
    if len(meta.phrases) != len(vectors):
        raise mismatch(len(vectors), meta, what, phrases_name)
    return assemble(meta.phrases, vectors, meta.columns, notes, f"{what}, {phrases_name}")


def read_points_csv(
    data: bytes | str,
    *,
    source: str = POINTS_CSV_FILE,
    max_rows: int | None | Configured = CONFIGURED,
    max_bytes: int | Configured = CONFIGURED,
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
    limits = import_limits(max_rows, max_bytes)
    what = source
    text = _decode(data, what, limits)
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
    check_rows(len(rows), what, limits.max_rows)
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
        phrases.append(unguard(row[at[PHRASE_COLUMN]]))
        coords.append(numbers([row[at["x"]], row[at["y"]]], f"row {number}", what, tsv=False))
        for title, k in extra.items():
            columns[title].append(unguard(row[k]))
    array = np.asarray(coords, dtype=np.float64)
    finite_rows(array, what)
    return assemble(phrases, to_float32(array, what), columns, [], source)


def looks_numeric(data: bytes | str) -> bool:
    head = data[:2048] if isinstance(data, str) else data[:2048].decode("utf-8", "ignore")
    first = next((line for line in head.split("\n") if line.strip()), "")
    try:
        [float(v) for v in first.strip().split("\t")]
    except ValueError:
        return False
    return True


def check_ratio(name: str, unpacked: int, packed: int) -> None:
    """Refuse a zip packed over ``ZIP_MAX_RATIO`` times (beyond its first MB): a zip bomb.

    Example:
        >>> check_ratio("“a.zip”", 50_000_000, 80_000)
        Traceback (most recent call last):
        ...
        ValueError: “a.zip” unpacks to 47.7 MB from 78.1 KB, 625 times its size; zips packed over 100 times are refused (ZIP_MAX_RATIO). Zip the files with ordinary compression, or upload them unzipped.
    """  # noqa: E501 - a doctest's expected output is one line
    if unpacked > _RATIO_FREE_BYTES and unpacked > ZIP_MAX_RATIO * max(packed, 1):
        raise ValueError(
            f"{name} unpacks to {size_text(unpacked)} from {size_text(packed)}, "
            f"{unpacked // max(packed, 1):,} times its size; zips packed over "
            f"{ZIP_MAX_RATIO:,} times are refused (ZIP_MAX_RATIO). Zip the files with "
            "ordinary compression, or upload them unzipped."
        )


def unzip(name: str, data: bytes, limits: Limits) -> dict[str, bytes]:
    """The files in a zip that a vector reader takes, by name (folders dropped).

    Refuses a zip whose files unpack to more than ``limits.max_bytes`` (sizes
    in a zip's header can lie, so the bytes read are counted).
    """
    max_bytes = limits.max_bytes if limits.max_bytes is not None else 2**63
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
            and suffix(info.filename) in IMPORT_SUFFIXES
            and suffix(info.filename) != ".zip"
            and info.filename.rsplit("/", 1)[-1].lower() != "readme.txt"
        ]
        total = sum(info.file_size for info in members)
        check_size(total, what=f"{name} unpacked", limits=limits)
        check_ratio(name, total, sum(info.compress_size for info in members))
        files: dict[str, bytes] = {}
        budget = max_bytes
        for info in members:
            with archive.open(info) as member:  # sizes in a zip header can lie: count
                most = min(budget, ZIP_MAX_RATIO * info.compress_size + _RATIO_FREE_BYTES)
                content = member.read(most + 1)
            check_ratio(name, len(content), info.compress_size)
            budget -= len(content)
            check_size(max_bytes - budget, what=f"{name} unpacked", limits=limits)
            files[info.filename.rsplit("/", 1)[-1]] = content
    if not files:
        raise ValueError(
            f"{name} holds no {', '.join(s for s in IMPORT_SUFFIXES if s != '.zip')} file."
        )
    return files


def read_uploads(
    files: Mapping[str, bytes],
    *,
    max_rows: int | None | Configured = CONFIGURED,
    max_bytes: int | Configured = CONFIGURED,
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
    limits = import_limits(max_rows, max_bytes)
    check_size(sum(len(data) for data in files.values()), what="The upload", limits=limits)
    given = {"max_rows": limits.max_rows, "max_bytes": limits.max_bytes}
    by_suffix: dict[str, list[str]] = {}
    for name in files:
        kind = suffix(name)
        if kind not in IMPORT_SUFFIXES:
            raise ValueError(
                f"Cannot import {name!r}: accepted files are {', '.join(IMPORT_SUFFIXES)}."
            )
        by_suffix.setdefault(kind, []).append(name)
    names = sorted(files)
    if ".zip" in by_suffix:
        if len(files) > 1:
            raise ValueError("Upload a .zip on its own: its contents are read as a whole.")
        return read_uploads(unzip(names[0], files[names[0]], limits), **given)
    if ".csv" in by_suffix:
        if len(files) > 1:
            raise ValueError("Upload a points .csv on its own (columns phrase, x, y).")
        return read_points_csv(files[names[0]], source=names[0], **given)
    texts = [n for n in names if suffix(n) in (".tsv", ".txt")]
    if ".npy" in by_suffix:
        npys = by_suffix[".npy"]
        if len(npys) > 1 or len(texts) > 1:
            raise ValueError("Upload one .npy of vectors and at most one phrases file (.txt).")
        if not texts:
            return read_npy(files[npys[0]], None, npy_name=npys[0], **given)
        return read_npy(
            files[npys[0]], files[texts[0]], npy_name=npys[0], phrases_name=texts[0], **given
        )
    if len(texts) > 2:
        raise ValueError(
            f"Got {len(texts)} text files; upload vectors.tsv and at most one metadata.tsv."
        )
    if len(texts) == 1:
        return read_projector(files[texts[0]], None, vectors_name=texts[0], **given)
    meta = [n for n in texts if "meta" in n.lower() or "label" in n.lower()]
    if len(meta) != 1:
        numeric = [n for n in texts if looks_numeric(files[n])]
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
        **given,
    )
