"""The MNIST table's shape (Hinton et al. 2015, section 3), headless: ``TABLE_PRESET`` over N seeds.

    python -m distill_core.experiments.digits_table --seeds 5 --json assets/reference/digits-table.json

The omitted digit has its own command (``python -m distill_core omitted-class``); this one runs only the
table's students: a teacher, and one large unregularised student on hard labels and at each T.
"""

from __future__ import annotations

import argparse
import time

from ..paths import home_dir, write_json


def main(argv: list[str] | None = None) -> int:
    from .digits import TABLE_PRESET, run_digits_experiment, table_spec

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=5, help="number of seeds (0..N-1); default 5, as the reference")
    p.add_argument("--json", help="write the summary (mean and std over seeds) and the full report here")
    args = p.parse_args(argv)
    if args.seeds < 1:
        p.error(f"--seeds must be at least 1, got {args.seeds}")
    spec = table_spec(seeds=list(range(args.seeds)))
    started = time.perf_counter()
    report = run_digits_experiment(spec, home=home_dir())  # teachers cached on disk, shared with omitted-class
    n = report.test_size
    print(f"{TABLE_PRESET}\ntest errors of {n}, validation errors of {spec.validation_size} (mean ± std over seeds)")
    for r in report.table().to_dict("records"):
        print(f"  {r['condition']:<12}{r['errors']:7.1f} ± {r['errors_std']:4.1f}  {100 * r['errors'] / n:5.2f}%"
              f"   val {r['val_errors']:4.1f} ± {r['val_errors_std']:3.1f}")
    for t in spec.temperatures:
        print(report.table_verdict(t))
    print(f"wall time {time.perf_counter() - started:.1f} s, {len(spec.seeds)} seed(s)")
    if args.json:
        out = {"task": "digits", "experiment": "table", "seeds": len(spec.seeds),
               "table": report.table_records(),
               "report": report.as_dict()}
        write_json(args.json, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
