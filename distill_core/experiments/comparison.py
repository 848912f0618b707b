"""The honest comparison: teacher vs the same student on hard labels, on the teacher's labels, and distilled.

One call runs it all (the CLI and the live page both use it): fine-tune or reuse the teacher,
cache its logits, then for each seed train the same student architecture on hard labels, on the
teacher's argmax labels of the transfer rows (pseudo-labels, only with a transfer set) and on the
teacher's soft targets, all for the same optimiser steps; evaluate them on the test split and
measure latency side by side. The pseudo-label student separates what the teacher-labelled extra
text gives from what the soft targets add on top of it.
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
from ..device import spec_device
from ..evaluation import confusion, evaluate_logits
from ..latency import compare_latency
from ..losses import IGNORE_LABEL, Intermediate, make_loss
from ..mappings import make_map
from ..teacher import TeacherConfig, get_teacher, save_student
from ..temperature import softmax_t
from ..training import EventFn, Progress, train
from ..word_student import word_student_builder
from .base import (
    EvalSet, ReportBase, TrainingRows, against_spread, cap_rows, check_cancel, emitter, eval_set, kept_layers, seed_loop, spread,
    student_source, train_config, training_rows,
)
from .specs import INITS, DistillSpec

__all__ = ["DistillSpec", "ModelResult", "DistillReport", "run_comparison", "student_source", "INITS", "STUDENTS"]

# The students, by the keys stored in reports, in training order (results.baseline is in shipped references:
# the key stays "baseline"; what people see is display_name("baseline"), "student, hard labels"). "pseudo"
# trains only with transfer rows, and reports from before it have none: readers take it as optional.
STUDENTS = ("baseline", "pseudo", "distilled")
TRAINING = {"baseline": "student on hard labels", "pseudo": "student on the teacher's argmax labels", "distilled": "distilled student"}
SPREAD_WORDS = {1: "beyond the spread", -1: "a loss beyond the spread", 0: "within the spread"}


@dataclass
class ModelResult:
    name: str  # "teacher", "baseline", "pseudo", "distilled": stored keys; display_name() gives what is shown
    per_seed: list[dict]  # Metrics.as_dict() (+ seed, steps) for each seed (one entry for the teacher)
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
    latency_device: str = "cpu"  # where latency_ms was measured (device.describe); reports from before devices: the CPU

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

    def attribution(self) -> dict[str, tuple[float, float]] | None:
        """Where the gain over hard labels comes from, each as (accuracy gain, the seed spread it is judged against):
        "transfer", the teacher-labelled extra text (its argmax labels over hard labels alone), and "soft", the soft
        targets over those argmax labels. None without a pseudo-label student (no transfer rows, or an older report)."""
        if "pseudo" not in self.results:
            return None
        b, p, d = (self.results[k] for k in ("baseline", "pseudo", "distilled"))
        step = lambda hi, lo: (hi.mean("accuracy") - lo.mean("accuracy"), spread(hi.std("accuracy"), lo.std("accuracy")))
        return {"transfer": step(p, b), "soft": step(d, p)}

    def attribution_line(self) -> str:
        """"teacher-labelled extra text: +4.1 points, beyond the spread (1.0); soft targets over that: +0.6, within the
        spread (0.8)", or "" without a pseudo-label student."""
        parts = self.attribution()
        if parts is None:
            return ""
        return f"teacher-labelled extra text: {self._said(*parts['transfer'])}; soft targets over that: {self._said(*parts['soft'])}"

    def _one_seed(self) -> bool:
        return len(self.results["distilled"].per_seed) < 2

    def _said(self, gain: float, noise: float, over: str = "") -> str:
        """"+4.1 points{over}, beyond the spread (1.0)"; with one seed only the gain, as there is no spread to judge it by."""
        if self._one_seed():
            return f"{100 * gain:+.1f} points{over} (one seed)"
        return f"{100 * gain:+.1f} points{over}, {SPREAD_WORDS[against_spread(gain, noise)]} ({100 * noise:.1f})"

    def _gain(self) -> tuple[float, float]:
        """(what the soft targets added, the seed spread it is judged against): over the same student on the teacher's
        argmax labels of the same rows when there is one, else over hard labels."""
        parts = self.attribution()
        if parts is not None:
            return parts["soft"]
        b, d = self.results["baseline"], self.results["distilled"]
        return d.mean("accuracy") - b.mean("accuracy"), spread(d.std("accuracy"), b.std("accuracy"))

    def outcome(self) -> str:
        """"helped", "hurt" or "same": the soft targets against the teacher's argmax labels (or, without those, against
        hard labels), judged against the seed spread. Only "helped" credits distillation."""
        return {1: "helped", -1: "hurt", 0: "same"}[against_spread(*self._gain())]

    def verdict(self) -> str:
        """A plain-language reading of the numbers, including when distillation did not help, with the gain credited
        to what caused it: the teacher-labelled extra text, or the soft targets on top of it."""
        b, d, t = self.results["baseline"], self.results["distilled"], self.results["teacher"]
        ref = self.results.get("pseudo", b)
        gain, noise = self._gain()
        outcome = self.outcome()
        pct = lambda r: f"{100 * r.mean('accuracy'):.1f}%"
        speed = 1.0 / self.latency_ratio if self.latency_ratio and not math.isnan(self.latency_ratio) else float("nan")
        on_ref = "on the teacher's argmax labels" if ref is not b else "on hard labels"
        parts = []
        if outcome == "helped":
            parts.append(f"Distillation helped: the distilled student scores {pct(d)} vs {pct(ref)} for the same student {on_ref} "
                         f"(+{100 * gain:.1f} points, more than the seed spread of {100 * noise:.1f}).")
        elif outcome == "hurt":
            who = "the same student on the teacher's argmax labels" if ref is not b else "the student trained on hard labels alone"
            parts.append(f"Distillation did not help here: {who} scores {pct(ref)} vs {pct(d)} distilled. Try a lower "
                         "temperature, a higher alpha, or more epochs; on easy tasks hard labels can be enough.")
        elif ref is not b:  # the gain over hard labels comes first: it is what a room sees in the table
            over_hard = d.mean("accuracy") - b.mean("accuracy")
            parts.append(f"The distilled student scores {pct(d)} against {pct(b)} for the same student on hard labels alone "
                         f"({100 * over_hard:+.1f} points).")  # the credit sentence says where those points come from
        else:
            parts.append(f"Distillation made no clear difference: {pct(d)} distilled vs {pct(ref)} {on_ref}, "
                         f"within the seed spread ({100 * noise:.1f} points).")
        parts.append(self._credit(b))
        if self._one_seed():
            parts.append("With one seed there is no spread to judge this against: a second seed can move a student by a few "
                         "points, so run Workshop or Thorough before concluding.")
        retention = d.mean("accuracy") / t.mean("accuracy") if t.mean("accuracy") else float("nan")
        parts.append(
            f"It keeps {100 * retention:.0f}% of the teacher's accuracy with "
            f"{100 * d.parameters / t.parameters:.0f}% of its parameters"
            + (f", and runs {speed:.1f}x faster at batch 1 on this machine." if not math.isnan(speed) else ".")
        )
        return " ".join(p for p in parts if p)

    def _credit(self, baseline: ModelResult) -> str:
        """The sentence that credits the gain over hard labels to the extra text or to the soft targets ("" when the
        report cannot tell)."""
        parts = self.attribution()
        if parts is not None:
            if not self._one_seed() and against_spread(*parts["transfer"]) == 1 and against_spread(*parts["soft"]) != 1:
                pseudo = 100 * self.results["pseudo"].mean("accuracy")
                return (f"Credit the teacher-labelled extra text, not the soft targets. On the teacher's top-class labels "
                        f"of that text, the same student scores {pseudo:.1f}%: {self._said(*parts['transfer'], ' over hard labels')}. "
                        f"The soft targets add {self._said(*parts['soft'], ' over those labels')}.")
            return f"Over hard labels ({100 * baseline.mean('accuracy'):.1f}%), {self.attribution_line()}."
        if self.task.get("transfer_used") == 0:
            return ("No transfer set: every student saw the same labelled rows, so there is no teacher-labelled extra text "
                    "to separate from the soft targets.")
        if self.task.get("transfer_used"):
            return ("This run has no student on the teacher's argmax labels (it predates them), so its gain mixes the "
                    "teacher-labelled extra text with the soft targets.")
        return ""


