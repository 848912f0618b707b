"""The honest comparison: teacher vs the same student on hard labels vs the distilled student.

One call runs it all (the CLI and the live page both use it): fine-tune or reuse the teacher,
cache its logits, then for each seed train the student on hard labels and the distilled student on
the same architecture, evaluate all three on the test split and measure latency side by side.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import models as M
from ..data import TaskData, load_task
from ..evaluation import confusion, evaluate_logits
from ..latency import compare_latency
from ..losses import Intermediate, make_loss
from ..mappings import make_map
from ..teacher import TeacherConfig, get_teacher, save_student
from ..temperature import softmax_t
from ..training import EventFn, Progress, train
from .base import (
    EvalSet, ReportBase, TrainingRows, against_spread, cap_rows, check_cancel, emitter, eval_set, kept_layers, seed_loop, spread,
    student_source, train_config, training_rows,
)
from .specs import INITS, DistillSpec

__all__ = ["DistillSpec", "ModelResult", "DistillReport", "run_comparison", "student_source", "INITS", "STUDENTS"]

# The two students, by the keys stored in reports (results.baseline is in shipped references: the key
# stays "baseline"; what people see is display_name("baseline"), "student, hard labels").
STUDENTS = ("baseline", "distilled")


@dataclass
class ModelResult:
    name: str  # "teacher", "baseline", "distilled": stored keys; display_name() gives what is shown
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
class DistillReport(ReportBase):
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
                    "model": name,  # the stored key; formatting shows display_name(name)
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

    def _gain(self) -> tuple[float, float]:
        """(distilled minus hard-label accuracy, the seed spread it is judged against)."""
        b, d = self.results["baseline"], self.results["distilled"]
        return d.mean("accuracy") - b.mean("accuracy"), spread(d.std("accuracy"), b.std("accuracy"))

    def outcome(self) -> str:
        """"helped", "hurt" or "same": the distilled student against hard labels, judged against the seed spread."""
        return {1: "helped", -1: "hurt", 0: "same"}[against_spread(*self._gain())]

    def verdict(self) -> str:
        """A plain-language reading of the numbers, including when distillation did not help."""
        b, d, t = self.results["baseline"], self.results["distilled"], self.results["teacher"]
        gain, noise = self._gain()
        outcome = self.outcome()
        speed = 1.0 / self.latency_ratio if self.latency_ratio and not math.isnan(self.latency_ratio) else float("nan")
        parts = []
        if outcome == "helped":
            parts.append(
                f"Distillation helped: the distilled student scores {100 * d.mean('accuracy'):.1f}% vs "
                f"{100 * b.mean('accuracy'):.1f}% for the same student on hard labels (+{100 * gain:.1f} points, "
                f"more than the seed spread of {100 * noise:.1f})."
            )
        elif outcome == "hurt":
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
    emit = emitter(on_event)
    progress = Progress(on_event)
    task = task_data or load_task(spec.task, spec.data_file, spec.text_col, spec.label_col)
    notes = list(task.notes)
    train_df = cap_rows(task.train, spec.max_train, notes)
    transfer = task.transfer[: spec.transfer_size] if spec.use_transfer else []

    tcfg = TeacherConfig.for_task(spec.task if not spec.data_file else None, spec.teacher, spec.teacher_epochs, spec.teacher_lr, spec.max_length)
    teacher_units, infer_units, teacher_layers_guess = _plan(progress, spec, task, len(train_df) + len(transfer), tcfg.epochs, n_layers_known)
    teacher = get_teacher(task, tcfg, home, progress.forward(teacher_layers_guess * 3), cancel, allow_hub, allow_local)
    if teacher.cached:
        progress.plan(progress.total - teacher_units)
    n_teacher_layers = teacher.model.config.num_hidden_layers
    layers = kept_layers(spec.student_layers, n_teacher_layers)

    emit({"kind": "phase", "phase": "teacher logits", "message": "computing the teacher's soft targets (cached on disk)"})
    test = eval_set(teacher, task, spec.max_length, home)
    data = training_rows(teacher, task, train_df, transfer, spec.max_length, home)
    progress.add(infer_units)
    check_cancel(cancel, "cancelled after the teacher")
    if test.encoded.truncated:
        notes.append(f"{test.encoded.truncated} test text(s) were cut at {spec.max_length} tokens")

    results = {"teacher": _teacher_result(teacher.model, test)}
    intermediate = _intermediate(spec, teacher.model, layers, n_teacher_layers, notes)
    init_from = student_source(spec.init, spec.teacher, teacher.model, task.num_labels, allow_hub, allow_local)
    students = _train_students(spec, layers, init_from, data, test, intermediate, progress, emit, cancel)
    results.update({kind: s.result for kind, s in students.items()})
    student = students["distilled"].model
    latency_ms, ratio = _latency(spec, teacher.model, student, emit)

    report = DistillReport(
        spec=spec.as_dict() | {"student_layers": layers},
        task=task.summary() | {"transfer_used": len(transfer), "train_used": len(train_df)},
        label_names=task.label_names,
        results=results,
        latency_ms=latency_ms,
        latency_ratio=ratio,
        disagreements=_disagreements(test, students["distilled"].logits, task.label_names),
        teacher_cached=teacher.cached,
        seconds=time.perf_counter() - start,
        notes=notes,
    )
    if artefact_dir is not None:
        _save_student(student, teacher.tokenizer, report, Path(artefact_dir))
    progress.finish()
    return report


def _plan(progress: Progress, spec: DistillSpec, task: TaskData, n_distil: int, teacher_epochs: int,
          n_layers_known: int | None) -> tuple[float, float, int]:
    """Plan the work so progress and ETA span the whole run (student steps cost ~layers_s / layers_t).

    Returns (teacher fine-tuning units, teacher inference units, the teacher depth guessed).
    """
    n_student_layers_guess = len(spec.student_layers) if spec.student_layers else 3
    teacher_layers_guess = n_layers_known or 12
    per_seed = spec.epochs * (2 * n_distil) * n_student_layers_guess * 3  # both students, same steps; fwd+bwd ~ 3 forwards
    teacher_units = len(task.train) * teacher_epochs * teacher_layers_guess * 3
    infer_units = (n_distil + len(task.test)) * teacher_layers_guess
    progress.plan(per_seed * len(spec.seeds) + teacher_units + infer_units)
    return teacher_units, infer_units, teacher_layers_guess


def _teacher_result(teacher_model, test: EvalSet) -> ModelResult:
    metrics = evaluate_logits(test.teacher_logits, test.labels, test.num_labels)
    return ModelResult(
        "teacher",
        [metrics.as_dict() | {"agreement": 1.0}],
        M.count_parameters(teacher_model),
        M.serialized_size_mb(teacher_model),
        confusion(test.labels, test.teacher_logits.argmax(1), test.num_labels).tolist(),
    )


def _intermediate(spec: DistillSpec, teacher_model, layers: list[int], n_teacher_layers: int, notes: list[str]) -> Intermediate | None:
    """The distilled student's intermediate objectives, if the spec weighs any."""
    if not spec.objectives():
        return None
    layer_map = make_map(spec.layer_map, len(layers), n_teacher_layers, kept_layers=layers)
    notes.append(f"intermediate objectives {', '.join(spec.objectives())} with the {spec.layer_map} layer map; "
                 "teacher activations computed per batch (no grad), logits from the disk cache")
    return Intermediate(teacher=teacher_model, layer_map=layer_map, **spec.objectives())


