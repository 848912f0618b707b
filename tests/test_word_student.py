"""The word-embedding student (Tang et al. 2019): its size, its shapes, its place in the comparison, saving it."""

import pytest
import torch

from distill_core import models as M
from distill_core import tradeoffs as TR
from distill_core.data import encode, load_task
from distill_core.errors import DistillError
from distill_core.experiments.comparison import DistillSpec, run_comparison
from distill_core.formatting import reproduce_command
from distill_core.latency import dummy_batch
from distill_core.teacher import load_model_folder
from distill_core.tradeoffs.frontier import RunEntry, run_points
from distill_core.training import predict_logits
from distill_core.word_student import (
    MAX_VOCAB, PARAMETER_BUDGET, WordStudent, build_word_student, is_word_student, load_word_student, task_vocabulary,
)
from distill_core.tradeoffs.word_shape import SENTIMENT_WORDPIECES, kim_cnn, tang_bilstm
from tests.conftest import tiny_bert_config


def _tiny_teacher():
    import transformers

    torch.manual_seed(0)
    return transformers.BertForSequenceClassification(tiny_bert_config(num_labels=3)).eval()


@pytest.mark.parametrize("kind", ["bilstm", "cnn"])
def test_the_bundled_teacher_restricted_to_a_tasks_wordpieces_stays_under_5m_parameters(kind):
    teacher, tokenizer = M.load_teacher(M.BUNDLED, num_labels=3)
    task = load_task("sentiment", None, "text", "label")
    texts = task.train["text"].tolist() + list(task.transfer) + task.validation["text"].tolist() + task.test["text"].tolist()
    vocab = task_vocabulary([encode(tokenizer, texts, 64)])
    student = build_word_student(kind, teacher, vocab, 3)
    n = M.count_parameters(student)
    assert 500 < len(vocab) < 5000 and n < PARAMETER_BUDGET, (len(vocab), n)
    assert len(vocab) == SENTIMENT_WORDPIECES  # the Trade-offs page's word students have this vocabulary
    assert n == TR.parameters_from_shape(tang_bilstm() if kind == "bilstm" else kim_cnn()).total
    assert n < 0.1 * M.count_parameters(teacher)
    # the kept rows are the teacher's own embeddings (token type 0 folded in), and any other id reads [UNK]'s row
    emb = teacher.bert.embeddings
    good = tokenizer.convert_tokens_to_ids("good")
    assert good in vocab
    expected = emb.word_embeddings.weight[good] + emb.token_type_embeddings.weight[0]
    assert torch.allclose(student.embeddings.weight[student.lookup[good]], expected)
    unseen = next(i for i in range(2000, 30000) if i not in set(vocab))
    assert int(student.lookup[unseen]) == 1 and vocab[1] == tokenizer.unk_token_id and vocab[0] == tokenizer.pad_token_id


def test_a_large_vocabulary_is_cut_to_the_most_frequent_and_the_whole_table_is_refused():
    teacher = M.load_teacher(M.BUNDLED, num_labels=2)[0]

    class Rows:  # a data.Encoded stand-in: every teacher id once, and id 2000 often
        input_ids = [list(range(30522)), [2000] * 5]

    vocab = task_vocabulary([Rows()])
    assert len(vocab) == MAX_VOCAB and 2000 in vocab and vocab[:2] == [0, 100]
    assert M.count_parameters(build_word_student("bilstm", teacher, vocab, 2)) < PARAMETER_BUDGET
    with pytest.raises(DistillError, match="budget"):
        build_word_student("bilstm", teacher, list(range(30522)), 2)


