"""``omitted-class --task intents``: the intent the student never saw, headless.

    python -m distill_core omitted-class --task intents --omit card_lost --seeds 3 --json out.json

The parser is the digits one (``digits_cli``); this module runs and prints the intents branch.
"""

from __future__ import annotations

import sys
import time

from ..paths import home_dir, write_json
from .digits_cli import temperatures
from .omitted_intents import OmittedIntentSpec, condition_name, run_omitted_intent_experiment


def cmd_omitted_intents(args, on_event=None) -> int:
    d = OmittedIntentSpec()
    spec = OmittedIntentSpec(omit=d.omit if args.omit is None else args.omit.strip(), seeds=list(range(args.seeds or len(d.seeds))),
                             temperatures=temperatures(args.temperatures, d.temperatures))
    started = time.perf_counter()
    report = run_omitted_intent_experiment(spec, home=home_dir(), on_event=on_event)  # the teacher and its logits cached on disk
    print_intents_report(report)
    print(f"wall time {time.perf_counter() - started:.1f} s, {len(spec.seeds)} seed(s)")
    if args.json:
        out = {"task": "intents", "omitted_intent": spec.omit, "seeds": len(spec.seeds), "rows": report.json_rows(),
               "report": report.as_dict()}
        write_json(args.json, out)
    return 0


def print_intents_report(report, file=None) -> None:
    file = file or sys.stdout  # looked up now: tests and callers may have replaced it
    print(f"\n'{report.omitted}' never seen ({report.omitted_test} test messages): {report.labelled} labelled rows, "
          f"{report.transfer_kept} transfer rows ({report.transfer_dropped} dropped: the teacher's answer was '{report.omitted}'), "
          f"{report.steps} optimiser steps per student. Teacher: accuracy {100 * report.teacher['accuracy']:.1f}%, "
          f"'{report.omitted}' recognised {100 * report.teacher['omitted_recall']:.1f}%.", file=file)
    print("recall of it before / after the bias correction, overall accuracy before / after, bias (mean ± std over seeds)", file=file)
    for r in report.json_rows():
        pct = lambda k: f"{100 * r[k]:5.1f} ± {100 * r[k + '_std']:4.1f}"
        print(f"  {condition_name(r['condition']):<24}{pct('omitted_recall')}  {pct('omitted_recall_corrected')}  "
              f"{pct('accuracy')}  {pct('accuracy_corrected')}  {r['bias']:5.2f}", file=file)
    print(file=file)
    for line in report.reading():
        print(line, file=file)
