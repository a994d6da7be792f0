"""Open a page under AppTest with phrases and link parameters, and read its charts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from streamlit.testing.v1 import AppTest

from explorer.ui.map_chart import COMPONENT_NAME as MAP_COMPONENT

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
    """Every Plotly chart's figure JSON, in page order (the corpus map's chart too)."""
    return [figure for _, figure, _ in chart_elements(at)]


def chart_elements(at: AppTest) -> list[tuple[str, dict, dict]]:
    """Each chart's element type, figure JSON and Plotly config, in page order:
    ``st.plotly_chart`` (``plotly_chart``) or the corpus map (``bidi_component``,
    explorer/ui/map_chart.py, whose data carries both as JSON text).
    """
    found = []
    for node in at._tree:
        if node.type == "plotly_chart":
            found.append((node.type, json.loads(node.proto.spec), json.loads(node.proto.config)))
        elif node.type == "bidi_component" and node.proto.component_name == MAP_COMPONENT:
            data = json.loads(node.proto.json)
            found.append((node.type, json.loads(data["spec"]), json.loads(data["config"])))
    return found


def messages(at: AppTest, kind: str) -> list[str]:
    """The texts of every ``st.<kind>`` message (info, warning, error...)."""
    return [m.value for m in getattr(at, kind)]


def chart_titled(at: AppTest, title_start: str) -> dict:
    """The one chart whose title starts with ``title_start``."""
    (chart,) = [c for c in charts(at) if c["layout"]["title"]["text"].startswith(title_start)]
    return chart
