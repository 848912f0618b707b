"""The trade-offs engine: shapes counted exactly, sizes, measurement plumbing, INT8 accuracy, frontier, cost, checklist.

Tiny configs only; no assertion on a timing (a busy machine makes any of them flaky).
"""

from __future__ import annotations

import json
import math

import pytest

from distill_core import models as M
from distill_core import tradeoffs as TR
from distill_core.errors import DistillError
from distill_core.tradeoffs.measure import _best_of_blocks
from tests.conftest import tradeoffs_extra_presets

TINY_CATALOG = [TR.Arch.from_dict(a) for a in tradeoffs_extra_presets()["catalog"]]


# ------------------------------------------------------------------ shapes and sizes


def test_reference_shapes_are_transformers_defaults():
    import transformers

    bert, distil = transformers.BertConfig(), transformers.DistilBertConfig()
    assert (TR.BERT_BASE.vocab, TR.BERT_BASE.hidden, TR.BERT_BASE.layers, TR.BERT_BASE.heads, TR.BERT_BASE.intermediate) == (
        bert.vocab_size, bert.hidden_size, bert.num_hidden_layers, bert.num_attention_heads, bert.intermediate_size)
    assert (TR.BERT_BASE.max_positions, TR.BERT_BASE.type_vocab) == (bert.max_position_embeddings, bert.type_vocab_size)
    assert (TR.DISTILBERT.vocab, TR.DISTILBERT.hidden, TR.DISTILBERT.layers, TR.DISTILBERT.heads, TR.DISTILBERT.intermediate) == (
        distil.vocab_size, distil.dim, distil.n_layers, distil.n_heads, distil.hidden_dim)


def test_paper_scale_counts():
    # Sanh et al. 2019: about 110M and 66M; exactly these with a 2-class head
    assert TR.parameters_from_shape(TR.BERT_BASE).total == 109_483_778
    assert TR.parameters_from_shape(TR.DISTILBERT).total == 66_955_010
    assert TR.parameters_from_shape(TR.minilm(None)).total == 22_714_371  # the bundled teacher, 3 classes


@pytest.mark.parametrize("arch", TINY_CATALOG, ids=lambda a: a.key)
def test_counted_parameters_match_real_models(arch):
    model = TR.build_model(arch)
    assert TR.parameters_from_shape(arch).total == M.count_parameters(model)
    linear = sum(m.weight.numel() for m in model.modules() if isinstance(m, __import__("torch").nn.Linear))
    assert TR.parameters_from_shape(arch).linear_weights == linear


def test_bundled_student_count_matches_build_student():
    arch = TR.minilm((0,))
    assert TR.parameters_from_shape(arch).total == M.count_parameters(TR.build_model(arch))
    assert arch.key == "minilm-1" and arch.student_layers == (0,)


def test_computed_sizes_match_serialised_sizes():
    arch = TINY_CATALOG[0]
    model = TR.build_model(arch)
    assert TR.size_mb(arch) == pytest.approx(M.serialized_size_mb(model), rel=0.02)
    assert TR.size_mb(arch, int8=True) == pytest.approx(M.serialized_size_mb(M.quantize_int8(model)), rel=0.02)
    assert TR.size_mb(arch, int8=True) < TR.size_mb(arch)


def test_size_claim_does_not_hold_for_distilbert():
    claim = TR.check_size_claim(TR.shape_table(TR.default_catalog()))
    assert not claim.holds_for_distilbert
    assert claim.bert_fp32_mb == pytest.approx(438, abs=1)
    assert 130 < claim.distilbert_int8_mb < 145  # the 95 MB of fp32 embeddings dominate
    assert claim.distilbert_all_int8_mb > TR.SEED_SIZE_CLAIM["to_mb"]
    assert claim.smallest_under == ["MiniLM student, 1 layer", "BiLSTM student (Tang et al. 2019)", "CNN student (word embeddings)"]
    assert "Does not hold" in claim.text


