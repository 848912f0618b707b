"""The class the student never saw, in text: Hinton et al.'s omitted digit on the 16-intent task.

One intent is held out of everything the student trains on: its labelled rows are dropped, and so is
every transfer row whose teacher argmax is that intent. The teacher (fine-tuned on all 16 intents)
still gives the held-out intent some probability on the rows that remain, most on its confusable
neighbours' messages. Three ways to use the same rows, at the same number of optimiser steps:

- ``hard``: the labelled rows alone, hard labels (cycled to the same number of steps);
- ``pseudo``: labelled rows + the kept transfer rows labelled with the teacher's argmax (which is
  never the held-out intent, by construction);
- ``soft T=k``: labelled rows + the kept transfer rows with the teacher's soft targets at T = k.

Hard and pseudo labels never ask for the held-out intent; only soft targets carry it. After training,
the held-out intent's output bias is raised by an amount chosen on the validation split (never the
test split), as in ``digits.choose_bias``: the smallest raise that makes the student answer that intent
on its share of the teacher's training rows. No validation label is used, only that share.

The labelled rows are the 10-per-intent regime of the soft-target experiment (``per_class``): it is
where the student leans on the teacher's outputs most, and its runs are the cheaper ones.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import DistillError
from .base import (
    HARD_LABELS, ReportBase, SpecBase, beyond_spread, check_alpha, check_temperature, emitter, eval_set, kept_layers,
    seed_loop, seed_summary, spread, student_source, train_config,
)
from .digits import choose_bias, recall
from .specs import BUNDLED, HARD, PSEUDO

if TYPE_CHECKING:  # torch and transformers load only when the experiment runs: the page draws the reference without them
    from ..training import EventFn

__all__ = ["OmittedIntentSpec", "OmittedIntentReport", "run_omitted_intent_experiment", "METRICS"]

METRICS = ["omitted_recall", "omitted_recall_corrected", "accuracy", "accuracy_corrected", "bias"]  # as digits_report's
CONDITION_NAMES = {HARD: HARD_LABELS, PSEUDO: "teacher argmax"}


@dataclass
class OmittedIntentSpec(SpecBase):
    task: str = "intents"
    # the held-out intent. refund_request: of the 16, the teacher most often ranks it second on other intents'
    # transfer messages (158 of 1,200, mostly refund_status and return_item), so soft targets say the most about
    # it, as MNIST's 5s and 8s about the 3. card_lost, the obvious pick, is runner-up on only 34
    omit: str = "refund_request"
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2])
    temperatures: list[float] = field(default_factory=lambda: [1.0, 2.0, 4.0])
    per_class: int | None = 10  # labelled rows per intent (None: all 40); the held-out intent gets none
    alpha: float = 0.5  # weight of the hard labels on labelled rows
    unlabelled_weight: float | None = 1.0  # a transfer row's soft term weighs as much as a pseudo-labelled row's CE
    epochs: int = 2  # passes over labelled + kept transfer rows; every condition gets that many steps
    learning_rate: float = 5e-4
    batch_size: int = 32
    max_length: int = 48
    transfer_size: int | None = 1200  # rows of the pool the teacher labels, before the held-out intent's are dropped
    student_layers: list[int] | None = None  # None: one teacher layer in two
    teacher_epochs: int | None = None  # None: the task's recipe
    teacher_lr: float | None = None
    teacher: str = BUNDLED  # or a model folder (the tests pass a tiny one)
    init: str = "pretrained"  # students copy the teacher's layers from before its fine-tuning

    def validate(self) -> None:
        if not self.seeds or not self.temperatures:
            raise DistillError("give at least one seed and one temperature")
        for t in self.temperatures:
            check_temperature(t)
        check_alpha(self.alpha)
        if self.per_class is not None and self.per_class < 1:
            raise DistillError(f"keep at least 1 labelled row per intent, got {self.per_class}")

    def conditions(self) -> list[str]:
        return [HARD, PSEUDO] + [f"soft T={t:g}" for t in self.temperatures]


def condition_name(condition: str) -> str:
    return CONDITION_NAMES.get(condition, condition.replace("soft T=", "soft targets, T = "))


def omitted_metrics(val_logits: np.ndarray, test_logits: np.ndarray, test_labels: np.ndarray, omit: int, share: float) -> dict:
    """Recall of ``omit`` and accuracy on the test rows, before and after raising its logit by the bias chosen on validation logits."""
    bias = choose_bias(val_logits, omit, share)
    raised = test_logits.copy()  # (test, classes)
    raised[:, omit] += bias
    before, after = test_logits.argmax(1), raised.argmax(1)
    return {"omitted_recall": recall(before, test_labels, omit), "omitted_recall_corrected": recall(after, test_labels, omit),
            "accuracy": float((before == test_labels).mean()), "accuracy_corrected": float((after == test_labels).mean()),
            "bias": bias}


@dataclass
class OmittedIntentReport(ReportBase):
    spec: dict
    label_names: list[str]
    omitted: str
    teacher: dict  # the teacher (it saw every intent): accuracy and recall of the held-out intent on the test split
    labelled: int  # labelled rows the students train on (none of the held-out intent)
    transfer_kept: int  # transfer rows whose teacher argmax is another intent
    transfer_dropped: int  # transfer rows whose teacher argmax is the held-out intent
    steps: int  # optimiser steps of every student
    omitted_share: float  # the held-out intent's share of the teacher's training rows: the bias target
    omitted_test: int  # test rows of the held-out intent
    # "T" -> mean probability the teacher gives the held-out intent on the kept transfer rows it answers with one of
    # the intent's group neighbours ("neighbours") and with any other intent ("others")
    teacher_mass: dict
    rows: list[dict]  # one per (condition, seed)
    seconds: float
    notes: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """Per condition, in run order: temperature, each metric's mean over seeds and its std (``_std``), seeds."""
        s = seed_summary(self.rows, "condition", METRICS)[1]
        s = s.rename(columns={f"{m}_mean": m for m in METRICS}).fillna({f"{m}_std": 0.0 for m in METRICS})  # one seed: no spread
        s.insert(1, "temperature", [None if c in (HARD, PSEUDO) else float(c.split("=")[1]) for c in s["condition"]])
        return s

    def json_rows(self) -> list[dict]:
        """The CLI's rows: one per condition, fractions, mean and std over seeds (the keys of the digits rows)."""
        rows = self.summary().to_dict("records")
        return [rec | {"temperature": None if rec["temperature"] != rec["temperature"] else rec["temperature"],  # NaN -> null
                       "omitted_intent": self.omitted} for rec in rows]

    def reading(self) -> list[str]:
        """Plain sentences from the numbers, each difference judged against the seed spread."""
        s = self.summary().set_index("condition")
        hard, pseudo = s.loc[HARD], s.loc[PSEUDO]
        soft = s[s.index.str.startswith("soft")]
        best = soft["omitted_recall"].idxmax()
        pct = lambda r, m: f"{100 * r[m]:.1f} ± {100 * r[m + '_std']:.1f}%"
        lines = [f"'{self.omitted}' never seen ({self.omitted_test} test messages; the teacher recognises "
                 f"{100 * self.teacher['omitted_recall']:.0f}% of them): hard labels recognise {pct(hard, 'omitted_recall')}, "
                 f"teacher argmax labels {pct(pseudo, 'omitted_recall')}, soft targets at their best T ({best.split('=')[1]}) "
                 f"{pct(soft.loc[best], 'omitted_recall')}."]
        gain = soft.loc[best, "omitted_recall"] - pseudo["omitted_recall"]
        noise = spread(soft.loc[best, "omitted_recall_std"], pseudo["omitted_recall_std"])
        lines.append(f"As trained, soft targets taught it: {100 * gain:+.1f} points over argmax labels, beyond the seed spread "
                     f"(±{100 * noise:.1f})." if beyond_spread(gain, noise) and gain > 0 else
                     f"As trained, soft targets did not teach it beyond the seed spread ({100 * gain:+.1f} vs ±{100 * noise:.1f} points "
                     "over argmax labels).")
        lines.append(_correction_line(s))
        lines.append("Overall accuracy as trained → after the correction: " + ", ".join(
            f"{condition_name(c)} {100 * r['accuracy']:.1f} → {100 * r['accuracy_corrected']:.1f}%" for c, r in s.iterrows()) + ".")
        return lines


