"""Plotly figures (no Streamlit): ``style`` is the kit they share, one module per map."""
