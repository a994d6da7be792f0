"""The Corpus page's work without Streamlit: neighbours, t-SNE's limit, jobs, search."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.config import CORPUS_TSNE_MAX
from explorer.documents.corpus_view import (
    embedding_job,
    fingerprint,
    nearest_rows,
    projection_job,
    search_corpus,
    tsne_refusal,
    unit_rows,
)
from explorer.documents.jobs import DONE, Job
from explorer.documents.search import SearchIndex
from explorer.models.doc_cache import DocumentCache


def test_nearest_rows_are_the_smallest_cosine_distances_in_the_full_space() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(500, 16)).astype(np.float32)
    unit = unit_rows(vectors)
    found = nearest_rows(unit, 42, k=5, normalized=True)
    distances = 1 - unit @ unit[42]
    distances[42] = np.inf
    assert [n.index for n in found] == list(np.argsort(distances)[:5])
    assert [n.distance for n in found] == pytest.approx(np.sort(distances)[:5], abs=1e-5)
    # Vectors that are not unit length give the same neighbours.
    assert [n.index for n in nearest_rows(vectors * 7, 42, k=5)] == [n.index for n in found]
    assert 42 not in [n.index for n in nearest_rows(unit, 42, k=499, normalized=True)]
    assert nearest_rows(unit[:1], 0) == []


def test_tsne_is_refused_above_its_limit_with_a_way_out() -> None:
    message = tsne_refusal("tsne", CORPUS_TSNE_MAX + 1)
    assert f"{CORPUS_TSNE_MAX:,} points" in message and "UMAP" in message
    assert tsne_refusal("tsne", CORPUS_TSNE_MAX) is None
    assert tsne_refusal("umap", 100_000) is None


def test_the_fingerprint_changes_with_texts_and_vectors() -> None:
    vectors = np.ones((2, 3), dtype=np.float32)
    assert fingerprint(["a", "b"]) != fingerprint(["b", "a"])
    assert fingerprint(["a", "b"], vectors) != fingerprint(["a", "b"], vectors * 2)
    assert fingerprint(["a", "b"], vectors) == fingerprint(["a", "b"], vectors.copy())


def test_the_embedding_job_embeds_through_the_cache_and_reports_batches(minilm, tmp_path) -> None:
    cache = DocumentCache(tmp_path, batch_size=2)
    texts = ["a cat", "a dog", "a truck", "fresh bread", "a bus"]
    job = Job(embedding_job(texts, model=minilm, cache=cache))
    assert job.wait(60).state == DONE
    np.testing.assert_allclose(job.result, minilm.encode(texts), atol=1e-5)
    assert job.snapshot().done == job.snapshot().total == 5
    again = Job(embedding_job(texts, model=minilm, cache=cache))
    assert again.wait(60).state == DONE
    assert cache.embedded == 5  # the second run read everything from the cache


def test_the_projection_job_is_seeded() -> None:
    vectors = np.random.default_rng(0).normal(size=(40, 8))
    first = Job(projection_job(vectors, method="umap")).wait(120)
    assert first.state == DONE
    a = Job(projection_job(vectors, method="umap"))
    b = Job(projection_job(vectors, method="umap"))
    a.wait(120), b.wait(120)
    np.testing.assert_array_equal(a.result.coords, b.result.coords)


def test_search_is_by_meaning_with_the_model_and_by_keywords_without(minilm) -> None:
    texts = ["Automobile repairs: brake pads and oil changes", "Fresh bread baked daily",
             "How to fix a bicycle chain"]  # fmt: skip
    index = SearchIndex(texts, minilm.encode(texts), minilm)
    by_meaning = search_corpus(index, "how to fix my car", k=1, semantic=True)
    assert by_meaning.hits[0].index == 0 and "meaning" in by_meaning.how
    by_words = search_corpus(index, "how to fix my car", k=3, semantic=False, why_not="no model")
    assert [h.index for h in by_words.hits] == [2]
    assert by_words.how == "by keywords (TF-IDF)" and by_words.note == "no model"