def _correction_line(s: pd.DataFrame) -> str:
    """Recognition after the bias correction, each soft T judged against argmax labels on the same text and against hard labels."""
    r = "omitted_recall_corrected"
    line = "After the bias correction (chosen on the validation split), recognised: " + ", ".join(
        f"{condition_name(c)} {100 * row[r]:.1f} ± {100 * row[r + '_std']:.1f}%" for c, row in s.iterrows()) + "."
    soft = [c for c in s.index if c.startswith("soft")]
    for base in (PSEUDO, HARD):
        above = [c.split("=")[1] for c in soft if s.loc[c, r] > s.loc[base, r]
                 and beyond_spread(s.loc[c, r] - s.loc[base, r], s.loc[c, r + "_std"], s.loc[base, r + "_std"])]
        line += (f" Above {condition_name(base)} beyond the seed spread: soft targets at T = {', '.join(above)}." if above
                 else f" No soft-target student is above {condition_name(base)} beyond the seed spread.")
    return line


@dataclass
class _Setup:
    """What every student of a run shares: the rows without the held-out intent, the test and validation splits."""

    pools: object  # soft_targets._Pools
    test: object  # base.EvalSet
    validation: object  # data.Encoded of the validation split
    omit: int
    report_fields: dict


def _setup(spec: OmittedIntentSpec, home: Path | None, on_event: EventFn | None, cancel) -> tuple[_Setup, object, list]:
    from ..data import encode, load_sample_task
    from ..teacher import TeacherConfig, cached_teacher_logits, get_teacher
    from .soft_targets import _Pools, few_per_class, load_groups

    task = load_sample_task(spec.task)
    if spec.omit not in task.label_names:
        raise DistillError(f"'{spec.omit}' is not an intent of '{spec.task}'; choose one of {', '.join(task.label_names)}")
    if not task.transfer:
        raise DistillError(f"task '{spec.task}' has no transfer pool: this experiment needs unlabelled text")
    omit = task.label_names.index(spec.omit)
    teacher = get_teacher(task, TeacherConfig.for_task(spec.task, spec.teacher, spec.teacher_epochs, spec.teacher_lr), home, on_event, cancel)
    emitter(on_event)({"kind": "phase", "phase": "teacher logits", "message": "the teacher labels the transfer pool (cached on disk)"})
    transfer = list(task.transfer[: spec.transfer_size] if spec.transfer_size else task.transfer)
    teacher_transfer = cached_teacher_logits(teacher, transfer, spec.max_length, home)  # (transfer, classes)
    keep = teacher_transfer.argmax(1) != omit
    labelled = few_per_class(task.train, spec.per_class) if spec.per_class else task.train
    labelled = labelled[labelled["label"] != omit].reset_index(drop=True)
    kept = [text for text, k in zip(transfer, keep) if k]
    pools = _Pools(teacher, labelled, kept, teacher_transfer[keep], spec.max_length, home)
    test = eval_set(teacher, task, spec.max_length, home)
    t_pred = test.teacher_logits.argmax(1)
    facts = {
        "label_names": task.label_names, "omitted": spec.omit,
        "teacher": {"accuracy": float((t_pred == test.labels).mean()), "omitted_recall": recall(t_pred, test.labels, omit)},
        "labelled": len(labelled), "transfer_kept": int(keep.sum()), "transfer_dropped": int((~keep).sum()),
        "steps": spec.epochs * math.ceil((len(labelled) + int(keep.sum())) / spec.batch_size),
        "omitted_share": float((task.train["label"] == omit).mean()), "omitted_test": int((test.labels == omit).sum()),
        "teacher_mass": _teacher_mass(teacher_transfer[keep], omit, task.label_names, load_groups(spec.task), spec.temperatures),
    }
    validation = encode(teacher.tokenizer, task.validation["text"].tolist(), spec.max_length)
    init_from = student_source(spec.init, spec.teacher, teacher.model, task.num_labels)
    layers = kept_layers(spec.student_layers or None, teacher.model.config.num_hidden_layers)
    return _Setup(pools, test, validation, omit, facts), init_from, layers


