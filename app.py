"""Distillation Lab: the router. Run with ``streamlit run app.py``.

The page list is the course (pages/_ui/course_content.py): numbered steps, then the look-up pages; a page shows
as soon as its file exists. The sidebar holds only what every page shares.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pages._runtime import start_preparation
from pages._ui import session
from pages._ui.course_content import COURSE
from pages._ui.summary import download_summary
from pages._ui.guard import hide_error_details, page_boundary

ROOT = Path(__file__).resolve().parent

# The course order, numbers, titles, icons and blurbs live with the course's content (pages/_ui/course_content.py):
# (file, title in the menu, Material icon, one line for the home page's links)
PAGES: list[tuple[str, str, str, str]] = [(step.path, step.nav_title, step.icon, step.blurb) for step in COURSE]
SECTIONS = {"Course": [s.path for s in COURSE if s.number], "Look up": [s.path for s in COURSE if not s.number]}

st.set_page_config(page_title="Distillation Lab", page_icon="🎓", layout="wide")
hide_error_details()

available = [entry for entry in PAGES if (ROOT / entry[0]).exists()]
# The home page draws its links from this list, so they can't drift from the menu.
st.session_state["app_pages"] = [
    {"path": path, "title": title, "icon": icon, "blurb": blurb} for path, title, icon, blurb in available
]
pages = {path: st.Page(path, title=title, icon=icon, default=(path == "pages/home.py")) for path, title, icon, _ in available}
navigation = st.navigation({section: [pages[p] for p in paths if p in pages] for section, paths in SECTIONS.items()})

with st.sidebar:
    st.caption("**Distillation Lab**: a small student learns from a large teacher's probabilities, not only the labels.")
    st.latex(r"\begin{aligned}L &= \alpha\,\mathrm{CE}(s, y)\\ &+ (1-\alpha)\,T^2\,\mathrm{KL}\big(p_t^{T}\,\|\,p_s^{T}\big)\end{aligned}")
    st.caption("α weights the hard labels y; T softens teacher t and student s alike (Hinton et al., 2015).")
    download_summary(key="sidebar_summary")

with page_boundary():  # no traceback reaches the browser: one line instead (pages/_ui/guard.py)
    session.start()  # the browser's owner token (pages/_ui/session.py)
    start_preparation()  # once per server: the sample tasks' teachers get ready in the background
    navigation.run()
