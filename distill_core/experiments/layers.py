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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import models as M
from ..data import encode, load_general_text, load_sample_task
from ..errors import DistillError
from ..evaluation import cka_matrix, evaluate_logits
from ..losses import IGNORE_LABEL
from ..mappings import LayerMap, check_map, make_map
from ..errors import Cancelled
from ..teacher import TeacherConfig, cached_teacher_logits, get_teacher, save_student
from ..training import (
    EventFn, Intermediate, Progress, TrainConfig, predict_logits, train,
)

# experiment -> (title, [(condition, description)], what the literature reports)
EXPERIMENTS: dict[str, tuple[str, list[tuple[str, str]], str]] = {
    "init": (
        "Initialisation: teacher layers vs random",
        [("teacher layers", "student layers copied from the pre-trained teacher, then logit distillation"),
         ("random", "the same architecture from random weights, then logit distillation")],
        "DistilBERT (Sanh et al. 2019) initialises the student from one teacher layer in two; their ablation "
        "lost 3.7 GLUE points with random initialisation.",
    ),
    "objective": (
        "Objective: what the student matches",
        [("logits", "KD on the teacher's soft targets only"),
         ("logits + hidden", "plus hidden-state MSE on the mapped layers (FitNets / TinyBERT)"),
         ("logits + attention", "plus attention-map MSE on the mapped layers (TinyBERT)"),
         ("logits + PKD", "plus normalised [CLS] MSE on the mapped inner layers (Patient KD)")],
        "TinyBERT (Jiao et al. 2020) and PKD (Sun et al. 2019) report gains from matching intermediate layers. "
        "Here each student layer is matched to the teacher layer it was copied from (the DistilBERT map; "
        "TinyBERT's uniform map would pair last with last), and each term is added to the logits alone.",
    ),
    "agnostic": (
        "Task-agnostic then fine-tune vs task-specific",
        [("fine-tune only", "hard labels on the task, no teacher"),
         ("task-agnostic → fine-tune", "half the steps matching the pre-trained teacher's hidden states and attention on "
                                        "general text, then hard labels on the task"),
         ("task-specific", "all steps distilling the fine-tuned teacher on the task (logits + hidden + attention)")],
        "DistilBERT distils on general text, then fine-tunes; TinyBERT does both stages and reports that each helps "
        "(Jiao et al. 2020).",
    ),
}

# the condition whose seed-0 student a run saves (for the page's attention maps "after distillation")
SHOWCASE = {"init": "teacher layers", "objective": "logits + attention", "agnostic": "task-specific"}
ATTENTION_WEIGHT = 100.0  # attention MSEs are ~1e-3 next to CE ~1: the weight brings them to the same order


