"""The CLI: the app's runs, headless.

    python -m distill_core distill --task sentiment --seeds 3
    python -m distill_core distill --data reviews.csv --text-col review --label-col stars
    python -m distill_core tasks

Bad input exits non-zero with one line on stderr, never a traceback
(set DISTILL_LAB_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from .errors import DistillError, first_line, one_line


def _layers(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated layer numbers such as 0,2,4, got '{text}'") from None


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, like every other bad input
        print(f"error: {message} (see --help)", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m distill_core", description="Distillation Lab, headless.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    d = sub.add_parser("distill", help="teacher vs hard-label student vs distilled student, over seeds")
    src = d.add_mutually_exclusive_group()
    src.add_argument("--task", help="a sample task (see `tasks`); default sentiment")
    src.add_argument("--data", help="a CSV or TSV file of your own")
    d.add_argument("--text-col", default="text", help="text column of --data (default: text)")
    d.add_argument("--label-col", default="label", help="label column of --data (default: label)")
    d.add_argument("--teacher", default="bundled", help="'bundled' (offline MiniLM), a model folder, or a hub id")
    d.add_argument("--teacher-epochs", type=int, default=None, help="teacher fine-tuning epochs (default: the task's recipe, 5 for your data)")
    d.add_argument("--teacher-lr", type=float, default=None, help="teacher learning rate (default: the task's recipe, 1e-4 for your data)")
    d.add_argument("--student-layers", type=_layers, default=None, help="teacher layers the student keeps, e.g. 0,2,4")
    d.add_argument("--init", choices=["pretrained", "finetuned", "random"], default="pretrained",
                   help="student layers copied from the teacher before fine-tuning (default), after it, or random")
    d.add_argument("--architecture", choices=["bert", "distilbert"], default="bert")
    d.add_argument("--temperature", type=float, default=4.0)
    d.add_argument("--alpha", type=float, default=0.5, help="weight of the hard labels")
    d.add_argument("--epochs", type=int, default=3)
    d.add_argument("--lr", type=float, default=1e-4)
    d.add_argument("--seeds", type=int, default=3, help="number of seeds (0..N-1)")
    d.add_argument("--max-train", type=int, default=None, help="cap on labelled training rows")
    d.add_argument("--no-transfer", action="store_true", help="distil on the labelled rows only")
    d.add_argument("--transfer-size", type=int, default=None, help="cap on unlabelled transfer rows")
    d.add_argument("--no-latency", action="store_true")
    d.add_argument("--hidden-mse", type=float, default=0.0, help="weight of the hidden-state MSE (FitNets / TinyBERT)")
    d.add_argument("--attention", type=float, default=0.0, help="weight of the attention-map MSE (TinyBERT)")
    d.add_argument("--pkd", type=float, default=0.0, help="weight of the Patient-KD [CLS] loss")
    d.add_argument("--cosine", type=float, default=0.0, help="weight of DistilBERT's cosine hidden loss")
    d.add_argument("--layer-map", default="distilbert", choices=["distilbert", "tinybert", "pkd-skip", "pkd-last"])
    d.add_argument("--json", help="also write the full report to this JSON file")
    d.add_argument("--no-store", action="store_true", help="do not record the run in the run store")
    e = sub.add_parser("soft-targets", help="hard labels vs teacher pseudo-labels vs soft targets, same steps, over seeds")
    e.add_argument("--task", default="intents")
    e.add_argument("--seeds", type=int, default=3)
    e.add_argument("--temperatures", default="1,2,4", help="comma-separated, e.g. 1,2,4")
    e.add_argument("--alpha", type=float, default=0.5)
    e.add_argument("--epochs", type=int, default=2)
    e.add_argument("--lr", type=float, default=5e-4)
    e.add_argument("--transfer-size", type=int, default=1200)
    e.add_argument("--low-data", type=int, default=10, help="labelled rows per class in the low-data regime (0: skip)")
    e.add_argument("--json", help="also write the full report to this JSON file")
    g = sub.add_parser("layers", help="inside the model: initialisation, objectives, task-agnostic vs task-specific")
    g.add_argument("--experiment", choices=["init", "objective", "agnostic"], required=True)
    g.add_argument("--task", default="sentiment")
    g.add_argument("--seeds", type=int, default=3)
    g.add_argument("--student-layers", type=_layers, default=None, help="teacher layers the student keeps, e.g. 0,2,4")
    g.add_argument("--epochs", type=int, default=2, help="passes over labelled + transfer rows (fixes every condition's steps)")
    g.add_argument("--lr", type=float, default=2e-4)
    g.add_argument("--transfer-size", type=int, default=1000)
    g.add_argument("--json", help="also write the full report to this JSON file")
    sub.add_parser("tasks", help="list the sample tasks")
    return p


def _progress_printer():
    last = {"t": 0.0, "phase": None}

    def on_event(e: dict) -> None:
        now = time.monotonic()
        if e["kind"] == "phase":
            print(f"[{e['phase']}] {e['message']}", file=sys.stderr, flush=True)
        elif e["kind"] == "progress" and now - last["t"] > 5:
            last["t"] = now
            eta = f", about {e['eta_s']:.0f} s left" if e.get("eta_s") else ""
            print(f"  {100 * e['fraction']:.0f}% done{eta}", file=sys.stderr, flush=True)
        elif e["kind"] == "eval":
            print(f"  {e['phase']}: epoch {e['epoch']} validation accuracy {100 * e['val_accuracy']:.1f}%", file=sys.stderr, flush=True)

    return on_event


def cmd_distill(args) -> int:
    from .experiments.comparison import DistillSpec, run_comparison
    from .formatting import report_table
    from .runs import RunStore

    spec = DistillSpec(
        task=None if args.data else (args.task or "sentiment"),
        data_file=args.data,
        text_col=args.text_col,
        label_col=args.label_col,
        teacher=args.teacher,
        teacher_epochs=args.teacher_epochs,
        teacher_lr=args.teacher_lr,
        student_layers=args.student_layers,
        init=args.init,
        architecture=args.architecture,
        temperature=args.temperature,
        alpha=args.alpha,
        epochs=args.epochs,
        learning_rate=args.lr,
        seeds=list(range(args.seeds)),
        max_train=args.max_train,
        use_transfer=not args.no_transfer,
        transfer_size=args.transfer_size,
        latency=not args.no_latency,
        hidden_mse=args.hidden_mse,
        attention=args.attention,
        pkd=args.pkd,
        cosine=args.cosine,
        layer_map=args.layer_map,
    )
    spec.validate()
    store = None if args.no_store else RunStore()
    run_id = store.create("distill", spec.task or os.path.basename(spec.data_file), spec.as_dict(), status="running", owner=f"cli:{os.getpid()}") if store else None
    if store:
        store.start(run_id)
    started = time.perf_counter()
    try:
        report = run_comparison(
            spec, home=store.home if store else None, on_event=_progress_printer(),
            artefact_dir=store.artefact_dir(run_id) if store else None,
        )
    except KeyboardInterrupt:
        if store:
            store.fail(run_id, "cancelled from the command line", status="cancelled")
        raise
    except Exception as exc:
        if store:
            store.fail(run_id, first_line(exc))
        raise
    if store:
        store.finish(run_id, report.as_dict(), artefacts=str(store.artefact_dir(run_id)))
    print()
    print(f"task {report.task['task']}: {report.task['train_used']} labelled training rows, "
          f"{report.task['transfer_used']} transfer rows, {report.task['test']} test rows; "
          f"{len(spec.seeds)} seed(s); T={spec.temperature:g}, alpha={spec.alpha:g}, student layers "
          f"{report.spec['student_layers'] or 'one in two'}")
    print(report_table(report))
    print()
    print(report.verdict())
    for note in report.notes:
        print(f"note: {note}")
    print(f"wall time {time.perf_counter() - started:.0f} s" + (" (teacher from cache)" if report.teacher_cached else "")
          + (f"; recorded as run {run_id}" if run_id else ""))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report.as_dict(), f, indent=1, default=float)
    return 0


def cmd_soft_targets(args) -> int:
    from .experiments.soft_targets import SoftTargetSpec, run_soft_target_experiment

    try:
        temps = [float(x) for x in args.temperatures.split(",") if x.strip()]
    except ValueError:
        raise DistillError(f"--temperatures takes numbers such as 1,2,4, got '{args.temperatures}'") from None
    spec = SoftTargetSpec(task=args.task, seeds=list(range(args.seeds)), temperatures=temps, alpha=args.alpha, epochs=args.epochs,
                          learning_rate=args.lr, transfer_size=args.transfer_size or None, low_data_per_class=args.low_data or None)
    started = time.perf_counter()
    report = run_soft_target_experiment(spec, on_event=_progress_printer())
    s = report.summary()
    print()
    print(f"teacher: accuracy {100 * report.teacher['accuracy']:.1f}%, macro-F1 {100 * report.teacher['macro_f1']:.1f}%")
    cols = ["regime", "condition", "accuracy", "macro-F1", "agree w/ teacher", "err within group", "err across groups"]
    print("  ".join(cols))
    for _, r in s.iterrows():
        cell = lambda m: f"{100 * r[m + '_mean']:.1f} ± {100 * (0 if r[m + '_std'] != r[m + '_std'] else r[m + '_std']):.1f}"
        print(f"{r['regime']:<24}{r['condition']:<12}{cell('accuracy'):>14}{cell('macro_f1'):>14}{cell('agreement'):>14}"
              f"{cell('within_group_error'):>14}{cell('cross_group_error'):>14}")
    print()
    for line in report.reading():
        print(line)
    print(f"wall time {time.perf_counter() - started:.0f} s, {len(spec.seeds)} seed(s)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report.as_dict(), f, indent=1, default=float)
    return 0


def cmd_layers(args) -> int:
    from .experiments.layers import LayerExperimentSpec, run_layer_experiment

    spec = LayerExperimentSpec(experiment=args.experiment, task=args.task, seeds=list(range(args.seeds)), student_layers=args.student_layers,
                               epochs=args.epochs, learning_rate=args.lr, transfer_size=args.transfer_size)
    started = time.perf_counter()
    report = run_layer_experiment(spec, on_event=_progress_printer())
    print()
    print(f"teacher: accuracy {100 * report.teacher['accuracy']:.1f}%")
    print(f"{'condition':<28}{'accuracy':>14}{'macro-F1':>14}{'agree w/ teacher':>18}{'steps':>7}")
    for _, r in report.summary().iterrows():
        cell = lambda m: f"{100 * r[m + '_mean']:.1f} ± {100 * (0 if r[m + '_std'] != r[m + '_std'] else r[m + '_std']):.1f}"
        print(f"{r['condition']:<28}{cell('accuracy'):>14}{cell('macro_f1'):>14}{cell('agreement'):>18}{r['steps']:>7}")
    print()
    print(report.verdict())
    print(f"wall time {time.perf_counter() - started:.0f} s, {len(spec.seeds)} seed(s)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report.as_dict(), f, indent=1, default=float)
    return 0


def cmd_tasks(args) -> int:
    from .data import available_sample_tasks

    for name, info in available_sample_tasks().items():
        print(f"{name:12s} {info.title}: {info.description}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return {"distill": cmd_distill, "soft-targets": cmd_soft_targets, "layers": cmd_layers, "tasks": cmd_tasks}[args.command](args)
    except DistillError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line for users; DISTILL_LAB_DEBUG=1 for the traceback
        if os.environ.get("DISTILL_LAB_DEBUG"):
            raise
        print(f"error: unexpected {one_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
