"""ONNX export (issue 17): logits against PyTorch, onnxruntime INT8 with the embeddings, vocabulary pruning, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT

TEXTS = ["the battery died after two days", "great screen, fast delivery", "it is fine I guess", "worst purchase ever"]


def run_cli(*args, home):
    env = dict(os.environ, DISTILL_LAB_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "distill_core", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_a_tiny_model_exports_with_dynamic_axes_and_the_same_logits(tiny_model, tmp_path):
    import torch

    from distill_core.teacher import load_model_folder
    from distill_core.tradeoffs import OrtModel, export_onnx

    model, tokenizer = load_model_folder(tiny_model)
    path = export_onnx(model, tmp_path / "tiny.onnx")
    ort_model = OrtModel(path, model.config.num_labels)
    # batch and sequence other than the export's example (2 x 6), with padding in one row
    for texts in (TEXTS, TEXTS[:1], TEXTS * 9):
        batch = tokenizer(texts, padding=True, return_tensors="pt")
        with torch.inference_mode():
            expected = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.numpy()
        got = ort_model(batch["input_ids"].numpy(), batch["attention_mask"].numpy()).logits.numpy()
        assert got.shape == expected.shape
        assert np.abs(got - expected).max() < 1e-4


def test_the_bundled_teacher_exports_within_1e4_and_int8_is_under_a_third(tmp_path):
    from distill_core.tradeoffs import export_model

    report = export_model("bundled", tmp_path / "out", int8=True)
    fp32, int8 = report.variants
    assert fp32.name == "ONNX fp32" and int8.name == "ONNX INT8"
    assert report.check_rows >= 100
    assert fp32.max_abs_diff < 1e-4 and fp32.agreement == 1.0
    assert (tmp_path / "out" / "model.onnx").is_file() and (tmp_path / "out" / "tokenizer.json").is_file()
    # the embedding tables are quantised too (Gather): PyTorch's Linear-only INT8 of this model is ~60% of fp32
    assert int8.mb < fp32.mb / 3
    assert int8.agreement > 0.8  # an untrained head: logits near zero, so a few argmaxes flip; trained ones: see the page
    assert "ONNX INT8" in "\n".join(report.lines())


def test_pruning_keeps_the_logits_of_the_text_it_was_pruned_on(tiny_model, tmp_path):
    import torch

    from distill_core.teacher import load_model_folder
    from distill_core.tradeoffs import OrtModel, export_onnx
    from distill_core.tradeoffs import vocab_prune as VP

    model, tokenizer = load_model_folder(tiny_model)
    keep = VP.kept_ids(tokenizer, TEXTS)
    assert set(tokenizer.all_special_ids) <= set(keep) and len(keep) < 60
    pruned_tok = VP.prune_tokenizer(tokenizer, keep, tmp_path / "pruned")
    pruned = VP.prune_model(model, keep)
    assert pruned.config.vocab_size == len(keep)
    path = export_onnx(pruned, tmp_path / "pruned" / "model.onnx")
    full = tokenizer(TEXTS, padding=True, return_tensors="pt")
    small = pruned_tok(TEXTS, padding=True, return_tensors="np")
    # the same pieces, renumbered
    assert [[keep[i] for i in row] for row in small["input_ids"].tolist()] == full["input_ids"].tolist()
    with torch.inference_mode():
        expected = model(input_ids=full["input_ids"], attention_mask=full["attention_mask"]).logits.numpy()
    got = OrtModel(path, model.config.num_labels)(small["input_ids"], small["attention_mask"]).logits.numpy()
    assert np.abs(got - expected).max() < 1e-4
    # unseen text pays: a word never seen becomes [UNK] or smaller pieces
    cov = VP.coverage(tokenizer, keep, ["a zebra played the saxophone", "great screen"])
    assert cov.outside > 0 and cov.texts_touched == 1 and 0 < cov.outside_share < 1
    assert pruned_tok.unk_token_id in pruned_tok("zebra")["input_ids"] or len(pruned_tok("zebra")["input_ids"]) > 3


def test_cli_export_with_int8_and_pruning_prints_each_variant(tiny_model, toy_csv, tmp_path):
    out = run_cli("export", tiny_model, "--out", str(tmp_path / "onnx"), "--int8", "--prune-vocab", str(toy_csv),
                  "--text-col", "review", "--json", str(tmp_path / "r.json"), home=tmp_path / "h")
    assert out.returncode == 0, out.stderr
    for variant in ("PyTorch fp32", "ONNX fp32", "ONNX INT8", "pruned ONNX fp32", "pruned ONNX INT8"):
        assert variant in out.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    sizes = {v["name"]: v["mb"] for v in report["variants"]}
    assert sizes["pruned ONNX fp32"] < sizes["ONNX fp32"] and sizes["pruned ONNX INT8"] < sizes["ONNX INT8"]
    assert report["variants"][0]["max_abs_diff"] < 1e-4
    assert (tmp_path / "onnx" / "pruned" / "tokenizer.json").is_file()


def test_cli_export_names_a_missing_text_column_before_any_work(tiny_model, toy_csv, tmp_path):
    out = run_cli("export", tiny_model, "--out", str(tmp_path / "onnx"), "--prune-vocab", str(toy_csv), home=tmp_path / "h")
    assert out.returncode != 0 and out.stderr.strip().splitlines() == [
        "error: toy.csv has no 'text' column to prune the vocabulary on (columns: review, stars)"]
    assert not (tmp_path / "onnx").exists()


@pytest.mark.parametrize("make", ["missing", "empty", "broken-config", "no-weights"])
def test_cli_export_of_a_missing_or_broken_folder_is_one_line(make, tmp_path):
    folder = tmp_path / "model"
    if make != "missing":
        folder.mkdir()
    if make == "broken-config":
        (folder / "config.json").write_text("{not json")
        (folder / "model.safetensors").write_bytes(b"garbage")
    if make == "no-weights":
        (folder / "config.json").write_text(json.dumps({"model_type": "bert"}))
    out = run_cli("export", str(folder), "--out", str(tmp_path / "out"), "--int8", home=tmp_path / "h")
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_the_formats_table_has_four_rows_per_model_and_reads_the_size_claim(tiny_model, monkeypatch):
    """The trade-offs page's table, with a tiny trained-shape model standing in for the teacher (no fine-tune in a test)."""
    from distill_core import tradeoffs as TR
    from distill_core.teacher import load_model_folder
    from distill_core.tradeoffs import onnx_table

    model, tokenizer = load_model_folder(tiny_model)
    model.config.num_labels = 3
    import torch

    model.classifier = torch.nn.Linear(model.config.hidden_size, 3)

    def candidates(spec, data):
        yield onnx_table.TEACHER_KEY, "tiny teacher", model.eval(), tokenizer, [0, 1], True

    monkeypatch.setattr(onnx_table, "_candidates", candidates)
    table = TR.formats_table(TR.FormatsSpec(random_archs=False, seq_len=16, batch_size=4, iterations=2, batch_iterations=1, blocks=1))
    rows = {r["format"]: r for r in table["rows"]}
    assert list(rows) == list(TR.FORMATS)
    assert rows["ORT fp32"]["agreement"] == 1.0 and rows["ORT fp32"]["max_abs_diff"] < 1e-4
    assert rows["ORT INT8"]["mb"] < rows["torch INT8"]["mb"] < rows["torch fp32"]["mb"]  # int8 embeddings: only onnxruntime's
    assert all(r["b1_ms"] > 0 and r["bn_ms"] > 0 and 0 <= r["accuracy"] <= 1 for r in rows.values())
    claim = TR.size_claim_rows(table)
    assert claim and claim[0]["format"] == "ORT INT8" and claim[0]["kept"] == pytest.approx(rows["ORT INT8"]["accuracy"] / rows["torch fp32"]["accuracy"])


