"""What soft targets add: hard labels vs teacher pseudo-labels vs soft targets, at the same compute.

Hinton et al. (2015) report that with 3% of the speech data, a model trained on soft targets
reached 57.0% frame accuracy against 44.5% with hard targets. This experiment asks the same
question on a sample task, keeping the student, the number of optimiser steps and the data fixed:

- ``hard``: the labelled rows alone, hard labels (cycled to the same number of steps);
- ``pseudo``: labelled rows + the transfer pool labelled with the teacher's argmax;
- ``soft T=k``: labelled rows + the transfer pool with the teacher's soft targets at T = k
  (labelled rows: alpha * CE + (1 - alpha) * T^2 * KL; transfer rows: the soft term only);

in two regimes: all labelled rows, and a low-data regime with a few labelled rows per class.
The teacher is fine-tuned on all labelled rows in both (it is the same teacher).
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import models as M
from ..data import TASKS_DIR, encode, load_sample_task
from ..errors import DistillError
from ..evaluation import confusion, evaluate_logits
from ..losses import IGNORE_LABEL
from ..temperature import softmax_t
from ..errors import Cancelled
from ..teacher import TeacherConfig, cached_teacher_logits, get_teacher
from ..training import EventFn, Progress, TrainConfig, predict_logits, train


@dataclass
class SoftTargetSpec:
    task: str = "intents"
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2])
    temperatures: list[float] = field(default_factory=lambda: [1.0, 2.0, 4.0])
    alpha: float = 0.5  # weight of the hard labels on labelled rows
    # a transfer row's soft term weighs as much as a pseudo-labelled row's CE (None: the batch-mean
    # KD loss, where transfer rows get only the (1 - alpha) share and learn at half speed)
    unlabelled_weight: float | None = 1.0
    epochs: int = 2  # passes over labelled + transfer rows; every condition gets that many steps
    learning_rate: float = 5e-4  # at 1e-4 the ~116 steps left every student far from converged (hard labels 68.6%)
    batch_size: int = 32
    max_length: int = 48
    transfer_size: int | None = 1200  # rows of the transfer pool used (None: all)
    low_data_per_class: int | None = 10  # the low-data regime's labelled rows per class (None: skip)
    student_layers: list[int] | None = None  # None: one teacher layer in two
    teacher_epochs: int | None = None  # None: the task's recipe
    teacher_lr: float | None = None
    teacher: str = M.BUNDLED  # "tiny" in tests
    init: str = "pretrained"  # students copy the teacher's layers from before its fine-tuning, so the
    # low-data regime's students see only their few labels (and the teacher's outputs), nothing more

    def validate(self) -> None:
        if not self.seeds or not self.temperatures:
            raise DistillError("give at least one seed and one temperature")
        if any(not 0.05 <= t <= 100 for t in self.temperatures):
            raise DistillError("temperatures must lie in [0.05, 100]")
        if not 0.0 <= self.alpha <= 1.0:
            raise DistillError(f"alpha must lie in [0, 1], got {self.alpha}")

    def conditions(self) -> list[str]:
        return ["hard", "pseudo"] + [f"soft T={t:g}" for t in self.temperatures]

    def as_dict(self) -> dict:
        return asdict(self)


def load_groups(task: str) -> dict[str, str]:
    """intent -> group, from the task's groups.json (empty when the task has none)."""
    path = TASKS_DIR / task / "groups.json"
    if not path.exists():
        return {}
    groups = json.loads(path.read_text(encoding="utf-8"))
    return {label: group for group, labels in groups.items() for label in labels}


def group_errors(labels, preds, label_names: list[str], groups: dict[str, str]) -> dict[str, float]:
    """Share of test rows misclassified inside their own group (confusable neighbours) vs across groups."""
    labels, preds = np.asarray(labels), np.asarray(preds)
    wrong = labels != preds
    if not groups:
        return {"within_group_error": float("nan"), "cross_group_error": float(wrong.mean())}
    g = np.array([groups.get(n, n) for n in label_names])
    same = g[labels] == g[preds]
    return {"within_group_error": float((wrong & same).mean()), "cross_group_error": float((wrong & ~same).mean())}


def few_per_class(df: pd.DataFrame, per_class: int, seed: int = 0) -> pd.DataFrame:
    parts = [grp.sample(n=min(per_class, len(grp)), random_state=seed) for _, grp in df.groupby("label", sort=True)]
    return pd.concat(parts).sort_index().reset_index(drop=True)


