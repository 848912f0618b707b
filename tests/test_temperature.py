"""distill_core.temperature: softmax at T and what describes it. NumPy only; torch just checks the gradient."""

from __future__ import annotations

import math

import numpy as np
import pytest

from distill_core import temperature as temp

# The temperature page's "Cat photo" preset: log(0.72, 0.14, 0.08, 0.04, 0.02) rounded to 2 decimals.
CAT_LOGITS = np.array([-0.33, -1.97, -2.53, -3.22, -3.91])
CAT_PROBS_T1 = np.array([0.72, 0.14, 0.08, 0.04, 0.02])

TEMPERATURES = [0.05, 0.1, 0.5, 1.0, 2.0, 4.0, 10.0, 20.0, 100.0]


def test_cat_preset_gives_the_article_probabilities_at_t1():
    np.testing.assert_allclose(np.round(np.log(CAT_PROBS_T1), 2), CAT_LOGITS)
    np.testing.assert_allclose(temp.softmax_t(CAT_LOGITS, 1.0), CAT_PROBS_T1, atol=1e-3)


@pytest.mark.parametrize("t", TEMPERATURES)
@pytest.mark.parametrize("scale", [1.0, 1e2, 1e4])
def test_softmax_is_stable_for_large_logits_and_extreme_t(t, scale):
    rng = np.random.default_rng(0)
    logits = rng.uniform(-1.0, 1.0, size=(8, 7)) * scale
    logits[0, :] = [scale, -scale, 0, 0, 0, 0, 0]  # the extremes of the range, in one row
    p = temp.softmax_t(logits, t)
    assert np.all(np.isfinite(p))
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, atol=1e-12)
    log_p = temp.log_softmax_t(logits, t)
    assert np.all(np.isfinite(log_p))  # no log(0) = -inf even when a probability underflows
    np.testing.assert_array_equal(np.argmax(p, axis=-1), np.argmax(logits, axis=-1))


def test_rows_sum_to_one_and_shape_is_kept():
    logits = np.arange(24, dtype=float).reshape(2, 3, 4)
    p = temp.softmax_t(logits, 3.0)
    assert p.shape == logits.shape
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)


def test_softmax_ignores_a_shift_of_all_logits():
    np.testing.assert_allclose(temp.softmax_t(CAT_LOGITS + 7.0, 2.0), temp.softmax_t(CAT_LOGITS, 2.0))


