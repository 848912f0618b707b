"""The Trade-offs page's tables and sentences: engine results turned into frames and text to show."""

from __future__ import annotations

import math
import time

import pandas as pd

from distill_core import tradeoffs as TR
from pages._ui.tradeoffs_figures import fmt_ms, fmt_x, short


def fmt_usd(v: float) -> str:
    return f"${v:,.0f}" if v >= 100 else f"${v:,.2f}"


def ago(when: float) -> str:
    s = max(0, int(time.time() - when))
    return f"{s} s ago" if s < 60 else f"{s // 60} min ago" if s < 3600 else f"{s // 3600} h ago"


def claim_table(rows: list[dict], m: TR.Measurement | None, kept: tuple | None) -> str:
    """Sanh et al.'s three figures (quoted) beside this machine's, as a Markdown table."""
    by_key = {r["key"]: r for r in rows}
    bert, distil = by_key.get("bert-base"), by_key.get("distilbert")
    params_here = "-"
    if bert and distil:
        params_here = (f"**{100 * (1 - distil['parameters'] / bert['parameters']):.0f}% fewer**: {bert['parameters'] / 1e6:.1f}M to "
                       f"{distil['parameters'] / 1e6:.1f}M, counted from the configs")
    speed_here = "*not measured yet*: press **Measure on this machine** below"
    if m and m.row("bert-base") and m.row("distilbert"):
        b1 = m.row("bert-base")["b1_ms"] / m.row("distilbert")["b1_ms"]
        bn = m.row("bert-base")["bn_ms"] / m.row("distilbert")["bn_ms"]
        speed_here = (f"**{b1:.2f}x faster** at batch 1, {bn:.2f}x at batch {m.config['batch_size']}; measured {ago(m.when)}, "
                      f"{m.config['seq_len']} tokens")
    kept_here = "-"
    if kept:
        rows_note = f", {kept[3]} test rows" if kept[3] else ""
        kept_here = (f"**{kept[0]:.0f}%** of the teacher's test accuracy: {kept[1]} distilled from the bundled MiniLM, "
                     f"{kept[2]} sample task{rows_note} (not GLUE, which needs 9 fine-tunings)")
        if kept[0] > 100:
            kept_here += "; a student can edge past its teacher on a small test set, within noise"
    return (
        "| | Sanh et al. 2019 (quoted) | Here |\n| --- | --- | --- |\n"
        f"| Parameters | 40% fewer: 110M to 66M | {params_here} |\n"
        f"| Inference | 60% faster (1.6x), CPU, batch 1 | {speed_here} |\n"
        f"| Accuracy kept | 97% of BERT's GLUE score | {kept_here} |"
    )


def shape_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{
        "model": r["model"], "layers": r["layers"], "hidden": r["hidden"], "parameters (M)": round(r["parameters"] / 1e6, 1),
        "vs BERT-base": f"{100 * r['vs_bert_base']:.0f}%" if not math.isnan(r["vs_bert_base"]) else "-",
        "embeddings share": f"{100 * r['embedding_share']:.0f}%", "fp32 (MB)": round(r["fp32_mb"], 1),
        "INT8 (MB)": round(r["int8_mb"], 1), "what it is": r["note"],
    } for r in rows])  # fmt: skip


def measured_frame(m: TR.Measurement, ref: TR.Arch) -> pd.DataFrame:
    ratios = {r["key"]: r for r in m.ratios(ref.key)}
    bn = m.config["batch_size"]
    return pd.DataFrame([{
        "model": r["model"], "batch 1, fp32 (ms)": fmt_ms(r["b1_ms"]), "batch 1, INT8 (ms)": fmt_ms(r["b1_int8_ms"]),
        "INT8 speed-up": fmt_x(ratios[r["key"]]["int8_speedup_b1"]), f"batch {bn}, fp32 (ms)": fmt_ms(r["bn_ms"]),
        f"speed-up vs {ref.name}, batch 1": fmt_x(ratios[r["key"]]["speedup_b1"]),
        f"speed-up vs {ref.name}, batch {bn}": fmt_x(ratios[r["key"]]["speedup_bn"]),
        "fp32 (MB)": round(r["fp32_mb"], 1), "INT8 (MB)": round(r["int8_mb"], 1),
    } for r in m.rows])  # fmt: skip


