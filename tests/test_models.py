import pytest
import torch

from distill_core import models as M
from distill_core.errors import DistillError
from tests.conftest import tiny_bert_config


@pytest.fixture(scope="module")
def tiny_teacher():
    transformers = M._quiet_transformers()
    torch.manual_seed(0)
    return transformers.BertForSequenceClassification(tiny_bert_config(num_labels=3, layers=4)).eval()


def _inputs():
    ids = torch.tensor([[101, 2023, 3185, 2001, 2204, 102], [101, 2919, 102, 0, 0, 0]])
    return ids, (ids != 0).long()


def test_truncated_bert_student_copies_the_kept_layers(tiny_teacher):
    student = M.build_student(tiny_teacher, [1, 3])
    assert student.config.num_hidden_layers == 2
    t, s = tiny_teacher.state_dict(), student.state_dict()
    assert torch.equal(s["bert.encoder.layer.0.attention.self.query.weight"], t["bert.encoder.layer.1.attention.self.query.weight"])
    assert torch.equal(s["bert.encoder.layer.1.output.dense.weight"], t["bert.encoder.layer.3.output.dense.weight"])
    assert torch.equal(s["bert.embeddings.word_embeddings.weight"], t["bert.embeddings.word_embeddings.weight"])
    assert torch.equal(s["classifier.weight"], t["classifier.weight"])


def test_default_student_keeps_one_layer_in_two(tiny_teacher):
    assert M.every_other_layer(6) == [0, 2, 4]
    assert M.build_student(tiny_teacher).config.student_layers == [0, 2]


def test_random_init_student_differs_from_teacher(tiny_teacher):
    s = M.build_student(tiny_teacher, [0, 1], init="random", seed=3).state_dict()
    assert not torch.equal(s["bert.encoder.layer.0.attention.self.query.weight"], tiny_teacher.state_dict()["bert.encoder.layer.0.attention.self.query.weight"])


@torch.no_grad()
def test_distilbert_with_all_layers_reproduces_bert_hidden_states(tiny_teacher):
    student = M.build_student(tiny_teacher, [0, 1, 2, 3], architecture="distilbert").eval()
    assert type(student).__name__ == "DistilBertForSequenceClassification"
    ids, mask = _inputs()
    ht = tiny_teacher(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states
    hs = student(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states
    assert len(ht) == len(hs) == 5
    real = mask.bool()
    for a, b in zip(ht, hs):
        assert (a - b)[real].abs().max().item() < 1e-4


@pytest.mark.parametrize("layers", [[], [0, 0], [2, 1], [0, 9], [-1]])
def test_impossible_layer_choices_are_refused(tiny_teacher, layers):
    with pytest.raises(DistillError):
        M.build_student(tiny_teacher, layers)


def test_bad_init_and_architecture_are_refused(tiny_teacher):
    with pytest.raises(DistillError):
        M.build_student(tiny_teacher, [0], init="magic")
    with pytest.raises(DistillError):
        M.build_student(tiny_teacher, [0], architecture="gpt")


def test_parameter_count_and_int8_size(tiny_teacher):
    size = M.model_size(tiny_teacher)
    assert size.parameters == sum(p.numel() for p in tiny_teacher.parameters())
    # fp32 weights take 4 bytes a parameter (plus a little pickle framing)
    assert size.fp32_mb == pytest.approx(size.parameters * 4 / 1e6, rel=0.05)
    assert size.int8_mb < size.fp32_mb


def test_int8_model_still_classifies(tiny_teacher):
    ids, mask = _inputs()
    q = M.quantize_int8(tiny_teacher)
    with torch.no_grad():
        out = q(input_ids=ids, attention_mask=mask).logits
    assert out.shape == (2, 3) and torch.isfinite(out).all()


def test_bundled_teacher_loads_offline():
    model, tok = M.load_teacher(M.BUNDLED, num_labels=3)
    assert model.config.num_hidden_layers == 6 and model.config.hidden_size == 384
    assert model.config.num_attention_heads == 12
    assert 22_000_000 < M.count_parameters(model) < 23_500_000
    assert tok("hello world")["input_ids"][0] == 101


def test_unknown_teachers_fail_with_a_clear_message(tmp_path):
    with pytest.raises(DistillError, match="neither a folder nor a hub id"):
        M.load_teacher("not a model ://", 3)
    with pytest.raises(DistillError, match="safetensors"):
        M.load_teacher(str(tmp_path), 3)
    with pytest.raises(DistillError, match="turned off"):
        M.load_teacher("bert-base-uncased", 3, allow_hub=False)
