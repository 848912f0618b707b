"""Home: the story of distillation in a few lines, one chart, and a link to each page."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from distill_core.temperature import softmax_t
from pages._ui import course
from pages._ui.style import COLOR_HARD, COLOR_SOFT, COLOR_TEACHER_T1, chart, style

CLASSES = ["cat", "tiger", "lion", "dog", "car"]
CAT_LOGITS = np.array([-0.33, -1.97, -2.53, -3.22, -3.91])  # log(0.72, 0.14, 0.08, 0.04, 0.02)
SOFT_T = 2.0


def targets_figure() -> go.Figure:
    fig = go.Figure()
    for label, probs, color in (
        ("Hard label", np.eye(len(CLASSES))[0], COLOR_HARD),
        ("Teacher, T = 1", softmax_t(CAT_LOGITS, 1.0), COLOR_TEACHER_T1),
        (f"Soft targets, T = {SOFT_T:g}", softmax_t(CAT_LOGITS, SOFT_T), COLOR_SOFT),
    ):
        fig.add_bar(
            x=CLASSES, y=probs, name=label, marker_color=color,
            text=[f"{v:.2f}" if v >= 0.005 else "" for v in probs], textposition="outside", cliponaxis=False,
            hovertemplate="%{x}: %{y:.3f}<extra>" + label + "</extra>",
        )
    fig.update_layout(barmode="group", bargap=0.2, yaxis_range=[0, 1.15])
    return style(fig, "One photo of a cat: what each target says", "class", "probability", height=340)


st.title("Distillation Lab")
st.markdown("#### Train a small model on what a large one *knows*, not only on the labels.")
course.header("home")

story, picture = st.columns([5, 6], gap="large")
with story:
    st.markdown(
        """
A **hard label** says only *cat*: `[1, 0, 0, 0, 0]`.

A trained **teacher** says more: *cat 0.72, tiger 0.14, lion 0.08, dog 0.04, car 0.02*.
The photo is a cat, but it looks far more like a tiger than a car. Hinton called this information
in the small probabilities **dark knowledge**. In Hinton, Vinyals & Dean (2015) it is a BMW: rarely
mistaken for a garbage truck, yet still far more often than for a carrot.

**Knowledge distillation** trains a small **student** to match the teacher's probabilities,
softened by a **temperature** $T$ (the *soft targets*), together with the hard labels. A higher $T$
makes the small probabilities big enough to learn from.
"""
    )
with picture:
    chart(targets_figure(), key="home_chart_targets")
    st.caption(
        "Purple: all the label tells the student. Blue: the teacher's own probabilities. "
        f"Orange: the same teacher at T = {SOFT_T:g}, where tiger, lion and dog become visible."
    )

st.subheader("What we measured")
st.markdown(
    "The lab's own reference runs, in one place (each number is read from assets/reference/ as this page opens). "
    "Make your prediction above before you open this."
)
with st.expander("The findings, each with its caveat and its page", expanded="home" in course.predictions()):
    course.show_findings()

st.subheader("Try it")
pages = [p for p in st.session_state.get("app_pages", []) if p["path"] != "pages/home.py"]
PER_ROW = 3
for row in range(0, len(pages), PER_ROW):
    for col, page in zip(st.columns(PER_ROW, gap="medium"), pages[row : row + PER_ROW]):
        with col.container(border=True, height="stretch"):
            st.page_link(page["path"], label=f"**{page['title']}**", icon=page["icon"])
            st.caption(page["blurb"])

course.footer("home")
