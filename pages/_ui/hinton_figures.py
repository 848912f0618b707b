"""The Hinton page's figures and tables: the MNIST table's shape, recall of the omitted digit vs T,
and one temperature's bias correction, before and after."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from distill_core.experiments.digits_report import DigitsReport
from pages._ui.style import COLOR_HARD, COLOR_NEUTRAL, COLOR_SOFT, COLOR_STUDENT, COLOR_TEACHER_T1, pct_mean_std, style

HINTON_MNIST_ERRORS = {"teacher": 67, "hard": 146, "soft": 74}  # of 10,000 MNIST test images (Hinton et al. 2015, section 3)
COLOR_CORRECTED = COLOR_STUDENT  # after the bias correction


def soft_condition(t: float) -> str:
    return f"soft T={t:g}"


def errors_figure(report: DigitsReport, temperature: float) -> go.Figure:
    """Teacher, hard-label student and the student distilled at ``temperature``: test errors, mean ± std over seeds."""
    s = report.table().set_index("condition")
    picks = [("teacher", "teacher (2×800, dropout, shifts)", COLOR_TEACHER_T1), ("hard", "student, hard labels", COLOR_HARD),
             (soft_condition(temperature), f"student, soft targets at T = {temperature:g}", COLOR_SOFT)]
    fig = go.Figure()
    for condition, name, color in picks:
        if condition not in s.index:
            continue
        row = s.loc[condition]
        fig.add_bar(x=[name], y=[row["errors"]], name=name, marker_color=color, showlegend=False,
                    error_y={"type": "data", "array": [row["errors_std"]], "visible": True},
                    hovertemplate=f"{name}: %{{y:.1f}} errors ({100 * row['errors'] / report.test_size:.2f}%)<extra></extra>")
    return style(fig, f"Test errors on every digit (of {report.test_size} images, mean ± std over seeds)", "model",
                 "test errors (images)", height=360, legend="none")


def recall_figure(report: DigitsReport, temperature: float) -> go.Figure:
    """Share of the omitted digit's test images recognised vs T, before and after the bias correction."""
    s = report.omitted()
    soft = s[s["condition"].str.startswith("soft")].sort_values("temperature")
    hard = s[s["condition"] == "hard"].iloc[0]
    digit = report.spec["omit"]
    fig = go.Figure()
    for col, name, color, dash in [("omitted_recall", "soft targets, as trained", COLOR_SOFT, "solid"),
                                   ("omitted_recall_corrected", "soft targets, bias corrected", COLOR_CORRECTED, "dash")]:
        fig.add_scatter(x=soft["temperature"], y=100 * soft[col], name=name, mode="lines+markers", line={"color": color, "dash": dash},
                        error_y={"type": "data", "array": 100 * soft[f"{col}_std"], "visible": True},
                        hovertemplate="T = %{x:g}: %{y:.1f}%<extra>" + name + "</extra>")
    for col, name, symbol in [("omitted_recall", "hard labels, as trained", "circle"), ("omitted_recall_corrected", "hard labels, bias corrected", "x")]:
        fig.add_scatter(x=[soft["temperature"].min(), soft["temperature"].max()], y=[100 * hard[col]] * 2, name=name, mode="lines",
                        line={"color": COLOR_HARD, "dash": "solid" if symbol == "circle" else "dot"},
                        hovertemplate=f"{name}: {100 * hard[col]:.1f}%<extra></extra>")
    fig.add_vline(x=temperature, line_dash="dot", line_color=COLOR_NEUTRAL)
    fig.update_yaxes(range=[-3, 103])
    temps = list(soft["temperature"])
    fig.update_xaxes(type="log", tickvals=temps, ticktext=[f"{v:g}" for v in temps])
    return style(fig, f"Test images of the digit {digit} recognised by a student that never saw one", "temperature T (log scale)",
                 f"{digit}s recognised (% of {report.omitted_test})", height=400, legend="top", legend_rows=2)


def correction_figure(report: DigitsReport, temperature: float) -> go.Figure:
    """At one T: recall of the omitted digit and overall accuracy, before and after the bias correction."""
    s = report.omitted().set_index("condition")
    fig = go.Figure()
    for suffix, name, color in [("", "as trained", COLOR_SOFT), ("_corrected", "bias corrected", COLOR_CORRECTED)]:
        rows = [s.loc[c] for c in ("hard", soft_condition(temperature))]
        x = [f"{metric}<br>{who}" for metric in (f"{report.spec['omit']}s recognised", "all digits right") for who in ("hard labels", f"T = {temperature:g}")]
        y = [100 * r[f"omitted_recall{suffix}"] for r in rows] + [100 * r[f"accuracy{suffix}"] for r in rows]
        err = [100 * r[f"omitted_recall{suffix}_std"] for r in rows] + [100 * r[f"accuracy{suffix}_std"] for r in rows]
        fig.add_bar(x=x, y=y, name=name, marker_color=color, error_y={"type": "data", "array": err, "visible": True},
                    hovertemplate="%{x}: %{y:.1f}%<extra>" + name + "</extra>")
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 105])
    return style(fig, f"Before and after the bias correction (students without the {report.spec['omit']})", "metric and student",
                 "% of test images", height=380, legend="top")


def omitted_table(report: DigitsReport) -> pd.DataFrame:
    s = report.omitted()
    return pd.DataFrame({
        "student": ["hard labels" if c == "hard" else f"soft targets, T = {t:g}" for c, t in zip(s["condition"], s["temperature"])],
        f"{report.spec['omit']}s recognised %": [pct_mean_std(m, sd) for m, sd in zip(s["omitted_recall"], s["omitted_recall_std"])],
        "after the correction %": [pct_mean_std(m, sd) for m, sd in zip(s["omitted_recall_corrected"], s["omitted_recall_corrected_std"])],
        "accuracy %": [pct_mean_std(m, sd) for m, sd in zip(s["accuracy"], s["accuracy_std"])],
        "after the correction, accuracy %": [pct_mean_std(m, sd) for m, sd in zip(s["accuracy_corrected"], s["accuracy_corrected_std"])],
        "bias added": [f"{m:.2f} ± {sd:.2f}" for m, sd in zip(s["bias"], s["bias_std"])],
        "seeds": s["seeds"],
    })
