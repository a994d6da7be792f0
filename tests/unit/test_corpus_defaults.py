"""Which map a corpus opens in, and what the page says of a PCA map that is a blob."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.config import CORPUS_UMAP_FIRST_MAX
from explorer.documents import corpus_view
from explorer.documents.corpus import Corpus
from explorer.documents.corpus_view import FROM_FILE, default_method, projection_notes
from explorer.space.projection import Projection, compute_projection

BLOB = "PCA at 4% / 3% of the variance is a blob: its first two components hold little of "


def texts(n: int) -> tuple[str, ...]:
    return tuple(f"document {i}" for i in range(n))


def test_a_corpus_opens_in_umap_up_to_its_limit_then_pca() -> None:
    assert default_method(Corpus(texts(CORPUS_UMAP_FIRST_MAX))) == "umap"
    assert default_method(Corpus(texts(CORPUS_UMAP_FIRST_MAX + 1))) == "pca"


def test_a_file_with_its_own_map_opens_in_it() -> None:
    assert default_method(Corpus(texts(3), coords=np.zeros((3, 2)))) == FROM_FILE


def test_the_limit_is_read_when_called(monkeypatch) -> None:
    monkeypatch.setattr(corpus_view, "CORPUS_UMAP_FIRST_MAX", 2)
    assert default_method(Corpus(texts(3))) == "pca"


def pca(first: float, second: float) -> Projection:
    return Projection(np.zeros((4, 2)), "pca", ("PC1", "PC2"), explained_variance=(first, second))


@pytest.mark.parametrize(
    ("chosen", "then"),
    [
        ("umap", "UMAP, which keeps neighbourhoods instead, replaces it when ready."),
        ("pca", "choosing UMAP above keeps neighbourhoods instead."),
        ("tsne", "choosing UMAP above keeps neighbourhoods instead."),
    ],
)
def test_a_pca_map_under_a_fifth_of_the_variance_is_called_a_blob(chosen, then) -> None:
    assert projection_notes(pca(0.04, 0.03), chosen=chosen) == [
        f"{BLOB}what tells these documents apart, {then}"
    ]


def test_a_pca_map_holding_a_fifth_of_the_variance_is_not() -> None:
    assert projection_notes(pca(0.12, 0.08), chosen="pca") == []
    assert projection_notes(pca(0.12, 0.079), chosen="pca")[0].startswith("PCA at 12% / 8%")


def test_a_umap_map_gets_only_its_own_notice() -> None:
    tiny = compute_projection(np.eye(3, 8), method="umap")  # too few points: PCA instead
    assert tiny.method == "pca" and tiny.notice
    assert projection_notes(tiny, chosen="umap")[0] == tiny.notice
    umap = Projection(np.zeros((4, 2)), "umap", ("UMAP 1", "UMAP 2"), notice=None)
    assert projection_notes(umap, chosen="umap") == []