@pytest.mark.parametrize("kind", ["bilstm", "cnn"])
def test_forward_shapes_and_padding_changes_nothing(kind):
    student = build_word_student(kind, _tiny_teacher(), [0, 100, 101, 102] + list(range(2000, 2040)), 3).eval()
    ids = torch.tensor([[101, 2001, 2002, 102, 0, 0, 0], [101, 2003, 2004, 2005, 2006, 2007, 102]])  # (batch 2, seq 7)
    mask = (ids != 0).long()
    with torch.no_grad():
        logits = student(input_ids=ids, attention_mask=mask).logits
        alone = student(input_ids=ids[:1, :4], attention_mask=mask[:1, :4]).logits  # the first text unpadded
        short = student(input_ids=torch.tensor([[101, 102]])).logits  # shorter than the CNN's widest filter
    assert logits.shape == (2, 3) and short.shape == (1, 3)
    assert torch.allclose(logits[:1], alone, atol=1e-6)  # the backward LSTM / the CNN's max skip the pads
    # an id outside the kept vocabulary reads [UNK]
    with torch.no_grad():
        unk = student(input_ids=torch.tensor([[101, 100, 102]])).logits
        other = student(input_ids=torch.tensor([[101, 29000, 102]])).logits
    assert torch.equal(unk, other)


def test_spec_refuses_unknown_kinds_and_layer_objectives_for_word_students():
    with pytest.raises(DistillError, match="student kind"):
        DistillSpec(student_kind="gru").validate()
    with pytest.raises(DistillError, match="logit distillation only"):
        DistillSpec(student_kind="bilstm", hidden_mse=1.0).validate()
    DistillSpec(student_kind="cnn").validate()


def test_a_bilstm_comparison_gives_all_four_models_and_its_saved_student_loads_back(tiny_model, lab_home):
    spec = DistillSpec(task="sentiment", teacher=tiny_model, teacher_epochs=1, epochs=1, seeds=[0], max_train=40,
                       transfer_size=24, max_length=16, batch_size=16, student_kind="bilstm", learning_rate=1e-3)
    report = run_comparison(spec, home=lab_home, artefact_dir=lab_home / "run")
    assert list(report.results) == ["teacher", "baseline", "pseudo", "distilled"]
    steps = {k: report.results[k].per_seed[0]["steps"] for k in ("baseline", "pseudo", "distilled")}
    assert len(set(steps.values())) == 1 and steps["distilled"] > 0, steps  # the same compute for every student
    d = report.results["distilled"]
    assert 0.0 <= d.mean("accuracy") <= 1.0 and d.parameters < PARAMETER_BUDGET
    assert report.latency_ms["student"] > 0
    assert "--student-kind bilstm" in reproduce_command(report.spec)

    folder = lab_home / "run" / "student"
    assert is_word_student(folder) and (folder / "model.safetensors").exists() and (folder / "tokenizer.json").exists()
    model, tokenizer = load_model_folder(folder)
    assert isinstance(model, WordStudent) and model.config.id2label[0] == report.label_names[0]
    assert M.count_parameters(model) == d.parameters
    enc = encode(tokenizer, ["a wonderful film", "dull and far too long", "it was fine"], 16)
    again = load_word_student(folder)
    assert (predict_logits(model, enc) == predict_logits(again, enc)).all()


def test_save_and_load_give_the_same_logits(tmp_path):
    student = build_word_student("cnn", _tiny_teacher(), [0, 100, 101, 102] + list(range(2000, 2100)), 3, seed=3)
    student.config.id2label = {0: "neg", 1: "neu", 2: "pos"}
    student.save_pretrained(tmp_path)
    back = load_word_student(tmp_path)
    ids = torch.tensor([[101, 2050, 2051, 2099, 102]])
    with torch.no_grad():
        assert torch.equal(student.eval()(input_ids=ids).logits, back(input_ids=ids).logits)
    assert back.config.kind == "cnn" and back.config.id2label[2] == "pos"
    with pytest.raises(DistillError):
        (tmp_path / "model.safetensors").write_bytes(b"not weights")
        load_word_student(tmp_path)


