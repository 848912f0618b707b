"""The ``omitted-class`` command: Hinton et al.'s omitted digit, headless.

    python -m distill_core omitted-class --task digits --omit 3 --seeds 5 --json out.json

Kept here, next to its experiment, so ``__main__`` only registers it.
"""

from __future__ import annotations

import json
import sys
import time

from ..errors import DistillError
from ..paths import home_dir

TASKS = ("digits", "intents")


def add_omitted_class_parser(sub) -> None:
    from .digits import DigitsSpec

    d = DigitsSpec()
    p = sub.add_parser("omitted-class", help="the class the student never saw (Hinton et al. 2015): recall vs T, bias correction")
    p.add_argument("--task", choices=TASKS, default="digits", help="digits: scikit-learn's 8x8 digits (intents: not built yet)")
    p.add_argument("--omit", type=int, default=d.omit, help=f"the digit left out of the student's transfer set (default {d.omit})")
    p.add_argument("--seeds", type=int, default=5, help="number of seeds (0..N-1); default 5, as the reference")
    p.add_argument("--student-hidden", type=int, default=d.student_hidden, help=f"units per student hidden layer (default {d.student_hidden})")
    p.add_argument("--temperatures", default=",".join(f"{t:g}" for t in d.temperatures), help="comma-separated, e.g. 1,2,4,8,20")
    p.add_argument("--json", help="write the rows (one per condition, mean and std over seeds) and the full report here")


def cmd_omitted_class(args, on_event=None) -> int:
    from .digits import DigitsSpec, run_digits_experiment

    if args.task != "digits":
        raise DistillError(f"--task {args.task} is not built yet: only --task digits runs today")
    if args.seeds < 1:
        raise DistillError(f"--seeds must be at least 1, got {args.seeds}")
    try:
        temps = [float(x) for x in args.temperatures.split(",") if x.strip()]
    except ValueError:
        raise DistillError(f"--temperatures takes numbers such as 1,2,4, got '{args.temperatures}'") from None
    spec = DigitsSpec(omit=args.omit, seeds=list(range(args.seeds)), student_hidden=args.student_hidden, temperatures=temps)
    started = time.perf_counter()
    report = run_digits_experiment(spec, home=home_dir(), on_event=on_event)  # teachers cached on disk, as the app's
    print_report(report)
    print(f"wall time {time.perf_counter() - started:.1f} s, {len(spec.seeds)} seed(s)")
    if args.json:
        out = {"task": "digits", "omitted_digit": spec.omit, "seeds": len(spec.seeds), "rows": report.json_rows(),
               "table": [{k: None if v != v else v for k, v in r.items()} for r in report.table().to_dict("records")],  # NaN -> null
               "report": report.as_dict()}
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1, default=float)
    return 0


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
