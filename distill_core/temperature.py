"""Softmax at a temperature and the quantities that describe it.

Hinton, Vinyals & Dean (2015), "Distilling the Knowledge in a Neural Network":
    p_i = exp(z_i / T) / sum_j exp(z_j / T)
Raising T flattens the distribution and reveals the "dark knowledge" in the
non-argmax classes; T -> 0 gives the one-hot argmax, T -> infinity the uniform
distribution.

NumPy only (no torch), so that the temperature page renders without paying for
a torch import.
"""

from __future__ import annotations

import numpy as np

MIN_TEMPERATURE = 1e-3


def _check_temperature(temperature: float) -> float:
    temperature = float(temperature)
    if not np.isfinite(temperature) or temperature < MIN_TEMPERATURE:
        raise ValueError(f"temperature must be a finite number >= {MIN_TEMPERATURE}, got {temperature}")
    return temperature


def log_softmax_t(logits, temperature: float = 1.0) -> np.ndarray:
    """log softmax(logits / T) over the last axis, stable for |logits| up to 1e4 and beyond.

    Subtracting the max before exp keeps every exponent <= 0, so nothing overflows;
    log-sum-exp on the shifted values keeps the small probabilities' logs exact.
    """
    temperature = _check_temperature(temperature)
    z = np.asarray(logits, dtype=np.float64) / temperature
    if not np.all(np.isfinite(z)):
        raise ValueError("logits must be finite numbers")
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def softmax_t(logits, temperature: float = 1.0) -> np.ndarray:
    """softmax(logits / T) over the last axis; rows sum to 1, no NaN for T in [0.05, 100] and |z| <= 1e4."""
    return np.exp(log_softmax_t(logits, temperature))


def entropy(probs, base: float | None = None) -> np.ndarray:
    """Shannon entropy -sum p log p over the last axis (nats, or bits with base=2); 0 log 0 = 0."""
    p = np.asarray(probs, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p), 0.0)
    h = -terms.sum(axis=-1)
    if base is not None:
        h = h / np.log(base)
    return h


def effective_classes(probs) -> np.ndarray:
    """exp(entropy): the number of equally likely classes with the same entropy (1 = one-hot, K = uniform)."""
    return np.exp(entropy(probs))


def dark_knowledge(probs) -> np.ndarray:
    """Probability mass outside the top class: what a one-hot label throws away."""
    p = np.asarray(probs, dtype=np.float64)
    return 1.0 - p.max(axis=-1)


def kl_divergence(p, q) -> np.ndarray:
    """KL(p || q) = sum p (log p - log q) over the last axis, in nats. Infinite where q = 0 < p."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(p) - np.log(q)), 0.0)
    return terms.sum(axis=-1)


def cross_entropy(p, q) -> np.ndarray:
    """H(p, q) = -sum p log q over the last axis, in nats."""
    return entropy(p) + kl_divergence(p, q)


def log_ratios_to_top(logits, temperature: float = 1.0) -> np.ndarray:
    """log(p_i / p_top) = (z_i - z_top) / T: the ratios between classes, fixed in shape as T changes.

    Every class keeps its rank and its log-ratio to any other class scales by 1/T, which is why
    a higher T shows the same structure, only louder.
    """
    temperature = _check_temperature(temperature)
    z = np.asarray(logits, dtype=np.float64)
    return (z - z.max(axis=-1, keepdims=True)) / temperature


def kd_soft_gradient(student_logits, teacher_logits, temperature: float, scale_by_t2: bool = True) -> np.ndarray:
    """Gradient of the soft term with respect to the student's logits, for one example.

    d/dz_s KL(softmax(t/T) || softmax(s/T)) = (p_s - p_t) / T   (Hinton et al. 2015, eq. 2)
    Multiplying the loss by T^2 gives T * (p_s - p_t): for large T, p ~ 1/K + z/(K T), so
    (p_s - p_t) itself shrinks as 1/T and the unscaled gradient fades as 1/T^2. The T^2 factor keeps
    the soft term's gradient comparable across temperatures.
    """
    temperature = _check_temperature(temperature)
    grad = (softmax_t(student_logits, temperature) - softmax_t(teacher_logits, temperature)) / temperature
    return grad * temperature**2 if scale_by_t2 else grad


def describe(logits, temperature: float) -> dict:
    """Everything the temperature explorer shows for one distribution, as plain floats."""
    p = softmax_t(logits, temperature)
    return {
        "probs": p,
        "entropy_nats": float(entropy(p)),
        "entropy_bits": float(entropy(p, base=2)),
        "max_entropy_bits": float(np.log2(p.shape[-1])),
        "effective_classes": float(effective_classes(p)),
        "dark_knowledge": float(dark_knowledge(p)),
        "top_probability": float(p.max()),
    }


def entropy_curve(logits, temperatures) -> np.ndarray:
    """Entropy in bits of softmax(logits / T) for each T, as a 1-D array."""
    return np.array([float(entropy(softmax_t(logits, t), base=2)) for t in temperatures])


def kd_loss_parts(student_logits, teacher_logits, label: int, temperature: float, alpha: float) -> dict:
    """The KD loss of one example and its parts, as the loss playground shows them (NumPy, no torch).

        L = alpha * CE(student, label) + (1 - alpha) * T^2 * KL(softmax(t/T) || softmax(s/T))

    The same numbers as ``losses.kd_loss`` on a batch of one (which trains with torch), plus what
    ``nn.KLDivLoss`` gives with each reduction: "mean" also divides by the classes, so it is the
    formula's KL / K; "batchmean" is the KL itself.
    """
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    log_ps = log_softmax_t(student_logits, temperature)  # (classes,)
    log_pt = log_softmax_t(teacher_logits, temperature)  # (classes,)
    hard = float(-log_softmax_t(student_logits, 1.0)[label])
    kl_sum = float(np.sum(np.exp(log_pt) * (log_pt - log_ps)))  # batch of one: sum == batchmean
    classes = int(log_ps.shape[-1])
    soft = temperature**2 * kl_sum
    return {
        "total": alpha * hard + (1.0 - alpha) * soft,
        "hard": hard,  # CE at T = 1
        "kl": kl_sum,  # KL at T, batchmean
        "soft": soft,  # T^2 * KL, as it enters the total
        "reductions": {"mean": kl_sum / classes, "batchmean": kl_sum, "sum": kl_sum, "classes": classes, "batch": 1},
    }


def soft_gradient_norms(student_logits, teacher_logits, temperatures, scale_by_t2: bool = True) -> np.ndarray:
    """||d soft term / d student logits|| at each T (see ``kd_soft_gradient``), as a 1-D array."""
    return np.array([float(np.linalg.norm(kd_soft_gradient(student_logits, teacher_logits, t, scale_by_t2))) for t in temperatures])
