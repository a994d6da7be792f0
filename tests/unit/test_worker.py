"""The embedding worker process: big encodes leave the server process, with the same vectors."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from explorer.config import WORKER_MIN_TEXTS
from explorer.models import load_model, worker
from explorer.models.doc_cache import DocumentCache


class Counting:
    """The real model, counting the texts it encodes in this process."""

    def __init__(self, model) -> None:
        self.model = model
        self.name, self.dim = model.name, model.dim
        self.axis_titles = None
        self.texts_here = 0

    def encode_uncached(self, texts: list[str]) -> np.ndarray:
        self.texts_here += len(texts)
        return self.model.encode_uncached(texts)

    encode = encode_uncached


@pytest.fixture
def enabled():
    worker.enable()
    yield
    worker.enable(False)


@pytest.mark.slow
def test_a_corpus_is_embedded_in_the_worker_with_the_same_vectors(tmp_path, enabled) -> None:
    model = Counting(load_model("minilm"))
    texts = [f"review number {i}: the kettle {'boils fast' * (i % 3)}" for i in range(100)]
    cache = DocumentCache(tmp_path, batch_size=40)
    seen: list[tuple[int, int]] = []
    vectors = cache.embed(texts, model=model, progress=lambda d, t: seen.append((d, t)))
    assert model.texts_here == 0  # every batch ran in the worker
    assert seen == [(0, 100), (40, 100), (80, 100), (100, 100)]
    here = model.model.encode_uncached(texts)
    assert np.allclose(vectors, here, atol=1e-5)
    assert len(list(tmp_path.glob("*/batch-*.npz"))) == 3  # saved by the server process
    few = [f"a new phrase {i}" for i in range(WORKER_MIN_TEXTS - 1)]
    cache.embed(few, model=model)
    assert model.texts_here == WORKER_MIN_TEXTS - 1  # a few phrases stay in-process


@pytest.mark.slow
def test_a_small_encode_waits_for_one_chunk_of_a_big_one_not_for_all_of_it(
    enabled, monkeypatch
) -> None:
    monkeypatch.setattr(worker, "WORKER_CHUNK_TEXTS", 16)
    worker.encode("minilm", ["warm the worker up"])  # the process and the model, loaded
    big = [f"review number {i}: the kettle boils water fast" for i in range(480)]
    pool, big_sent, ended = worker._pool, threading.Event(), []

    class Watched:
        """The worker pool, noting when the big encode's first texts went over."""

        def submit(self, function, name, texts):
            if texts[0] == big[0]:
                big_sent.set()
            return pool().submit(function, name, texts)

    monkeypatch.setattr(worker, "_pool", Watched)
    thread = threading.Thread(target=lambda: ended.append(worker.encode("minilm", big).shape))
    thread.start()
    big_sent.wait(60)
    small = worker.encode("minilm", ["how to fix my car", "bread"] * 16)  # two chunks
    ended.append("small")
    thread.join()
    assert ended == ["small", (480, 384)]  # the small one slipped between the big one's chunks
    alone = load_model("minilm").encode_uncached(["how to fix my car", "bread"])
    assert np.allclose(small[:2], alone, atol=1e-5)


def test_the_worker_serves_only_when_enabled_and_only_models_it_can_load() -> None:
    assert not worker.serves("minilm", dim=384)
    worker.enable()
    try:
        assert worker.serves("minilm", dim=384)
        assert not worker.serves("minilm", dim=2)
        assert worker.encoder_for("toy", dim=2) is None
    finally:
        worker.enable(False)
    assert not worker.enabled()


@pytest.mark.slow
def test_the_worker_starts_whatever_script_streamlit_left_as_main(
    enabled, monkeypatch, tmp_path
) -> None:
    import sys
    import types

    page = tmp_path / "page.py"
    page.write_text("raise SystemExit('a page script ran in the worker')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(page)  # as Streamlit's script runner installs a page
    monkeypatch.setitem(sys.modules, "__main__", main)
    worker.shutdown()
    vectors = worker.encode("minilm", ["a kettle that boils fast"])
    assert vectors.shape == (1, 384)
    assert sys.modules["__main__"] is main  # given back once the worker started