def test_size_claim_holds_when_a_small_enough_distilbert_is_given():
    rows = [{"key": "bert-base", "model": "BERT-base", "fp32_mb": 438.0, "int8_mb": 181.0},
            {"key": "distilbert", "model": "DistilBERT", "fp32_mb": 100.0, "int8_mb": 40.0}]
    assert TR.check_size_claim(rows).holds_for_distilbert


def test_shape_table_columns():
    rows = TR.shape_table(TR.default_catalog())
    assert [r["key"] for r in rows] == ["bert-base", "distilbert", "minilm-6", "minilm-3", "minilm-2", "minilm-1", "bilstm", "cnn"]
    assert rows[0]["vs_bert_base"] == 1.0 and 0.6 < rows[1]["vs_bert_base"] < 0.62
    for r in rows:
        assert r["embeddings"] + r["transformer_layers"] + r["head"] == r["parameters"]


# ------------------------------------------------------------------ measurement


def test_measure_models_fills_every_cell_and_reports_progress():
    seen = []
    cfg = TR.MeasureConfig(seq_len=8, batch_size=2, iterations=2, batch_iterations=1, warmup=1, int8_batch=True)
    m = TR.measure_models(TINY_CATALOG, cfg, progress=lambda f, msg: seen.append((f, msg)))
    assert [r["key"] for r in m.rows] == [a.key for a in TINY_CATALOG]
    for r in m.rows:
        for col in ("fp32_mb", "int8_mb", "b1_ms", "b1_int8_ms", "bn_ms", "bn_int8_ms"):
            assert math.isfinite(r[col]) and r[col] > 0, (r["key"], col)
        assert r["int8_mb"] < r["fp32_mb"]
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    ratios = {r["key"]: r for r in m.ratios("tiny-bert")}
    assert ratios["tiny-bert"]["speedup_b1"] == 1.0 and ratios["tiny-bert"]["parameters_ratio"] == 1.0
    assert set(m.latency_by_key()) == {a.key for a in TINY_CATALOG}
    assert m.machine["cpus"] >= 1 and json.dumps(m.as_dict())


def test_measure_models_rejects_bad_input():
    with pytest.raises(DistillError, match="empty"):
        TR.measure_models([])
    with pytest.raises(DistillError, match="exceeds"):
        TR.measure_models(TINY_CATALOG, TR.MeasureConfig(seq_len=4096))


# ------------------------------------------------------------------ INT8 accuracy of a saved student


@pytest.fixture
def tiny_student_folder(tmp_path, tiny_model):
    from distill_core.teacher import save_model_folder

    model, tokenizer = M.load_teacher(tiny_model, num_labels=3)
    folder = tmp_path / "student"
    save_model_folder(model, tokenizer, folder)
    return folder


def test_int8_accuracy_of_a_saved_student(tiny_student_folder):
    res = TR.int8_accuracy(tiny_student_folder, task="sentiment")
    assert res.test_rows == 300 and res.task == "sentiment"
    assert 0 <= res.accuracy_fp32 <= 1 and 0 <= res.accuracy_int8 <= 1 and 0 <= res.agreement <= 1
    assert res.int8_mb < res.fp32_mb
    assert math.isfinite(res.drop_points)


def test_int8_accuracy_says_what_is_wrong(tiny_student_folder, tmp_path):
    with pytest.raises(DistillError, match="no saved model"):
        TR.int8_accuracy(tmp_path / "gone", task="sentiment")
    with pytest.raises(DistillError, match="classes"):
        TR.int8_accuracy(tiny_student_folder, task="intents")
    (tiny_student_folder / "model.safetensors").unlink()
    with pytest.raises(DistillError, match="safetensors"):
        TR.int8_accuracy(tiny_student_folder, task="sentiment")


# ------------------------------------------------------------------ runs and the frontier


