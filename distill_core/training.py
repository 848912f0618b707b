"""The training loop: one loop for the teacher's fine-tune, the hard-label student and the distilled one.

Like minGPT's trainer, the loop knows nothing about the UI: it reports through ``on_event``
(a callable taking a plain dict) and stops at the next step when ``cancel`` is set.
Events: {"kind": "step", ...loss parts, lr, examples_per_s}, {"kind": "eval", val_accuracy},
{"kind": "phase", "phase", "message"}.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
from torch import nn

from .data import Encoded, batch_indices, pad_batch
from .errors import Cancelled, DistillError
from .losses import attention_loss, cosine_hidden_loss, hidden_mse, kd_loss, pkd_loss
from .mappings import LayerMap

EventFn = Callable[[dict], None]


class Progress:
    """Overall progress and ETA across a run's phases, in units of work the caller plans (examples x layers,
    or examples): ``forward`` turns a training's step events into units, so the bar moves within a training."""

    def __init__(self, on_event: EventFn | None):
        self.emit = on_event or (lambda e: None)
        self.total = 1.0
        self.done = 0.0
        self.start = time.perf_counter()

    def plan(self, total: float) -> None:
        self.total = max(total, 1.0)

    def add(self, units: float) -> None:
        self.done += units
        elapsed = time.perf_counter() - self.start
        frac = min(self.done / self.total, 1.0)
        eta = elapsed * (1 - frac) / frac if frac > 0.02 else None
        self.emit({"kind": "progress", "fraction": frac, "elapsed_s": elapsed, "eta_s": eta})

    def finish(self) -> None:
        """The plan is an estimate: the end is 100%, whatever it said."""
        self.done = self.total
        self.add(0)

    def forward(self, units_per_example: float = 1.0):
        """An on_event for a training phase that also advances the overall progress."""

        def handle(event: dict) -> None:
            self.emit(event)
            if event["kind"] == "step":
                self.add(units_per_example * event["batch_size"])

        return handle




@dataclass
class TrainConfig:
    epochs: int = 3  # passes over the training rows
    learning_rate: float = 5e-5  # AdamW peak, linear warm-up then linear decay
    batch_size: int = 32
    max_length: int = 64  # tokens; longer texts are cut
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    seed: int = 0
    temperature: float = 4.0  # for distillation only
    alpha: float = 0.5  # weight of the hard-label CE; 1 - alpha weights T^2 * KL
    unlabelled_weight: float | None = None  # None: batch-mean terms; a number: per-row mix (losses._per_row_kd)


@dataclass
class Intermediate:
    """Intermediate-layer objectives, each weighted and logged as its own loss part.

    The teacher runs once per batch in no-grad mode to give its hidden states and attention
    maps (on 2 cores, caching them for thousands of rows would take gigabytes); the logits still
    come from the on-disk cache.
    """

    teacher: object  # the fine-tuned teacher (eval mode)
    layer_map: LayerMap
    hidden_mse: float = 0.0  # FitNets / TinyBERT hidden-state MSE over layer_map.hidden
    attention: float = 0.0  # TinyBERT attention MSE over layer_map.attention
    pkd: float = 0.0  # Patient KD: normalised [CLS] over layer_map.hidden (embeddings skipped)
    cosine: float = 0.0  # DistilBERT cosine between the last mapped hidden states

    @property
    def active(self) -> bool:
        return any(w > 0 for w in (self.hidden_mse, self.attention, self.pkd, self.cosine))


def _attention_mode(student, teacher) -> list[Callable[[], None]]:
    """Eager attention for both (the fused kernels return no attention maps) and no attention dropout in
    the student: its returned maps are taken after dropout, so the MSE would chase 0.9 x teacher + noise.
    Returns the undo steps, so later trainings and timings see the models as they were."""
    undo: list[Callable[[], None]] = []
    for model in (student, teacher):
        before = getattr(model.config, "_attn_implementation", None) or "sdpa"
        model.set_attn_implementation("eager")
        undo.append(lambda m=model, b=before: m.set_attn_implementation(b))
    for module in student.modules():
        drop = getattr(module, "dropout", None)
        if "Attention" in type(module).__name__ and isinstance(drop, nn.Dropout) and drop.p > 0:
            undo.append(lambda d=drop, p=drop.p: setattr(d, "p", p))
            drop.p = 0.0
    return undo