def int8_reference_frame(shipped: dict) -> pd.DataFrame:
    return pd.DataFrame([{
        "student (reference run)": f"{student_label(r)}, distilled, seed 0",
        "task": r["task"], "test rows": r["test_rows"], "fp32 accuracy %": round(100 * r["accuracy_fp32"], 1),
        "INT8 accuracy %": round(100 * r["accuracy_int8"], 1),
        "change (points)": f"{100 * (r['accuracy_int8'] - r['accuracy_fp32']):+.1f}", "fp32 and INT8 agree %": round(100 * r["agreement"], 1),
        "fp32 (MB)": round(r["fp32_mb"], 1), "INT8 (MB)": round(r["int8_mb"], 1),
    } for r in shipped["students"]])  # fmt: skip


def int8_result_frame(res: dict) -> pd.DataFrame:
    return pd.DataFrame([
        {"weights": "fp32", "test accuracy %": round(100 * res["accuracy_fp32"], 1), "size (MB)": round(res["fp32_mb"], 1)},
        {"weights": "dynamic INT8", "test accuracy %": round(100 * res["accuracy_int8"], 1), "size (MB)": round(res["int8_mb"], 1)},
    ])


def int8_result_caption(res: dict) -> str:
    drop = 100 * (res["accuracy_fp32"] - res["accuracy_int8"])
    return (f"{res['test_rows']} test rows; INT8 and fp32 agree on {100 * res['agreement']:.1f}% of them. "
            + (f"INT8 cost {drop:.1f} points of accuracy." if drop > 0 else "INT8 cost no accuracy here." if drop == 0
               else f"INT8 scored {-drop:.1f} points higher: noise of rounding, not a gain to count on."))


def points_frame(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "model": df["name"], "run(s)": df["runs"], "accuracy %": (100 * df["accuracy"]).round(1),
        "± (std over seeds)": (100 * df["accuracy_std"]).round(1), "seeds": df["seeds"],
        "parameters (M)": (df["parameters"] / 1e6).round(1), "batch-1 latency (ms)": df["latency_ms"].round(2),
        "latency source": df["latency_source"], "T": df["temperature"], "alpha": df["alpha"],
    })  # fmt: skip


def cost_latencies(m: TR.Measurement | None, df: pd.DataFrame) -> tuple[dict[str, tuple[str, float]], str]:
    """{key: (name, batch-1 ms)} for the cost model, and where the numbers come from."""
    if m is not None:
        return {r["key"]: (r["model"], r["b1_ms"]) for r in m.rows if not math.isnan(r["b1_ms"])}, "measured on this machine"
    out = {}
    catalog = TR.default_catalog()
    names = {a.key: a.name for a in catalog}
    timed = df[df["arch_key"].notna() & df["latency_ms"].notna()]
    for key, part in timed.groupby("arch_key"):
        out[key] = (names.get(key, key), float(part["latency_ms"].median()))
    order = {a.key: i for i, a in enumerate(catalog)}
    return dict(sorted(out.items(), key=lambda kv: order.get(kv[0], 99))), "as recorded with the reference runs (not this machine yet)"


def cost_frame(latencies: dict[str, tuple[str, float]], calls: int, hour: float, api: float) -> pd.DataFrame:
    table = TR.cost_table({k: ms for k, (_, ms) in latencies.items()}, float(calls), hour, api, TR.UTILISATION)
    names = {k: n for k, (n, _) in latencies.items()}
    return pd.DataFrame([{
        "model": names.get(r["model"], r["model"]), "batch-1 latency (ms)": fmt_ms(r["latency_ms"]),
        "servers needed": str(r["servers"] or "-"), f"$/month at {calls:,} calls/day": fmt_usd(r["monthly_usd"]),
        "break-even vs API (calls/day)": "-" if r["model"] == "Hosted API" else
        (f"{r['break_even_calls_per_day']:,.0f}" if r["break_even_calls_per_day"] else "never (API cheaper)"),
    } for r in table])  # fmt: skip