def fake_report(layers, teacher_acc, base, dist, latency=(10.0, 5.0), task="sentiment", params=(22_700_000, 17_400_000)):
    seed = lambda accs: [{"accuracy": a, "macro_f1": a, "ece": 0.05, "agreement": 0.9, "seed": i} for i, a in enumerate(accs)]
    result = lambda name, accs, p: {"name": name, "per_seed": seed(accs), "parameters": p, "size_mb": 4 * p / 1e6,
                                     "confusion": [[1]], "train_seconds": 1.0}
    return {
        "spec": {"task": task, "teacher": "bundled", "student_layers": layers, "architecture": "bert", "max_length": 64,
                 "temperature": 4.0, "alpha": 0.5, "init": "teacher", "epochs": 3, "learning_rate": 1e-4, "seeds": [0, 1],
                 "teacher_epochs": 5, "data_file": None, "text_col": "text", "label_col": "label"},
        "task": {"task": task},
        "results": {"teacher": result("teacher", [teacher_acc], params[0]), "baseline": result("baseline", base, params[1]),
                    "distilled": result("distilled", dist, params[1])},
        "latency_ms": {"teacher": latency[0], "student": latency[1]}, "latency_ratio": latency[1] / latency[0],
    }


def test_frontier_points_merge_the_shared_teacher_and_use_measured_latency():
    entries = [
        TR.RunEntry("ref: a", "reference", fake_report([0, 2, 4], 0.90, [0.85, 0.87], [0.86, 0.88], (10.0, 5.0))),
        TR.RunEntry("ref: b", "reference", fake_report([0], 0.90, [0.70, 0.72], [0.75, 0.77], (12.0, 2.0))),
    ]
    df = TR.frontier_points(entries)
    assert len(df) == 5  # one teacher, two students per run
    teacher = df[df["model"] == "teacher"].iloc[0]
    assert teacher["latency_ms"] == 11.0 and teacher["runs"] == "ref: a, ref: b" and teacher["arch_key"] == "minilm-6"
    distilled = df[(df["model"] == "distilled") & (df["student_layers"] == 3)].iloc[0]
    assert distilled["accuracy"] == pytest.approx(0.87) and distilled["accuracy_std"] == pytest.approx(0.01414, abs=1e-4)
    assert distilled["arch_key"] == "minilm-3" and distilled["latency_source"].startswith("ratio to its teacher")
    # each run's student/teacher ratio, put on the shared teacher's scale: 5/10 x 11 and 2/12 x 11
    assert distilled["latency_ms"] == pytest.approx(5.5)
    assert df[(df["model"] == "baseline") & (df["student_layers"] == 1)].iloc[0]["latency_ms"] == pytest.approx(2 / 12 * 11)
    measured = TR.frontier_points(entries, {"minilm-6": 20.0, "minilm-3": 9.0}, measured_seq_len=64)
    row = measured[(measured["model"] == "distilled") & (measured["student_layers"] == 3)].iloc[0]
    assert row["latency_ms"] == 9.0 and row["latency_source"] == "measured on this machine"
    one_layer = measured[measured["student_layers"] == 1].iloc[0]
    assert one_layer["latency_ms"] == pytest.approx(2 / 12 * 11)  # no measurement for minilm-1: the recorded ratio kept
    unmatched = TR.frontier_points(entries, {"minilm-3": 9.0}, measured_seq_len=128)
    assert not unmatched["latency_source"].eq("measured on this machine").any()


def test_a_run_with_a_student_on_the_teachers_labels_puts_it_on_the_frontier_and_in_the_count():
    report = fake_report([0, 2, 4], 0.90, [0.80, 0.81], [0.865, 0.875], (10.0, 5.0))
    report["results"]["pseudo"] = {**report["results"]["baseline"], "name": "pseudo",
                                   "per_seed": [{"accuracy": a, "seed": i} for i, a in enumerate([0.86, 0.87])]}
    entries = [TR.RunEntry("run new", "store", report, 1), TR.RunEntry("ref: old", "reference", fake_report([0], 0.9, [0.7], [0.8]))]
    df = TR.frontier_points(entries)
    pseudo = df[df["model"] == "pseudo"]
    assert list(pseudo["name"]) == ["3-layer student, teacher's labels"] and pseudo.iloc[0]["accuracy"] == pytest.approx(0.865)
    assert TR.distilled_vs(df) == [1, 1]  # both runs: distilled beyond the spread over hard labels
    assert TR.distilled_vs(df, "pseudo") == [0]  # only the new run has the student that isolates the soft targets
    broken = fake_report([0], 0.9, [0.7], [0.8])
    broken["results"]["pseudo"] = {"per_seed": "not a list"}
    from distill_core.tradeoffs.frontier import is_distill_report

    assert not is_distill_report(broken) and is_distill_report(fake_report([0], 0.9, [0.7], [0.8]))


