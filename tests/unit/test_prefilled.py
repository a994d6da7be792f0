"""The preset phrases' vectors, written by the real models, draw the first picture before a load."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from explorer.models.doc_cache import checksum, text_digest
from explorer.models.prefilled import (
    PREFILLED_DIR_ENV,
    PhraseTable,
    PrefilledEmbedder,
    fingerprint,
    preset_phrase_sets,
    read_prefilled,
    write_prefilled,
)
from explorer.presets import ARTICLE_PHRASES, TOPIC_PHRASES

ROOT = Path(__file__).resolve().parents[2]
NEW_PHRASE = "a phrase no preset holds, about a lighthouse in the fog"


@pytest.fixture(scope="module")
def folder(tmp_path_factory, toy, minilm) -> Path:
    """Prefilled files written by the real models, as `make install` writes them."""
    folder = tmp_path_factory.mktemp("prefilled")
    assert sorted(p.name for p in write_prefilled(folder)) == ["minilm.npz", "toy.npz"]
    return folder


def write_file(path: Path, vectors: np.ndarray, *, made_for: str) -> None:
    keys = np.array(
        [np.frombuffer(text_digest(f"p{i}"), dtype=np.uint8) for i in range(len(vectors))]
    )
    np.savez(
        path, keys=keys, vectors=vectors, checksum=checksum(keys, vectors), fingerprint=made_for
    )


@pytest.mark.parametrize("name", ["toy", "minilm"])
def test_prefilled_rows_are_the_real_models_rows(folder, name, toy, minilm) -> None:
    table = read_prefilled(name, folder=folder)
    model = {"toy": toy, "minilm": minilm}[name]
    assert table is not None and table.dim == model.dim
    assert len(table.rows) == len({text_digest(p) for s in preset_phrase_sets() for p in s})
    for phrases in (ARTICLE_PHRASES, TOPIC_PHRASES):
        np.testing.assert_allclose(table.lookup(phrases), model.encode(phrases), atol=1e-6)
    assert table.lookup([*ARTICLE_PHRASES, NEW_PHRASE]) is None


@pytest.mark.parametrize(
    ("vectors", "made_for", "why"),
    [
        (np.ones((2, 3), np.float32), None, "vectors of shape (2, 3), expected (2, 2)"),
        (np.array([[0.1, np.nan], [0.2, 0.3]], np.float32), None, "holding NaN"),
        (np.ones((2, 2), np.float32), "an older fingerprint", "made for other versions"),
    ],
)
def test_a_bad_or_stale_file_is_ignored_with_a_warning(
    tmp_path, caplog, vectors, made_for, why
) -> None:
    write_file(tmp_path / "toy.npz", vectors, made_for=made_for or fingerprint("toy"))
    with caplog.at_level(logging.WARNING):
        assert read_prefilled("toy", folder=tmp_path) is None
    assert why in caplog.text and "`make install` writes them again" in caplog.text


def test_a_sound_file_is_read_and_a_missing_one_is_none(tmp_path) -> None:
    write_file(tmp_path / "toy.npz", np.eye(2, dtype=np.float32), made_for=fingerprint("toy"))
    table = read_prefilled("toy", folder=tmp_path)
    assert table.lookup(["p1", "p0"]).tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert read_prefilled("minilm", folder=tmp_path) is None
    assert read_prefilled("some/other-model", folder=tmp_path) is None


def test_a_new_phrase_waits_for_the_real_model(toy) -> None:
    events: list[str] = []

    class Waiting:
        def __enter__(self):
            events.append("waiting")

        def __exit__(self, *exc):
            events.append("loaded")

    table = PhraseTable("toy", [text_digest(p) for p in ARTICLE_PHRASES], np.zeros((3, 2)))
    model = PrefilledEmbedder(table, load=lambda: toy, waiting=Waiting)
    assert model.encode(ARTICLE_PHRASES).tolist() == [[0.0, 0.0]] * 3
    assert events == [] and not model.loaded
    assert model.axis_titles == toy.axis_titles and (model.name, model.dim) == ("toy", 2)
    np.testing.assert_array_equal(model.encode([NEW_PHRASE]), toy.encode([NEW_PHRASE]))
    assert events == ["waiting", "loaded"] and model.loaded
    assert model.weights is toy.weights  # what else a model offers comes from the real one


FRESH_PROCESS = """
import json, sys
import explorer.ui.cache as cache
from streamlit.testing.v1 import AppTest

cache.start_warm_up = lambda: None  # the app's background load, off to look at sys.modules
at = AppTest.from_file(sys.argv[2], default_timeout=120).run()
assert not at.exception and not at.error, [e.value for e in at.error]
(chart,) = at.get("plotly_chart")
points = next(t for t in json.loads(chart.proto.spec)["data"] if t["name"] == "phrases")
drawn = {"x": points["x"], "y": points["y"], "text": points["text"]}
before = sorted(m for m in ("torch", "sentence_transformers") if m in sys.modules)
new = cache.get_model("toy").encode([sys.argv[1]]).tolist()
after = sorted(m for m in ("torch", "sentence_transformers") if m in sys.modules)
print(json.dumps({"drawn": drawn, "before": before, "new": new, "after": after}))
"""


@pytest.mark.slow
def test_a_fresh_process_draws_the_article_without_loading_the_model(folder, toy) -> None:
    env = {**os.environ, PREFILLED_DIR_ENV: str(folder), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, NEW_PHRASE, str(ROOT / "app.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["before"] == []
    expected = toy.encode(ARTICLE_PHRASES)
    np.testing.assert_allclose(result["drawn"]["x"], expected[:, 0], atol=1e-6)
    np.testing.assert_allclose(result["drawn"]["y"], expected[:, 1], atol=1e-6)
    assert result["after"] == ["sentence_transformers", "torch"]
    np.testing.assert_allclose(result["new"], toy.encode([NEW_PHRASE]), atol=1e-6)