def _intermediate_loss(model, teacher, batch: dict, cfg: "Intermediate", projection) -> tuple[torch.Tensor, dict]:
    """(weighted sum, parts) of the intermediate objectives for one batch; also returns the student's logits."""
    want_attn = cfg.attention > 0
    kwargs = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"], "output_hidden_states": True}
    if want_attn:
        kwargs["output_attentions"] = True
    out = model(**kwargs)
    with torch.no_grad():
        t_out = teacher(**kwargs)
    mask = batch["attention_mask"]
    total = out.logits.new_zeros(())
    parts: dict[str, float] = {}
    pairs = cfg.layer_map.hidden
    if cfg.hidden_mse > 0 and pairs:
        term = sum(hidden_mse(out.hidden_states[s], t_out.hidden_states[t], mask, projection) for s, t in pairs) / len(pairs)
        total = total + cfg.hidden_mse * term
        parts["hidden_mse"] = float(term.detach())
    if want_attn and cfg.layer_map.attention:
        amap = cfg.layer_map.attention
        term = sum(attention_loss(out.attentions[s], t_out.attentions[t], mask) for s, t in amap) / len(amap)
        total = total + cfg.attention * term
        parts["attention"] = float(term.detach())
    if cfg.pkd > 0:
        inner = [(s, t) for s, t in pairs if s > 0] or [(len(out.hidden_states) - 1, len(t_out.hidden_states) - 1)]
        term = pkd_loss([out.hidden_states[s][:, 0] for s, _ in inner], [t_out.hidden_states[t][:, 0] for _, t in inner])
        total = total + cfg.pkd * term
        parts["pkd"] = float(term.detach())
    if cfg.cosine > 0:
        s_idx, t_idx = max(pairs) if pairs else (len(out.hidden_states) - 1, len(t_out.hidden_states) - 1)
        term = cosine_hidden_loss(out.hidden_states[s_idx], t_out.hidden_states[t_idx], mask, projection)
        total = total + cfg.cosine * term
        parts["cosine"] = float(term.detach())
    return total, parts, out.logits


@dataclass
class TrainResult:
    history: list[dict] = field(default_factory=list)  # one dict per step and per eval
    seconds: float = 0.0
    examples: int = 0

    @property
    def examples_per_s(self) -> float:
        return self.examples / self.seconds if self.seconds else 0.0


def set_seed(seed: int) -> None:
    import random

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _optimizer(model, cfg: TrainConfig, total_steps: int, extra: nn.Module | None = None):
    decay, no_decay = [], []
    named = list(model.named_parameters()) + (list(extra.named_parameters()) if extra is not None else [])
    for name, p in named:
        (no_decay if p.ndim < 2 or "LayerNorm" in name or "layer_norm" in name else decay).append(p)
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    try:  # the fused CPU kernel is ~13x faster per optimiser step (NOTES-environment)
        opt = torch.optim.AdamW(groups, lr=cfg.learning_rate, fused=True)
    except (RuntimeError, TypeError):
        opt = torch.optim.AdamW(groups, lr=cfg.learning_rate)
    warmup = max(1, int(total_steps * cfg.warmup_ratio))

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    return opt, torch.optim.lr_scheduler.LambdaLR(opt, schedule)


@torch.inference_mode()
def predict_logits(model, encoded: Encoded, batch_size: int = 64) -> np.ndarray:
    """(n, classes) logits, rows in the order of ``encoded``; batches sorted by length for speed."""
    model.eval()
    order = sorted(range(len(encoded)), key=lambda i: len(encoded.input_ids[i]))
    out = np.zeros((len(encoded), model.config.num_labels), dtype=np.float32)
    with torch.inference_mode():  # no autograd bookkeeping: inference only
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = pad_batch(encoded, idx)
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            out[idx] = logits.float().numpy()
    return out


