"""Vectors stored as float16 bytes, read into float32 while the texts are read.

``write_parquet(..., vector_dtype="float16")`` stores each row's vector as its
little-endian float16 bytes (``fixed_size_binary[2d]``, metadata ``"vectors":
"float16-bytes"``): parquet decodes a list of float16 value by value (3.4 s for
1,000,000 x 384), these bytes in 0.2 s. Turning them into float32 is torch's or
numpy's work (:func:`widen`), which lets go of the GIL, so :class:`PendingVectors`
does it on a thread while the page cleans the texts, and hands over the matrix when
asked. It hashes the bytes on the way (:func:`read_digest`), so the page's key for the
corpus needs no second pass over 1.5 GB of float32.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import warnings
import weakref
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from explorer.config import PARQUET_FILE_BUFFER_BYTES
from explorer.documents.readers.text import damaged_parquet, plural
from explorer.documents.writers import HALF_BYTES, VECTOR_COLUMN

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

#: A parquet's bytes in memory, or the path of a parquet on disk.
ParquetSource = bytes | Path

#: sha256 of the float16 bytes each matrix was read from, by the matrix's id (and a weak
#: reference to it, so an array that merely reuses the id is never taken for it).
_DIGESTS: dict[int, tuple[weakref.ref, bytes]] = {}


def open_parquet(source: ParquetSource, **options: Any) -> pq.ParquetFile:
    """A parquet file on ``source``'s bytes (read in place), or on the file at that path,
    read ``PARQUET_FILE_BUFFER_BYTES`` at a time (never a whole column chunk at once).
    ``options`` go to :class:`pyarrow.parquet.ParquetFile`.

    Example:
        >>> import io, pyarrow as pa, pyarrow.parquet as pq
        >>> out = io.BytesIO(); pq.write_table(pa.table({"a": [1, 2]}), out)
        >>> open_parquet(out.getvalue()).metadata.num_rows
        2
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if isinstance(source, Path):
        return pq.ParquetFile(
            pa.OSFile(str(source)), pre_buffer=False, buffer_size=PARQUET_FILE_BUFFER_BYTES,
            **options,
        )  # fmt: skip
    return pq.ParquetFile(pa.BufferReader(source), **options)


def source_head(source: ParquetSource, size: int) -> bytes:
    """The first ``size`` bytes of ``source`` (bytes, or a file's path).

    Example:
        >>> source_head(b"PAR1 and more", 4)
        b'PAR1'
    """
    if isinstance(source, Path):
        with source.open("rb") as file:
            return file.read(size)
    return bytes(source[:size])


def source_size(source: ParquetSource) -> int:
    """How many bytes ``source`` holds (bytes, or a file's path).

    Example:
        >>> source_size(b"PAR1")
        4
    """
    return source.stat().st_size if isinstance(source, Path) else len(source)


def read_digest(matrix: object) -> bytes | None:
    """The sha256 of the float16 bytes that :class:`PendingVectors` read ``matrix`` from
    (hashed while reading), if ``matrix`` is that very array; else ``None``.

    Example:
        >>> read_digest(np.zeros((2, 2), dtype=np.float32)) is None
        True
    """
    entry = _DIGESTS.get(id(matrix))
    return entry[1] if entry is not None and entry[0]() is matrix else None


def _remember_digest(matrix: NDArray[np.float32], digest: bytes) -> None:
    key = id(matrix)
    _DIGESTS[key] = (weakref.ref(matrix, lambda _: _DIGESTS.pop(key, None)), digest)


def half_bytes_width(field: pa.Field, metadata: Mapping[str, Any]) -> int | None:
    """The width ``d`` of a column of float16 bytes as ``write_parquet`` writes them
    (``"vectors": HALF_BYTES`` in its metadata, ``fixed_size_binary[2d]``), else ``None``.

    Example:
        >>> import pyarrow as pa
        >>> half_bytes_width(pa.field("embedding", pa.binary(768)), {"vectors": HALF_BYTES})
        384
        >>> half_bytes_width(pa.field("embedding", pa.binary(768)), {}) is None
        True
    """
    import pyarrow as pa

    if metadata.get("vectors") != HALF_BYTES or field.name != VECTOR_COLUMN:
        return None
    if not pa.types.is_fixed_size_binary(field.type) or field.type.byte_width % 2:
        return None
    return field.type.byte_width // 2


def bytes_block(array: pa.FixedSizeBinaryArray, width: int, label: str) -> NDArray[np.float16]:
    """A batch of float16 bytes as an ``(n, width)`` float16 array (no copy).

    Raises:
        ValueError: some row has no vector (the message counts them).
    """
    if array.null_count:
        raise ValueError(
            f"{label} has {plural(array.null_count, 'row')} without a vector in column "
            f"“{VECTOR_COLUMN}” (of float16 bytes); every document needs one. Write the file "
            "again with `python -m explorer embed` or `project`."
        )
    start = array.offset * 2 * width
    flat = np.frombuffer(array.buffers()[1], dtype="<f2", count=len(array) * width, offset=start)
    return flat.reshape(len(array), width)


