"""Hinton's experiments, in miniature: the MNIST table's shape and the omitted digit, on 8x8 digits.

Top: the question and the paper's numbers. Then the shipped reference runs (5 seeds per student
size), redrawn by the T and student-size sliders: test errors of teacher / hard-label student /
distilled student; recall of the digit the student never saw vs T; the bias correction at the
chosen T, explained beside its chart. Last, "Run live" retrains one seed through the job runner.
"""

from __future__ import annotations

import math
from pathlib import Path

import streamlit as st

from distill_core.errors import DistillError
from distill_core.experiments.digits import DigitsSpec, table_spec
from distill_core.experiments.digits_report import DigitsReport
from pages._runtime import extra_presets, follow_job, runner
from pages._ui import course
from pages._ui.hinton_figures import (HINTON_MNIST_ERRORS, correction_figure, errors_figure, mnist_table, omitted_table,
                                      recall_figure)
from pages._ui.hinton_intents import intents_section
from pages._ui.style import chart, load_reference
from pages._ui.widgets import reset_page, state_from_url, state_to_url
from pages._ui import session
from pages._ui.guard import parse_float, parse_int

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "assets" / "reference"
SIZES = [16, 32, 64]  # student hidden sizes with a shipped reference (assets/reference/digits-h<size>.json)
TEMPERATURES = [1.0, 2.0, 4.0, 8.0, 20.0]
DEFAULTS = {"hn_t": 8.0, "hn_size": DigitsSpec().student_hidden, "hn_omit": DigitsSpec().omit}


def reference(size: int) -> DigitsReport | None:
    data = load_reference(REFERENCE_DIR / f"digits-h{size}.json")  # what `omitted-class --json` writes
    return DigitsReport.from_dict(data["report"]) if data and "report" in data else None


def live_spec(size: int, omit: int) -> DigitsSpec:
    """The live run: the reference's recipe with one seed, or an instructor's ``"digits"`` preset
    (``{"spec": {DigitsSpec fields}}`` in DISTILL_LAB_EXTRA_PRESETS; the tests' is tiny)."""
    preset = extra_presets("digits") or {}
    fields = {"seeds": [0]} | dict(preset.get("spec", {})) | {"student_hidden": size, "omit": omit}
    return DigitsSpec.from_dict(fields)


def shown_report(size: int) -> tuple[DigitsReport | None, str]:
    """A finished live run for this size wins over the shipped reference."""
    live = st.session_state.get("hn_live_reports", {}).get(size)
    if live is not None:
        return DigitsReport.from_dict(live), "live"
    return reference(size), "reference"


def table_report() -> tuple[DigitsReport | None, str]:
    """The table's own runs (``TABLE_PRESET``): a finished live run, else the shipped reference."""
    live = st.session_state.get("hn_table_live")
    if live is not None:
        return DigitsReport.from_dict(live), "live"
    data = load_reference(REFERENCE_DIR / "digits-table.json")
    return (DigitsReport.from_dict(data["report"]) if data and "report" in data else None), "reference"


def live_table_spec() -> DigitsSpec:
    """One seed of the table's recipe; an instructor's ``"digits"`` preset applies here too (the tests' is tiny)."""
    preset = extra_presets("digits") or {}
    return table_spec(**({"seeds": [0]} | dict(preset.get("spec", {})) | {"experiments": ["table"]}))


def table_section(t: float) -> None:
    st.subheader("1 · The MNIST table's shape")
    h = HINTON_MNIST_ERRORS
    st.markdown(
        f"Hinton, Vinyals & Dean (2015) on MNIST (10,000 test images): a 2×1200 teacher, strongly regularised with dropout "
        f"and weight constraints and trained on images jittered by up to two pixels, made **{h['teacher']}** errors; a 2×800 "
        f"student with **no regularisation**, on hard labels, **{h['hard']}**; the same student regularised solely by the added "
        f"task of matching the teacher's soft targets at T = 20, **{h['soft']}**. "
        "The student is big enough to overfit its labels: what soft targets pass on is the teacher's way of generalising. "
        "Here the same set-up in miniature: a large student with no regulariser of its own, the same epochs on hard "
        "labels or on soft targets."
    )
    report, source = table_report()
    if report is None:
        st.info("The table's reference runs (assets/reference/digits-table.json) are missing: run it live below.")
    else:
        temps = sorted(float(v) for v in report.table()["temperature"].dropna())
        t = min(temps, key=lambda v: abs(math.log(v / t)))  # the table's runs have their own temperatures
        c1, c2 = st.columns([3, 2])
        with c1:
            chart(errors_figure(report, t), key=f"hn_errors_{source}")
        with c2:
            st.dataframe(mnist_table(report), hide_index=True, width="stretch")
            st.markdown(f"**{report.table_verdict(t)}**")
            st.caption(report.other_temperatures_line(t))
        st.caption(headroom(report) + " " + table_caption(report, source))
    live_run("hn_table", "Run the table live", live_table_spec, keep_table_live,
             "Retrains one seed of the table on this machine: the teacher (cached after its first run, and shared with "
             "section 2) and one student per condition, in the shared queue behind any other run. On a busy 2-core CPU: "
             "about 30 s with the teacher cached; a first run also trains the teacher (about 35 s more).")


