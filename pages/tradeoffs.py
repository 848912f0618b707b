"""Trade-offs: what a smaller model costs and buys, on this very machine.

Top: the DistilBERT claim (Sanh et al. 2019) beside what this machine shows: parameters and sizes
computed from the architectures at once, latency measured when you press *Measure on this
machine* (a job of the shared runner; the result is kept in the run store for every visitor of
this server). Then INT8: sizes before and after, the seed article's "440 MB -> under 50 MB"
checked, a trained student's accuracy before and after (also a job). Then the accuracy / latency
frontier of the shipped reference runs and your own, with a latency budget; the monthly cost of
serving each model against a hosted API; and a checklist that ends in a recommendation. The
budget and the cost inputs live in the URL.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from distill_core import tradeoffs as TR
from distill_core.errors import DistillError
from pages._runtime import extra_presets, follow_job, runner
from pages._ui import course
from pages._ui.checklist import checklist
from pages._ui.numbering import layer_list
from pages._ui.style import chart
from pages._ui.tradeoffs_figures import cost_figure, frontier_figure, latency_figure, parameters_figure, short, size_figure, speedup_figure
from pages._ui.tradeoffs_tables import (
    ago,
    budget_sentence,
    claim_table,
    cost_frame,
    cost_latencies,
    cost_verdict,
    int8_reference_caption,
    int8_reference_frame,
    int8_result_caption,
    int8_result_frame,
    measured_frame,
    points_frame,
    shape_frame,
    speed_notes,
)
from pages._ui.tradeoffs_onnx import section_formats
from pages._ui.widgets import reset_page
from pages._ui import session
from pages._ui.guard import check_numbers  # bound number inputs: a bad link value leaves before Streamlit reads it

BUDGET_OPTIONS = [1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 50.0, 70.0, 100.0, 150.0, 200.0, 300.0, 500.0, 1000.0]

DEFAULTS = {
    "trade_budget": 10.0,  # ms: the seed article's example target
    "trade_calls": 10_000_000,  # calls per day: about 116 a second, "at scale"
    "trade_hour": 0.10,  # $ per server hour: a small 2-vCPU cloud machine
    "trade_api": 0.001,  # $ per call: a hosted large model, ~500 tokens at $2 per million
    "trade_cost_model": "minilm-3",
    "trade_task": "sentiment",
} | {f"trade_why_{c.key}": c.key in ("latency", "fixed_task") for c in TR.CRITERIA}


# ------------------------------------------------------------------ data: cheap, cached


def measure_spec(presets: dict | None) -> TR.MeasureSpec:
    """What is measured: the presets file's models and settings where it names them, else BERT-base and friends."""
    spec = TR.MeasureSpec.from_dict(presets or {})
    return spec if spec.catalog else TR.MeasureSpec(TR.default_catalog(), spec.config)


@st.cache_data(show_spinner=False, ttl=300)
def reference_runs() -> list[TR.RunEntry]:
    return TR.load_reference_runs()


@st.cache_data(show_spinner=False, ttl=300)
def int8_reference() -> dict | None:
    return TR.load_int8_reference()


# ------------------------------------------------------------------ sections


def section_claim(rows: list[dict], m: TR.Measurement | None, entries: list[TR.RunEntry]) -> None:
    st.header("The DistilBERT claim, checked")
    st.markdown(
        "Sanh et al. (2019) distilled BERT-base into **DistilBERT**: one layer in two, same width. Below, their figures "
        "(quoted) beside this machine's: parameters are counted from `BertConfig()` and `DistilBertConfig()` (random "
        "weights, nothing downloaded), speed is measured here when you press the button. Only those two are reproduced "
        "like for like. The accuracy row is not: it comes from the app's own student of a 22.7M-parameter MiniLM teacher "
        "on a small sample task (300 test reviews for sentiment), not from BERT-base on GLUE."
    )
    st.markdown(claim_table(rows, m, TR.retention(entries)))
    st.dataframe(shape_frame(rows), hide_index=True, width="stretch")
    st.caption(
        "Computed from each architecture: 4 bytes per fp32 weight; dynamic INT8 stores Linear weights in 1 byte and "
        "leaves embeddings, biases and LayerNorms in fp32. The MiniLM rows are the app's bundled teacher and students "
        "that keep some of its layers (as on the Live distillation page)."
    )
    chart(parameters_figure(rows), key="trade_chart_params")


