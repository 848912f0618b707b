"""What soft targets add: the prepared experiment on the 16-intent support task.

Top: the question and Hinton et al.'s low-data result. Then the teacher's soft targets for a
confusable message (the support-chat twin of the seed article's cat / tiger / lion). Then the shipped reference results
(hard labels vs teacher pseudo-labels vs soft targets at several T, and Hinton's own comparison on the
labelled rows alone; all labels and 10 per intent) with their plain reading, the low-data regime again
at three times the steps, why soft targets do not win here (each reason measured or marked a hypothesis),
and a button that reruns the experiment live on this machine.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from distill_core.errors import DistillError
from distill_core.experiments.base import against_spread, spread
from distill_core.experiments.soft_targets import ExperimentReport, SoftTargetSpec, compare_schedules
from distill_core.experiments.specs import HARD, LABELLED_SOFT, PSEUDO
from pages._ui import course
from pages._ui.soft_targets_figures import condition_name, example_figure, results_figure, results_table, schedule_figure
from pages._ui.numbering import layer_list
from pages._ui.style import chart, load_reference
from pages._runtime import extra_presets, follow_job, runner
from pages._ui import session

REFERENCES = Path(__file__).resolve().parent.parent / "assets" / "reference"
REFERENCE = REFERENCES / "soft_targets_intents.json"
REFERENCE_LONG = REFERENCES / "soft_targets_intents_long.json"  # the low-data regime at three times the steps

LIVE_PRESETS = {
    "quick": ("Quick: 1 seed, T = 2, both regimes", SoftTargetSpec(seeds=[0], temperatures=[2.0])),
    "full": ("Full: 3 seeds, T = 1, 2, 4 (as the reference)", SoftTargetSpec()),
    "long": ("Long schedule: 10 per intent, 3× the steps (as the second reference)", SoftTargetSpec.long_schedule()),
}
LIVE_PRESETS.update({key: (p["label"], SoftTargetSpec(**p["spec"])) for key, p in (extra_presets("soft_targets") or {}).items()})


def show_report(report: ExperimentReport, where: str) -> None:
    if report.example:
        c1, c2 = st.columns([3, 2])
        with c1:
            chart(example_figure(report.example), key=f"st_example_{where}")
        with c2:
            st.markdown(f"> {report.example['text']}")
            st.caption(
                "A hard label keeps only the top intent. The teacher's soft targets also say which neighbour it could be, "
                "and raising T makes that visible: the seed article's cat / tiger / lion bars, in a support chat. "
                "Hinton et al.'s (2015) own examples are a BMW, rarely mistaken for a garbage truck but still far more often "
                "than for a carrot, and MNIST 2s: one gets 10⁻⁶ of being a 3 and 10⁻⁹ of being a 7, another the other way round."
            )
    c1, c2 = st.columns(2)
    with c1:
        chart(results_figure(report, "accuracy", "Student test accuracy (mean ± std over seeds)", "accuracy (%)"), key=f"st_acc_{where}")
    with c2:
        chart(results_figure(report, "within_group_error", "Mistakes between confusable neighbours", "test rows misread within their group (%)"),
              key=f"st_within_{where}")
    for line in report.reading():
        st.markdown(f"- {line}")
    table = results_table(report)
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(steps_sentence(report) + " Hatched bars: Hinton's own comparison, soft targets on the labelled rows alone.")
    spec = report.spec
    st.caption(
        f"Teacher: the bundled MiniLM fine-tuned on all labelled rows ({100 * report.teacher['accuracy']:.1f}% test accuracy). "
        f"Student: teacher layers {layer_list(spec.get('student_layers'), '1, 3, 5')}, alpha {spec['alpha']:g}, learning rate {spec['learning_rate']:g}. "
        + ("The loss is a mean over rows in which every row has weight 1, as with pseudo-labels: a labelled row gets "
           "alpha·CE + (1 − alpha)·T²·KL, a transfer row T²·KL."
           if spec.get("unlabelled_weight") else "Transfer rows get only the (1 − alpha) share of the loss.")
    )


def steps_sentence(report: ExperimentReport) -> str:
    """The optimiser steps per regime, read from the report (they differ: a regime's steps follow its rows)."""
    spec = report.spec
    per = ", ".join(f"{n} with {regime}" for regime, n in report.steps().items())
    return (f"Optimiser steps, the same for every condition of a regime: {per} ({spec['epochs']} passes over the regime's "
            f"labelled rows + {spec['transfer_size']} transfer rows, batch {spec['batch_size']}).")


def show_schedules(short: ExperimentReport, long: ExperimentReport) -> None:
    st.subheader("The same experiment, three times the steps")
    st.markdown(
        "Beyer et al. (2022), *Knowledge distillation: A good teacher is patient and consistent*, found that distillation "
        "needs far longer schedules than training on labels. Does the ranking change when every condition of the "
        "low-data regime gets three times the steps?"
    )
    chart(schedule_figure(short, long), key="st_schedules")
    for line in compare_schedules(short, long) + long.reading():
        st.markdown(f"- {line}")
    with st.expander("The long schedule's table"):
        st.dataframe(results_table(long), hide_index=True, width="stretch")
        st.caption(steps_sentence(long))


def _regime_verdicts(report: ExperimentReport) -> dict[str, dict[str, int]]:
    """regime -> {comparison: +1 / 0 / -1 against the regime's seed spread}."""
    out = {}
    for regime, grp in report.summary().groupby("regime", sort=False):
        by = grp.set_index("condition")
        acc, noise = by["accuracy_mean"], spread(*by["accuracy_std"])
        labelled = [c for c in by.index if c.startswith(LABELLED_SOFT)]
        hot = [c for c in by.index if c.startswith("soft") and c != "soft T=1"]
        out[regime] = {
            "T1 vs argmax": against_spread(acc.get("soft T=1", float("nan")) - acc[PSEUDO], noise),
            "high T vs argmax": against_spread(acc[hot].max() - acc[PSEUDO], noise) if hot else 0,
            "labelled soft vs hard": against_spread(acc[labelled].max() - acc[HARD], noise) if labelled else 0,
            "transfer": (against_spread(acc[PSEUDO] - acc[HARD], noise), acc[PSEUDO] - acc[HARD]),
        }
    return out


def why_lines(short: ExperimentReport, long: ExperimentReport | None) -> list[str]:
    """Each reason, with the condition on this page that shows it, or marked as a hypothesis."""
    words = {1: "better than", 0: "no different from", -1: "worse than"}
    verdicts = _regime_verdicts(short)
    labelled = next((c for c in short.summary()["condition"] if c.startswith(LABELLED_SOFT)), None)
    lines = []
    if labelled:
        lines.append(
            f"**Is it the transfer set, or the soft targets?** Shown by *{condition_name(labelled)}* against *hard labels only*: "
            "the same rows and steps, no extra text. Measured: "
            + "; ".join(f"{r}, {words[v['labelled soft vs hard']]} hard labels" for r, v in verdicts.items())
            + " (judged against the seed spread).")
    hot = ("; ".join(f"{words[v['high T vs argmax']]} argmax labels ({r})" for r, v in verdicts.items()))
    steps = " and ".join(str(n) for n in short.steps().values())
    if long:
        lines.append(f"**Too few steps to match the tail at higher T?** At {steps} steps, the best soft targets above T 1 were {hot}. "
                     "Tested by the long schedule above: " + " ".join(compare_schedules(short, long)))
    else:
        lines.append(f"**Too few steps to match the tail at higher T?** (a hypothesis) At {steps} steps, the best soft targets "
                     f"above T 1 were {hot}; no longer schedule was run.")
    lines.append(
        "**A confident, accurate teacher has little dark knowledge to give** (a hypothesis). "
        f"The teacher is right {100 * short.teacher['accuracy']:.1f}% of the time (ECE {short.teacher.get('ece', float('nan')):.2f}); "
        "what the page shows for it: at T = 1, soft targets are "
        + "; ".join(f"{words[v['T1 vs argmax']]} its argmax labels ({r})" for r, v in verdicts.items())
        + ", and the message at the top gets most of its probability on one intent. How much tail the teacher's targets carry "
        "over the whole transfer set is not measured here.")
    lines.append(
        "**Scale and convergence differ** (a hypothesis, not tested here). Hinton et al. (2015) distilled large speech models "
        "trained to convergence; here a 3-layer student of a small MiniLM gets a few hundred steps at most.")
    transfer = {1: "helped", 0: "made no difference beyond the seed spread", -1: "hurt"}
    lines.append(
        "**What the transfer set's argmax labels did**, shown by *+ transfer, teacher's argmax* against *hard labels only*: "
        + "; ".join(f"{r}: {transfer[v['transfer'][0]]} ({100 * v['transfer'][1]:+.1f} points)" for r, v in verdicts.items()) + ".")
    return lines


def cli_command(spec: dict) -> str:
    """The CLI line that made a report, from its spec (options at their defaults left out)."""
    def temps(ts) -> str:
        return ",".join(f"{t:g}" for t in ts)

    parts = [f"python -m distill_core soft-targets --task {spec['task']} --seeds {len(spec['seeds'])}"]
    if not spec.get("all_labels", True):
        parts.append("--low-data-only")
    if spec["epochs"] != SoftTargetSpec.default("epochs"):
        parts.append(f"--epochs {spec['epochs']}")
    if spec["temperatures"] != SoftTargetSpec.default("temperatures"):
        parts.append(f"--temperatures {temps(spec['temperatures'])}")
    labelled = spec.get("labelled_only_temperatures", [])
    if labelled != SoftTargetSpec.default("labelled_only_temperatures"):
        parts.append(f"--labelled-only-temperatures '{temps(labelled)}'")
    return " ".join(parts)


def live_cost_sentence(ref: dict | None, long: dict | None) -> str:
    """What each live preset costs, from the trainings it runs and the references' wall times on 2 cores."""
    text = "Runs in the shared queue, after any distillation runs ahead of it. "
    text += "; ".join(f"{label.split(':')[0]}: {spec.trainings()} trainings" for label, spec in LIVE_PRESETS.values()) + ". "
    for name, done in (("full", ref), ("long", long)):
        if done:
            text += (f"The {name} preset took {done['seconds'] / 60:.0f} minutes on 2 CPU cores when its reference was made. ")
    return text + "The first run also fine-tunes the teacher (1 to 2 minutes)."


# ------------------------------------------------------------------ the page

st.title("What soft targets add")
course.header("soft_targets")
st.markdown(
    "A teacher can help a student in two ways: by **labelling extra text** (a transfer set) and by saying **how sure it is "
    "and what else it could be** (soft targets). This experiment separates the two on the 16-intent support task, whose "
    "intents come in groups of confusable neighbours (card lost / stolen / not arrived…). Hinton et al. (2015) found soft targets "
    "matter most with little labelled data: with 3% of their speech data, 57.0% frame accuracy with soft targets vs 44.5% with hard targets."
)

ref = load_reference(REFERENCE)
long = load_reference(REFERENCE_LONG)
st.subheader("Reference results, shipped with the app")
if ref:
    report = ExperimentReport.from_dict(ref)
    show_report(report, "ref")
    long_report = ExperimentReport.from_dict(long) if long else None
    if long_report:
        show_schedules(report, long_report)
    with st.expander("Why don't soft targets win here, when Hinton et al. found they do?"):
        st.markdown("\n".join(f"- {line}" for line in why_lines(report, long_report)))
    st.caption(f"Made with the project's CLI: `{cli_command(report.spec)}`"
               + (f", and for the long schedule `{cli_command(long_report.spec)}`" if long_report else "")
               + " (see assets/reference/README.md). Rerun them live below to measure them on this machine.")
else:
    st.info("The reference results are missing from assets/reference/; run the experiment live below.")

st.subheader("Run it live")
job = runner()
choice = st.radio("Preset", list(LIVE_PRESETS), format_func=lambda k: LIVE_PRESETS[k][0], key="st_preset", horizontal=True)
st.caption(live_cost_sentence(ref, long))
if st.button("Run the experiment", type="primary", icon=":material/play_arrow:", disabled=job is None, key="st_run"):
    try:
        from distill_core.experiments.soft_targets import run_soft_target_experiment

        st.session_state["st_run_id"] = job.submit(LIVE_PRESETS[choice][1], kind="experiment", task="intents", run_fn=run_soft_target_experiment,
                                               owner=session.owner_token())
    except DistillError as exc:
        st.error(str(exc))

def show_live(state) -> None:
    report = ExperimentReport.from_dict(state.report)
    show_report(report, f"live_{run_id}")
    course.record_result("soft_targets", f"Run {run_id}: " + " ".join(report.reading()), table=report.summary().to_dict("records"))


run_id = st.session_state.get("st_run_id")
if run_id and job is not None:
    follow_job(job, run_id, "st", show_live)
course.footer("soft_targets")