def test_frontier_of_nothing_is_an_empty_frame():
    df = TR.frontier_points([])
    assert df.empty and "latency_ms" in df.columns


def test_pareto_mask():
    latency = [1.0, 2.0, 3.0, 2.0, float("nan")]
    accuracy = [0.5, 0.8, 0.9, 0.7, 0.99]
    assert TR.pareto_mask(latency, accuracy) == [True, True, True, False, False]
    assert TR.pareto_mask([1.0, 1.0], [0.5, 0.5]) == [True, True]  # ties dominate neither


def test_budget_summary():
    df = TR.frontier_points([TR.RunEntry("r", "store", fake_report([0, 2, 4], 0.9, [0.8], [0.85], (10.0, 5.0)), 1)])
    tight = TR.budget_summary(df, 3.0)
    assert tight["meets"] == 0 and tight["fastest"]["latency_ms"] == 5.0
    mid = TR.budget_summary(df, 7.0)
    assert mid["meets"] == 2 and mid["best"]["model"] == "distilled"
    assert TR.budget_summary(df, 100.0)["best"]["model"] == "teacher"


def test_reference_runs_load_and_skip_damaged_files(tmp_path):
    (tmp_path / "good.json").write_text(json.dumps(fake_report([0], 0.9, [0.8], [0.82])))
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "other.json").write_text(json.dumps({"hello": 1}))
    (tmp_path / "other_page.json").write_text(json.dumps({"spec": {}, "results": {"teacher": [1, 2]}}))  # another page's file
    entries = TR.load_reference_runs(tmp_path)
    assert [e.label for e in entries] == ["ref: good"]
    assert entries[0].command.startswith("python -m distill_core distill --task sentiment --student-layers 0")


def test_shipped_reference_runs_are_small_complete_reports():
    entries = TR.load_reference_runs()
    assert len(entries) >= 3, "assets/reference/ should ship the 1-, 2- and 3-layer runs"
    for e in entries:
        path = TR.REFERENCE_DIR / (e.label.removeprefix("ref: ") + ".json")
        assert path.stat().st_size < 200_000, f"{path.name} is too big for a report"
    assert TR.load_int8_reference() is not None and len(TR.load_int8_reference()["students"]) == 3
    df = TR.frontier_points(entries)
    assert set(df["model"]) == {"teacher", "baseline", "distilled"}
    assert df["latency_ms"].notna().all() and df["accuracy"].between(0, 1).all()
    assert sorted(df["student_layers"].dropna().unique()) == [1, 2, 3]
    readme = (TR.REFERENCE_DIR / "README.md").read_text()
    for e in entries:
        assert e.label.removeprefix("ref: ") + ".json" in readme


# ------------------------------------------------------------------ cost


def test_servers_and_monthly_cost():
    # 10 ms at 50% utilisation: 4.32M calls/day per server
    assert TR.server_capacity_per_day(10.0, 0.5) == pytest.approx(4_320_000)
    assert TR.servers_needed(100, 10.0) == 1
    assert TR.servers_needed(4_320_000, 10.0) == 1 and TR.servers_needed(4_320_001, 10.0) == 2
    assert TR.monthly_cost_self_hosted(100, 10.0, 0.10) == pytest.approx(73.0)
    assert TR.monthly_cost_api(1000, 0.001) == pytest.approx(30.42)
    with pytest.raises(DistillError):
        TR.server_capacity_per_day(0.0)


