"""The Hinton page's text section: the intent the student never saw, on the 16-intent task, drawn from
the shipped reference (assets/reference/omitted-intents.json, what `omitted-class --task intents --json` writes)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from distill_core.experiments.omitted_intents import OmittedIntentReport, condition_name
from pages._ui.style import COLOR_SOFT, COLOR_STUDENT, chart, load_reference, pct_mean_std, style

REFERENCE = Path(__file__).resolve().parents[2] / "assets" / "reference" / "omitted-intents.json"
COLOR_CORRECTED = COLOR_STUDENT  # after the bias correction, as on the digits charts above


def reference_report() -> OmittedIntentReport | None:
    data = load_reference(REFERENCE)
    return OmittedIntentReport.from_dict(data["report"]) if data and "report" in data else None


def recall_bars(report: OmittedIntentReport) -> go.Figure:
    """Recall of the held-out intent per condition, as trained and bias corrected, mean ± std over seeds."""
    s = report.summary()
    names = [condition_name(c) for c in s["condition"]]
    fig = go.Figure()
    for suffix, name, color in [("", "as trained", COLOR_SOFT), ("_corrected", "bias corrected (chosen on validation)", COLOR_CORRECTED)]:
        fig.add_bar(x=names, y=100 * s[f"omitted_recall{suffix}"], name=name, marker_color=color,
                    error_y={"type": "data", "array": 100 * s[f"omitted_recall{suffix}_std"], "visible": True},
                    hovertemplate="%{x}: %{y:.1f}%<extra>" + name + "</extra>")
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 105])
    return style(fig, f"Test messages of '{report.omitted}' recognised by a student that never saw one (mean ± std, "
                      f"{len(report.spec['seeds'])} seeds)", "what the student learned from",
                 f"'{report.omitted}' recognised (% of {report.omitted_test})", height=400, legend="top")


def intents_table(report: OmittedIntentReport) -> pd.DataFrame:
    s = report.summary()
    return pd.DataFrame({
        "student": [condition_name(c) for c in s["condition"]],
        "recognised %": [pct_mean_std(m, sd) for m, sd in zip(s["omitted_recall"], s["omitted_recall_std"])],
        "after the correction %": [pct_mean_std(m, sd) for m, sd in zip(s["omitted_recall_corrected"], s["omitted_recall_corrected_std"])],
        "accuracy %": [pct_mean_std(m, sd) for m, sd in zip(s["accuracy"], s["accuracy_std"])],
        "after the correction, accuracy %": [pct_mean_std(m, sd) for m, sd in zip(s["accuracy_corrected"], s["accuracy_corrected_std"])],
        "bias added": [f"{m:.2f} ± {sd:.2f}" for m, sd in zip(s["bias"], s["bias_std"])],
        "seeds": s["seeds"],
    })


def intents_section() -> None:
    st.subheader("3 · The class the student never saw, in text")
    report = reference_report()
    if report is None:
        st.info("The reference run for the 16-intent task is missing from assets/reference/ "
                "(`python -m distill_core omitted-class --task intents --json assets/reference/omitted-intents.json`).")
        return
    spec, omitted = report.spec, report.omitted
    t_low, t_high = (f"{t:g}" for t in (min(spec["temperatures"]), max(spec["temperatures"])))

    def mass(t: str, where: str) -> str:
        return f"{100 * report.teacher_mass[t][where]:.1f}%"

    st.markdown(
        f"The same experiment on the 16 support intents, with a fine-tuned MiniLM teacher and a 3-layer student. "
        f"The student's rows hold **no '{omitted}'**: not its labelled messages, and not the {report.transfer_dropped} "
        f"transfer messages the teacher answered '{omitted}'. Hard labels and the teacher's argmax never ask for it; "
        f"only the teacher's soft targets carry it, as the probability the teacher gives '{omitted}' on other intents' "
        f"messages: on average {mass(t_low, 'neighbours')} on its group neighbours' messages against "
        f"{mass(t_low, 'others')} on the rest at T = {t_low}, {mass(t_high, 'neighbours')} against "
        f"{mass(t_high, 'others')} at T = {t_high}. Hinton et al.'s student learned the 3 from such small numbers."
    )
    chart(recall_bars(report), key="hn_intents_recall")
    for line in report.reading():
        st.markdown(f"- {line}")
    st.dataframe(intents_table(report), hide_index=True, width="stretch")
    st.caption(
        f"From the shipped reference run (`python -m distill_core omitted-class --task intents --seeds {len(spec['seeds'])}`, "
        f"see assets/reference/README.md): {len(spec['seeds'])} seeds, ± is the standard deviation over seeds. "
        f"{spec['per_class']} labelled messages per intent ({report.labelled} rows), {report.transfer_kept} transfer messages, "
        f"{report.steps} optimiser steps for every student, alpha {spec['alpha']:g} on the labelled rows. The bias is chosen "
        f"on the validation split, never the test split: the smallest raise of '{omitted}' that makes the student answer it on "
        f"{100 * report.omitted_share:.2f}% of the validation messages (its share of the teacher's training rows). "
        f"The teacher (all 16 intents) scores {100 * report.teacher['accuracy']:.1f}% and recognises "
        f"{100 * report.teacher['omitted_recall']:.0f}% of the '{omitted}' test messages."
    )
