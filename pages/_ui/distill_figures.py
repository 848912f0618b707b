"""The live distillation page's figures: the layer diagram, live curves, accuracy bars, confusion matrices."""

from __future__ import annotations

import re

import plotly.graph_objects as go

from distill_core.experiments.base import against_spread, display_name
from distill_core.experiments.comparison import SPREAD_WORDS, STUDENTS, DistillReport
from pages._ui.guard import plotly_text
from pages._ui.style import COLOR_HARD, COLOR_NEUTRAL, COLOR_PSEUDO, COLOR_SOFT, COLOR_STUDENT, COLOR_TEACHER_T1, style

MODEL_COLORS = {"teacher": COLOR_TEACHER_T1, "baseline": COLOR_HARD, "pseudo": COLOR_PSEUDO, "distilled": COLOR_SOFT}
# The engine's display names, capitalised to start a label; the keys are the report's ("pseudo" only in newer runs).
MODEL_NAMES = {key: display_name(key).capitalize() for key in ("teacher", *STUDENTS)}
# attribution part -> (the bar it is written over, what it credits)
# Each step's gain over the row (bar) before it: (model, what the table credits it to, the bar's short label). The
# bars' notes are short, so that neighbours never overlap on a half-width chart; the table says the rest.
GAIN_NOTES = {"transfer": ("pseudo", "teacher-labelled extra text", "extra text"), "soft": ("distilled", "soft targets over that", "soft targets")}


def layer_diagram(n_teacher: int, kept: list[int], random_init: bool) -> go.Figure:
    """Teacher layers on the left, student layers on the right, an arrow for each copied layer."""
    fig = go.Figure()
    ys_t = list(range(n_teacher))
    fig.add_scatter(
        x=[0] * n_teacher, y=ys_t, mode="markers+text", text=[f"teacher layer {i + 1}" for i in ys_t], textposition="middle left",
        marker={"symbol": "square", "size": 26, "color": [COLOR_TEACHER_T1 if i in kept else COLOR_NEUTRAL for i in ys_t]},
        hoverinfo="skip", showlegend=False,
    )
    ys_s = [kept[j] if j < len(kept) else 0 for j in range(len(kept))]
    # student layers spread evenly over the teacher's height
    pos = [j * (n_teacher - 1) / max(1, len(kept) - 1) for j in range(len(kept))] if len(kept) > 1 else [(n_teacher - 1) / 2]
    fig.add_scatter(
        x=[1] * len(kept), y=pos, mode="markers+text", text=[f"student layer {j + 1}" for j in range(len(kept))], textposition="middle right",
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


PHASE = re.compile(r"^(?P<model>\w+) seed (?P<seed>\d+)$")  # the engine's phase names: "distilled seed 1"


def _phase(phase: str) -> tuple[str | None, int]:
    """("distilled", 1) from "distilled seed 1"; (None, 0) for a name of another form."""
    m = PHASE.match(phase)
    return (m["model"], int(m["seed"])) if m and m["model"] in MODEL_COLORS else (None, 0)


def _seed_line(model: str | None, seed: int, first_seed: int, dash: str = "solid") -> dict:
    """The same colour as the model's bar in the results; the first seed drawn bold, later seeds thin."""
    return {"color": MODEL_COLORS.get(model, COLOR_NEUTRAL), "width": 2.5 if seed == first_seed else 1, "dash": dash}


def live_curves(steps: dict[str, list[dict]], evals: list[dict]) -> tuple[go.Figure, go.Figure]:
    """Loss and validation accuracy by optimiser step: every student gets the same number of steps, while its epochs
    differ (a hard-label student cycles a few labelled rows many times). Runs recorded without steps: by epoch.

    One colour per student (the results' bar colours), one legend entry per student: later seeds are thin lines in
    the same colour. The distilled student's two loss terms are drawn for its first seed only."""
    points = [p for pts in steps.values() for p in pts] + list(evals)
    xkey = "step" if points and all("step" in p for p in points) else "epoch"
    xtitle = "optimiser step (the same number for every student)" if xkey == "step" else "epoch"
    seeds = [_phase(name)[1] for name in [*steps, *(e["phase"] for e in evals)] if _phase(name)[0]]
    first_seed = min(seeds) if seeds else 0
    loss, acc = go.Figure(), go.Figure()
    shown: set[tuple[str, str]] = set()

    def add(fig, name, x, y, model, seed, suffix="", dash="solid", mode="lines"):
        label = (MODEL_NAMES[model] if model else name) + suffix
        fig.add_scatter(x=x, y=y, mode=mode, name=label, legendgroup=label, showlegend=(id(fig), label) not in shown,
                        line=_seed_line(model, seed, first_seed, dash), marker={"size": 6 if seed == first_seed else 4},
                        hovertemplate=f"{label}{f', seed {seed}' if model else ''}<br>%{{x}}: %{{y:.3g}}<extra></extra>")
        shown.add((id(fig), label))

    for name, pts in steps.items():
        if not pts:
            continue
        model, seed = _phase(name)
        x = [p[xkey] for p in pts]
        add(loss, name, x, [p["loss"] for p in pts], model, seed)
        if model == "distilled" and seed == first_seed:
            add(loss, name, x, [p["hard_ce"] for p in pts], model, seed, ": hard CE", "dot")
            add(loss, name, x, [p["soft_kl_t2"] for p in pts], model, seed, ": T²·KL", "dash")
    style(loss, "Training loss (thin lines: further seeds)", xtitle, "loss (nats)", height=380, legend="top", legend_rows=3)
    by_phase: dict[str, list[dict]] = {}
    for e in evals:
        by_phase.setdefault(e["phase"], []).append(e)
    for name, pts in by_phase.items():
        model, seed = _phase(name)
        add(acc, name, [p[xkey] for p in pts], [100 * p["val_accuracy"] for p in pts], model, seed, mode="lines+markers")
    style(acc, "Validation accuracy (thin lines: further seeds)", xtitle, "accuracy (%)", height=380, legend="top", legend_rows=3)
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
    parts = report.attribution()
    for part, (model, credit, short) in (GAIN_NOTES.items() if parts else ()):  # each step's gain over the bar to its left
        gain, noise = parts[part]
        r = report.results[model]
        fig.add_annotation(x=MODEL_NAMES[model], y=100 * (r.mean("accuracy") + r.std("accuracy")), yanchor="bottom", showarrow=False,
                           text=f"{100 * gain:+.1f}<br>{short}" + ("" if against_spread(gain, noise) else "<br>(within spread)"), font={"size": 11},
                           hovertext=f"{100 * gain:+.1f} points: {credit}, {SPREAD_WORDS[against_spread(gain, noise)]}")
    if parts:  # room above the bars for those notes; the ticks stop at 100
        fig.update_layout(yaxis_range=[0, 118], yaxis_tickvals=list(range(0, 101, 20)))
    return style(fig, f"Test accuracy (mean{' ± std over ' + str(seeds) + ' seeds' if seeds > 1 else ', 1 seed'})", "", "accuracy (%)", height=340, legend="none")


def confusion_figure(matrix: list[list[int]], labels: list[str], title: str) -> go.Figure:
    labels = [plotly_text(n) for n in labels]  # an upload's class names: Plotly would render <a>, <b>, <img> in them
    fig = go.Figure(go.Heatmap(z=matrix, x=labels, y=labels, colorscale="Blues", showscale=False, text=matrix, texttemplate="%{text}",
                               hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return style(fig, title, "predicted class", "true class", height=260 + 14 * len(labels), legend="none")