@dataclass
class ExperimentReport:
    spec: dict
    label_names: list[str]
    teacher: dict  # test metrics of the teacher
    rows: list[dict]  # one per (regime, condition, seed)
    example: dict | None  # a confusable test message with the teacher's soft targets
    seconds: float
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "ExperimentReport":
        return cls(**d)

    def summary(self) -> pd.DataFrame:
        """Mean and spread over seeds for each regime and condition."""
        df = pd.DataFrame(self.rows)
        metrics = ["accuracy", "macro_f1", "agreement", "within_group_error", "cross_group_error"]
        out = df.groupby(["regime", "condition"], sort=False)[metrics].agg(["mean", "std"]).reset_index()
        out.columns = [a if not b else f"{a}_{b}" for a, b in out.columns]
        out["seeds"] = df.groupby(["regime", "condition"], sort=False).size().to_numpy()
        return out

    def reading(self) -> list[str]:
        """A plain reading per regime: did soft targets beat hard pseudo-labels beyond the seed spread?"""
        s = self.summary()
        lines = []
        for regime, grp in s.groupby("regime", sort=False):
            by = grp.set_index("condition")
            hard, pseudo = by.loc["hard"], by.loc["pseudo"]
            soft = by[by.index.str.startswith("soft")]
            best = soft["accuracy_mean"].idxmax()
            noise = max(float(np.nan_to_num(by["accuracy_std"]).max()), 0.005)
            gain_soft = soft.loc[best, "accuracy_mean"] - pseudo["accuracy_mean"]
            gain_transfer = pseudo["accuracy_mean"] - hard["accuracy_mean"]
            line = f"{regime}: hard labels {100 * hard['accuracy_mean']:.1f}%, teacher pseudo-labels {100 * pseudo['accuracy_mean']:.1f}%, best soft targets ({best}) {100 * soft.loc[best, 'accuracy_mean']:.1f}%. "
            line += (f"The transfer set added {100 * gain_transfer:+.1f} points. " if abs(gain_transfer) > noise
                     else "The transfer set made no clear difference. ")
            if gain_soft > noise:
                line += f"Soft targets beat hard pseudo-labels by {100 * gain_soft:.1f} points, more than the seed spread ({100 * noise:.1f})."
            elif gain_soft < -noise:
                line += f"Soft targets did worse than hard pseudo-labels ({100 * gain_soft:+.1f} points)."
            else:
                line += f"Soft targets did not beat hard pseudo-labels beyond the seed spread ({100 * gain_soft:+.1f} vs ±{100 * noise:.1f} points)."
            lines.append(line)
        return lines


def _confusable_example(texts: list[str], teacher_logits: np.ndarray, label_names: list[str], groups: dict[str, str], temperature: float) -> dict | None:
    """The test message where the teacher's runner-up is a close neighbour in the same group."""
    p = softmax_t(teacher_logits, 1.0)
    order = np.argsort(-p, axis=1)
    best, best_score = None, -1.0
    for i in range(len(texts)):
        top, second = order[i, 0], order[i, 1]
        same = not groups or groups.get(label_names[top]) == groups.get(label_names[second])
        score = p[i, second] if same else 0.0
        if 0.15 < p[i, top] and score > best_score and len(texts[i]) < 90:
            best, best_score = i, score
    if best is None:
        return None
    return {
        "text": texts[best],
        "temperature": temperature,
        "probs_t1": {n: float(v) for n, v in zip(label_names, p[best])},
        "probs_t": {n: float(v) for n, v in zip(label_names, softmax_t(teacher_logits[best], temperature))},
    }


