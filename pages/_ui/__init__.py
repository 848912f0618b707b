"""What the pages share: style and colours, widgets (reset, URL state, the logit editor), and one figures module per page.

Importing any of it also routes a page's first request through app.py (see ``_route_through_app``):
every page imports from here, so no page can forget it.
"""

from __future__ import annotations


def _route_through_app() -> None:
    """Make sure app.py (navigation, sidebar, wide layout) wraps the page, even on a server's first request.

    Streamlit runs apps that have a ``pages/`` folder in its legacy mode until some session executes
    ``st.navigation``. If the first request after start-up is a page URL (a shared link to
    /temperature), that page runs alone, without app.py. Switching the legacy mode off, as
    ``st.navigation`` itself does, and rerunning sends the same URL through app.py.
    """
    import streamlit as st

    try:
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # the internals moved: the worst case is one plain first view
        return
    if get_script_run_ctx() is None:  # imported outside a script run (a test): nothing to route
        return
    if PagesManager.uses_pages_directory and "app_pages" not in st.session_state:
        PagesManager.uses_pages_directory = False
        st.rerun()


_route_through_app()
