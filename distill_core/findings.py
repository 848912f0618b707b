"""What the lab measured, in one place: each finding read from the shipped reference reports at run time.

The home page's "What we measured", the course's expected results and the take-home summary all read
these, so no number is retyped anywhere and the pages can't contradict each other. Torch-free: the
home page imports it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .experiments.base import against_spread, seed_summary, spread

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "assets" / "reference"
LONG_REGIME = "10 labels per class"


@dataclass(frozen=True)
class Finding:
    key: str
    page: str  # the page that shows it (a path under pages/)
    title: str
    text: str  # plain text with the numbers; never rendered from user input
    caveat: str


def _read(folder: Path, name: str) -> dict | None:
    try:
        return json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _stats(rows: list[dict], by: list[str] | str) -> dict:
    """(group key) -> (mean, std) of accuracy over seeds; a group key is a tuple when ``by`` is a list."""
    out = seed_summary(rows, by, ["accuracy"])[1]
    keys = list(zip(*(out[b] for b in by))) if isinstance(by, list) else list(out[by])
    return {k: (m, 0.0 if s != s else s) for k, m, s in zip(keys, out["accuracy_mean"], out["accuracy_std"])}


def _pts(gain: float, *stds: float) -> str:
    word = {1: "beyond", 0: "within", -1: "beyond"}[against_spread(gain, *stds)]
    return f"{100 * gain:+.1f} points ({word} the seed spread of ±{100 * spread(*stds):.1f})"


def _pct(mean_std: tuple[float, float]) -> str:
    return f"{100 * mean_std[0]:.1f} ± {100 * mean_std[1]:.1f}%"


def _per_seed(report: dict, model: str) -> tuple[float, float]:
    """(mean, std) of a comparison report's model accuracy over its seeds."""
    accs = [r["accuracy"] for r in report["results"][model]["per_seed"]]
    mean = sum(accs) / len(accs)
    std = (sum((a - mean) ** 2 for a in accs) / (len(accs) - 1)) ** 0.5 if len(accs) > 1 else 0.0
    return mean, std


def _comparison(folder: Path) -> Finding | None:
    comp = _read(folder, "sentiment-3layer.json")
    if not comp:
        return None
    base, dist = _per_seed(comp, "baseline"), _per_seed(comp, "distilled")
    teacher = _per_seed(comp, "teacher")
    return Finding("comparison", "pages/distill.py", "The live comparison, at the reference's settings",
                   f"Sentiment, a 3-layer student ({len(comp['spec']['seeds'])} seeds, the Thorough preset): hard labels "
                   f"{_pct(base)}, distilled with the 2,000-review transfer set {_pct(dist)}: "
                   f"{_pts(dist[0] - base[0], base[1], dist[1])}; teacher {100 * teacher[0]:.1f}%.",
                   "The hard-label student saw no transfer set and this reference has no student on the teacher's "
                   "top-class labels, so the transfer set and soft targets share the credit.")


def _quick(folder: Path) -> Finding | None:
    quick = _read(folder, "quick-demo.json")
    if not quick:
        return None
    base, dist = _per_seed(quick, "baseline"), _per_seed(quick, "distilled")
    pseudo = _per_seed(quick, "pseudo") if "pseudo" in quick["results"] else None
    text = (f"Sentiment, {quick['spec'].get('labels_per_class')} labels per class plus {quick['task']['transfer_used']} reviews "
            f"the teacher labels ({len(quick['spec']['seeds'])} seeds): hard labels {_pct(base)}, distilled {_pct(dist)}: "
            f"{_pts(dist[0] - base[0], base[1], dist[1])}"
            + (f"; the same student on the teacher's top-class labels {_pct(pseudo)}." if pseudo else "."))
    if pseudo:  # what the file says, in the words the verdict uses (experiments.base.against_spread)
        share = (pseudo[0] - base[0]) / (dist[0] - base[0]) if dist[0] != base[0] else float("nan")
        soft = against_spread(dist[0] - pseudo[0], pseudo[1], dist[1])
        caveat = (f"The student on the teacher's top-class labels gets {100 * share:.0f}% of the gain: credit the transfer set; "
                  + ("the soft targets add nothing beyond the seed spread." if soft == 0 else
                     f"the soft targets {'add' if soft > 0 else 'lose'} {_pts(dist[0] - pseudo[0], pseudo[1], dist[1])} on top."))
    else:
        caveat = "No top-class-label student in this file: the gain cannot be split between the extra text and the soft targets."
    return Finding("quick", "pages/distill.py", "The Quick demo: few labels, much teacher-labelled text", text, caveat)