def run_omitted_intent_experiment(spec: OmittedIntentSpec, *, home: Path | None = None, on_event: EventFn | None = None,
                                  cancel: threading.Event | None = None, artefact_dir: Path | None = None) -> OmittedIntentReport:
    """Every condition over the spec's seeds; events for the job runner; ``Cancelled`` once ``cancel`` is set.

    ``artefact_dir`` is accepted for the job runner and unused: no weights are kept, the report is the result."""
    from .. import models as M
    from ..training import Progress, predict_logits
    from .soft_targets import _train_condition

    spec.validate()
    start = time.perf_counter()
    emit = emitter(on_event)
    setup, init_from, layers = _setup(spec, home, on_event, cancel)
    steps = setup.report_fields["steps"]
    progress = Progress(on_event)  # in examples: every student trains steps x batch of them
    progress.plan(steps * spec.batch_size * len(spec.conditions()) * len(spec.seeds))
    rows = []
    for seed, condition, phase in seed_loop(spec.seeds, spec.conditions(), emit, cancel):
        student = M.build_student(init_from, layers, init="random" if spec.init == "random" else "teacher", seed=seed)
        _train_condition(spec, condition, student, train_config(spec, seed), setup.pools, steps, progress.forward(), cancel, phase)
        logits, metrics = setup.test.score(student)  # (test, classes)
        row = {"condition": condition, "seed": seed, "temperature": None if condition in (HARD, PSEUDO) else float(condition.split("=")[1]),
               **omitted_metrics(predict_logits(student, setup.validation), logits, setup.test.labels, setup.omit,
                                 setup.report_fields["omitted_share"]),
               "macro_f1": metrics["macro_f1"], "agreement": metrics["agreement"],
               "omitted_predicted_as": _predicted_as(logits, setup.test.labels, setup.omit, setup.report_fields["label_names"])}
        rows.append(row)
        emit({"kind": "result", "phase": phase, "model": condition, "accuracy": row["accuracy"], "macro_f1": row["macro_f1"],
              "agreement": row["agreement"], "omitted_recall": row["omitted_recall"]})
    progress.finish()
    return OmittedIntentReport(spec.as_dict(), **setup.report_fields, rows=rows, seconds=time.perf_counter() - start)


def _teacher_mass(logits: np.ndarray, omit: int, names: list[str], groups: dict[str, str], temperatures: list[float]) -> dict:
    """Per T, the teacher's mean probability of ``omit`` on rows it answers with a group neighbour of it, and on the rest."""
    from ..temperature import softmax_t

    group = [groups.get(n, n) for n in names]
    near = np.array([group[a] == group[omit] for a in logits.argmax(1)])  # (rows,)
    mass = {}
    for t in temperatures:
        p = softmax_t(logits, t)[:, omit]  # (rows,)
        mass[f"{t:g}"] = {"neighbours": float(p[near].mean()) if near.any() else float("nan"),
                          "others": float(p[~near].mean()) if (~near).any() else float("nan")}
    return mass


def _predicted_as(logits: np.ndarray, labels: np.ndarray, omit: int, names: list[str]) -> dict[str, int]:
    """What the student answered on the held-out intent's test messages (before the correction), most frequent first."""
    answers, counts = np.unique(logits[labels == omit].argmax(1), return_counts=True)
    return {names[a]: int(c) for a, c in sorted(zip(answers, counts), key=lambda ac: -ac[1])}
