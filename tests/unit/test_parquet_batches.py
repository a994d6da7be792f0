"""Reading a big parquet fast: batch sizes from the metadata, decoding one batch ahead,
and the fingerprint of every row of vectors (issue 13 §5)."""

from __future__ import annotations

import io
import threading

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from explorer.config import PARQUET_BATCH_BYTES, PARQUET_BATCH_MAX_ROWS, PARQUET_BATCH_ROWS
from explorer.documents.corpus_view import fingerprint
from explorer.documents.readers.parquet import batch_rows, decoded_ahead, read_parquet


def parquet_of(table: pa.Table, **options) -> bytes:
    out = io.BytesIO()
    pq.write_table(table, out, **options)
    return out.getvalue()


def metadata(data: bytes):
    return pq.ParquetFile(io.BytesIO(data)).metadata


def test_batches_hold_about_the_byte_budget_by_the_densest_row_group() -> None:
    short = parquet_of(pa.table({"text": [f"doc {i}" for i in range(5_000)]}))
    assert batch_rows(metadata(short)) == PARQUET_BATCH_MAX_ROWS  # small rows: the most rows
    vectors = np.random.default_rng(1).standard_normal((3_000, 384), dtype=np.float32)
    wide = parquet_of(
        pa.table({"embedding": pa.FixedSizeListArray.from_arrays(vectors.reshape(-1), 384)}),
        compression="none",
    )
    rows = batch_rows(metadata(wide))
    per_row = (
        sum(
            metadata(wide).row_group(0).column(c).total_uncompressed_size
            for c in range(metadata(wide).num_columns)
        )
        / 3_000
    )
    assert rows == int(PARQUET_BATCH_BYTES // per_row)  # about 10,900 rows of 384 float32
    assert PARQUET_BATCH_ROWS < rows < PARQUET_BATCH_MAX_ROWS
    # Columns read apart (float16 bytes on their own thread) leave the rest's batch alone.
    both = parquet_of(
        pa.table({
            "text": [f"doc {i}" for i in range(3_000)],
            "embedding": pa.FixedSizeListArray.from_arrays(vectors.reshape(-1), 384),
        }),
        compression="none",
    )  # fmt: skip
    assert batch_rows(metadata(both), only={0}) == PARQUET_BATCH_MAX_ROWS
    assert batch_rows(metadata(both), only={1}) == rows  # the vectors alone, as above
    assert batch_rows(metadata(both)) < rows  # both columns: a little more per row
    # One row group of long texts among short ones: its rows set the batch.
    long = "x" * 200_000
    mixed = parquet_of(
        pa.table(
            {"text": [f"short {i}" for i in range(2_000)] + [f"{long}{i}" for i in range(2_000)]}
        ),
        row_group_size=2_000,
        compression="none",
    )
    assert batch_rows(metadata(mixed)) == PARQUET_BATCH_ROWS  # 200 KB a row: the fewest rows


def test_a_million_rows_of_vectors_read_in_few_batches_match_the_file() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.uniform(2, 3, (70_000, 8)).astype(np.float16)  # no row near unit length
    texts = [f"document number {i}" for i in range(70_000)]
    data = parquet_of(
        pa.table(
            {
                "text": texts,
                "embedding": pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), 8),
            }
        )
    )
    read = read_parquet(data, "v.parquet", None)
    np.testing.assert_array_equal(read.matrices["embedding"], vectors.astype(np.float32))
    assert read.data["text"].tolist() == texts
    assert read.notes == []


def test_decoding_ahead_keeps_order_raises_where_the_items_fail_and_stops_early() -> None:
    assert list(decoded_ahead(iter(range(5)))) == [0, 1, 2, 3, 4]

    def failing():
        yield 1
        raise OSError("cut short")

    got = []
    with pytest.raises(OSError, match="cut short"):
        for item in decoded_ahead(failing()):
            got.append(item)
    assert got == [1]
    taken = []

    def counted():
        for i in range(1_000):
            taken.append(i)
            yield i

    for item in decoded_ahead(counted()):
        if item == 2:
            break
    assert len(taken) <= 4  # at most one item decoded ahead of the one in hand
    assert not [t for t in threading.enumerate() if t.name.startswith("explorer-parquet")]


