"""Navigation: every page runs through app.py's ``st.navigation``.

:func:`rerun_through_app` works around a fresh server's first deep link with
Streamlit's private ``PagesManager`` (no public API does it); its docstring
says why. The Streamlit version is pinned in requirements.txt, and the browser
test ``test_a_deep_link_as_a_fresh_servers_first_visit_gets_the_app`` fails
if an upgrade breaks it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st


def main_script() -> str:
    """The name (no ``.py``) of the script Streamlit runs: ``"app"``, or a page run on its own.

    AppTest runs a single page file (``pages/compare.py``) as its main script;
    ``streamlit run app.py`` runs every page through app.py.

    Example:
        >>> main_script()  # outside a Streamlit run
        ''
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return Path(ctx.main_script_path).stem if ctx is not None else ""


def rerun_through_app() -> None:
    """Rerun at once if this page was started without app.py running first.

    On a fresh server, until app.py has once called ``st.navigation``,
    Streamlit treats an app with a ``pages/`` folder as a legacy multipage app
    (``PagesManager.uses_pages_directory``): a deep link (``/search?q=...``)
    then runs the page without app.py, with the file-name sidebar, the narrow
    layout and none of app.py's shared settings. AppTest does the same on
    every run after the first (it resets that flag each run). Clearing the
    flag, as ``st.navigation`` does, and rerunning goes through app.py (whose
    ``st.navigation`` keeps it cleared). AppTest runs of a single page file are
    left alone.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if main_script() == "app" and PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
