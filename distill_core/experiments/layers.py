"""Inside the model: three prepared experiments on how a student is built and what it matches.

1. ``init``: the student's layers copied from the teacher (DistilBERT, Sanh et al. 2019) vs random.
2. ``objective``: logits only (Hinton et al. 2015) vs + hidden states (FitNets, Romero et al. 2015)
   vs + attention maps (TinyBERT, Jiao et al. 2020) vs + normalised [CLS] (PKD, Sun et al. 2019).
3. ``agnostic``: task-agnostic distillation (hidden states and attention on general text written by
   this project, from the pre-trained teacher) then fine-tuning, vs task-specific distillation from
   the fine-tuned teacher, vs fine-tuning alone; every condition gets the same optimiser steps.

Every condition of an experiment trains the same student (teacher layers ``student_layers``) for the
same number of optimiser steps, over ``seeds``. For seed 0 the report also keeps the CKA matrix of
the student against the fine-tuned teacher on test text, and the CKA of the student before training.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import models as M
from ..data import encode, load_general_text, load_sample_task
from ..errors import DistillError
from ..evaluation import cka_matrix, evaluate_logits
from ..losses import IGNORE_LABEL, Intermediate, make_loss
from ..mappings import LayerMap, check_map, make_map
from ..teacher import TeacherConfig, get_teacher, save_student
from ..training import EventFn, Progress, TrainConfig, train
from .base import (
    ReportBase, TrainingRows, against_spread, beyond_spread, cap_rows, display_name, emitter, eval_set, kept_layers, seed_loop, seed_summary,
    spread, student_source, train_config, training_rows,
)
from .specs import EXPERIMENTS, LayerExperimentSpec

__all__ = ["EXPERIMENTS", "SHOWCASE", "LayerExperimentSpec", "LayerExperimentReport", "run_layer_experiment", "pkd_map",
           "general_distill", "attention_maps", "AttentionViewer", "attention_viewer"]

# the condition whose seed-0 student a run saves (for the page's attention maps "after distillation")
SHOWCASE = {"init": "teacher layers", "objective": "logits + attention", "agnostic": "task-specific"}
ATTENTION_WEIGHT = 100.0  # attention MSEs are ~1e-3 next to CE ~1: the weight brings them to the same order


@dataclass
class LayerExperimentReport(ReportBase):
    spec: dict
    teacher: dict  # test metrics of the fine-tuned teacher
    rows: list[dict]  # one per (condition, seed)
    cka: dict  # condition -> (student hidden x teacher hidden) matrix for seed 0; "before" = untrained student
    layer_map: dict
    seconds: float
    notes: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        df, out = seed_summary(self.rows, "condition", ["accuracy", "macro_f1", "agreement"])
        out["steps"] = df.groupby("condition", sort=False)["steps"].first().to_numpy()
        return out

    def verdict(self) -> str:
        """Which condition won, and whether its lead is larger than the seed spread."""
        s = self.summary().set_index("condition")
        first = s.index[0]
        base = s.loc[first]
        best = s["accuracy_mean"].idxmax()
        worst = s["accuracy_mean"].idxmin()
        noise = spread(*s["accuracy_std"])
        shown = lambda c: f"'{display_name(c)}'"
        lines = []
        for c in s.index[1:]:
            gap = s.loc[c, "accuracy_mean"] - base["accuracy_mean"]
            if not against_spread(gap, noise):
                lines.append(f"{shown(c)} is within the seed spread of {shown(first)} ({100 * gap:+.1f} vs ±{100 * noise:.1f} points)")
            else:
                lines.append(f"{shown(c)} is {100 * abs(gap):.1f} points {'above' if gap > 0 else 'below'} {shown(first)}")
        head = (f"Best: {shown(best)} at {100 * s.loc[best, 'accuracy_mean']:.1f}%. "
                if beyond_spread(s.loc[best, "accuracy_mean"] - s.loc[worst, "accuracy_mean"], noise)
                else "No condition stands out beyond the seed spread. ")
        return head + "; ".join(lines) + "."


def _student_map(spec: LayerExperimentSpec, n_student: int, n_teacher: int, layers: list[int]) -> LayerMap:
    if spec.layer_map:
        return check_map(LayerMap.from_dict(spec.layer_map), n_student, n_teacher)
    return make_map("distilbert", n_student, n_teacher, kept_layers=layers)


def pkd_map(layer_map: LayerMap, n_student: int) -> LayerMap:
    """PKD matches intermediate layers only: drop the embeddings and the student's last layer (the logits term covers it)."""
    hidden = tuple((s, t) for s, t in layer_map.hidden if 0 < s < n_student and t > 0)
    if not hidden:  # a 1- or 2-layer student has no inner layer: match the last one
        hidden = tuple((s, t) for s, t in layer_map.hidden if s > 0)
    return LayerMap(hidden, (), "pkd")


