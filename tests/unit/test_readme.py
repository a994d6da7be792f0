"""The README's notebook examples run as written, and its stated limits are the real ones."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import plotly.io as pio

from explorer.config import (
    CORPUS_MAX_BYTES,
    CORPUS_MAX_UPLOAD_MB,
    IMPORT_MAX_BYTES,
    SEARCH_MAX_BYTES,
)

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_every_python_block_of_the_readme_runs(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pio, "show", lambda *args, **kwargs: None)  # fig.show() draws nothing
    blocks = python_blocks()
    assert blocks, "the README has no Python example"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})


def test_the_upload_cap_matches_the_largest_upload_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == CORPUS_MAX_UPLOAD_MB
    assert CORPUS_MAX_BYTES == max(CORPUS_MAX_BYTES, IMPORT_MAX_BYTES, SEARCH_MAX_BYTES)