@dataclass
class _Student:
    result: ModelResult
    model: object  # the first seed's student
    logits: np.ndarray  # (test rows, classes) of the first seed's student


def _train_students(spec: DistillSpec, layers: list[int], init_from, data: TrainingRows, test: EvalSet,
                    intermediate: Intermediate | None, progress: Progress, emit: EventFn, cancel) -> dict[str, _Student]:
    """Both students for every seed, seed-major; one ModelResult each, with the first seed's model kept."""
    runs: dict[str, list[dict]] = {kind: [] for kind in STUDENTS}
    seconds = {kind: 0.0 for kind in STUDENTS}
    first: dict[str, tuple[object, np.ndarray]] = {}
    student_units = len(layers) * 3
    same_steps = spec.epochs * math.ceil(len(data.enc_distil) / spec.batch_size)
    name = lambda seed, kind: f"{kind} seed {seed}"  # phases are stored with the run's curves: keys, not display names
    message = lambda seed, kind, phase: f"training the {'distilled student' if kind == 'distilled' else 'student on hard labels'} (seed {seed})"
    for seed, kind, phase in seed_loop(spec.seeds, list(STUDENTS), emit, phase_name=name, message=message):
        student = M.build_student(init_from, layers, init="random" if spec.init == "random" else "teacher", architecture=spec.architecture, seed=seed)
        cfg = train_config(spec, seed)
        on_event = progress.forward(student_units)
        if kind == "baseline":  # as many optimiser steps as the distilled student: a gain is not just more compute
            res = train(student, data.enc_labelled, data.labels, cfg, validation=data.validation, on_event=on_event,
                        cancel=cancel, phase=phase, max_steps=same_steps)
        else:
            loss = make_loss(data.teacher_distil, temperature=spec.temperature, alpha=spec.alpha, intermediate=intermediate)
            res = train(student, data.enc_distil, data.labels_distil, cfg, loss_fn=loss, validation=data.validation,
                        on_event=on_event, cancel=cancel, phase=phase)
        seconds[kind] += res.seconds
        logits, metrics = test.score(student)
        runs[kind].append(metrics | {"seed": seed, "examples_per_s": res.examples_per_s})
        emit({"kind": "result", "phase": phase, "model": kind, "seed": seed, **metrics})
        first.setdefault(kind, (student, logits))
    student = first["distilled"][0]  # both students share the architecture: one size for both
    params, size = M.count_parameters(student), M.serialized_size_mb(student)
    return {
        kind: _Student(ModelResult(kind, runs[kind], params, size, confusion(test.labels, first[kind][1].argmax(1), test.num_labels).tolist(),
                                   seconds[kind]), *first[kind])
        for kind in STUDENTS
    }


