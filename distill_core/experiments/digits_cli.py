"""The ``omitted-class`` command: Hinton et al.'s omitted digit, headless.

    python -m distill_core omitted-class --task digits --omit 3 --seeds 5 --json out.json

Kept here, next to its experiment, so ``__main__`` only registers it.
"""

from __future__ import annotations

import sys
import time

from ..errors import DistillError
from ..paths import home_dir, write_json

TASKS = ("digits", "intents")


def add_omitted_class_parser(sub) -> None:
    from .digits import DigitsSpec

    d = DigitsSpec()
    p = sub.add_parser("omitted-class", help="the class the student never saw (Hinton et al. 2015): recall vs T, bias correction")
    p.add_argument("--task", choices=TASKS, default="digits",
                   help="digits: scikit-learn's 8x8 digits (seconds); intents: the 16-intent task with its fine-tuned teacher (minutes)")
    p.add_argument("--omit", help=f"the class left out of the student's training rows: a digit (default {d.omit}) or an intent "
                                  "(default: see omitted_intents.OmittedIntentSpec)")
    p.add_argument("--seeds", type=int, help="number of seeds (0..N-1); default 5 for digits, 3 for intents, as the references")
    p.add_argument("--student-hidden", type=int, default=d.student_hidden, help=f"units per student hidden layer (default {d.student_hidden})")
    p.add_argument("--temperatures", help=f"comma-separated, e.g. 1,2,4,8,20 (default {','.join(f'{t:g}' for t in d.temperatures)} "
                                          "for digits, 1,2,4 for intents)")
    p.add_argument("--json", help="write the rows (one per condition, mean and std over seeds) and the full report here")


def cmd_omitted_class(args, on_event=None) -> int:
    from .digits import DigitsSpec, run_digits_experiment

    if args.seeds is not None and args.seeds < 1:
        raise DistillError(f"--seeds must be at least 1, got {args.seeds}")
    if args.task == "intents":
        from .omitted_intents_cli import cmd_omitted_intents

        return cmd_omitted_intents(args, on_event)
    d = DigitsSpec()
    if args.omit is not None and not args.omit.strip().isdigit():
        raise DistillError(f"--omit takes a digit 0 to 9 with --task digits, got '{args.omit}'")
    spec = DigitsSpec(omit=d.omit if args.omit is None else int(args.omit), seeds=list(range(args.seeds or 5)),
                      student_hidden=args.student_hidden, temperatures=temperatures(args.temperatures, d.temperatures))
    started = time.perf_counter()
    report = run_digits_experiment(spec, home=home_dir(), on_event=on_event)  # teachers cached on disk, as the app's
    print_report(report)
    print(f"wall time {time.perf_counter() - started:.1f} s, {len(spec.seeds)} seed(s)")
    if args.json:
        out = {"task": "digits", "omitted_digit": spec.omit, "seeds": len(spec.seeds), "rows": report.json_rows(),
               "table": report.table_records(),
               "report": report.as_dict()}
        write_json(args.json, out)
    return 0


def temperatures(text: str | None, default: list[float]) -> list[float]:
    """--temperatures as numbers; the task's spec default when not given."""
    if text is None:
        return list(default)
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise DistillError(f"--temperatures takes numbers such as 1,2,4, got '{text}'") from None


def print_report(report, file=None) -> None:
    file = file or sys.stdout  # looked up now: tests and callers may have replaced it
    n = report.test_size
    print(f"\nevery digit seen: test errors of {n} (mean ± std over seeds)", file=file)
    for r in report.table().to_dict("records"):
        print(f"  {r['condition']:<12}{r['errors']:7.1f} ± {r['errors_std']:4.1f}   {100 * r['errors'] / n:5.2f}%", file=file)
    print(f"\ndigit {report.spec['omit']} never seen ({report.omitted_test} test images): recall before / after the bias "
          "correction, overall accuracy before / after, bias", file=file)
    for r in report.json_rows():
        pct = lambda k: f"{100 * r[k]:5.1f} ± {100 * r[k + '_std']:4.1f}"
        print(f"  {r['condition']:<12}{pct('omitted_recall')}  {pct('omitted_recall_corrected')}  "
              f"{pct('accuracy')}  {pct('accuracy_corrected')}  {r['bias']:5.2f}", file=file)
    print(file=file)
    for line in report.reading() + [report.table_verdict()]:
        print(line, file=file)
