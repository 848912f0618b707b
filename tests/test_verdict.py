"""The comparison's plain-language verdict and its outcome, against the seed spread."""

from distill_core.experiments.comparison import DistillReport, ModelResult


def _report(baseline: list[float], distilled: list[float]) -> DistillReport:
    def result(name, accs):
        return ModelResult(name, [{"accuracy": a} for a in accs], 17_000_000, 70.0, [[1]])

    return DistillReport({}, {}, ["a"], {"teacher": result("teacher", [0.9]), "baseline": result("baseline", baseline),
                                         "distilled": result("distilled", distilled)}, {}, 0.5, [], True, 1.0)


def test_outcome_and_verdict_follow_the_seed_spread():
    helped = _report([0.80, 0.82], [0.86, 0.86])
    assert helped.outcome() == "helped" and helped.verdict().startswith("Distillation helped")
    hurt = _report([0.80, 0.80], [0.70, 0.72])
    assert hurt.outcome() == "hurt" and hurt.verdict().startswith("Distillation did not help")
    same = _report([0.80, 0.84], [0.81, 0.83])
    assert same.outcome() == "same" and "within the seed spread" in same.verdict()
    assert "runs 2.0x faster" in same.verdict() and "no spread" not in same.verdict()


def test_one_seed_is_called_out_as_too_little_to_judge():
    one = _report([0.647], [0.593])
    assert one.outcome() == "hurt"
    assert "With one seed there is no spread" in one.verdict()
