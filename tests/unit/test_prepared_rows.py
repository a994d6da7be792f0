"""Files that bring their vectors open up to CORPUS_MAX_PREPARED_ROWS rows; texts to embed
stay capped at CORPUS_MAX_ROWS (issue 13 §5). Vectors stored as float16 read back as float32.

The caps are monkeypatched small: the rules are the same at 1,000,000 rows.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from explorer import cli
from explorer.documents.corpus import Corpus
from explorer.documents.readers import load_file, read_frame, read_vectors, text
from explorer.documents.shard_upload import read_uploaded
from explorer.documents.writers import parquet_bytes, write_parquet


@pytest.fixture
def small_caps(monkeypatch):
    """Texts to embed: at most 3 rows; files with vectors: at most 6."""
    monkeypatch.setattr(text, "CORPUS_MAX_ROWS", 3)
    monkeypatch.setattr(text, "CORPUS_MAX_PREPARED_ROWS", 6)


def unit_vectors(n: int, dim: int = 8, seed: int = 0) -> np.ndarray:
    random = np.random.default_rng(seed).normal(size=(n, dim))
    return (random / np.linalg.norm(random, axis=1, keepdims=True)).astype(np.float32)


def corpus_of(n: int) -> Corpus:
    texts = tuple(f"document number {i}" for i in range(n))
    return Corpus(texts, pd.DataFrame({"theme": [f"t{i % 2}" for i in range(n)]}))


def prepared(n: int, **options) -> bytes:
    return parquet_bytes(corpus_of(n), vectors=unit_vectors(n), model="minilm", **options)


def test_a_prepared_parquet_opens_past_the_texts_cap_up_to_its_own(small_caps) -> None:
    corpus = load_file(prepared(6), name="map.parquet")
    assert len(corpus) == 6 and corpus.vectors.shape == (6, 8)
    assert corpus.vectors.dtype == np.float32
    np.testing.assert_array_equal(corpus.vectors, unit_vectors(6))
    assert corpus.notes == ()


def test_a_prepared_parquet_over_its_cap_keeps_the_first_rows_with_a_note(small_caps) -> None:
    corpus = load_file(prepared(8), name="map.parquet")
    assert corpus.texts == tuple(f"document number {i}" for i in range(6))
    np.testing.assert_array_equal(corpus.vectors, unit_vectors(8)[:6])
    assert corpus.extra["theme"].tolist() == ["t0", "t1"] * 3
    assert corpus.notes == ("“map.parquet” has 8 rows; only the first 6 were read (the limit).",)


def test_texts_to_embed_stay_capped_at_corpus_max_rows(small_caps) -> None:
    csv = "text\n" + "".join(f"document number {i}\n" for i in range(5))
    corpus = load_file(csv.encode(), name="docs.csv")
    assert len(corpus) == 3 and corpus.vectors is None
    assert corpus.notes == (
        "“docs.csv” has more than 3 rows; only the first 3 were read (the limit).",
    )
    plain = parquet_bytes(corpus_of(5))  # a parquet without vectors: texts to embed
    corpus = load_file(plain, name="docs.parquet")
    assert len(corpus) == 3
    assert corpus.notes == ("“docs.parquet” has 5 rows; only the first 3 were read (the limit).",)


def test_npy_vectors_with_their_texts_take_the_prepared_cap(small_caps) -> None:
    buffer = io.BytesIO()
    np.save(buffer, unit_vectors(8))
    texts = "".join(f"line {i}\n" for i in range(8)).encode()
    corpus = read_vectors({"v.npy": buffer.getvalue(), "t.txt": texts})
    assert len(corpus) == 6 and corpus.vectors.shape == (6, 8)
    assert "Only the first 6 documents are kept (the limit); 2 more documents were left out." in (
        corpus.notes
    )


def test_shards_uploaded_together_take_the_prepared_cap(small_caps) -> None:
    shards = {}
    for i in range(2):
        texts = tuple(f"shard {i} document {j}" for j in range(4))
        shard = Corpus(texts, pd.DataFrame(index=range(4)))
        shards[f"part-{i}.parquet"] = parquet_bytes(shard, vectors=unit_vectors(4, seed=i))
    corpus = read_uploaded(shards)
    assert len(corpus) == 6 and corpus.texts[-1] == "shard 1 document 1"
    assert corpus.notes[0] == "Read the first 6 of 8 rows: 2 shards, in name order."


def test_float16_vectors_read_back_as_float32_and_unit_length(tmp_path) -> None:
    vectors = unit_vectors(50, dim=384)
    path = tmp_path / "half.parquet"
    write_parquet(path, corpus_of(50), vectors=vectors, model="minilm", vector_dtype="float16")
    schema = pq.read_schema(path)
    assert schema.field("embedding").type == pa.binary(2 * 384)  # each row's float16 bytes
    assert b'"vectors": "float16-bytes"' in schema.metadata[b"explorer"]
    raw = pq.read_table(path).column("embedding").to_pylist()
    np.testing.assert_array_equal(np.frombuffer(raw[7], "<f2"), vectors[7].astype(np.float16))
    assert path.stat().st_size < 0.6 * len(parquet_bytes(corpus_of(50), vectors=vectors))
    corpus = load_file(path.read_bytes(), name=path.name)
    assert corpus.vectors.dtype == np.float32 and corpus.model == "minilm"
    np.testing.assert_allclose(np.linalg.norm(corpus.vectors, axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(corpus.vectors, vectors, atol=2e-3)


def test_float16_lists_from_other_tools_still_read_back_as_float32() -> None:
    vectors = unit_vectors(6, dim=16)
    cells = pa.FixedSizeListArray.from_arrays(pa.array(vectors.astype(np.float16).reshape(-1)), 16)
    out = io.BytesIO()
    pq.write_table(pa.table({"text": [f"doc {i}" for i in range(6)], "embedding": cells}), out)
    corpus = load_file(out.getvalue(), name="lists.parquet")
    assert corpus.vectors.dtype == np.float32
    np.testing.assert_allclose(corpus.vectors, vectors, atol=2e-3)


def test_float16_bytes_with_a_missing_vector_are_refused_with_the_count(tmp_path) -> None:
    path = tmp_path / "half.parquet"
    write_parquet(path, corpus_of(4), vectors=unit_vectors(4), vector_dtype="float16")
    table = pq.read_table(path)
    cells = table.column("embedding").to_pylist()
    cells[2] = None
    broken = table.set_column(1, "embedding", pa.array(cells, type=pa.binary(16)))
    out = io.BytesIO()
    pq.write_table(broken.replace_schema_metadata(table.schema.metadata), out)
    with pytest.raises(ValueError) as error:
        load_file(out.getvalue(), name="gap.parquet")
    assert str(error.value) == (
        "“gap.parquet” has 1 row without a vector in column “embedding” (of float16 bytes); "
        "every document needs one. Write the file again with `python -m explorer embed` or "
        "`project`."
    )


def test_float16_bytes_of_a_sliced_batch_start_at_its_row() -> None:
    from explorer.documents.readers.half import bytes_block

    vectors = unit_vectors(5, dim=4).astype("<f2")
    cells = pa.Array.from_buffers(pa.binary(8), 5, [None, pa.py_buffer(vectors)])
    np.testing.assert_array_equal(bytes_block(cells.slice(2, 2), 4, "x"), vectors[2:4])


def test_float16_rows_far_from_unit_length_keep_their_length(tmp_path) -> None:
    vectors = np.array([[3.0, 4.0], [0.6, 0.8]], dtype=np.float32)
    path = tmp_path / "half.parquet"
    write_parquet(path, corpus_of(2), vectors=vectors, vector_dtype="float16")
    back = load_file(path.read_bytes(), name=path.name).vectors
    np.testing.assert_allclose(np.linalg.norm(back, axis=1), [5.0, 1.0], atol=1e-3)


def test_an_unknown_vector_dtype_is_refused_with_the_choices(tmp_path) -> None:
    with pytest.raises(ValueError) as error:
        write_parquet(tmp_path / "x.parquet", corpus_of(2), vectors=unit_vectors(2),
                      vector_dtype="int8")  # fmt: skip
    assert str(error.value) == (
        "vector_dtype='int8' is not one of float32, float16; float16 halves the file "
        "(a million 384-d vectors: 0.77 GB instead of 1.5)."
    )


def test_vectors_read_into_one_matrix_leave_the_frame_data() -> None:
    frame = read_frame(prepared(4), name="map.parquet")
    assert frame.vector_column == "embedding" and frame.vectors.shape == (4, 8)
    assert "embedding" not in frame.data.columns
    assert frame.columns == ["text", "theme", "embedding"]
    assert frame.without_vectors().vectors is None


def test_a_null_vector_is_still_named_by_its_row() -> None:
    table = pa.table({
        "text": ["a", "b", "c"],
        "embedding": pa.array([[0.1, 0.2], None, [0.3, 0.4]], type=pa.list_(pa.float32())),
    })  # fmt: skip
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    with pytest.raises(ValueError) as error:
        load_file(buffer.getvalue(), name="v.parquet")
    assert str(error.value) == (
        "Column “embedding” of “v.parquet” has no vector in row 2; every document needs one. "
        "Remove those rows or embed the texts again."
    )


def test_float64_and_ragged_vectors_go_cell_by_cell() -> None:
    table = pa.table({"text": ["a", "b"], "vector": [[0.5, 0.25, 1.0], [1.0, 2.0, 3.0]]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    corpus = load_file(buffer.getvalue(), name="v.parquet")
    assert corpus.vectors.tolist() == [[0.5, 0.25, 1.0], [1.0, 2.0, 3.0]]
    cells = pa.array([[0.5, 0.25], [1.0, 2.0, 3.0]], type=pa.list_(pa.float32()))
    ragged = pa.table({"text": ["a", "b"], "vector": cells})
    buffer = io.BytesIO()
    pq.write_table(ragged, buffer)
    with pytest.raises(ValueError, match="row 2 has 3 values but row 1 has 2"):
        load_file(buffer.getvalue(), name="v.parquet")


def test_project_writes_float16_vectors_when_asked(tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    write_parquet(source, corpus_of(30), vectors=unit_vectors(30, dim=16), model="minilm")
    out = tmp_path / "map.parquet"
    args = [
        "project",
        str(source),
        "--method",
        "pca",
        "--vector-dtype",
        "float16",
        "--out",
        str(out),
    ]
    assert cli.main(args) == 0
    assert pq.read_schema(out).field("embedding").type == pa.binary(2 * 16)  # float16 bytes
    corpus = load_file(out.read_bytes(), name=out.name)
    assert corpus.coords.shape == (30, 2) and corpus.method == "pca"
    np.testing.assert_allclose(corpus.vectors, unit_vectors(30, dim=16), atol=2e-3)
