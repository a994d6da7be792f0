"""Shared fixtures: one real packaged model per test session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Document embeddings (and the app servers the browser tests start, which
# inherit this environment) go to a temporary folder, never ~/.cache.
from explorer.config import SEARCH_CACHE_DIR_ENV  # noqa: E402

if SEARCH_CACHE_DIR_ENV not in os.environ:
    os.environ[SEARCH_CACHE_DIR_ENV] = tempfile.mkdtemp(prefix="explorer-test-cache-")
    atexit.register(shutil.rmtree, os.environ[SEARCH_CACHE_DIR_ENV], ignore_errors=True)

import explorer  # noqa: E402
from explorer.presets import ARTICLE_PHRASES  # noqa: E402


@pytest.fixture(scope="session")
def minilm() -> explorer.Embedder:
    """The real all-MiniLM-L6-v2, loaded once (explorer.load_model shares instances)."""
    return explorer.load_model("minilm")


@pytest.fixture(scope="session")
def toy(minilm: explorer.Embedder) -> explorer.Embedder:
    return explorer.load_model("toy")


@pytest.fixture(scope="session")
def article_phrases() -> list[str]:
    return list(ARTICLE_PHRASES)