@dataclass
class LayerExperimentSpec:
    experiment: str = "objective"  # "init" | "objective" | "agnostic"
    task: str = "sentiment"
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2])
    student_layers: list[int] | None = None  # None: one teacher layer in two
    layer_map: dict | None = None  # a LayerMap as a dict for hidden / attention terms (None: the DistilBERT map)
    epochs: int = 2  # passes over labelled + transfer rows; fixes the steps of every condition
    learning_rate: float = 2e-4
    batch_size: int = 32
    max_length: int = 64
    temperature: float = 4.0
    alpha: float = 0.5
    transfer_size: int = 1000
    max_train: int | None = None
    general_size: int | None = None  # general-text rows for the task-agnostic stage (None: all)
    cka_rows: int = 200  # test rows for the CKA matrices
    teacher: str = M.BUNDLED  # "tiny" in tests
    teacher_epochs: int | None = None

    def validate(self) -> None:
        if self.experiment not in EXPERIMENTS:
            raise DistillError(f"unknown experiment '{self.experiment}'; choose one of {', '.join(EXPERIMENTS)}")
        if not self.seeds:
            raise DistillError("give at least one seed")
        if self.epochs < 1:
            raise DistillError("epochs must be at least 1")
        if not 1e-6 <= self.learning_rate <= 1e-2:
            raise DistillError(f"learning rate {self.learning_rate} is outside 1e-6..1e-2")

    def conditions(self) -> list[str]:
        return [c for c, _ in EXPERIMENTS[self.experiment][1]]

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class LayerExperimentReport:
    spec: dict
    teacher: dict  # test metrics of the fine-tuned teacher
    rows: list[dict]  # one per (condition, seed)
    cka: dict  # condition -> (student hidden x teacher hidden) matrix for seed 0; "before" = untrained student
    layer_map: dict
    seconds: float
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "LayerExperimentReport":
        return cls(**d)

    def summary(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows)
        metrics = ["accuracy", "macro_f1", "agreement"]
        out = df.groupby("condition", sort=False)[metrics].agg(["mean", "std"]).reset_index()
        out.columns = [a if not b else f"{a}_{b}" for a, b in out.columns]
        out["seeds"] = df.groupby("condition", sort=False).size().to_numpy()
        out["steps"] = df.groupby("condition", sort=False)["steps"].first().to_numpy()
        return out

    def verdict(self) -> str:
        """Which condition won, and whether its lead is larger than the seed spread."""
        s = self.summary().set_index("condition")
        first = s.index[0]
        base = s.loc[first]
        best = s["accuracy_mean"].idxmax()
        worst = s["accuracy_mean"].idxmin()
        noise = max(float(np.nan_to_num(s["accuracy_std"]).max()), 0.005)
        lines = []
        for c in s.index[1:]:
            gap = s.loc[c, "accuracy_mean"] - base["accuracy_mean"]
            if abs(gap) <= noise:
                lines.append(f"'{c}' is within the seed spread of '{first}' ({100 * gap:+.1f} vs ±{100 * noise:.1f} points)")
            else:
                lines.append(f"'{c}' is {100 * abs(gap):.1f} points {'above' if gap > 0 else 'below'} '{first}'")
        spread = s.loc[best, "accuracy_mean"] - s.loc[worst, "accuracy_mean"]
        head = (f"Best: '{best}' at {100 * s.loc[best, 'accuracy_mean']:.1f}%. " if spread > noise
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
    emit = on_event or (lambda e: None)
    task = load_sample_task(spec.task)
    notes: list[str] = []
    train_df = task.train
    if spec.max_train and len(train_df) > spec.max_train:
        train_df = train_df.sample(n=spec.max_train, random_state=0).reset_index(drop=True)
        notes.append(f"training rows capped at {spec.max_train} of {len(task.train)}")
    transfer = task.transfer[: spec.transfer_size]
    teacher = get_teacher(task, TeacherConfig.for_task(spec.task, spec.teacher, spec.teacher_epochs), home, on_event, cancel)
    tok = teacher.tokenizer
    n_teacher = teacher.model.config.num_hidden_layers
    layers = M.check_layers(spec.student_layers if spec.student_layers is not None else M.every_other_layer(n_teacher), n_teacher)
    layer_map = _student_map(spec, len(layers), n_teacher, layers)

    from .comparison import student_source

    pretrained = student_source("pretrained", spec.teacher, teacher.model, task.num_labels)
    emit({"kind": "phase", "phase": "teacher logits", "message": "the teacher labels the task and transfer text (cached on disk)"})
    lab_texts, lab_y = train_df["text"].tolist(), train_df["label"].to_numpy()
    distil_texts = lab_texts + list(transfer)
    teacher_distil = cached_teacher_logits(teacher, distil_texts, spec.max_length, home)
    test_texts, test_y = task.test["text"].tolist(), task.test["label"].to_numpy()
    teacher_test = cached_teacher_logits(teacher, test_texts, spec.max_length, home)
    enc_lab = encode(tok, lab_texts, spec.max_length)
    enc_distil = encode(tok, distil_texts, spec.max_length)
    enc_test = encode(tok, test_texts, spec.max_length)
    enc_cka = encode(tok, test_texts[: spec.cka_rows], spec.max_length)
    y_distil = np.concatenate([lab_y, np.full(len(transfer), IGNORE_LABEL)])
    val = (encode(tok, task.validation["text"].tolist(), spec.max_length), task.validation["label"].to_numpy())
    steps = spec.epochs * math.ceil(len(enc_distil) / spec.batch_size)
    teacher_metrics = evaluate_logits(teacher_test, test_y, task.num_labels).as_dict()
    teacher.model.eval()

    enc_general = None
    if spec.experiment == "agnostic":
        general = load_general_text()[: spec.general_size] if spec.general_size else load_general_text()
        enc_general = encode(tok, general, spec.max_length)
        notes.append(f"task-agnostic stage: {steps // 2} steps on {len(general)} general-text rows against the pre-trained teacher "
                     f"(hidden-state MSE + {ATTENTION_WEIGHT:g} x attention MSE); its activations are computed per batch in inference mode")
    if spec.experiment in ("objective", "agnostic"):
        notes.append("teacher activations for intermediate terms are computed per batch in inference mode (no grad); "
                     "its logits come from the disk cache")

    conditions = spec.conditions()
    progress = Progress(on_event)  # in examples: every condition trains steps x batch of them
    progress.plan(len(conditions) * len(spec.seeds) * steps * spec.batch_size)
    rows: list[dict] = []
    cka: dict[str, list[list[float]]] = {}
    for seed in spec.seeds:
        for condition in conditions:
            phase = f"{condition} · seed {seed}"
            emit({"kind": "phase", "phase": phase, "message": f"training: {phase}"})
            init = "random" if condition == "random" else "teacher"
            student = M.build_student(pretrained, layers, init=init, seed=seed)
            if seed == spec.seeds[0] and "before" not in cka and init == "teacher":
                cka["before"] = cka_matrix(student, teacher.model, enc_cka).tolist()
            cfg = TrainConfig(epochs=spec.epochs, learning_rate=spec.learning_rate, batch_size=spec.batch_size,
                              max_length=spec.max_length, seed=seed, temperature=spec.temperature, alpha=spec.alpha)
            t0 = time.perf_counter()
            _train_condition(spec.experiment, condition, student, cfg, steps, layer_map, teacher.model, pretrained,
                             enc_lab, lab_y, enc_distil, y_distil, teacher_distil, enc_general, val, progress.forward(), cancel, phase)
            seconds = time.perf_counter() - t0
            logits = predict_logits(student, enc_test)
            m = evaluate_logits(logits, test_y, task.num_labels, teacher_logits=teacher_test).as_dict()
            rows.append({"condition": condition, "seed": seed, "steps": steps, "seconds": seconds, **m})
            if seed == spec.seeds[0]:
                cka[condition] = cka_matrix(student, teacher.model, enc_cka).tolist()
                if artefact_dir is not None and condition == SHOWCASE[spec.experiment]:
                    save_student(student, tok, Path(artefact_dir) / "student", task.label_names)
            emit({"kind": "result", "phase": phase, "model": condition, "seed": seed, **m})
            if cancel is not None and cancel.is_set():
                raise Cancelled("cancelled")
    progress.finish()
    return LayerExperimentReport(spec.as_dict() | {"student_layers": layers}, teacher_metrics, rows, cka,
                                 layer_map.as_dict(), time.perf_counter() - start, notes)


def _train_condition(experiment, condition, student, cfg, steps, layer_map, teacher, pretrained,
                     enc_lab, lab_y, enc_distil, y_distil, teacher_distil, enc_general, val, on_event, cancel, phase) -> None:
    def distil(intermediate: Intermediate | None = None, n_steps: int = steps) -> None:
        train(student, enc_distil, y_distil, cfg, teacher_logits=teacher_distil, validation=val, on_event=on_event,
              cancel=cancel, phase=phase, max_steps=n_steps, intermediate=intermediate)

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
            train(student, enc_lab, lab_y, cfg, validation=val, on_event=on_event, cancel=cancel, phase=phase, max_steps=steps)
        elif condition == "task-specific":
            distil(Intermediate(teacher, layer_map, hidden_mse=1.0, attention=ATTENTION_WEIGHT))
        else:
            general_steps = max(1, steps // 2)
            general_distill(student, pretrained, enc_general, layer_map, cfg, general_steps, on_event, cancel, phase)
            train(student, enc_lab, lab_y, cfg, validation=val, on_event=on_event, cancel=cancel, phase=phase,
                  max_steps=steps - general_steps)


def general_distill(student, base_teacher, encoded, layer_map: LayerMap, cfg: TrainConfig, steps: int,
                    on_event: EventFn | None = None, cancel: threading.Event | None = None, phase: str = "general") -> None:
    """Task-agnostic distillation: match the pre-trained teacher's hidden states and attention on unlabelled text.

    No labels and no logits: the loss is the intermediate terms alone (TinyBERT's general distillation).
    """
    if len(encoded) == 0:
        raise DistillError("no general text to distil on")
    base_teacher.eval()
    labels = np.full(len(encoded), IGNORE_LABEL)
    train(student, encoded, labels, cfg, on_event=on_event, cancel=cancel, phase=f"{phase} (general text)", max_steps=steps,
          intermediate=Intermediate(base_teacher, layer_map, hidden_mse=1.0, attention=ATTENTION_WEIGHT))


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
