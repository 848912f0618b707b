"""The CLI: the app's runs, headless.

    python -m distill_core distill --task sentiment --seeds 3
    python -m distill_core distill --data reviews.csv --text-col review --label-col stars
    python -m distill_core tasks
    python -m distill_core prepare    # fine-tune the sample tasks' teachers now, before a workshop

Every option's default is the spec dataclass's (experiments/specs.py): the CLI restates no number.
Bad input exits non-zero with one line on stderr, never a traceback
(set DISTILL_LAB_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time

from .errors import DistillError, first_line, one_line
from .paths import write_json
from .experiments.base import ALPHA_MAX, ALPHA_MIN, T_MAX, T_MIN
from .experiments.specs import (
    ARCHITECTURES, DEVICES, DISTILL_PRESETS, EXPERIMENTS, INITS, LAYER_MAPS, STUDENT_KINDS, WORD_LR, DistillSpec, LayerExperimentSpec, SoftTargetSpec,
)


def _layers(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated layer numbers such as 0,2,4, got '{text}'") from None


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, like every other bad input
        print(f"error: {message} (see --help)", file=sys.stderr)
        sys.exit(2)


def _option(parser, spec_cls, name: str, *flags: str, help: str | None = None, **kw) -> None:
    """``--name`` (or ``flags``) into the spec field ``name``, with that field's default."""
    default = spec_cls.default(name)
    if "action" not in kw and "type" not in kw and type(default) in (int, float, str):
        kw["type"] = type(default)
    if "action" not in kw:
        help = f"{help + ' ' if help else ''}(default: {default})"
    parser.add_argument(*(flags or (f"--{name.replace('_', '-')}",)), dest=name, default=default, help=help, **kw)


def _seeds_option(parser, spec_cls) -> None:
    n = len(spec_cls.default("seeds"))
    parser.add_argument("--seeds", type=int, default=n, help=f"number of seeds, 0..N-1 (default: {n})")


def _spec(spec_cls, args, **given):
    """The spec the parsed options describe: each option's field, the seeds as 0..N-1, then ``given``."""
    names = {f.name for f in dataclasses.fields(spec_cls)}
    values = {k: v for k, v in vars(args).items() if k in names} | {"seeds": list(range(args.seeds))}
    return spec_cls(**(values | given))