def _transfer(folder: Path) -> Finding | None:
    st = _read(folder, "soft_targets_intents.json")
    if not st:
        return None
    s = _stats(st["rows"], ["regime", "condition"])
    low, full = (s[(LONG_REGIME, "hard")], s[(LONG_REGIME, "pseudo")]), (s[("all labels", "hard")], s[("all labels", "pseudo")])
    text = (f"16 intents, 10 labels per intent: hard labels {_pct(low[0])}; plus 1,200 transfer messages labelled with the "
            f"teacher's top class {_pct(low[1])}, {_pts(low[1][0] - low[0][0], low[0][1], low[1][1])}. With all 40 labels "
            f"per intent the same transfer set gives {_pts(full[1][0] - full[0][0], full[0][1], full[1][1])}.")
    return Finding("transfer", "pages/soft_targets.py", "The transfer set: the gain when labels are few", text,
                   "The top-class labels' seed spread is wide (±4 points); with plenty of labels the extra text did not help.")


def _soft(folder: Path) -> Finding | None:
    st, long = _read(folder, "soft_targets_intents.json"), _read(folder, "soft_targets_intents_long.json")
    if not st:
        return None
    s = _stats(st["rows"], ["regime", "condition"])
    lab = [(r, s[(r, "hard")], s[(r, "labelled soft T=4")]) for r in ("all labels", LONG_REGIME)]
    short = s[(LONG_REGIME, "pseudo")], s[(LONG_REGIME, "soft T=4")]
    steps = {r["regime"]: r["steps"] for r in st["rows"]}
    text = ("On the same labelled rows, soft targets at T 4 against hard labels: "
            + "; ".join(f"{r} {_pts(b[0] - a[0], a[1], b[1])}" for r, a, b in lab)
            + f". With the transfer set, soft T 4 against the teacher's top-class labels at {steps[LONG_REGIME]} steps: "
            f"{_pts(short[1][0] - short[0][0], short[0][1], short[1][1])}")
    if long:
        ls = _stats(long["rows"], ["regime", "condition"])
        a, b = ls[(LONG_REGIME, "pseudo")], ls[(LONG_REGIME, "soft T=4")]
        text += f"; at {long['rows'][0]['steps']} steps (3x), {_pts(b[0] - a[0], a[1], b[1])}: {_pct(b)} vs {_pct(a)}"
    return Finding("soft", "pages/soft_targets.py", "Soft targets: a tie at short schedules, a gain with patience", text + ".",
                   f"The long schedule has {len(long['spec']['seeds']) if long else 0} seeds only; 16 classes, a 22.7M "
                   "teacher. Which of T 1, 2, 4 is best depends on the schedule.")


def _digits(folder: Path) -> Finding | None:
    table, h32 = _read(folder, "digits-table.json"), _read(folder, "digits-h32.json")
    if not table:
        return None
    rows = {r["condition"]: r for r in table["table"]}
    hard, t20 = rows["hard"], rows["soft T=20"]
    text = (f"Hinton's MNIST table on 8x8 digits (719 test images, {table['seeds']} seeds): teacher {rows['teacher']['errors']:.1f} "
            f"errors, student on hard labels {hard['errors']:.1f} ± {hard['errors_std']:.1f}, on soft targets at T 20 "
            f"{t20['errors']:.1f} ± {t20['errors_std']:.1f}: within the seed spread.")
    if h32:
        t4 = next(r for r in h32["rows"] if r["condition"] == "soft T=4")
        text += (f" A 2x32 student that never saw a 3 recognises {100 * t4['omitted_recall']:.1f}% of the test 3s from soft "
                 "targets at T 4 (0% on hard labels), before any bias correction.")
    return Finding("digits", "pages/hinton.py", "Hinton's experiments in miniature", text,
                   "An unregularised student here already generalises almost as well as the teacher, so there is little "
                   "for soft targets to pass on; the omitted digit is the effect that does reproduce.")


