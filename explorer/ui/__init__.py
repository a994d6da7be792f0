"""The only Streamlit code: caches, widgets, link state, navigation, job polling."""
