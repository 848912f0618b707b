"""The soft-targets page's figures and table: one message's soft targets, the experiment's results by regime."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from distill_core.experiments.soft_targets import ExperimentReport
from pages._ui.style import COLOR_HARD, COLOR_SOFT, COLOR_TEACHER_T1, OKABE_ITO, pct_mean_std, style

CONDITION_COLORS = {"hard": COLOR_HARD, "pseudo": COLOR_TEACHER_T1}
SOFT_COLORS = [OKABE_ITO["sky"], COLOR_SOFT, OKABE_ITO["vermillion"], OKABE_ITO["green"]]  # no yellow: unreadable on white
CONDITION_NAMES = {"hard": "hard labels only", "pseudo": "+ transfer, teacher's argmax"}


def condition_name(c: str) -> str:
    return CONDITION_NAMES.get(c, f"+ transfer, soft targets at {c.split()[-1]}")


def condition_color(c: str, soft_order: list[str]) -> str:
    return CONDITION_COLORS.get(c) or SOFT_COLORS[soft_order.index(c) % len(SOFT_COLORS)]


def results_figure(report: ExperimentReport, metric: str, title: str, y_title: str) -> go.Figure:
    s = report.summary()
    conditions = list(dict.fromkeys(s["condition"]))
    soft = [c for c in conditions if c.startswith("soft")]
    fig = go.Figure()
    for c in conditions:
        part = s[s["condition"] == c]
        fig.add_bar(
            x=part["regime"], y=100 * part[f"{metric}_mean"], name=condition_name(c), marker_color=condition_color(c, soft),
            error_y={"type": "data", "array": 100 * part[f"{metric}_std"].fillna(0), "visible": True},
            hovertemplate="%{x}: %{y:.1f}%<extra>" + condition_name(c) + "</extra>",
        )
    if metric == "accuracy":
        fig.add_hline(y=100 * report.teacher["accuracy"], line_dash="dot", line_color=OKABE_ITO["grey"],
                      annotation_text=f"teacher {100 * report.teacher['accuracy']:.1f}%", annotation_position="top left")
    fig.update_layout(barmode="group")
    return style(fig, title, "labelled rows the student sees", y_title, height=380, legend="top", legend_rows=2)


def example_figure(example: dict) -> go.Figure:
    names = list(example["probs_t1"])
    order = sorted(names, key=lambda n: -example["probs_t1"][n])[:6]
    fig = go.Figure()
    fig.add_bar(x=order, y=[example["probs_t1"][n] for n in order], name="teacher, T = 1", marker_color=COLOR_TEACHER_T1)
    fig.add_bar(x=order, y=[example["probs_t"][n] for n in order], name=f"teacher, T = {example['temperature']:g}", marker_color=COLOR_SOFT)
    fig.update_layout(barmode="group")
    return style(fig, "The teacher's soft targets for one message (top 6 of 16 intents)", "intent", "probability", height=340)


def results_table(report: ExperimentReport) -> pd.DataFrame:
    s = report.summary()
    return pd.DataFrame({
        "regime": s["regime"], "condition": [condition_name(c) for c in s["condition"]],
        "accuracy %": [pct_mean_std(m, sd) for m, sd in zip(s["accuracy_mean"], s["accuracy_std"])],
        "macro-F1 %": [pct_mean_std(m, sd) for m, sd in zip(s["macro_f1_mean"], s["macro_f1_std"])],
        "agreement with teacher %": [f"{100 * m:.1f}" for m in s["agreement_mean"]],
        "errors within group %": [f"{100 * m:.1f}" for m in s["within_group_error_mean"]],
        "errors across groups %": [f"{100 * m:.1f}" for m in s["cross_group_error_mean"]],
        "seeds": s["seeds"],
    })