def test_break_even():
    # one server at $0.10/h costs $73/month: the API ($0.001/call) costs that at 73 / 0.03042 calls/day
    be = TR.break_even_calls_per_day(10.0, 0.10, 0.001)
    assert be == pytest.approx(73 / (30.42 * 0.001))
    assert TR.monthly_cost_api(be, 0.001) == pytest.approx(TR.monthly_cost_self_hosted(be, 10.0, 0.10))
    # a server that answers fewer calls than it would take to pay for itself never breaks even
    assert TR.break_even_calls_per_day(10_000.0, 10.0, 0.00001) is None
    assert TR.break_even_calls_per_day(10.0, 0.10, 0.0) is None


def test_cost_table_and_curves():
    rows = TR.cost_table({"teacher": 10.0, "student": 5.0}, 10_000_000, 0.10, 0.001)
    by = {r["model"]: r for r in rows}
    assert by["teacher"]["servers"] == 3 and by["student"]["servers"] == 2
    assert by["Hosted API"]["monthly_usd"] == pytest.approx(10_000_000 * 30.42 * 0.001)
    grid = TR.log_grid(100, 1e6, 5)
    assert grid[0] == pytest.approx(100) and grid[-1] == pytest.approx(1e6)
    assert TR.cost_curve(None, grid, 0.1, 0.001) == [TR.monthly_cost_api(c, 0.001) for c in grid]
    curve = TR.cost_curve(5.0, grid, 0.1, 0.001)
    assert curve == sorted(curve)


# ------------------------------------------------------------------ checklist


def answers(*ticked):
    return {c.key: c.key in ticked for c in TR.CRITERIA}


def test_recommendation_follows_the_criteria():
    assert TR.recommend(answers("latency", "fixed_task")).verdict == "distill"
    assert TR.recommend(answers()).verdict == "no need"
    assert TR.recommend(answers("latency", "prototyping")).verdict == "not yet"
    assert TR.recommend(answers("latency", "api_cost", "gap_matters")).verdict == "pilot"
    rec = TR.recommend(answers("latency", "changes_often"))
    assert rec.verdict == "not yet" and any(r.startswith("Against:") for r in rec.reasons)
    with pytest.raises(DistillError):
        TR.recommend({"nonsense": True})


def test_best_of_blocks_keeps_each_models_best_block_median():
    class Lat:
        def __init__(self, ms):
            self.p50_ms = ms

    block_times = iter([{"a": 12.0, "b": 30.0}, {"a": 10.0, "b": 90.0}, {"a": 50.0, "b": 31.0}])  # a burst hits each block
    calls, seen = [], []

    def fake_compare(models, batch_size, seq_len, iterations, warmup, progress):
        calls.append((iterations, warmup))
        progress(1.0)
        return {k: Lat(v) for k, v in next(block_times).items()}

    best = _best_of_blocks(fake_compare, {"a": None, "b": None}, 1, 8, 7, 3, 2, seen.append)
    assert best == {"a": 10.0, "b": 30.0}
    assert calls == [(3, 2), (2, 0), (2, 0)]  # 7 rounds in 3 blocks, warm-up once
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_measure_job_speaks_the_runners_events_and_honours_cancel():
    import threading

    from distill_core.errors import Cancelled

    spec = TR.MeasureSpec.from_dict(tradeoffs_extra_presets())
    assert spec.catalog == TINY_CATALOG and spec.config.seq_len == 16
    config = spec.as_dict()
    assert json.loads(json.dumps(config)) == config  # what the run store keeps compares equal to what the page asks for
    events = []
    m = TR.measure_job(config, on_event=events.append, cancel=threading.Event())
    assert [r["key"] for r in m.rows] == [a.key for a in TINY_CATALOG]
    progress = [e for e in events if e["kind"] == "progress"]
    assert progress[-1]["fraction"] == 1.0 and all({"elapsed_s", "eta_s"} <= set(e) for e in progress)
    assert any(e["kind"] == "phase" and e["message"].startswith("building") for e in events)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        TR.measure_job(config, on_event=events.append, cancel=stop)
    with pytest.raises(DistillError, match="unknown architecture fields"):
        TR.MeasureSpec.from_dict({"catalog": [{"key": "x", "colour": "red"}]})