def cost_verdict(name: str, ms: float, calls: int, hour: float, api: float) -> str:
    """One model at this traffic: self-hosted vs API per month, and where it breaks even."""
    be = TR.break_even_calls_per_day(ms, hour, api, TR.UTILISATION)
    own = TR.monthly_cost_self_hosted(float(calls), ms, hour, TR.UTILISATION)
    hosted = TR.monthly_cost_api(float(calls), api)
    cheaper = "serving it yourself" if own < hosted else "the hosted API"
    return (
        f"**{name}** at {calls:,} calls/day: {fmt_usd(own)}/month on {TR.servers_needed(float(calls), ms, TR.UTILISATION)} server(s) "
        f"vs {fmt_usd(hosted)}/month for the API, so {cheaper} is cheaper. "
        + (f"Break-even at about **{be:,.0f} calls/day**: above it, serving it yourself costs less."
           if be else "It never breaks even at these prices: each server costs more than the API calls it could answer.")
    )


def speed_notes(m: TR.Measurement, ratios: dict[str, dict]) -> list[str]:
    """What the measured speed-ups say: DistilBERT against the quoted 1.6x, and which models INT8 slowed down."""
    notes = []
    d = ratios.get("distilbert")
    if d and not math.isnan(d["speedup_b1"]):
        quoted = TR.SANH_2019["speedup"]
        verdict = "in line with" if abs(d["speedup_b1"] - quoted) <= 0.3 else ("more than" if d["speedup_b1"] > quoted else "less than")
        notes.append(
            f"DistilBERT runs {d['speedup_b1']:.2f}x faster than BERT-base at batch 1 and {d['speedup_bn']:.2f}x at batch "
            f"{m.config['batch_size']} here, {verdict} the 1.6x Sanh et al. (2019) report. DistilBERT keeps 6 of BERT's 12 layers "
            "at the same width, about half the compute; how close the speed-up comes to 2x depends on the machine, the sequence "
            "length and the batch."
        )
    slower = [short(r["key"], r["model"]) for r in m.rows if ratios[r["key"]]["int8_speedup_b1"] < 1.0]
    faster = [short(r["key"], r["model"]) for r in m.rows if ratios[r["key"]]["int8_speedup_b1"] >= 1.0]
    if slower:
        notes.append(
            f"Dynamic INT8 made {', '.join(slower)} slower here" + (f" and {', '.join(faster)} faster" if faster else "")
            + ": it quantises each layer's input on the fly, which pays off for large matrices and can cost more than it "
            "saves for small ones."
        )
    return notes


def budget_sentence(summary: dict, budget: float) -> str:
    if summary["meets"]:
        best = summary["best"]
        return (f"**{summary['meets']} of {summary['timed']} models meet the {budget:g} ms budget.** The most accurate of them: "
                f"{best['name']} ({best['runs']}), {100 * best['accuracy']:.1f}% at {best['latency_ms']:.1f} ms.")
    fastest = summary["fastest"]
    return (f"**0 of {summary['timed']} models meet the {budget:g} ms budget.**"
            + (f" The fastest is {fastest['name']} at {fastest['latency_ms']:.1f} ms." if fastest else ""))


# ------------------------------------------------------------------ the four serving formats (issue 17)


