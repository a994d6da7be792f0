"""Open a page under AppTest with phrases and link parameters, and read its charts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def open_page(
    page: str,
    phrases: list[str] | str | None = None,
    *,
    link: Mapping[str, str] | None = None,
    timeout: float = 180,
    **query: str,
) -> AppTest:
    """Run ``pages/<page>`` (or ``app.py``) once, with shared phrases and a link's parameters.

    ``link`` and ``query`` are both URL parameters (``link`` can hold ``phrases``).
    """
    path = APP if page == "app.py" else str(ROOT / "pages" / page)
    at = AppTest.from_file(path, default_timeout=timeout)
    if phrases is not None:
        text = phrases if isinstance(phrases, str) else "\n".join(phrases)
        at.session_state["phrases_text"] = text
    for name, value in {**(link or {}), **query}.items():
        at.query_params[name] = value
    return at.run()


def charts(at: AppTest) -> list[dict]:
    """Every Plotly chart's figure JSON, in page order."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def messages(at: AppTest, kind: str) -> list[str]:
    """The texts of every ``st.<kind>`` message (info, warning, error...)."""
    return [m.value for m in getattr(at, kind)]


def chart_titled(at: AppTest, title_start: str) -> dict:
    """The one chart whose title starts with ``title_start``."""
    (chart,) = [c for c in charts(at) if c["layout"]["title"]["text"].startswith(title_start)]
    return chart
