"""Embedding Explorer: the Streamlit entry point (`streamlit run app.py`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explorer.ui.nav import APP_RAN_KEY

st.set_page_config(page_title="Embedding Explorer", page_icon="📍", layout="wide")
st.session_state[APP_RAN_KEY] = True

HERE = Path(__file__).parent
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
st.navigation(pages).run()