def test_limits_of_t_are_argmax_and_uniform():
    np.testing.assert_allclose(temp.softmax_t(CAT_LOGITS, 0.01), [1, 0, 0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(temp.softmax_t(CAT_LOGITS, 1e6), np.full(5, 0.2), atol=1e-5)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf"), 1e-4])
def test_bad_temperature_is_refused(bad):
    with pytest.raises(ValueError):
        temp.softmax_t(CAT_LOGITS, bad)


def test_non_finite_logits_are_refused():
    with pytest.raises(ValueError):
        temp.softmax_t([1.0, float("nan")], 1.0)


@pytest.mark.parametrize("k", [2, 3, 5, 10, 1000])
def test_entropy_of_uniform_is_log_k(k):
    uniform = np.full(k, 1.0 / k)
    assert temp.entropy(uniform) == pytest.approx(math.log(k))
    assert temp.entropy(uniform, base=2) == pytest.approx(math.log2(k))
    assert temp.effective_classes(uniform) == pytest.approx(k)


def test_one_hot_has_zero_entropy_and_one_effective_class():
    one_hot = np.array([0.0, 1.0, 0.0, 0.0])
    assert temp.entropy(one_hot) == 0.0  # 0 log 0 counts as 0, not NaN
    assert temp.effective_classes(one_hot) == pytest.approx(1.0)
    assert temp.dark_knowledge(one_hot) == 0.0


def test_effective_classes_lies_between_one_and_k():
    for t in TEMPERATURES:
        n = float(temp.effective_classes(temp.softmax_t(CAT_LOGITS, t)))
        assert 1.0 - 1e-9 <= n <= 5.0 + 1e-9


def test_dark_knowledge_is_mass_outside_the_top_class():
    assert temp.dark_knowledge(CAT_PROBS_T1) == pytest.approx(0.28)


def test_kl_is_nonnegative_and_zero_for_equal_distributions():
    rng = np.random.default_rng(1)
    for _ in range(50):
        p = temp.softmax_t(rng.normal(size=6) * 3, 1.0)
        q = temp.softmax_t(rng.normal(size=6) * 3, 1.0)
        assert temp.kl_divergence(p, q) >= 0.0
        assert temp.kl_divergence(p, p) == pytest.approx(0.0, abs=1e-15)
        assert temp.cross_entropy(p, q) == pytest.approx(temp.entropy(p) + temp.kl_divergence(p, q))


def test_log_ratios_to_top_scale_by_one_over_t():
    r1 = temp.log_ratios_to_top(CAT_LOGITS, 1.0)
    for t in TEMPERATURES:
        rt = temp.log_ratios_to_top(CAT_LOGITS, t)
        np.testing.assert_allclose(rt, r1 / t)
        p = temp.softmax_t(CAT_LOGITS, t)
        np.testing.assert_allclose(np.log(p / p.max()), rt, atol=1e-12)


def test_entropy_grows_with_t_towards_log2_k():
    curve = temp.entropy_curve(CAT_LOGITS, TEMPERATURES)
    assert np.all(np.diff(curve) > 0)
    assert curve[0] == pytest.approx(0.0, abs=1e-6)
    assert curve[-1] == pytest.approx(math.log2(5), abs=1e-3)


def test_describe_agrees_with_the_functions():
    info = temp.describe(CAT_LOGITS, 4.0)
    p = temp.softmax_t(CAT_LOGITS, 4.0)
    np.testing.assert_allclose(info["probs"], p)
    assert info["entropy_bits"] == pytest.approx(float(temp.entropy(p, base=2)))
    assert info["max_entropy_bits"] == pytest.approx(math.log2(5))
    assert info["effective_classes"] == pytest.approx(2 ** info["entropy_bits"])
    assert info["dark_knowledge"] == pytest.approx(1 - p.max())


@pytest.mark.parametrize("t", [0.5, 1.0, 2.0, 4.0, 20.0])
@pytest.mark.parametrize("scale_by_t2", [True, False])
def test_kd_soft_gradient_matches_torch_autograd(t, scale_by_t2):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    student = rng.normal(size=7) * 2
    teacher = rng.normal(size=7) * 2
    s = torch.tensor(student, dtype=torch.float64, requires_grad=True)
    log_p_s = torch.log_softmax(s / t, dim=-1)
    p_t = torch.softmax(torch.tensor(teacher, dtype=torch.float64) / t, dim=-1)
    kl = torch.sum(p_t * (torch.log(p_t) - log_p_s))
    (kl * (t**2 if scale_by_t2 else 1.0)).backward()
    np.testing.assert_allclose(
        temp.kd_soft_gradient(student, teacher, t, scale_by_t2=scale_by_t2), s.grad.numpy(), rtol=1e-9, atol=1e-12
    )


def test_unscaled_soft_gradient_fades_as_one_over_t_squared():
    student = np.array([0.8, 0.1, 0.3, 0.9, 0.2])
    norms = {t: np.linalg.norm(temp.kd_soft_gradient(student, CAT_LOGITS, t, scale_by_t2=False)) for t in (20.0, 40.0)}
    assert norms[20.0] / norms[40.0] == pytest.approx(4.0, rel=0.02)
    scaled = {t: np.linalg.norm(temp.kd_soft_gradient(student, CAT_LOGITS, t)) for t in (20.0, 40.0)}
    assert scaled[20.0] / scaled[40.0] == pytest.approx(1.0, rel=0.02)
