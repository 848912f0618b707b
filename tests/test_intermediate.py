import numpy as np
import pytest
import torch

from distill_core import models as M
from distill_core.data import encode
from distill_core.errors import DistillError
from distill_core.evaluation import cka_matrix, linear_cka
from distill_core.mappings import LayerMap, check_map, make_map
from distill_core.losses import OBJECTIVES, Intermediate, make_loss
from distill_core.training import TrainConfig, train
from tests.conftest import tiny_bert_config, toy_rows


def test_distilbert_map_follows_the_kept_layers():
    m = make_map("distilbert", 3, 6, kept_layers=[0, 2, 4])
    assert m.hidden == ((0, 0), (1, 1), (2, 3), (3, 5)) and m.attention == ((0, 0), (1, 2), (2, 4))


def test_tinybert_uniform_map_and_pkd_variants():
    assert make_map("tinybert", 3, 6).hidden == ((0, 0), (1, 2), (2, 4), (3, 6))
    assert make_map("tinybert", 3, 6).attention == ((0, 1), (1, 3), (2, 5))
    assert make_map("pkd-skip", 3, 6).hidden == ((1, 2), (2, 4))
    assert make_map("pkd-last", 3, 6).hidden == ((1, 4), (2, 5))
    assert LayerMap.from_dict(make_map("tinybert", 2, 4).as_dict()) == make_map("tinybert", 2, 4)


@pytest.mark.parametrize(
    "layer_map, message",
    [
        (LayerMap(((4, 1),), ()), "student hidden index 4"),
        (LayerMap(((1, 9),), ()), "teacher hidden index 9"),
        (LayerMap((), ((3, 0),)), "student attention layer 3"),
        (LayerMap(((1, 1), (1, 2)), ()), "mapped twice"),
    ],
)
def test_impossible_maps_are_refused(layer_map, message):
    with pytest.raises(DistillError, match=message):
        check_map(layer_map, 3, 6)


def test_unknown_strategy_and_oversized_student():
    with pytest.raises(DistillError, match="unknown mapping"):
        make_map("magic", 2, 4)
    with pytest.raises(DistillError, match="cannot map"):
        make_map("tinybert", 8, 4)


def test_cka_is_one_with_itself_and_invariant_to_orthogonal_maps():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 8))
    q, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    assert linear_cka(x, x) == pytest.approx(1.0)
    assert linear_cka(x, x @ q) == pytest.approx(1.0)
    assert linear_cka(x, 3.0 * x) == pytest.approx(1.0)
    assert linear_cka(x, rng.normal(size=(50, 8))) < 0.5


@pytest.fixture(scope="module")
def tiny_pair():
    transformers = M._quiet_transformers()
    torch.manual_seed(0)
    teacher = transformers.BertForSequenceClassification(tiny_bert_config(num_labels=2, layers=4)).eval()
    with torch.no_grad():  # a random teacher attends almost uniformly; sharpen it so there is something to learn
        for layer in teacher.bert.encoder.layer:
            layer.attention.self.query.weight.mul_(8)
            layer.attention.self.key.weight.mul_(8)
    tok = M.load_tokenizer()
    rows = toy_rows(64)
    enc = encode(tok, [r[0] for r in rows], 16)
    labels = np.array([1 if r[1] == "pos" else 0 for r in rows])
    return teacher, enc, labels


def test_copied_layers_have_cka_one_with_their_teacher_layers(tiny_pair):
    teacher, enc, _ = tiny_pair
    student = M.build_student(teacher, [0, 2])
    cka = cka_matrix(student, teacher, enc)
    assert cka.shape == (3, 5)
    assert cka[0, 0] == pytest.approx(1.0) and cka[1, 1] == pytest.approx(1.0)


@pytest.mark.parametrize("objective", list(OBJECTIVES))
def test_each_intermediate_objective_is_trained_and_logged(tiny_pair, objective):
    teacher, enc, labels = tiny_pair
    student = M.build_student(teacher, [0, 2], init="random", seed=1)
    weight = OBJECTIVES[objective].default_weight  # 100 for attention: its MSEs are ~1e-3
    inter = Intermediate(teacher=teacher, layer_map=make_map("tinybert", 2, 4), **{objective: weight})
    logits = np.zeros((len(labels), 2), dtype=np.float32)
    events = []
    train(student, enc, labels, TrainConfig(epochs=3, batch_size=16, learning_rate=1e-3), loss_fn=make_loss(logits, intermediate=inter), on_event=events.append)
    steps = [e for e in events if e["kind"] == "step"]
    assert all(objective in e for e in steps)
    assert np.mean([e[objective] for e in steps[-4:]]) < np.mean([e[objective] for e in steps[:4]])
    assert steps[0]["loss"] > steps[0]["hard_ce"] * 0.5  # the total includes the intermediate term


def test_hidden_loss_learns_a_projection_when_widths_differ(tiny_pair):
    teacher, enc, labels = tiny_pair
    transformers = M._quiet_transformers()
    student = transformers.BertForSequenceClassification(tiny_bert_config(num_labels=2, layers=1, hidden=16, heads=2))
    inter = Intermediate(teacher=teacher, layer_map=LayerMap(((1, 2),), ()), hidden_mse=1.0)
    events = []
    train(student, enc, labels, TrainConfig(epochs=1, batch_size=32), loss_fn=make_loss(intermediate=inter), on_event=events.append)
    assert all("hidden_mse" in e for e in events if e["kind"] == "step")
