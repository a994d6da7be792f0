"""Navigation: every page runs through app.py's ``st.navigation``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

#: Session-state flag set by app.py each run (see :func:`rerun_through_app`).
APP_RAN_KEY = "_app_ran"


def rerun_through_app() -> None:
    """Rerun at once if this page was started without app.py's navigation.

    On a fresh server, until app.py has once called ``st.navigation``,
    Streamlit treats an app with a ``pages/`` folder as a legacy multipage app
    (``PagesManager.uses_pages_directory``): a deep link (``/search?q=...``)
    then runs the page without app.py, with the file-name sidebar and the
    narrow layout. Clearing that flag, as ``st.navigation`` does, and rerunning
    goes through app.py. AppTest runs of a single page file are left alone.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    main = Path(ctx.main_script_path).name if ctx is not None else ""
    if main == "app.py" and not st.session_state.get(APP_RAN_KEY):
        st.session_state[APP_RAN_KEY] = True  # never loop
        PagesManager.uses_pages_directory = False
        st.rerun()
