"""ONNX export of a teacher or a student, checked against PyTorch, and onnxruntime's dynamic INT8.

People deploy a distilled model on a CPU with ONNX and onnxruntime, not with PyTorch. This module
exports any sequence classifier with dynamic batch and sequence axes, checks the ONNX logits
against PyTorch's on a task's test split (largest absolute difference, argmax agreement), and
quantises it with ``onnxruntime.quantization.quantize_dynamic``.

Why the INT8 here is smaller than PyTorch's: ``torch.ao`` dynamic INT8 quantises ``nn.Linear``
only, so the word embeddings (30,522 rows) stay fp32. onnxruntime's dynamic mode quantises
``Gather`` too, i.e. the embedding tables, when ``op_types_to_quantize`` names it (its default,
``None``, takes every op of its IntegerOps registry, Gather included; naming the two ops says so).

The export uses torch's TorchScript exporter (``dynamo=False``): in torch 2.13 it still exists
(deprecated, with a warning), runs offline in about a second and needs no ``onnxscript``; the
dynamo exporter would.
"""

from __future__ import annotations

import os
import time
import warnings
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import SimpleNamespace

from ..errors import DistillError, first_line
from .measure import ProgressFn, job_progress

OPSET = 17
INPUTS = ("input_ids", "attention_mask")  # no token_type_ids: all zeros for one-sentence tasks, absent in DistilBERT
INT8_OPS = ["MatMul", "Gather"]  # Linear layers and the embedding tables
FP32_FILE, INT8_FILE = "model.onnx", "model-int8.onnx"
CHECK_ROWS = 300  # texts the logits are compared on when no task is given


@contextmanager
def _quiet():
    """The TorchScript exporter warns that it is deprecated and that tracing sees Python booleans; the
    check against PyTorch's logits is what tells whether the trace is right."""
    import logging

    root = logging.getLogger()  # quantize_dynamic advises pre-processing through the root logger
    level = root.level
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        root.setLevel(logging.ERROR)
        try:
            yield
        finally:
            root.setLevel(level)


def file_mb(path: str | Path) -> float:
    return os.path.getsize(path) / 1e6