def test_the_onnxruntime_snippet_runs_as_shown(tmp_path, tiny_model):
    from distill_core.teacher import load_model_folder
    from distill_core.tradeoffs import export_onnx
    from distill_core.tradeoffs.onnx_export import onnxruntime_snippet

    model, tokenizer = load_model_folder(tiny_model)
    export_onnx(model, tmp_path / "m.onnx")
    tokenizer.save_pretrained(tmp_path / "tok")
    names = [f"class{i}" for i in range(model.config.num_labels)]
    code = onnxruntime_snippet(str(tmp_path / "m.onnx"), str(tmp_path / "tok" / "tokenizer.json"), names)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    predicted = out.stdout.strip().splitlines()[-1]  # e.g. ['class1', 'class0']: one label name per text
    assert predicted.startswith("['class") and predicted.count("'class") == 2, (out.stdout, out.stderr)


def test_the_live_page_exports_a_finished_run_and_offers_both_files(lab_home, tiny_model, monkeypatch):
    """The live page's download: Export runs as a job, then ONNX fp32 and INT8 sit beside the Hugging Face folder, with the snippet."""
    import time

    from streamlit.testing.v1 import AppTest

    from tests.conftest import extra_presets_file
    from tests.test_page_tradeoffs import finished_tiny_run

    monkeypatch.setenv("DISTILL_LAB_EXTRA_PRESETS", extra_presets_file())
    store, run_id = finished_tiny_run(lab_home, tiny_model)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["run"] = store.get(run_id).public_id
    at.run()
    at.switch_page("pages/distill.py").run()
    assert not at.exception, [e.message for e in at.exception]
    at.button(key=f"dist_onnx_go_{run_id}").click().run()
    deadline = time.monotonic() + 300
    labels = []
    while time.monotonic() < deadline:
        labels = [b.proto.label for b in at.get("download_button")]
        if any("ONNX, onnxruntime INT8" in label for label in labels):
            break
        time.sleep(1.0)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(label.startswith("Download ONNX, fp32") for label in labels), labels
    assert any(label.startswith("Download ONNX, onnxruntime INT8") for label in labels), labels
    assert (store.artefact_dir(run_id) / "onnx" / "model-int8.onnx").is_file()
    assert any("ort.InferenceSession" in c.value for c in at.code)
