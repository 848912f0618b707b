"""Metrics over predicted logits: accuracy, macro-F1, agreement, calibration, confusion."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .temperature import softmax_t


@dataclass
class Metrics:
    accuracy: float
    macro_f1: float
    ece: float  # expected calibration error, 10 equal-width confidence bins
    agreement: float | None = None  # share of examples where the argmax matches the teacher's

    def as_dict(self) -> dict:
        return asdict(self)


def accuracy(labels, preds) -> float:
    labels, preds = np.asarray(labels), np.asarray(preds)
    return float((labels == preds).mean()) if len(labels) else float("nan")


def macro_f1(labels, preds, num_labels: int) -> float:
    """Unweighted mean of per-class F1 over all classes present in labels or predictions."""
    from sklearn.metrics import f1_score

    return float(f1_score(labels, preds, labels=list(range(num_labels)), average="macro", zero_division=0))


def expected_calibration_error(labels, probs, n_bins: int = 10) -> float:
    """ECE (Guo et al. 2017): sum over confidence bins of |accuracy - confidence| x bin share."""
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(labels)
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (conf > lo) & (conf <= hi)
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - conf[in_bin].mean())
    return float(ece)


def confusion(labels, preds, num_labels: int) -> np.ndarray:
    """(num_labels, num_labels) counts, rows the true class, columns the predicted one."""
    from sklearn.metrics import confusion_matrix

    if len(labels) == 0:  # scikit-learn refuses an empty set
        return np.zeros((num_labels, num_labels), dtype=int)
    return confusion_matrix(labels, preds, labels=list(range(num_labels)))


def evaluate_logits(logits, labels, num_labels: int, teacher_logits=None) -> Metrics:
    logits = np.asarray(logits)
    preds = logits.argmax(axis=1)
    agreement = None
    if teacher_logits is not None:
        agreement = float((np.asarray(teacher_logits).argmax(axis=1) == preds).mean())
    return Metrics(
        accuracy=accuracy(labels, preds),
        macro_f1=macro_f1(labels, preds, num_labels),
        ece=expected_calibration_error(labels, softmax_t(logits, 1.0)),
        agreement=agreement,
    )


def linear_cka(x, y) -> float:
    """Linear CKA (Kornblith et al. 2019) of two representations of the same n examples.

        CKA(X, Y) = ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F), with X (n, d1) and Y (n, d2) centred.
    1 for identical representations; invariant to orthogonal transforms and isotropic scaling.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    x = x - x.mean(axis=0, keepdims=True)
    y = y - y.mean(axis=0, keepdims=True)
    cross = np.linalg.norm(y.T @ x) ** 2
    norm = np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y)
    return float(cross / norm) if norm > 0 else 0.0


def mean_pooled_states(model, encoded, batch_size: int = 64) -> list[np.ndarray]:
    """Per hidden index (0 = embeddings), the mean over real tokens of each example: (n, hidden)."""
    import torch

    from .data import pad_batch

    model.eval()
    layers: list[list[np.ndarray]] | None = None
    with torch.inference_mode():
        for start in range(0, len(encoded), batch_size):
            batch = pad_batch(encoded, list(range(start, min(start + batch_size, len(encoded)))))
            out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], output_hidden_states=True)
            m = batch["attention_mask"].unsqueeze(-1).float()
            pooled = [((h * m).sum(1) / m.sum(1)).numpy() for h in out.hidden_states]
            layers = [[p] for p in pooled] if layers is None else [acc + [p] for acc, p in zip(layers, pooled)]
    return [np.concatenate(parts) for parts in layers or []]


def cka_matrix(student, teacher, encoded) -> np.ndarray:
    """(student hidden indices, teacher hidden indices) linear CKA of mean-pooled states."""
    s_states = mean_pooled_states(student, encoded)
    t_states = mean_pooled_states(teacher, encoded)
    return np.array([[linear_cka(s, t) for t in t_states] for s in s_states])
