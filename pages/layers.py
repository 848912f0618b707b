"""Inside the model: which teacher layers the student copies and matches, and what that changes.

Top: the layer map (strategies, an editable table, the diagram). Then the three prepared
experiments from the shipped reference (initialisation, objective, task-agnostic vs task-specific),
the CKA heat maps before and after distillation, attention maps on a sentence the user types, and
a live rerun in the shared job queue.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from distill_core.data import load_general_text
from distill_core.errors import DistillError
from distill_core.experiments.layers import EXPERIMENTS, SHOWCASE, LayerExperimentReport, LayerExperimentSpec
from distill_core.mappings import LayerMap, make_map, map_from_columns
from distill_core.models import BUNDLED, teacher_layer_count
from pages._ui import course
from pages._ui.layers_figures import attention_figure, cka_figure, map_diagram, results_figure, results_table
from pages._ui.numbering import layer_list
from pages._ui.style import chart, load_reference
from pages._ui.widgets import reset_page, state_from_url, state_to_url
from pages._runtime import extra_presets, follow_job, runner
from pages._ui import session
from pages._ui.guard import parse_int

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "assets" / "reference"
N_TEACHER = teacher_layer_count(BUNDLED)  # the bundled MiniLM's depth, read from its config
STRATEGIES = {
    "every other": "Every other layer (DistilBERT)",
    "first": "First k",
    "last": "Last k",
    "tinybert": "Uniform map (TinyBERT)",
    "pkd-skip": "PKD-skip",
    "pkd-last": "PKD-last",
}
DEFAULT_SENTENCE = "The battery died after two days, but support replaced it quickly."
DEFAULTS = {"ly_strategy": "every other", "ly_k": 3, "ly_random": False, "ly_sentence": DEFAULT_SENTENCE, "ly_t_layer": 3,
            "ly_s_layer": 2, "ly_head": 12}
LIVE_PRESETS = {"quick": ("Quick: 1 seed", [0]), "full": ("As the reference: 3 seeds", [0, 1, 2])}
# Quoted from the papers (abstracts and set-up sections), so the page's small runs sit beside what the methods did at scale.
CLASSICS = [
    "**DistilBERT** (Sanh et al. 2019): 6 of BERT-base's 12 layers, initialised from one teacher layer in two, and trained "
    "with a *triple loss*: L_ce, the distillation loss on the teacher's soft masked-language-model predictions (at a "
    "temperature T), plus L_mlm, the masked-language-model loss itself, plus L_cos, the cosine between student and teacher "
    "hidden states. No attention term. 8 16GB V100 GPUs for about 90 hours on English Wikipedia and the Toronto Book "
    "Corpus; 40% smaller, 60% faster, and 97% of BERT's language understanding on GLUE.",
    "**TinyBERT** (Jiao et al. 2020): two stages. General distillation from the pre-trained BERT-base on English Wikipedia "
    "(2,500M words, 3 epochs) matches embeddings, hidden states and attention; task-specific distillation from a fine-tuned "
    "BERT then matches the layers and the predictions on augmented task data. TinyBERT with 4 layers reaches more than "
    "96.8% of its teacher BERT-base's performance on GLUE, and is 7.5x smaller and 9.4x faster at inference.",
    "**MiniLM** (Wang et al. 2020): matches only the teacher's last layer, its self-attention distributions and its value "
    "relations, each with a KL divergence. The bundled teacher here descends from it: all-MiniLM-L6-v2 keeps every "
    "second layer of the distilled MiniLM-L12-H384, then was fine-tuned on 1B sentence pairs.",
]


# ------------------------------------------------------------------ the layer map


def kept_layers(strategy: str, k: int) -> list[int]:
    """The teacher layers (0-based) whose weights the student copies."""
    if strategy == "first":
        return list(range(k))
    if strategy == "last":
        return list(range(N_TEACHER - k, N_TEACHER))
    if strategy == "tinybert":  # the layers TinyBERT's uniform map matches, as the engine computes them
        return [t - 1 for s, t in make_map("tinybert", k, N_TEACHER).hidden if s > 0]
    return [round(j * N_TEACHER / k) for j in range(k)] if k > 3 else list(range(0, N_TEACHER, 2))[:k]


def default_map(strategy: str, k: int) -> LayerMap:
    if strategy in ("tinybert", "pkd-skip", "pkd-last"):
        return make_map(strategy, k, N_TEACHER)
    return make_map("distilbert", k, N_TEACHER, kept_layers=kept_layers(strategy, k))


def map_table(layer_map: LayerMap, k: int) -> pd.DataFrame:
    hidden = dict(layer_map.hidden)
    attention = dict(layer_map.attention)
    rows = [{"student": "embeddings", "hidden ← teacher": hidden.get(0), "attention ← teacher": None}]
    for j in range(k):
        rows.append({"student": f"layer {j + 1}", "hidden ← teacher": hidden.get(j + 1),
                     "attention ← teacher": None if j not in attention else attention[j] + 1})
    return pd.DataFrame(rows)


def table_to_map(table: pd.DataFrame, k: int) -> LayerMap:
    """The edited table as a LayerMap (1-based teacher layers in the table, 0 = embeddings); DistillError if impossible."""
    return map_from_columns(table["hidden ← teacher"].tolist(), table["attention ← teacher"].tolist(), k, N_TEACHER)


# ------------------------------------------------------------------ results


def show_report(report: LayerExperimentReport, experiment: str, where: str) -> None:
    title, conditions, literature = EXPERIMENTS[experiment]
    c1, c2 = st.columns([3, 2])
    with c1:
        chart(results_figure(report, f"{title}: accuracy, mean ± std over seeds"), key=f"ly_res_{where}")
    with c2:
        st.markdown(f"**What it shows.** {report.verdict()}")
        st.markdown(f"**The literature.** {literature}")
        st.markdown("\n".join(f"- **{c}**: {d}" for c, d in conditions))
    st.dataframe(results_table(report), hide_index=True, width="stretch")
    spec = report.spec
    st.caption(
        f"Task: {spec['task']}; student: copies of teacher layers {layer_list(spec['student_layers'])} (1-based) of the bundled MiniLM; "
        f"{spec['epochs']} passes over the labelled rows plus {spec['transfer_size']} transfer rows fix the steps; "
        f"T {spec['temperature']:g}, alpha {spec['alpha']:g}, learning rate {spec['learning_rate']:g}. "
        f"Teacher {100 * report.teacher.get('accuracy', float('nan')):.1f}%. Took {report.seconds / 60:.0f} min. "
        + " ".join(report.notes)
    )


def budget_caveat(report: LayerExperimentReport) -> str:
    """The task-agnostic arm's budget here against DistilBERT's, from the report: what its loss can and cannot say."""
    s = report.summary().set_index("condition")
    steps, batch = int(s["steps"].iloc[0]), int(report.spec["batch_size"])
    general_steps = max(1, steps // 2)  # as the experiment splits them: half general text, half fine-tuning
    try:
        rows = report.spec.get("general_size") or len(load_general_text())
    except DistillError:
        rows = None
    gap = 100 * (s.loc["fine-tune only", "accuracy_mean"] - s.loc["task-agnostic → fine-tune", "accuracy_mean"]) \
        if {"fine-tune only", "task-agnostic → fine-tune"} <= set(s.index) else float("nan")
    corpus = f"on the {rows:,} rows of the project's generated general text " if rows else "on the project's generated general text "
    return (
        f"**At what budget.** The task-agnostic stage here is {general_steps} optimiser steps of {batch} sentences "
        f"{corpus}({general_steps * batch:,} sentences seen), and it leaves the task {steps - general_steps} fine-tuning steps "
        f"where the fine-tune-only student gets {steps}; it ends {gap:.1f} points below fine-tuning alone. DistilBERT's "
        "distillation on general text took about 90 hours on 8 V100 GPUs over English Wikipedia and the Toronto Book Corpus "
        "(Sanh et al. 2019); TinyBERT's general stage ran 3 epochs over English Wikipedia (Jiao et al. 2020). A loss at this "
        "budget says nothing about the method at scale."
    )


def show_cka(report: LayerExperimentReport, where: str) -> None:
    conditions = [c for c in report.cka if c != "before"]
    if "before" not in report.cka or not conditions:
        return
    default = conditions.index("logits + hidden") if "logits + hidden" in conditions else 0
    pick = st.selectbox("After training with", conditions, index=default, key=f"ly_cka_pick_{where}")
    c1, c2 = st.columns(2)
    with c1:
        chart(cka_figure(report.cka["before"], "Before: layers copied, no training"), key=f"ly_cka_before_{where}")
    with c2:
        chart(cka_figure(report.cka[pick], f"After: {pick} (seed {report.spec['seeds'][0]})"), key=f"ly_cka_after_{where}")
    before, after = np.array(report.cka["before"]), np.array(report.cka[pick])
    st.markdown(
        f"The student's last layer against the teacher's last: CKA **{before[-1, -1]:.2f}** before training, "
        f"**{after[-1, -1]:.2f}** after '{pick}'. Copied layers that skip their neighbours compute something other than in the "
        "teacher, and the fine-tuned teacher's top layers have moved to the task; distillation pulls the student's top back towards them."
    )
    st.caption("Linear CKA (Kornblith et al. 2019) of mean-pooled hidden states on 200 test reviews, student against the fine-tuned "
               "teacher: 1 means the two layers represent the examples alike, up to rotation and scale.")


# ------------------------------------------------------------------ attention maps


# Not a job of the runner, unlike the page's live experiment: the models load once per server (about 6 s on
# 2 busy cores), then each sentence takes about 0.4 s here. A job per sentence would start a process and load
# both models again every time (10 s or more), wait behind any training in the queue, and leave the default
# view without its maps until someone waited for it.
@st.cache_resource(show_spinner=False, max_entries=4)
def viewer(kept: tuple[int, ...], student_folder: str | None):
    from distill_core.experiments.layers import attention_viewer

    return attention_viewer(kept, student_folder)


def latest_student(job) -> tuple[str | None, str]:
    """The newest finished live run's saved student on this server, if any."""
    if job is None:
        return None, ""
    for run in job.store.list(kind="layers", limit=20):
        folder = Path(run.artefacts or "") / "student"
        if run.status == "finished" and (folder / "config.json").exists():
            exp = run.config.get("experiment", "objective")
            return str(folder), f"run {run.id}, '{SHOWCASE.get(exp, '?')}' student, seed {run.config['seeds'][0]}"
    return None, ""


