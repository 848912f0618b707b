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


def table_picks(report: DigitsReport) -> list[tuple[str, str, int | None]]:
    """(condition, name, Hinton et al.'s errors or None) for the teacher, the hard-label student and each distilled one."""
    s = report.table()
    teacher = report.spec["teacher_hidden"]
    h = HINTON_MNIST_ERRORS
    picks = [("teacher", f"teacher ({len(teacher)}×{max(teacher)}, dropout, shifts)", h["teacher"]),
             ("hard", f"student 2×{report.spec['student_hidden']}, hard labels", h["hard"])]
    for c, t in zip(s["condition"], s["temperature"]):
        if c.startswith("soft"):
            picks.append((c, f"same student, soft targets T = {t:g}", h["soft"] if t == 20 else None))
    return [p for p in picks if p[0] in set(s["condition"])]


def errors_figure(report: DigitsReport, temperature: float) -> go.Figure:
    """Test error % of each model here (mean ± std over seeds) beside Hinton et al.'s MNIST numbers; the slider's T outlined."""
    s = report.table().set_index("condition")
    n = report.test_size
    picks = table_picks(report)
    names = [name for _, name, _ in picks]
    rows = [s.loc[c] for c, _, _ in picks]
    colors = [COLOR_TEACHER_T1 if c == "teacher" else COLOR_HARD if c == "hard" else COLOR_SOFT for c, _, _ in picks]
    widths = [3 if c == soft_condition(temperature) else 0 for c, _, _ in picks]
    fig = go.Figure()
    fig.add_bar(x=names, y=[100 * r["errors"] / n for r in rows], name=f"here: 8×8 digits, {n} test images", marker_color=colors,
                marker_line={"color": COLOR_NEUTRAL, "width": widths},
                error_y={"type": "data", "array": [100 * r["errors_std"] / n for r in rows], "visible": True},
                customdata=[[r["errors"], r["errors_std"]] for r in rows],
                hovertemplate="%{x}: %{customdata[0]:.1f} ± %{customdata[1]:.1f} errors (%{y:.2f}%)<extra>here</extra>")
    paper = [(name, h) for (_, name, h) in picks if h is not None]
    fig.add_bar(x=[p[0] for p in paper], y=[h / 100 for _, h in paper], name="Hinton et al. 2015: MNIST, 10,000 test images",
                marker_color=COLOR_NEUTRAL, opacity=0.55, customdata=[h for _, h in paper],
                hovertemplate="%{x}: %{customdata} errors (%{y:.2f}%)<extra>Hinton et al.</extra>")
    fig.update_layout(barmode="group")
    return style(fig, "Test error %: here (mean ± std over seeds) and in Hinton et al.'s MNIST table", "model",
                 "test error (% of test images)", height=380, legend="top")


def mnist_table(report: DigitsReport) -> pd.DataFrame:
    """The table's rows: test errors as counts and %, validation errors, Hinton et al.'s count where the paper has one."""
    s = report.table().set_index("condition")
    n = report.test_size
    rows = []
    for condition, name, paper in table_picks(report):
        r = s.loc[condition]
        rows.append({"model": name, f"test errors (of {n})": f"{r['errors']:.1f} ± {r['errors_std']:.1f}",
                     "test error %": f"{100 * r['errors'] / n:.2f} ± {100 * r['errors_std'] / n:.2f}",
                     f"validation errors (of {report.spec['validation_size']})":
                         f"{r['val_errors']:.1f} ± {r['val_errors_std']:.1f}" if "val_errors" in r else "",
                     "Hinton et al. (of 10,000)": "" if paper is None else str(paper), "seeds": int(r["seeds"])})
    return pd.DataFrame(rows)


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
