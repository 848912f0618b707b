"""INT8 accuracy of a trained student: evaluated on its task's test split before and after dynamic INT8.

Dynamic quantisation turns every ``nn.Linear`` weight into int8; embeddings stay fp32. ``int8_job``
runs the evaluation as a job of the runner, which is how the page runs it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import DistillError, first_line
from .frontier import REFERENCE_DIR
from .measure import ProgressFn, job_progress

INT8_REFERENCE = "int8-students.json"


@dataclass
class Int8Accuracy:
    folder: str
    task: str
    test_rows: int
    accuracy_fp32: float
    accuracy_int8: float
    agreement: float  # share of test rows where fp32 and INT8 predict the same class
    fp32_mb: float
    int8_mb: float
    parameters: int

    @property
    def drop_points(self) -> float:
        return 100 * (self.accuracy_fp32 - self.accuracy_int8)

    def as_dict(self) -> dict:
        return asdict(self)


def _load_saved(folder: Path):
    """(model, tokenizer) of a saved student folder, by the teacher module's loader (safetensors only, no
    remote code), with what is missing said plainly."""
    from ..teacher import load_model_folder

    if not (folder / "config.json").is_file():
        raise DistillError(f"{folder} holds no saved model (config.json is missing): was the run's folder removed?")
    if not any(folder.glob("*.safetensors")):
        raise DistillError(f"{folder} holds no .safetensors weights; only safetensors are loaded")
    try:
        return load_model_folder(folder)
    except Exception as exc:
        raise DistillError(f"cannot load the model in {folder}: {first_line(exc)}") from exc


def int8_accuracy(
    folder: str | Path, task: str | None = None, data_file: str | None = None, text_col: str = "text",
    label_col: str = "label", max_length: int = 64, progress: ProgressFn | None = None,
) -> Int8Accuracy:  # fmt: skip
    """Test accuracy of a saved student before and after dynamic INT8.

    Loads the Hugging Face folder, evaluates on the task's test split, quantises every Linear to
    int8, evaluates again.
    """
    import numpy as np

    from .. import models as M
    from ..data import encode, load_task
    from ..evaluation import accuracy
    from ..training import predict_logits

    say = progress or (lambda fraction, message: None)
    folder = Path(folder)
    say(0.0, "loading the student")
    model, tokenizer = _load_saved(folder)
    data = load_task(task, data_file, text_col, label_col)
    if model.config.num_labels != data.num_labels:
        raise DistillError(f"the model predicts {model.config.num_labels} classes but task '{data.name}' has {data.num_labels}")
    enc = encode(tokenizer, data.test["text"].tolist(), max_length)
    labels = data.test["label"].to_numpy()
    say(0.2, "evaluating fp32 on the test split")
    logits_fp32 = predict_logits(model, enc)
    say(0.55, "quantising to INT8")
    quantised = M.quantize_int8(model)
    say(0.6, "evaluating INT8 on the test split")
    logits_int8 = predict_logits(quantised, enc)
    say(1.0, "done")
    return Int8Accuracy(
        folder=str(folder), task=data.name, test_rows=len(labels),
        accuracy_fp32=accuracy(labels, logits_fp32.argmax(1)), accuracy_int8=accuracy(labels, logits_int8.argmax(1)),
        agreement=float(np.mean(logits_fp32.argmax(1) == logits_int8.argmax(1))),
        fp32_mb=M.serialized_size_mb(model), int8_mb=M.serialized_size_mb(quantised), parameters=M.count_parameters(model),
    )  # fmt: skip


def student_folder(run) -> Path | None:
    """The saved distilled student (first seed) of a finished run of the store, or None."""
    folder = Path(run.artefacts or "") / "student"
    if run.status != "finished" or not run.artefacts or not (folder / "config.json").is_file():
        return None
    return folder


def int8_spec(run, max_length: int = 64) -> dict:
    """What ``int8_job`` evaluates for a run with a saved student; the folder's time of change keeps an
    evaluation from standing for a student saved again since."""
    folder = Path(run.artefacts) / "student"
    cfg = run.config
    return {
        "run": run.id, "folder": str(folder), "modified": folder.stat().st_mtime, "task": cfg.get("task"),
        "data_file": cfg.get("data_file"), "text_col": cfg.get("text_col", "text"), "label_col": cfg.get("label_col", "label"),
        "max_length": int(cfg.get("max_length", max_length)),
    }  # fmt: skip


def evaluate_spec(spec: dict, progress: ProgressFn | None = None) -> Int8Accuracy:
    """``int8_accuracy`` of what ``int8_spec`` describes."""
    return int8_accuracy(spec["folder"], spec["task"], spec["data_file"], spec["text_col"], spec["label_col"], spec["max_length"], progress)


def int8_job(spec: dict, *, home=None, on_event=None, cancel=None, artefact_dir=None) -> Int8Accuracy:
    """``int8_accuracy`` as a job of the runner (progress events, cancel between steps); spec is ``int8_spec(run)``."""
    return evaluate_spec(spec, job_progress(on_event, cancel, "int8"))


def evaluate_store_students(store, max_length: int = 64) -> list[dict]:
    """fp32 vs INT8 test accuracy of the distilled student (first seed) of every finished run that kept one."""
    out = []
    for run in sorted(store.list(kind="distill", limit=200), key=lambda r: r.id):
        if student_folder(run) is None:
            continue
        row = evaluate_spec(int8_spec(run, max_length)).as_dict()
        row.pop("folder")
        # the run's config holds None for the default (one layer in two); its report's spec holds the layers used
        layers = run.config.get("student_layers") or ((run.metrics or {}).get("spec") or {}).get("student_layers")
        out.append({"run": run.id, "student_layers": layers, **row})
    return out


def load_int8_reference(folder: str | Path = REFERENCE_DIR) -> dict | None:
    """The shipped fp32-vs-INT8 evaluation of the reference students ({"command", "students": [...]}), if any."""
    path = Path(folder) / INT8_REFERENCE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("students"), list) else None