def _distill_parser(sub, preset: str | None = None) -> None:
    d = sub.add_parser("distill", help="teacher vs the student on hard labels, on the teacher's labels, distilled; over seeds")
    d.add_argument("--preset", choices=list(DISTILL_PRESETS),
                   help="the live page's presets (" + "; ".join(f"{k}: {p.blurb}" for k, p in DISTILL_PRESETS.items())
                   + "); options given explicitly override it")
    src = d.add_mutually_exclusive_group()
    src.add_argument("--task", help=f"a sample task (see `tasks`); default {DistillSpec.default('task')}")
    src.add_argument("--data", dest="data_file", help="a CSV or TSV file of your own; rows whose label is empty become "
                     "the transfer set (the teacher labels them); only labelled rows are split into train / validation / test")
    _option(d, DistillSpec, "text_col", help="text column of --data")
    _option(d, DistillSpec, "label_col", help="label column of --data")
    _option(d, DistillSpec, "transfer_file", help="a second file of unlabelled text for the transfer set (a --text-col column)")
    _option(d, DistillSpec, "teacher", help="'bundled' (offline MiniLM), a model folder, or a hub id")
    _option(d, DistillSpec, "teacher_epochs", type=int, help="teacher fine-tuning epochs (None: the task's recipe, 5 for your data)")
    _option(d, DistillSpec, "teacher_lr", type=float, help="teacher learning rate (None: the task's recipe, 1e-4 for your data)")
    _option(d, DistillSpec, "student_layers", type=_layers, help="teacher layers the student keeps, 0-based, e.g. 0,2,4 (the pages' layers 1, 3, 5; None: one in two)")
    _option(d, DistillSpec, "init", choices=INITS, help="student layers copied from the teacher before fine-tuning, after it, or random")
    _option(d, DistillSpec, "architecture", choices=ARCHITECTURES)
    _option(d, DistillSpec, "student_kind", choices=STUDENT_KINDS,
            help="the student: the truncated teacher, or a BiLSTM / CNN on the teacher's word embeddings (Tang et al. 2019)")
    _option(d, DistillSpec, "temperature", help=f"softmax temperature T, in [{T_MIN:g}, {T_MAX:g}]")
    _option(d, DistillSpec, "alpha", help=f"weight of the hard labels, in [{ALPHA_MIN:g}, {ALPHA_MAX:g}]")
    _option(d, DistillSpec, "unlabelled_weight", type=float, help="weight of a transfer row's soft term, as a pseudo-labelled "
            "row's cross-entropy weighs 1 (None: batch means, the transfer rows get only the (1 - alpha) share)")
    _option(d, DistillSpec, "epochs")
    _option(d, DistillSpec, "learning_rate", "--lr", help=f"student learning rate; a BiLSTM / CNN student's is {WORD_LR:g} unless given")
    _seeds_option(d, DistillSpec)
    _option(d, DistillSpec, "max_train", type=int, help="cap on labelled training rows")
    _option(d, DistillSpec, "labels_per_class", type=int, help="labelled rows kept per class, drawn with a fixed seed (few labels, "
            "much teacher-labelled text: distillation's realistic setting)")
    _option(d, DistillSpec, "batch_size", type=int, help="rows per optimiser step")
    _option(d, DistillSpec, "max_length", type=int, help="tokens per text; longer texts are cut (the teacher's cache depends on it)")
    _option(d, DistillSpec, "use_transfer", "--no-transfer", action="store_false", help="distil on the labelled rows only")
    _option(d, DistillSpec, "transfer_size", type=int, help="cap on unlabelled transfer rows")
    _option(d, DistillSpec, "latency", "--no-latency", action="store_false", help="skip the latency measurement")
    _option(d, DistillSpec, "hidden_mse", help="weight of the hidden-state MSE (FitNets / TinyBERT)")
    _option(d, DistillSpec, "attention", help="weight of the attention-map MSE (TinyBERT)")
    _option(d, DistillSpec, "pkd", help="weight of the Patient-KD [CLS] loss")
    _option(d, DistillSpec, "cosine", help="weight of DistilBERT's cosine hidden loss")
    _option(d, DistillSpec, "layer_map", choices=LAYER_MAPS, help="which teacher layer each student layer is matched to")
    _option(d, DistillSpec, "device", choices=DEVICES, help="auto: a CUDA GPU when torch sees one (DISTILL_LAB_DEVICE sets this too)")
    d.add_argument("--json", help="also write the full report to this JSON file")
    d.add_argument("--no-store", action="store_true", help="do not record the run in the run store")
    if preset:  # parser-level defaults beat the options' own: the preset's values unless an option is given
        d.set_defaults(**(DISTILL_PRESETS[preset].overrides() | {"seeds": DISTILL_PRESETS[preset].seeds}))


def _soft_targets_parser(sub) -> None:
    e = sub.add_parser("soft-targets", help="hard labels vs teacher pseudo-labels vs soft targets, same steps, over seeds")
    _option(e, SoftTargetSpec, "task")
    _seeds_option(e, SoftTargetSpec)
    temps = ",".join(f"{t:g}" for t in SoftTargetSpec.default("temperatures"))
    e.add_argument("--temperatures", default=temps, help=f"comma-separated, e.g. 1,2,4 (default: {temps})")
    lo = ",".join(f"{t:g}" for t in SoftTargetSpec.default("labelled_only_temperatures"))
    e.add_argument("--labelled-only-temperatures", default=lo,
                   help=f"soft targets on the labelled rows alone, no transfer set (Hinton's comparison); '' skips (default: {lo})")
    e.add_argument("--low-data-only", dest="all_labels", action="store_false", help="skip the all-labels regime")
    _option(e, SoftTargetSpec, "alpha", help="weight of the hard labels on labelled rows")
    _option(e, SoftTargetSpec, "epochs")
    _option(e, SoftTargetSpec, "learning_rate", "--lr")
    _option(e, SoftTargetSpec, "transfer_size", type=int, help="rows of the transfer pool used (0: all)")
    _option(e, SoftTargetSpec, "low_data_per_class", "--low-data", type=int, help="labelled rows per class in the low-data regime (0: skip)")
    e.add_argument("--json", help="also write the full report to this JSON file")


