"""Embedding Explorer: the Streamlit entry point (`streamlit run app.py`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explorer.ui.cache import configure_server
from explorer.ui.map_chart import install_plotly_js
from explorer.ui.settings import draw_settings

configure_server()
st.set_page_config(page_title="Embedding Explorer", page_icon="📍", layout="wide")

HERE = Path(__file__).parent
# The corpus map loads Plotly from Streamlit's static serving (explorer/ui/map_chart.py).
install_plotly_js(HERE / "static")
#: (page file, title, icon); the first is the default page.
PAGES = [
    ("pages/playground.py", "Playground", "📍"),
    ("pages/compare.py", "Toy vs real", "⚖️"),
    ("pages/axes.py", "Your own axes", "📐"),
    ("pages/fidelity.py", "How much the map lies", "🔍"),
    ("pages/inside.py", "Inside a vector", "🔢"),
    ("pages/search.py", "Search by meaning", "🔎"),
    ("pages/ask.py", "Ask a document", "📄"),
    ("pages/corpus.py", "Explore a corpus", "🗺️"),
]
pages = [
    st.Page(str(HERE / path), title=title, icon=icon, default=index == 0)
    for index, (path, title, icon) in enumerate(PAGES)
]
page = st.navigation(pages)
# The shared settings (model, projection, distance) belong to this script, so their
# widgets keep one state on every page; each page shows the ones it uses.
(page_file,) = [path for (path, _, _), known in zip(PAGES, pages, strict=True) if known is page]
draw_settings(Path(page_file).stem)
page.run()
