"""The live distillation page's figures: the layer diagram, live curves, accuracy bars, confusion matrices."""

from __future__ import annotations

import plotly.graph_objects as go

from distill_core.experiments.base import against_spread, display_name
from distill_core.experiments.comparison import SPREAD_WORDS, STUDENTS, DistillReport
from pages._ui.guard import plotly_text
from pages._ui.style import COLOR_HARD, COLOR_NEUTRAL, COLOR_PSEUDO, COLOR_SOFT, COLOR_STUDENT, COLOR_TEACHER_T1, OKABE_ITO, style

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


def live_curves(steps: dict[str, list[dict]], evals: list[dict]) -> tuple[go.Figure, go.Figure]:
    """Loss and validation accuracy by optimiser step: every student gets the same number of steps, while its epochs
    differ (a hard-label student cycles a few labelled rows many times). Runs recorded without steps: by epoch."""
    points = [p for pts in steps.values() for p in pts] + list(evals)
    xkey = "step" if points and all("step" in p for p in points) else "epoch"
    xtitle = "optimiser step (the same number for every student)" if xkey == "step" else "epoch"
    loss = go.Figure()
    palette = [COLOR_TEACHER_T1, COLOR_HARD, COLOR_SOFT, COLOR_STUDENT, OKABE_ITO["sky"], OKABE_ITO["vermillion"]]
    for i, (phase, pts) in enumerate(steps.items()):
        if not pts:
            continue
        color = palette[i % len(palette)]
        x = [p[xkey] for p in pts]
        loss.add_scatter(x=x, y=[p["loss"] for p in pts], mode="lines", name=f"{phase}: total", line={"color": color})
        if phase.startswith("distilled"):
            loss.add_scatter(x=x, y=[p["hard_ce"] for p in pts], mode="lines", name=f"{phase}: hard CE", line={"color": color, "dash": "dot"})
            loss.add_scatter(x=x, y=[p["soft_kl_t2"] for p in pts], mode="lines", name=f"{phase}: T²·KL", line={"color": color, "dash": "dash"})
    style(loss, "Training loss by phase (dotted: hard CE, dashed: T²·KL)", xtitle, "loss (nats)", height=340, legend="top", legend_rows=2)
    acc = go.Figure()
    by_phase: dict[str, list[dict]] = {}
    for e in evals:
        by_phase.setdefault(e["phase"], []).append(e)
    for i, (phase, pts) in enumerate(by_phase.items()):
        acc.add_scatter(x=[p[xkey] for p in pts], y=[100 * p["val_accuracy"] for p in pts], mode="lines+markers", name=phase,
                        line={"color": palette[i % len(palette)]})
    style(acc, "Validation accuracy during training", xtitle, "accuracy (%)", height=340, legend="top", legend_rows=2)
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
