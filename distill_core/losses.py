"""Distillation objectives, each with its formula and its paper, and the loss a training step minimises.

Shapes: logits (batch, classes); hidden states (batch, seq, hidden); attention
(batch, heads, seq, seq); attention_mask (batch, seq) with 1 for real tokens, 0 for padding.
Every token-level loss averages over real tokens only, so padding never teaches anything.

``OBJECTIVES`` is the one list of intermediate-layer objectives (name, label, batch term, default
weight, paper) that the CLI, the pages and the formatter read; ``make_loss`` builds the function
``training.train`` calls on each batch: the KD loss plus the weighted intermediate terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .mappings import LayerMap

IGNORE_LABEL = -100  # rows of the transfer set carry no hard label


@dataclass
class KDLoss:
    """The KD loss and its parts, detached to floats for logging."""

    total: torch.Tensor  # scalar, with grad
    hard: float  # CE(student, labels) over labelled rows
    kl: float  # KL(teacher_T || student_T), batchmean
    soft: float  # T^2 * kl, the soft term as it enters the total

    def parts(self) -> dict[str, float]:
        return {"loss": float(self.total.detach()), "hard_ce": self.hard, "soft_kl_t2": self.soft}


def soft_kl(student_logits: torch.Tensor, teacher_logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """KL(softmax(t/T) || softmax(s/T)) summed over classes and averaged over the batch.

    F.kl_div takes the student's log-probabilities and the teacher's; ``reduction="batchmean"``
    divides the sum by the batch size, which is the mathematical KL per example. The default
    ``"mean"`` also divides by the number of classes and silently shrinks the soft term K times.
    """
    log_p_student = F.log_softmax(student_logits / temperature, dim=-1)
    log_p_teacher = F.log_softmax(teacher_logits / temperature, dim=-1)
    return F.kl_div(log_p_student, log_p_teacher, reduction="batchmean", log_target=True)


def kd_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor | None,
    labels: torch.Tensor | None,
    temperature: float = 4.0,
    alpha: float = 0.5,
    unlabelled_weight: float | None = None,
) -> KDLoss:
    """Logit distillation (Hinton, Vinyals & Dean 2015).

        L = alpha * CE(student, labels) + (1 - alpha) * T^2 * KL(softmax(t/T) || softmax(s/T))

    alpha weights the hard labels. The T^2 factor keeps the soft term's gradient, which scales as
    1/T^2, comparable across temperatures. Rows whose label is IGNORE_LABEL (transfer-set text)
    contribute to the soft term only; with no teacher the loss is plain cross-entropy.
    By default the two terms are batch means (labelled rows share the CE, all rows the KL); with
    ``unlabelled_weight`` the loss is a mean over rows in which an unlabelled row's soft term has
    that weight (see ``_per_row_kd``).
    """
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    zero = student_logits.new_zeros(())
    hard = zero
    if labels is not None and bool((labels != IGNORE_LABEL).any()):
        hard = F.cross_entropy(student_logits, labels, ignore_index=IGNORE_LABEL)
    if teacher_logits is None:
        return KDLoss(total=hard, hard=float(hard.detach()), kl=0.0, soft=0.0)
    teacher_logits = teacher_logits.to(student_logits.dtype)
    if unlabelled_weight is not None and labels is not None:
        total, kl = _per_row_kd(student_logits, teacher_logits, labels, temperature, alpha, unlabelled_weight)
        soft = temperature**2 * kl
    else:
        kl = soft_kl(student_logits, teacher_logits, temperature)
        soft = temperature**2 * kl
        total = alpha * hard + (1.0 - alpha) * soft
    return KDLoss(total=total, hard=float(hard.detach()), kl=float(kl.detach()), soft=float(soft.detach()))


def _per_row_kd(student_logits, teacher_logits, labels, temperature: float, alpha: float,
                unlabelled_weight: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(total, KL) where total is the mean over rows of: alpha * CE_i + (1 - alpha) * T^2 * KL_i for a labelled row,
    w * T^2 * KL_i for an unlabelled one, and KL the batch mean of KL_i (as soft_kl gives it, for logging).

    Every row has weight 1 in the mean, as every row of a pseudo-labelled set has: the teacher stands
    in for the missing label instead of getting only the (1 - alpha) share of it. The flip side: a
    labelled row's CE now weighs alpha / n, not alpha / (labelled rows in the batch), so with a few
    labels among many transfer rows the labels count for little (as they do with pseudo-labels).
    (T^2 * KL and CE are on comparable scales, not equal ones: this equalises weights, not gradients.)
    """
    log_ps = F.log_softmax(student_logits / temperature, dim=-1)
    log_pt = F.log_softmax(teacher_logits / temperature, dim=-1)
    kl_rows = F.kl_div(log_ps, log_pt, reduction="none", log_target=True).sum(-1)  # (batch,); their mean is soft_kl's batchmean
    soft_rows = kl_rows * temperature**2
    labelled = labels != IGNORE_LABEL
    ce_rows = F.cross_entropy(student_logits, labels.clamp(min=0), reduction="none") * labelled  # (batch,)
    rows = torch.where(labelled, alpha * ce_rows + (1.0 - alpha) * soft_rows, unlabelled_weight * soft_rows)
    return rows.mean(), kl_rows.mean()


