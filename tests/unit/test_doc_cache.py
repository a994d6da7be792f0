"""The document embedding cache: memory, disk, resume, progress, keys, failures."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from explorer.config import MAX_PHRASE_CHARS, SEARCH_CACHE_DIR, SEARCH_CACHE_DIR_ENV
from explorer.models.doc_cache import (
    DocumentCache,
    cache_dir,
    checksum,
    default_cache,
    read_batch,
    text_digest,
)


class FakeEmbedder:
    """Deterministic vectors from each text's hash; records every model call."""

    axis_titles = None

    def __init__(self, name: str = "fake", dim: int = 8, *, fail_after: int | None = None):
        self.name = name
        self.dim = dim
        self.calls: list[list[str]] = []
        self.fail_after = fail_after

    def vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        row = np.random.default_rng(seed).normal(size=self.dim).astype(np.float32)
        return row / np.linalg.norm(row)

    def encode_uncached(self, texts: list[str]) -> np.ndarray:
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            raise KeyboardInterrupt("interrupted")
        self.calls.append(list(texts))
        return np.stack([self.vector(t) for t in texts])

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.encode_uncached(texts)

    @property
    def embedded(self) -> list[str]:
        return [t for call in self.calls for t in call]


def docs(n: int, tag: str = "doc") -> list[str]:
    return [f"{tag} number {i} " + "x" * (i % 7) for i in range(n)]


@pytest.fixture(autouse=True)
def cache_env(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "env-cache"
    monkeypatch.setenv(SEARCH_CACHE_DIR_ENV, str(folder))
    return folder


def test_returns_each_texts_vector_in_order_and_embeds_repeats_once(tmp_path) -> None:
    model = FakeEmbedder()
    texts = ["b", "a", "b", "c"]
    vectors = DocumentCache(tmp_path / "c").embed(texts, model=model)
    assert vectors.dtype == np.float32 and vectors.shape == (4, 8)
    assert np.array_equal(vectors, np.stack([model.vector(t) for t in texts]))
    assert sorted(model.embedded) == ["a", "b", "c"]


def test_a_second_call_embeds_nothing_and_a_new_process_reads_the_disk(tmp_path) -> None:
    texts = docs(50)
    model = FakeEmbedder()
    first = DocumentCache(tmp_path / "c")
    vectors = first.embed(texts, model=model)
    assert len(model.embedded) == 50
    again = first.embed(list(reversed(texts)), model=model)
    assert len(model.embedded) == 50  # memory
    assert np.array_equal(again, vectors[::-1])

    fresh_model = FakeEmbedder()
    later = DocumentCache(tmp_path / "c")  # as a new process would
    assert np.array_equal(later.embed(texts, model=fresh_model), vectors)
    assert fresh_model.calls == []
    assert later.cached_count(fresh_model) == 50


def test_only_new_documents_are_embedded(tmp_path) -> None:
    model = FakeEmbedder()
    cache = DocumentCache(tmp_path / "c")
    cache.embed(docs(20), model=model)
    cache.embed([*docs(20), "one new document"], model=model)
    assert model.calls[-1] == ["one new document"]
    assert cache.embedded == 21


def test_misses_are_embedded_in_large_batches_longest_first_one_file_each(tmp_path) -> None:
    model = FakeEmbedder()
    cache = DocumentCache(tmp_path / "c", batch_size=16)
    texts = docs(40)
    cache.embed(texts, model=model)
    assert [len(call) for call in model.calls] == [16, 16, 8]
    lengths = [len(t) for t in model.embedded]
    assert lengths == sorted(lengths, reverse=True)
    (folder,) = (tmp_path / "c").iterdir()
    files = sorted(folder.glob("batch-*.npz"))
    assert len(files) == 3
    with np.load(files[0]) as batch:
        assert batch["keys"].shape[1] == 32 and batch["vectors"].dtype == np.float32
        assert batch["vectors"].shape[1] == 8
    assert not list(folder.glob(".*partial"))


def test_progress_reports_each_batch_and_is_silent_when_all_is_cached(tmp_path) -> None:
    seen: list[tuple[int, int]] = []
    cache = DocumentCache(tmp_path / "c", batch_size=10)
    model = FakeEmbedder()
    cache.embed(docs(25), model=model, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 25), (10, 25), (20, 25), (25, 25)]
    seen.clear()
    cache.embed(docs(25), model=model, progress=lambda done, total: seen.append((done, total)))
    assert seen == []


def test_an_interrupted_corpus_resumes_where_it_stopped(tmp_path) -> None:
    texts = docs(50)
    broken = FakeEmbedder(fail_after=2)
    with pytest.raises(KeyboardInterrupt):
        DocumentCache(tmp_path / "c", batch_size=10).embed(texts, model=broken)
    assert len(broken.embedded) == 20  # two batches saved before the interruption

    model = FakeEmbedder()
    vectors = DocumentCache(tmp_path / "c", batch_size=10).embed(texts, model=model)
    assert len(model.embedded) == 30
    assert not set(model.embedded) & set(broken.embedded)
    assert np.array_equal(vectors, np.stack([model.vector(t) for t in texts]))


