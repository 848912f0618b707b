"""The take-home summary: one self-contained HTML page (no script, no external file) that a browser prints to PDF.

Charts are inline SVG drawn here, so the page works offline and prints crisply; everything the learner
typed is escaped, never interpreted as HTML.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from html import escape

# The seed article's workflow, corrected: KL with reduction="batchmean" (the default "mean" also divides by the
# number of classes), the frozen teacher's logits computed once, and only input_ids and attention_mask for a
# DistilBERT student (it has no token-type embeddings; BERT's tokenizer output carries token_type_ids).
WORKFLOW_CODE = '''import torch
import torch.nn.functional as F
from transformers import AutoModelForSequenceClassification, AutoTokenizer

T, ALPHA, EPOCHS, BATCH = 4.0, 0.5, 3, 32
teacher_tok = AutoTokenizer.from_pretrained("path/to/fine-tuned-bert-teacher")
teacher = AutoModelForSequenceClassification.from_pretrained("path/to/fine-tuned-bert-teacher").eval()
student_tok = AutoTokenizer.from_pretrained("distilbert-base-uncased")
student = AutoModelForSequenceClassification.from_pretrained("distilbert-base-uncased", num_labels=NUM_LABELS)

def encode(tok, batch_texts):
    return tok(batch_texts, padding=True, truncation=True, max_length=128, return_tensors="pt")

# 1. The teacher is frozen: compute its logits once for every training text, not once per batch and epoch.
with torch.no_grad():
    cached = torch.cat([teacher(**encode(teacher_tok, texts[i:i + 64])).logits
                        for i in range(0, len(texts), 64)])  # (N, classes)

def kd_loss(student_logits, teacher_logits, labels):
    soft = F.kl_div(F.log_softmax(student_logits / T, dim=-1), F.softmax(teacher_logits / T, dim=-1),
                    reduction="batchmean") * T * T  # batchmean: the true KL per example; T^2 keeps gradients in scale
    hard = F.cross_entropy(student_logits, labels)
    return ALPHA * hard + (1 - ALPHA) * soft

optimizer = torch.optim.AdamW(student.parameters(), lr=5e-5)
student.train()
for epoch in range(EPOCHS):
    for idx in torch.randperm(len(texts)).split(BATCH):  # indices, so each batch finds its cached teacher logits
        batch = encode(student_tok, [texts[i] for i in idx])
        # 2. A DistilBERT student takes no token_type_ids: pass only these two.
        out = student(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        loss = kd_loss(out.logits, cached[idx], labels[idx])
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
'''

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
       color: #1f2328; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } .muted { color: #59636e; font-size: 0.9rem; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0.8rem; }
.box { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem 0.7rem; }
pre { background: #f6f8fa; padding: 0.8rem; overflow-x: auto; font-size: 0.8rem; white-space: pre-wrap; }
section { break-inside: avoid; } @media print { pre { white-space: pre-wrap; } a { color: inherit; } }
"""


@dataclass
class StepRecord:
    """What one course page holds for the summary: the question, the learner's answer, what was measured."""

    label: str  # "4 · Live distillation"
    question: str = ""
    prediction: str = ""
    result: str = ""  # the measured result shown beside the prediction
    runs: list[dict] = field(default_factory=list)  # {"text": str, "table": [row dicts] | None, "bars": {label: value} | None}


def _cell(value) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return escape(str(value))


def html_table(rows: list[dict]) -> str:
    if not rows:
        return ""
    cols = list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{escape(str(c))}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{_cell(r.get(c, ''))}</td>" for c in cols) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def svg_bars(values: dict[str, float], title: str = "", width: int = 560, percent: bool = True) -> str:
    """A horizontal bar chart as inline SVG: one bar per label, its value written at its end."""
    items = [(str(k), float(v)) for k, v in values.items() if v is not None and not math.isnan(float(v))]
    if not items:
        return ""
    top = max(1.0, max(v for _, v in items)) if percent else max(max(v for _, v in items), 1e-9)
    label_w, bar_h, gap, head = 190, 20, 8, 24 if title else 4
    height = head + len(items) * (bar_h + gap)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title or "bar chart")}" font-family="sans-serif" font-size="12">']
    if title:
        parts.append(f'<text x="0" y="15" font-weight="bold">{escape(title)}</text>')
    span = width - label_w - 70
    for i, (label, v) in enumerate(items):
        y = head + i * (bar_h + gap)
        w = max(0.0, v / top) * span
        shown = f"{100 * v:.1f}%" if percent else f"{v:.3g}"
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(label[:30])}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#0072B2"/>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _bars_from_table(rows: list[dict]) -> dict[str, float] | None:
    """Accuracy per row, labelled by its regime and model or condition, when the table has them."""
    metric = next((m for m in ("accuracy", "accuracy_mean") if rows and all(m in r for r in rows)), None)
    names = [k for k in ("regime", "model", "condition") if rows and k in rows[0]]
    if metric is None or not names:
        return None
    return {" · ".join(str(r[k]) for k in names): r[metric] for r in rows}


def _run_html(run: dict, with_text: bool = True) -> str:
    out = f"<p>{escape(run.get('text', ''))}</p>" if run.get("text") and with_text else ""
    table = run.get("table") or []
    bars = run.get("bars") or _bars_from_table(table)
    if bars:
        out += svg_bars(bars, "accuracy" if not run.get("bars") else "")
    return out + html_table(table)


def _step_html(step: StepRecord) -> str:
    pred = escape(step.prediction) if step.prediction else '<span class="muted">(no prediction made)</span>'
    res = escape(step.result) if step.result else '<span class="muted">(not measured in this session)</span>'
    body = (f"<h2>{escape(step.label)}</h2>"
            + (f"<p><strong>Question:</strong> {escape(step.question)}</p>" if step.question else "")
            + f'<div class="pair"><div class="box"><strong>Your prediction</strong><br>{pred}</div>'
            f'<div class="box"><strong>Measured</strong><br>{res}</div></div>'
            # a run's text already in the Measured box (the last run's) is not written a second time under it
            + "".join(_run_html(r, with_text=not (i == len(step.runs) - 1 and r.get("text", "") in step.result))
                      for i, r in enumerate(step.runs)))
    return f"<section>{body}</section>"


def build_summary_html(steps: list[StepRecord], findings: list | None = None, title: str = "Distillation Lab: my session",
                       when: _dt.datetime | None = None) -> str:
    """The whole page as one string. ``findings`` are distill_core.findings.Finding objects (the lab's reference results)."""
    when = when or _dt.datetime.now()
    found = ""
    if findings:
        found = "<section><h2>What the lab measured (reference runs)</h2><ul>" + "".join(
            f"<li><strong>{escape(f.title)}.</strong> {escape(f.text)} <span class='muted'>{escape(f.caveat)}</span></li>"
            for f in findings) + "</ul></section>"
    code = ("<section><h2>The workflow, corrected</h2><p>The seed article's distillation loop with three fixes: "
            "<code>reduction=\"batchmean\"</code>, the teacher's logits cached once, and no <code>token_type_ids</code> "
            f"for a DistilBERT student.</p><pre><code>{escape(WORKFLOW_CODE)}</code></pre></section>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{escape(title)}</h1><p class=\"muted\">Written {escape(when.strftime('%Y-%m-%d %H:%M'))}. "
            "Print this page to PDF from the browser (Ctrl+P / Cmd+P).</p>"
            + "".join(_step_html(s) for s in steps) + found + code + "</body></html>\n")