# ------------------------------------------------------------------ the page

# the map's strategy and size travel in the URL, so an instructor can share the view
state_from_url({
    "strategy": ("ly_strategy", lambda v: v if v in STRATEGIES else None),
    "k": ("ly_k", lambda v: parse_int(v, 1, 5)),
})
for _key, _value in DEFAULTS.items():
    st.session_state.setdefault(_key, _value)

st.title("Inside the model")
course.header("layers")
st.markdown(
    "A student can learn more from the teacher than its final probabilities. It can **start from the teacher's layers** "
    "(DistilBERT, Sanh et al. 2019), **match its hidden states** (FitNets, Romero et al. 2015), **its attention maps** "
    "(TinyBERT, Jiao et al. 2020) or **its [CLS] vector layer by layer** (Patient KD, Sun et al. 2019), and it can be distilled "
    "**before any task**, on general text. Below: which layers are matched, three prepared experiments that test these ideas "
    "on this machine's scale, and what the layers look like before and after."
)
with st.expander("What the classics report, at their scale"):
    st.markdown("\n".join(f"- {line}" for line in CLASSICS))

# 1. the layer map
st.subheader("1. Which teacher layer each student layer learns from")
c1, c2 = st.columns([1, 1])
with c1:
    strategy = st.selectbox("Strategy", list(STRATEGIES), format_func=STRATEGIES.get, key="ly_strategy")
    k = st.slider("Student layers", 1, 5, key="ly_k", help=f"The bundled teacher has {N_TEACHER}.")
    random_init = st.toggle("Random initialisation (copy nothing)", key="ly_random")
    st.button("Reset", key="ly_reset", icon=":material/restart_alt:", on_click=reset_page, args=(DEFAULTS, "ly_", ("ly_run_id",)))
    base = default_map(strategy, k)
    kept = None if random_init else kept_layers(strategy if strategy in ("first", "last", "tinybert") else "every other", k)
    st.caption("Edit the table to make your own map: teacher hidden 0 is the embeddings, 1 to 6 its layers; None (a cleared cell) = not matched. "
               "PKD leaves the embeddings and the last layer to the logits term.")
    edited = st.data_editor(
        map_table(base, k), hide_index=True, width="stretch", key=f"ly_map_{strategy}_{k}",
        disabled=["student"],
        column_config={
            "hidden ← teacher": st.column_config.NumberColumn(min_value=0, max_value=12, step=1, format="%d"),
            "attention ← teacher": st.column_config.NumberColumn(min_value=0, max_value=12, step=1, format="%d"),
        },
    )
    try:
        layer_map = table_to_map(edited, k)
        map_error = None
    except DistillError as exc:
        layer_map, map_error = base, str(exc)
        st.error(f"This map cannot be used: {exc}. The diagram shows the strategy's map.")