def test_keys_are_model_name_and_the_text_the_model_reads(tmp_path) -> None:
    cache = DocumentCache(tmp_path / "c")
    first, other = FakeEmbedder("first"), FakeEmbedder("other")
    cache.embed(["same text"], model=first)
    cache.embed(["same text"], model=other)
    assert other.embedded == ["same text"]  # another model: embedded again
    assert len(list((tmp_path / "c").iterdir())) == 2

    long_a = "y" * MAX_PHRASE_CHARS + " ending A"
    long_b = "y" * MAX_PHRASE_CHARS + " ending B"
    assert text_digest(long_a) == text_digest(long_b)
    cache.embed([long_a, long_b], model=first)
    assert first.calls[-1] == ["y" * MAX_PHRASE_CHARS]  # what the model reads, once


def test_a_damaged_file_is_skipped_and_its_documents_embedded_again(tmp_path) -> None:
    model = FakeEmbedder()
    DocumentCache(tmp_path / "c").embed(docs(5), model=model)
    (folder,) = (tmp_path / "c").iterdir()
    for path in folder.glob("batch-*.npz"):
        path.write_bytes(b"not an npz file")
    (folder / "batch-junk.npz").write_bytes(b"\x00\x01")
    fresh = FakeEmbedder()
    vectors = DocumentCache(tmp_path / "c").embed(docs(5), model=fresh)
    assert len(fresh.embedded) == 5
    assert np.array_equal(vectors, np.stack([fresh.vector(t) for t in docs(5)]))