@spec_device  # the whole run (teacher, students, latency) on spec.device
def run_comparison(
    spec: DistillSpec,
    home: Path | None = None,
    on_event: EventFn | None = None,
    cancel: threading.Event | None = None,
    artefact_dir: Path | None = None,
    allow_hub: bool | None = None,
    allow_local: bool | None = None,
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
    task = task_data or load_task(spec.task, spec.data_file, spec.text_col, spec.label_col, spec.transfer_file)
    notes = list(task.notes)
    train_df = cap_rows(task.train, spec.max_train, notes, spec.labels_per_class)
    transfer = task.transfer[: spec.transfer_size] if spec.use_transfer else []

    tcfg = TeacherConfig.for_task(spec.task if not spec.data_file else None, spec.teacher, spec.teacher_epochs, spec.teacher_lr, spec.max_length)
    # the pseudo-label student needs transfer rows: without them there is no teacher-labelled extra text to attribute
    kinds = [k for k in STUDENTS if k != "pseudo" or transfer]
    if not transfer:
        notes.append("no transfer rows: every student sees the same labelled rows, so the student on the teacher's "
                     "argmax labels (which separates extra text from soft targets) is skipped")
    teacher_units, infer_units, teacher_layers_guess = _plan(progress, spec, task, len(train_df) + len(transfer), tcfg.epochs,
                                                             n_layers_known, len(kinds))
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
    students = _train_students(spec, kinds, layers, init_from, data, test, intermediate, progress, emit, cancel)
    results.update({kind: s.result for kind, s in students.items()})
    student = students["distilled"].model
    latency_ms, ratio, latency_device = _latency(spec, teacher.model, student, emit)

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
        latency_device=latency_device,
    )
    if artefact_dir is not None:
        _save_student(student, teacher.tokenizer, report, Path(artefact_dir))
    progress.finish()
    return report


