"""Big-corpus loaders: every file type, every bad input, the parquet round trip, embedding."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from explorer.config import (
    CORPUS_EMBED_BATCH,
    CORPUS_EMBED_BATCH_GPU,
    ENCODE_BATCH_SIZE,
    ENCODE_BATCH_SIZE_GPU,
    MAX_PHRASE_CHARS,
    SEARCH_CACHE_DIR_ENV,
)
from explorer.documents.corpus import Corpus, check_vectors_for
from explorer.documents.embed import default_batch_size, embed
from explorer.documents.readers import Frame, from_frame, load_file, read_frame, read_vectors
from explorer.documents.readers import text as readers_text
from explorer.documents.writers import write_parquet
from explorer.models import SentenceEmbedder
from explorer.models.doc_cache import DocumentCache, model_folder_name


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def parquet(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def tsv(vectors: np.ndarray) -> bytes:
    return "\n".join("\t".join(str(v) for v in row) for row in vectors).encode()


@pytest.fixture
def vectors() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)


# --- Loaders -------------------------------------------------------------------


def test_txt_has_one_document_per_line_and_skips_blank_lines() -> None:
    dataset = load_file(b"first doc\n\n  second doc \r\nfirst doc\n", name="notes.txt")
    assert dataset.texts == ("first doc", "second doc")
    assert dataset.source == "“notes.txt”"
    assert dataset.vectors is None and dataset.coords is None
    assert list(dataset.extra.columns) == [] and len(dataset.extra) == 2
    assert dataset.notes == (
        "Merged 1 duplicate row (the first of each is kept); 2 distinct documents remain.",
    )
    assert dataset.describe() == "“notes.txt”: 2 documents"


def test_csv_with_semicolons_guesses_text_and_colour_columns() -> None:
    frame = read_frame(
        b"id;review;stars;shop\n1;Great phone, works well;5;north\n2;Battery died;1;south\n"
        b"3;Screen cracked in a week;2;north\n",
        name="reviews.csv",
    )
    assert list(frame.data.columns) == ["id", "review", "stars", "shop"]
    assert frame.text_guess == "review"
    assert frame.text_columns == ("review", "shop")
    assert frame.color_columns == ("id", "stars", "shop")
    assert frame.vector_column is None and frame.metadata == {}
    assert frame.data["stars"].tolist() == [5, 1, 2]  # numbers, for a colour scale
    dataset = from_frame(frame)
    assert dataset.texts[0] == "Great phone, works well"
    assert dataset.source == "“reviews.csv”, column “review”"
    assert dataset.extra.to_dict("list") == {
        "id": [1, 2, 3],
        "stars": [5, 1, 2],
        "shop": ["north", "south", "north"],
    }


def test_text_guess_prefers_known_names_then_the_longest_words() -> None:
    named = read_frame(b"title,body\nshort,a much longer body of text\n", name="a.csv")
    assert named.text_guess == "body" and named.text_columns == ("body", "title")
    unnamed = read_frame(
        b"code,words\nA1,the quick brown fox jumps\nB2,over the lazy dog today\n", name="b.csv"
    )
    assert unnamed.text_guess == "words"
    numbers = read_frame(b"a,b\n1,2\n3,4\n", name="n.csv")
    assert numbers.text_guess is None and numbers.text_columns == ()
    with pytest.raises(ValueError, match="“n.csv” has no text column: its columns"):
        from_frame(numbers)


def test_tsv_table_of_texts_is_read_as_a_table() -> None:
    dataset = load_file(b"text\tlabel\nhello there\tx\nbye now\ty\n", name="t.tsv")
    assert dataset.texts == ("hello there", "bye now")
    assert dataset.extra["label"].tolist() == ["x", "y"]


def test_parquet_with_a_list_column_of_vectors(vectors) -> None:
    table = pa.table(
        {
            "id": list(range(5)),
            "sentence": [f"sentence number {i} is here" for i in range(5)],
            "vector": pa.array(list(vectors), type=pa.list_(pa.float32())),
        }
    )
    frame = read_frame(parquet(table), name="vecs.parquet")
    assert frame.vector_column == "vector"
    assert frame.text_guess == "sentence"
    assert "vector" not in frame.color_columns and "vector" not in frame.text_columns
    dataset = from_frame(frame)
    assert np.array_equal(dataset.vectors, vectors)
    assert dataset.vectors.dtype == np.float32
    assert dataset.model is None and list(dataset.extra.columns) == ["id"]
    assert dataset.describe() == "“vecs.parquet”, column “sentence”: 5 documents, 4-d vectors"


def test_npy_with_a_texts_file(vectors) -> None:
    dataset = read_vectors({"v.npy": npy(vectors), "t.txt": b"a\nb\nc\nd\ne\n"})
    assert dataset.texts == tuple("abcde")
    assert np.array_equal(dataset.vectors, vectors)
    assert dataset.source == "“v.npy” with “t.txt”"


def test_npy_with_a_csv_of_texts_keeps_the_other_columns(vectors) -> None:
    texts = b"text,topic\nalpha,x\nbeta,y\n,z\nalpha,w\ndelta,v\n"
    dataset = read_vectors({"v.npy": npy(vectors), "t.csv": texts})
    assert dataset.texts == ("alpha", "beta", "delta")
    # row 3 has no text and row 4 repeats row 1: both go with their vectors
    assert np.array_equal(dataset.vectors, vectors[[0, 1, 4]])
    assert dataset.extra["topic"].tolist() == ["x", "y", "v"]
    assert dataset.source == "“v.npy” with “t.csv”, column “text”"


def test_projector_tsv_and_zip(vectors) -> None:
    metadata = "phrase\ttopic\n" + "\n".join(f"phrase {i}\t{i % 2}" for i in range(5))
    files = {"vectors.tsv": tsv(vectors), "metadata.tsv": metadata.encode()}
    dataset = read_vectors(files)
    assert dataset.texts == tuple(f"phrase {i}" for i in range(5))
    assert np.allclose(dataset.vectors, vectors)
    assert dataset.extra["topic"].tolist() == [0, 1, 0, 1, 0]
    assert dataset.source == "“vectors.tsv” with “metadata.tsv”"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, data in files.items():
            zipped.writestr(f"export/{name}", data)
    zipped_dataset = load_file(archive.getvalue(), name="projector.zip")
    assert zipped_dataset.texts == dataset.texts
    assert np.array_equal(zipped_dataset.vectors, dataset.vectors)
    assert zipped_dataset.source.startswith("“projector.zip” (")


def test_a_numeric_tsv_alone_is_projector_vectors(vectors) -> None:
    dataset = load_file(tsv(vectors), name="vectors.tsv")
    assert dataset.texts[0] == "point 1" and dataset.vectors.shape == (5, 4)
    assert any("No phrases file" in note for note in dataset.notes)


# --- Bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "e.csv", "“e.csv” is empty"),
        (b"  \n\n", "e.txt", "“e.txt” is empty"),
        (b"text,topic\n", "h.csv", r"has a header row \(text, topic\) but no rows of data"),
        (b"\x89PNG\r\n\x1a\nrest", "img.csv", "is not a text file: it is a PNG image"),
        (b"PK\x03\x04abc", "sheet.txt", "it is a ZIP archive"),
        ("café\n".encode("latin-1"), "l.txt", "is not UTF-8 text: byte 0xE9 on line 1"),
        (b"\xff\xfet\x00e\x00x\x00t\x00", "u.csv", "is UTF-16 text"),
        (b"x", "a.docx", r"is not a \.txt, \.csv, \.tsv, \.parquet, \.npy or \.zip file"),
        (b"not a parquet", "a.parquet", "is not a Parquet file: it lacks the Parquet signature"),
        (b"PAR1 cut short", "b.parquet", "cannot be read as Parquet"),
        (b"a,b\n1,2\n3,4,5\n", "r.csv", "cannot be read as CSV: Expected 2 fields in line 3"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(data, name, message) -> None:
    with pytest.raises(ValueError, match=message):
        load_file(data, name=name)


def test_a_file_over_max_bytes_is_refused_before_reading() -> None:
    with pytest.raises(ValueError, match=r"“big.csv” is 27 bytes; the limit is 10 bytes"):
        read_frame(b"text\n" + b"a document\n" * 2, name="big.csv", max_bytes=10)


def test_a_file_larger_than_the_search_limit_is_checked_then_decoded_whole(monkeypatch) -> None:
    monkeypatch.setattr(readers_text, "HEAD_BYTES", 8)
    # "é" takes bytes 8 and 9: the head check must not call it cut
    text = "abcdefgé\nsecond line\nthird line\n"
    assert load_file(text.encode(), name="big.txt").texts == (
        "abcdefgé",
        "second line",
        "third line",
    )
    with pytest.raises(ValueError, match="“late.txt” is not UTF-8 text: byte 0xE9 on line 3"):
        load_file(b"first line\nsecond line\ncaf\xe9\n", name="late.txt")
    with pytest.raises(ValueError, match="it is a PDF document"):
        load_file(b"%PDF-1.7 and a lot more bytes", name="doc.txt")


def test_a_missing_column_lists_the_columns() -> None:
    frame = read_frame(b"id,body\n1,hello\n", name="c.csv")
    with pytest.raises(
        ValueError, match="“c.csv” has no column “text”; its columns are “id”, “body”"
    ):
        from_frame(frame, text_column="text")


def test_numbers_in_the_text_column_are_read_as_text_with_a_note() -> None:
    dataset = load_file(b"text\nhello\n42\n7.5\nbye\n", name="m.csv")
    assert dataset.texts == ("hello", "42", "7.5", "bye")
    assert dataset.notes == (
        "2 rows of column “text” hold only a number (first: row 2, “42”); they are read as text.",
    )
    spaced = load_file(b"text\nInfinity\n -3e2\nnine\n.5 \nnan\n", name="s.csv")
    assert spaced.notes == (
        "3 rows of column “text” hold only a number (first: row 1, “Infinity”); they are "
        "read as text.",
    )
    numeric = from_frame(read_frame(b"code,text\n1,a\n2,b\n", name="n.csv"), text_column="code")
    assert numeric.texts == ("1", "2")
    assert numeric.notes == ("Column “code” holds numbers, not text; they are read as text.",)
    mixed = Frame("df", pd.DataFrame({"text": ["a", 3, None, True]}), "text", ("text",), (), None)
    dataset = from_frame(mixed)
    assert dataset.texts == ("a", "3", "True")
    assert dataset.notes[0] == (
        "2 rows of column “text” hold numbers or other values, not text (first: row 2, “3”); "
        "they are read as text."
    )


def test_rows_without_text_are_left_out_with_their_numbers() -> None:
    rows = "\n".join(["text,n", *[f",{i}" if i % 3 == 0 else f"doc {i},{i}" for i in range(20)]])
    dataset = load_file(rows.encode(), name="gaps.csv")
    assert len(dataset) == 13
    assert dataset.notes == (
        "Left out 7 rows with no text in column “text” of “gaps.csv” "
        "(rows 1, 4, 7, 10, 13 and 2 more).",
    )
    assert dataset.extra["n"].tolist()[:3] == [1, 2, 4]
    frame = Frame("df", pd.DataFrame({"text": ["a", np.nan, "b"]}), "text", ("text",), (), None)
    assert from_frame(frame).notes == (
        "Left out 1 row with no text in column “text” of “df” (row 2).",
    )


def test_a_column_with_no_text_at_all_is_refused() -> None:
    frame = read_frame(b"text,n\n,1\n  ,2\n", name="blank.csv")
    with pytest.raises(
        ValueError, match="The corpus is empty: column “text” of “blank.csv” has no text"
    ):
        from_frame(frame)


def test_duplicates_are_merged_and_vectors_stay_aligned(vectors) -> None:
    table = pa.table(
        {
            "text": ["a cat", "a dog", "a cat ", "cafe\u0301", "café"],
            "embedding": pa.array(list(vectors), type=pa.list_(pa.float32(), 4)),
        }
    )
    dataset = from_frame(read_frame(parquet(table), name="d.parquet"))
    assert dataset.texts == ("a cat", "a dog", "cafe\u0301")
    assert np.array_equal(dataset.vectors, vectors[[0, 1, 3]])
    assert dataset.notes == (
        "Merged 2 duplicate rows (the first of each is kept and its vector); "
        "3 distinct documents remain.",
    )


def test_rows_beyond_max_rows_are_left_out_with_a_note(vectors) -> None:
    dataset = read_vectors({"v.npy": npy(vectors), "t.txt": b"a\nb\nc\nd\ne\n"}, max_rows=3)
    assert dataset.texts == ("a", "b", "c")
    assert np.array_equal(dataset.vectors, vectors[:3])
    assert dataset.notes == (
        "Only the first 3 documents are kept (the limit); 2 more documents were left out.",
    )
    everything = from_frame(read_frame(b"a\nb\nc\n", name="t.txt"), max_rows=None)
    assert len(everything) == 3 and everything.notes == ()


def test_long_texts_are_kept_whole_with_a_note() -> None:
    long = "word " * (MAX_PHRASE_CHARS // 4)
    dataset = load_file(f"{long}\nshort\n".encode(), name="long.txt")
    assert dataset.texts[0] == long.strip()
    assert dataset.notes == (
        f"1 document is longer than {MAX_PHRASE_CHARS:,} characters: the model reads the first "
        f"{MAX_PHRASE_CHARS:,} characters of each.",
    )


def test_vectors_of_different_widths_are_refused_naming_a_row() -> None:
    table = pa.table(
        {"text": ["a", "b", "c"], "embedding": [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 2.0]]}
    )
    with pytest.raises(
        ValueError,
        match=r"row 3 has 2 values but row 1 has 3 \(widths found: 2, 3\); every vector needs",
    ):
        from_frame(read_frame(parquet(table), name="w.parquet"))
    npy_rows = npy(np.ones((3, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="has 3 vectors but “t.csv” has 2 rows"):
        read_vectors({"v.npy": npy_rows, "t.csv": b"text\na\nb\n"})
    with pytest.raises(ValueError, match="has 3 vectors but t.txt has 2 phrases"):
        read_vectors({"v.npy": npy_rows, "t.txt": b"a\nb\n"})


def test_nan_vectors_are_refused_naming_the_rows() -> None:
    cells = [[0.0, 1.0], [np.nan, 1.0], [1.0, np.inf], [1.0, 1.0]]
    table = pa.table({"text": ["a", "b", "c", "d"], "embedding": cells})
    with pytest.raises(ValueError, match=r"NaN or infinite values in rows 2 and 3; every value"):
        from_frame(read_frame(parquet(table), name="n.parquet"))
    with pytest.raises(ValueError, match="NaN or infinite values"):
        read_vectors({"v.npy": npy(np.array(cells)), "t.txt": b"a\nb\nc\nd\n"})


def test_a_row_without_a_vector_is_refused() -> None:
    table = pa.table({"text": ["a", "b"], "embedding": [[0.0, 1.0], None]})
    with pytest.raises(ValueError, match="has no vector in row 2; every document needs one"):
        from_frame(read_frame(parquet(table), name="n.parquet"))


def test_read_vectors_refuses_files_that_do_not_go_together(vectors) -> None:
    with pytest.raises(ValueError, match="No file given"):
        read_vectors({})
    with pytest.raises(ValueError, match="Upload one .npy of vectors and one texts file"):
        read_vectors({"a.npy": npy(vectors), "b.npy": npy(vectors)})
    with pytest.raises(ValueError, match="has no column of vectors"):
        read_vectors({"t.parquet": parquet(pa.table({"text": ["a"]}))})
    with pytest.raises(ValueError, match="Cannot read “x.xlsx” as vectors"):
        read_vectors({"x.xlsx": b"x"})


def test_coordinates_in_x_and_y_become_the_map_and_bad_ones_a_note() -> None:
    dataset = load_file(b"text,X,y\na,0.5,1\nb,2,-3\n", name="map.csv")
    assert dataset.coords.tolist() == [[0.5, 1.0], [2.0, -3.0]]
    assert list(dataset.extra.columns) == []
    broken = load_file(b"text,x,y\na,0.5,1\nb,,-3\n", name="map.csv")
    assert broken.coords is None
    assert broken.notes == (
        "Columns “x” and “y” are not used as the map: row 2 has no finite number in them. "
        "The map is computed instead.",
    )


# --- Parquet round trip --------------------------------------------------------


def test_write_parquet_round_trip_keeps_vectors_coords_columns_and_metadata(tmp_path) -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(4, 384)).astype(np.float32)
    coords = rng.normal(size=(4, 2))
    extra = pd.DataFrame(
        {
            "topic": ["a", "b", None, "a"],
            "score": [1.5, 2.0, np.nan, 4.0],
            "text": list("wxyz"),
            "mixed": [1, "two", None, 3.5],  # arrow has no type for it: written as text
        }
    )
    dataset = Corpus(("one", "two", "three", "four"), extra, None, None, None, None, "test")
    path = tmp_path / "out.parquet"
    write_parquet(path, dataset, vectors=vectors, coords=coords, model="minilm", method="umap")
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]  # no partial file left
    table = pq.read_table(path)
    assert table.column_names == [
        "text",
        "topic",
        "score",
        "text (2)",
        "mixed",
        "embedding",
        "x",
        "y",
    ]
    assert table.column("mixed").to_pylist() == ["1", "two", None, "3.5"]
    assert table.schema.field("embedding").type == pa.list_(pa.float32(), 384)
    assert json.loads(table.schema.metadata[b"explorer"]) == {
        "model": "minilm",
        "dim": 384,
        "method": "umap",
        "rows": 4,
        "version": 1,
    }
    frame = read_frame(path.read_bytes(), name=path.name)
    assert frame.text_guess == "text" and frame.vector_column == "embedding"
    back = from_frame(frame)
    assert back.texts == dataset.texts
    assert np.array_equal(back.vectors, vectors)
    assert np.array_equal(back.coords, coords)
    assert back.model == "minilm" and back.method == "umap"
    assert back.extra["topic"].tolist()[:2] == ["a", "b"]
    assert back.extra["score"].tolist()[:2] == [1.5, 2.0]
    assert back.describe() == (
        "“out.parquet”, column “text”: 4 documents, 384-d vectors from minilm, a map (UMAP)"
    )
    # the dataset's own vectors and map are written when none are given
    again = tmp_path / "again.parquet"
    write_parquet(again, back)
    assert np.array_equal(load_file(again.read_bytes(), name="again.parquet").vectors, vectors)


def test_write_parquet_refuses_vectors_that_are_not_one_per_text(tmp_path) -> None:
    dataset = Corpus(("a", "b"), pd.DataFrame(index=range(2)), None, None, None, None, "t")
    with pytest.raises(
        ValueError, match=r"one vector per text: 2 texts, vectors of shape \(3, 4\)"
    ):
        write_parquet(tmp_path / "x.parquet", dataset, vectors=np.zeros((3, 4)))
    assert list(tmp_path.iterdir()) == []


def test_check_vectors_for_compares_width_and_model(minilm) -> None:
    def with_vectors(dim: int, model: str | None) -> Corpus:
        vectors = np.zeros((1, dim), dtype=np.float32)
        return Corpus(("a",), pd.DataFrame(index=range(1)), vectors, None, model, None, "“v”")

    check_vectors_for(with_vectors(384, "minilm"), minilm)
    check_vectors_for(with_vectors(384, None), minilm)
    with pytest.raises(ValueError, match="“v” are 512-d but minilm makes 384-d"):
        check_vectors_for(with_vectors(512, None), minilm)
    with pytest.raises(ValueError, match="were made by other-model, not minilm"):
        check_vectors_for(with_vectors(384, "other-model"), minilm)


# --- Embedding through the cache -------------------------------------------------


class Renamed:
    """MiniLM under another name: the cache must keep its embeddings apart."""

    axis_titles = None

    def __init__(self, base, name: str) -> None:
        self.base, self.name, self.dim = base, name, base.dim

    def encode(self, texts):
        return self.base.encode_uncached(list(texts))

    encode_uncached = encode


def small_dataset(n: int = 6) -> Corpus:
    texts = "\n".join(f"corpus test document number {i}" for i in range(n))
    return load_file(texts.encode(), name="small.txt")


def test_embed_misses_then_hits_the_cache(minilm, tmp_path) -> None:
    dataset = small_dataset()
    cache = DocumentCache(tmp_path / "cache")
    first = embed(dataset, model=minilm, cache=cache)
    assert first.shape == (6, 384) and first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert cache.embedded == 6
    again = embed(dataset, model=minilm, cache=cache)
    assert cache.embedded == 6  # nothing embedded the second time
    assert np.array_equal(first, again)
    fresh = DocumentCache(tmp_path / "cache")  # another process, same folder
    assert np.array_equal(embed(dataset, model=minilm, cache=fresh), first)
    assert fresh.embedded == 0


def test_another_model_gets_its_own_entries(minilm, tmp_path) -> None:
    dataset = small_dataset(3)
    cache = DocumentCache(tmp_path / "cache")
    embed(dataset, model=minilm, cache=cache)
    embed(dataset, model=Renamed(minilm, "minilm-copy"), cache=cache)
    assert cache.embedded == 6
    folders = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert folders == sorted(f"{model_folder_name(n)}-384d" for n in ("minilm", "minilm-copy"))


def test_an_interrupted_embedding_resumes_where_it_stopped(minilm, tmp_path) -> None:
    dataset = small_dataset(7)
    calls: list[tuple[int, int]] = []

    def stop_after_first_batch(done: int, total: int) -> None:
        calls.append((done, total))
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        embed(
            dataset,
            model=minilm,
            cache=DocumentCache(tmp_path / "cache"),
            progress=stop_after_first_batch,
            batch_size=3,
        )
    assert calls == [(0, 7), (3, 7)]
    rerun = DocumentCache(tmp_path / "cache", batch_size=3)
    seen: list[tuple[int, int]] = []
    vectors = embed(dataset, model=minilm, cache=rerun, progress=lambda d, t: seen.append((d, t)))
    assert rerun.embedded == 4 and seen == [(0, 4), (3, 4), (4, 4)]
    assert np.allclose(vectors, minilm.encode(list(dataset.texts)), atol=1e-5)


class GpuLike:
    """A model that says it runs on a GPU (no GPU needed: it hashes texts)."""

    axis_titles = None
    name = "gpu-like"
    dim = 3
    device = "cuda"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode_uncached(self, texts):
        self.calls.append(len(texts))
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    encode = encode_uncached


def test_batch_size_follows_the_device_and_shares_the_default_folder(
    minilm, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv(SEARCH_CACHE_DIR_ENV, str(tmp_path / "default"))
    assert default_batch_size(minilm) == CORPUS_EMBED_BATCH
    gpu = GpuLike()
    assert default_batch_size(gpu) == CORPUS_EMBED_BATCH_GPU
    embed(small_dataset(4), model=gpu)
    assert gpu.calls == [4]
    # the batch went to the default folder, where any cache finds it
    assert DocumentCache(tmp_path / "default").cached_count(gpu) == 4
    given = DocumentCache(tmp_path / "given", batch_size=2)
    embed(small_dataset(5), model=GpuLike(), cache=given)  # a given cache keeps its size
    assert given.embedded == 5
    other = GpuLike()
    embed(small_dataset(5), model=other, cache=DocumentCache(None), batch_size=2)
    assert other.calls == [2, 2, 1]
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        embed(small_dataset(2), model=other, batch_size=0)


def test_a_gpu_model_runs_bigger_forward_passes(monkeypatch) -> None:
    seen: list[int] = []

    class Model:
        def encode(self, texts, *, batch_size, **options):
            seen.append(batch_size)
            return np.zeros((len(texts), 2), dtype=np.float32)

    model = SentenceEmbedder.__new__(SentenceEmbedder)
    model.name, model.dim, model._model = "fake", 2, Model()
    for device in ("cpu", "cuda"):
        model.device = device
        model.encode_uncached(["a"])
    assert seen == [ENCODE_BATCH_SIZE, ENCODE_BATCH_SIZE_GPU]