def test_the_fingerprint_covers_every_block_of_vectors() -> None:
    texts = [f"t{i}" for i in range(70_000)]
    vectors = np.zeros((70_000, 4), dtype=np.float32)
    other = vectors.copy()
    other[69_999, 3] = 1e-6  # in the second block of 65,536 rows
    assert fingerprint(texts, vectors) == fingerprint(texts, vectors.copy())
    assert fingerprint(texts, vectors) != fingerprint(texts, other)
    assert fingerprint(texts, vectors) != fingerprint(texts, vectors.reshape(-1, 2)[:70_000])
    assert fingerprint(texts, vectors) != fingerprint(texts)


def test_float16_bytes_are_read_beside_the_texts_and_hashed_on_the_way(tmp_path) -> None:
    import pandas as pd

    from explorer.documents.corpus import Corpus
    from explorer.documents.readers import from_frame, read_frame
    from explorer.documents.readers.half import PendingVectors, read_digest
    from explorer.documents.writers import write_parquet

    rng = np.random.default_rng(3)
    vectors = rng.uniform(2, 3, (3_000, 16)).astype(np.float32)
    corpus = Corpus(tuple(f"text {i}" for i in range(3_000)), pd.DataFrame(index=range(3_000)))
    path = tmp_path / "half.parquet"
    write_parquet(path, corpus, vectors=vectors, vector_dtype="float16")
    frame = read_frame(path.read_bytes(), name=path.name)
    assert isinstance(frame.vectors, PendingVectors) and frame.vectors.shape == (3_000, 16)
    read = from_frame(frame)
    np.testing.assert_array_equal(read.vectors, vectors.astype(np.float16).astype(np.float32))
    assert read_digest(read.vectors) is not None and read_digest(read.vectors.copy()) is None
    again = from_frame(read_frame(path.read_bytes(), name=path.name))
    key = fingerprint(read.texts, read.vectors)
    assert fingerprint(again.texts, again.vectors) == key  # the same file, the same key
    changed = vectors.copy()
    changed[2_999, 0] = 2.5
    write_parquet(path, corpus, vectors=changed, vector_dtype="float16")
    other = from_frame(read_frame(path.read_bytes(), name=path.name))
    assert fingerprint(other.texts, other.vectors) != key
    assert fingerprint(read.texts, read.vectors.copy()) != key  # hashed the float32 way


def test_float16_widens_with_numpy_while_torch_is_still_being_imported(monkeypatch) -> None:
    """A fresh server imports torch on its warm-up thread: an upload read meanwhile saw a
    partly initialised torch (no from_numpy yet) and failed with an AttributeError."""
    import importlib.machinery
    import sys
    import types

    from explorer.documents.readers.half import widen

    partial = types.ModuleType("torch")
    partial.__spec__ = importlib.machinery.ModuleSpec("torch", None)
    partial.__spec__._initializing = True  # what the import system sets until it is done
    monkeypatch.setitem(sys.modules, "torch", partial)
    half = np.array([[0.5, -2.0], [65504.0, 0.0]], dtype=np.float16)
    out = np.zeros((2, 2), dtype=np.float32)
    widen(half, out)
    assert out.tolist() == [[0.5, -2.0], [65504.0, 0.0]]


