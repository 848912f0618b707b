"""The temperature page's figures: the three distributions, entropy against T, the animation across T, the ratio table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from distill_core import temperature as temp
from pages._ui.guard import plotly_text
from pages._ui.style import COLOR_HARD, COLOR_NEUTRAL, COLOR_SOFT, COLOR_TEACHER_T1, T_OPTIONS, fmt_t, log_axis, style


def distributions_figure(names: list[str], logits: np.ndarray, t: float) -> go.Figure:
    """One-hot label, teacher at T = 1, teacher at T, as grouped bars."""
    names = [plotly_text(n) for n in names]  # typed class names: Plotly would render <a>, <b>, <img> in them
    one_hot = np.zeros(len(names))
    one_hot[int(np.argmax(logits))] = 1.0
    p1 = temp.softmax_t(logits, 1.0)
    pt = temp.softmax_t(logits, t)
    fig = go.Figure()
    for label, probs, color in (
        ("Hard label", one_hot, COLOR_HARD),
        ("Teacher, T = 1", p1, COLOR_TEACHER_T1),
        (f"Teacher, T = {fmt_t(t)}", pt, COLOR_SOFT),
    ):
        fig.add_bar(
            x=names,
            y=probs,
            name=label,
            marker_color=color,
            text=[f"{v:.2f}" if v >= 0.005 else "" for v in probs],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.4f}<extra>" + label + "</extra>",
        )
    fig.update_layout(barmode="group", bargap=0.25, yaxis_range=[0, 1.12], uniformtext_minsize=8, uniformtext_mode="hide")
    fig.update_xaxes(type="category")  # digit names "0".."9" stay labels, not numbers
    return style(fig, "What the student is taught", "class", "probability", height=400, legend_rows=1)


def entropy_figure(logits: np.ndarray, t: float) -> go.Figure:
    k = logits.shape[-1]
    grid = np.logspace(math.log10(0.05), math.log10(100), 160)
    curve = temp.entropy_curve(logits, grid)
    h_t = float(temp.entropy_curve(logits, [t])[0])
    h_max = math.log2(k)
    fig = go.Figure()
    fig.add_scatter(
        x=grid, y=curve, mode="lines", name="entropy at T", line={"color": COLOR_TEACHER_T1, "width": 3},
        hovertemplate="T = %{x:.3g}: %{y:.2f} bits<extra></extra>",
    )
    fig.add_hline(y=h_max, line={"dash": "dash", "color": COLOR_NEUTRAL})
    fig.add_scatter(
        x=[t], y=[h_t], mode="markers", name=f"your T = {fmt_t(t)}",
        marker={"size": 13, "color": COLOR_SOFT, "line": {"width": 1.5, "color": "white"}},
        hovertemplate="T = %{x:.3g}: %{y:.2f} bits<extra></extra>",
    )
    fig.add_annotation(
        x=math.log10(grid[0]), y=0, xanchor="left", yanchor="top", yshift=-4, showarrow=False,
        text="T → 0: argmax, one-hot (0 bits)",
    )
    fig.add_annotation(
        x=math.log10(grid[-1]), y=h_max, xanchor="right", yanchor="bottom", yshift=4, showarrow=False,
        text=f"T → ∞: uniform, log₂ {k} = {h_max:.2f} bits",
    )
    log_axis(fig, "x", grid[0], grid[-1])
    fig.update_yaxes(range=[-0.2 * h_max, h_max * 1.18])
    return style(
        fig, "Entropy of the soft targets against T", "temperature T (log scale)", "entropy (bits)", height=360,
        legend="none",
    )


def animation_figure(names: list[str], logits: np.ndarray, t: float) -> go.Figure:
    """Teacher at T for every T on the slider, as Plotly frames: plays in the browser, no rerun."""
    names = [plotly_text(n) for n in names]
    p1 = temp.softmax_t(logits, 1.0)

    def title(value: float) -> str:
        info = temp.describe(logits, value)
        return (
            f"T = {fmt_t(value)}: entropy {info['entropy_bits']:.2f} of {info['max_entropy_bits']:.2f} bits, "
            f"off the top class {info['dark_knowledge']:.0%}"
        )

    start = T_OPTIONS.index(t) if t in T_OPTIONS else T_OPTIONS.index(1.0)
    fig = go.Figure()
    fig.add_bar(x=names, y=temp.softmax_t(logits, T_OPTIONS[start]), name="Teacher at T", marker_color=COLOR_SOFT)
    fig.add_bar(  # drawn on top, as an outline, so both stay visible
        x=names, y=p1, name="Teacher, T = 1 (outline)", hoverinfo="skip",
        marker={"color": "rgba(0,0,0,0)", "line": {"color": COLOR_TEACHER_T1, "width": 2.5}},
    )
    fig.frames = [
        go.Frame(
            name=fmt_t(value),
            data=[go.Bar(y=temp.softmax_t(logits, value))],
            traces=[0],
            layout={"title": {"text": title(value)}},
        )
        for value in T_OPTIONS
    ]
    step_args = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    fig.update_xaxes(type="category")
    fig.update_layout(
        barmode="overlay",
        yaxis_range=[0, 1.02],
        updatemenus=[{
            "type": "buttons", "direction": "left", "x": 0, "y": -0.28, "xanchor": "left", "yanchor": "top",
            "pad": {"r": 8, "t": 0}, "active": -1, "showactive": False,
            # translucent greys read on the light and the dark theme alike
            "bgcolor": "rgba(128,128,128,0.18)", "bordercolor": "rgba(128,128,128,0.6)",
            "buttons": [
                {"label": "▶ Play", "method": "animate", "args": [None, {
                    "frame": {"duration": 450, "redraw": True}, "fromcurrent": True,
                    "transition": {"duration": 200, "easing": "cubic-in-out"}, "mode": "immediate"}]},
                {"label": "❚❚ Pause", "method": "animate", "args": [[None], step_args]},
            ],
        }],
        sliders=[{
            "active": start, "x": 0.2, "len": 0.8, "y": -0.22, "yanchor": "top",
            "bgcolor": "rgba(128,128,128,0.35)", "activebgcolor": COLOR_SOFT, "bordercolor": "rgba(128,128,128,0.6)",
            "tickcolor": "rgba(128,128,128,0.8)",
            "currentvalue": {"prefix": "T = ", "visible": True, "xanchor": "right"},
            "steps": [{"label": fmt_t(v), "method": "animate", "args": [[fmt_t(v)], step_args]} for v in T_OPTIONS],
        }],
    )
    style(fig, title(T_OPTIONS[start]), "class", "probability", height=440)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 74, "b": 130})
    return fig


def ratio_table(names: list[str], logits: np.ndarray, t: float) -> pd.DataFrame:
    order = np.argsort(-logits, kind="stable")
    log_ratio_t = temp.log_ratios_to_top(logits, t)
    log_ratio_1 = temp.log_ratios_to_top(logits, 1.0)
    return pd.DataFrame(
        {
            "class": [names[i] for i in order],
            "p/p_top": np.exp(log_ratio_t[order]),
            f"log ratio (T={fmt_t(t)})": log_ratio_t[order],
            "log ratio (T=1)": log_ratio_1[order],
        }
    )
