from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from explorer.space.projection import compute_projection, project


def _vectors(n: int, dim: int = 384, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)


@pytest.mark.parametrize("method", ["pca", "umap", "tsne"])
def test_one_point_sits_at_the_origin(method) -> None:
    result = compute_projection(_vectors(1), method=method)
    assert result.coords.tolist() == [[0.0, 0.0]]
    assert "add a second phrase" in result.notice


@pytest.mark.parametrize("method", ["umap", "tsne"])
@pytest.mark.parametrize("n", [2, 3])
def test_too_few_points_fall_back_to_pca_with_a_notice(method, n) -> None:
    result = compute_projection(_vectors(n), method=method)
    label = {"umap": "UMAP", "tsne": "t-SNE"}[method]
    assert result.method == "pca"
    assert result.notice == (
        f"{label} needs at least 4 phrases, got {n}; showing PCA instead. "
        f"Add phrases to use {label}."
    )
    assert np.allclose(result.coords, compute_projection(_vectors(n)).coords)


@pytest.mark.slow
@pytest.mark.parametrize("method", ["umap", "tsne"])
@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
@pytest.mark.parametrize("n", [4, 5, 7, 16, 40])
def test_small_inputs_run_without_crashing(method, metric, n) -> None:
    result = compute_projection(_vectors(n), method=method, metric=metric)
    assert result.method == method and result.notice is None
    assert result.coords.shape == (n, 2) and np.isfinite(result.coords).all()


def test_two_dimensional_input_comes_back_unchanged() -> None:
    points = np.array([[0.5, -0.25], [-1.0, 1.0], [0.0, 0.0]])
    for method in ("pca", "umap", "tsne"):
        result = compute_projection(points, method=method)
        assert result.method == "identity"
        assert np.array_equal(result.coords, points)


def test_pca_reports_explained_variance_in_axis_titles() -> None:
    # Spread mostly along the first axis: PC1 should carry most variance.
    rng = np.random.default_rng(3)
    points = np.column_stack([rng.normal(0, 10, 30), rng.normal(0, 1, 30), np.zeros(30)])
    result = compute_projection(points)
    share = result.explained_variance[0]
    assert share > 0.9
    assert result.axis_titles[0] == f"PC1 ({share:.0%} of variance)"
    assert abs(np.corrcoef(result.coords[:, 0], points[:, 0])[0, 1]) > 0.99


def test_pca_signs_are_fixed_by_the_largest_loading() -> None:
    # All points on one line along (0, -3, 1): PC1's largest loading (-3) is
    # made positive, so PC1 points along (0, 3, -1) and t=+2 lands at -2*|v|.
    direction = np.array([0.0, -3.0, 1.0])
    t = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    coords = compute_projection(t[:, None] * direction).coords
    assert np.allclose(coords[:, 0], -t * np.linalg.norm(direction))
    # Negating the data mirrors the picture; the axes keep their orientation.
    points = _vectors(10, 5)
    assert np.allclose(compute_projection(points).coords, -compute_projection(-points).coords)


def test_identical_vectors_give_one_point_and_a_notice() -> None:
    result = compute_projection(np.ones((3, 5)))
    assert np.array_equal(result.coords, np.zeros((3, 2)))
    assert result.notice == "All phrases have the same vector, so they sit on one point."


def test_bad_input_is_refused_with_clear_messages() -> None:
    with pytest.raises(
        ValueError, match="Unknown projection method 'mds'; choose one of pca, umap, tsne"
    ):
        project(_vectors(3), method="mds")
    with pytest.raises(ValueError, match="No vectors to project"):
        project(np.empty((0, 4)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        project(np.array([[np.nan, 1.0, 2.0], [1.0, 2.0, 3.0]]))
    with pytest.raises(ValueError, match=r"Expected a 2-D array .* got shape \(3,\)"):
        project(np.ones(3))


_SCRIPT = """
import json, sys, numpy as np
from explorer.space.projection import project
vectors = np.random.default_rng(7).normal(size=(25, 384)).astype(np.float32)
print(json.dumps({m: project(vectors, method=m).round(6).tolist() for m in sys.argv[1:]}))
"""


@pytest.mark.slow
def test_projections_are_identical_in_a_new_process() -> None:
    methods = ["pca", "umap", "tsne"]
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", _SCRIPT, *methods],
                capture_output=True,
                text=True,
                check=True,
                timeout=300,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        for _ in range(2)
    ]
    vectors = np.random.default_rng(7).normal(size=(25, 384)).astype(np.float32)
    for method in methods:
        assert runs[0][method] == runs[1][method]
        assert np.allclose(runs[0][method], project(vectors, method=method), atol=1e-5)


@pytest.mark.slow
def test_umap_compiled_code_is_cached_on_disk() -> None:
    from explorer.space.projection import _import_umap_with_compile_cache

    umap = _import_umap_with_compile_cache()
    layout = umap.layouts._nb_optimize_layout_euclidean_single_epoch
    assert type(layout._cache).__name__ == "FunctionCache"
    assert type(umap.umap_.smooth_knn_dist._cache).__name__ == "FunctionCache"


def test_pca_on_many_rows_matches_the_svd_of_the_data(monkeypatch) -> None:
    from explorer.space import projection

    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(projection.PCA_COVARIANCE_MIN_ROWS + 1, 20))
    vectors[:, 0] *= 4
    vectors[:, 5] *= 2
    fast = projection.compute_projection(vectors)
    monkeypatch.setattr(projection, "PCA_COVARIANCE_MIN_ROWS", 10**9)
    exact = projection.compute_projection(vectors)
    np.testing.assert_allclose(fast.coords, exact.coords, atol=1e-8)
    assert fast.axis_titles == exact.axis_titles
    np.testing.assert_allclose(fast.transform(vectors[:3]), exact.coords[:3], atol=1e-8)


def test_umap_reports_its_epochs_and_what_the_callback_raises_comes_after() -> None:
    import threading

    from tqdm import tqdm

    from explorer.space.projection import UMAP_LAYOUT_STAGE, UMAP_NEIGHBOURS_STAGE

    vectors = np.random.default_rng(0).normal(size=(60, 8))
    seen: list[tuple[int, int, str]] = []
    projection = compute_projection(
        vectors, method="umap", progress=lambda d, t, stage: seen.append((d, t, stage))
    )
    assert projection.method == "umap"
    assert seen[0] == (0, 0, UMAP_NEIGHBOURS_STAGE)
    epochs = [(d, t) for d, t, stage in seen if stage == UMAP_LAYOUT_STAGE]
    assert epochs and epochs[-1][0] == epochs[-1][1] > 0

    class Stop(Exception):
        pass

    def stop(done: int, total: int, *, stage: str) -> None:
        if stage == UMAP_LAYOUT_STAGE:
            raise Stop

    with pytest.raises(Stop):
        compute_projection(vectors, method="umap", random_state=1, progress=stop)
    # tqdm's process-wide lock was not left held: another thread's bar still runs.
    finished = threading.Event()
    worker = threading.Thread(target=lambda: (list(tqdm(range(3), disable=True)), finished.set()))
    worker.start()
    assert finished.wait(10), "tqdm's lock is stuck"