def formats_frame(table: dict) -> pd.DataFrame:
    """Model x format: size on disk, latency at batch 1 and N, accuracy, agreement with the same model in fp32 PyTorch."""
    bn = table.get("spec", {}).get("batch_size", 32)
    pct = lambda v: "-" if v is None else f"{100 * v:.1f}"  # noqa: E731 (random weights: no accuracy to show)
    return pd.DataFrame([{
        "model": r["model"], "format": r["format"], "size (MB)": round(r["mb"], 1), "under 50 MB": "yes" if r["mb"] < TR.SIZE_TARGET_MB else "",
        "batch-1 ms": fmt_ms(r["b1_ms"]), f"batch-{bn} ms": fmt_ms(r["bn_ms"]), "test accuracy %": pct(r["accuracy"]),
        "agrees with fp32 %": pct(r["agreement"]),
    } for r in table["rows"]])  # fmt: skip


def formats_claim(table: dict) -> tuple[bool, str]:
    """(holds, Markdown): the seed's "440 MB BERT to under 50 MB with distillation + INT8", read on the measured rows."""
    target = TR.SIZE_TARGET_MB
    bert_fp32 = next((r["mb"] for r in table["rows"] if r["key"] == "bert-base" and r["format"] == "torch fp32"), None)
    smallest = {k: TR.smallest_mb(table, k) for k in ("bert-base", "distilbert")}
    under = [r for r in TR.size_claim_rows(table, target) if r["accuracy"] is not None]
    lines = []
    if bert_fp32 and smallest["distilbert"]:
        lines.append(f"- BERT-base in fp32: **{bert_fp32:.0f} MB** on disk. Its smallest form here, onnxruntime INT8 with the "
                     f"embeddings in int8 too: **{smallest['bert-base']:.0f} MB**; DistilBERT's: **{smallest['distilbert']:.0f} MB**. "
                     f"Neither is under {target:.0f} MB: the claim needs a narrower model than DistilBERT.")
    for r in under:
        kept = f", keeping **{100 * r['kept']:.0f}%** of the teacher's accuracy" if r["kept"] is not None else ""
        lines.append(f"- {r['model']}: **{r['mb']:.1f} MB** as {r['format']}, {100 * r['accuracy']:.1f}% test accuracy{kept}.")
    if under:
        lines.append("- The MiniLM teacher is itself a distilled model (Wang et al. 2020): 6 layers of width 384 where BERT-base "
                     "has 12 of width 768. So yes, distillation plus INT8 gets under 50 MB, with int8 embeddings.")
    useful = [r for r in under if r["kept"] is not None and r["kept"] >= 0.9]
    holds = bool(useful)
    return holds, "\n".join(lines)


def int8_reference_caption(shipped: dict) -> str:
    """What INT8 cost each reference student, from the JSON: points lost and predictions changed, against the size of one test row."""
    parts = []
    for r in shipped["students"]:
        drop, changed = 100 * (r["accuracy_fp32"] - r["accuracy_int8"]), 100 * (1 - r["agreement"])
        parts.append(f"{student_label(r)} {100 * r['accuracy_fp32']:.1f} → {100 * r['accuracy_int8']:.1f} "
                     f"({drop:.1f} points, {changed:.1f}% of predictions changed)")
    worst = max(shipped["students"], key=lambda r: r["accuracy_fp32"] - r["accuracy_int8"], default=None)
    if worst is None:
        return ""
    rows, flipped = worst["test_rows"], round(worst["test_rows"] * (1 - worst["agreement"]))
    return (f"What dynamic INT8 cost each reference student on {rows} test rows: {'; '.join(parts)}. For the {student_label(worst)} "
            f"that is not noise: INT8 changed {flipped} of its {rows} answers. Check a quantised model on your own test set before "
            "shipping it.")


def student_label(r: dict) -> str:
    """"3-layer student": from the kept layers, or the parameter count when a report did not record them (one in two: 0, 2, 4)."""
    layers = r.get("student_layers")
    if layers:
        return f"{len(layers)}-layer student"
    # 6 layers of MiniLM: 1,774,464 parameters each; embeddings + pooler + head: 12,067,587 (see tradeoffs.shapes)
    n = round((r.get("parameters", 0) - 12_067_587) / 1_774_464)
    return f"{n}-layer student" if n > 0 else "student (layers not recorded)"
