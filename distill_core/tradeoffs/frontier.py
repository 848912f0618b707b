"""Finished runs on one chart: accuracy (over seeds) against batch-1 latency, the Pareto frontier, a budget.

Runs come from the shipped reference reports (assets/reference/, written by the CLI's --json) and
from the run store; latency is what each run recorded, or what was just measured on this machine.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass
from pathlib import Path

from ..experiments.base import display_name

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "assets" / "reference"

# the report's keys; "pseudo" (the student on the teacher's argmax labels of the extra text) only in newer runs
METHODS = {key: display_name(key).capitalize() for key in ("teacher", "baseline", "pseudo", "distilled")}
REQUIRED = ("teacher", "baseline", "distilled")  # every comparison report has these
# a student point's name after its architecture: "3-layer student, teacher's labels" (display_name's "student, ...")
TRAINED_ON = {key: display_name(key).removeprefix("student, ") for key in METHODS if key != "teacher"}
WORD_STUDENTS = {"bilstm": "BiLSTM student", "cnn": "CNN student"}  # DistillSpec.student_kind -> what a point is called

FRONTIER_COLUMNS = [
    "run", "source", "run_id", "task", "model", "method", "student_layers", "name", "accuracy", "accuracy_std", "seeds",
    "parameters", "size_mb", "latency_ms", "latency_source", "arch_key", "seq_len", "temperature", "alpha", "teacher",
    "runs",
]  # fmt: skip


@dataclass
class RunEntry:
    """A finished comparison run: a shipped reference report or a row of the run store."""

    label: str  # "ref: sentiment-3layer", "run 12"
    source: str  # "reference" or "store"
    report: dict  # DistillReport.as_dict()
    run_id: int | None = None
    command: str | None = None


def is_distill_report(report) -> bool:
    """A DistillReport.as_dict(): a spec, and the teacher and students with accuracies per seed."""
    if not isinstance(report, dict) or not isinstance(report.get("spec"), dict) or not isinstance(report.get("results"), dict):
        return False
    for name in METHODS:
        result = report["results"].get(name)
        if result is None and name not in REQUIRED:
            continue
        if not isinstance(result, dict) or not isinstance(result.get("per_seed"), list):
            return False
        if not all(isinstance(m, dict) and isinstance(m.get("accuracy"), (int, float)) for m in result["per_seed"]):
            return False
    return isinstance(report.get("latency_ms", {}), dict)


def load_reference_runs(folder: str | Path = REFERENCE_DIR) -> list[RunEntry]:
    """The reference reports shipped in assets/reference/ (written by the CLI's --json)."""
    from ..formatting import reproduce_command

    entries = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a damaged file is skipped, not fatal
        if not is_distill_report(report):
            continue  # another page's reference file, or not a report at all
        if report["spec"].get("labels_per_class"):
            continue  # the Quick demo's few-label run: its students sit lower for want of labels, not of size
        try:
            command = reproduce_command(report["spec"])
        except (KeyError, TypeError):
            command = None
        entries.append(RunEntry(f"ref: {path.stem}", "reference", report, None, command))
    return entries


def store_runs(store, limit: int = 200) -> list[RunEntry]:
    """Finished distillation runs of a RunStore, newest first."""
    out = []
    for run in store.list(kind="distill", limit=limit):
        if run.status == "finished" and is_distill_report(run.metrics):
            out.append(RunEntry(f"run {run.id}", "store", run.metrics, run.id))
    return out


def _present(values: list) -> list[float]:
    return [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]


def mean_accuracy(values: list) -> float:
    """Mean over seeds, missing values left out; NaN when none is there."""
    values = _present(values)
    return statistics.fmean(values) if values else float("nan")


def std_accuracy(values: list) -> float:
    """Sample standard deviation over seeds, missing values left out; 0 with fewer than two."""
    values = _present(values)
    return statistics.stdev(values) if len(values) >= 2 else 0.0


def arch_key_of(spec: dict, model: str, n_teacher_layers: int = 6) -> str | None:
    """The catalog key of a run's model when it is one of the bundled MiniLM family, else None."""
    if spec.get("teacher") != "bundled":
        return None
    if model == "teacher":
        return f"minilm-{n_teacher_layers}"
    if spec.get("student_kind", "transformer") != "transformer":  # a word student: word_shape's keys "bilstm", "cnn"
        return spec["student_kind"]
    if spec.get("architecture", "bert") != "bert":
        return None
    layers = spec.get("student_layers") or list(range(0, n_teacher_layers, 2))
    return f"minilm-{len(layers)}"


def run_points(entry: RunEntry) -> list[dict]:
    """The three models of one run as points: accuracy (mean and spread over seeds), latency, size."""
    rep, spec = entry.report, entry.report.get("spec", {})
    layers = spec.get("student_layers")
    latency = rep.get("latency_ms") or {}
    task = (rep.get("task") or {}).get("task") or spec.get("task") or "?"
    points = []
    for model, result in rep["results"].items():
        if model not in METHODS:
            continue
        accs = [m.get("accuracy") for m in result.get("per_seed", [])]
        lat = latency.get("teacher" if model == "teacher" else "student")
        n_layers = None if model == "teacher" else (len(layers) if layers else None)
        word = WORD_STUDENTS.get(spec.get("student_kind", "transformer"))  # Tang et al.'s BiLSTM / a CNN: no layers kept
        n_layers = None if word else n_layers
        who = word or f"{n_layers or '?'}-layer student"
        points.append({
            "run": entry.label, "source": entry.source, "run_id": entry.run_id, "task": task, "model": model,
            "method": METHODS[model], "student_layers": n_layers,
            "name": METHODS[model] if model == "teacher" else f"{who}, {TRAINED_ON[model]}",
            "accuracy": mean_accuracy(accs), "accuracy_std": std_accuracy(accs), "seeds": len(accs),
            "parameters": int(result.get("parameters") or 0), "size_mb": float(result.get("size_mb") or float("nan")),
            "latency_ms": float(lat) if lat is not None else float("nan"), "latency_source": "recorded with the run",
            "run_teacher_ms": float(latency["teacher"]) if latency.get("teacher") is not None else float("nan"),
            "arch_key": arch_key_of(spec, model), "seq_len": spec.get("max_length", 64),
            "temperature": spec.get("temperature"), "alpha": spec.get("alpha"), "teacher": spec.get("teacher"),
        })  # fmt: skip
    return points


def _merge_teachers(df):
    """One teacher row per (task, teacher, accuracy), and its students' latency put on that teacher's scale."""
    import pandas as pd

    teachers = df[df["model"] == "teacher"].copy()
    teachers["acc_key"] = teachers["accuracy"].round(4)
    merged = []
    students = df[df["model"] != "teacher"].copy()
    students["runs"] = students["run"]
    for _, group in teachers.groupby(["task", "teacher", "acc_key"], sort=False, dropna=False):
        first = group.iloc[0].to_dict()
        first["latency_ms"] = float(group["latency_ms"].median()) if group["latency_ms"].notna().any() else float("nan")
        first["runs"] = ", ".join(group["run"])
        first.pop("acc_key", None)
        merged.append(first)
        # Runs were timed under different loads; each run's student/teacher ratio was measured side by
        # side and holds. Put every student of this teacher on the same scale: its ratio x the teacher's median.
        same = students["run"].isin(group["run"]) & students["run_teacher_ms"].notna()
        if same.any() and not math.isnan(first["latency_ms"]):
            students.loc[same, "latency_ms"] = students.loc[same, "latency_ms"] / students.loc[same, "run_teacher_ms"] * first["latency_ms"]
            students.loc[same, "latency_source"] = "ratio to its teacher recorded with the run, x the teacher's median time"
    return pd.concat([pd.DataFrame(merged), students], ignore_index=True)


def frontier_points(entries: list[RunEntry], measured: dict[str, float] | None = None, measured_seq_len: int | None = None):
    """All runs' models as one frame, the teacher once per (task, teacher, accuracy).

    measured: batch-1 latency per catalog key measured on this machine; it replaces a run's
    recorded latency for models of the same architecture and sequence length, so every point
    on the chart is timed on the same machine at the same time.
    """
    import pandas as pd

    rows = [p for e in entries for p in run_points(e)]
    if not rows:
        return pd.DataFrame(columns=FRONTIER_COLUMNS)
    df = _merge_teachers(pd.DataFrame(rows))
    if measured:
        for i, row in df.iterrows():
            key = row["arch_key"]
            if key in measured and (measured_seq_len is None or row["seq_len"] == measured_seq_len):
                df.at[i, "latency_ms"] = float(measured[key])
                df.at[i, "latency_source"] = "measured on this machine"
    return df[FRONTIER_COLUMNS].reset_index(drop=True)


def pareto_mask(latency: list[float], accuracy: list[float]) -> list[bool]:
    """True for points no other point beats: at most as slow and at least as accurate, one strictly.

    Points with a missing latency or accuracy are never on the frontier.
    """
    n = len(latency)
    ok = [not (math.isnan(float(latency[i])) or math.isnan(float(accuracy[i]))) for i in range(n)]
    mask = []
    for i in range(n):
        if not ok[i]:
            mask.append(False)
            continue
        dominated = any(
            ok[j] and latency[j] <= latency[i] and accuracy[j] >= accuracy[i] and (latency[j] < latency[i] or accuracy[j] > accuracy[i])
            for j in range(n)
            if j != i
        )
        mask.append(not dominated)
    return mask


def budget_summary(df, budget_ms: float) -> dict:
    """Which models meet a batch-1 latency budget, and the most accurate of them."""
    timed = df[df["latency_ms"].notna()]
    meets = timed[timed["latency_ms"] <= budget_ms]
    best = meets.sort_values(["accuracy", "latency_ms"], ascending=[False, True]).iloc[0].to_dict() if len(meets) else None
    fastest = timed.sort_values("latency_ms").iloc[0].to_dict() if len(timed) else None
    return {"budget_ms": budget_ms, "meets": int(len(meets)), "timed": int(len(timed)), "best": best, "fastest": fastest}


def distilled_vs(df, other: str = "baseline") -> list[int]:
    """Per run, the distilled student against the same student on hard labels (``other="pseudo"``: on the teacher's
    argmax labels of the extra text, in the runs that have one): +1 better, -1 worse, 0 within the seed spread (the
    experiments' one rule)."""
    from ..experiments.base import against_spread

    out = []
    for _, part in df[df["model"] != "teacher"].groupby("run"):
        acc = dict(zip(part["model"], part["accuracy"]))
        std = dict(zip(part["model"], part["accuracy_std"]))
        if "distilled" in acc and other in acc:
            out.append(against_spread(acc["distilled"] - acc[other], std["distilled"], std[other]))
    return out


def retention(entries: list[RunEntry]) -> tuple[float, str, str, int | None] | None:
    """(distilled accuracy / teacher accuracy in %, which student, task, test rows) for the first run with a
    3-layer student, else the first run that has both."""
    first = None
    for e in entries:
        res = e.report["results"]
        if "distilled" not in res or "teacher" not in res:
            continue
        teacher = mean_accuracy([s.get("accuracy") for s in res["teacher"]["per_seed"]])
        distilled = mean_accuracy([s.get("accuracy") for s in res["distilled"]["per_seed"]])
        layers = e.report["spec"].get("student_layers") or []
        task = e.report.get("task") or {}
        if teacher and not math.isnan(teacher) and not math.isnan(distilled):
            item = (100 * distilled / teacher, f"{len(layers)}-layer student", task.get("task", "?"), task.get("test"))
            if len(layers) == 3:
                return item
            first = first or item
    return first