def start_measurement(job, spec: TR.MeasureSpec) -> None:
    """Queue a measurement, or follow the one another session already started for the same models and settings."""
    config = spec.as_dict()
    same = [r for r in job.active() if (run := job.store.get(r)) and run.kind == "measure" and run.config == config]
    try:
        st.session_state["trade_measure_run"] = same[0] if same else job.submit(config, kind="measure", run_fn=TR.measure_job, owner=session.owner_token())
    except DistillError as exc:
        st.error(f"The measurement could not start: {exc}")


def section_measure(m: TR.Measurement | None, spec: TR.MeasureSpec, job) -> None:
    st.subheader("Measured on this machine")
    cfg = spec.config
    st.markdown(
        f"Times the {len(spec.catalog)} models of the table above at batch 1 (fp32 and dynamic INT8) and at batch {cfg.batch_size} (fp32), "
        f"{cfg.seq_len} tokens, all interleaved round by round so that other work on the machine slows them alike. It takes minutes "
        "on a 2-core CPU, more when the machine is busy; it queues behind other jobs, and the result is kept for everyone using this server."
    )
    busy = [r.id for r in (job.store.list(limit=20) if job else []) if r.status == "running" and r.kind not in ("measure", "int8")]
    if busy:
        st.warning(f"A training run is in progress on this server (run {', '.join(map(str, busy))}): latencies measured now are slower "
                   "and noisier; the ratios between models hold better than the times.")
    c1, c2 = st.columns([1, 3])
    if c1.button("Measure on this machine" if m is None else "Measure again", type="primary" if m is None else "secondary",
                 icon=":material/speed:", key="trade_measure", disabled=job is None):
        start_measurement(job, spec)
    if m is not None:
        c2.caption(
            f"Measured {ago(m.when)} in {m.seconds:.0f} s, every latency on the CPU (where such models are served): "
            f"{m.machine['cpus']} CPU cores, {m.machine['torch_threads']} torch threads, "
            f"load average {m.machine['load_1min']:.1f} at the time, torch {m.machine['torch']}."
        )
    run_id = st.session_state.get("trade_measure_run")
    if run_id and job is not None:

        def finished(state) -> None:
            done = TR.Measurement(**state.report)
            if (m is None or m.when < done.when) and st.session_state.get("trade_measure_redrawn") != run_id:
                st.session_state["trade_measure_redrawn"] = run_id
                st.rerun()  # the page above was drawn before this measurement landed: draw it all again, once
            st.session_state.pop("trade_measure_run", None)
            st.toast(f"Measured {len(done.rows)} models in {done.seconds:.0f} s.", icon=":material/speed:")

        follow_job(job, run_id, "trade_measure", finished)
    if m is None:
        st.info("Nothing measured yet on this server: the sizes above are computed; the speed-ups need the button.")
    else:
        measured_results(m, spec.catalog[0])


def measured_results(m: TR.Measurement, ref: TR.Arch) -> None:
    """The measured table, what to make of it, and the latency and speed-up charts."""
    st.dataframe(measured_frame(m, ref), hide_index=True, width="stretch")
    ratios = {r["key"]: r for r in m.ratios(ref.key)}
    if m.machine.get("load_1min", 0) > (m.machine.get("cpus") or 1):
        st.warning(
            f"The machine was busy while measuring (load average {m.machine['load_1min']:.1f} on {m.machine['cpus']} cores): "
            "times are inflated and can be off by tens of percent, even in their order for models of similar size. "
            "Measure again when it is quiet."
        )
    for note in speed_notes(m, ratios):
        st.caption(note)
    c1, c2 = st.columns(2)
    with c1:
        chart(latency_figure(m), key="trade_chart_latency")
    with c2:
        chart(speedup_figure(m, ref.key, ref.name), key="trade_chart_speedup")
    st.caption(f"Each time: the median of interleaved rounds on random token ids, best of {m.config.get('blocks', 1)} blocks of rounds, "
               "so that a burst of other work spoils a block rather than the result (`python bench/tradeoffs_table.py` prints the "
               "same table from a terminal). Absolute times depend on this machine and its load; ratios travel better.")