def headroom(report: DigitsReport) -> str:
    """How far the teacher is ahead of the hard-label student: all that soft targets could pass on."""
    s = report.table().set_index("condition")
    if not {"teacher", "hard"} <= set(s.index):
        return ""
    gap = s.loc["hard", "errors"] - s.loc["teacher", "errors"]
    h = HINTON_MNIST_ERRORS
    return (f"Here the teacher makes {gap:.1f} fewer errors than the hard-label student "
            f"({100 * gap / max(s.loc['hard', 'errors'], 1e-9):.0f}% of the student's); in Hinton et al.'s table it made "
            f"{h['hard'] - h['teacher']} fewer ({100 * (h['hard'] - h['teacher']) / h['hard']:.0f}%).")


def table_caption(report: DigitsReport, source: str) -> str:
    spec, seeds = report.spec, len(report.spec["seeds"])
    where = ("shipped reference runs (`python -m distill_core.experiments.digits_table --seeds 5`, see "
             "assets/reference/README.md)" if source == "reference"
             else "your live run on this machine")
    return (f"From {where}: {seeds} seed{'s' if seeds > 1 else ''}, each its own teacher and students"
            f"{', ± is the standard deviation over seeds' if seeds > 1 else ', so no spread'}. Students 2×{spec['student_hidden']}, "
            f"{spec['student_epochs']} epochs, Adam {spec['student_lr']:g}, no dropout, no weight decay, no shifted images; "
            f"alpha {spec['alpha']:g} on the hard labels. These settings were chosen on the {spec['validation_size']} "
            "validation images, never the test set. \"Soft targets helped\" needs a gap larger than the seed spread.")


def omitted_section(report: DigitsReport, t: float, where: str) -> None:
    digit = report.spec["omit"]
    st.subheader(f"2 · The digit the student never saw: {digit}")
    st.markdown(
        f"The students below learn from every training image **except the {digit}s**. On hard labels a student can never "
        f"answer {digit}: nothing ever asks it to. On the teacher's soft targets it sees, on other digits' images, how "
        f"much they look like a {digit} (a 5 or an 8 drawn a little like a 3, say), and that is enough to "
        "recognise many of them. Hinton et al. (2015) left every 3 out of MNIST's transfer set: their distilled student made "
        "206 test errors, 133 of them on the 1,010 test 3s, mostly because its learned bias for 3 was much too low. Raising "
        "that bias by 3.5 left 109 errors, 14 of them on 3s: 98.6% of the 3s right, a digit it had never seen."
    )
    chart(recall_figure(report, t), key=f"hn_recall_{where}")
    c1, c2 = st.columns([3, 2])
    with c1:
        chart(correction_figure(report, t), key=f"hn_correction_{where}")
    with c2:
        st.markdown(
            f"**The bias correction.** A student that never saw a {digit} learned a low output bias for it: in training, "
            f"{digit} was never the answer. Hinton et al. raised that one bias after training. Here the amount is chosen on "
            f"**{report.spec['validation_size']} held-out validation images, never the test set**: the smallest raise that "
            f"makes the student answer {digit} on as many validation images as {digit}s make up of the teacher's training "
            f"images ({100 * report.omitted_share:.1f}%). It uses no validation labels, only that share."
        )
        hard, soft = (report.omitted().set_index("condition").loc[c] for c in ("hard", f"soft T={t:g}"))
        st.caption(
            f"The control: the same rule applied to the hard-label student (a raise of {hard['bias']:.1f}, since its {digit} "
            f"output is pushed far down) recognises {100 * hard['omitted_recall_corrected']:.0f}% of the {digit}s while its "
            f"accuracy goes from {100 * hard['accuracy']:.1f}% to {100 * hard['accuracy_corrected']:.1f}%: most of its new "
            f"{digit}s are other digits."
            + (f" The student distilled at T = {t:g} gains on both." if soft["omitted_recall_corrected"] > soft["omitted_recall"]
               and soft["accuracy_corrected"] > soft["accuracy"] else "")
        )
    st.dataframe(omitted_table(report), hide_index=True, width="stretch")


def caption_for(report: DigitsReport, source: str) -> str:
    spec = report.spec
    seeds = len(spec["seeds"])
    where = (f"shipped reference runs (`python -m distill_core omitted-class --task digits --seeds 5 --student-hidden {spec['student_hidden']}`, see "
             "assets/reference/README.md)" if source == "reference" else "your live run on this machine")
    return (
        f"From {where}: {seeds} seed{'s' if seeds > 1 else ''} (each its own teacher and students), "
        f"{'± is the standard deviation over seeds' if seeds > 1 else 'so no spread: run the reference for one'}. "
        f"scikit-learn's 8x8 digits, {report.test_size} test images, {spec['validation_size']} validation images, the rest for "
        f"training. Teacher {len(spec['teacher_hidden'])}×{max(spec['teacher_hidden'])} MLP, dropout {spec['teacher_dropout']:g}, "
        f"images shifted by up to {spec['teacher_shift']} pixel while it trains; students 2×{spec['student_hidden']}, "
        f"{spec['student_epochs']} epochs each, alpha {spec['alpha']:g} on hard labels."
    )


