"""The soft-targets page's figures and table: one message's soft targets, the experiment's results by regime,
and the same regime at two schedules."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from distill_core.experiments.soft_targets import ExperimentReport
from distill_core.experiments.specs import HARD, LABELLED_SOFT, PSEUDO
from pages._ui.style import COLOR_HARD, COLOR_SOFT, COLOR_TEACHER_T1, OKABE_ITO, pct_mean_std, style

CONDITION_COLORS = {HARD: COLOR_HARD, PSEUDO: COLOR_TEACHER_T1}
SOFT_COLORS = [OKABE_ITO["sky"], COLOR_SOFT, OKABE_ITO["vermillion"], OKABE_ITO["green"]]  # no yellow: unreadable on white
CONDITION_NAMES = {HARD: "hard labels only", PSEUDO: "+ transfer, teacher's argmax"}
NO_TRANSFER_PATTERN = "/"  # Hinton's comparison: hatched, in the colour of the same T with the transfer set


def condition_name(c: str) -> str:
    if c.startswith(LABELLED_SOFT):
        return f"labelled rows only, soft targets at {c.split()[-1]}"
    return CONDITION_NAMES.get(c, f"+ transfer, soft targets at {c.split()[-1]}")


def display_order(conditions) -> list[str]:
    """Hard labels, then Hinton's comparison next to them (same rows), then the transfer conditions, as run."""
    conditions = list(dict.fromkeys(conditions))
    labelled = [c for c in conditions if c.startswith(LABELLED_SOFT)]
    return [c for c in conditions if c == HARD] + labelled + [c for c in conditions if c != HARD and c not in labelled]


def _bar_style(c: str, conditions: list[str]) -> dict:
    soft = sorted({f"soft {c.split()[-1]}" for c in conditions if c.startswith(("soft", LABELLED_SOFT))},
                  key=lambda s: float(s.split("=")[1]))
    if c in CONDITION_COLORS:
        return {"marker_color": CONDITION_COLORS[c]}
    twin = f"soft {c.split()[-1]}"  # the transfer condition at the same T
    marker = {"marker_color": SOFT_COLORS[soft.index(twin) % len(SOFT_COLORS)]}
    if c.startswith(LABELLED_SOFT):
        marker["marker_pattern_shape"] = NO_TRANSFER_PATTERN
    return marker


def results_figure(report: ExperimentReport, metric: str, title: str, y_title: str) -> go.Figure:
    s = report.summary()
    conditions = display_order(s["condition"])
    fig = go.Figure()
    for c in conditions:
        part = s[s["condition"] == c]
        fig.add_bar(
            x=part["regime"], y=100 * part[f"{metric}_mean"], name=condition_name(c), **_bar_style(c, conditions),
            error_y={"type": "data", "array": 100 * part[f"{metric}_std"].fillna(0), "visible": True},
            hovertemplate="%{x}: %{y:.1f}%<extra>" + condition_name(c) + "</extra>",
        )
    if metric == "accuracy":
        fig.add_hline(y=100 * report.teacher["accuracy"], line_dash="dot", line_color=OKABE_ITO["grey"],
                      annotation_text=f"teacher {100 * report.teacher['accuracy']:.1f}%", annotation_position="top left")
    fig.update_layout(barmode="group")
    # In a half-width column the legend stacks one condition per row: reserve a row each, or it covers the title.
    return style(fig, title, "labelled rows the student sees", y_title, height=300 + 26 * len(fig.data), legend="top",
                 legend_rows=len(fig.data))


def schedule_figure(short: ExperimentReport, long: ExperimentReport) -> go.Figure:
    """Accuracy per condition at the short and the long schedule, for the regimes and conditions both ran."""
    a, b = (r.summary().set_index(["regime", "condition"]) for r in (short, long))
    keys = [(r, c) for r in dict.fromkeys(b.index.get_level_values(0)) for c in display_order(b.index.get_level_values(1))
            if (r, c) in a.index and (r, c) in b.index]
    several = len({r for r, _ in keys}) > 1
    names = [f"{r}: {condition_name(c)}" if several else condition_name(c) for r, c in keys]
    fig = go.Figure()
    for report, s, color in ((short, a, OKABE_ITO["grey"]), (long, b, COLOR_TEACHER_T1)):
        part = s.loc[keys]
        steps = sorted({report.steps()[r] for r, _ in keys})
        fig.add_bar(x=names, y=100 * part["accuracy_mean"], name=f"{', '.join(map(str, steps))} steps", marker_color=color,
                    error_y={"type": "data", "array": 100 * part["accuracy_std"].fillna(0), "visible": True},
                    hovertemplate="%{x}: %{y:.1f}%<extra>%{fullData.name}</extra>")
    fig.update_layout(barmode="group")
    return style(fig, "The same regime, a short and a longer schedule (mean ± std over seeds)", "condition", "accuracy (%)",
                 height=380, legend="top")


def example_figure(example: dict) -> go.Figure:
    names = list(example["probs_t1"])
    order = sorted(names, key=lambda n: -example["probs_t1"][n])[:6]
    fig = go.Figure()
    fig.add_bar(x=order, y=[example["probs_t1"][n] for n in order], name="teacher, T = 1", marker_color=COLOR_TEACHER_T1)
    fig.add_bar(x=order, y=[example["probs_t"][n] for n in order], name=f"teacher, T = {example['temperature']:g}", marker_color=COLOR_SOFT)
    fig.update_layout(barmode="group")
    return style(fig, "The teacher's soft targets for one message (top 6 of 16 intents)", "intent", "probability", height=340)


def results_table(report: ExperimentReport) -> pd.DataFrame:
    s = report.summary().set_index(["regime", "condition"])
    order = [(r, c) for r in dict.fromkeys(s.index.get_level_values(0)) for c in display_order(s.index.get_level_values(1))]
    s = s.loc[[k for k in order if k in s.index]].reset_index()
    steps = report.steps()
    return pd.DataFrame({
        "regime": s["regime"], "steps": [steps[r] for r in s["regime"]], "condition": [condition_name(c) for c in s["condition"]],
        "accuracy %": [pct_mean_std(m, sd) for m, sd in zip(s["accuracy_mean"], s["accuracy_std"])],
        "macro-F1 %": [pct_mean_std(m, sd) for m, sd in zip(s["macro_f1_mean"], s["macro_f1_std"])],
        "agreement with teacher %": [f"{100 * m:.1f}" for m in s["agreement_mean"]],
        "errors within group %": [f"{100 * m:.1f}" for m in s["within_group_error_mean"]],
        "errors across groups %": [f"{100 * m:.1f}" for m in s["cross_group_error_mean"]],
        "seeds": s["seeds"],
    })