def _latency(spec: DistillSpec, teacher_model, student, emit: EventFn) -> tuple[dict[str, float], float]:
    """(batch-1 p50 per model, student / teacher), measured side by side; empty and NaN when the spec skips it."""
    if not spec.latency:
        return {}, float("nan")
    emit({"kind": "phase", "phase": "latency", "message": "measuring batch-1 latency, teacher and student side by side"})
    lat = compare_latency({"teacher": teacher_model, "student": student}, batch_size=1, seq_len=spec.max_length, iterations=40)
    latency_ms = {k: v.p50_ms for k, v in lat.items()}
    return latency_ms, latency_ms["student"] / latency_ms["teacher"]


def _disagreements(test: EvalSet, student_logits: np.ndarray, label_names: list[str], most: int = 200) -> list[dict]:
    """Test rows where the (first seed's) distilled student and the teacher differ, with the teacher's probabilities."""
    t_probs = softmax_t(test.teacher_logits, 1.0)
    s_pred = student_logits.argmax(1)
    return [
        {
            "text": test.texts[i],
            "label": label_names[test.labels[i]],
            "teacher": label_names[int(test.teacher_logits[i].argmax())],
            "student": label_names[int(s_pred[i])],
            "teacher_probs": {n: float(p) for n, p in zip(label_names, t_probs[i])},
        }
        for i in np.flatnonzero(s_pred != test.teacher_logits.argmax(1))[:most]
    ]


def _save_student(student, tokenizer, report: DistillReport, folder: Path) -> None:
    """The distilled student (first seed) as a Hugging Face folder with a short model card."""
    from ..formatting import model_card

    save_student(student, tokenizer, folder / "student", report.label_names, card=model_card(report))
