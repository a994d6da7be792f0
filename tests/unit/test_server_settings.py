"""Server-wide settings that keep one visitor's work from stalling the others (issue 16 §2)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_does_not_collect_all_garbage_after_every_script_run() -> None:
    # gc.collect(2) after each run walks the ~600,000 objects of torch, the model and
    # numba: 1-2 s holding the GIL, twice a second while a page polls a job.
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
