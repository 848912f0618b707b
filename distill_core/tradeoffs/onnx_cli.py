"""The CLI's ``export`` command: ``python -m distill_core export MODEL --out DIR [--int8] [--prune-vocab DATA] [--task T]``."""

from __future__ import annotations

import sys


def add_export_parser(sub) -> None:
    e = sub.add_parser("export", help="export 'bundled' or a model folder to ONNX, check it against PyTorch, optionally INT8 / pruned")
    e.add_argument("model", help="'bundled' (the MiniLM teacher; with --task, fine-tuned on it) or a saved model folder")
    e.add_argument("--out", required=True, help="folder for model.onnx, model-int8.onnx and the tokenizer")
    e.add_argument("--int8", action="store_true", help="also quantise with onnxruntime's dynamic INT8 (embeddings included)")
    e.add_argument("--prune-vocab", metavar="DATA",
                   help="also export with the vocabulary pruned to the pieces of DATA: a sample task (its training split) or a CSV/TSV file")
    e.add_argument("--text-col", default="text", help="text column of a --prune-vocab file (default: text)")
    e.add_argument("--task", help="a sample task: check on its test split and report accuracy (default: check on general text)")
    e.add_argument("--max-length", type=int, default=64, help="tokens per text when checking (default: 64)")
    e.add_argument("--json", help="also write the report to this JSON file")


def cmd_export(args, on_event=None) -> int:
    from ..paths import write_json
    from .measure import job_progress
    from .onnx_export import export_model

    report = export_model(args.model, args.out, int8=args.int8, prune_vocab=args.prune_vocab, task=args.task,
                          text_col=args.text_col, max_length=args.max_length, progress=job_progress(on_event, None, "export") if on_event else None)
    print("\n".join(report.lines()))
    print(f"files in {args.out} ({report.seconds:.0f} s)", file=sys.stderr)
    if args.json:
        write_json(args.json, report.as_dict())
    return 0