@pytest.mark.parametrize("arch", [tang_bilstm(), kim_cnn()], ids=lambda a: a.key)
def test_the_trade_offs_page_counts_and_builds_the_word_students(arch):
    model = TR.build_model(arch)
    assert TR.parameters_from_shape(arch).total == M.count_parameters(model)
    assert TR.size_mb(arch) == pytest.approx(M.serialized_size_mb(model), rel=0.02)
    assert TR.size_mb(arch, int8=True) == pytest.approx(M.serialized_size_mb(M.quantize_int8(model)), rel=0.02)
    assert arch.key in [a.key for a in TR.default_catalog()]
    with torch.no_grad():  # the latency batch: random teacher ids, no padding
        assert model(**dummy_batch(1, 16)).logits.shape == (1, 3)


def test_a_word_students_run_is_its_own_point_on_the_frontier():
    report = {"spec": {"teacher": "bundled", "student_kind": "bilstm", "student_layers": [0, 2, 4]},
              "results": {k: {"per_seed": [{"accuracy": 0.8}], "parameters": 1} for k in ("teacher", "baseline", "distilled")},
              "latency_ms": {"teacher": 10.0, "student": 2.0}}
    points = run_points(RunEntry("run 1", "store", report, 1))
    student = next(p for p in points if p["model"] == "distilled")
    assert student["arch_key"] == "bilstm" and student["name"] == "BiLSTM student, distilled" and student["student_layers"] is None


def test_the_live_page_offers_the_word_student_from_a_link_and_refuses_layer_objectives_for_it(lab_home, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT, extra_presets_file

    monkeypatch.setenv("DISTILL_LAB_EXTRA_PRESETS", extra_presets_file())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["student"] = "bilstm"
    at.run()
    at.switch_page("pages/distill.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="dist_student_kind").value == "bilstm"
    assert any("Tang et al. (2019)" in c.value for c in at.caption)
    assert not at.button(key="dist_run_button").disabled
    at.pills(key="dist_objectives").set_value(["hidden_mse"]).run()
    assert any("logits only" in w.value for w in at.warning) and at.button(key="dist_run_button").disabled
    at.selectbox(key="dist_student_kind").set_value("transformer").run()
    assert not at.button(key="dist_run_button").disabled and "student" not in at.query_params


@pytest.mark.parametrize("kind", ["bilstm", "cnn"])
def test_a_word_student_exports_to_onnx_and_gives_the_same_logits_on_padded_batches(kind, tmp_path):
    import numpy as np

    from distill_core.data import Encoded
    from distill_core.tradeoffs.onnx_export import OrtModel, export_onnx

    student = build_word_student(kind, _tiny_teacher(), [0, 100, 101, 102] + list(range(2000, 2060)), 3).eval()
    path = export_onnx(student, tmp_path / "student.onnx")
    texts = Encoded([[101, 2001, 2002, 102], [101, 102], [101] + list(range(2000, 2050)) + [102], [101, 29000, 2003, 2004, 2005, 102]], 0)
    assert np.abs(predict_logits(student, texts) - predict_logits(OrtModel(path, 3), texts)).max() < 1e-5


def test_the_pages_time_estimate_counts_a_word_student_step_as_a_tenth_of_a_transformers():
    from pages._ui.student_choice import step_cost

    assert step_cost(DistillSpec(student_kind="bilstm")) == pytest.approx(0.1)
    assert step_cost(DistillSpec()) == 1.0 and step_cost(DistillSpec(student_layers=[0, 3])) == pytest.approx(2 / 3)


@pytest.mark.parametrize("args, message", [(["--student-kind", "gru"], "invalid choice"),
                                           (["--student-kind", "bilstm", "--hidden-mse", "1"], "logit distillation only")])
def test_the_command_line_refuses_a_bad_student_kind_in_one_line(args, message, tmp_path):
    from tests.test_cli import run_cli

    out = run_cli("distill", "--task", "sentiment", "--no-store", *args, home=tmp_path / "h")
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert message in out.stderr.strip().splitlines()[-1]
