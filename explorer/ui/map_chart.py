"""The corpus map as a chart that stays on the page between reruns.

``st.plotly_chart`` gives each new figure a new element id (the id hashes the spec),
so the browser throws the old chart away and builds a new one: new WebGL contexts,
shaders compiled again. At 100,000 points that was most of a redraw in a browser
drawing WebGL on the CPU. :func:`map_chart` is a Streamlit component (components v2)
keyed once: a new figure is drawn into the same chart with ``Plotly.react``
(``map_chart.js``). Its selection events reach the page in ``st.plotly_chart``'s
format, ``{"selection": {"points", "box", "lasso", ...}}``, so the page's callbacks
read them as before.

Plotly's JavaScript is the one the ``plotly`` package ships, served by Streamlit's
static file serving (``server.enableStaticServing`` in ``.streamlit/config.toml``)
from ``static/`` beside ``app.py``; :func:`install_plotly_js` puts it there.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

COMPONENT_NAME = "explorer_map"
#: The file the component loads, under the folder Streamlit serves as ``app/static``.
PLOTLY_JS = "plotly.min.js"
_SCRIPT = (Path(__file__).with_name("map_chart.js")).read_text(encoding="utf-8")
_render = st.components.v2.component(COMPONENT_NAME, html="", js=_SCRIPT, isolate_styles=False)


def plotly_js_source() -> Path:
    """The ``plotly.min.js`` of the installed ``plotly`` package.

    Example:
        >>> plotly_js_source().name
        'plotly.min.js'
    """
    import plotly

    return Path(plotly.__file__).parent / "package_data" / PLOTLY_JS


@functools.cache
def install_plotly_js(static_dir: Path) -> Path:
    """Copy Plotly's JavaScript into ``static_dir`` unless the same file is there; once per
    process (``app.py`` calls it on every run).

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> install_plotly_js(folder).stat().st_size == plotly_js_source().stat().st_size
        True
    """
    source, target = plotly_js_source(), static_dir / PLOTLY_JS
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        static_dir.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        shutil.copyfile(source, partial)
        partial.replace(target)  # a server starting beside never serves half a file
    return target


def map_chart(
    figure: go.Figure,
    *,
    key: str,
    config: dict[str, Any],
    on_select: Callable[[], None],
    on_view: Callable[[], None] = lambda: None,
) -> None:
    """Draw ``figure`` in the chart ``key``, redrawn in place when the figure changes.

    A box, lasso or click calls ``on_select`` with ``st.session_state[key]`` holding
    ``{"selection": {...}}`` as ``st.plotly_chart(on_select=...)`` would. When the
    figure's ``layout.meta.zoom_detail`` is true, a zoom or pan calls ``on_view`` with
    ``{"view": {"view": {"x": [x0, x1], "y": [y0, y1]}, "at": ...}}`` there (``"view"``:
    ``None`` for the whole map, after a double click).
    """
    spec = pio.to_json(figure, validate=False)
    _render(
        data={"spec": spec, "config": json.dumps(config)},
        key=key,
        default={"selection": None, "view": None},
        on_selection_change=on_select,
        on_view_change=on_view,
    )
