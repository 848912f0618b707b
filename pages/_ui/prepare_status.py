"""The live page's status line for the background preparation of the sample tasks' teachers
(distill_core.prepare.Background, started once per server by app.py): what is ready, what is being
prepared and how long it has left, or why it stopped; a Cancel while it works."""

from __future__ import annotations

import streamlit as st

from pages._runtime import start_preparation
from pages._ui.distill_results import fmt_seconds
from pages._ui.guard import plain


def status_line(s) -> str:
    """One line for a PrepareStatus: "Preparing the sentiment teacher in the background: 40% (about 50 s left)."."""
    later = f"; then the {', '.join(s.pending)} teacher{'s' if len(s.pending) > 1 else ''}" if s.pending else ""
    if s.state == "preparing":
        if s.fraction < 0.005:  # the job's process is starting and loading the model: no rate to tell a time from yet
            return f"Preparing {s.label} in the background: starting{later}."
        eta = f" (about {fmt_seconds(s.eta_s)} left)" if s.eta_s else ""
        return f"Preparing {s.label} in the background: {100 * s.fraction:.0f}%{eta}{later}."
    if s.state == "waiting":
        return f"Preparing {s.label} in the background once the runs in the queue have finished{later}."
    if s.state == "planning":
        return "Checking which teachers are ready…"
    ready = f"Teachers ready: {', '.join(s.ready)}. " if s.ready else ""
    if s.state == "cancelled":
        return ready + "Preparing the other teachers was cancelled: a run fine-tunes its teacher the first time instead."
    if s.state == "failed":
        return ready + "Preparing failed: " + "; ".join(s.errors) + ". A run fine-tunes its teacher the first time instead."
    return f"Teachers ready ({', '.join(s.ready)}): a run starts training its students straight away."


def show_prepare_status() -> None:
    """The status line, refreshed every 2 s while the preparation works; nothing when it is turned off."""
    background = start_preparation()
    if background is None:
        return
    if background.status().state in ("planning", "waiting", "preparing"):
        st.fragment(_live, run_every=2.0)(background)
    else:
        _line(background.status())


def _live(background) -> None:
    s = background.status()
    if s.state not in ("planning", "waiting", "preparing"):
        st.rerun()  # the whole page: its time estimate no longer includes fine-tuning the teacher
    c1, c2 = st.columns([8, 1], vertical_alignment="center")
    with c1:
        _line(s)
    if c2.button("Cancel", key="prep_cancel", help="Stop preparing the teachers; a run then fine-tunes its own the first time."):
        background.cancel()
        st.rerun()


def _line(s) -> None:
    icon = {"failed": ":material/error:", "cancelled": ":material/block:", "ready": ":material/check_circle:"}.get(s.state, ":material/hourglass_top:")
    st.caption(f"{icon} {plain(status_line(s))}")  # an error line may hold paths and underscores
