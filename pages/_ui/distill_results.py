"""The live distillation page's run views: a run in progress, a finished run's results, the past runs.

Each reads the shared job runner's state and lays it out; none computes a result.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from distill_core.experiments.base import against_spread
from distill_core.experiments.comparison import SPREAD_WORDS, DistillReport
from distill_core.formatting import reproduce_command
from pages._runtime import runner
from pages._ui.distill_figures import GAIN_NOTES, MODEL_NAMES, accuracy_bars, confusion_figure, live_curves
from pages._ui.numbering import layer_list
from pages._ui.onnx_download import onnx_downloads
from pages._ui import session
from pages._ui.style import chart


def fmt_seconds(s: float | None) -> str:
    if s is None or math.isnan(s):
        return "estimating…"
    s = int(round(s))
    return f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"


def curves_row(state, key: str) -> None:
    """The loss and validation curves of a job, side by side (nothing before the first step)."""
    if not state.steps:
        return
    loss, acc = live_curves(state.steps, state.evals)
    c1, c2 = st.columns(2)
    with c1:
        chart(loss, key=f"{key}_loss")
    with c2:
        chart(acc, key=f"{key}_acc")


# How often the live view refreshes (seconds): every 5 s while queued; every second once running, until the first
# curve point, so that it shows at once; then every 3 s. Each refresh reruns the view on the server and redraws two
# Plotly charts in the browser: refreshed every second, the Quick demo took 71 s from Run to its end in the browser,
# every 3 s 53 s (2 cores, bench/preset_wall_times.py). Queued views refresh seldom: in a workshop most views wait,
# and with four live views open the temperature page took 1.62x its idle time, 1.39x with none (concurrent_sessions.py).
LIVE_EVERY_S = {"queued": 5.0, "starting": 1.0, "running": 3.0}


def live_every(state) -> float:
    if state is None or state.status == "queued":
        return LIVE_EVERY_S["queued"]
    return LIVE_EVERY_S["running" if state.steps else "starting"]


def show_live(run_id: int, every: float = LIVE_EVERY_S["starting"]) -> None:
    """A queued or running run's live view (a fragment refreshed every ``every`` s)."""
    job = runner()
    state = job.status(run_id) if job else None
    if state is None:
        st.warning("This run is not in the run store.")
        return
    if state.status not in ("queued", "running"):
        st.session_state["dist_seen_end"] = run_id
        st.rerun()  # the whole page, to draw the results once
    drawn = st.session_state.get("dist_live_drawn") == run_id  # its curves were drawn by an earlier refresh
    if live_every(state) != every and (every != LIVE_EVERY_S["starting"] or drawn):
        st.rerun()  # the whole page: the fragment's pace changes (it started; or its first curves are up: slower now)
    row = job.store.get(run_id)
    shown_id = row.public_id if row is not None else "?"  # the internal id would tell how many runs the server holds
    if state.status == "queued":
        st.info(f"Run {shown_id} is queued: position {state.position or '?'} in line. It starts when the runs ahead of it finish.")
    else:
        st.progress(min(max(state.fraction, 0.0), 1.0), text=f"Run {shown_id}: {state.message} · {100 * state.fraction:.0f}% · "
                    f"elapsed {fmt_seconds(state.elapsed_s)} · about {fmt_seconds(state.eta_s)} left")
    if session.can_control(row) and st.button("Cancel this run", key=f"dist_cancel_{run_id}", icon=":material/stop_circle:"):
        session.cancel(job, run_id)
        st.toast(f"Cancelling run {shown_id} at its next training step…")
    curves_row(state, f"dist_live_{run_id}")
    if state.steps:
        st.session_state["dist_live_drawn"] = run_id
    if state.results:
        st.dataframe(pd.DataFrame([{"model": MODEL_NAMES.get(r["model"], r["model"]), "seed": r["seed"], "test accuracy %": round(100 * r["accuracy"], 1),
                                    "macro-F1 %": round(100 * r["macro_f1"], 1), "agreement with teacher %": round(100 * r["agreement"], 1)}
                                   for r in state.results]), hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.1f")
                                    for c in ("test accuracy %", "macro-F1 %", "agreement with teacher %")})


def gain_cells(report: DistillReport) -> dict[str, str]:
    """model -> its gain over the row above and what it is credited to; empty without a pseudo-label student."""
    parts = report.attribution()
    if parts is None:
        return {}
    cell = lambda gain, noise, credit: f"{100 * gain:+.1f} ({credit}, {SPREAD_WORDS[against_spread(gain, noise)]})"
    return {model: cell(*parts[part], credit) for part, (model, credit, _) in GAIN_NOTES.items()}


def results_frame(report: DistillReport) -> pd.DataFrame:
    """One row per model: accuracy over seeds, size, latency and, with a pseudo-label student, what each gain is credited to."""
    gains = gain_cells(report)
    rows = []
    for r in report.table():
        rows.append({
            "model": MODEL_NAMES[r["model"]],
            "accuracy %": f"{100 * r['accuracy']:.1f}" + (f" ± {100 * r['accuracy_std']:.1f}" if r["seeds"] > 1 else ""),
            "macro-F1 %": f"{100 * r['macro_f1']:.1f}" + (f" ± {100 * r['macro_f1_std']:.1f}" if r["seeds"] > 1 else ""),
            "agreement with teacher %": f"{100 * r['agreement']:.1f}",
            "calibration error (ECE)": f"{r['ece']:.3f}",
            "parameters (M)": f"{r['parameters'] / 1e6:.1f}",
            "size (MB)": f"{r['size_mb']:.0f}",
            f"latency, batch 1 (ms, on {report.latency_device})": "-" if math.isnan(r["latency_ms"]) else f"{r['latency_ms']:.1f}",
            "latency vs teacher": "-" if math.isnan(r["latency_ratio"]) else f"{r['latency_ratio']:.2f}x",
        } | ({"gain over the row above (points)": gains.get(r["model"], "")} if gains else {}))
    return pd.DataFrame(rows)


