"""The course as data: the pages in the seed article's order, and for each its goals, the prediction it asks,
what an instructor needs (expected results, timings on a 2-core laptop, talking points, a prepared link).

Numbers measured by the lab are not typed here: ``findings`` name the entries of distill_core.findings that
hold them (read from assets/reference/ at run time). Timings come from the reference READMEs and reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from distill_core.temperature import softmax_t
from pages._ui.glossary_terms import link as g

CAT_PROBS = (0.72, 0.14, 0.08, 0.04, 0.02)  # the cat photo of steps 1 and 2, at T = 1


def _cat_at(t: float) -> str:
    p = softmax_t(np.log(CAT_PROBS), t)
    return f"{p[0]:.2f} at T = {t:g} (computed from 0.72 / 0.14 / 0.08 / 0.04 / 0.02); still the top class."


@dataclass(frozen=True)
class Step:
    key: str  # the page's file stem
    number: str  # "1" .. "8"; "" for the look-up pages
    title: str  # the menu title, after the number
    icon: str
    blurb: str  # one line for the home page's links
    goals: tuple[str, ...] = ()  # Markdown, glossary links where a term first appears
    question: str = ""  # asked before any run or reveal
    options: tuple[str, ...] = ()
    answer: str = ""  # for pages without a reference run: the measured or computed answer, in words
    findings: tuple[str, ...] = ()  # distill_core.findings keys that hold this page's measured result
    timing: str = ""
    talking_points: tuple[str, ...] = ()
    prepared: dict = field(default_factory=dict)  # query parameters of the prepared view

    @property
    def path(self) -> str:
        return f"pages/{self.key}.py"

    @property
    def nav_title(self) -> str:
        return f"{self.number} · {self.title}" if self.number else self.title


COURSE: list[Step] = [
    Step("home", "1", "What distillation is", ":material/home:", "The story in one screen, and what the lab measured.",
         goals=(f"Say what a {g('teacher')} and a {g('student')} are, and what a {g('soft target')} adds to a {g('hard label')}.",
                f"Name the {g('dark knowledge')} in a teacher's small probabilities.",
                "Know where this course goes: eight steps, predict first, then measure."),
         question="On the same labelled examples, will a student trained on the teacher's soft targets beat one trained on hard labels alone?",
         options=("Yes, by several points", "Yes, by about a point", "No clear difference", "It will do worse"),
         findings=("soft",), timing="Nothing to run: 5 minutes of talk.",
         talking_points=("Hard label vs teacher probabilities: the chart on this page.",
                         "Ask for predictions before showing 'What we measured'; come back to it at step 8.",
                         "The bundled teacher (all-MiniLM-L6-v2) is itself a distilled model.")),
    Step("temperature", "2", "Soft targets and T", ":material/thermostat:",
         "Soften a teacher's probabilities with T and watch the small probabilities grow.",
         goals=(f"Compute a {g('softmax')} at {g('temperature')} T from {g('logit', 'logits')}.",
                "See that T changes how peaked the probabilities are, never which class is on top.",
                f"Read {g('entropy')}, and the effective number of classes it implies, as how many classes the teacher hesitates between."),
         question="The cat photo's teacher gives the cat 0.72 at T = 1. What will the cat get at T = 4?",
         options=("Still about 0.7", "About 0.5", "About 0.3", "0.2, uniform over the 5 classes"),
         answer=_cat_at(4.0), timing="Instant: everything is computed in the browser session.",
         talking_points=("Drag T from 1 to 10: the order of the bars never changes.",
                         "At very high T everything is uniform: no information left, so T is a trade-off.",
                         "The peaked-teacher preset: at T = 1 its soft targets are almost a hard label."),
         prepared={"temp_T": "4"}),
    Step("loss", "3", "The loss", ":material/functions:",
         "Weigh hard labels against soft targets with alpha and T; see why T² and batchmean matter.",
         goals=(f"Write the distillation loss: {g('alpha')} times {g('cross-entropy')} plus (1 − alpha) T² times the "
                f"{g('KL divergence')}.",
                f"Explain the {g('T² factor')} and why the KL uses {g('batchmean')}."),
         question="With 5 classes, nn.KLDivLoss() left at its default reduction ('mean') gives what, compared with 'batchmean'?",
         options=("The same value", "5 times smaller", "5 times larger", "It depends on T"),
         answer="5 times smaller: 'mean' divides by the batch size and by the number of classes (the page shows it).",
         timing="Instant.",
         talking_points=("Set alpha to 1: the teacher disappears from the loss.",
                         "The T² factor: without it, raising T silently turns the soft term down.",
                         "The 'mean' pitfall is in many blog posts: the loss still trains, only weaker."),
         prepared={"loss_T": "4"}),
    Step("distill", "4", "Live distillation", ":material/model_training:",
         "Distill a small student from the bundled teacher, live on your CPU.",
         goals=(f"Run a distillation on your CPU and compare it with the same student on hard labels and on "
                f"{g('pseudo-label', 'pseudo-labels')}.",
                f"Read {g('accuracy')}, {g('macro-F1')}, {g('agreement')} and {g('ECE')} against the {g('seed spread')}.",
                f"Credit a gain to what caused it: the {g('transfer set')} or the soft targets."),
         question="Will the distilled student beat the one trained on labels alone? By how much?",
         options=("By 5 points or more", "By 1 to 5 points", "Within the seed spread", "It will lose"),
         findings=("quick", "comparison"),
         timing=("Quick demo: under a minute once the teacher is ready (the reference took {quick_seconds}); the app "
                 "prepares the teachers in the background when it starts, about a minute and a half on 2 cores, and "
                 "`python -m distill_core prepare` does it before a workshop. Thorough, the reference's settings: "
                 "about 45 minutes (the reference took {distill_minutes})."),
         talking_points=("The Quick demo's distilled student beats hard labels by far more than the seed spread; ask the "
                         "room where the gain comes from before the third row appears.",
                         "Three students, same steps: labels, teacher's top class on extra text, soft targets.",
                         "The verdict credits the transfer set first; soft targets only get what is left."),
         prepared={"preset": "quick", "task": "sentiment"}),
    Step("soft_targets", "5a", "Soft targets vs labels", ":material/science:",
         "What the teacher's probabilities add beyond its labels, on 16 confusable intents.",
         goals=("Separate the gain of a teacher-labelled transfer set from the gain of soft targets.",
                "See how the schedule (number of steps) changes which target wins."),
         question="With 10 labels per intent and 1,200 unlabelled messages, which targets will teach the student best?",
         options=("Hard labels on the 160 labelled rows", "The teacher's top class on the extra messages",
                  "Soft targets at T = 4 on the extra messages", "No difference"),
         findings=("transfer", "soft"),
         timing="Reference: {soft_minutes} for 36 trainings; the live Long schedule preset took about 15 minutes on 2 cores.",
         talking_points=("Hinton's own comparison (same rows, soft vs hard) is a tie here.",
                         "At 86 steps soft targets at T 4 lose to the teacher's labels; at 258 they win: patience (Beyer et al. 2022).",
                         "16 intents in confusable groups: where dark knowledge should matter most.")),
    Step("hinton", "5b", "Hinton's experiments", ":material/pin:",
         "Hinton et al. (2015) in miniature on 8x8 digits: the MNIST table, and a digit the student never saw.",
         goals=("Reproduce the shape of Hinton's MNIST table at CPU scale, and see why it does not appear here.",
                f"Watch a student recognise a digit it never saw, from soft targets alone, and the {g('bias correction')}."),
         question="A student trained without a single 3 (soft targets at T = 4): what share of the test 3s will it recognise?",
         options=("None", "Under 25%", "25% to 75%", "Over 75%"),
         findings=("digits",),
         timing="A live run (2x32, one seed): about 40 s with a fresh teacher, 14 s with it cached; the table, 31 s (+33 s teacher).",
         talking_points=("Hinton: 146 errors on hard labels, 74 on soft targets; here the student is within the spread.",
                         "The omitted 3: 0% on hard labels by construction; soft targets know what a 3 is.",
                         "The bias correction: one number, chosen on validation data."),
         prepared={"T": "8", "size": "32"}),
    Step("layers", "6", "Inside the model", ":material/layers:",
         "What the student copies layer by layer: hidden states and attention.",
         goals=(f"Compare a student started from the teacher's layers with a random one ({g('layer initialisation')}).",
                f"Add {g('hidden state')} ({g('[CLS]')} for {g('PKD')}) and {g('attention')} terms; compare representations with {g('CKA')}.",
                f"Tell {g('task-specific distillation')} from {g('task-agnostic distillation')}."),
         question="Same 100 steps: how much better will a student copied from the teacher's layers do than a random one?",
         options=("No difference", "A few points", "About 10 points", "20 points or more"),
         findings=("init", "intermediate"),
         timing="Reference: about 20 to 30 s per student on 2 cores ({layers_minutes} for the initialisation experiment, 3 seeds).",
         talking_points=("The [CLS] hidden states: what the classifier reads.",
                         "CKA: the copied student starts out already similar to the teacher.",
                         "The task-agnostic stage here is 50 steps on 4,000 rows: says nothing about DistilBERT's 90 hours."),
         prepared={"strategy": "pkd-skip"}),
    Step("tradeoffs", "7", "Trade-offs", ":material/balance:",
         "Accuracy against size and speed, for teacher and students, measured on your machine.",
         goals=(f"Read accuracy against {g('latency')} and size, and pick from the {g('Pareto frontier')}.",
                f"Know what {g('INT8')} costs in accuracy and buys in megabytes.",
                f"Recognise the {g('capacity gap')}: a student too small to learn from its teacher."),
         question="Dynamic INT8 on the 3-layer distilled student: how many points of accuracy will it lose?",
         options=("None", "Under 1 point", "1 to 5 points", "More than 5"),
         findings=("int8", "capacity"),
         timing="Sizes are instant; Measure on this machine takes about a minute; INT8 of a trained student, seconds.",
         talking_points=("Parameters and speed of DistilBERT are checked here, not its accuracy.",
                         "The only model under 50 MB is the 1-layer student, which collapsed.",
                         "Latency is measured on this machine, never quoted."),
         prepared={"trade_calls": "1000000"}),
    Step("when_to_distil", "8", "When to distil", ":material/checklist:",
         "Your case against the checklist, and what the lab's measurements say to try first.",
         goals=("Decide whether a project should distil at all, from its constraints.",
                "Order the levers by what they gave here: transfer set, initialisation, soft targets, intermediate layers, INT8."),
         question="Which lever gave the largest gain in this lab's measurements?",
         options=("Soft targets at a high T", "A teacher-labelled transfer set", "Starting from the teacher's layers",
                  "Matching intermediate layers", "INT8"),
         findings=("init", "transfer"),
         answer="Starting from the teacher's layers, then the transfer set:",
         timing="Instant.",
         talking_points=("Walk one scenario per table group, then ask for their own project.",
                         "Come back to the predictions made at step 1: download the summary."),
         prepared={"scenario": "api"}),
    Step("glossary", "", "Glossary", ":material/menu_book:", "Every term the course uses, in one line each."),
    Step("references", "", "References", ":material/library_books:", "The papers the app cites, with links, and where."),
]

STEPS: dict[str, Step] = {s.key: s for s in COURSE}
COURSE_ORDER: list[str] = [s.key for s in COURSE if s.number]
LAST_NUMBER = STEPS[COURSE_ORDER[-1]].number  # "Step 5a of 8"


def next_step(key: str) -> Step | None:
    """The page after ``key`` in the course; None after the last one (and for the look-up pages)."""
    if key not in COURSE_ORDER:
        return None
    i = COURSE_ORDER.index(key)
    return STEPS[COURSE_ORDER[i + 1]] if i + 1 < len(COURSE_ORDER) else None
