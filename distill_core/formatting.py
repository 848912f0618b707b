"""Text renderings of a report: the CLI tables, the reproduce command, the model card."""

from __future__ import annotations

import json
import math
import shlex

from .experiments.base import display_name
from .experiments.specs import BUNDLED, DistillSpec
from .losses import OBJECTIVES


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
                display_name(r["model"]),
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
    if report.attribution_line():  # "" without a pseudo-label student (no transfer rows, or an older report)
        out += ["", "Over hard labels: " + report.attribution_line()]
    return "\n".join(out)


def _mean_std(row, metric: str) -> str:
    std = row[metric + "_std"]
    return f"{100 * row[metric + '_mean']:.1f} ± {100 * (0 if std != std else std):.1f}"  # std is NaN with one seed


def summary_table(summary, labels: list[tuple[str, str, int]], metrics: list[tuple[str, str]],
                  extra: list[tuple[str, str]] = (), width: int = 14) -> str:
    """An experiment's summary (mean and std over seeds) as text: ``labels`` (column, header, width) on the
    left, then each of ``metrics`` (column, header) as "mean ± std" in points and ``extra`` columns as they are."""
    metric_cols = {c for c, _ in metrics}
    # a label column is as wide as its longest name, or the columns after it slide out of line
    labels = [(c, h, max(w, 2 + max((len(display_name(str(v))) for v in summary[c]), default=0))) for c, h, w in labels]
    cols = [(c, h, max(width, len(h) + 2)) for c, h in list(metrics) + list(extra)]
    lines = ["".join(f"{h:<{w}}" for _, h, w in labels) + "".join(f"{h:>{w}}" for _, h, w in cols)]
    for _, r in summary.iterrows():
        cells = [f"{display_name(str(r[c])):<{w}}" for c, _, w in labels]
        cells += [f"{_mean_std(r, c) if c in metric_cols else r[c]:>{w}}" for c, _, w in cols]
        lines.append("".join(cells))
    return "\n".join(lines)


def reproduce_command(spec: dict) -> str:
    """The CLI call that reruns a spec."""
    args = ["python", "-m", "distill_core", "distill"]
    if spec.get("data_file"):
        args += ["--data", spec["data_file"], "--text-col", spec["text_col"], "--label-col", spec["label_col"]]
        if spec.get("transfer_file"):  # absent from reports before second files
            args += ["--transfer-file", spec["transfer_file"]]
    else:
        args += ["--task", spec["task"]]
    if spec.get("teacher") != BUNDLED:
        args += ["--teacher", spec["teacher"]]
    if spec.get("student_layers") is not None:
        args += ["--student-layers", ",".join(str(x) for x in spec["student_layers"])]
    args += [
        "--init", spec["init"], "--architecture", spec["architecture"],
        "--temperature", f"{spec['temperature']:g}", "--alpha", f"{spec['alpha']:g}",
        "--epochs", str(spec["epochs"]), "--lr", f"{spec['learning_rate']:g}",
        "--seeds", str(len(spec["seeds"])),
    ]
    if spec.get("student_kind", "transformer") != "transformer":  # absent from reports before word students
        args += ["--student-kind", spec["student_kind"]]
    if spec.get("teacher_epochs") is not None:
        args += ["--teacher-epochs", str(spec["teacher_epochs"])]
    if spec.get("teacher_lr") is not None:
        args += ["--teacher-lr", f"{spec['teacher_lr']:g}"]
    for name in OBJECTIVES:
        if spec.get(name):
            args += [f"--{name.replace('_', '-')}", f"{spec[name]:g}"]
    default_map = DistillSpec.default("layer_map")
    if any(spec.get(n) for n in OBJECTIVES) and spec.get("layer_map", default_map) != default_map:
        args += ["--layer-map", spec["layer_map"]]
    if spec.get("max_train"):
        args += ["--max-train", str(spec["max_train"])]
    if spec.get("labels_per_class"):
        args += ["--labels-per-class", str(spec["labels_per_class"])]
    for name in ("batch_size", "max_length", "unlabelled_weight"):  # only where they differ from the defaults: older reproduce lines stay short
        if spec.get(name, DistillSpec.default(name)) != DistillSpec.default(name):
            args += [f"--{name.replace('_', '-')}", str(spec[name])]
    if not spec.get("use_transfer", True):
        args += ["--no-transfer"]
    elif spec.get("transfer_size"):
        args += ["--transfer-size", str(spec["transfer_size"])]
    return " ".join(shlex.quote(a) for a in args)


def model_card(report) -> str:
    d = report.results["distilled"]
    t = report.results["teacher"]
    kind = report.spec.get("student_kind", "transformer")
    student = (f"{report.spec.get('architecture')} student\nkeeping teacher layers {report.spec.get('student_layers') or 'one in two'}"
               if kind == "transformer" else  # word_student.py: loaded by distill_core.teacher.load_model_folder, not transformers
               f"{kind} student on the teacher's word embeddings\n(Tang et al. 2019; load it with distill_core.teacher.load_model_folder)")
    return f"""---
library_name: {'transformers' if kind == 'transformer' else 'pytorch'}
pipeline_tag: text-classification
tags: [distillation, distillation-lab]
---
# Distilled student ({report.task['task']})

Made with Distillation Lab: knowledge distillation (Hinton et al. 2015) of a
{report.spec['teacher']} teacher into a {student}.

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