def show_results(run_id: int, report: DistillReport) -> None:
    # green only when the soft targets beat the same student on the teacher's argmax labels beyond the spread
    (st.success if report.outcome() == "helped" else st.info)(report.verdict())
    st.dataframe(results_frame(report), hide_index=True, width="stretch")
    task = report.task
    extra = (f"the one on the teacher's labels and the distilled one also on {task['transfer_used']} unlabelled rows, labelled by the "
             "teacher (its top class for the one, its soft targets for the other)" if "pseudo" in report.results else
             f"the distilled one also on {task['transfer_used']} unlabelled rows labelled by the teacher")
    st.caption(
        f"Test split: {task['test']} rows. Students trained on {task['train_used']} labelled rows; {extra}; every student for the "
        f"same number of optimiser steps. Latency measured just now on this machine, teacher and "
        f"student interleaved, sequence length {report.spec['max_length']}. Run took {fmt_seconds(report.seconds)}"
        + (" (teacher from the cache)." if report.teacher_cached else " (including fine-tuning the teacher).")
    )
    for note in report.notes:
        st.caption(f"Note: {note}")
    c1, c2 = st.columns([2, 3])
    with c1:
        chart(accuracy_bars(report), key=f"dist_acc_{run_id}")
    with c2:
        tabs = st.tabs([MODEL_NAMES[k] for k in report.results])
        for tab, (name, r) in zip(tabs, report.results.items()):
            with tab:
                chart(confusion_figure(r.confusion, report.label_names, f"Confusion matrix, {MODEL_NAMES[name].lower()} (seed 0)"), key=f"dist_cm_{run_id}_{name}")
    with st.expander(f"Test examples where the distilled student and the teacher disagree ({len(report.disagreements)})", expanded=False):
        if report.disagreements:
            table = pd.DataFrame([
                {"text": d["text"], "true label": d["label"], "teacher": d["teacher"], "student": d["student"],
                 **{f"teacher p({k})": round(v, 3) for k, v in d["teacher_probs"].items()}}
                for d in report.disagreements
            ])
            st.dataframe(table, hide_index=True, width="stretch")
            st.caption("The teacher's probabilities at T = 1: where it hesitates, the student often goes the other way.")
        else:
            st.write("None: the student agrees with the teacher on every test example.")
    c1, c2 = st.columns([1, 2])
    run = runner().store.get(run_id) if runner() else None
    with c1:
        if run and run.artefacts and session.can_download(run):
            from distill_core.runs import zip_folder

            folder = f"{run.artefacts}/student"
            st.download_button(
                "Download the distilled student (.zip)", data=lambda: zip_folder(folder), file_name=f"distilled-student-{run.public_id}.zip",
                mime="application/zip", icon=":material/download:", key=f"dist_zip_{run_id}", on_click="ignore",
                help="A Hugging Face model folder: safetensors weights, config, tokenizer and a model card with this run's config and metrics.",
            )
    with c2:
        st.caption("Reproduce this run from a terminal:")
        st.code(reproduce_command(report.spec), language="bash")
    if run and run.artefacts and session.can_download(run):
        onnx_downloads(runner(), run, run_id)  # ONNX and onnxruntime INT8 beside the folder (issue 17)


def show_past_runs(task_key: str | None) -> None:
    job = runner()
    if job is None:
        return
    runs = session.list_runs(job.store, kind="distill", limit=50)  # own runs and shared sample-task runs (all: instructor)
    if task_key:
        runs = [r for r in runs if r.task == task_key]
    st.subheader("Past runs" + (" on this task" if task_key else ""))
    if not runs:
        st.caption("None yet: press Run above. Every run is kept, also across restarts of the app.")
        return
    rows = []
    for r in runs:
        rep = (r.metrics or {}).get("results") or {}
        acc = {k: 100 * sum(m["accuracy"] for m in v["per_seed"]) / len(v["per_seed"]) for k, v in rep.items() if v.get("per_seed")}
        # text, so that a run without a student of some kind (no transfer set, or one from before that student; a
        # failed run) shows a dash: st.dataframe writes "None" for a missing number and has no placeholder (1.67)
        score = lambda key: f"{acc[key]:.1f}" if key in acc else "–"
        rows.append({
            "run": r.public_id, "status": r.status, "when": pd.Timestamp(r.created, unit="s").strftime("%Y-%m-%d %H:%M"),
            "T": r.config.get("temperature"), "alpha": r.config.get("alpha"), "teacher layers": layer_list(r.config.get("student_layers")),
            "seeds": len(r.config.get("seeds", [])), "teacher %": score("teacher"),
            "hard-label %": score("baseline"), "teacher's labels %": score("pseudo"), "distilled %": score("distilled"),
            "note": (r.error or "")[:80],
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    c1, c2 = st.columns([2, 3])
    shown = {r.id: f"run {r.public_id} ({pd.Timestamp(r.created, unit='s'):%Y-%m-%d %H:%M})" for r in runs}  # never the internal id
    pick = c1.selectbox("Open a past run", [r.id for r in runs], format_func=shown.get, key="dist_pick_run", index=None,
                        placeholder="choose a run")
    if pick is not None and pick != st.session_state.get("dist_run"):
        st.session_state["dist_run"] = pick
        st.query_params["run"] = next(r.public_id for r in runs if r.id == pick)  # links carry the unguessable id
        st.rerun()
