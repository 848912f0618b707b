"""The honest comparison: teacher vs the same student on hard labels vs the distilled student.

One call runs it all (the CLI and the live page both use it): fine-tune or reuse the teacher,
cache its logits, then for each seed train the baseline and the distilled student on the same
student architecture, evaluate all three on the test split and measure latency side by side.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .. import models as M
from ..latency import compare_latency
from ..data import TaskData, encode, load_task
from ..errors import DistillError
from ..evaluation import confusion, evaluate_logits
from ..losses import IGNORE_LABEL
from ..temperature import softmax_t
from ..errors import Cancelled
from ..teacher import TeacherConfig, cached_teacher_logits, get_teacher, save_student
from ..training import (
    EventFn, Progress, TrainConfig, predict_logits, train,
)


INITS = ("pretrained", "finetuned", "random")


def student_source(spec_init: str, teacher_source: str, fine_tuned, num_labels: int, allow_hub: bool = True, allow_local: bool = True):
    """The model whose layers a student copies: the teacher before or after fine-tuning."""
    if spec_init == "finetuned":
        return fine_tuned
    model, _ = M.load_teacher(teacher_source, num_labels, allow_hub=allow_hub, allow_local=allow_local)
    return model.eval()


@dataclass
class DistillSpec:
    """Everything that defines a run; saved with it, so a run can be reproduced from its row."""

    task: str | None = "sentiment"  # a sample task, or None with data_file
    data_file: str | None = None
    text_col: str = "text"
    label_col: str = "label"
    teacher: str = M.BUNDLED  # "bundled", a folder, a hub id, or "tiny" for tests
    teacher_epochs: int | None = None  # None: the sample task's recipe (5 for uploads)
    teacher_lr: float | None = None  # None: the sample task's recipe (1e-4 for uploads)
    student_layers: list[int] | None = None  # None: one teacher layer in two
    # "pretrained": copy the kept layers of the teacher before fine-tuning (DistilBERT's recipe; the
    # hard-label baseline then never sees the teacher); "finetuned": copy them from the fine-tuned
    # teacher (both students inherit its task knowledge); "random": fresh weights
    init: str = "pretrained"
    architecture: str = "bert"  # "bert" (truncated BERT) or "distilbert"
    temperature: float = 4.0
    alpha: float = 0.5  # weight of the hard labels
    epochs: int = 3
    learning_rate: float = 1e-4
    batch_size: int = 32
    max_length: int = 64
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2])
    max_train: int | None = None  # cap on labelled training rows (None: all)
    use_transfer: bool = True  # add the task's unlabelled pool, labelled by the teacher's soft targets
    transfer_size: int | None = None  # cap on transfer rows (None: all)
    latency: bool = True
    # intermediate objectives for the distilled student, weight per term (0 = off)
    hidden_mse: float = 0.0  # FitNets / TinyBERT hidden states
    attention: float = 0.0  # TinyBERT attention maps
    pkd: float = 0.0  # Patient KD, normalised [CLS]
    cosine: float = 0.0  # DistilBERT cosine on hidden states
    layer_map: str = "distilbert"  # which teacher layer each student layer is matched to (mappings.STRATEGIES)

    def validate(self) -> None:
        if not 0.0 <= self.alpha <= 1.0:
            raise DistillError(f"alpha must lie in [0, 1], got {self.alpha}")
        if not 0.05 <= self.temperature <= 100:
            raise DistillError(f"temperature must lie in [0.05, 100], got {self.temperature}")
        if not 1 <= self.epochs <= 50:
            raise DistillError(f"epochs must lie in 1..50, got {self.epochs}")
        if not self.seeds or len(self.seeds) > 10:
            raise DistillError("give 1 to 10 seeds")
        if not 1e-6 <= self.learning_rate <= 1e-2:
            raise DistillError(f"learning rate {self.learning_rate} is outside 1e-6..1e-2")
        if self.max_train is not None and self.max_train < 10:
            raise DistillError("keep at least 10 training rows")
        if self.init == "teacher":  # the name used before "finetuned" and "pretrained" were told apart
            self.init = "finetuned"
        if self.init not in INITS:
            raise DistillError(f"init must be one of {', '.join(INITS)}, got '{self.init}'")
        if any(w < 0 or w > 1000 for w in (self.hidden_mse, self.attention, self.pkd, self.cosine)):
            raise DistillError("objective weights must lie in [0, 1000]")

    def objectives(self) -> dict[str, float]:
        return {k: v for k, v in (("hidden_mse", self.hidden_mse), ("attention", self.attention), ("pkd", self.pkd), ("cosine", self.cosine)) if v > 0}

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ModelResult:
    name: str  # "teacher", "baseline", "distilled"
    per_seed: list[dict]  # Metrics.as_dict() for each seed (one entry for the teacher)
    parameters: int
    size_mb: float
    confusion: list[list[int]]  # of the first seed
    train_seconds: float = 0.0

    def mean(self, metric: str) -> float:
        vals = [m[metric] for m in self.per_seed if m.get(metric) is not None]
        return float(np.mean(vals)) if vals else float("nan")

    def std(self, metric: str) -> float:
        vals = [m[metric] for m in self.per_seed if m.get(metric) is not None]
        return float(np.std(vals, ddof=1)) if len(vals) > 1 else 0.0


@dataclass
class DistillReport:
    spec: dict
    task: dict
    label_names: list[str]
    results: dict[str, ModelResult]
    latency_ms: dict[str, float]  # batch-1 p50, measured side by side
    latency_ratio: float  # student / teacher
    disagreements: list[dict]  # test rows where the distilled student and the teacher differ
    teacher_cached: bool
    seconds: float
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "DistillReport":
        """Back from the run store's JSON."""
        fields = dict(d)
        fields["results"] = {k: ModelResult(**v) for k, v in d["results"].items()}
        return cls(**fields)

    def table(self) -> list[dict]:
        """One row per model, as the CLI prints and the page shows it."""
        rows = []
        for name, r in self.results.items():
            rows.append(
                {
                    "model": name,
                    "accuracy": r.mean("accuracy"),
                    "accuracy_std": r.std("accuracy"),
                    "macro_f1": r.mean("macro_f1"),
                    "macro_f1_std": r.std("macro_f1"),
                    "agreement": r.mean("agreement"),
                    "ece": r.mean("ece"),
                    "parameters": r.parameters,
                    "size_mb": r.size_mb,
                    "latency_ms": self.latency_ms.get("student" if name != "teacher" else "teacher", float("nan")),
                    "latency_ratio": 1.0 if name == "teacher" else self.latency_ratio,
                    "seeds": len(r.per_seed),
                }
            )
        return rows

    def outcome(self) -> str:
        """"helped", "hurt" or "same": the distilled student against hard labels, judged against the seed spread."""
        b, d = self.results["baseline"], self.results["distilled"]
        gain = d.mean("accuracy") - b.mean("accuracy")
        noise = max(d.std("accuracy"), b.std("accuracy"), 0.005)
        return "helped" if gain > noise else "hurt" if gain < -noise else "same"

    def verdict(self) -> str:
        """A plain-language reading of the numbers, including when distillation did not help."""
        b, d, t = self.results["baseline"], self.results["distilled"], self.results["teacher"]
        gain = d.mean("accuracy") - b.mean("accuracy")
        noise = max(d.std("accuracy"), b.std("accuracy"), 0.005)
        speed = 1.0 / self.latency_ratio if self.latency_ratio and not math.isnan(self.latency_ratio) else float("nan")
        parts = []
        if gain > noise:
            parts.append(
                f"Distillation helped: the distilled student scores {100 * d.mean('accuracy'):.1f}% vs "
                f"{100 * b.mean('accuracy'):.1f}% for the same student on hard labels (+{100 * gain:.1f} points, "
                f"more than the seed spread of {100 * noise:.1f})."
            )
        elif gain < -noise:
            parts.append(
                f"Distillation did not help here: the student trained on hard labels alone scores "
                f"{100 * b.mean('accuracy'):.1f}% vs {100 * d.mean('accuracy'):.1f}% distilled. Try a lower "
                f"temperature, a higher alpha, or more epochs; on easy tasks hard labels can be enough."
            )
        else:
            parts.append(
                f"Distillation made no clear difference: {100 * d.mean('accuracy'):.1f}% distilled vs "
                f"{100 * b.mean('accuracy'):.1f}% on hard labels, within the seed spread ({100 * noise:.1f} points)."
            )
        if len(d.per_seed) < 2:
            parts.append("With one seed there is no spread to judge this against: a second seed can move a student by a few "
                         "points, so run Workshop or Thorough before concluding.")
        retention = d.mean("accuracy") / t.mean("accuracy") if t.mean("accuracy") else float("nan")
        parts.append(
            f"It keeps {100 * retention:.0f}% of the teacher's accuracy with "
            f"{100 * d.parameters / t.parameters:.0f}% of its parameters"
            + (f", and runs {speed:.1f}x faster at batch 1 on this machine." if not math.isnan(speed) else ".")
        )
        return " ".join(parts)


