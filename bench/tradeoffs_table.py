"""Parameters, sizes and latency ratios of BERT-base, DistilBERT, the MiniLM teacher and its 3-layer student.

    python bench/tradeoffs_table.py [--seq-len 64] [--batch 32] [--iterations 20] [--batch-iterations 5]
    python bench/tradeoffs_table.py --students-from HOME [--int8-json FILE]
    python bench/tradeoffs_table.py --formats [--students-from HOME] [--formats-json FILE]

Builds the four models (BERT-base and DistilBERT from their configs, random weights, nothing
downloaded; the bundled MiniLM and a student keeping its layers 0, 2, 4), quantises each with
dynamic INT8, then times all of them in one run, interleaved round by round: batch 1 (fp32 and
INT8) and batch N (fp32); each time is the best of a few blocks' medians. Prints sizes computed
from the shapes beside the serialised ones, the latency ratios to BERT-base (the part that
carries over between machines), and whether the seed article's "440 MB -> under 50 MB" holds. Not a test.

With ``--students-from HOME`` it instead evaluates, on each task's test split, the distilled student
of every finished run in that DISTILL_LAB_HOME in fp32 and after dynamic INT8 (how
assets/reference/int8-students.json was made; see assets/reference/README.md).

With ``--formats`` it measures the teacher, those students, BERT-base and DistilBERT in four formats
(torch fp32, torch INT8, onnxruntime fp32, onnxruntime INT8 with int8 embeddings): size on disk,
batch-1 and batch-N latency interleaved, test accuracy (how assets/reference/onnx-formats.json was made).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from distill_core import tradeoffs as TR  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seq-len", type=int, default=64, help="tokens per example (default 64, the sample tasks' length)")
    p.add_argument("--batch", type=int, default=32, help="the batch-N size (default 32)")
    p.add_argument("--iterations", type=int, default=20, help="interleaved rounds at batch 1")
    p.add_argument("--batch-iterations", type=int, default=5, help="interleaved rounds at batch N")
    p.add_argument("--int8-batch", action="store_true", help="also time the INT8 models at batch N")
    p.add_argument("--blocks", type=int, default=3, help="split the rounds into this many blocks; keep each model's best block median")
    p.add_argument("--students-from", metavar="HOME", help="evaluate the saved students of this DISTILL_LAB_HOME, fp32 vs INT8")
    p.add_argument("--int8-json", metavar="FILE", help="with --students-from: also write the evaluation to this JSON file")
    p.add_argument("--formats", action="store_true", help="torch fp32 / torch INT8 / ORT fp32 / ORT INT8 of every model")
    p.add_argument("--formats-json", metavar="FILE", help="with --formats: also write the table to this JSON file")
    args = p.parse_args(argv)
    if args.formats:
        return formats(args, argv)
    if args.students_from:
        return students(args.students_from, args.int8_json, argv)

    catalog = [TR.BERT_BASE, TR.DISTILBERT, TR.minilm(None), TR.minilm((0, 2, 4))]
    cfg = TR.MeasureConfig(seq_len=args.seq_len, batch_size=args.batch, iterations=args.iterations,
                           batch_iterations=args.batch_iterations, int8_batch=args.int8_batch, blocks=args.blocks)  # fmt: skip
    last = {"t": 0.0}

    def progress(fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - last["t"] > 10 or fraction >= 1.0:
            last["t"] = now
            print(f"  {100 * fraction:3.0f}%  {message}", file=sys.stderr, flush=True)

    m = TR.measure_models(catalog, cfg, progress=progress)
    ratios = {r["key"]: r for r in m.ratios("bert-base")}
    computed = {r["key"]: r for r in TR.shape_table(catalog)}
    bn = cfg.batch_size

    header = ["model", "params (M)", "vs BERT", "fp32 MB", "INT8 MB", "(computed)", "b1 ms", "b1 INT8 ms", f"b{bn} ms",
              "x BERT b1", f"x BERT b{bn}", "INT8 x b1"]  # fmt: skip
    lines = []
    for r in m.rows:
        c, q = computed[r["key"]], ratios[r["key"]]
        lines.append([
            r["model"], f"{r['parameters'] / 1e6:.1f}", f"{100 * q['parameters_ratio']:.0f}%", f"{r['fp32_mb']:.1f}",
            f"{r['int8_mb']:.1f}", f"{c['fp32_mb']:.0f}/{c['int8_mb']:.0f}", f"{r['b1_ms']:.2f}", f"{r['b1_int8_ms']:.2f}",
            f"{r['bn_ms']:.1f}", _x(q["speedup_b1"]), _x(q["speedup_bn"]), _x(q["int8_speedup_b1"]),
        ])  # fmt: skip
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    fmt = lambda cells: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print()
    print(f"seq {cfg.seq_len} tokens; batch 1: {cfg.iterations} interleaved rounds, batch {bn}: {cfg.batch_iterations}; "
          f"each time the best of {cfg.blocks} blocks' medians.")
    print(f"machine: {m.machine['cpus']} CPUs, {m.machine['torch_threads']} torch threads, load average {m.machine['load_1min']:.1f} "
          f"at the end, torch {m.machine['torch']}; {m.seconds:.0f} s in all.")
    print("x BERT = BERT-base latency / the model's latency (higher is faster); INT8 x = fp32 latency / INT8 latency.")
    print()
    print(fmt(header))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print(fmt(line))
    print()
    d = ratios["distilbert"]
    print(f"DistilBERT vs BERT-base: {100 * (1 - d['parameters_ratio']):.0f}% fewer parameters, {d['speedup_b1']:.2f}x faster at batch 1, "
          f"{d['speedup_bn']:.2f}x at batch {bn} (quoted, Sanh et al. 2019: 40% fewer, 60% faster = 1.6x).")
    claim = TR.measured_size_claim(m)
    print(f"440 MB -> under 50 MB: {'HOLDS' if claim.holds_for_distilbert else 'DOES NOT HOLD'} for DistilBERT + dynamic INT8.")
    print(claim.text)
    return 0


def students(home: str, json_path: str | None, argv: list[str] | None) -> int:
    import json
    import shlex

    from distill_core.runs import RunStore

    rows = TR.evaluate_store_students(RunStore(home))
    if not rows:
        print(f"no finished run with a saved student in {home}", file=sys.stderr)
        return 1
    print(f"{'run':>4}  {'layers':8}  {'task':10}  {'test rows':>9}  {'fp32 %':>6}  {'INT8 %':>6}  {'agree %':>7}  {'fp32 MB':>7}  {'INT8 MB':>7}")
    for r in rows:
        print(f"{r['run']:>4}  {','.join(map(str, r['student_layers'] or [])):8}  {r['task']:10}  {r['test_rows']:>9}  "
              f"{100 * r['accuracy_fp32']:6.1f}  {100 * r['accuracy_int8']:6.1f}  {100 * r['agreement']:7.1f}  {r['fp32_mb']:7.1f}  {r['int8_mb']:7.1f}")
    if json_path:
        command = "python bench/tradeoffs_table.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
        with open(json_path, "w", encoding="utf-8") as f:
            json.dump({"command": command, "students": rows}, f, indent=1)
        print(f"written to {json_path}")
    return 0


def formats(args, argv: list[str] | None) -> int:
    import json
    import shlex

    from distill_core.runs import RunStore

    students = {}  # one student per depth: the latest run's
    for run in sorted(RunStore(args.students_from).list(kind="distill", limit=200) if args.students_from else [], key=lambda r: r.id):
        folder = TR.student_folder(run)
        layers = run.config.get("student_layers") or ((run.metrics or {}).get("spec") or {}).get("student_layers")
        if folder is not None and run.task == "sentiment" and layers:
            students[len(layers)] = {"key": f"minilm-{len(layers)}", "name": f"{len(layers)}-layer student (teacher's {', '.join(str(i + 1) for i in layers)})", "folder": str(folder), "layers": layers}
    spec = TR.FormatsSpec(students=[students[n] for n in sorted(students, reverse=True)], seq_len=args.seq_len, batch_size=args.batch, iterations=args.iterations,
                          batch_iterations=args.batch_iterations, blocks=args.blocks)  # fmt: skip
    table = TR.formats_table(spec, progress=lambda f, m: print(f"  {100 * f:3.0f}%  {m}", file=sys.stderr, flush=True))
    print(f"\n{'model':28s} {'format':11s} {'MB':>7s} {'b1 ms':>8s} {f'b{args.batch} ms':>8s} {'acc %':>6s} {'agree %':>7s}")
    for r in table["rows"]:
        pct = lambda v: "-" if v is None else f"{100 * v:.1f}"  # noqa: E731
        print(f"{r['model']:28s} {r['format']:11s} {r['mb']:7.1f} {r['b1_ms']:8.1f} {r['bn_ms']:8.1f} {pct(r['accuracy']):>6s} {pct(r['agreement']):>7s}")
    print(f"\nmachine: {table['machine']}; {table['seconds']:.0f} s")
    for r in TR.size_claim_rows(table):
        kept = "" if r["kept"] is None else f", {100 * r['kept']:.0f}% of the teacher's accuracy"
        print(f"under {TR.SIZE_TARGET_MB:.0f} MB: {r['model']} as {r['format']}, {r['mb']:.1f} MB{kept}")
    if args.formats_json:
        table["command"] = "python bench/tradeoffs_table.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
        with open(args.formats_json, "w", encoding="utf-8") as f:
            json.dump(table, f, indent=1)
        print(f"written to {args.formats_json}")
    return 0


def _x(v: float) -> str:
    return "-" if v is None or math.isnan(v) else f"{v:.2f}x"


if __name__ == "__main__":
    sys.exit(main())