def run_layer_experiment(
    spec: LayerExperimentSpec,
    home: Path | None = None,
    on_event: EventFn | None = None,
    cancel: threading.Event | None = None,
    artefact_dir: Path | None = None,
) -> LayerExperimentReport:
    spec.validate()
    start = time.perf_counter()
    emit = emitter(on_event)
    task = load_sample_task(spec.task)
    notes: list[str] = []
    train_df = cap_rows(task.train, spec.max_train, notes)
    transfer = task.transfer[: spec.transfer_size]
    teacher = get_teacher(task, TeacherConfig.for_task(spec.task, spec.teacher, spec.teacher_epochs), home, on_event, cancel)
    n_teacher = teacher.model.config.num_hidden_layers
    layers = kept_layers(spec.student_layers, n_teacher)
    layer_map = _student_map(spec, len(layers), n_teacher, layers)
    pretrained = student_source("pretrained", spec.teacher, teacher.model, task.num_labels)
    emit({"kind": "phase", "phase": "teacher logits", "message": "the teacher labels the task and transfer text (cached on disk)"})
    data = _layer_data(spec, teacher, task, train_df, transfer, home, notes)
    test = eval_set(teacher, task, spec.max_length, home)
    teacher_metrics = evaluate_logits(test.teacher_logits, test.labels, task.num_labels).as_dict()
    teacher.model.eval()

    progress = Progress(on_event)  # in examples: every condition trains steps x batch of them
    progress.plan(len(spec.conditions()) * len(spec.seeds) * data.steps * spec.batch_size)
    rows: list[dict] = []
    cka: dict[str, list[list[float]]] = {}
    enc_cka = encode(teacher.tokenizer, test.texts[: spec.cka_rows], spec.max_length)
    for seed, condition, phase in seed_loop(spec.seeds, spec.conditions(), emit, cancel):
        init = "random" if condition == "random" else "teacher"
        student = M.build_student(pretrained, layers, init=init, seed=seed)
        if seed == spec.seeds[0] and "before" not in cka and init == "teacher":
            cka["before"] = cka_matrix(student, teacher.model, enc_cka).tolist()
        t0 = time.perf_counter()
        _train_condition(spec, condition, student, train_config(spec, seed), data, layer_map, teacher.model, pretrained,
                         progress.forward(), cancel, phase)
        seconds = time.perf_counter() - t0
        _, m = test.score(student)
        rows.append({"condition": condition, "seed": seed, "steps": data.steps, "seconds": seconds, **m})
        if seed == spec.seeds[0]:
            cka[condition] = cka_matrix(student, teacher.model, enc_cka).tolist()
            if artefact_dir is not None and condition == SHOWCASE[spec.experiment]:
                save_student(student, teacher.tokenizer, Path(artefact_dir) / "student", task.label_names)
        emit({"kind": "result", "phase": phase, "model": condition, "seed": seed, **m})
    progress.finish()
    return LayerExperimentReport(spec.as_dict() | {"student_layers": layers}, teacher_metrics, rows, cka,
                                 layer_map.as_dict(), time.perf_counter() - start, notes)


@dataclass
class _LayerData:
    """What the conditions train on; every condition gets ``steps`` optimiser steps."""

    rows: TrainingRows
    enc_general: object | None  # general text for the task-agnostic stage ("agnostic" only)
    steps: int


def _layer_data(spec: LayerExperimentSpec, teacher, task, train_df: pd.DataFrame, transfer: list[str], home: Path | None,
                notes: list[str]) -> _LayerData:
    tok = teacher.tokenizer
    rows = training_rows(teacher, task, train_df, transfer, spec.max_length, home)
    steps = spec.epochs * math.ceil(len(rows.enc_distil) / spec.batch_size)
    enc_general = None
    if spec.experiment == "agnostic":
        general = load_general_text()[: spec.general_size] if spec.general_size else load_general_text()
        enc_general = encode(tok, general, spec.max_length)
        notes.append(f"task-agnostic stage: {steps // 2} steps on {len(general)} general-text rows against the pre-trained teacher "
                     f"(hidden-state MSE + {ATTENTION_WEIGHT:g} x attention MSE); its activations are computed per batch in inference mode")
    if spec.experiment in ("objective", "agnostic"):
        notes.append("teacher activations for intermediate terms are computed per batch in inference mode (no grad); "
                     "its logits come from the disk cache")
    return _LayerData(rows, enc_general, steps)