def section_sizes(rows: list[dict], m: TR.Measurement | None) -> None:
    st.header("Quantisation: 440 MB to under 50 MB?")
    st.markdown(
        "The seed article's claim: distillation plus INT8 takes a BERT model **from 440 MB to under 50 MB**. "
        "Dynamic INT8 (`torch.ao.quantization.quantize_dynamic`) stores every `nn.Linear` weight in one byte and "
        "quantises activations on the fly; the embeddings stay in fp32."
    )
    size_rows = rows
    if m is not None and {r["key"] for r in m.rows} == {r["key"] for r in rows}:
        size_rows = [r | {"fp32_mb": mr["fp32_mb"], "int8_mb": mr["int8_mb"]} for r, mr in zip(rows, m.rows)]
    claim = TR.check_size_claim(size_rows)
    target = TR.SEED_SIZE_CLAIM["to_mb"]
    c1, c2 = st.columns([3, 2], gap="large")
    with c1:
        chart(size_figure(size_rows, measured=size_rows is not rows), key="trade_chart_sizes")
    with c2:
        (st.success if claim.holds_for_distilbert else st.warning)(claim.headline)
        distil_emb = next((r["embeddings"] for r in rows if r["key"] == "distilbert"), None)
        st.markdown(
            f"- BERT-base in fp32: **{claim.bert_fp32_mb:.0f} MB**: the claim's 440 MB is right.\n"
            f"- DistilBERT, dynamic INT8: **{claim.distilbert_int8_mb:.0f} MB**"
            + (f", of which {4 * distil_emb / 1e6:.0f} MB are fp32 embeddings.\n" if distil_emb else ".\n")
            + f"- DistilBERT with every weight in int8, embeddings too: {claim.distilbert_all_int8_mb:.0f} MB, still over {target:.0f}.\n"
            + (f"- Under {target:.0f} MB here: {', '.join(claim.smallest_under)}." if claim.smallest_under else "")
        )
        st.caption("Getting under 50 MB takes a narrower student (hidden 384 instead of 768) with few layers, or a smaller "
                   "vocabulary; distillation to DistilBERT plus dynamic INT8 is not enough." + ("" if size_rows is not rows else
                   " Sizes computed from the shapes; press Measure above to serialise the real models."))


def section_student_int8(job) -> None:
    st.subheader("A trained student, before and after INT8")
    st.caption("Size and speed are half the story: what does INT8 cost in accuracy? Pick a finished run; its distilled student "
               "(first seed) is evaluated on the task's test split in fp32, quantised, and evaluated again.")
    shipped = int8_reference()
    if shipped:
        st.dataframe(int8_reference_frame(shipped), hide_index=True, width="stretch")
        st.caption(int8_reference_caption(shipped))
        st.caption(f"The reference students, evaluated when the reference runs were made: `{shipped.get('command', '')}`.")
    candidates = [r for r in (session.list_runs(job.store, kind="distill", limit=200) if job else []) if TR.student_folder(r)]  # not others' uploads
    if not candidates:
        st.info("No trained student on this server yet. Run one on the **Live distillation** page (the Quick demo preset), "
                "then come back to evaluate it here.")
        return
    st.markdown("**Your runs**")
    c1, c2 = st.columns([2, 1])
    by_id = {r.id: r for r in candidates}
    pick = c1.selectbox("Run", list(by_id), key="trade_int8_run",
                        format_func=lambda i: f"run {i}: {by_id[i].task}, teacher layers {layer_list(by_id[i].config.get('student_layers'))}")
    c2.write("")
    spec = TR.int8_spec(by_id[pick])
    done = st.session_state.setdefault("trade_int8_done", set())
    if c2.button("Evaluate fp32 vs INT8", key="trade_int8_go", icon=":material/compress:"):
        if TR.latest_result(job.store, "int8", spec):
            done.add(pick)  # evaluated already, and the student has not changed since
        else:
            try:
                st.session_state["trade_int8_job"] = (job.submit(spec, kind="int8", task=spec["task"], run_fn=TR.int8_job, owner=session.owner_token()), pick)
            except DistillError as exc:
                st.error(str(exc))
    following = st.session_state.get("trade_int8_job")
    if following:

        def finished(state) -> None:
            done.add(following[1])
            st.session_state.pop("trade_int8_job", None)
            show_int8_result(state.report)

        follow_job(job, following[0], "trade_int8", finished)
    elif pick in done and (res := TR.latest_result(job.store, "int8", spec)):
        show_int8_result(res)


