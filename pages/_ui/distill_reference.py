"""The Quick demo's shipped reference run: what the live page shows before anyone presses Run.

The numbers are read from ``assets/reference/quick-demo.json``, the CLI's ``--json`` report of
``python -m distill_core distill --preset quick``, never retyped.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from distill_core.experiments.comparison import DistillReport
from pages._ui.distill_figures import accuracy_bars
from pages._ui.distill_results import fmt_seconds, results_frame
from pages._ui.style import chart

REFERENCE = Path(__file__).resolve().parents[2] / "assets" / "reference" / "quick-demo.json"
COLUMNS = ["model", "accuracy %", "gain over the row above (points)", "parameters (M)"]


@st.cache_data(show_spinner=False)
def _load(path: str, mtime: float) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def reference_report() -> DistillReport | None:
    if not REFERENCE.exists():
        return None
    return DistillReport.from_dict(_load(str(REFERENCE), REFERENCE.stat().st_mtime))


def show_reference() -> None:
    """The reference run's verdict, table and chart, labelled as measured elsewhere."""
    report = reference_report()
    if report is None:
        return
    seeds = len(report.spec["seeds"])
    st.markdown("#### What the Quick demo measured on a 2-core laptop")
    st.caption(
        f"The shipped reference run, {seeds} seeds, {fmt_seconds(report.seconds)} with the teacher cached: "
        f"{report.task['train_used']} labelled reviews ({report.spec.get('labels_per_class')} per class) and "
        f"{report.task['transfer_used']} unlabelled ones the teacher labels. Press **Run** to measure it on this machine."
    )
    st.info(report.verdict())
    frame = results_frame(report)
    c1, c2 = st.columns([3, 2])
    c1.dataframe(frame[[c for c in COLUMNS if c in frame.columns]], hide_index=True, width="stretch")
    with c2:
        chart(accuracy_bars(report), key="dist_reference_bars")
