"""The glossary: each term once, short and checked, with the anchor the course's links point at.

``link(term)`` writes a Markdown link to a term's entry; the glossary page draws every entry with its anchor.
"""

from __future__ import annotations

GLOSSARY_PATH = "pages/glossary.py"
GLOSSARY_URL = "glossary"  # the page's url path (the file's name), relative so a base path keeps working

# term -> definition (plain text with a little Markdown; $...$ is LaTeX)
TERMS: dict[str, str] = {
    "teacher": "The large model, already trained (here: fine-tuned) on the task, whose outputs the student learns from.",
    "student": "The smaller model being trained to imitate the teacher.",
    "knowledge distillation": "Training a student on a teacher's outputs (its probabilities, and sometimes its inner "
                              "representations) as well as, or instead of, the labels (Hinton et al. 2015).",
    "logit": "A raw, unnormalised score the network gives each class, before the softmax. Only differences between "
             "logits matter: adding the same number to all of them changes nothing.",
    "softmax": "Turns logits $z$ into probabilities: $p_i = e^{z_i/T} / \\sum_j e^{z_j/T}$. With $T = 1$ it is the plain "
               "softmax.",
    "temperature": "The $T$ that divides the logits before the softmax. $T > 1$ flattens the probabilities, $T < 1$ "
                   "sharpens them; the ranking of the classes never changes.",
    "hard label": "The correct class alone, as a one-hot vector: `[1, 0, 0]`.",
    "soft target": "The teacher's probabilities at temperature $T$, used as the student's training target.",
    "dark knowledge": "Hinton's name for what the teacher's small probabilities reveal: which wrong classes an input "
                      "resembles, and how much more than others (a BMW is more like a garbage truck than a carrot).",
    "cross-entropy": "The hard-label loss: $-\\log p_s(y)$, the student's log-probability of the correct class, negated.",
    "KL divergence": "$\\mathrm{KL}(p\\,\\|\\,q) = \\sum_i p_i \\log(p_i / q_i) \\geq 0$, zero only when the two "
                     "distributions are equal, and not symmetric. Distillation uses $\\mathrm{KL}(p_t\\,\\|\\,p_s)$: the "
                     "teacher's divergence from the student's, weighted by the teacher's probabilities.",
    "batchmean": "`nn.KLDivLoss(reduction=\"batchmean\")`: the summed KL divided by the batch size, the true KL per "
                 "example. The default `\"mean\"` also divides by the number of classes.",
    "alpha": "The weight of the hard-label term: $L = \\alpha\\,\\mathrm{CE} + (1-\\alpha)\\,T^2\\,\\mathrm{KL}$.",
    "T² factor": "The soft term's gradients shrink as $1/T^2$; multiplying by $T^2$ keeps them on the scale of the "
                 "hard term when $T$ changes (Hinton et al. 2015).",
    "transfer set": "The inputs on which the student learns to match the teacher. They can be unlabelled: the teacher "
                    "provides the targets.",
    "pseudo-label": "The teacher's top class (argmax) on an unlabelled input, used as if it were a hard label. The fair "
                    "baseline for soft targets on a transfer set.",
    "seed": "The number that fixes a run's random choices (initial weights, batch order). Another seed, another result.",
    "seed spread": "How much a result moves between seeds (here: the standard deviation over seeds). This app calls a "
                   "difference real only when it is larger than the spread (and at least half a point).",
    "accuracy": "The share of test examples whose top class is the correct one.",
    "macro-F1": "The F1 score (harmonic mean of precision and recall) of each class, averaged with every class weighing "
                "the same: rare classes count as much as common ones.",
    "ECE": "Expected calibration error: predictions are binned by confidence, and the gap between each bin's accuracy and "
           "its mean confidence is averaged, weighted by the bin's size. 0 is perfectly calibrated (Guo et al. 2017).",
    "agreement": "The share of test examples on which the student's top class equals the teacher's, right or wrong.",
    "hidden state": "The vector a transformer layer outputs for each token: (batch, tokens, hidden size).",
    "attention": "In each layer and head, how much each token draws on every other token: a (tokens x tokens) map whose "
                 "rows sum to 1.",
    "[CLS]": "The special token BERT puts first in every input; its last hidden state is what the classification head reads.",
    "CKA": "Centred kernel alignment: how similar two sets of representations of the same inputs are, from 0 to 1, "
           "whatever their width, unchanged by rotation or scaling. This app uses linear CKA (Kornblith et al. 2019).",
    "PKD": "Patient knowledge distillation (Sun et al. 2019): the student also matches the normalised [CLS] hidden states "
           "of chosen teacher layers, every k-th (PKD-skip) or the last ones (PKD-last).",
    "layer initialisation": "Starting the student from a subset of the teacher's layers instead of random weights "
                            "(DistilBERT took one layer in two).",
    "task-specific distillation": "Distilling from a teacher fine-tuned on the task, on that task's data.",
    "task-agnostic distillation": "Distilling a pre-trained model on general text before any fine-tuning, as "
                                  "DistilBERT did; the student is fine-tuned on each task afterwards.",
    "capacity gap": "A student much smaller than its teacher may not be able to follow it, and then learns worse from it "
                    "than from labels (Cho & Hariharan 2019); a mid-sized teacher assistant can bridge it (Mirzadeh et al. 2020).",
    "latency": "The time one request takes; here batch-1 latency, one input at a time, as a live service sees it.",
    "INT8": "Storing weights as 8-bit integers instead of 32-bit floats. Dynamic INT8 quantises the linear layers' weights "
            "ahead of time and the activations on the fly: smaller and often faster on a CPU, and some predictions change.",
    "Pareto frontier": "The models no other model beats on both counts (say, more accurate and faster): the only "
                       "sensible choices, whatever weight you give each count.",
    "bias correction": "Raising one class's logit by a constant after training, so that a class the student never saw as "
                       "a label gets predicted at a sensible rate (Hinton et al. 2015, section 3).",
    "entropy": "$H(p) = -\\sum_i p_i \\log p_i$: 0 for a one-hot distribution, $\\log K$ for a uniform one over $K$ classes.",
}


def anchor(term: str) -> str:
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in term.lower()).split()
    return "-".join(words) or "term"


def link(term: str, text: str | None = None) -> str:
    """A Markdown link to the term's glossary entry (the term must be in TERMS)."""
    if term not in TERMS:
        raise KeyError(term)
    return f"[{text or term}]({GLOSSARY_URL}#{anchor(term)})"