def live_section(size: int) -> None:
    st.subheader("Run it live")
    omit = st.columns([1, 3])[0].selectbox("Digit to leave out", list(range(10)), key="hn_omit")
    live_run("hn", "Run live", lambda: live_spec(size, omit), keep_live,
             f"Retrains one seed on this machine with the sliders' student size ({size} units) and the digit chosen here: "
             "a teacher (the slow part, cached afterwards) and 12 students, in the shared queue behind any other run. "
             "On a shared 2-core CPU: about 40 s the first time, 15 s once the teacher is cached.")


def live_run(key: str, label: str, make_spec, keep, note: str) -> None:
    """A "Run live" button for ``make_spec()`` through the job runner; ``keep(run_id, report)`` once it finishes."""
    job = runner()
    st.caption(note)
    if st.button(label, type="primary", icon=":material/play_arrow:", disabled=job is None, key=f"{key}_run"):
        try:
            from distill_core.experiments.digits import run_digits_experiment

            st.session_state[f"{key}_run_id"] = job.submit(make_spec(), kind="digits", task="digits", run_fn=run_digits_experiment, owner=session.owner_token())
        except DistillError as exc:
            st.error(str(exc))
    run_id = st.session_state.get(f"{key}_run_id")
    if run_id and job is not None:
        follow_job(job, run_id, key, lambda state: keep(run_id, state.report))


def keep_live(run_id: int, report: dict) -> None:
    """The finished run replaces the reference for its student size; once per run, then the charts above redraw."""
    if st.session_state.get("hn_shown_run") == run_id:
        return
    st.session_state["hn_shown_run"] = run_id
    st.session_state.setdefault("hn_live_reports", {})[report["spec"]["student_hidden"]] = report
    course.record_result("hinton", f"Run {run_id}: " + " ".join(DigitsReport.from_dict(report).reading()))
    st.rerun()


def keep_table_live(run_id: int, report: dict) -> None:
    """The finished table run replaces the table's reference; once per run."""
    if st.session_state.get("hn_table_shown") == run_id:
        return
    st.session_state["hn_table_shown"] = run_id
    st.session_state["hn_table_live"] = report
    course.record_result("hinton", f"Run {run_id}: " + " ".join(DigitsReport.from_dict(report).reading(("table",))),
                         table=DigitsReport.from_dict(report).table_records())
    st.rerun()


# ------------------------------------------------------------------ the page

st.title("Hinton's experiments, in miniature")
course.header("hinton")
st.markdown(
    "Hinton, Vinyals & Dean (2015), *Distilling the Knowledge in a Neural Network*, showed on MNIST that a small network "
    "learns more from a large network's probabilities than from the labels alone, and that it can even learn a digit it "
    "never saw. Here are the same two experiments on scikit-learn's bundled 8x8 digits, small enough to rerun on a laptop "
    "in seconds."
)
state_from_url({"T": ("hn_t", lambda v: parse_float(v, min(TEMPERATURES), max(TEMPERATURES), TEMPERATURES)),
                "size": ("hn_size", lambda v: (lambda n: n if n in SIZES else None)(parse_int(v, min(SIZES), max(SIZES))))})
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)
c1, c2, c3 = st.columns([2, 2, 1])
t = c1.select_slider("Temperature T of the distilled student", TEMPERATURES, key="hn_t", format_func=lambda v: f"{v:g}",
                     help="Soft targets are the teacher's probabilities at T; higher T shows more of the small ones.")
size = c2.select_slider("Student size in section 2 (units per hidden layer, 2 layers)", SIZES, key="hn_size",
                        help="Each size has its own shipped runs; section 2's charts redraw from them.")
LIVE_KEYS = ("hn_run_id", "hn_live_reports", "hn_shown_run", "hn_table_run_id", "hn_table_live", "hn_table_shown")
c3.button("Reset", on_click=reset_page, args=(DEFAULTS, "hn_", LIVE_KEYS), key="hn_reset")
state_to_url({"T": (t, DEFAULTS["hn_t"]), "size": (size, DEFAULTS["hn_size"])})

table_section(t)
report, source = shown_report(size)
if report is None:
    st.info(f"The reference runs for {size} units are missing from assets/reference/: run it live below.")
else:
    temps = report.spec["temperatures"]
    if t not in temps:  # a live run with other temperatures: its nearest one
        t = min(temps, key=lambda v: abs(math.log(v / t)))
        st.caption(f"This run has no student at the slider's T; showing T = {t:g}.")
    omitted_section(report, t, f"{source}_{size}")
    for line in report.reading(parts=("omitted",)):
        st.markdown(f"- {line}")
    st.caption(caption_for(report, source))

live_section(size)
intents_section()  # the same experiment on the 16-intent task, from its shipped reference
course.footer("hinton")