def kl_reductions(student_logits: torch.Tensor, teacher_logits: torch.Tensor, temperature: float) -> dict[str, float]:
    """The pitfall, side by side: nn.KLDivLoss() with its default "mean" vs "batchmean".

    "mean" averages over batch x classes, so it equals batchmean / K. Only "batchmean" is the KL
    in the formula; the seed article's ``nn.KLDivLoss()`` weakens the soft term K times.
    """
    log_p_s = F.log_softmax(student_logits / temperature, dim=-1)
    p_t = F.softmax(teacher_logits / temperature, dim=-1)
    values = {reduction: float(nn.KLDivLoss(reduction=reduction)(log_p_s, p_t)) for reduction in ("mean", "batchmean", "sum")}
    values["classes"] = int(student_logits.shape[-1])
    values["batch"] = int(student_logits.shape[0])
    return values


def _token_mask(attention_mask: torch.Tensor | None, like: torch.Tensor) -> torch.Tensor:
    """(batch, seq, 1) float mask of real tokens."""
    if attention_mask is None:
        return like.new_ones(like.shape[:2]).unsqueeze(-1)
    return attention_mask.to(like.dtype).unsqueeze(-1)


def hidden_mse(student_hidden: torch.Tensor, teacher_hidden: torch.Tensor, attention_mask: torch.Tensor | None = None,
               projection: nn.Module | None = None) -> torch.Tensor:
    """FitNets hint loss (Romero et al. 2015), the hidden-state term of TinyBERT (Jiao et al. 2020).

        L = sum_tokens || W h_s - h_t ||^2 / (n_real_tokens * hidden_t)

    W is a learned linear map from the student's width to the teacher's, needed when they differ.
    """
    if projection is not None:
        student_hidden = projection(student_hidden)  # (batch, seq, hidden_t)
    if student_hidden.shape[-1] != teacher_hidden.shape[-1]:
        raise ValueError(
            f"hidden sizes differ ({student_hidden.shape[-1]} vs {teacher_hidden.shape[-1]}): pass a projection"
        )
    mask = _token_mask(attention_mask, student_hidden)
    sq = (student_hidden - teacher_hidden.to(student_hidden.dtype)) ** 2 * mask  # (batch, seq, hidden_t)
    return sq.sum() / (mask.sum().clamp_min(1.0) * student_hidden.shape[-1])


def cosine_hidden_loss(student_hidden: torch.Tensor, teacher_hidden: torch.Tensor, attention_mask: torch.Tensor | None = None,
                       projection: nn.Module | None = None) -> torch.Tensor:
    """DistilBERT's cosine embedding loss on the last hidden states (Sanh et al. 2019).

        L = mean over real tokens of (1 - cos(h_s, h_t))
    """
    if projection is not None:
        student_hidden = projection(student_hidden)  # (batch, seq, hidden_t)
    cos = F.cosine_similarity(student_hidden, teacher_hidden.to(student_hidden.dtype), dim=-1)  # (batch, seq)
    mask = _token_mask(attention_mask, student_hidden).squeeze(-1)
    return ((1.0 - cos) * mask).sum() / mask.sum().clamp_min(1.0)