def widen(half: NDArray[np.float16], out: NDArray[np.float32]) -> None:
    """Write the float16 ``half`` into the float32 ``out`` of the same shape (exactly).

    When torch is already loaded (the app's server loads the model at start; not while
    another thread is still importing it), its
    vectorised conversion does it on all cores without the GIL: 65,536 x 384 values in
    10-16 ms, against 80-100 ms for numpy's cast, which ran 5.6 s for a million rows
    beside the text cleaning. Otherwise numpy's cast.

    Example:
        >>> out = np.empty((1, 3), dtype=np.float32)
        >>> widen(np.array([[0.5, -2.0, 65504.0]], dtype=np.float16), out); out.tolist()
        [[0.5, -2.0, 65504.0]]
    """
    torch = sys.modules.get("torch")
    if getattr(getattr(torch, "__spec__", None), "_initializing", False):
        torch = None  # still being imported by another thread (the server's warm-up)
    if torch is None or half.shape != out.shape or not out.flags.c_contiguous:
        out[...] = half
        return
    if not half.flags.c_contiguous:
        half = np.ascontiguousarray(half)
    # torch warns that the (read-only) Arrow buffer is not writable; it is only read.
    warnings.filterwarnings("ignore", "The given NumPy array is not", UserWarning, __name__)
    torch.from_numpy(out).copy_(torch.from_numpy(half))


def unit_again(matrix: NDArray[np.float32], chunk: int = 65_536) -> None:
    """Scale rows whose length is within 1% of 1 back to exactly 1, in place (vectors
    saved as float16 lose about 0.1% of their length), chunk by chunk.

    Example:
        >>> m = np.array([[0.6, 0.801], [3.0, 4.0]], dtype=np.float32)
        >>> unit_again(m); np.linalg.norm(m, axis=1).round(6).tolist()
        [1.0, 5.0]
    """
    for start in range(0, len(matrix), chunk):
        block = matrix[start : start + chunk]
        norms = np.sqrt(np.einsum("ij,ij->i", block, block))
        scale = np.where(np.abs(norms - 1.0) < 0.01, 1.0 / np.maximum(norms, 0.5), 1.0)
        block *= scale[:, None].astype(np.float32)


class PendingVectors:
    """The first ``rows`` rows of a parquet's column of float16 bytes, being read into one
    float32 matrix (unit length restored) on a thread. ``len()`` and ``shape`` are known
    at once; :meth:`matrix` waits for the values; :meth:`cancel` stops reading.

    Example:
        >>> import io, pyarrow as pa, pyarrow.parquet as pq
        >>> cells = pa.Array.from_buffers(pa.binary(4), 3, [None, pa.py_buffer(
        ...     np.array([[1, 0], [0, 2], [3, 4]], dtype="<f2"))])
        >>> out = io.BytesIO(); pq.write_table(pa.table({"embedding": cells}), out)
        >>> pending = PendingVectors(out.getvalue(), column="embedding", rows=2, width=2,
        ...                          batch=1, label="x")
        >>> len(pending), pending.matrix().tolist()
        (2, [[1.0, 0.0], [0.0, 2.0]])
    """

    def __init__(
        self, data: ParquetSource, *, column: str, rows: int, width: int, batch: int, label: str
    ) -> None:
        self.shape = (rows, width)
        self._label = label
        self._stop = threading.Event()
        # Opened here: a file on disk may be deleted once the caller is done with it.
        parquet = open_parquet(data)
        pool = ThreadPoolExecutor(1, thread_name_prefix="explorer-vectors")
        self._future = pool.submit(self._read, parquet, column, batch)
        pool.shutdown(wait=False)

    def __len__(self) -> int:
        return self.shape[0]

    def _read(self, parquet: pq.ParquetFile, column: str, batch: int) -> NDArray[np.float32]:
        rows, width = self.shape
        matrix = np.empty(self.shape, dtype=np.float32)
        hasher = hashlib.sha256()  # the bytes as read: the corpus's key, at no extra pass
        done = 0
        for found in parquet.iter_batches(batch_size=batch, columns=[column]):
            if self._stop.is_set() or done >= rows:
                break
            block = bytes_block(found.column(0).slice(0, rows - done), width, self._label)
            hasher.update(memoryview(block).cast("B"))
            part = matrix[done : done + len(block)]
            widen(block, part)
            unit_again(part)  # while the rows are in the cache
            done += len(block)
        if done < rows and not self._stop.is_set():
            raise OSError(f"{done:,} rows of vectors found, {rows:,} expected")
        _remember_digest(matrix, hasher.digest())
        return matrix

    def matrix(self) -> NDArray[np.float32]:
        """The ``(rows, width)`` float32 matrix, once read.

        Raises:
            ValueError: the file is damaged, or a row has no vector.
        """
        import pyarrow as pa

        try:
            return self._future.result()
        except (pa.ArrowException, OSError) as error:
            raise ValueError(damaged_parquet(self._label, error)) from None

    def cancel(self) -> None:
        """Stop reading (the vectors will not be used)."""
        self._stop.set()
