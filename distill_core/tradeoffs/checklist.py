"""When to distil: the seed article's criteria for and against, and the reading of a ticked checklist."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import DistillError


@dataclass(frozen=True)
class Criterion:
    key: str
    question: str
    side: str  # "for" or "against"
    why: str  # the reason given when it is ticked


CRITERIA: list[Criterion] = [
    Criterion("latency", "There is a latency budget the large model misses", "for",
              "a student with fewer layers answers faster at the same width; check the frontier for a model inside the budget"),
    Criterion("device", "It must run on a small device (phone, browser, CPU)", "for",
              "fewer parameters and INT8 shrink memory and disk; mind the embeddings, which dynamic INT8 leaves in fp32"),
    Criterion("fixed_task", "The task is fixed, with labelled data", "for",
              "task-specific distillation needs a fine-tuned teacher and a transfer set; unlabelled text labelled by the teacher often helps most"),
    Criterion("api_cost", "You pay per call for a hosted large model, at scale", "for",
              "above the break-even traffic a small self-hosted model costs less every month"),
    Criterion("changes_often", "The task or its labels change often", "against",
              "every change means fine-tuning the teacher and distilling again"),
    Criterion("gap_matters", "A few points of accuracy matter more than speed or cost", "against",
              "the student usually trails the teacher; measure the gap over several seeds before committing"),
    Criterion("prototyping", "You are still prototyping", "against",
              "distillation freezes a task; prototype with the large model, distil once the task settles"),
]  # fmt: skip


@dataclass
class Recommendation:
    verdict: str  # "distill", "pilot", "not yet", "no need"
    headline: str
    reasons: list[str]


def recommend(answers: dict[str, bool]) -> Recommendation:
    """The checklist's reading: for and against criteria, with prototyping and 'nothing pushes you' first."""
    unknown = set(answers) - {c.key for c in CRITERIA}
    if unknown:
        raise DistillError(f"unknown criteria: {', '.join(sorted(unknown))}")
    ticked = [c for c in CRITERIA if answers.get(c.key)]
    pros = [c for c in ticked if c.side == "for"]
    cons = [c for c in ticked if c.side == "against"]
    reasons = [f"For: {c.why}." for c in pros] + [f"Against: {c.why}." for c in cons]
    if answers.get("prototyping"):
        return Recommendation("not yet", "Not yet: prototype with the large model first.", reasons)
    if not pros:
        return Recommendation(
            "no need", "No need to distil: nothing here pushes you to a smaller model; serve the teacher.",
            reasons or ["No latency, device, data or cost pressure was ticked."],
        )  # fmt: skip
    if not cons:
        return Recommendation("distill", "Distil: the case is clear.", reasons)
    if len(pros) > len(cons):
        return Recommendation("pilot", "Pilot a distilled student, and measure before you switch.", reasons)
    return Recommendation("not yet", "Probably not yet: the reasons against weigh as much as those for.", reasons)
