"""The course around every page: goals, a prediction asked before any run or reveal, the measured result beside it,
a glossary link, instructor notes (``?mode=instructor``) and the "Next" link.

A page calls ``header("distill")`` under its title, ``footer("distill")`` at its end, and, where it shows a live
verdict, ``record_result("distill", text, table=rows)``. The content is data, in course_content.py.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from distill_core.findings import REFERENCE_DIR, Finding, findings, reference_seconds
from pages._ui.course_content import LAST_NUMBER, STEPS, Step, next_step
from pages._ui.glossary_terms import GLOSSARY_PATH

PREDICTIONS = "course_predictions"  # page key -> the option the learner chose (kept for the session)
RESULTS = "course_results"  # page key -> [{"text", "table", "bars"}], the live results a page recorded
INSTRUCTOR = "course_instructor"


# ------------------------------------------------------------------ what the reference runs hold


@st.cache_data(show_spinner=False)
def _findings_cached(stamp: tuple) -> dict[str, Finding]:
    return {f.key: f for f in findings(REFERENCE_DIR)}


def _stamp() -> tuple:
    return tuple(sorted((p.name, p.stat().st_mtime) for p in Path(REFERENCE_DIR).glob("*.json")))


def all_findings() -> dict[str, Finding]:
    """key -> Finding, re-read when a reference file changes."""
    return _findings_cached(_stamp())


@st.cache_data(show_spinner=False)
def _seconds_cached(stamp: tuple) -> dict[str, float]:
    return reference_seconds(REFERENCE_DIR)


def timing(step: Step) -> str:
    """The step's timing line, with the reference runs' recorded wall times filled in."""
    secs = _seconds_cached(_stamp())
    minutes = lambda name: f"{secs[name] / 60:.0f} minutes" if name in secs else "(no reference run shipped)"
    seconds = lambda name: f"{secs[name]:.0f} s" if name in secs else "(no reference run shipped)"
    return step.timing.format(distill_minutes=minutes("sentiment-3layer.json"), soft_minutes=minutes("soft_targets_intents.json"),
                              layers_minutes=minutes("layers-init.json"), quick_seconds=seconds("quick-demo.json"))


def reference_result(step: Step) -> str:
    """What the shipped references (or, on pages without a run, the page's own computation) say."""
    found = all_findings()
    parts = [found[k].text for k in step.findings if k in found]
    return " ".join(([step.answer] if step.answer else []) + parts)


# ------------------------------------------------------------------ session state


def predictions() -> dict[str, str]:
    return st.session_state.setdefault(PREDICTIONS, {})


def results() -> dict[str, list[dict]]:
    return st.session_state.setdefault(RESULTS, {})


def record_result(page: str, text: str, table: list[dict] | None = None, bars: dict[str, float] | None = None) -> None:
    """A page's live result, shown beside the learner's prediction and kept for the take-home summary.

    Called on every rerun that shows the verdict: the same text is stored once.
    """
    runs = results().setdefault(page, [])
    if not any(r["text"] == text for r in runs):
        runs.append({"text": str(text), "table": [dict(r) for r in table] if table else None, "bars": bars})


def is_instructor() -> bool:
    """?mode=instructor turns instructor notes on for the session (pages may rewrite the URL later); ?mode=learner off."""
    mode = st.query_params.get("mode")
    if mode in ("instructor", "learner"):
        st.session_state[INSTRUCTOR] = mode == "instructor"
    return bool(st.session_state.get(INSTRUCTOR, False))


# ------------------------------------------------------------------ header and footer


def _save_prediction(key: str) -> None:
    value = st.session_state.get(f"course_pred_{key}")
    if value is not None:
        predictions()[key] = value


def header(key: str) -> None:
    """Step number, goals, the glossary link, the prediction question (and instructor notes when asked for)."""
    step = STEPS[key]
    with st.container(border=True, key=f"course_header_{key}"):
        top, gloss = st.columns([5, 1], vertical_alignment="center")
        top.markdown(f"**Step {step.number} of {LAST_NUMBER} · Goals**")
        with gloss:
            st.page_link(GLOSSARY_PATH, label="Glossary", icon=":material/menu_book:")
        st.markdown("\n".join(f"- {goal}" for goal in step.goals))
        if step.question:
            stored = predictions().get(key)
            st.radio(f"**Predict first.** {step.question}", step.options, key=f"course_pred_{key}", horizontal=True,
                     index=step.options.index(stored) if stored in step.options else None,
                     on_change=_save_prediction, args=(key,))
            if key in predictions():
                st.caption("Prediction kept for this session: the measured result is beside it at the end of the page.")
    if is_instructor():
        instructor_panel(step)


def instructor_panel(step: Step) -> None:
    with st.expander("Instructor notes: expected results, timings, talking points", expanded=True, icon=":material/school:"):
        expected = reference_result(step)
        st.markdown("**Expected**")
        st.markdown(expected or "Nothing measured on this page: it computes what it shows.")
        st.markdown(f"**Time on a 2-core laptop.** {timing(step)}")
        st.markdown("**Talking points**\n" + "\n".join(f"- {p}" for p in step.talking_points))
        link = prepared_link(step)
        st.markdown("**A link that opens this page prepared** (the copy button is at the right of the box):")
        st.code(link, language=None)


def prepared_link(step: Step) -> str:
    """This page's address with the prepared view's query parameters (the pages read their state from the URL)."""
    try:
        current = urlsplit(st.context.url or "")
    except Exception:  # no browser behind the session (a test): a relative link still works
        current = urlsplit("")
    path = current.path if current.netloc else ("" if step.key == "home" else step.key)
    return urlunsplit((current.scheme, current.netloc, path, urlencode(step.prepared), ""))


def footer(key: str) -> None:
    """Predict, then see: the learner's answer beside the measured result; then the Next link."""
    step = STEPS[key]
    st.divider()
    if step.question:
        with st.container(border=True, key=f"course_footer_{key}"):
            st.markdown("**Predict, then see**")
            mine, seen = st.columns(2, gap="large")
            with mine:
                st.caption("Your prediction")
                st.text(f"{step.question}\n→ {predictions().get(key, '(none yet: answer at the top of the page)')}")
            with seen:
                st.caption("Measured")
                live = results().get(key, [])
                if live:
                    st.text("Your run: " + live[-1]["text"])
                ref = reference_result(step)
                if ref:
                    st.markdown(("**Reference runs:** " if step.findings else "") + ref)
    following = next_step(key)
    if following is not None:
        st.page_link(following.path, label=f"Next: {following.nav_title}", icon=":material/arrow_forward:")
    else:
        from pages._ui.summary import download_summary

        st.markdown("**The end of the course.** Take your predictions and runs home:")
        download_summary(key=f"course_summary_{key}")
        st.page_link("pages/references.py", label="Next: the references, to read further", icon=":material/arrow_forward:")


def show_findings(keys: list[str] | None = None, advice: dict[str, str] | None = None) -> None:
    """The lab's measured findings (all, or ``keys`` in that order), each with its caveat and a link to its page."""
    found = all_findings()
    keys = [k for k in (keys or list(found)) if k in found]
    if not keys:
        st.info("The reference runs are missing from assets/reference/: nothing measured to show.")
        return
    pages_by_path = {s.path: s for s in STEPS.values()}
    for key in keys:
        f = found[key]
        with st.container(border=True, key=f"course_finding_{key}"):
            st.markdown(f"**{f.title}**" + (f" · {advice[key]}" if advice and key in advice else ""))
            st.markdown(f.text)
            st.caption(f"Caveat: {f.caveat}")
            if f.page in pages_by_path:
                st.page_link(f.page, label=f"See it: {pages_by_path[f.page].nav_title}", icon=":material/arrow_forward:")