def show_int8_result(res: dict) -> None:
    st.dataframe(int8_result_frame(res), hide_index=True, width="content")
    st.caption(int8_result_caption(res))


def section_frontier(df: pd.DataFrame, m: TR.Measurement | None) -> None:
    st.header("The frontier: accuracy against latency")
    st.markdown(
        "Every finished run: the shipped reference runs (circles) and the runs on this server (diamonds), each with its "
        "teacher, the student trained on hard labels, the same student distilled and (newer runs) the same student on the "
        "teacher's top-class labels of the extra text. Bars: spread over seeds. The dashed "
        "line joins the models nothing beats on both axes (the Pareto frontier). Set a latency budget: the seed article's "
        "example is a **10 ms** target that a **50 ms** BERT misses."
    )
    if df.empty:
        st.info("No finished runs and no reference runs to draw yet.")
        return
    tasks = sorted(df["task"].unique())
    task = tasks[0]
    if len(tasks) > 1:
        default = DEFAULTS["trade_task"] if DEFAULTS["trade_task"] in tasks else tasks[0]
        task = st.segmented_control("Task", tasks, default=default, key="trade_task") or default
    df = df[df["task"] == task]
    budget = st.select_slider("Latency budget at batch 1 (ms)", options=BUDGET_OPTIONS, value=DEFAULTS["trade_budget"], key="trade_budget",
                              bind="query-params", format_func=lambda v: f"{v:g}",
                              help="Models at or under the budget are drawn in full; those over it fade.")
    lines = {}
    for key, name in (("bert-base", "BERT-base"), ("distilbert", "DistilBERT")):
        row = m.row(key) if m is not None else None
        if row and not math.isnan(row["b1_ms"]):
            lines[name] = row["b1_ms"]
    chart(frontier_figure(df, budget, lines), key="trade_chart_frontier")
    st.markdown(budget_sentence(TR.budget_summary(df, budget), budget))
    notes = []
    if lines:
        notes.append("Dotted lines: BERT-base and DistilBERT timed here (random weights: they have no accuracy on this task).")
    if "measured on this machine" in set(df["latency_source"]):
        notes.append("Latency of the bundled teacher and its truncated students: measured on this machine with the button above "
                     "(same architecture and length as the runs); other models: as recorded when their run was made.")
    else:
        notes.append("Latency as recorded when each run was made (reference runs: on the 2-core machine that produced them). "
                     "Press 'Measure on this machine' above to re-time the same architectures here.")
    st.caption(" ".join(notes))
    wins, soft = TR.distilled_vs(df), TR.distilled_vs(df, "pseudo")
    count = lambda w: f"better in {w.count(1)}, no clear difference in {w.count(0)}, worse in {w.count(-1)} of {len(w)}"
    if wins:
        st.caption(
            f"Distilled vs the same student on hard labels, run by run: {count(wins)} (difference beyond the seed spread). "
            + (f"Vs the same student on the teacher's top-class labels of the same extra text, which isolates the soft "
               f"targets: {count(soft)}. " if soft else "")
            + "Distillation is not automatically a win: the task, the transfer set, T and alpha decide."
        )
    with st.expander("The points as a table"):
        st.dataframe(points_frame(df), hide_index=True, width="stretch")


