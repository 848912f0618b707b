"""Device choice (device.py) and the multi-process helpers (distributed.py), checked on a CPU-only machine: the
CUDA decisions are made by pure functions, fed what torch would see on a GPU server."""

import numpy as np
import pytest
import torch

from distill_core import device as D
from distill_core import distributed
from distill_core import models as M
from distill_core.data import encode
from distill_core.errors import DistillError
from distill_core.experiments.specs import DistillSpec
from distill_core.latency import compare_latency
from distill_core.training import TrainConfig, predict_logits, train
from tests.conftest import tiny_bert_config, toy_rows


@pytest.fixture(autouse=True)
def no_launcher_env(monkeypatch):
    for name in (D.ENV, "LOCAL_RANK", "WORLD_SIZE", "RANK"):
        monkeypatch.delenv(name, raising=False)


def test_pick_takes_the_gpu_of_this_process_when_there_is_one():
    assert D.pick("auto", cuda_available=False, cuda_count=0, rank=0) == "cpu"
    assert D.pick("cpu", cuda_available=True, cuda_count=2, rank=0) == "cpu"
    assert D.pick("auto", cuda_available=True, cuda_count=1, rank=0) == "cuda:0"
    assert D.pick("cuda", cuda_available=True, cuda_count=2, rank=3) == "cuda:1"  # rank 3 of a 2-GPU machine
    with pytest.raises(DistillError, match="no CUDA GPU"):
        D.pick("cuda", cuda_available=False, cuda_count=0, rank=0)


def test_resolve_follows_local_rank_on_a_gpu_machine(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setenv("LOCAL_RANK", "1")
    assert D.resolve() == torch.device("cuda", 1)
    assert D.resolve("cpu") == torch.device("cpu")


def test_the_choice_comes_from_the_option_then_the_run_then_the_environment(monkeypatch):
    assert D.requested() == "auto"
    monkeypatch.setenv(D.ENV, "CPU")
    assert D.requested() == "cpu"
    assert D.requested("auto") == "cpu"  # --device auto, the default, leaves the environment in charge
    assert D.requested("cuda") == "cuda"
    with D.using("cuda"):
        assert D.requested() == "cuda" and D.requested("cpu") == "cpu"
    assert D.requested() == "cpu"
    monkeypatch.setenv(D.ENV, "tpu")
    with pytest.raises(DistillError, match="device must be one of auto, cpu, cuda"):
        D.requested()


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message on a machine without a GPU")
def test_asking_for_cuda_without_a_gpu_fails_with_one_line_before_any_work():
    with pytest.raises(DistillError, match="no CUDA GPU"):
        D.resolve("cuda")
    calls = []
    run = D.spec_device(lambda spec: calls.append(spec))
    with pytest.raises(DistillError, match="no CUDA GPU"):
        run(DistillSpec(device="cuda"))
    assert calls == []
    with pytest.raises(DistillError, match="device must be one of"):
        DistillSpec(device="gpu").validate()


def test_bf16_autocast_on_cuda_only_where_the_card_has_it():
    assert D.autocast_dtype("cuda", bf16_supported=True) is torch.bfloat16
    assert D.autocast_dtype("cuda", bf16_supported=False) is None  # fp16 would need a gradient scaler: fp32 instead
    assert D.autocast_dtype("cpu", bf16_supported=True) is None
    with D.autocast(torch.device("cpu")):
        assert not torch.is_autocast_enabled("cpu")
    assert D.precision("cpu") == "fp32"


def _tiny(seed=0):
    transformers = M._quiet_transformers()
    torch.manual_seed(seed)
    return transformers.BertForSequenceClassification(tiny_bert_config(num_labels=2))


def test_cpu_numbers_are_the_same_with_the_device_named_or_not():
    tok = M.load_tokenizer()
    rows = toy_rows(48)
    enc, y = encode(tok, [r[0] for r in rows], 16), np.array([1 if r[1] == "pos" else 0 for r in rows])
    runs = []
    for device in (None, "cpu", "auto"):
        model = _tiny()
        res = train(model, enc, y, TrainConfig(epochs=1, learning_rate=3e-3, batch_size=16, device=device))
        runs.append(([e["loss"] for e in res.history], predict_logits(model, enc)))
    for losses, logits in runs[1:]:
        assert losses == runs[0][0]
        np.testing.assert_array_equal(logits, runs[0][1])


def test_latency_says_where_it_was_measured():
    lat = compare_latency({"tiny": _tiny().eval()}, batch_size=1, seq_len=8, iterations=2, warmup=1)
    assert lat["tiny"].device == "cpu" and lat["tiny"].as_dict()["device"] == "cpu"
    assert D.model_device(object()) == torch.device("cpu")  # an ONNX session has no torch parameters


def test_each_process_takes_its_share_of_a_global_batch(monkeypatch):
    assert not distributed.launched() and distributed.shard([0, 1, 2]) == [0, 1, 2]
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    assert distributed.launched() and distributed.active() and not distributed.is_main()
    assert distributed.shard([0, 1, 2, 3, 4]) == [1, 3]
    assert distributed.shard([7]) == [7]  # a last batch of one row: both processes compute it, none waits idle
    with distributed.local_only():
        assert not distributed.active()
    monkeypatch.setenv("RANK", "0")
    assert distributed.shard([0, 1, 2, 3, 4]) == [0, 2, 4]