def run_soft_target_experiment(
    spec: SoftTargetSpec,
    home: Path | None = None,
    on_event: EventFn | None = None,
    cancel: threading.Event | None = None,
    artefact_dir: Path | None = None,
) -> ExperimentReport:
    spec.validate()
    start = time.perf_counter()
    emit = on_event or (lambda e: None)
    task = load_sample_task(spec.task)
    if not task.transfer:
        raise DistillError(f"task '{spec.task}' has no transfer pool: this experiment needs unlabelled text")
    groups = load_groups(spec.task)
    transfer = task.transfer[: spec.transfer_size] if spec.transfer_size else task.transfer
    teacher = get_teacher(task, TeacherConfig.for_task(spec.task, spec.teacher, spec.teacher_epochs, spec.teacher_lr), home, on_event, cancel)
    tok = teacher.tokenizer
    layers = M.check_layers(spec.student_layers or M.every_other_layer(teacher.model.config.num_hidden_layers), teacher.model.config.num_hidden_layers)

    from .comparison import student_source

    init_from = student_source(spec.init, spec.teacher, teacher.model, task.num_labels)
    emit({"kind": "phase", "phase": "teacher logits", "message": "the teacher labels the transfer pool (cached on disk)"})
    test_texts, test_labels = task.test["text"].tolist(), task.test["label"].to_numpy()
    teacher_test = cached_teacher_logits(teacher, test_texts, spec.max_length, home)
    teacher_transfer = cached_teacher_logits(teacher, list(transfer), spec.max_length, home)
    teacher_metrics = evaluate_logits(teacher_test, test_labels, task.num_labels).as_dict() | group_errors(test_labels, teacher_test.argmax(1), task.label_names, groups)
    enc_test = encode(tok, test_texts, spec.max_length)

    regimes = {"all labels": task.train}
    if spec.low_data_per_class:
        regimes[f"{spec.low_data_per_class} labels per class"] = few_per_class(task.train, spec.low_data_per_class)
    def steps_for(labelled) -> int:  # the same for every condition of a regime
        return spec.epochs * math.ceil((len(labelled) + len(transfer)) / spec.batch_size)

    progress = Progress(on_event)  # in examples: every condition of a regime trains steps x batch of them
    progress.plan(sum(steps_for(lab) for lab in regimes.values()) * spec.batch_size * len(spec.conditions()) * len(spec.seeds))
    rows = []
    for regime, labelled in regimes.items():
        lab_texts = labelled["text"].tolist()
        lab_y = labelled["label"].to_numpy()
        teacher_lab = cached_teacher_logits(teacher, lab_texts, spec.max_length, home)
        enc_lab = encode(tok, lab_texts, spec.max_length)
        enc_all = encode(tok, lab_texts + list(transfer), spec.max_length)
        steps = steps_for(labelled)
        for seed in spec.seeds:
            for condition in spec.conditions():
                phase = f"{regime} · {condition} · seed {seed}"
                emit({"kind": "phase", "phase": phase, "message": f"training: {phase}"})
                student = M.build_student(init_from, layers, init="random" if spec.init == "random" else "teacher", seed=seed)
                cfg = TrainConfig(epochs=spec.epochs, learning_rate=spec.learning_rate, batch_size=spec.batch_size,
                                  max_length=spec.max_length, seed=seed, alpha=spec.alpha)
                if condition == "hard":
                    train(student, enc_lab, lab_y, cfg, on_event=progress.forward(), cancel=cancel, phase=phase, max_steps=steps)
                elif condition == "pseudo":
                    y = np.concatenate([lab_y, teacher_transfer.argmax(1)])
                    train(student, enc_all, y, cfg, on_event=progress.forward(), cancel=cancel, phase=phase, max_steps=steps)
                else:
                    cfg.temperature = float(condition.split("=")[1])
                    cfg.unlabelled_weight = spec.unlabelled_weight
                    y = np.concatenate([lab_y, np.full(len(transfer), IGNORE_LABEL)])
                    logits = np.concatenate([teacher_lab, teacher_transfer])
                    train(student, enc_all, y, cfg, teacher_logits=logits, on_event=progress.forward(), cancel=cancel, phase=phase, max_steps=steps)
                pred_logits = predict_logits(student, enc_test)
                m = evaluate_logits(pred_logits, test_labels, task.num_labels, teacher_logits=teacher_test).as_dict()
                row = {"regime": regime, "condition": condition, "seed": seed, "labelled": len(labelled), "transfer": len(transfer) if condition != "hard" else 0,
                       "steps": steps, **m, **group_errors(test_labels, pred_logits.argmax(1), task.label_names, groups)}
                if seed == spec.seeds[0]:
                    row["confusion"] = confusion(test_labels, pred_logits.argmax(1), task.num_labels).tolist()
                rows.append(row)
                emit({"kind": "result", "phase": phase, "model": condition, **{k: v for k, v in row.items() if k != "confusion"}})
                if cancel is not None and cancel.is_set():
                    raise Cancelled("cancelled")
    progress.finish()
    example = _confusable_example(test_texts, teacher_test, task.label_names, groups, max(spec.temperatures))
    return ExperimentReport(spec.as_dict(), task.label_names, teacher_metrics, rows, example, time.perf_counter() - start)
