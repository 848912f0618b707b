import math

import pytest
import torch
from torch import nn

from distill_core.losses import (
    IGNORE_LABEL,
    attention_loss,
    cosine_hidden_loss,
    hidden_mse,
    kd_loss,
    kl_reductions,
    pkd_loss,
)


def test_kd_loss_matches_hand_worked_value():
    # student [1, 0, 0], teacher [2, 0, 0], label 0, T = 2, alpha = 0.5, worked out with math only
    s = torch.tensor([[1.0, 0.0, 0.0]])
    t = torch.tensor([[2.0, 0.0, 0.0]])
    ce = math.log(1 + 2 / math.e)
    pt = [math.e / (math.e + 2), 1 / (math.e + 2), 1 / (math.e + 2)]
    e5 = math.exp(0.5)
    ps = [e5 / (e5 + 2), 1 / (e5 + 2), 1 / (e5 + 2)]
    kl = sum(a * math.log(a / b) for a, b in zip(pt, ps))
    expected = 0.5 * ce + 0.5 * 4 * kl
    out = kd_loss(s, t, torch.tensor([0]), temperature=2.0, alpha=0.5)
    assert out.total.item() == pytest.approx(expected, rel=1e-6)
    assert out.total.item() == pytest.approx(0.337704, abs=1e-5)  # golden value (math.log by hand)
    assert out.hard == pytest.approx(ce, rel=1e-6)
    assert out.kl == pytest.approx(kl, rel=1e-5)
    assert out.soft == pytest.approx(4 * kl, rel=1e-5)


@pytest.mark.parametrize("temperature", [1.0, 2.0, 4.0, 10.0])
def test_soft_gradient_is_T_times_prob_difference_over_batch(temperature):
    torch.manual_seed(0)
    s = torch.randn(5, 4, requires_grad=True)
    t = torch.randn(5, 4)
    kd_loss(s, t, torch.zeros(5, dtype=torch.long), temperature=temperature, alpha=0.0).total.backward()
    ps, pt = torch.softmax(s.detach() / temperature, -1), torch.softmax(t / temperature, -1)
    assert torch.allclose(s.grad, temperature * (ps - pt) / 5, atol=1e-6)


def test_alpha_one_is_plain_cross_entropy_and_alpha_zero_ignores_labels():
    torch.manual_seed(1)
    s, t, y = torch.randn(4, 3), torch.randn(4, 3), torch.tensor([0, 1, 2, 1])
    assert kd_loss(s, t, y, 3.0, 1.0).total.item() == pytest.approx(nn.functional.cross_entropy(s, y).item(), rel=1e-6)
    a = kd_loss(s, t, y, 3.0, 0.0).total.item()
    b = kd_loss(s, t, torch.tensor([2, 2, 0, 0]), 3.0, 0.0).total.item()
    assert a == pytest.approx(b)


def test_transfer_rows_contribute_to_the_soft_term_only():
    torch.manual_seed(2)
    s, t = torch.randn(4, 3), torch.randn(4, 3)
    y = torch.tensor([0, 1, IGNORE_LABEL, IGNORE_LABEL])
    out = kd_loss(s, t, y, 2.0, 0.5)
    assert out.hard == pytest.approx(nn.functional.cross_entropy(s[:2], y[:2]).item(), rel=1e-6)
    all_unlabelled = kd_loss(s, t, torch.full((4,), IGNORE_LABEL), 2.0, 0.5)
    assert all_unlabelled.hard == 0.0 and all_unlabelled.total.item() == pytest.approx(0.5 * all_unlabelled.soft, rel=1e-6)


def test_kd_loss_rejects_bad_alpha_and_temperature():
    s = torch.zeros(1, 2)
    with pytest.raises(ValueError):
        kd_loss(s, s, torch.tensor([0]), 2.0, 1.5)
    with pytest.raises(ValueError):
        kd_loss(s, s, torch.tensor([0]), 0.0, 0.5)


def test_kl_mean_pitfall_divides_by_number_of_classes():
    torch.manual_seed(3)
    s, t = torch.randn(8, 5), torch.randn(8, 5)
    r = kl_reductions(s, t, 2.0)
    assert r["mean"] == pytest.approx(r["batchmean"] / 5, rel=1e-5)
    assert r["batchmean"] == pytest.approx(kd_loss(s, t, None, 2.0, 0.0).kl, rel=1e-5)


def _padded_pair(hidden=6):
    torch.manual_seed(4)
    mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0]])
    s, t = torch.randn(2, 4, hidden), torch.randn(2, 4, hidden)
    s2, t2 = s.clone(), t.clone()
    s2[mask == 0] = 100.0  # garbage at padded positions must not matter
    t2[mask == 0] = -50.0
    return mask, s, t, s2, t2


def test_hidden_mse_respects_padding_and_matches_hand_value():
    mask, s, t, s2, t2 = _padded_pair()
    expected = ((s - t) ** 2)[mask.bool()].mean()
    assert hidden_mse(s, t, mask).item() == pytest.approx(expected.item(), rel=1e-6)
    assert hidden_mse(s2, t2, mask).item() == pytest.approx(expected.item(), rel=1e-6)