@pytest.mark.parametrize("with_torch", [True, False])
def test_float16_widens_to_float32_exactly_with_torch_or_numpy(monkeypatch, with_torch) -> None:
    """widen: torch's conversion where torch is loaded (the server), numpy's otherwise;
    every float16 (subnormals, infinities, NaN) comes out as numpy's own cast gives it."""
    import sys

    from explorer.documents.readers.half import widen

    if with_torch:
        import torch  # noqa: F401 - loaded, as in the app's server
    else:
        monkeypatch.delitem(sys.modules, "torch", raising=False)
    every = np.arange(2**16, dtype=np.uint16).view(np.float16).reshape(256, 256)
    readonly = np.frombuffer(every.tobytes(), dtype=np.float16).reshape(256, 256)
    out = np.full((256, 256), 7.0, dtype=np.float32)
    widen(readonly, out)
    assert np.array_equal(out, every.astype(np.float32), equal_nan=True)
    part = np.zeros((4, 256), dtype=np.float32)
    widen(readonly[::64], part)  # rows of a strided view
    assert np.array_equal(part, every[::64].astype(np.float32), equal_nan=True)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_a_parquet_on_disk_reads_as_its_bytes_do_even_once_deleted(tmp_path, dtype) -> None:
    """A big upload is set aside on disk and read from there (ui/uploads.spool_upload):
    the same frame as from its bytes, a float16 column still read on its thread after
    the file is deleted (it was opened first), and the size limit still checked."""
    import pandas as pd

    from explorer.documents.corpus import Corpus
    from explorer.documents.readers import from_frame, read_frame
    from explorer.documents.writers import write_parquet

    rng = np.random.default_rng(5)
    vectors = rng.uniform(2, 3, (5_000, 12)).astype(np.float32)
    texts = tuple(f"text {i}" + " word" * (i % 7) for i in range(5_000))
    corpus = Corpus(texts, pd.DataFrame({"theme": [f"t{i % 4}" for i in range(5_000)]}))
    path = tmp_path / "v.parquet"
    write_parquet(path, corpus, vectors=vectors, vector_dtype=dtype)
    from_bytes = from_frame(read_frame(path.read_bytes(), name=path.name))
    frame = read_frame(path, name=path.name)
    path.unlink()
    from_disk = from_frame(frame)
    assert from_disk.texts == from_bytes.texts == texts
    np.testing.assert_array_equal(from_disk.vectors, from_bytes.vectors)
    assert from_disk.extra["theme"].tolist() == from_bytes.extra["theme"].tolist()
    assert fingerprint(from_disk.texts, from_disk.vectors) == fingerprint(
        from_bytes.texts, from_bytes.vectors
    )
    write_parquet(path, corpus, vectors=vectors, vector_dtype=dtype)
    with pytest.raises(ValueError, match=r"“v.parquet” is .* KB; the limit is 1000 bytes"):
        read_frame(path, name=path.name, max_bytes=1_000)
    with pytest.raises(ValueError, match="read from disk only as a .parquet"):
        read_frame(path, name="v.csv")


def test_a_file_on_disk_that_is_not_parquet_is_refused_by_its_signature(tmp_path) -> None:
    from explorer.documents.readers import read_frame

    path = tmp_path / "fake.parquet"
    path.write_bytes(b"%PDF-1.7 not a table")
    with pytest.raises(ValueError, match="is not a Parquet file: it is a PDF document"):
        read_frame(path, name=path.name)
    path.write_bytes(b"PAR1" + bytes(100) + b"PAR1")
    with pytest.raises(ValueError, match="damaged"):
        read_frame(path, name=path.name)


def test_only_a_parquet_with_a_column_of_vectors_is_taken_for_one() -> None:
    from explorer.documents.readers import parquet_has_vectors

    texts = pa.table({"text": ["a", "b"], "stars": [1, 2]})
    lists = pa.table({"text": ["a", "b"], "embedding": [[0.1, 0.2], [0.3, 0.4]]})
    half = pa.Array.from_buffers(pa.binary(4), 2, [None, pa.py_buffer(np.ones(4, "<f2"))])
    raw = pa.table({"text": ["a", "b"], "embedding": half}).replace_schema_metadata(
        {"explorer": '{"vectors": "float16-bytes"}'}
    )
    assert not parquet_has_vectors(parquet_of(texts))
    assert parquet_has_vectors(parquet_of(lists))
    assert parquet_has_vectors(parquet_of(raw))
    assert not parquet_has_vectors(parquet_of(lists)[:-12])  # no footer: damaged
    assert not parquet_has_vectors(b"text\nnot a parquet\n")
