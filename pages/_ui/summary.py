"""The take-home summary's download: the learner's predictions and runs of this session, as one HTML page.

``summary_html`` is a pure function of the session's two dicts (tests call it with what AppTest's session holds);
the page itself is built by distill_core.summary_html, with charts as inline SVG: no script, works offline.
"""

from __future__ import annotations

import streamlit as st

from distill_core.summary_html import StepRecord, build_summary_html
from pages._ui.course_content import COURSE, Step

SUMMARY_FILE = "distillation-lab-summary.html"


def step_record(step: Step, prediction: str | None, runs: list[dict], reference: str) -> StepRecord:
    parts = (["Your run: " + runs[-1]["text"]] if runs else []) + ([("Reference: " if step.findings else "") + reference] if reference else [])
    return StepRecord(label=step.nav_title, question=step.question, prediction=prediction or "", result=" | ".join(parts), runs=runs)


def summary_html(predictions: dict[str, str], results: dict[str, list[dict]], reference_for, findings: list | None = None) -> str:
    """The summary page: one section per course step, ``reference_for(step)`` giving the shipped result in words."""
    steps = [step_record(s, predictions.get(s.key), results.get(s.key, []), reference_for(s)) for s in COURSE if s.number]
    return build_summary_html(steps, findings)


def download_summary(key: str) -> None:
    from pages._ui import course

    html = summary_html(course.predictions(), course.results(), course.reference_result, list(course.all_findings().values()))
    st.download_button("Download your take-home summary (HTML, prints to PDF)", html, file_name=SUMMARY_FILE, mime="text/html",
                       key=key, icon=":material/download:", on_click="ignore")