def _train_condition(spec: LayerExperimentSpec, condition: str, student, cfg: TrainConfig, data: _LayerData, layer_map: LayerMap,
                     teacher, pretrained, on_event, cancel, phase: str) -> None:
    experiment, steps, rows = spec.experiment, data.steps, data.rows

    def distil(intermediate: Intermediate | None = None) -> None:
        loss = make_loss(rows.teacher_distil, temperature=spec.temperature, alpha=spec.alpha, intermediate=intermediate)
        train(student, rows.enc_distil, rows.labels_distil, cfg, loss_fn=loss, validation=rows.validation,
              on_event=on_event, cancel=cancel, phase=phase, max_steps=steps)

    def fine_tune(n_steps: int) -> None:  # hard labels on the task, no teacher
        train(student, rows.enc_labelled, rows.labels, cfg, validation=rows.validation, on_event=on_event, cancel=cancel, phase=phase,
              max_steps=n_steps)

    if experiment == "init":
        distil()
    elif experiment == "objective":
        if condition == "logits":
            distil()
        elif condition == "logits + hidden":
            distil(Intermediate(teacher, layer_map, hidden_mse=1.0))
        elif condition == "logits + attention":
            distil(Intermediate(teacher, layer_map, attention=ATTENTION_WEIGHT))
        else:
            distil(Intermediate(teacher, pkd_map(layer_map, student.config.num_hidden_layers), pkd=1.0))
    else:
        if condition == "fine-tune only":
            fine_tune(steps)
        elif condition == "task-specific":
            distil(Intermediate(teacher, layer_map, hidden_mse=1.0, attention=ATTENTION_WEIGHT))
        else:
            general_steps = max(1, steps // 2)
            general_distill(student, pretrained, data.enc_general, layer_map, cfg, general_steps, on_event, cancel, phase)
            fine_tune(steps - general_steps)


def general_distill(student, base_teacher, encoded, layer_map: LayerMap, cfg: TrainConfig, steps: int,
                    on_event: EventFn | None = None, cancel: threading.Event | None = None, phase: str = "general") -> None:
    """Task-agnostic distillation: match the pre-trained teacher's hidden states and attention on unlabelled text.

    No labels and no logits: the loss is the intermediate terms alone (TinyBERT's general distillation).
    """
    if len(encoded) == 0:
        raise DistillError("no general text to distil on")
    base_teacher.eval()
    labels = np.full(len(encoded), IGNORE_LABEL)
    loss = make_loss(intermediate=Intermediate(base_teacher, layer_map, hidden_mse=1.0, attention=ATTENTION_WEIGHT))
    train(student, encoded, labels, cfg, loss_fn=loss, on_event=on_event, cancel=cancel, phase=f"{phase} (general text)", max_steps=steps)


def attention_maps(model, tokenizer, text: str, max_length: int = 32) -> tuple[list[str], list[np.ndarray]]:
    """(tokens, one (heads, seq, seq) array per layer) of ``model`` reading ``text``; rows attend to columns."""
    import torch

    text = (text or "").strip()[:2000]
    if not text:
        raise DistillError("type a sentence first")
    enc = tokenizer(text, truncation=True, max_length=max_length, return_tensors="pt")
    model.set_attn_implementation("eager")  # the fused kernels return no attention weights
    model.eval()
    with torch.inference_mode():
        out = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], output_attentions=True)
    tokens = tokenizer.convert_ids_to_tokens(enc["input_ids"][0].tolist())
    return tokens, [a[0].numpy() for a in out.attentions]


@dataclass
class AttentionViewer:
    """The pre-trained teacher, a student copied from its layers (before training) and, optionally, a
    distilled student from a run's folder: what the page's attention maps compare."""

    teacher: object
    tokenizer: object
    before: object
    after: object | None = None

    def maps(self, which: str, text: str) -> tuple[list[str], list[np.ndarray]]:
        model = {"teacher": self.teacher, "before": self.before, "after": self.after}[which]
        if model is None:
            raise DistillError("no distilled student yet: run an experiment first")
        return attention_maps(model, self.tokenizer, text)

    @property
    def heads(self) -> int:
        return int(self.teacher.config.num_attention_heads)


def attention_viewer(kept: tuple[int, ...], student_folder: str | None = None) -> AttentionViewer:
    teacher, tok = M.load_teacher(M.BUNDLED, 3)
    before = M.build_student(teacher, list(kept), init="teacher")
    after = None
    if student_folder:
        import json

        n_labels = len(json.loads((Path(student_folder) / "config.json").read_text(encoding="utf-8")).get("id2label") or {0: 0, 1: 1, 2: 2})
        after, _ = M.load_teacher(student_folder, n_labels, allow_hub=False)
    return AttentionViewer(teacher.eval(), tok, before.eval(), None if after is None else after.eval())