state_to_url({"strategy": (strategy, DEFAULTS["ly_strategy"]), "k": (k, DEFAULTS["ly_k"])})
with c2:
    chart(map_diagram(layer_map, kept, k, N_TEACHER), key="ly_diagram")
if kept is not None:
    st.caption(f"Copied teacher layers (1-based): {layer_list(kept)}. "
               "DistilBERT keeps one layer in two; TinyBERT's uniform map matches student layer m to teacher layer m·N/M.")

# 2. prepared experiments
st.subheader("2. Three prepared experiments")
st.caption("Each compares the same 3-layer student, trained for the same number of optimiser steps, over 3 seeds on the "
           "sentiment task. Shipped results, made with the CLI (`python -m distill_core layers --experiment …`, see "
           "assets/reference/README.md); rerun any of them live in section 5.")
reports: dict[str, LayerExperimentReport] = {}
tabs = st.tabs([EXPERIMENTS[e][0] for e in EXPERIMENTS])
for tab, experiment in zip(tabs, EXPERIMENTS):
    with tab:
        path = REFERENCE_DIR / f"layers-{experiment}.json"
        ref = load_reference(path)
        if ref:
            reports[experiment] = LayerExperimentReport.from_dict(ref)
            show_report(reports[experiment], experiment, f"ref_{experiment}")
            if experiment == "agnostic":
                st.warning(budget_caveat(reports[experiment]), icon=":material/scale:")
        else:
            st.info(f"The reference results for this experiment are missing ({path.name}); run it live in section 5.")