def train(
    model,
    encoded: Encoded,
    labels: np.ndarray,
    cfg: TrainConfig,
    *,
    teacher_logits: np.ndarray | None = None,
    validation: tuple[Encoded, np.ndarray] | None = None,
    on_event: EventFn | None = None,
    cancel: threading.Event | None = None,
    phase: str = "train",
    max_steps: int | None = None,
    intermediate: Intermediate | None = None,
) -> TrainResult:
    """Train ``model`` in place on (encoded, labels); labels of IGNORE_LABEL are transfer rows.

    With ``teacher_logits`` (n, classes) the loss is the KD loss at cfg.temperature / cfg.alpha,
    reading the cached logits by row: no teacher forward pass runs inside the loop.
    ``max_steps`` fixes the number of optimiser steps instead of cfg.epochs (cycling over the
    data as often as needed), so conditions with different data sizes get the same compute.
    """
    set_seed(cfg.seed)
    n = len(encoded)
    if n == 0:
        raise DistillError("no training rows")
    steps_per_epoch = math.ceil(n / cfg.batch_size)
    total = max_steps if max_steps is not None else steps_per_epoch * cfg.epochs
    n_epochs = math.ceil(total / steps_per_epoch)
    projection = None
    restore: list[Callable[[], None]] = []  # settings changed for the attention term, put back at the end
    if intermediate is not None and intermediate.active:
        if intermediate.attention > 0:
            restore = _attention_mode(model, intermediate.teacher)
        intermediate.teacher.eval()
        d_s, d_t = _hidden_size(model), _hidden_size(intermediate.teacher)
        if d_s != d_t:  # FitNets: a learned map from the student's width to the teacher's
            projection = nn.Linear(d_s, d_t)
    else:
        intermediate = None
    try:
        opt, sched = _optimizer(model, cfg, total, projection)
        labels_t = torch.tensor(np.asarray(labels), dtype=torch.long)
        teacher_t = None if teacher_logits is None else torch.tensor(np.asarray(teacher_logits), dtype=torch.float32)
        result = TrainResult()
        emit = on_event or (lambda event: None)
        step = 0
        start = time.perf_counter()
        for epoch in range(n_epochs):
            model.train()
            for idx in batch_indices(n, cfg.batch_size, shuffle=True, seed=cfg.seed * 1000 + epoch):
                if step >= total:
                    break
                if cancel is not None and cancel.is_set():
                    result.seconds = time.perf_counter() - start
                    raise Cancelled(f"{phase}: cancelled at step {step} of {total}")
                batch = pad_batch(encoded, idx)
                extra_parts: dict[str, float] = {}
                if intermediate is not None:
                    extra, extra_parts, logits = _intermediate_loss(model, intermediate.teacher, batch, intermediate, projection)
                else:
                    extra = None
                    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
                loss = kd_loss(
                    logits,
                    None if teacher_t is None else teacher_t[batch["index"]],
                    labels_t[batch["index"]],
                    temperature=cfg.temperature,
                    alpha=cfg.alpha,
                    unlabelled_weight=cfg.unlabelled_weight,
                )
                total_loss = loss.total if extra is None else loss.total + extra
                opt.zero_grad(set_to_none=True)
                total_loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                step += 1
                result.examples += len(idx)
                elapsed = time.perf_counter() - start
                event = {
                    "kind": "step",
                    "phase": phase,
                    "step": step,
                    "total_steps": total,
                    "epoch": step / steps_per_epoch,  # fractional, for curves
                    "lr": sched.get_last_lr()[0],
                    "examples_per_s": result.examples / elapsed,
                    "batch_size": len(idx),
                    **loss.parts(),
                    **extra_parts,
                }
                if extra is not None:
                    event["loss"] = float(total_loss.detach())
                result.history.append(event)
                emit(event)
            if validation is not None:
                val_logits = predict_logits(model, validation[0])
                val_acc = float((val_logits.argmax(1) == np.asarray(validation[1])).mean())
                event = {"kind": "eval", "phase": phase, "step": step, "epoch": epoch + 1, "val_accuracy": val_acc}
                result.history.append(event)
                emit(event)
        result.seconds = time.perf_counter() - start
        return result
    finally:
        for undo in restore:
            undo()


def _hidden_size(model) -> int:
    return int(getattr(model.config, "hidden_size", None) or model.config.dim)
