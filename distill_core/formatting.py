"""Text renderings of a report: the CLI table, the reproduce command, the model card."""

from __future__ import annotations

import json
import math
import shlex


def _pct(mean: float, std: float | None = None) -> str:
    if mean is None or math.isnan(mean):
        return "-"
    return f"{100 * mean:.1f}" + (f" ± {100 * std:.1f}" if std else "")


def report_table(report) -> str:
    rows = report.table()
    header = ["model", "accuracy %", "macro-F1 %", "agree %", "ECE", "params (M)", "size MB", "latency ms", "x teacher"]
    lines = []
    for r in rows:
        lines.append(
            [
                {"teacher": "teacher", "baseline": "student, hard labels", "distilled": "student, distilled"}[r["model"]],
                _pct(r["accuracy"], r["accuracy_std"]),
                _pct(r["macro_f1"], r["macro_f1_std"]),
                _pct(r["agreement"]),
                f"{r['ece']:.3f}",
                f"{r['parameters'] / 1e6:.1f}",
                f"{r['size_mb']:.1f}",
                "-" if math.isnan(r["latency_ms"]) else f"{r['latency_ms']:.1f}",
                "-" if math.isnan(r["latency_ratio"]) else f"{r['latency_ratio']:.2f}",
            ]
        )
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    fmt = lambda cells: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    out = [fmt(header), "  ".join("-" * w for w in widths)] + [fmt(l) for l in lines]
    return "\n".join(out)


def reproduce_command(spec: dict) -> str:
    """The CLI call that reruns a spec."""
    args = ["python", "-m", "distill_core", "distill"]
    if spec.get("data_file"):
        args += ["--data", spec["data_file"], "--text-col", spec["text_col"], "--label-col", spec["label_col"]]
    else:
        args += ["--task", spec["task"]]
    if spec.get("teacher") != "bundled":
        args += ["--teacher", spec["teacher"]]
    if spec.get("student_layers") is not None:
        args += ["--student-layers", ",".join(str(x) for x in spec["student_layers"])]
    args += [
        "--init", spec["init"], "--architecture", spec["architecture"],
        "--temperature", f"{spec['temperature']:g}", "--alpha", f"{spec['alpha']:g}",
        "--epochs", str(spec["epochs"]), "--lr", f"{spec['learning_rate']:g}",
        "--seeds", str(len(spec["seeds"])),
    ]
    if spec.get("teacher_epochs") is not None:
        args += ["--teacher-epochs", str(spec["teacher_epochs"])]
    if spec.get("teacher_lr") is not None:
        args += ["--teacher-lr", f"{spec['teacher_lr']:g}"]
    for name in ("hidden_mse", "attention", "pkd", "cosine"):
        if spec.get(name):
            args += [f"--{name.replace('_', '-')}", f"{spec[name]:g}"]
    if any(spec.get(n) for n in ("hidden_mse", "attention", "pkd", "cosine")) and spec.get("layer_map", "distilbert") != "distilbert":
        args += ["--layer-map", spec["layer_map"]]
    if spec.get("max_train"):
        args += ["--max-train", str(spec["max_train"])]
    if not spec.get("use_transfer", True):
        args += ["--no-transfer"]
    elif spec.get("transfer_size"):
        args += ["--transfer-size", str(spec["transfer_size"])]
    return " ".join(shlex.quote(a) for a in args)


def model_card(report) -> str:
    d = report.results["distilled"]
    t = report.results["teacher"]
    return f"""---
library_name: transformers
pipeline_tag: text-classification
tags: [distillation, distillation-lab]
---
# Distilled student ({report.task['task']})

Made with Distillation Lab: knowledge distillation (Hinton et al. 2015) of a
{report.spec['teacher']} teacher into a {len(d.per_seed) and report.spec.get('architecture')} student
keeping teacher layers {report.spec.get('student_layers') or 'one in two'}.

| model | test accuracy % | macro-F1 % | parameters |
|---|---|---|---|
| teacher | {_pct(t.mean('accuracy'))} | {_pct(t.mean('macro_f1'))} | {t.parameters:,} |
| this student (seed {d.per_seed[0]['seed']}) | {_pct(d.per_seed[0]['accuracy'])} | {_pct(d.per_seed[0]['macro_f1'])} | {d.parameters:,} |

Labels: {', '.join(report.label_names)}.

Reproduce:

```
{reproduce_command(report.spec)}
```

Run config:

```json
{json.dumps(report.spec, indent=2)}
```
"""