# 3. CKA
st.subheader("3. How alike are the layers? CKA before and after distillation")
if "objective" in reports:
    show_cka(reports["objective"], "ref")
else:
    st.info("Shown once the objective experiment's reference is there (or after a live run below).")

# 4. attention maps
st.subheader("4. Attention on your sentence: teacher vs student")
job = runner()
folder, after_label = latest_student(job)
sentence = st.text_input("A sentence", max_chars=300, key="ly_sentence")
c1, c2, c3 = st.columns(3)
student_kept = [0, 2, 4]
t_layer = c1.selectbox("Teacher layer", list(range(1, N_TEACHER + 1)), key="ly_t_layer")
s_layer = c2.selectbox("Student layer", [1, 2, 3], key="ly_s_layer", help="Student layer 2 is a copy of teacher layer 3.")
head = c3.selectbox("Head", list(range(1, 13)), key="ly_head")
try:
    with st.spinner("Loading the models…"):
        view = viewer(tuple(student_kept), folder)
    tokens, t_maps = view.maps("teacher", sentence)
    _, b_maps = view.maps("before", sentence)
    cols = st.columns(3 if view.after is not None else 2)
    with cols[0]:
        chart(attention_figure(tokens, t_maps[t_layer - 1][head - 1], f"Teacher, layer {t_layer}, head {head}"), key="ly_att_t")
    with cols[1]:
        chart(attention_figure(tokens, b_maps[s_layer - 1][head - 1], f"Student before training, layer {s_layer}, head {head}"), key="ly_att_b")
    if view.after is not None:
        _, a_maps = view.maps("after", sentence)
        with cols[2]:
            if s_layer > len(a_maps) or head > a_maps[0].shape[0]:
                st.info(f"The distilled student of that run has {len(a_maps)} layers of {a_maps[0].shape[0]} heads.")
            else:
                chart(attention_figure(tokens, a_maps[s_layer - 1][head - 1], f"Student after distillation, layer {s_layer}, head {head}"), key="ly_att_a")
        st.caption(f"After: {after_label}. The teacher here is the pre-trained MiniLM; the distilled student learned from its fine-tuned copy.")
    else:
        st.caption("Head 12 of teacher layer 3 mostly looks at the previous token. Student layer 2 has teacher layer 3's weights, "
                   "but it reads the output of teacher layer 1 instead of layer 2, so before training its attention already differs. "
                   "Run an experiment in section 5 to add the student after distillation.")