def attention_loss(student_attention: torch.Tensor, teacher_attention: torch.Tensor,
                   attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """TinyBERT attention-based distillation (Jiao et al. 2020).

        L = (1/h) sum_heads MSE(A_s, A_t), over real query and key positions only

    TinyBERT matches the attention scores before softmax; we match the attention probabilities,
    which transformers returns, with the same MSE. (MiniLM, Wang et al. 2020, does not use an MSE: it
    matches only the teacher's last layer, its attention distributions with a KL divergence, plus the
    value relations softmax(V V^T / sqrt(d_k)) with a KL divergence too.) When the head counts
    differ, both sides are averaged over heads first.
    """
    if student_attention.shape[1] != teacher_attention.shape[1]:
        student_attention = student_attention.mean(dim=1, keepdim=True)
        teacher_attention = teacher_attention.mean(dim=1, keepdim=True)
    teacher_attention = teacher_attention.to(student_attention.dtype)
    if attention_mask is None:
        return F.mse_loss(student_attention, teacher_attention)
    m = attention_mask.to(student_attention.dtype)
    pair_mask = (m[:, :, None] * m[:, None, :]).unsqueeze(1)  # (batch, 1, seq, seq)
    sq = (student_attention - teacher_attention) ** 2 * pair_mask  # (batch, heads, seq, seq)
    return sq.sum() / (pair_mask.sum().clamp_min(1.0) * student_attention.shape[1])


def pkd_loss(student_cls: list[torch.Tensor], teacher_cls: list[torch.Tensor]) -> torch.Tensor:
    """Patient KD (Sun et al. 2019): match L2-normalised [CLS] states over several layer pairs.

        L = sum_pairs || h_s / ||h_s|| - h_t / ||h_t|| ||^2, averaged over the batch
    Each tensor is (batch, hidden); the lists pair student layer i with its chosen teacher layer.
    """
    if len(student_cls) != len(teacher_cls) or not student_cls:
        raise ValueError("pkd_loss needs the same, non-zero number of student and teacher layers")
    total = student_cls[0].new_zeros(())
    for s, t in zip(student_cls, teacher_cls):
        diff = F.normalize(s, dim=-1) - F.normalize(t.to(s.dtype), dim=-1)
        total = total + (diff**2).sum(dim=-1).mean()
    return total


# ------------------------------------------------------------------ the registry of intermediate objectives
# Each term takes the student's and the teacher's outputs for one batch (hidden_states: a tuple of
# (batch, seq, hidden), embeddings first; attentions: a tuple of (batch, heads, seq, seq)), the
# (batch, seq) mask, the layer map and the FitNets projection, and gives a scalar, or None when the
# map has no pair for it.


def _hidden_term(out, t_out, mask, layer_map: LayerMap, projection) -> torch.Tensor | None:
    pairs = layer_map.hidden
    if not pairs:
        return None
    return sum(hidden_mse(out.hidden_states[s], t_out.hidden_states[t], mask, projection) for s, t in pairs) / len(pairs)


def _attention_term(out, t_out, mask, layer_map: LayerMap, projection) -> torch.Tensor | None:
    amap = layer_map.attention
    if not amap:
        return None
    return sum(attention_loss(out.attentions[s], t_out.attentions[t], mask) for s, t in amap) / len(amap)


def _last_pair(out, t_out) -> tuple[int, int]:
    return len(out.hidden_states) - 1, len(t_out.hidden_states) - 1


def _pkd_term(out, t_out, mask, layer_map: LayerMap, projection) -> torch.Tensor:
    inner = [(s, t) for s, t in layer_map.hidden if s > 0] or [_last_pair(out, t_out)]  # embeddings skipped
    # [CLS] states: (batch, hidden) each
    return pkd_loss([out.hidden_states[s][:, 0] for s, _ in inner], [t_out.hidden_states[t][:, 0] for _, t in inner])


def _cosine_term(out, t_out, mask, layer_map: LayerMap, projection) -> torch.Tensor:
    s_idx, t_idx = max(layer_map.hidden) if layer_map.hidden else _last_pair(out, t_out)
    return cosine_hidden_loss(out.hidden_states[s_idx], t_out.hidden_states[t_idx], mask, projection)


@dataclass(frozen=True)
class Objective:
    name: str  # the key in specs, the CLI option (--hidden-mse) and the logged loss part
    label: str  # for people
    function: Callable  # (out, t_out, mask, layer_map, projection) -> scalar tensor, or None
    default_weight: float
    paper: str


# Attention MSEs are ~1e-3, hence the larger default weight.
OBJECTIVES: dict[str, Objective] = {o.name: o for o in (
    Objective("hidden_mse", "hidden states", _hidden_term, 1.0, "FitNets, Romero et al. 2015; TinyBERT, Jiao et al. 2020"),
    Objective("attention", "attention maps", _attention_term, 100.0, "TinyBERT, Jiao et al. 2020"),
    Objective("pkd", "[CLS] over layers", _pkd_term, 1.0, "Patient KD, Sun et al. 2019"),
    Objective("cosine", "cosine of hidden states", _cosine_term, 1.0, "DistilBERT, Sanh et al. 2019"),
)}


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

    def weights(self) -> dict[str, float]:
        """The objectives in use and their weights, in the registry's order."""
        return {name: getattr(self, name) for name in OBJECTIVES if getattr(self, name) > 0}

    @property
    def active(self) -> bool:
        return bool(self.weights())


def _intermediate_loss(model, batch: dict, cfg: Intermediate, projection) -> tuple[torch.Tensor, dict[str, float], torch.Tensor]:
    """(weighted sum, parts, the student's logits (batch, classes)) of the intermediate objectives for one batch."""
    kwargs = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"], "output_hidden_states": True}
    if cfg.attention > 0:
        kwargs["output_attentions"] = True
    out = model(**kwargs)
    with torch.no_grad():
        t_out = cfg.teacher(**kwargs)
    total = out.logits.new_zeros(())
    parts: dict[str, float] = {}
    for name, weight in cfg.weights().items():
        term = OBJECTIVES[name].function(out, t_out, batch["attention_mask"], cfg.layer_map, projection)
        if term is not None:
            total = total + weight * term
            parts[name] = float(term.detach())
    return total, parts, out.logits


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


def _hidden_size(model) -> int:
    return int(getattr(model.config, "hidden_size", None) or model.config.dim)


# ------------------------------------------------------------------ the loss of a training step


class DistillLoss:
    """``loss(model, batch) -> (scalar with grad, parts for logging)``: what ``training.train`` minimises.

    ``batch`` is a padded batch (input_ids, attention_mask (batch, seq), index: its rows, labels (batch,)).
    Hard labels only without teacher logits; the KD loss with them, reading the cached logits by row
    (no teacher forward pass); plus the intermediate terms, for which the teacher does run per batch.
    ``attach`` readies the models before training (attention mode, FitNets projection) and returns the
    loss's own trainable module, if any; ``detach`` undoes what ``attach`` changed.
    """

    def __init__(self, teacher_logits=None, temperature: float = 4.0, alpha: float = 0.5,
                 unlabelled_weight: float | None = None, intermediate: Intermediate | None = None):
        # (rows, classes), indexed by the batch's row numbers
        self.teacher_logits = None if teacher_logits is None else torch.tensor(np.asarray(teacher_logits), dtype=torch.float32)
        self.temperature, self.alpha, self.unlabelled_weight = temperature, alpha, unlabelled_weight
        self.intermediate = intermediate if intermediate is not None and intermediate.active else None
        self.projection: nn.Module | None = None
        self._undo: list[Callable[[], None]] = []

    def attach(self, model) -> nn.Module | None:
        inter = self.intermediate
        if inter is None:
            return None
        if inter.attention > 0:
            self._undo = _attention_mode(model, inter.teacher)
        inter.teacher.eval()
        d_s, d_t = _hidden_size(model), _hidden_size(inter.teacher)
        if d_s != d_t:  # FitNets: a learned map from the student's width to the teacher's
            self.projection = nn.Linear(d_s, d_t)
        return self.projection

    def detach(self) -> None:
        for undo in self._undo:
            undo()
        self._undo = []

    def __call__(self, model, batch: dict) -> tuple[torch.Tensor, dict[str, float]]:
        extra_parts: dict[str, float] = {}
        if self.intermediate is not None:
            extra, extra_parts, logits = _intermediate_loss(model, batch, self.intermediate, self.projection)
        else:
            extra = None
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        loss = kd_loss(
            logits,  # (batch, classes)
            None if self.teacher_logits is None else self.teacher_logits[batch["index"]],
            batch["labels"],
            temperature=self.temperature,
            alpha=self.alpha,
            unlabelled_weight=self.unlabelled_weight,
        )
        total = loss.total if extra is None else loss.total + extra
        parts = {**loss.parts(), **extra_parts}
        if extra is not None:
            parts["loss"] = float(total.detach())
        return total, parts


def make_loss(teacher_logits=None, *, temperature: float = 4.0, alpha: float = 0.5,
              unlabelled_weight: float | None = None, intermediate: Intermediate | None = None) -> DistillLoss:
    """The loss of a training step: hard-label CE alone (no arguments), Hinton's KD with ``teacher_logits``
    (rows, classes) at ``temperature`` / ``alpha`` (``unlabelled_weight``: see ``kd_loss``), plus the
    ``intermediate`` objectives when given."""
    return DistillLoss(teacher_logits, temperature, alpha, unlabelled_weight, intermediate)