def _layers_parser(sub) -> None:
    g = sub.add_parser("layers", help="inside the model: initialisation, objectives, task-agnostic vs task-specific")
    g.add_argument("--experiment", choices=list(EXPERIMENTS), required=True)
    _option(g, LayerExperimentSpec, "task")
    _seeds_option(g, LayerExperimentSpec)
    _option(g, LayerExperimentSpec, "student_layers", type=_layers, help="teacher layers the student keeps, 0-based, e.g. 0,2,4 (the pages' layers 1, 3, 5; None: one in two)")
    _option(g, LayerExperimentSpec, "epochs", help="passes over labelled + transfer rows (fixes every condition's steps)")
    _option(g, LayerExperimentSpec, "learning_rate", "--lr")
    _option(g, LayerExperimentSpec, "transfer_size")
    g.add_argument("--json", help="also write the full report to this JSON file")


def build_parser(distill_preset: str | None = None) -> argparse.ArgumentParser:
    p = _Parser(prog="python -m distill_core", description="Distillation Lab, headless.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _distill_parser(sub, distill_preset)
    _soft_targets_parser(sub)
    _layers_parser(sub)
    # --- omitted-class (issue 13, digits): the parser and command live next to their experiment
    from .experiments.digits_cli import add_omitted_class_parser

    add_omitted_class_parser(sub)
    # --- end omitted-class
    from .tradeoffs.onnx_cli import add_export_parser  # export (issue 17): ONNX, onnxruntime INT8, pruned vocabulary

    add_export_parser(sub)
    from .uploads_cli import add_check_data_parser  # check-data (issue 15): what the page says about a file

    add_check_data_parser(sub)
    from .prepare import add_prepare_parser  # prepare (issue 14): teachers ready before a workshop

    add_prepare_parser(sub)
    from .disk import add_purge_parser  # purge (issue 15): the disk quota's eviction, by hand

    add_purge_parser(sub)
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


def _write_json(path: str | None, report) -> None:
    if path:
        write_json(path, report.as_dict())


def cmd_distill(args) -> int:
    from .experiments.comparison import run_comparison
    from .formatting import report_table
    from .runs import RunStore

    from . import distributed  # under accelerate launch / torchrun only the main process records, prints and saves

    spec = _spec(DistillSpec, args, task=None if args.data_file else (args.task or DistillSpec.default("task")))
    spec.validate()
    store = None if args.no_store or not distributed.is_main() else RunStore()
    run_id = store.create("distill", spec.task or os.path.basename(spec.data_file), spec.as_dict(), status="running", owner=f"cli:{os.getpid()}") if store else None
    if store:
        store.start(run_id)
    started = time.perf_counter()
    try:
        report = run_comparison(
            spec, home=store.home if store else None, on_event=_progress_printer() if distributed.is_main() else None,
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
    if not distributed.is_main():
        return 0
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
          + (f"; latency measured on {report.latency_device}" if report.latency_ms else "")
          + (f"; trained across {distributed.world_size()} processes (DDP)" if distributed.launched() else "")
          + (f"; recorded as run {run_id}" if run_id else ""))
    _write_json(args.json, report)
    return 0


def cmd_soft_targets(args) -> int:
    from .experiments.soft_targets import run_soft_target_experiment
    from .formatting import summary_table

    def numbers(option: str, text: str) -> list[float]:
        try:
            return [float(x) for x in text.split(",") if x.strip()]
        except ValueError:
            raise DistillError(f"{option} takes numbers such as 1,2,4, got '{text}'") from None

    spec = _spec(SoftTargetSpec, args, temperatures=numbers("--temperatures", args.temperatures),
                 labelled_only_temperatures=numbers("--labelled-only-temperatures", args.labelled_only_temperatures),
                 transfer_size=args.transfer_size or None,
                 low_data_per_class=args.low_data_per_class or None)
    started = time.perf_counter()
    report = run_soft_target_experiment(spec, on_event=_progress_printer())
    print()
    print(f"teacher: accuracy {100 * report.teacher['accuracy']:.1f}%, macro-F1 {100 * report.teacher['macro_f1']:.1f}%")
    print(summary_table(report.summary(), [("regime", "regime", 24), ("condition", "condition", 14)],
                        [("accuracy", "accuracy"), ("macro_f1", "macro-F1"), ("agreement", "agree w/ teacher"),
                         ("within_group_error", "err within group"), ("cross_group_error", "err across groups")]))
    print()
    for line in report.reading():
        print(line)
    print(f"wall time {time.perf_counter() - started:.0f} s, {len(spec.seeds)} seed(s)")
    _write_json(args.json, report)
    return 0


def cmd_layers(args) -> int:
    from .experiments.layers import run_layer_experiment
    from .formatting import summary_table

    spec = _spec(LayerExperimentSpec, args)
    started = time.perf_counter()
    report = run_layer_experiment(spec, on_event=_progress_printer())
    print()
    print(f"teacher: accuracy {100 * report.teacher['accuracy']:.1f}%")
    print(summary_table(report.summary(), [("condition", "condition", 28)],
                        [("accuracy", "accuracy"), ("macro_f1", "macro-F1"), ("agreement", "agree w/ teacher")], extra=[("steps", "steps")]))
    print()
    print(report.verdict())
    print(f"wall time {time.perf_counter() - started:.0f} s, {len(spec.seeds)} seed(s)")
    _write_json(args.json, report)
    return 0


def cmd_tasks(args) -> int:
    from .data import available_sample_tasks

    for name, info in available_sample_tasks().items():
        print(f"{name:12s} {info.title}: {info.description}")
    return 0


def cmd_omitted_class(args) -> int:  # omitted-class (issue 13): see experiments/digits_cli.py
    from .experiments.digits_cli import cmd_omitted_class as run

    return run(args, on_event=_progress_printer())


def cmd_export(args) -> int:  # export (issue 17): see tradeoffs/onnx_cli.py
    from .tradeoffs.onnx_cli import cmd_export as run

    return run(args, on_event=_progress_printer())


def cmd_check_data(args) -> int:  # check-data (issue 15): see uploads_cli.py
    from .uploads_cli import cmd_check_data as run

    return run(args)


def cmd_prepare(args) -> int:  # prepare (issue 14): see prepare.py
    from .prepare import cmd_prepare as run

    return run(args, on_event=_progress_printer())


def cmd_purge(args) -> int:  # purge (issue 15): see disk.py
    from .disk import cmd_purge as run

    return run(args)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The options: a preset's values as defaults, and a word student's learning rate unless --lr is given."""
    args = build_parser().parse_args(argv)
    if getattr(args, "preset", None):  # again, with the preset's values as the defaults
        args = build_parser(args.preset).parse_args(argv)
    given = argv if argv is not None else sys.argv[1:]
    if getattr(args, "student_kind", None) in STUDENT_KINDS[1:] and not any(a == "--lr" or a.startswith("--lr=") for a in given):
        args.learning_rate = WORD_LR  # a word student's own default, as on the live page
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return {"distill": cmd_distill, "soft-targets": cmd_soft_targets, "layers": cmd_layers, "tasks": cmd_tasks,
                "omitted-class": cmd_omitted_class, "export": cmd_export, "check-data": cmd_check_data,
                "prepare": cmd_prepare, "purge": cmd_purge}[args.command](args)
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
