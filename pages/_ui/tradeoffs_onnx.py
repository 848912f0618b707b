"""The Trade-offs page's deployment section (issue 17): torch fp32 / torch INT8 / ORT fp32 / ORT INT8 of each model,
the size-accuracy chart with the seed's 50 MB line, the claim read on it, and the 1-layer collapse explained.

Opens on the shipped measurement (assets/reference/onnx-formats.json, made on the project's 2-core machine);
*Measure on this machine* re-runs it here as a job of the runner, with this server's students.
"""

from __future__ import annotations

import streamlit as st

from distill_core import tradeoffs as TR
from distill_core.errors import DistillError
from pages._runtime import follow_job
from pages._ui import session
from pages._ui.numbering import layer_list
from pages._ui.style import chart
from pages._ui.tradeoffs_figures import formats_figure
from pages._ui.tradeoffs_tables import ago, formats_claim, formats_frame

KIND = "onnx-formats"


@st.cache_data(show_spinner=False, ttl=300)
def formats_reference() -> dict | None:
    return TR.load_formats_reference()


def formats_spec(job, task: str = "sentiment") -> TR.FormatsSpec:
    """The teacher, the distilled student of every finished run of this task on this server, BERT-base and DistilBERT."""
    students = []
    for run in sorted(session.list_runs(job.store, kind="distill", limit=200) if job else [], key=lambda r: r.id):  # not others' uploads
        folder = TR.student_folder(run)
        if folder is not None and run.task == task and session.can_view(run):
            layers = (run.metrics or {}).get("spec", {}).get("student_layers") or run.config.get("student_layers")
            n = len(layers) if layers else "?"
            name = f"run {run.id}: {n}-layer student (teacher's {layer_list(layers, '?')})"
            students.append({"key": f"run-{run.id}", "name": name, "folder": str(folder), "layers": layers})
    return TR.FormatsSpec(task=task, students=students)


def section_formats(job) -> None:
    st.header("Deploying: ONNX and onnxruntime INT8")
    st.markdown(
        "On a CPU, people serve a model with **ONNX and onnxruntime** rather than PyTorch. PyTorch's dynamic INT8 "
        "quantises the `nn.Linear` layers only, so the 30,522-row word embeddings stay fp32: BERT-base 438 → 181 MB. "
        "onnxruntime's dynamic INT8 (`quantize_dynamic` with `op_types_to_quantize=[\"MatMul\", \"Gather\"]`) stores the "
        "embedding tables in int8 as well. Below: four ways to serve the teacher and each student, side by side."
    )
    spec = formats_spec(job)
    measured = TR.latest_result(job.store, KIND, spec.as_dict()) if job else None
    shipped = formats_reference()
    table = measured or shipped
    if table is None:
        st.info("No measurement shipped or made yet: press the button below.")
    else:
        show_formats(table, measured is not None)
    measure_button(job, spec)


def show_formats(table: dict, here: bool) -> None:
    m = table["machine"]
    where = (f"Measured on this machine {ago(table['when'])}" if here else
             "Shipped reference, **measured on the project's 2-core machine**, not yours")
    st.caption(f"{where}, every latency on the CPU: {m['cpus']} CPU cores, {m['torch_threads']} threads for torch and onnxruntime alike, load average "
               f"{m['load_1min']:.1f}, {table['spec']['seq_len']} tokens; times are the best of {table['spec']['blocks']} blocks of "
               "interleaved rounds. Accuracy: the sentiment test split (300 reviews). BERT-base and DistilBERT have random weights "
               "(built from their configs, nothing downloaded): sizes and speed only.")
    if table.get("note"):
        st.caption(table["note"])  # str(): a caveat written with the measurement
    frame = formats_frame(table)
    st.dataframe(frame, hide_index=True, width="stretch", height=35 * (len(frame) + 1) + 3)  # every row, no inner scroll
    c1, c2 = st.columns([3, 2], gap="large")
    with c1:
        chart(formats_figure(table), key="trade_chart_formats")
        st.caption("Open marks: fp32; filled: INT8. Circles: PyTorch; diamonds: onnxruntime. The dotted line joins one model's formats.")
    with c2:
        holds, text = formats_claim(table)
        (st.success if holds else st.warning)(
            "**440 MB to under 50 MB: holds, but not for BERT or DistilBERT.**" if holds else "**440 MB to under 50 MB: not here.**")
        st.markdown(text)
        st.caption("Distillation alone does not get there (DistilBERT in int8 is still over 50 MB); a narrow student "
                   "(hidden 384) plus int8 embeddings does. Under 50 MB is easy here: keeping the accuracy is the hard part.")
    collapse_note(table)


def collapse_note(table: dict) -> None:
    """Issue 16, item 6: the smallest student collapsed; say what it shows."""
    one = next((r for r in table["rows"] if r.get("layers") and len(r["layers"]) == 1 and r["format"] == "torch fp32"), None)
    acc = f"{100 * one['accuracy']:.1f}%" if one and one["accuracy"] is not None else "34.0%"
    st.markdown(
        f"**The smallest is not automatically the best buy.** The 1-layer student (the teacher's layer {layer_list(one and one['layers'] or [0])} "
        f"only) scores **{acc}**: it predicts "
        "one class for every review, the share of that class in a balanced 3-class test split. In PyTorch INT8 it is the only "
        "student under 50 MB; with onnxruntime INT8 every student is, and the 3-layer one keeps most of the teacher's accuracy. "
        "The student trained on hard labels alone, same layer, reached 55.0 ± 4.2% (reference runs): the teacher's signal, not "
        "the data, is what this student could not follow."
    )
    st.caption(
        "This is the capacity gap. Cho & Hariharan (2019, *On the Efficacy of Knowledge Distillation*, ICCV) found that a more "
        "accurate teacher does not always make a better student: when the student is far smaller, it cannot match the teacher's "
        "function and distillation can do worse than training on labels. Mirzadeh et al. (2020, *Improved Knowledge Distillation "
        "via Teacher Assistant*, AAAI) measured the student's accuracy falling as the teacher-student gap grows, and bridged it "
        "with an intermediate 'teacher assistant'. Here one transformer layer out of six, at T 4 over three classes (near-uniform "
        "targets), fell into that gap."
    )


def measure_button(job, spec: TR.FormatsSpec) -> None:
    n = 1 + len(spec.students) + 2
    c1, c2 = st.columns([1, 3])
    go = c1.button("Measure the four formats here", key="trade_formats_go", icon=":material/speed:", disabled=job is None)
    c2.caption(f"Exports {n} models (the teacher, {len(spec.students)} student(s) of this server's sentiment runs, BERT-base and "
               "DistilBERT) to ONNX, quantises each both ways, checks accuracy and times all 4 formats interleaved: a few minutes "
               "on a 2-core CPU. It runs in the shared queue.")
    if go:
        config = spec.as_dict()
        same = [r for r in job.active() if (run := job.store.get(r)) and run.kind == KIND and run.config == config]
        try:
            st.session_state["trade_formats_run"] = same[0] if same else job.submit(
                config, kind=KIND, task=spec.task, run_fn=TR.formats_job, owner=session.owner_token(), estimate_s=300)
        except DistillError as exc:
            st.error(f"The measurement could not start: {exc}")
    run_id = st.session_state.get("trade_formats_run")
    if run_id and job is not None:

        def finished(state) -> None:
            st.session_state.pop("trade_formats_run", None)
            st.rerun()  # the table above was drawn before this measurement landed

        follow_job(job, run_id, "trade_formats", finished)