def test_hidden_mse_needs_a_projection_when_widths_differ():
    mask = torch.ones(2, 3)
    s, t = torch.randn(2, 3, 4), torch.randn(2, 3, 8)
    with pytest.raises(ValueError):
        hidden_mse(s, t, mask)
    proj = nn.Linear(4, 8)
    assert hidden_mse(s, t, mask, proj).item() >= 0
    assert hidden_mse(t, t, mask).item() == 0.0


def test_cosine_loss_zero_for_parallel_states_and_ignores_padding():
    mask, s, t, s2, t2 = _padded_pair()
    assert cosine_hidden_loss(3 * s, s, mask).item() == pytest.approx(0.0, abs=1e-6)
    assert cosine_hidden_loss(s, t, mask).item() == pytest.approx(cosine_hidden_loss(s2, t2, mask).item(), rel=1e-6)
    assert cosine_hidden_loss(-s, s, mask).item() == pytest.approx(2.0, abs=1e-6)


def test_attention_loss_respects_padding():
    torch.manual_seed(5)
    mask = torch.tensor([[1, 1, 0]])
    a_s, a_t = torch.rand(1, 2, 3, 3), torch.rand(1, 2, 3, 3)
    expected = ((a_s - a_t) ** 2)[:, :, :2, :2].mean()
    assert attention_loss(a_s, a_t, mask).item() == pytest.approx(expected.item(), rel=1e-6)
    a_s2 = a_s.clone()
    a_s2[:, :, 2, :] = 9.0
    a_s2[:, :, :, 2] = 9.0
    assert attention_loss(a_s2, a_t, mask).item() == pytest.approx(expected.item(), rel=1e-6)
    # different head counts: compared after averaging over heads
    assert attention_loss(torch.rand(1, 4, 3, 3), a_t, mask).item() >= 0


def test_pkd_is_scale_invariant_and_sums_over_layer_pairs():
    torch.manual_seed(6)
    t = [torch.randn(3, 8), torch.randn(3, 8)]
    assert pkd_loss([5 * x for x in t], t).item() == pytest.approx(0.0, abs=1e-6)
    s = [torch.randn(3, 8), torch.randn(3, 8)]
    one = pkd_loss(s[:1], t[:1]).item()
    two = pkd_loss(s, t).item()
    assert two > one > 0
    # opposite directions: ||u - (-u)||^2 = 4 for unit vectors
    assert pkd_loss([-t[0]], [t[0]]).item() == pytest.approx(4.0, rel=1e-5)
    with pytest.raises(ValueError):
        pkd_loss([], [])


def test_per_row_kd_weighs_an_unlabelled_row_like_a_labelled_one():
    import math

    s = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    t = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    y = torch.tensor([0, IGNORE_LABEL])
    T, alpha = 2.0, 0.25

    def p(z):
        e = [math.exp(v / T) for v in z]
        return [v / sum(e) for v in e]

    def kl(a, b):  # KL(p(a) || p(b)) by hand
        pa, pb = p(a), p(b)
        return sum(x * math.log(x / z) for x, z in zip(pa, pb))

    ce0 = -math.log(math.exp(1.0) / (math.exp(1.0) + 1.0))
    row0 = alpha * ce0 + (1 - alpha) * T**2 * kl([2.0, 0.0], [1.0, 0.0])
    row1 = 1.0 * T**2 * kl([0.0, 1.0], [0.0, 2.0])
    out = kd_loss(s, t, y, temperature=T, alpha=alpha, unlabelled_weight=1.0)
    assert float(out.total) == pytest.approx((row0 + row1) / 2, rel=1e-5)
    # the default (batch means) gives the unlabelled row only the (1 - alpha) share
    default = kd_loss(s, t, y, temperature=T, alpha=alpha)
    assert float(default.total) == pytest.approx(alpha * ce0 + (1 - alpha) * T**2 * (kl([2.0, 0.0], [1.0, 0.0]) + kl([0.0, 1.0], [0.0, 2.0])) / 2, rel=1e-5)


def test_per_row_kd_logs_the_same_kl_as_the_batch_mean_loss():
    torch.manual_seed(0)
    s, t = torch.randn(6, 4), torch.randn(6, 4)
    y = torch.tensor([0, IGNORE_LABEL, 2, IGNORE_LABEL, 1, 3])
    per_row = kd_loss(s, t, y, temperature=2.0, alpha=0.3, unlabelled_weight=1.0)
    default = kd_loss(s, t, y, temperature=2.0, alpha=0.3)
    assert per_row.kl == pytest.approx(default.kl, rel=1e-5) and per_row.soft == pytest.approx(default.soft, rel=1e-5)
    assert per_row.hard == pytest.approx(default.hard, rel=1e-6)


def test_the_specs_list_the_objectives_of_the_registry():
    """specs.py keeps torch out of the CLI's start, so it names the objectives itself: they must stay in step."""
    from distill_core.experiments.specs import OBJECTIVE_FIELDS
    from distill_core.losses import OBJECTIVES

    assert tuple(OBJECTIVES) == tuple(OBJECTIVE_FIELDS)
