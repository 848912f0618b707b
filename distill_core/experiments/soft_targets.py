"""What soft targets add: hard labels vs teacher pseudo-labels vs soft targets, at the same compute.

Hinton et al. (2015) report that with 3% of the speech data, a model trained on soft targets
reached 57.0% frame accuracy against 44.5% with hard targets. This experiment asks the same
question on a sample task, keeping the student, the number of optimiser steps and the data fixed:

- ``hard``: the labelled rows alone, hard labels (cycled to the same number of steps);
- ``pseudo``: labelled rows + the transfer pool labelled with the teacher's argmax;
- ``soft T=k``: labelled rows + the transfer pool with the teacher's soft targets at T = k
  (labelled rows: alpha * CE + (1 - alpha) * T^2 * KL; transfer rows: the soft term only);
- ``labelled soft T=k``: Hinton's own comparison, the labelled rows alone (no transfer set) with
  the labelled rows' loss of ``soft T=k``, against ``hard`` on the very same rows;

in two regimes: all labelled rows, and a low-data regime with a few labelled rows per class.
The teacher is fine-tuned on all labelled rows in both (it is the same teacher). Every condition of a
regime gets ``epochs`` passes' worth of steps over labelled + transfer rows: raising ``epochs`` is the
longer schedule of Beyer et al. (2022), "a good teacher is patient and consistent".
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import models as M
from ..data import TASKS_DIR, encode, load_sample_task
from ..errors import DistillError
from ..evaluation import confusion, evaluate_logits
from ..losses import IGNORE_LABEL, make_loss
from ..teacher import TeacherConfig, cached_teacher_logits, get_teacher
from ..temperature import softmax_t
from ..training import EventFn, Progress, train
from .base import (
    HARD_LABELS, ReportBase, against_spread, emitter, eval_set, kept_layers, seed_loop, seed_summary, spread, student_source,
    train_config,
)
from .specs import HARD, LABELLED_SOFT, PSEUDO, SoftTargetSpec

__all__ = ["SoftTargetSpec", "ExperimentReport", "run_soft_target_experiment", "load_groups", "group_errors", "few_per_class",
           "uses_transfer", "compare_schedules"]


def uses_transfer(condition: str) -> bool:
    """Whether a condition trains on the transfer pool (hard labels and Hinton's comparison do not)."""
    return condition != HARD and not condition.startswith(LABELLED_SOFT)


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
class ExperimentReport(ReportBase):
    spec: dict
    label_names: list[str]
    teacher: dict  # test metrics of the teacher
    rows: list[dict]  # one per (regime, condition, seed)
    example: dict | None  # a confusable test message with the teacher's soft targets
    seconds: float
    notes: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """Mean and spread over seeds for each regime and condition."""
        metrics = ["accuracy", "macro_f1", "agreement", "within_group_error", "cross_group_error"]
        return seed_summary(self.rows, ["regime", "condition"], metrics)[1]

    def reading(self) -> list[str]:
        """A plain reading per regime: did soft targets beat hard pseudo-labels beyond the seed spread?"""
        return [_read_regime(regime, grp.set_index("condition")) for regime, grp in self.summary().groupby("regime", sort=False)]

    def steps(self) -> dict[str, int]:
        """regime -> the optimiser steps of every condition in it (one number: the runner gives them all the same)."""
        return {r["regime"]: r["steps"] for r in self.rows}


def _hinton_line(by: pd.DataFrame) -> str:
    """Hinton's own comparison: soft targets vs hard labels on the same labelled rows, no transfer set, judged
    against the spread of those two conditions (the transfer conditions' larger spread is not theirs)."""
    labelled = by[by.index.str.startswith(LABELLED_SOFT)]
    if labelled.empty:
        return ""
    best = labelled["accuracy_mean"].idxmax()
    noise = spread(by.loc[HARD, "accuracy_std"], labelled.loc[best, "accuracy_std"])
    gain = labelled.loc[best, "accuracy_mean"] - by.loc[HARD, "accuracy_mean"]
    head = (f" On the labelled rows alone (no transfer set), soft targets at {best.split()[-1]} reached "
            f"{100 * labelled.loc[best, 'accuracy_mean']:.1f}% against {100 * by.loc[HARD, 'accuracy_mean']:.1f}% with hard labels: ")
    verdict = against_spread(gain, noise)
    return head + ("better, beyond the seed spread." if verdict > 0 else "worse, beyond the seed spread." if verdict < 0
                   else f"no difference beyond the seed spread ({100 * gain:+.1f} vs ±{100 * noise:.1f} points).")


def _short_name(condition: str) -> str:
    if condition.startswith(LABELLED_SOFT):
        return f"soft {condition.split()[-1]} on the labelled rows alone"
    return {HARD: HARD_LABELS, PSEUDO: "teacher argmax"}.get(condition, f"{condition} + transfer")


def compare_schedules(short: ExperimentReport, long: ExperimentReport) -> list[str]:
    """Per regime run in both: each condition's accuracy at the short and the long schedule, and whether the
    ranking changed (the best condition, and soft targets against pseudo-labels, judged against the seed spread)."""
    lines = []
    s_short, s_long = short.summary(), long.summary()
    for regime in [r for r in dict.fromkeys(s_long["regime"]) if r in set(s_short["regime"])]:
        a = s_short[s_short["regime"] == regime].set_index("condition")
        b = s_long[s_long["regime"] == regime].set_index("condition")
        both = [c for c in b.index if c in a.index]
        a, b = a.loc[both], b.loc[both]
        steps = f"{short.steps()[regime]} → {long.steps()[regime]} steps"
        moves = ", ".join(f"{_short_name(c)} {100 * a.loc[c, 'accuracy_mean']:.1f} → {100 * b.loc[c, 'accuracy_mean']:.1f}"
                          for c in both)
        best_a, best_b = a["accuracy_mean"].idxmax(), b["accuracy_mean"].idxmax()
        line = f"{regime}, {steps}: {moves} (% accuracy). "
        line += (f"The best condition stays {_short_name(best_a)}. " if best_a == best_b
                 else f"The best condition changes from {_short_name(best_a)} to {_short_name(best_b)}"
                 + (", beyond the seed spread. " if against_spread(b.loc[best_b, "accuracy_mean"] - b.loc[best_a, "accuracy_mean"],
                                                        b.loc[best_a, "accuracy_std"], b.loc[best_b, "accuracy_std"])
                    else ", within the seed spread. "))
        soft = [c for c in both if c.startswith("soft")]
        if PSEUDO in both and soft:
            verdicts = [against_spread(t.loc[soft, "accuracy_mean"].max() - t.loc[PSEUDO, "accuracy_mean"], spread(*t["accuracy_std"]))
                        for t in (a, b)]
            words = {1: "beat", 0: "tie with", -1: "trail"}
            line += (f"Best soft targets {words[verdicts[0]]} pseudo-labels at the short schedule and "
                     f"{words[verdicts[1]]} them at the long one (judged against the seed spread).")
        lines.append(line)
    return lines


def _read_regime(regime: str, by: pd.DataFrame) -> str:
    hard, pseudo = by.loc[HARD], by.loc[PSEUDO]
    soft = by[by.index.str.startswith("soft")]
    best = soft["accuracy_mean"].idxmax()
    noise = spread(*by["accuracy_std"])
    gain_soft = soft.loc[best, "accuracy_mean"] - pseudo["accuracy_mean"]
    gain_transfer = pseudo["accuracy_mean"] - hard["accuracy_mean"]
    line = (f"{regime}: {HARD_LABELS} {100 * hard['accuracy_mean']:.1f}%, teacher pseudo-labels {100 * pseudo['accuracy_mean']:.1f}%, "
            f"best soft targets ({best}) {100 * soft.loc[best, 'accuracy_mean']:.1f}%. ")
    line += (f"The transfer set added {100 * gain_transfer:+.1f} points. " if against_spread(gain_transfer, noise)
             else "The transfer set made no clear difference. ")
    verdict = against_spread(gain_soft, noise)
    if verdict > 0:
        line += f"Soft targets beat hard pseudo-labels by {100 * gain_soft:.1f} points, more than the seed spread ({100 * noise:.1f})."
    elif verdict < 0:
        line += f"Soft targets did worse than hard pseudo-labels ({100 * gain_soft:+.1f} points)."
    else:
        line += f"Soft targets did not beat hard pseudo-labels beyond the seed spread ({100 * gain_soft:+.1f} vs ±{100 * noise:.1f} points)."
    return line + _hinton_line(by)


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
    emit = emitter(on_event)
    task = load_sample_task(spec.task)
    if not task.transfer:
        raise DistillError(f"task '{spec.task}' has no transfer pool: this experiment needs unlabelled text")
    groups = load_groups(spec.task)
    transfer = task.transfer[: spec.transfer_size] if spec.transfer_size else task.transfer
    teacher = get_teacher(task, TeacherConfig.for_task(spec.task, spec.teacher, spec.teacher_epochs, spec.teacher_lr), home, on_event, cancel)
    layers = kept_layers(spec.student_layers or None, teacher.model.config.num_hidden_layers)
    init_from = student_source(spec.init, spec.teacher, teacher.model, task.num_labels)
    emit({"kind": "phase", "phase": "teacher logits", "message": "the teacher labels the transfer pool (cached on disk)"})
    test = eval_set(teacher, task, spec.max_length, home)
    teacher_transfer = cached_teacher_logits(teacher, list(transfer), spec.max_length, home)
    teacher_metrics = (evaluate_logits(test.teacher_logits, test.labels, task.num_labels).as_dict()
                       | group_errors(test.labels, test.teacher_logits.argmax(1), task.label_names, groups))

    regimes = {"all labels": task.train} if spec.all_labels else {}
    if spec.low_data_per_class:
        regimes[f"{spec.low_data_per_class} labels per class"] = few_per_class(task.train, spec.low_data_per_class)
    steps = {regime: spec.epochs * math.ceil((len(labelled) + len(transfer)) / spec.batch_size)  # the same for every condition
             for regime, labelled in regimes.items()}
    progress = Progress(on_event)  # in examples: every condition of a regime trains steps x batch of them
    progress.plan(sum(steps.values()) * spec.batch_size * len(spec.conditions()) * len(spec.seeds))
    rows = []
    for regime, labelled in regimes.items():
        pools = _Pools(teacher, labelled, transfer, teacher_transfer, spec.max_length, home)
        for seed, condition, phase in seed_loop(spec.seeds, spec.conditions(), emit, cancel,
                                                phase_name=lambda seed, c: f"{regime} · {c} · seed {seed}"):
            student = M.build_student(init_from, layers, init="random" if spec.init == "random" else "teacher", seed=seed)
            _train_condition(spec, condition, student, train_config(spec, seed), pools, steps[regime],
                             progress.forward(), cancel, phase)
            logits, metrics = test.score(student)
            row = {"regime": regime, "condition": condition, "seed": seed, "labelled": len(labelled),
                   "transfer": len(transfer) if uses_transfer(condition) else 0, "steps": steps[regime], **metrics,
                   **group_errors(test.labels, logits.argmax(1), task.label_names, groups)}
            if seed == spec.seeds[0]:
                row["confusion"] = confusion(test.labels, logits.argmax(1), task.num_labels).tolist()
            rows.append(row)
            emit({"kind": "result", "phase": phase, "model": condition, **{k: v for k, v in row.items() if k != "confusion"}})
    progress.finish()
    example = _confusable_example(test.texts, test.teacher_logits, task.label_names, groups, max(spec.temperatures))
    return ExperimentReport(spec.as_dict(), task.label_names, teacher_metrics, rows, example, time.perf_counter() - start)


class _Pools:
    """One regime's training rows: the labelled rows alone, and those followed by the transfer pool."""

    def __init__(self, teacher, labelled: pd.DataFrame, transfer: list[str], teacher_transfer: np.ndarray, max_length: int,
                 home: Path | None):
        texts = labelled["text"].tolist()
        self.labels = labelled["label"].to_numpy()  # (labelled,)
        self.teacher_labelled = cached_teacher_logits(teacher, texts, max_length, home)  # (labelled, classes)
        self.teacher_transfer = teacher_transfer  # (transfer, classes)
        self.enc_labelled = encode(teacher.tokenizer, texts, max_length)
        self.enc_all = encode(teacher.tokenizer, texts + list(transfer), max_length)


def _train_condition(spec: SoftTargetSpec, condition: str, student, cfg, pools: _Pools, steps: int, on_event, cancel, phase: str) -> None:
    """Train one condition for ``steps`` optimiser steps: hard labels, teacher argmax labels, or soft targets at T
    (with or without the transfer pool)."""
    if condition == HARD:
        train(student, pools.enc_labelled, pools.labels, cfg, on_event=on_event, cancel=cancel, phase=phase, max_steps=steps)
    elif condition.startswith(LABELLED_SOFT):  # Hinton's comparison: the labelled rows alone, same loss as on them below
        loss = make_loss(pools.teacher_labelled, temperature=float(condition.split("=")[1]), alpha=spec.alpha,
                         unlabelled_weight=spec.unlabelled_weight)
        train(student, pools.enc_labelled, pools.labels, cfg, loss_fn=loss, on_event=on_event, cancel=cancel, phase=phase, max_steps=steps)
    elif condition == PSEUDO:
        y = np.concatenate([pools.labels, pools.teacher_transfer.argmax(1)])
        train(student, pools.enc_all, y, cfg, on_event=on_event, cancel=cancel, phase=phase, max_steps=steps)
    else:
        y = np.concatenate([pools.labels, np.full(len(pools.teacher_transfer), IGNORE_LABEL)])
        logits = np.concatenate([pools.teacher_labelled, pools.teacher_transfer])  # (labelled + transfer, classes)
        loss = make_loss(logits, temperature=float(condition.split("=")[1]), alpha=spec.alpha, unlabelled_weight=spec.unlabelled_weight)
        train(student, pools.enc_all, y, cfg, loss_fn=loss, on_event=on_event, cancel=cancel, phase=phase, max_steps=steps)