def run_comparison(
    spec: DistillSpec,
    home: Path | None = None,
    on_event: EventFn | None = None,
    cancel: threading.Event | None = None,
    artefact_dir: Path | None = None,
    allow_hub: bool = True,
    allow_local: bool = True,
    task_data: TaskData | None = None,
) -> DistillReport:
    """Run the comparison of ``spec``; ``task_data`` replaces the spec's task (benchmarks on other data)."""
    spec.validate()
    n_layers_known = M.teacher_layer_count(spec.teacher)
    if spec.student_layers is not None and n_layers_known:
        M.check_layers(spec.student_layers, n_layers_known)  # fail before minutes of fine-tuning
    start = time.perf_counter()
    emit = on_event or (lambda e: None)
    progress = Progress(on_event)
    task = task_data or load_task(spec.task, spec.data_file, spec.text_col, spec.label_col)
    notes = list(task.notes)
    train_df = task.train
    if spec.max_train and len(train_df) > spec.max_train:
        train_df = train_df.sample(n=spec.max_train, random_state=0).reset_index(drop=True)
        notes.append(f"training rows capped at {spec.max_train} of {len(task.train)}")
    transfer = task.transfer[: spec.transfer_size] if spec.use_transfer else []

    tcfg = TeacherConfig.for_task(spec.task if not spec.data_file else None, spec.teacher, spec.teacher_epochs, spec.teacher_lr, spec.max_length)
    # Plan the work so progress and ETA span the whole run (student steps cost ~layers_s / layers_t).
    n_student_layers_guess = len(spec.student_layers) if spec.student_layers else 3
    teacher_layers_guess = n_layers_known or 12
    n_distil = len(train_df) + len(transfer)
    per_seed = spec.epochs * (2 * n_distil) * n_student_layers_guess * 3  # both students, same steps; fwd+bwd ~ 3 forwards
    teacher_units = len(task.train) * tcfg.epochs * teacher_layers_guess * 3
    infer_units = (n_distil + len(task.test)) * teacher_layers_guess
    progress.plan(per_seed * len(spec.seeds) + teacher_units + infer_units)

    teacher = get_teacher(task, tcfg, home, progress.forward(teacher_layers_guess * 3), cancel, allow_hub, allow_local)
    if teacher.cached:
        progress.plan(progress.total - teacher_units)
    tok = teacher.tokenizer
    n_teacher_layers = teacher.model.config.num_hidden_layers
    layers = M.check_layers(spec.student_layers if spec.student_layers is not None else M.every_other_layer(n_teacher_layers), n_teacher_layers)

    emit({"kind": "phase", "phase": "teacher logits", "message": "computing the teacher's soft targets (cached on disk)"})
    test_texts = task.test["text"].tolist()
    test_labels = task.test["label"].to_numpy()
    teacher_test = cached_teacher_logits(teacher, test_texts, spec.max_length, home)
    distil_texts = train_df["text"].tolist() + list(transfer)
    teacher_train = cached_teacher_logits(teacher, distil_texts, spec.max_length, home)
    progress.add(infer_units)
    if cancel is not None and cancel.is_set():
        raise Cancelled("cancelled after the teacher")

    enc_train = encode(tok, train_df["text"].tolist(), spec.max_length)
    enc_distil = encode(tok, distil_texts, spec.max_length)
    enc_test = encode(tok, test_texts, spec.max_length)
    enc_val = encode(tok, task.validation["text"].tolist(), spec.max_length)
    val = (enc_val, task.validation["label"].to_numpy())
    labels_train = train_df["label"].to_numpy()
    labels_distil = np.concatenate([labels_train, np.full(len(transfer), IGNORE_LABEL)])
    if enc_test.truncated:
        notes.append(f"{enc_test.truncated} test text(s) were cut at {spec.max_length} tokens")

    teacher_metrics = evaluate_logits(teacher_test, test_labels, task.num_labels)
    results = {
        "teacher": ModelResult(
            "teacher",
            [teacher_metrics.as_dict() | {"agreement": 1.0}],
            M.count_parameters(teacher.model),
            M.serialized_size_mb(teacher.model),
            confusion(test_labels, teacher_test.argmax(1), task.num_labels).tolist(),
        )
    }
    intermediate = None
    if spec.objectives():
        from ..mappings import make_map
        from ..training import Intermediate

        layer_map = make_map(spec.layer_map, len(layers), n_teacher_layers, kept_layers=layers)
        intermediate = Intermediate(teacher=teacher.model, layer_map=layer_map, **spec.objectives())
        notes.append(f"intermediate objectives {', '.join(spec.objectives())} with the {spec.layer_map} layer map; "
                     "teacher activations computed per batch (no grad), logits from the disk cache")
    init_from = student_source(spec.init, spec.teacher, teacher.model, task.num_labels, allow_hub, allow_local)
    runs: dict[str, list[dict]] = {"baseline": [], "distilled": []}
    seconds = {"baseline": 0.0, "distilled": 0.0}
    first_models: dict[str, object] = {}
    first_logits: dict[str, np.ndarray] = {}
    student_units = len(layers) * 3
    same_steps = spec.epochs * math.ceil(len(enc_distil) / spec.batch_size)
    for seed in spec.seeds:
        for kind in ("baseline", "distilled"):
            student = M.build_student(init_from, layers, init="random" if spec.init == "random" else "teacher", architecture=spec.architecture, seed=seed)
            cfg = TrainConfig(
                epochs=spec.epochs,
                learning_rate=spec.learning_rate,
                batch_size=spec.batch_size,
                max_length=spec.max_length,
                seed=seed,
                temperature=spec.temperature,
                alpha=spec.alpha,
            )
            phase = f"{kind} seed {seed}"
            emit({"kind": "phase", "phase": phase, "message": f"training the {'distilled' if kind == 'distilled' else 'hard-label'} student (seed {seed})"})
            if kind == "baseline":  # as many optimiser steps as the distilled student: a gain is not just more compute
                res = train(student, enc_train, labels_train, cfg, validation=val, on_event=progress.forward(student_units),
                            cancel=cancel, phase=phase, max_steps=same_steps)
            else:
                res = train(
                    student, enc_distil, labels_distil, cfg, teacher_logits=teacher_train, validation=val,
                    on_event=progress.forward(student_units), cancel=cancel, phase=phase, intermediate=intermediate,
                )
            seconds[kind] += res.seconds
            logits = predict_logits(student, enc_test)
            metrics = evaluate_logits(logits, test_labels, task.num_labels, teacher_logits=teacher_test)
            runs[kind].append(metrics.as_dict() | {"seed": seed, "examples_per_s": res.examples_per_s})
            emit({"kind": "result", "phase": phase, "model": kind, "seed": seed, **metrics.as_dict()})
            if kind not in first_models:
                first_models[kind], first_logits[kind] = student, logits

    student = first_models["distilled"]
    student_params = M.count_parameters(student)
    student_size = M.serialized_size_mb(student)
    for kind in ("baseline", "distilled"):
        results[kind] = ModelResult(
            kind, runs[kind], student_params, student_size,
            confusion(test_labels, first_logits[kind].argmax(1), task.num_labels).tolist(), seconds[kind],
        )

    latency_ms: dict[str, float] = {}
    ratio = float("nan")
    if spec.latency:
        emit({"kind": "phase", "phase": "latency", "message": "measuring batch-1 latency, teacher and student side by side"})
        lat = compare_latency({"teacher": teacher.model, "student": student}, batch_size=1, seq_len=spec.max_length, iterations=40)
        latency_ms = {k: v.p50_ms for k, v in lat.items()}
        ratio = latency_ms["student"] / latency_ms["teacher"]

    t_probs = softmax_t(teacher_test, 1.0)
    s_pred = first_logits["distilled"].argmax(1)
    disagreements = []
    for i in np.flatnonzero(s_pred != teacher_test.argmax(1))[:200]:
        disagreements.append(
            {
                "text": test_texts[i],
                "label": task.label_names[test_labels[i]],
                "teacher": task.label_names[int(teacher_test[i].argmax())],
                "student": task.label_names[int(s_pred[i])],
                "teacher_probs": {n: float(p) for n, p in zip(task.label_names, t_probs[i])},
            }
        )

    report = DistillReport(
        spec=spec.as_dict() | {"student_layers": layers},
        task=task.summary() | {"transfer_used": len(transfer), "train_used": len(train_df)},
        label_names=task.label_names,
        results=results,
        latency_ms=latency_ms,
        latency_ratio=ratio,
        disagreements=disagreements,
        teacher_cached=teacher.cached,
        seconds=time.perf_counter() - start,
        notes=notes,
    )
    if artefact_dir is not None:
        _save_student(student, tok, report, Path(artefact_dir))
    progress.finish()
    return report


def _save_student(student, tokenizer, report: DistillReport, folder: Path) -> None:
    """The distilled student (first seed) as a Hugging Face folder with a short model card."""
    from ..formatting import model_card

    save_student(student, tokenizer, folder / "student", report.label_names, card=model_card(report))
