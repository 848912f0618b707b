"""The layers page's figures and table: the layer map, experiment results, CKA and attention heat maps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from distill_core.experiments.layers import LayerExperimentReport
from distill_core.mappings import LayerMap
from pages._ui.style import COLOR_HARD, COLOR_NEUTRAL, COLOR_SOFT, COLOR_STUDENT, COLOR_TEACHER_T1, OKABE_ITO, pct_mean_std, style

CONDITION_COLORS = [COLOR_TEACHER_T1, COLOR_SOFT, COLOR_STUDENT, COLOR_HARD, OKABE_ITO["vermillion"]]


def map_diagram(layer_map: LayerMap, kept: list[int] | None, k: int, n_teacher: int) -> go.Figure:
    """Teacher hidden states (embeddings + n_teacher layers) left, the student's right; lines for what is matched."""
    fig = go.Figure()
    t_names = ["embeddings"] + [f"teacher layer {i}" for i in range(1, n_teacher + 1)]
    copied = {t + 1 for t in (kept or [])} | ({0} if kept is not None else set())
    fig.add_scatter(x=[0] * len(t_names), y=list(range(len(t_names))), mode="markers+text", text=t_names, textposition="middle left",
                    marker={"symbol": "square", "size": 24, "color": [COLOR_TEACHER_T1 if i in copied else COLOR_NEUTRAL for i in range(len(t_names))]},
                    hoverinfo="skip", showlegend=False)
    pos = [0.0] + [1 + j * (n_teacher - 1) / max(1, k - 1) for j in range(k)] if k > 1 else [0.0, (n_teacher + 1) / 2]
    s_names = ["embeddings"] + [f"student layer {j}" for j in range(1, k + 1)]
    fig.add_scatter(x=[1] * len(s_names), y=pos, mode="markers+text", text=s_names, textposition="middle right",
                    marker={"symbol": "square", "size": 24, "color": COLOR_STUDENT if kept is not None else COLOR_NEUTRAL},
                    hoverinfo="skip", showlegend=False)
    for legend, pairs, color, dash, shift in (("hidden state matched", layer_map.hidden, COLOR_SOFT, "solid", 0.0),
                                              ("attention matched", [(s + 1, t + 1) for s, t in layer_map.attention], COLOR_HARD, "dot", 0.12)):
        xs, ys = [], []
        for s, t in pairs:
            xs += [0.06, 0.94, None]
            ys += [t + shift, pos[s] + shift, None]
        fig.add_scatter(x=xs or [None], y=ys or [None], mode="lines", line={"color": color, "width": 3, "dash": dash}, name=legend, hoverinfo="skip")
    fig.update_xaxes(range=[-1.2, 2.2], visible=False)
    fig.update_yaxes(range=[-0.7, n_teacher + 0.7], visible=False)
    title = "Blue: copied into the student. Lines: what it matches"
    if kept is None:
        title = "Random init: nothing copied. Lines: what it matches"
    return style(fig, title, "", "", height=420, legend="top")


def results_figure(report: LayerExperimentReport, title: str) -> go.Figure:
    s = report.summary()
    fig = go.Figure()
    for i, row in s.iterrows():
        fig.add_bar(x=[row["condition"]], y=[100 * row["accuracy_mean"]], name=row["condition"], marker_color=CONDITION_COLORS[i % len(CONDITION_COLORS)],
                    error_y={"type": "data", "array": [100 * (row["accuracy_std"] if row["accuracy_std"] == row["accuracy_std"] else 0)], "visible": True},
                    hovertemplate="%{x}: %{y:.1f}%<extra></extra>", showlegend=False)
    if report.teacher.get("accuracy") is not None:
        fig.add_hline(y=100 * report.teacher["accuracy"], line_dash="dot", line_color=OKABE_ITO["grey"],
                      annotation_text=f"teacher {100 * report.teacher['accuracy']:.1f}%", annotation_position="top left")
    low = max(0.0, 100 * float((s["accuracy_mean"] - s["accuracy_std"].fillna(0)).min()) - 10)
    fig.update_yaxes(range=[low, 100])
    return style(fig, title, "condition (same student, same optimiser steps)", "test accuracy (%)", height=360, legend="none")


def results_table(report: LayerExperimentReport) -> pd.DataFrame:
    s = report.summary()
    return pd.DataFrame({
        "condition": s["condition"],
        "accuracy %": [pct_mean_std(m, sd) for m, sd in zip(s["accuracy_mean"], s["accuracy_std"])],
        "macro-F1 %": [pct_mean_std(m, sd) for m, sd in zip(s["macro_f1_mean"], s["macro_f1_std"])],
        "agreement with teacher %": [f"{100 * m:.1f}" for m in s["agreement_mean"]],
        "optimiser steps": s["steps"], "seeds": s["seeds"],
    })


def cka_figure(matrix: list[list[float]], title: str) -> go.Figure:
    m = np.array(matrix)
    fig = go.Figure(go.Heatmap(
        z=m, x=["emb"] + [f"T{i}" for i in range(1, m.shape[1])], y=["emb"] + [f"S{j}" for j in range(1, m.shape[0])],
        zmin=0, zmax=1, colorscale="Viridis", colorbar={"title": "CKA"}, texttemplate="%{z:.2f}",
        hovertemplate="student %{y} vs teacher %{x}: CKA %{z:.2f}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    return style(fig, title, "teacher hidden state (emb = embeddings)", "student hidden state", height=300, legend="none")


def attention_figure(tokens: list[str], att: np.ndarray, title: str) -> go.Figure:
    fig = go.Figure(go.Heatmap(z=att, x=list(range(len(tokens))), y=list(range(len(tokens))), zmin=0, zmax=1, colorscale="Blues",
                               showscale=False, customdata=[[f"{a} → {b}" for b in tokens] for a in tokens],
                               hovertemplate="%{customdata}: %{z:.2f}<extra></extra>"))
    ticks = {"tickvals": list(range(len(tokens))), "ticktext": tokens, "tickfont": {"size": 10}}
    fig.update_xaxes(**ticks, tickangle=-60)
    fig.update_yaxes(**ticks, autorange="reversed")
    return style(fig, title, "attended token", "token reading", height=380, legend="none")
