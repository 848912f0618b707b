"""Four ways to serve each model, side by side: torch fp32, torch INT8, onnxruntime fp32, onnxruntime INT8.

For the task's teacher, each saved student, and BERT-base and DistilBERT built from their configs
(random weights: their size and speed, no accuracy): size on disk, batch-1 and batch-N latency
timed on this machine (all models and formats interleaved round by round, best of a few blocks),
accuracy on the task's test split and agreement with the same model in fp32 PyTorch. Then the seed
article's "440 MB BERT to under 50 MB with distillation + INT8" read on those rows.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import DistillError, first_line
from .frontier import REFERENCE_DIR
from .measure import ProgressFn, _best_of_blocks, job_progress, machine_info

FORMATS = ("torch fp32", "torch INT8", "ORT fp32", "ORT INT8")
ONNX_REFERENCE = "onnx-formats.json"
SIZE_TARGET_MB = 50.0  # the seed article's "under 50 MB"
TEACHER_KEY = "minilm-6"  # the keys of shapes.minilm(), so the page colours each model as elsewhere


@dataclass
class FormatsSpec:
    """What ``formats_table`` measures; ``as_dict`` is the job's stored config."""

    task: str = "sentiment"
    students: list[dict] = field(default_factory=list)  # {"name", "folder", "layers"} of saved students
    random_archs: bool = True  # also BERT-base and DistilBERT, random weights from their configs
    seq_len: int = 64
    batch_size: int = 32
    iterations: int = 9  # interleaved rounds at batch 1, split into ``blocks``
    batch_iterations: int = 3  # at batch N
    blocks: int = 3

    def as_dict(self) -> dict:
        return asdict(self)


def _size_mb(fmt_models: dict, fmt: str, files: dict) -> float:
    """On disk: the .onnx file, or the torch state dict as ``torch.save`` writes it."""
    from .. import models as M
    from .onnx_export import file_mb

    return file_mb(files[fmt]) if fmt in files else M.serialized_size_mb(fmt_models[fmt])


def _four_formats(model, folder: Path, key: str) -> tuple[dict, dict]:
    """{format: callable model} and {format: ONNX file} for one torch model."""
    from .. import models as M
    from .onnx_export import OrtModel, export_onnx, quantize_onnx

    fp32 = export_onnx(model, folder / f"{key}.onnx")
    int8 = quantize_onnx(fp32, folder / f"{key}-int8.onnx")
    n = model.config.num_labels
    models = {"torch fp32": model, "torch INT8": M.quantize_int8(model), "ORT fp32": OrtModel(fp32, n), "ORT INT8": OrtModel(int8, n)}
    return models, {"ORT fp32": fp32, "ORT INT8": int8}


def _candidates(spec: FormatsSpec, data):
    """(key, name, torch model, tokenizer, layers or None, has accuracy) of each model to measure, loaded one by one."""
    from .measure import build_model
    from .onnx_export import load_source
    from .shapes import BERT_BASE, DISTILBERT

    teacher, tokenizer, _ = load_source("bundled", data)
    yield TEACHER_KEY, "teacher (MiniLM, 6 layers)", teacher, tokenizer, list(range(teacher.config.num_hidden_layers)), True
    for s in spec.students:
        model, tokenizer, _ = load_source(s["folder"], data)
        yield s.get("key") or s["name"], s["name"], model, tokenizer, s.get("layers"), True
    if spec.random_archs:
        for arch in (BERT_BASE, DISTILBERT):
            yield arch.key, f"{arch.name} (random weights)", build_model(arch), None, None, False


def _accuracy_columns(fmt_models: dict, encoded, labels) -> dict[str, dict]:
    import numpy as np

    from ..evaluation import accuracy
    from ..training import predict_logits

    logits = {fmt: predict_logits(m, encoded) for fmt, m in fmt_models.items()}
    ref = logits["torch fp32"]
    return {fmt: {"accuracy": accuracy(labels, lg.argmax(1)), "agreement": float(np.mean(lg.argmax(1) == ref.argmax(1))),
                  "max_abs_diff": float(np.abs(lg - ref).max())} for fmt, lg in logits.items()}  # fmt: skip