except DistillError as exc:
    st.warning(str(exc))

# 5. live
st.subheader("5. Run an experiment live")
c1, c2 = st.columns([2, 2])
experiment = c1.selectbox("Experiment", list(EXPERIMENTS), format_func=lambda e: EXPERIMENTS[e][0], key="ly_live_exp")
extra = extra_presets("layers") or {}
presets = LIVE_PRESETS | {key: (p["label"], p["seeds"]) for key, p in extra.items()}
preset = c2.radio("Seeds", list(presets), format_func=lambda p: presets[p][0], key="ly_live_preset", horizontal=True)
use_map = st.checkbox("Use the layer map from section 1 (otherwise the student keeps teacher layers 1, 3, 5 and matches them)",
                      key="ly_use_map", disabled=map_error is not None)
st.caption("About 30 s per condition and seed on 2 cores, measured for the references (the three experiments took 3, 6 and 4 minutes "
           "with 3 seeds); runs queue behind other jobs.")
if st.button("Run the experiment", type="primary", icon=":material/play_arrow:", disabled=job is None, key="ly_run"):
    spec = LayerExperimentSpec(experiment=experiment, seeds=presets[preset][1])
    if use_map and map_error is None and kept is not None:
        spec.student_layers, spec.layer_map = kept, layer_map.as_dict()
    elif use_map and kept is None:
        st.warning("Random initialisation is a condition of its own (the initialisation experiment): this run copies "
                   "teacher layers 1, 3, 5 and uses the DistilBERT map, not your map.")
    if preset in extra:
        spec = LayerExperimentSpec(**{"seeds": extra[preset]["seeds"], **extra[preset].get("spec", {}), "experiment": experiment})
    try:
        from distill_core.experiments.layers import run_layer_experiment

        st.session_state["ly_run_id"] = job.submit(spec, kind="layers", task=spec.task, run_fn=run_layer_experiment, owner=session.owner_token())
    except DistillError as exc:
        st.error(str(exc))

run_id = st.session_state.get("ly_run_id")
if run_id and job is not None:
    def finished(state) -> None:
        live_report = LayerExperimentReport.from_dict(state.report)
        show_report(live_report, live_report.spec["experiment"], f"live_{run_id}")
        show_cka(live_report, f"live_{run_id}")
        course.record_result("layers", f"Run {run_id}: {live_report.verdict()}", table=live_report.summary().to_dict("records"))

    follow_job(job, run_id, "ly", finished)
course.footer("layers")