def section_cost(m: TR.Measurement | None, df: pd.DataFrame) -> None:
    st.header("Cost at scale")
    st.markdown(
        "Serving a model yourself costs servers, whatever the traffic; a hosted large model costs per call. One server here "
        f"is a machine like this one, answering one request at a time at the batch-1 latency, kept at most "
        f"{100 * TR.UTILISATION:.0f}% busy so peaks fit. Batching requests would raise its capacity."
    )
    latencies, source = cost_latencies(m, df)
    if not latencies:
        st.info("No latency to cost yet: press 'Measure on this machine' above.")
        return
    c1, c2, c3, c4 = st.columns(4)
    check_numbers({"trade_calls": (100, 1_000_000_000, True), "trade_hour": (0.01, 50.0, False), "trade_api": (0.00001, 1.0, False)})
    calls = c1.number_input("Calls per day", min_value=100, max_value=1_000_000_000, value=DEFAULTS["trade_calls"], step=100_000,
                            key="trade_calls", bind="query-params")
    hour = c2.number_input("Server, $ per hour", min_value=0.01, max_value=50.0, value=DEFAULTS["trade_hour"], step=0.01, format="%.2f",
                           key="trade_hour", bind="query-params", help="A small 2-vCPU cloud machine costs roughly $0.05 to $0.10 an hour.")
    api = c3.number_input("Hosted API, $ per call", min_value=0.00001, max_value=1.0, value=DEFAULTS["trade_api"], step=0.0005,
                          format="%.5f", key="trade_api", bind="query-params",
                          help="About 500 tokens at $2 per million tokens is $0.001 a call.")
    keys = list(latencies)
    default_pick = DEFAULTS["trade_cost_model"] if DEFAULTS["trade_cost_model"] in keys else keys[0]
    # the URL holds the formatted option: a name, never a latency that changes with each measurement
    pick = c4.selectbox("Model (its batch-1 latency)", keys, index=keys.index(default_pick), key="trade_cost_model", bind="query-params",
                        format_func=lambda k: short(k, latencies[k][0]))
    if pick not in latencies:
        pick = default_pick
    st.caption(f"Latencies {source}.")
    chart(cost_figure(latencies, pick, float(calls), float(hour), float(api)), key="trade_chart_cost")
    st.dataframe(cost_frame(latencies, calls, float(hour), float(api)), hide_index=True, width="stretch")
    st.markdown(cost_verdict(latencies[pick][0], latencies[pick][1], calls, float(hour), float(api)))
    st.caption("Below one server's capacity every model costs the same: one server. A smaller model pays off in servers once "
               "traffic needs more than one, and in latency at any traffic. A month is 730 hours. The API's accuracy is not on "
               "this chart: a large hosted model may score higher than any student, which is the trade this page is about.")


def section_checklist() -> None:
    st.header("When to distil")
    st.markdown("The seed article's criteria. Tick what holds for your project:")
    checklist({c.key: DEFAULTS[f"trade_why_{c.key}"] for c in TR.CRITERIA}, "trade_why_")


# ------------------------------------------------------------------ the page

st.title("Trade-offs")
course.header("tradeoffs")
st.markdown(
    "What does a smaller model cost, and what does it buy? Sizes here are **computed** from each architecture; "
    "latency is **measured on this machine** when you ask; accuracy comes from finished runs, "
    "the shipped reference runs first."
)
st.button("Reset", key="trade_reset", icon=":material/restart_alt:", on_click=reset_page, args=(DEFAULTS, "trade_"))
job = runner()
try:
    presets = extra_presets("tradeoffs")
    spec = measure_spec(presets)
    rows = TR.shape_table(spec.catalog)
    entries = list(reference_runs()) + (TR.store_runs(job.store) if job else [])
    measurement = TR.latest_measurement(job.store, spec) if job else None
except DistillError as exc:
    st.error(str(exc))
    st.stop()
if presets and presets.get("catalog"):
    st.caption(f"The models compared come from the presets file (DISTILL_LAB_EXTRA_PRESETS): {', '.join(a.name for a in spec.catalog)} "
               "stand in for BERT-base and friends.")

section_claim(rows, measurement, entries)
section_measure(measurement, spec, job)
st.divider()
section_sizes(rows, measurement)
section_student_int8(job)
section_formats(job)
st.divider()
seq = measurement.config["seq_len"] if measurement else None
points = TR.frontier_points(entries, measurement.latency_by_key() if measurement else None, seq)
section_frontier(points, measurement)
st.divider()
section_cost(measurement, points)
st.divider()
section_checklist()
with st.expander("Where the reference runs come from"):
    refs = [e for e in entries if e.source == "reference"]
    if refs:
        st.markdown("Produced by the project's own command line (`assets/reference/README.md`), one JSON report each:")
        for e in refs:
            st.code(e.command or "(command not recorded)", language="bash")
    else:
        st.caption("No reference runs are shipped in assets/reference/.")
course.footer("tradeoffs")
