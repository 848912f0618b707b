"""The comparison's plain-language verdict and its outcome, against the seed spread; the attribution of a gain to
the teacher-labelled extra text or to the soft targets, from synthetic results and from a tiny run."""

import pytest

from distill_core.experiments.comparison import DistillReport, DistillSpec, ModelResult, run_comparison


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


def _attributed(baseline: list[float], pseudo: list[float], distilled: list[float], transfer_used: int = 400) -> DistillReport:
    report = _report(baseline, distilled)
    report.results = {"teacher": report.results["teacher"], "baseline": report.results["baseline"],
                      "pseudo": ModelResult("pseudo", [{"accuracy": a} for a in pseudo], 17_000_000, 70.0, [[1]]),
                      "distilled": report.results["distilled"]}
    report.task = {"transfer_used": transfer_used}
    return report


def test_a_gain_from_the_extra_text_is_credited_to_it_not_to_the_soft_targets():
    r = _attributed([0.80, 0.81], [0.86, 0.87], [0.865, 0.875])
    (transfer, _), (soft, _) = r.attribution()["transfer"], r.attribution()["soft"]
    assert transfer > soft > 0
    assert r.outcome() == "same"  # soft targets over the teacher's argmax labels: within the spread, so no green verdict
    verdict = r.verdict()
    assert verdict.startswith("The distilled student scores 87.0% against 80.5% for the same student on hard labels alone (+6.5 points)")
    assert ("Credit the teacher-labelled extra text, not the soft targets. On the teacher's top-class labels of that text, "
            "the same student scores 86.5%: +6.0 points over hard labels, beyond the spread (0.7). "
            "The soft targets add +0.5 points over those labels, within the spread (0.7).") in verdict
    assert "teacher-labelled extra text: +6.0 points, beyond the spread" in r.attribution_line()
    assert "soft targets over that: +0.5 points, within the spread" in r.attribution_line()


def test_with_one_seed_no_gain_is_called_beyond_or_within_a_spread():
    r = _attributed([0.52], [0.70], [0.703])
    assert r.attribution_line() == "teacher-labelled extra text: +18.0 points (one seed); soft targets over that: +0.3 points (one seed)"
    assert "Credit" not in r.verdict() and "spread (" not in r.verdict() and "With one seed there is no spread" in r.verdict()


def test_soft_targets_beyond_the_spread_over_the_teachers_labels_are_distillation_helping():
    r = _attributed([0.80, 0.81], [0.82, 0.83], [0.88, 0.89])
    assert r.outcome() == "helped" and r.verdict().startswith("Distillation helped")
    assert "soft targets over that: +6.0 points, beyond the spread" in r.attribution_line()
    assert "Credit" not in r.verdict()


def test_no_gain_anywhere_says_so():
    r = _attributed([0.80, 0.82], [0.80, 0.82], [0.81, 0.81])
    assert r.outcome() == "same" and "Credit" not in r.verdict()
    assert r.attribution_line().count("within the spread") == 2


def test_without_a_transfer_set_there_is_nothing_to_attribute():
    r = _report([0.80, 0.82], [0.86, 0.86])
    assert r.attribution() is None and r.attribution_line() == ""
    r.task = {"transfer_used": 0}
    assert "No transfer set" in r.verdict() and r.outcome() == "helped"
    r.task = {"transfer_used": 2000}  # a report from before the pseudo-label student: its gain is not attributed
    assert "mixes the teacher-labelled extra text with the soft targets" in r.verdict()


@pytest.mark.parametrize("use_transfer", [True, False])
def test_the_pseudo_label_student_trains_only_with_transfer_rows_and_for_the_same_steps(use_transfer, tiny_model, lab_home):
    spec = DistillSpec(task="sentiment", teacher=tiny_model, teacher_epochs=1, epochs=1, seeds=[0], max_train=40,
                       use_transfer=use_transfer, transfer_size=24, max_length=16, batch_size=16, latency=False)
    report = run_comparison(spec, home=lab_home)
    if not use_transfer:
        assert list(report.results) == ["teacher", "baseline", "distilled"] and report.attribution() is None
        assert any("transfer" in n and "skipped" in n for n in report.notes)
        return
    assert list(report.results) == ["teacher", "baseline", "pseudo", "distilled"]
    steps = {k: report.results[k].per_seed[0]["steps"] for k in ("baseline", "pseudo", "distilled")}
    assert len(set(steps.values())) == 1 and steps["distilled"] > 0, steps
    again = DistillReport.from_dict(report.as_dict())  # the run store's round trip keeps it
    assert "pseudo" in again.results and "teacher-labelled extra text" in again.verdict()