def formats_table(spec: FormatsSpec, progress: ProgressFn | None = None) -> dict:
    """The table (one row per model and format) with the machine it was measured on; see the module docstring."""
    from .. import models as M
    from ..data import encode, load_task
    from ..latency import compare_latency

    say = progress or (lambda fraction, message: None)
    start = time.perf_counter()
    data = load_task(spec.task)
    texts, labels = data.test["text"].tolist(), data.test["label"].to_numpy()
    rows, timed = {}, {}
    n_models = 1 + len(spec.students) + (2 if spec.random_archs else 0)
    with tempfile.TemporaryDirectory(prefix="dl-onnx-") as tmp:
        try:
            for i, (key, name, model, tokenizer, layers, scored) in enumerate(_candidates(spec, data)):
                say(0.5 * i / n_models, f"exporting {name} to ONNX and quantising it")
                fmt_models, files = _four_formats(model, Path(tmp), key)
                scores = _accuracy_columns(fmt_models, encode(tokenizer, texts, spec.seq_len), labels) if scored else {}
                for fmt, m in fmt_models.items():
                    rows[f"{key}|{fmt}"] = {"key": key, "model": name, "layers": layers, "format": fmt, "parameters": M.count_parameters(model),
                                            "mb": _size_mb(fmt_models, fmt, files), "b1_ms": None, "bn_ms": None,
                                            "accuracy": None, "agreement": None, "max_abs_diff": None} | scores.get(fmt, {})  # fmt: skip
                    timed[f"{key}|{fmt}"] = m
            say(0.5, f"timing {len(timed)} models at batch 1, interleaved")
            b1 = _best_of_blocks(compare_latency, timed, 1, spec.seq_len, spec.iterations, spec.blocks, 2,
                                 lambda f: say(0.5 + 0.2 * f, f"timing {len(timed)} models at batch 1, interleaved"))
            bn = _best_of_blocks(compare_latency, timed, spec.batch_size, spec.seq_len, spec.batch_iterations, spec.blocks, 1,
                                 lambda f: say(0.7 + 0.3 * f, f"timing {len(timed)} models at batch {spec.batch_size}, interleaved"))
        except (RuntimeError, MemoryError) as exc:
            raise DistillError(f"the measurement stopped: {first_line(exc)}") from exc
    for name, row in rows.items():
        row["b1_ms"], row["bn_ms"] = b1.get(name), bn.get(name)
    say(1.0, "done")
    return {"rows": list(rows.values()), "spec": spec.as_dict(), "machine": machine_info(), "seconds": time.perf_counter() - start,
            "when": time.time()}  # fmt: skip


def formats_job(spec: dict, *, home=None, on_event=None, cancel=None, artefact_dir=None) -> dict:
    """``formats_table`` as a job of the runner; spec is ``FormatsSpec.as_dict()``."""
    return formats_table(FormatsSpec(**spec), job_progress(on_event, cancel, "onnx"))


def load_formats_reference(folder: str | Path = REFERENCE_DIR) -> dict | None:
    """The shipped table (measured on the project's 2-core machine), if any."""
    import json

    try:
        data = json.loads((Path(folder) / ONNX_REFERENCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("rows"), list) else None


def size_claim_rows(table: dict, target_mb: float = SIZE_TARGET_MB) -> list[dict]:
    """Each trained model's smallest format under ``target_mb``, with the share of the teacher's fp32 accuracy it keeps."""
    rows = table["rows"]
    teacher = next((r["accuracy"] for r in rows if r["key"] == TEACHER_KEY and r["format"] == "torch fp32"), None)
    out = []
    for key in dict.fromkeys(r["key"] for r in rows):
        under = [r for r in rows if r["key"] == key and r["mb"] < target_mb]
        if not under:
            continue
        best = min(under, key=lambda r: r["mb"])
        kept = None if best["accuracy"] is None or not teacher else best["accuracy"] / teacher
        out.append({"model": best["model"], "format": best["format"], "mb": best["mb"], "accuracy": best["accuracy"], "kept": kept,
                    "layers": best.get("layers")})
    return out


def smallest_mb(table: dict, key: str) -> float | None:
    sizes = [r["mb"] for r in table["rows"] if r["key"] == key]
    return min(sizes) if sizes else None