def _plan(progress: Progress, spec: DistillSpec, task: TaskData, n_distil: int, teacher_epochs: int,
          n_layers_known: int | None, n_students: int) -> tuple[float, float, int]:
    """Plan the work so progress and ETA span the whole run (student steps cost ~layers_s / layers_t).

    Returns (teacher fine-tuning units, teacher inference units, the teacher depth guessed).
    """
    n_student_layers_guess = len(spec.student_layers) if spec.student_layers else 3
    teacher_layers_guess = n_layers_known or 12
    per_seed = spec.epochs * (n_students * n_distil) * n_student_layers_guess * 3  # every student, same steps; fwd+bwd ~ 3 forwards
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


def _train_students(spec: DistillSpec, kinds: list[str], layers: list[int], init_from, data: TrainingRows, test: EvalSet,
                    intermediate: Intermediate | None, progress: Progress, emit: EventFn, cancel) -> dict[str, _Student]:
    """Every student of ``kinds`` for every seed, seed-major; one ModelResult each, with the first seed's model kept."""
    runs: dict[str, list[dict]] = {kind: [] for kind in kinds}
    seconds = {kind: 0.0 for kind in kinds}
    first: dict[str, tuple[object, np.ndarray]] = {}
    student_units = len(layers) * 3
    # student_kind bilstm / cnn: Tang et al. (2019)'s word-embedding student over the task's wordpieces (None: transformer)
    word_student = word_student_builder(spec, init_from, [data.enc_distil, data.validation[0], test.encoded], test.num_labels)
    same_steps = spec.epochs * math.ceil(len(data.enc_distil) / spec.batch_size)
    name = lambda seed, kind: f"{kind} seed {seed}"  # phases are stored with the run's curves: keys, not display names
    message = lambda seed, kind, phase: f"training the {TRAINING[kind]} (seed {seed})"
    for seed, kind, phase in seed_loop(spec.seeds, kinds, emit, phase_name=name, message=message):
        student = word_student(seed) if word_student else M.build_student(init_from, layers, init="random" if spec.init == "random" else "teacher", architecture=spec.architecture, seed=seed)
        res = _fit(kind, student, spec, data, intermediate, train_config(spec, seed), same_steps,
                   validation=data.validation, on_event=progress.forward(student_units), cancel=cancel, phase=phase)
        seconds[kind] += res.seconds
        logits, metrics = test.score(student)
        steps = sum(e["kind"] == "step" for e in res.history)
        runs[kind].append(metrics | {"seed": seed, "examples_per_s": res.examples_per_s, "steps": steps})
        emit({"kind": "result", "phase": phase, "model": kind, "seed": seed, **metrics})
        first.setdefault(kind, (student, logits))
    student = first["distilled"][0]  # the students share the architecture: one size for all
    params, size = M.count_parameters(student), M.serialized_size_mb(student)
    return {
        kind: _Student(ModelResult(kind, runs[kind], params, size, confusion(test.labels, first[kind][1].argmax(1), test.num_labels).tolist(),
                                   seconds[kind]), *first[kind])
        for kind in kinds
    }


def _fit(kind: str, student, spec: DistillSpec, data: TrainingRows, intermediate: Intermediate | None, cfg, steps: int, **kw):
    """Train one student for ``steps`` optimiser steps (the same for every kind: a gain is not just more compute)."""
    if kind == "baseline":  # the labelled rows alone, cycled as often as the steps need
        return train(student, data.enc_labelled, data.labels, cfg, max_steps=steps, **kw)
    if kind == "pseudo":  # the distilled student's rows, the teacher's top class standing in for each missing label
        labels = np.where(data.labels_distil == IGNORE_LABEL, data.teacher_distil.argmax(1), data.labels_distil)  # (rows,)
        return train(student, data.enc_distil, labels, cfg, max_steps=steps, **kw)
    loss = make_loss(data.teacher_distil, temperature=spec.temperature, alpha=spec.alpha, intermediate=intermediate,
                     unlabelled_weight=spec.unlabelled_weight)
    return train(student, data.enc_distil, data.labels_distil, cfg, loss_fn=loss, max_steps=steps, **kw)


def _latency(spec: DistillSpec, teacher_model, student, emit: EventFn) -> tuple[dict[str, float], float, str]:
    """(batch-1 p50 per model, student / teacher, the student's device), measured side by side; empty and NaN when
    the spec skips it."""
    if not spec.latency:
        return {}, float("nan"), ""
    emit({"kind": "phase", "phase": "latency", "message": "measuring batch-1 latency, teacher and student side by side"})
    lat = compare_latency({"teacher": teacher_model, "student": student}, batch_size=1, seq_len=spec.max_length, iterations=40)
    latency_ms = {k: v.p50_ms for k, v in lat.items()}
    return latency_ms, latency_ms["student"] / latency_ms["teacher"], lat["student"].device


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
