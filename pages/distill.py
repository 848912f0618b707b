"""Live distillation: pick a preset, press Run, watch a teacher teach a student on this CPU.

Top: the presets and the Run button (a newcomer needs nothing else). Settings, folded: task,
teacher, student, objective, T / alpha, training. While a run is queued or running, a fragment
polls the shared job runner each second: progress, ETA, live curves, Cancel. When it ends:
teacher vs hard-label student vs distilled student, the verdict, confusion matrices, the
disagreements, the student as a zip and the command that reproduces the run. Past runs below.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from distill_core import data as D
from distill_core.experiments.comparison import DistillReport, DistillSpec
from distill_core.errors import DistillError
from distill_core.paths import uploads_dir
from distill_core.formatting import reproduce_command
from distill_core.teacher import TeacherConfig
from pages._common import COLOR_HARD, COLOR_NEUTRAL, COLOR_SOFT, COLOR_STUDENT, COLOR_TEACHER_T1, OKABE_ITO, chart, style
from pages._runtime import locked, runner, test_presets_enabled

MODEL_COLORS = {"teacher": COLOR_TEACHER_T1, "baseline": COLOR_HARD, "distilled": COLOR_SOFT}
MODEL_NAMES = {"teacher": "Teacher", "baseline": "Student, hard labels", "distilled": "Student, distilled"}
BUNDLED_LAYERS = 6


@dataclass(frozen=True)
class Preset:
    label: str
    seeds: int  # runs seeds 0..n-1
    epochs: int  # student epochs
    transfer_size: int | None  # unlabelled rows the teacher labels (None: all the task has)
    max_train: int | None = None
    teacher_epochs: int | None = None  # None: the task's teacher recipe
    teacher: str = "bundled"
    blurb: str = ""
    learning_rate: float = 1e-4


PRESETS: dict[str, Preset] = {
    # Quick and Workshop train at 3e-4: at 1e-4 their ~76 to ~150 steps left the hard-label student at 65% (teacher 89%).
    # Measured here, neither shows a clear gain from distillation; Thorough (the shipped reference's settings) does.
    "quick": Preset("Quick demo", 1, 2, 600, learning_rate=3e-4,
                    blurb="1 seed, 2 epochs, 600 transfer reviews: the whole pipeline in a minute; too small to show a gain"),
    "workshop": Preset("Workshop", 2, 3, 1000, learning_rate=3e-4, blurb="2 seeds, 3 epochs, 1,000 transfer reviews"),
    "thorough": Preset("Thorough", 3, 3, None, blurb="3 seeds, 3 epochs, the whole transfer pool: the reference run, +4.8 points there"),
}
if test_presets_enabled():
    PRESETS["tiny"] = Preset("Tiny model (tests)", 1, 1, 20, max_train=60, teacher_epochs=1, teacher="tiny", blurb="random 2-layer BERT, seconds")

# term -> (label, weight, source); attention MSEs are ~1e-3, hence the larger weight
OBJECTIVES = {
    "hidden_mse": ("hidden states", 1.0, "FitNets, Romero et al. 2015; TinyBERT, Jiao et al. 2020"),
    "attention": ("attention maps", 100.0, "TinyBERT, Jiao et al. 2020"),
    "pkd": ("[CLS] over layers", 1.0, "Patient KD, Sun et al. 2019"),
    "cosine": ("cosine of hidden states", 1.0, "DistilBERT, Sanh et al. 2019"),
}
INITS = {
    "pretrained": "pre-trained teacher layers",
    "finetuned": "fine-tuned teacher layers",
    "random": "random",
}
LAYER_MAPS = {
    "distilbert": "the layers it was copied from (DistilBERT)",
    "tinybert": "uniform: every N/M-th teacher layer (TinyBERT)",
    "pkd-skip": "every k-th teacher layer (PKD-skip)",
    "pkd-last": "the teacher's last layers (PKD-last)",
}

# Examples per second on a 2-core laptop CPU (measured: see the closing notes of the project);
# the estimate is replaced by this machine's own speed once one run has finished here.
DEFAULT_SPEED = {"teacher": 40.0, "student": 80.0}

DEFAULTS = {
    "dist_preset": "quick",
    "dist_task": "sentiment",
    "dist_teacher_kind": "Bundled MiniLM (offline)",
    "dist_layers": [0, 2, 4],
    "dist_arch": "Truncated BERT",
    "dist_init": "pretrained",
    "dist_T": 4.0,
    "dist_alpha": 0.5,
    "dist_use_transfer": True,
}


# ------------------------------------------------------------------ state and URL


def init_state() -> None:
    params = st.query_params
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    if "dist_url_read" not in st.session_state:
        st.session_state["dist_url_read"] = True
        if params.get("preset") in PRESETS:
            st.session_state["dist_preset"] = params["preset"]
        if params.get("task") in D.available_sample_tasks():
            st.session_state["dist_task"] = params["task"]
        try:
            st.session_state["dist_T"] = min(20.0, max(0.5, float(params.get("T", DEFAULTS["dist_T"]))))
            st.session_state["dist_alpha"] = min(1.0, max(0.0, float(params.get("alpha", DEFAULTS["dist_alpha"]))))
        except ValueError:
            pass
        if str(params.get("run", "")).isdigit():
            st.session_state["dist_run"] = int(params["run"])


def reset() -> None:
    for key in [k for k in st.session_state if str(k).startswith("dist_")]:
        del st.session_state[key]
    st.query_params.clear()
    st.session_state["dist_url_read"] = True


def sync_url() -> None:
    st.query_params["preset"] = st.session_state["dist_preset"]
    st.query_params["task"] = st.session_state["dist_task"]
    st.query_params["T"] = f"{st.session_state['dist_T']:g}"
    st.query_params["alpha"] = f"{st.session_state['dist_alpha']:g}"
    if st.session_state.get("dist_run"):
        st.query_params["run"] = str(st.session_state["dist_run"])


# ------------------------------------------------------------------ figures


def layer_diagram(n_teacher: int, kept: list[int], random_init: bool) -> go.Figure:
    """Teacher layers on the left, student layers on the right, an arrow for each copied layer."""
    fig = go.Figure()
    ys_t = list(range(n_teacher))
    fig.add_scatter(
        x=[0] * n_teacher, y=ys_t, mode="markers+text", text=[f"teacher layer {i}" for i in ys_t], textposition="middle left",
        marker={"symbol": "square", "size": 26, "color": [COLOR_TEACHER_T1 if i in kept else COLOR_NEUTRAL for i in ys_t]},
        hoverinfo="skip", showlegend=False,
    )
    ys_s = [kept[j] if j < len(kept) else 0 for j in range(len(kept))]
    # student layers spread evenly over the teacher's height
    pos = [j * (n_teacher - 1) / max(1, len(kept) - 1) for j in range(len(kept))] if len(kept) > 1 else [(n_teacher - 1) / 2]
    fig.add_scatter(
        x=[1] * len(kept), y=pos, mode="markers+text", text=[f"student layer {j}" for j in range(len(kept))], textposition="middle right",
        marker={"symbol": "square", "size": 26, "color": COLOR_STUDENT}, hoverinfo="skip", showlegend=False,
    )
    if not random_init:
        for j, t in enumerate(ys_s):
            fig.add_annotation(x=0.93, y=pos[j], ax=0.07, ay=t, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                               arrowhead=2, arrowsize=1.2, arrowwidth=2, arrowcolor=COLOR_SOFT)
    fig.update_xaxes(range=[-1.1, 2.1], visible=False)
    fig.update_yaxes(range=[-0.7, n_teacher - 0.3], visible=False)
    title = "Student copies the highlighted teacher layers" if not random_init else "Student starts from random weights (no copy)"
    return style(fig, title, "", "", height=60 + 42 * n_teacher, legend="none")


def live_curves(steps: dict[str, list[dict]], evals: list[dict]) -> tuple[go.Figure, go.Figure]:
    loss = go.Figure()
    palette = [COLOR_TEACHER_T1, COLOR_HARD, COLOR_SOFT, COLOR_STUDENT, OKABE_ITO["sky"], OKABE_ITO["vermillion"]]
    for i, (phase, pts) in enumerate(steps.items()):
        if not pts:
            continue
        color = palette[i % len(palette)]
        x = [p["epoch"] for p in pts]
        loss.add_scatter(x=x, y=[p["loss"] for p in pts], mode="lines", name=f"{phase}: total", line={"color": color})
        if phase.startswith("distilled"):
            loss.add_scatter(x=x, y=[p["hard_ce"] for p in pts], mode="lines", name=f"{phase}: hard CE", line={"color": color, "dash": "dot"})
            loss.add_scatter(x=x, y=[p["soft_kl_t2"] for p in pts], mode="lines", name=f"{phase}: T²·KL", line={"color": color, "dash": "dash"})
    style(loss, "Training loss by phase (dotted: hard CE, dashed: T²·KL)", "epoch", "loss (nats)", height=340, legend="top", legend_rows=2)
    acc = go.Figure()
    by_phase: dict[str, list[dict]] = {}
    for e in evals:
        by_phase.setdefault(e["phase"], []).append(e)
    for i, (phase, pts) in enumerate(by_phase.items()):
        acc.add_scatter(x=[p["epoch"] for p in pts], y=[100 * p["val_accuracy"] for p in pts], mode="lines+markers", name=phase,
                        line={"color": palette[i % len(palette)]})
    style(acc, "Validation accuracy after each epoch", "epoch", "accuracy (%)", height=340, legend="top", legend_rows=2)
    return loss, acc


def accuracy_bars(report: DistillReport) -> go.Figure:
    fig = go.Figure()
    for name, r in report.results.items():
        fig.add_bar(
            x=[MODEL_NAMES[name]], y=[100 * r.mean("accuracy")], error_y={"type": "data", "array": [100 * r.std("accuracy")], "visible": True},
            marker_color=MODEL_COLORS[name], name=MODEL_NAMES[name], text=[f"{100 * r.mean('accuracy'):.1f}"], textposition="inside",
            hovertemplate=f"{MODEL_NAMES[name]}: %{{y:.1f}}% over {len(r.per_seed)} seed(s)<extra></extra>",
        )
    seeds = len(report.results["distilled"].per_seed)
    fig.update_layout(yaxis_range=[0, 100])
    return style(fig, f"Test accuracy (mean{' ± std over ' + str(seeds) + ' seeds' if seeds > 1 else ', 1 seed'})", "", "accuracy (%)", height=340, legend="none")


def confusion_figure(matrix: list[list[int]], labels: list[str], title: str) -> go.Figure:
    fig = go.Figure(go.Heatmap(z=matrix, x=labels, y=labels, colorscale="Blues", showscale=False, text=matrix, texttemplate="%{text}",
                               hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return style(fig, title, "predicted class", "true class", height=260 + 14 * len(labels), legend="none")


# ------------------------------------------------------------------ settings


def _teacher_epochs(spec: DistillSpec) -> int:
    return TeacherConfig.for_task(spec.task if not spec.data_file else None, spec.teacher, spec.teacher_epochs).epochs


def estimate_seconds(spec: DistillSpec, n_train: int, n_transfer: int, teacher_cached: bool, speed: dict) -> float:
    per_seed = spec.epochs * 2 * (n_train + n_transfer) / speed["student"] * (len(spec.student_layers or [0, 2, 4]) / 3)
    teacher = 0.0 if teacher_cached else _teacher_epochs(spec) * n_train / speed["teacher"]
    inference = (n_train + n_transfer) / (speed["teacher"] * 6)
    return teacher + inference + per_seed * len(spec.seeds) + 15


def measured_speed(runs) -> dict:
    """This machine's student speed from finished runs (examples/s), else the laptop default."""
    speeds = []
    for run in runs:
        distilled = ((run.metrics or {}).get("results") or {}).get("distilled") or {}
        if run.status == "finished" and run.config.get("teacher") == "bundled":
            for r in distilled.get("per_seed", []):
                if r.get("examples_per_s"):
                    speeds.append(r["examples_per_s"] * len(run.config.get("student_layers") or [0, 2, 4]) / 3)
    if not speeds:
        return DEFAULT_SPEED
    student = sorted(speeds)[len(speeds) // 2]
    return {"student": student, "teacher": student / 2}


def pick_task() -> tuple[str | None, str | None, str, str, str | None]:
    """(sample task, data file, text column, label column, problem)."""
    tasks = D.available_sample_tasks()
    options = list(tasks) + ["upload"]
    names = {k: v.title for k, v in tasks.items()} | {"upload": "Upload a CSV / TSV"}
    choice = st.radio("Task", options, format_func=names.get, key="dist_task", horizontal=True)
    if choice != "upload":
        st.caption(tasks[choice].description)
        return choice, None, "text", "label", None
    upload = st.file_uploader(
        "Your file: one row per example, a text column and a label column", type=["csv", "tsv", "txt"], key="dist_upload",
        help=f"UTF-8 CSV or TSV, at most {D.MAX_FILE_MB} MB, 2 to {D.MAX_CLASSES} classes with {D.MIN_ROWS_PER_CLASS}+ rows each.",
    )
    if upload is None:
        return None, None, "text", "label", "Upload a file, or pick a sample task."
    raw = upload.getvalue()
    try:
        df = D.read_table(raw, upload.name)
    except DistillError as exc:
        return None, None, "text", "label", str(exc)
    cols = list(df.columns)
    guess_text = next((c for c in cols if c.lower() in ("text", "sentence", "review", "message", "content")), cols[0])
    guess_label = next((c for c in cols if c.lower() in ("label", "labels", "class", "intent", "sentiment", "target")), cols[-1])
    c1, c2 = st.columns(2)
    text_col = c1.selectbox("Text column", cols, index=cols.index(guess_text), key="dist_text_col")
    label_col = c2.selectbox("Label column", cols, index=cols.index(guess_label), key="dist_label_col")
    check = D.validate_table(df, text_col, label_col)
    st.dataframe(df[[c for c in (text_col, label_col) if c in df.columns]].head(5), hide_index=True, width="stretch")
    for w in check.warnings:
        st.warning(w)
    if not check.ok:
        return None, None, text_col, label_col, "This file cannot be used yet: " + " ".join(f"{p}." for p in check.problems)
    folder = uploads_dir()
    path = folder / f"{hashlib.sha256(raw).hexdigest()[:16]}{'.tsv' if upload.name.lower().endswith('.tsv') else '.csv'}"
    try:
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(raw)
    except OSError as exc:
        return None, None, text_col, label_col, f"The upload cannot be saved on the server ({exc.strerror})."
    st.caption(f"{len(df):,} rows; {df[label_col].nunique()} classes. Split 70 / 10 / 20 into train / validation / test, stratified, fixed seed.")
    return None, str(path), text_col, label_col, None


def pick_teacher() -> tuple[str, str | None]:
    kinds = ["Bundled MiniLM (offline)"] if locked() else ["Bundled MiniLM (offline)", "Local folder", "Hub id (needs internet)"]
    kind = st.radio("Teacher", kinds, key="dist_teacher_kind", horizontal=True)
    if locked():
        st.caption("This server is in workshop mode: only the bundled teacher is offered.")
    if kind.startswith("Bundled"):
        st.caption("all-MiniLM-L6-v2: 6 layers, hidden 384, 12 heads, 22.7M parameters. Fine-tuned on the task on the first run, then reused.")
        return "bundled", None
    if kind == "Local folder":
        path = st.text_input("Folder with a BERT-family model (config.json + .safetensors)", key="dist_teacher_path").strip()
        return path, None if path else "Type the folder of the teacher model."
    hub = st.text_input("Hugging Face model id", value="bert-base-uncased", key="dist_teacher_hub").strip()
    st.caption("Downloads the weights: fails with a clear message when offline.")
    return hub, None if hub else "Type a model id."


def settings_form(preset: Preset) -> tuple[DistillSpec | None, str | None]:
    task, data_file, text_col, label_col, problem = pick_task()
    teacher, teacher_problem = pick_teacher() if preset.teacher == "bundled" else (preset.teacher, None)
    problem = problem or teacher_problem

    st.markdown("**Student**")
    from distill_core.models import teacher_layer_count

    n_layers = teacher_layer_count(teacher) or (BUNDLED_LAYERS if teacher == "bundled" else 12)
    default_layers = [x for x in st.session_state["dist_layers"] if x < n_layers] or list(range(0, n_layers, 2))
    c1, c2 = st.columns([3, 2])
    with c1:
        layers = st.multiselect(
            "Teacher layers the student keeps", list(range(n_layers)), default=default_layers, key="dist_layers_pick",
            help="DistilBERT kept one layer in two (Sanh et al. 2019): 0, 2, 4 of 6.",
        )
        layers = sorted(layers)
        arch = st.radio("Architecture", ["Truncated BERT", "DistilBERT"], key="dist_arch", horizontal=True,
                        help="DistilBERT drops token-type embeddings and the pooler; weights are mapped from BERT.")
        init = st.radio("Initialisation", list(INITS), key="dist_init", horizontal=True, format_func=INITS.get,
                        help="Pre-trained teacher layers: DistilBERT's recipe, the hard-label student never sees the teacher. "
                             "Fine-tuned teacher layers: both students start with the teacher's task knowledge. Random: no head start at all.")
        extra = st.pills("Objective: logits KD (always), plus", list(OBJECTIVES), selection_mode="multi", key="dist_objectives",
                         format_func=lambda k: OBJECTIVES[k][0],
                         help="Intermediate-layer terms, each added with its weight: " + "; ".join(f"{v[0]} x{v[1]:g} ({v[2]})" for v in OBJECTIVES.values()))
        layer_map = "distilbert"
        if extra:
            layer_map = st.selectbox("Which teacher layer each student layer matches", list(LAYER_MAPS), format_func=LAYER_MAPS.get, key="dist_layer_map")
            st.caption("The teacher runs on every batch to give its hidden states and attention: expect roughly 2x the time per step.")
    with c2:
        chart(layer_diagram(n_layers, layers or [0], init == "random"), key="dist_diagram")
    if not layers:
        problem = problem or "Keep at least one teacher layer."

    st.markdown("**The loss**")
    st.latex(r"L = \alpha\,\mathrm{CE}(s, y) + (1-\alpha)\,T^2\,\mathrm{KL}\big(\mathrm{softmax}(t/T)\,\|\,\mathrm{softmax}(s/T)\big)")
    c1, c2 = st.columns(2)
    temperature = c1.select_slider("Temperature T", [0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, 20.0], key="dist_T",
                                   help="Higher T softens the teacher's targets and shows more of the non-top classes.")
    alpha = c2.slider("alpha (weight of the hard labels)", 0.0, 1.0, step=0.05, key="dist_alpha",
                      help="alpha = 1: the labels alone; alpha = 0: the teacher alone.")

    st.markdown("**Training**")
    c1, c2, c3, c4 = st.columns(4)
    epochs = c1.number_input("Epochs", 1, 20, value=preset.epochs, key=f"dist_epochs_{st.session_state['dist_preset']}")
    lr = c2.select_slider("Learning rate", [2e-5, 5e-5, 1e-4, 2e-4, 3e-4, 5e-4], value=preset.learning_rate,
                          key=f"dist_lr_{st.session_state['dist_preset']}", format_func=lambda v: f"{v:g}")
    seeds = c3.number_input("Seeds", 1, 5, value=preset.seeds, key=f"dist_seeds_{st.session_state['dist_preset']}",
                            help="Each seed trains both students again: the spread shows what is noise.")
    cap = c4.number_input("Cap on training rows (0 = all)", 0, 100_000, value=preset.max_train or 0, step=50,
                          key=f"dist_cap_{st.session_state['dist_preset']}")
    use_transfer = st.checkbox("Add the task's unlabelled transfer pool, labelled by the teacher's soft targets", key="dist_use_transfer",
                               help="The usual real setting: the teacher labels extra text for the student. Uploads have no pool.")
    if problem:
        return None, problem
    return DistillSpec(
        task=task, data_file=data_file, text_col=text_col, label_col=label_col, teacher=teacher, teacher_epochs=preset.teacher_epochs,
        student_layers=layers, init=init, architecture="distilbert" if arch == "DistilBERT" else "bert",
        temperature=float(temperature), alpha=float(alpha), epochs=int(epochs), learning_rate=float(lr), seeds=list(range(int(seeds))),
        max_train=int(cap) or None, use_transfer=bool(use_transfer), transfer_size=preset.transfer_size,
        layer_map=layer_map, **{k: OBJECTIVES[k][1] for k in (extra or [])},
    ), None


# ------------------------------------------------------------------ live view and results


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


def show_live(run_id: int) -> None:
    job = runner()
    state = job.status(run_id) if job else None
    if state is None:
        st.warning(f"Run {run_id} is not in the run store.")
        return
    if state.status not in ("queued", "running"):
        st.session_state["dist_seen_end"] = run_id
        st.rerun()  # the whole page, to draw the results once
    if state.status == "queued":
        st.info(f"Run {run_id} is queued: position {state.position or '?'} in line. It starts when the runs ahead of it finish.")
    else:
        st.progress(min(max(state.fraction, 0.0), 1.0), text=f"Run {run_id}: {state.message} · {100 * state.fraction:.0f}% · "
                    f"elapsed {fmt_seconds(state.elapsed_s)} · about {fmt_seconds(state.eta_s)} left")
    if st.button("Cancel this run", key=f"dist_cancel_{run_id}", icon=":material/stop_circle:"):
        job.cancel(run_id)
        st.toast(f"Cancelling run {run_id} at its next training step…")
    curves_row(state, f"dist_live_{run_id}")
    if state.results:
        st.dataframe(pd.DataFrame([{"model": MODEL_NAMES.get(r["model"], r["model"]), "seed": r["seed"], "test accuracy %": round(100 * r["accuracy"], 1),
                                    "macro-F1 %": round(100 * r["macro_f1"], 1), "agreement with teacher %": round(100 * r["agreement"], 1)}
                                   for r in state.results]), hide_index=True, width="stretch")


def show_results(run_id: int, report: DistillReport) -> None:
    (st.success if report.outcome() == "helped" else st.info)(report.verdict())
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
            "latency, batch 1 (ms)": "-" if math.isnan(r["latency_ms"]) else f"{r['latency_ms']:.1f}",
            "latency vs teacher": "-" if math.isnan(r["latency_ratio"]) else f"{r['latency_ratio']:.2f}x",
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    task = report.task
    st.caption(
        f"Test split: {task['test']} rows. Students trained on {task['train_used']} labelled rows; the distilled one also on "
        f"{task['transfer_used']} unlabelled rows labelled by the teacher, and both for the same number of optimiser steps. Latency measured just now on this machine, teacher and "
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
        if run and run.artefacts:
            from distill_core.runs import zip_folder

            folder = f"{run.artefacts}/student"
            st.download_button(
                "Download the distilled student (.zip)", data=lambda: zip_folder(folder), file_name=f"distilled-student-run{run_id}.zip",
                mime="application/zip", icon=":material/download:", key=f"dist_zip_{run_id}", on_click="ignore",
                help="A Hugging Face model folder: safetensors weights, config, tokenizer and a model card with this run's config and metrics.",
            )
    with c2:
        st.caption("Reproduce this run from a terminal:")
        st.code(reproduce_command(report.spec), language="bash")


def show_past_runs(task_key: str | None) -> None:
    job = runner()
    if job is None:
        return
    runs = job.store.list(kind="distill", limit=50)
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
        rows.append({
            "run": r.id, "status": r.status, "when": pd.Timestamp(r.created, unit="s").strftime("%Y-%m-%d %H:%M"),
            "T": r.config.get("temperature"), "alpha": r.config.get("alpha"), "layers": ",".join(map(str, r.config.get("student_layers") or [])),
            "seeds": len(r.config.get("seeds", [])), "teacher %": round(acc.get("teacher", float("nan")), 1),
            "hard-label %": round(acc.get("baseline", float("nan")), 1), "distilled %": round(acc.get("distilled", float("nan")), 1),
            "note": (r.error or "")[:80],
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    c1, c2 = st.columns([2, 3])
    pick = c1.selectbox("Open a past run", [r.id for r in runs], format_func=lambda i: f"run {i}", key="dist_pick_run", index=None,
                        placeholder="choose a run")
    if pick is not None and pick != st.session_state.get("dist_run"):
        st.session_state["dist_run"] = pick
        st.query_params["run"] = str(pick)
        st.rerun()


# ------------------------------------------------------------------ the page

init_state()
st.title("Live distillation")
st.markdown(
    "A fine-tuned **teacher** (the bundled MiniLM, 6 layers) teaches a **student** with half its layers. "
    "Each run trains the same student twice: once on the hard labels alone, once on the teacher's soft targets, "
    "then compares both with the teacher on held-out test data. Pick a preset and press **Run**."
)

job = runner()
preset_key = st.segmented_control("Preset", list(PRESETS), format_func=lambda k: PRESETS[k].label, key="dist_preset") or "quick"
preset = PRESETS[preset_key]

with st.expander("Settings: task, teacher, student, loss, training", expanded=False):
    spec, problem = settings_form(preset)

if spec is not None and job is not None:
    try:
        if spec.task:
            task_data = D.load_sample_task(spec.task)
            n_train = min(len(task_data.train), spec.max_train or 10**9)
            n_transfer = min(len(task_data.transfer), spec.transfer_size or 10**9) if spec.use_transfer else 0
        else:
            n_train, n_transfer = 700, 0
        from distill_core.teacher import teacher_is_cached

        cached = spec.teacher == "bundled" and spec.task is not None and teacher_is_cached(spec.task)
        estimate = estimate_seconds(spec, n_train, n_transfer, cached or spec.teacher == "tiny", measured_speed(job.store.list(kind="distill", limit=20)))
        st.caption(
            f"**{preset.label}**: {preset.blurb}. Estimated time on this machine: about {fmt_seconds(estimate)}"
            + ("" if cached or spec.teacher != "bundled" else ", including about "
               f"{fmt_seconds(_teacher_epochs(spec) * n_train / DEFAULT_SPEED['teacher'])} to fine-tune the teacher the first time")
            + ". Other runs in the queue come first."
        )
    except DistillError as exc:
        problem = str(exc)

c1, c2, _ = st.columns([1, 1, 4])
run_clicked = c1.button("Run", type="primary", icon=":material/play_arrow:", disabled=spec is None or job is None, key="dist_run_button")
c2.button("Reset", on_click=reset, icon=":material/restart_alt:", key="dist_reset")
if problem:
    st.warning(problem)
if run_clicked and spec is not None and job is not None:
    try:
        run_kwargs = {"allow_hub": False, "allow_local": False} if locked() else {}
        task_key = spec.task or D.upload_task_name(spec.data_file)
        st.session_state["dist_run"] = job.submit(spec, task=task_key, **run_kwargs)
    except DistillError as exc:
        st.error(str(exc))
sync_url()

run_id = st.session_state.get("dist_run")
if run_id and job is not None:
    state = job.status(run_id)
    st.divider()
    if state is None:
        st.warning(f"There is no run {run_id} on this server.")
    elif state.status in ("queued", "running"):
        st.subheader(f"Run {run_id}")
        st.fragment(show_live, run_every=1.0)(run_id)
    elif state.status == "finished" and state.report:
        st.subheader(f"Run {run_id}: results")
        show_results(run_id, DistillReport.from_dict(state.report))
    else:
        st.subheader(f"Run {run_id}: {state.status}")
        (st.error if state.status == "failed" else st.info)(state.error or state.status)  # a call: Streamlit's magic leaves it alone
        curves_row(state, f"dist_end_{run_id}")

st.divider()
show_past_runs(st.session_state.get("dist_task") if st.session_state.get("dist_task") != "upload" else None)
