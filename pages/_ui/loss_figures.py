"""The loss playground's figures: the total split in two, what each term compares, the soft gradient against T."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from distill_core import temperature as temp
from pages._ui.guard import plotly_text
from pages._ui.style import COLOR_HARD, COLOR_NEUTRAL, COLOR_SOFT, COLOR_STUDENT, COLOR_TEACHER_T1, COLOR_WARN, fmt_t, log_axis, style


def breakdown_figure(hard_part: float, soft_part: float, alpha: float, t: float) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(
        y=["loss"], x=[hard_part], orientation="h", name=f"hard: α·CE = {hard_part:.4f}", marker_color=COLOR_HARD,
        hovertemplate="α·CE = %{x:.4f}<extra></extra>",
    )
    fig.add_bar(
        y=["loss"], x=[soft_part], orientation="h", name=f"soft: (1−α)·T²·KL = {soft_part:.4f}", marker_color=COLOR_SOFT,
        hovertemplate="(1−α)·T²·KL = %{x:.4f}<extra></extra>",
    )
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_yaxes(showticklabels=False)
    return style(fig, f"The total, split (α = {alpha:.2f}, T = {fmt_t(t)})", "loss (nats)", "", height=230, legend_rows=2)


def distributions_figure(names: list[str], teacher: np.ndarray, student: np.ndarray, label: int, t: float) -> go.Figure:
    names = [plotly_text(n) for n in names]  # typed class names: Plotly would render <a>, <b>, <img> in them
    fig = go.Figure()
    one_hot = np.eye(len(names))[label]
    for name, probs, color in (
        ("label y", one_hot, COLOR_HARD),
        (f"teacher, T={fmt_t(t)}", temp.softmax_t(teacher, t), COLOR_SOFT),
        (f"student, T={fmt_t(t)}", temp.softmax_t(student, t), COLOR_STUDENT),
        ("student, T=1", temp.softmax_t(student, 1.0), COLOR_TEACHER_T1),
    ):
        fig.add_bar(
            x=names, y=probs, name=name, marker_color=color,
            hovertemplate="%{x}: %{y:.4f}<extra>" + name + "</extra>",
        )
    fig.update_layout(barmode="group", bargap=0.2, yaxis_range=[0, 1.05])
    fig.update_xaxes(type="category")
    return style(fig, "What each term compares", "class", "probability", height=360, legend_rows=2)


def gradient_figure(teacher: np.ndarray, student: np.ndarray, t: float) -> go.Figure:
    grid = np.logspace(-1, 2, 121)
    with_t2 = temp.soft_gradient_norms(student, teacher, grid, scale_by_t2=True)
    without = temp.soft_gradient_norms(student, teacher, grid, scale_by_t2=False)
    here_with, here_without = (float(temp.soft_gradient_norms(student, teacher, [t], scale_by_t2=s)[0]) for s in (True, False))
    fig = go.Figure()
    fig.add_scatter(
        x=grid, y=with_t2, mode="lines", name="T²·KL (as in the loss)", line={"color": COLOR_TEACHER_T1, "width": 3},
        hovertemplate="T = %{x:.3g}: %{y:.3g}<extra>with T²</extra>",
    )
    fig.add_scatter(
        x=grid, y=without, mode="lines", name="KL alone (no T²)", line={"color": COLOR_WARN, "width": 3, "dash": "dash"},
        hovertemplate="T = %{x:.3g}: %{y:.3g}<extra>without T²</extra>",
    )
    if without[-1] > 0:  # a 1/T^2 guide through the last point, to read the slope against
        fig.add_scatter(
            x=grid, y=without[-1] * (grid[-1] / grid) ** 2, mode="lines", name="∝ 1/T²",
            line={"color": COLOR_NEUTRAL, "width": 1, "dash": "dot"}, hoverinfo="skip",
        )
    fig.add_scatter(
        x=[t, t], y=[here_with, here_without], mode="markers", name=f"your T = {fmt_t(t)}",
        marker={"size": 11, "color": COLOR_SOFT, "line": {"width": 1.5, "color": "white"}},
        hovertemplate="T = %{x:.3g}: %{y:.3g}<extra></extra>",
    )
    positive = np.concatenate([with_t2, without])
    positive = positive[positive > 0]
    if positive.size:
        low, high = math.log10(positive.min()), math.log10(positive.max())
        fig.update_yaxes(range=[max(low, high - 6) - 0.2, high + 0.3])
    log_axis(fig, "x", grid[0], grid[-1])
    fig.update_yaxes(type="log", exponentformat="power")
    return style(
        fig, "Soft-term gradient size against T", "temperature T (log scale)",
        "‖gradient on student logits‖", height=400, legend="inside",
    )