def export_onnx(model, path: str | Path) -> Path:
    """One .onnx file (weights inside) with inputs (batch, seq) and logits (batch, classes), both axes dynamic."""
    import torch

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a padded row in the example: tracing follows the masked branch of the attention code
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 2307, 102, 0, 0, 0]], dtype=torch.long)
    ids = ids.clamp(max=model.config.vocab_size - 1)
    mask = (ids != 0).long()
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"}, "logits": {0: "batch"}}
    try:
        with _quiet(), torch.inference_mode():
            torch.onnx.export(model.eval(), (ids, mask), str(path), dynamo=False, input_names=list(INPUTS),
                              output_names=["logits"], dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    except OSError:
        raise
    except Exception as exc:
        raise DistillError(f"the ONNX export failed: {first_line(exc)}") from exc
    return path


def quantize_onnx(source: str | Path, target: str | Path) -> Path:
    """onnxruntime dynamic INT8: MatMul weights and Gather tables (the embeddings) in int8, activations on the fly."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    try:
        with _quiet():
            quantize_dynamic(str(source), str(target), op_types_to_quantize=INT8_OPS, weight_type=QuantType.QInt8)
    except OSError:
        raise
    except Exception as exc:
        raise DistillError(f"onnxruntime could not quantise {Path(source).name}: {first_line(exc)}") from exc
    return Path(target)


class OrtModel:
    """An onnxruntime session dressed as a Hugging Face classifier (``config.num_labels``, ``eval()``,
    ``model(input_ids=..., attention_mask=...).logits``), so the engine's predict and latency helpers take it."""

    def __init__(self, path: str | Path, num_labels: int, threads: int | None = None):
        import onnxruntime as ort
        import torch

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or torch.get_num_threads()  # as many as torch uses: a fair race
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # onnxruntime's threads spin after each run by default: interleaved with torch, they would steal its cores
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise DistillError(f"onnxruntime cannot load {Path(path).name}: {first_line(exc)}") from exc
        self.config = SimpleNamespace(num_labels=num_labels)
        self.path = Path(path)

    def eval(self) -> "OrtModel":
        return self

    def __call__(self, input_ids, attention_mask, **_) -> SimpleNamespace:
        import numpy as np
        import torch

        feed = {"input_ids": np.asarray(input_ids, dtype=np.int64), "attention_mask": np.asarray(attention_mask, dtype=np.int64)}
        return SimpleNamespace(logits=torch.from_numpy(self.session.run(["logits"], feed)[0]))


# ------------------------------------------------------------------ what is exported, and what it is checked on


def load_source(source: str, task=None):
    """(model, tokenizer, description) of ``bundled`` or a saved model folder. ``bundled`` with a task is the
    task's fine-tuned teacher (from the cache, or fine-tuned once); without one, MiniLM with a fresh 3-class head."""
    from .. import models as M
    from .int8 import _load_saved

    if source == M.BUNDLED:
        if task is None:
            model, tokenizer = M.load_teacher(M.BUNDLED, num_labels=3)
            return model.eval(), tokenizer, "bundled MiniLM (untrained 3-class head)"
        from ..teacher import TeacherConfig, get_teacher

        teacher = get_teacher(task, TeacherConfig.for_task(task.name))
        return teacher.model.eval(), teacher.tokenizer, f"the bundled MiniLM fine-tuned on {task.name}"
    folder = Path(source).expanduser()
    if not folder.is_dir():
        raise DistillError(f"no model folder at {source} (give a saved model folder, or 'bundled')")
    model, tokenizer = _load_saved(folder)
    return model, tokenizer, str(folder)


def prune_texts(data: str, text_col: str = "text") -> tuple[list[str], str]:
    """The texts a vocabulary is pruned on: a sample task's training split, or a CSV/TSV file's text column."""
    from ..data import SAMPLE_TASKS, load_sample_task, read_table

    if data in SAMPLE_TASKS:
        return load_sample_task(data).train["text"].tolist(), f"the training split of {data}"
    path = Path(data).expanduser()
    if not path.is_file():
        raise DistillError(f"--prune-vocab takes a sample task or a CSV/TSV file; '{data}' is neither")
    table = read_table(path)
    if text_col not in table.columns:
        raise DistillError(f"{path.name} has no '{text_col}' column to prune the vocabulary on (columns: {', '.join(map(str, table.columns))})")
    return table[text_col].astype(str).tolist(), path.name


@dataclass
class Variant:
    """One exported file, checked against the PyTorch fp32 model on the same texts."""

    name: str  # "ONNX fp32", "ONNX INT8", "pruned ONNX fp32", ...
    file: str
    mb: float
    max_abs_diff: float  # largest |logit_onnx - logit_torch| over the check texts
    agreement: float  # share of check texts with the same argmax as PyTorch fp32
    accuracy: float | None = None  # on the task's test split, when a task is given


@dataclass
class ExportReport:
    model: str
    task: str | None
    check: str  # what the logits were compared on
    check_rows: int
    torch_mb: float  # the PyTorch fp32 weights (state dict) for scale
    torch_accuracy: float | None
    variants: list[Variant] = field(default_factory=list)
    pruning: dict | None = None  # kept pieces, coverage of the test split
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        """The CLI's table: one line per variant."""
        acc = lambda a: "" if a is None else f"{100 * a:6.1f}%"  # noqa: E731
        out = [f"{self.model}: checked on {self.check_rows} texts ({self.check})",
               f"{'variant':22s} {'MB':>8s} {'max |diff|':>11s} {'agreement':>10s} {'accuracy':>9s}",
               f"{'PyTorch fp32':22s} {self.torch_mb:8.1f} {'':>11s} {'':>10s} {acc(self.torch_accuracy):>9s}"]
        for v in self.variants:
            out.append(f"{v.name:22s} {v.mb:8.1f} {v.max_abs_diff:11.2e} {100 * v.agreement:9.1f}% {acc(v.accuracy):>9s}")
        if self.pruning:
            p = self.pruning
            out.append(f"pruned vocabulary: {p['kept']:,} of {p['vocab']:,} pieces kept ({p['source']})")
            if p.get("coverage"):
                c = p["coverage"]
                out.append(f"  unseen text ({c['where']}): {100 * c['outside_share']:.1f}% of its pieces are outside the pruned "
                           f"vocabulary; {100 * c['touched_share']:.1f}% of its texts have at least one")
        return out


def _check_set(task) -> tuple[list[str], object, str]:
    """(texts, labels or None, description) the logits are compared on."""
    from ..data import load_general_text

    if task is not None:
        return task.test["text"].tolist(), task.test["label"].to_numpy(), f"test split of {task.name}"
    return load_general_text()[:CHECK_ROWS], None, "the app's general English text"


def _variant(name: str, path: Path, model, encoded, reference, labels) -> Variant:
    import numpy as np

    from ..evaluation import accuracy
    from ..training import predict_logits

    logits = predict_logits(OrtModel(path, model.config.num_labels), encoded)
    return Variant(
        name=name, file=str(path), mb=file_mb(path), max_abs_diff=float(np.abs(logits - reference).max()),
        agreement=float(np.mean(logits.argmax(1) == reference.argmax(1))),
        accuracy=None if labels is None else accuracy(labels, logits.argmax(1)),
    )  # fmt: skip


def _export_pruned(model, tokenizer, prune: tuple[list[str], str], out: Path, int8: bool, task, check, say) -> tuple[list[Variant], dict]:
    """The pruned variants (fp32, and INT8 when asked), checked with the pruned tokenizer on the same texts."""
    from ..data import encode
    from . import vocab_prune as VP

    texts, source = prune
    keep = VP.kept_ids(tokenizer, texts)
    say(0.75, f"pruning the vocabulary to {len(keep):,} pieces")
    pruned_tok = VP.prune_tokenizer(tokenizer, keep, out / "pruned")
    fp32 = export_onnx(VP.prune_model(model, keep), out / "pruned" / FP32_FILE)
    texts_check, reference, labels, max_length = check
    encoded = encode(pruned_tok, texts_check, max_length)
    variants = [_variant("pruned ONNX fp32", fp32, model, encoded, reference, labels)]
    if int8:
        variants.append(_variant("pruned ONNX INT8", quantize_onnx(fp32, out / "pruned" / INT8_FILE), model, encoded, reference, labels))
    info = {"kept": len(keep), "vocab": int(model.config.vocab_size), "source": source, "coverage": None}
    if task is not None:
        cov = VP.coverage(tokenizer, keep, task.test["text"].tolist())
        info["coverage"] = cov.as_dict() | {"where": f"test split of {task.name}"}
    return variants, info


def export_model(source: str, out: str | Path, *, int8: bool = False, prune_vocab: str | None = None, task: str | None = None,
                 max_length: int = 64, text_col: str = "text", progress: ProgressFn | None = None) -> ExportReport:  # fmt: skip
    """Export ``source`` (``bundled`` or a model folder) to ``out``, check every file against PyTorch, report.

    ``prune_vocab``: also export with the vocabulary cut to the pieces of this sample task's training
    split or this file's ``text_col``."""
    from .. import models as M
    from ..data import encode, load_task
    from ..evaluation import accuracy
    from ..training import predict_logits

    say = progress or (lambda fraction, message: None)
    start = time.perf_counter()
    data = load_task(task) if task else None
    prune = prune_texts(prune_vocab, text_col) if prune_vocab else None  # a bad file fails before minutes of work
    model, tokenizer, name = load_source(source, data)  # before any progress line: a bad folder is one line of output
    say(0.05, "loaded " + name)
    if data is not None and model.config.num_labels != data.num_labels:
        raise DistillError(f"the model predicts {model.config.num_labels} classes but task '{data.name}' has {data.num_labels}")
    out = Path(out).expanduser()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DistillError(f"cannot write to {out}: {exc.strerror}") from exc
    texts, labels, check = _check_set(data)
    encoded = encode(tokenizer, texts, max_length)
    say(0.1, "PyTorch logits on the check texts")
    reference = predict_logits(model, encoded)
    report = ExportReport(model=name, task=data.name if data else None, check=check, check_rows=len(encoded),
                          torch_mb=M.serialized_size_mb(model), torch_accuracy=None if labels is None else accuracy(labels, reference.argmax(1)))
    say(0.2, "exporting to ONNX")
    tokenizer.save_pretrained(out)  # beside the .onnx files: what onnxruntime needs to tokenise
    fp32 = export_onnx(model, out / FP32_FILE)
    say(0.35, "checking ONNX fp32 against PyTorch")
    report.variants.append(_variant("ONNX fp32", fp32, model, encoded, reference, labels))
    if int8:
        say(0.5, "quantising with onnxruntime (MatMul and Gather in int8)")
        report.variants.append(_variant("ONNX INT8", quantize_onnx(fp32, out / INT8_FILE), model, encoded, reference, labels))
    if prune:
        variants, report.pruning = _export_pruned(model, tokenizer, prune, out, int8, data, (texts, reference, labels, max_length), say)
        report.variants += variants
    report.seconds = time.perf_counter() - start
    say(1.0, "done")
    return report


def export_job(spec: dict, *, home=None, on_event=None, cancel=None, artefact_dir=None) -> dict:
    """``export_model`` as a job of the runner; spec: {"folder", "out", "task", "int8"}. Returns the report as a dict."""
    report = export_model(spec["folder"], spec["out"], int8=spec.get("int8", True), task=spec.get("task"),
                          max_length=int(spec.get("max_length", 64)), progress=job_progress(on_event, cancel, "export"))
    return report.as_dict()


def onnxruntime_snippet(onnx_file: str, tokenizer_json: str, label_names: list[str] | None = None) -> str:
    """Python that runs an exported file with onnxruntime and the ``tokenizers`` package alone (no torch, no transformers)."""
    names = repr(list(label_names)) if label_names else None
    return f'''import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

tokenizer = Tokenizer.from_file("{tokenizer_json}")
tokenizer.enable_truncation(64)
tokenizer.enable_padding()  # pads with [PAD], id 0, to the longest text of the batch
session = ort.InferenceSession("{onnx_file}", providers=["CPUExecutionProvider"])

texts = ["great screen, fast delivery", "it broke after two days"]
batch = tokenizer.encode_batch(texts)
feed = {{"input_ids": np.array([e.ids for e in batch], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in batch], dtype=np.int64)}}
logits = session.run(["logits"], feed)[0]  # (batch, classes)
labels = {names}
print([labels[i] if labels else int(i) for i in logits.argmax(1)])
'''