def test_an_unwritable_folder_falls_back_to_memory_and_says_so(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cache = DocumentCache(blocker / "cache")
    model = FakeEmbedder()
    vectors = cache.embed(docs(3), model=model)
    assert np.array_equal(vectors, np.stack([model.vector(t) for t in docs(3)]))
    assert cache.disk_error is not None
    assert cache.disk_error.startswith(f"Could not write the embedding cache in {blocker}")
    assert SEARCH_CACHE_DIR_ENV in cache.disk_error
    cache.embed(docs(3), model=model)
    assert len(model.embedded) == 3  # memory still works


def test_memory_is_bounded_and_evicted_batches_come_back_from_disk(tmp_path) -> None:
    model = FakeEmbedder()
    cache = DocumentCache(tmp_path / "c", batch_size=10, memory_rows=20)
    first = cache.embed(docs(30, "first"), model=model)
    cache.embed(docs(30, "second"), model=model)
    store = next(iter(cache._stores.values()))
    assert sum(len(v) for v in store.loaded.values()) <= 20
    calls = len(model.calls)
    assert np.array_equal(cache.embed(docs(30, "first"), model=model), first)
    assert len(model.calls) == calls


def test_memory_only_cache_writes_nothing(tmp_path, cache_env) -> None:
    model = FakeEmbedder()
    cache = DocumentCache(None)
    cache.embed(docs(5), model=model)
    cache.embed(docs(5), model=model)
    assert len(model.embedded) == 5
    assert not cache_env.exists()


def test_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        DocumentCache(None, batch_size=0)


def test_cache_folder_comes_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(SEARCH_CACHE_DIR_ENV, str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    assert default_cache().folder == tmp_path / "mine"
    assert default_cache() is default_cache()
    monkeypatch.delenv(SEARCH_CACHE_DIR_ENV)
    assert cache_dir() == Path(SEARCH_CACHE_DIR).expanduser()
    assert str(cache_dir()).endswith(".cache/embedding-explorer")


def test_real_model_vectors_match_a_plain_encode(minilm, tmp_path) -> None:
    texts = ["Automobile repairs while you wait.", "Fresh basil pesto.", "A cat on a sofa."]
    cached = DocumentCache(tmp_path / "c").embed(texts, model=minilm)
    from_disk = DocumentCache(tmp_path / "c").embed(texts, model=minilm)
    direct = minilm.encode(texts)
    assert np.allclose(cached, direct, atol=1e-5)
    assert np.array_equal(cached, from_disk)
    assert np.allclose(np.linalg.norm(cached, axis=1), 1.0, atol=1e-5)


# --- Poisoned files, the size limit, locking per batch (issue 16) ---


def _poison(path: Path, *, keep_checksum: bool, dim: int | None = None) -> None:
    """Rewrite a batch file as a well-formed npz: a changed value under the old checksum,
    or NaN (or another width) under a matching checksum."""
    with np.load(path) as batch:
        keys, vectors, stored = batch["keys"], batch["vectors"], batch["checksum"]
    bad = vectors.copy() if dim is None else np.zeros((len(keys), dim), dtype=np.float32)
    bad[0, 0] = 0.5 if keep_checksum else np.nan  # finite but changed, or NaN
    written = stored if keep_checksum else checksum(keys, bad)
    with path.open("wb") as handle:
        np.savez(handle, keys=keys, vectors=bad, checksum=written)


@pytest.mark.parametrize(
    ("keep_checksum", "dim", "why"),
    [
        (True, None, "a missing or wrong checksum"),
        (False, None, "vectors holding NaN or infinite values"),
        (False, 5, "vectors of shape (5, 5), expected width 8"),
    ],
)
def test_a_poisoned_file_is_dropped_with_a_warning_and_recomputed(
    tmp_path, caplog, keep_checksum, dim, why
) -> None:
    model = FakeEmbedder()
    DocumentCache(tmp_path / "c").embed(docs(5), model=model)
    (path,) = (tmp_path / "c").glob("*/batch-*.npz")
    _poison(path, keep_checksum=keep_checksum, dim=dim)
    fresh = FakeEmbedder()
    with caplog.at_level("WARNING", logger="explorer.models.doc_cache"):
        vectors = DocumentCache(tmp_path / "c").embed(docs(5), model=fresh)
    assert np.array_equal(vectors, np.stack([fresh.vector(t) for t in docs(5)]))
    assert len(fresh.embedded) == 5
    assert not path.exists()  # dropped; a new, good file replaces it
    assert [r.getMessage() for r in caplog.records] == [
        f"Dropping embedding cache file {path} ({why}); its texts are embedded again."
    ]
    _, again = read_batch(next((tmp_path / "c").glob("*/batch-*.npz")), 8)
    assert np.isfinite(again).all()


def test_a_file_without_a_checksum_is_recomputed(tmp_path) -> None:
    DocumentCache(tmp_path / "c").embed(docs(3), model=FakeEmbedder())
    (path,) = (tmp_path / "c").glob("*/batch-*.npz")
    with np.load(path) as batch:
        keys, vectors = batch["keys"], batch["vectors"]
    with path.open("wb") as handle:
        np.savez(handle, keys=keys, vectors=vectors)  # the format before checksums
    with pytest.raises(ValueError, match="a missing or wrong checksum"):
        read_batch(path, 8)
    fresh = FakeEmbedder()
    DocumentCache(tmp_path / "c").embed(docs(3), model=fresh)
    assert len(fresh.embedded) == 3


def test_the_disk_cache_keeps_under_its_limit_evicting_the_least_recently_used(
    tmp_path, monkeypatch
) -> None:
    import explorer.models.doc_cache as doc_cache

    monkeypatch.setattr(doc_cache, "_TOUCH_EVERY_S", 0.0)
    model = FakeEmbedder()
    probe = DocumentCache(tmp_path / "probe", batch_size=10)
    probe.embed(docs(10, "probe"), model=model)
    (one,) = (tmp_path / "probe").glob("*/batch-*.npz")
    size = one.stat().st_size
    cache = DocumentCache(tmp_path / "c", batch_size=10, max_bytes=int(size * 3.5))
    for tag in ("a", "b", "c"):
        cache.embed(docs(10, tag), model=model)
    files = sorted((tmp_path / "c").glob("*/batch-*.npz"), key=lambda p: p.stat().st_mtime)
    first = files[0]
    import os
    import time as clock

    old = clock.time() - 1000
    for age, path in enumerate(files):
        os.utime(path, (old + age, old + age))
    cache._stores.clear()  # forget the memory copies: reads come from disk
    cache._touched.clear()
    cache.embed(docs(10, "a"), model=model)  # "a" is used again: now the most recent
    assert first.exists()
    cache.embed(docs(10, "d"), model=model)  # over 3.5 files: down to 90%, the oldest go
    left = list((tmp_path / "c").glob("*/batch-*.npz"))
    assert sum(p.stat().st_size for p in left) <= size * 3.5 * 0.9
    assert first in left and files[1] not in left  # "b" was least recently used
    again = FakeEmbedder()
    cache._stores.clear()
    cache.embed(docs(10, "b"), model=again)  # evicted: embedded again
    assert len(again.embedded) == 10


def test_the_size_limit_comes_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("EXPLORER_CACHE_MAX_BYTES", "12345")
    assert DocumentCache(tmp_path).max_bytes == 12345


class SlowEmbedder(FakeEmbedder):
    """Blocks in its model call until told to go on."""

    def __init__(self) -> None:
        super().__init__(name="slow")
        self.inside = threading.Event()
        self.go_on = threading.Event()

    def encode_uncached(self, texts: list[str]) -> np.ndarray:
        self.inside.set()
        self.go_on.wait(20)
        return super().encode_uncached(texts)


def test_a_small_embedding_is_never_stuck_behind_a_big_one(tmp_path) -> None:
    cache = DocumentCache(tmp_path / "c", batch_size=50)
    slow = SlowEmbedder()
    big = threading.Thread(target=cache.embed, args=(docs(500, "big"),), kwargs={"model": slow})
    big.start()
    assert slow.inside.wait(10)  # the big corpus is inside its first model call
    started = time.monotonic()
    small = cache.embed(docs(20, "small"), model=FakeEmbedder())
    assert time.monotonic() - started < 2.0
    assert small.shape == (20, 8)
    slow.go_on.set()
    big.join(20)
    assert len(slow.embedded) == 500