def _layers(folder: Path, name: str, base: str) -> list[tuple[str, tuple, str]] | None:
    data = _read(folder, name)
    if not data:
        return None
    s = _stats(data["rows"], "condition")
    return [(c, v, _pts(v[0] - s[base][0], v[1], s[base][1])) for c, v in s.items() if c != base] + [(base, s[base], "")]


def _init(folder: Path) -> Finding | None:
    rows = _layers(folder, "layers-init.json", "random")
    if not rows:
        return None
    copied = next(r for r in rows if r[0] == "teacher layers")
    return Finding("init", "pages/layers.py", "Initialisation: start from the teacher's layers",
                   f"A 3-layer student copied from teacher layers {_pct(copied[1])} against a random start "
                   f"{_pct(rows[-1][1])}: {copied[2]}, with the same 100 steps of distillation.",
                   "100 steps only: a random start would close some of the gap with far more training and data.")


def _intermediate(folder: Path) -> Finding | None:
    rows = _layers(folder, "layers-objective.json", "logits")
    if not rows:
        return None
    parts = [f"{c} {_pct(v)}, {g}" for c, v, g in rows[:-1]]
    return Finding("intermediate", "pages/layers.py", "Intermediate layers: matching hidden states",
                   f"Logits alone {_pct(rows[-1][1])}; " + "; ".join(parts) + ".",
                   "3 seeds, 100 steps, 300 test rows: a difference within the spread is no difference.")


def _int8(folder: Path) -> Finding | None:
    data = _read(folder, "int8-students.json")
    if not data or not data.get("students"):
        return None
    s = data["students"][0]
    return Finding("int8", "pages/tradeoffs.py", "INT8: smaller on disk, not free",
                   f"The 3-layer distilled student: {100 * s['accuracy_fp32']:.1f}% in fp32, {100 * s['accuracy_int8']:.1f}% "
                   f"after dynamic INT8 ({100 * (s['accuracy_int8'] - s['accuracy_fp32']):+.1f} points, "
                   f"{100 * (1 - s['agreement']):.1f}% of predictions changed); {s['fp32_mb']:.1f} MB -> {s['int8_mb']:.1f} MB.",
                   f"One seed on {s['test_rows']} test rows. Dynamic INT8 leaves the embeddings in fp32, hence the modest saving.")


def _capacity(folder: Path) -> Finding | None:
    data = _read(folder, "sentiment-1layer.json")
    if not data:
        return None
    base = [r["accuracy"] for r in data["results"]["baseline"]["per_seed"]]
    dist = [r["accuracy"] for r in data["results"]["distilled"]["per_seed"]]
    return Finding("capacity", "pages/tradeoffs.py", "Too small a student: the capacity gap",
                   f"A 1-layer student: {100 * sum(base) / len(base):.1f}% on hard labels, {100 * sum(dist) / len(dist):.1f}% "
                   "distilled at T 4: it collapsed to one class.",
                   f"{len(dist)} seeds; a smaller T, more steps or a teacher assistant (Mirzadeh et al. 2020) may rescue it.")


def findings(folder: str | Path = REFERENCE_DIR) -> list[Finding]:
    """Every finding whose reference report is present, in the course's order."""
    folder = Path(folder)
    makers = (_quick, _comparison, _transfer, _soft, _digits, _init, _intermediate, _int8, _capacity)
    return [f for f in (make(folder) for make in makers) if f is not None]


def findings_by_page(folder: str | Path = REFERENCE_DIR) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings(folder):
        out.setdefault(f.page, []).append(f)
    return out


def reference_seconds(folder: str | Path = REFERENCE_DIR) -> dict[str, float]:
    """file name -> the wall time its run recorded (the reports that record one), for the course's timings."""
    out = {}
    for path in sorted(Path(folder).glob("*.json")):
        data = _read(path.parent, path.name)
        if isinstance(data, dict) and isinstance(data.get("seconds"), (int, float)):
            out[path.name] = float(data["seconds"])
    return out
