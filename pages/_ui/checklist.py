"""The seed article's when-to-distil checklist as a widget: the engine's criteria as ticks, its recommendation below.

Shared by the Trade-offs page and course step 8 (each with its own state keys and defaults).
"""

from __future__ import annotations

import streamlit as st

from distill_core import tradeoffs as TR

VERDICT_BOX = {"distill": st.success, "pilot": st.info, "not yet": st.warning, "no need": st.warning}


def checklist(defaults: dict[str, bool], key_prefix: str):
    """Tick boxes for and against, in two columns; returns the engine's Recommendation after showing it."""
    answers = {}
    columns = dict(zip(("for", "against"), st.columns(2, gap="large")))
    for side, title in (("for", "**For distillation**"), ("against", "**Against it**")):
        with columns[side]:
            st.markdown(title)
            for c in (c for c in TR.CRITERIA if c.side == side):
                answers[c.key] = st.checkbox(c.question, value=bool(defaults.get(c.key)), key=f"{key_prefix}{c.key}")
    rec = TR.recommend(answers)
    VERDICT_BOX[rec.verdict]("**Recommendation: " + rec.headline + "**\n\n" + "\n".join(f"- {r}" for r in rec.reasons))
    return rec
