"""The live page's ONNX download (issue 17): export a finished run's student to ONNX and onnxruntime INT8 as a job,
then offer both files beside the Hugging Face folder, with the few lines that run them."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from distill_core import tradeoffs as TR
from distill_core.errors import DistillError
from pages._runtime import follow_job
from pages._ui import session


def onnx_downloads(job, run, run_id: int) -> None:
    """Download buttons for the exported files, or a button that exports them (a job: about 10 to 30 s on 2 cores)."""
    student, out = Path(run.artefacts) / "student", Path(run.artefacts) / "onnx"
    fp32, int8 = out / TR.onnx_export.FP32_FILE, out / TR.onnx_export.INT8_FILE
    key = f"dist_onnx_job_{run_id}"
    if fp32.is_file() and int8.is_file():
        files = ((fp32, "ONNX, fp32", f"student-run{run_id}.onnx"), (int8, "ONNX, onnxruntime INT8", f"student-run{run_id}-int8.onnx"))
        for column, (path, label, name) in zip(st.columns(2), files):
            column.download_button(f"Download {label} ({path.stat().st_size / 1e6:.0f} MB)", data=lambda p=path: p.read_bytes(), file_name=name,
                               mime="application/octet-stream", icon=":material/download:", key=f"dist_{name}", on_click="ignore")
        with st.expander("Run it with onnxruntime"):
            names = list((run.metrics or {}).get("label_names") or [])
            st.code(TR.onnx_export.onnxruntime_snippet(f"student-run{run_id}-int8.onnx", f"distilled-student-run{run_id}/tokenizer.json", names),
                    language="python")
            st.caption("`pip install onnxruntime tokenizers numpy`: no torch needed. The tokenizer comes from the .zip above. "
                       "INT8 stores the embeddings in int8 too; check it on your test set (the Trade-offs page shows what it cost here).")
        return
    if not (student / "config.json").is_file():
        return
    if st.button("Export to ONNX (fp32 and INT8)", key=f"dist_onnx_go_{run_id}", icon=":material/output:", disabled=job is None):
        spec = {"folder": str(student), "out": str(out), "task": run.config.get("task"), "int8": True,
                "max_length": int(run.config.get("max_length", 64))}
        try:
            st.session_state[key] = job.submit(spec, kind="export", task=spec["task"], run_fn=TR.export_job,
                                               owner=session.owner_token(), estimate_s=60)
        except DistillError as exc:
            st.error(f"The export could not start: {exc}")
    if st.session_state.get(key) and job is not None:

        def finished(state) -> None:
            st.session_state.pop(key, None)
            st.rerun()  # draw the download buttons

        follow_job(job, st.session_state[key], key, finished)
