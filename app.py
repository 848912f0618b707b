"""Distillation Lab: the router. Run with ``streamlit run app.py``.

The page list lives here and only here: a later page is one more line in PAGES, shown as soon as
its file exists. The sidebar holds only what every page shares.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent

# (file, title in the menu, Material icon, one line for the home page's links)
PAGES: list[tuple[str, str, str, str]] = [
    ("pages/home.py", "Home", ":material/home:", "The story in one screen."),
    ("pages/temperature.py", "Temperature", ":material/thermostat:",
     "Soften a teacher's probabilities with T and watch the dark knowledge appear."),
    ("pages/loss.py", "Loss playground", ":material/functions:",
     "Weigh hard labels against soft targets with alpha and T; see why T² and batchmean matter."),
    ("pages/distill.py", "Live distillation", ":material/model_training:",
     "Distill a small student from the bundled teacher, live on your CPU."),
    ("pages/soft_targets.py", "Soft targets vs labels", ":material/science:",
     "What the teacher's probabilities add beyond its labels, on 16 confusable intents."),
    ("pages/hinton.py", "Hinton's experiments", ":material/pin:",
     "Hinton et al. (2015) in miniature on 8x8 digits: the MNIST table, and a digit the student never saw."),
    ("pages/tradeoffs.py", "Trade-offs", ":material/balance:",
     "Accuracy against size and speed, for teacher and students, measured on your machine."),
    ("pages/layers.py", "Inside the model", ":material/layers:",
     "What the student copies layer by layer: hidden states and attention."),
]  # fmt: skip

st.set_page_config(page_title="Distillation Lab", page_icon="🎓", layout="wide")

available = [entry for entry in PAGES if (ROOT / entry[0]).exists()]
# The home page draws its links from this list, so they can't drift from the menu.
st.session_state["app_pages"] = [
    {"path": path, "title": title, "icon": icon, "blurb": blurb} for path, title, icon, blurb in available
]
navigation = st.navigation(
    [
        st.Page(path, title=title, icon=icon, default=(path == "pages/home.py"))
        for path, title, icon, _ in available
    ]
)

with st.sidebar:
    st.caption("**Distillation Lab**: a small student learns from a large teacher's probabilities, not only the labels.")
    st.latex(r"\begin{aligned}L &= \alpha\,\mathrm{CE}(s, y)\\ &+ (1-\alpha)\,T^2\,\mathrm{KL}\big(p_t^{T}\,\|\,p_s^{T}\big)\end{aligned}")
    st.caption("α weights the hard labels y; T softens teacher t and student s alike (Hinton et al., 2015).")

navigation.run()
