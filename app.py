"""Embedding Explorer: the Streamlit entry point (`streamlit run app.py`)."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Embedding Explorer", page_icon="📍", layout="wide")

pages = [
    st.Page("pages/playground.py", title="Playground", icon="📍", default=True),
]
st.navigation(pages).run()
