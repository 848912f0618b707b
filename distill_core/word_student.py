"""A tiny, fast student: one BiLSTM (or a small CNN) over the teacher's own word embeddings.

Tang, Lu, Liu, Mou, Vechtomova & Lin (2019), "Distilling Task-Specific Knowledge from BERT into Simple
Neural Networks" (arXiv:1903.12136), distilled a fine-tuned BERT into a single-layer BiLSTM over word2vec
embeddings: the last hidden states of both directions, a ReLU layer, the classes; roughly 100 times fewer
parameters than BERT-large and 15 times faster, with an MSE loss on the logits and a transfer set grown by
data augmentation (masking, POS-guided word replacement, n-gram sampling). Here, so that it is one more
student of the same comparison:

- the embeddings are the teacher's wordpiece embeddings (word + token-type row 0, then the teacher's
  embedding LayerNorm), and the student reads the teacher tokenizer's ids, so it shares the cached teacher
  logits, batching and latency code unchanged;
- only the wordpieces that occur in the task's texts are kept (all 30,522 x 384 would be 11.7M parameters on
  their own): a lookup buffer maps every other teacher id to [UNK], and the most frequent ``MAX_VOCAB`` are
  kept on large uploads, so a student stays under ``PARAMETER_BUDGET``; no labels are involved in choosing;
- the loss is the project's (``losses.make_loss``: alpha CE + (1 - alpha) T^2 KL), not Tang's MSE on logits,
  and the transfer set is the task's unlabelled pool, not augmentation: the four students of a comparison
  then differ in architecture only.

A saved student is a folder: ``model.safetensors``, ``config.json`` (``model_type`` ``WORD_STUDENT_TYPE``)
and the teacher's tokenizer; ``load_word_student`` reads it back.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

import torch
from torch import nn

from .errors import DistillError, first_line

WORD_KINDS = ("bilstm", "cnn")  # = specs.STUDENT_KINDS without "transformer"
WORD_STUDENT_TYPE = "distill-lab-word-student"  # config.json's model_type: tells a saved word student apart
MAX_VOCAB = 10_000  # 10,000 x 384 embeddings + the BiLSTM stays under PARAMETER_BUDGET
PARAMETER_BUDGET = 5_000_000


@dataclass
class WordStudentConfig:
    """Shapes of a word student; saved as its config.json (a transformers-like config for the training loop)."""

    kind: str = "bilstm"  # "bilstm" (Tang et al.) or "cnn" (Kim 2014's filters over the same embeddings)
    vocab_ids: list[int] = field(default_factory=lambda: [0, 100])  # teacher id of each kept row: [PAD], [UNK], ...
    teacher_vocab_size: int = 30522  # ids the lookup accepts: the teacher tokenizer's
    embedding_dim: int = 384  # the teacher's hidden size
    hidden: int = 150  # BiLSTM units per direction (Tang et al.'s single layer)
    fc: int = 200  # the ReLU layer before the classes
    filters: int = 100  # CNN: filters per width
    widths: list[int] = field(default_factory=lambda: [3, 4, 5])  # CNN: filter widths in tokens
    dropout: float = 0.1
    num_labels: int = 2
    id2label: dict = field(default_factory=dict)
    label2id: dict = field(default_factory=dict)
    model_type: str = WORD_STUDENT_TYPE

    @property
    def vocab_size(self) -> int:  # as a transformers config names the ids its embeddings accept (the ONNX export reads it)
        return self.teacher_vocab_size

    def to_dict(self) -> dict:
        return asdict(self)


class WordStudentOutput(NamedTuple):  # a tuple, so torch.jit / ONNX tracing accepts it as an output
    logits: torch.Tensor  # (batch, classes): what training.train and predict_logits read


class WordStudent(nn.Module):
    """Teacher ids -> kept-vocabulary rows -> embeddings -> BiLSTM (or CNN) -> ReLU layer -> class logits."""

    def __init__(self, config: WordStudentConfig):
        super().__init__()
        if config.kind not in WORD_KINDS:
            raise DistillError(f"a word student is one of {', '.join(WORD_KINDS)}, got '{config.kind}'")
        self.config = config
        lookup = torch.full((config.teacher_vocab_size,), 1, dtype=torch.long)  # every teacher id -> row 1, [UNK]
        lookup[torch.tensor(config.vocab_ids, dtype=torch.long)] = torch.arange(len(config.vocab_ids))
        self.register_buffer("lookup", lookup, persistent=False)  # rebuilt from config.vocab_ids on load
        d = config.embedding_dim
        self.embeddings = nn.Embedding(len(config.vocab_ids), d, padding_idx=0)
        self.norm = nn.LayerNorm(d, eps=1e-12)
        self.dropout = nn.Dropout(config.dropout)
        if config.kind == "bilstm":  # one bidirectional layer, as two LSTMs: each text's own end starts the backward one
            self.lstm_forward = nn.LSTM(d, config.hidden, batch_first=True)
            self.lstm_backward = nn.LSTM(d, config.hidden, batch_first=True)
            width = 2 * config.hidden
        else:
            self.convs = nn.ModuleList(nn.Conv1d(d, config.filters, w) for w in config.widths)
            width = config.filters * len(config.widths)
        self.fc = nn.Sequential(nn.Linear(width, config.fc), nn.ReLU())
        self.classifier = nn.Linear(config.fc, config.num_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None, **_) -> WordStudentOutput:
        rows = self.lookup[input_ids]  # (batch, seq): teacher ids -> kept rows
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        # (batch, seq, emb); pads zeroed, as the CNN's padding of a text shorter than its widest filter is
        x = self.dropout(self.norm(self.embeddings(rows))) * attention_mask.unsqueeze(-1)
        features = self._bilstm(x, attention_mask) if self.config.kind == "bilstm" else self._cnn(x, attention_mask)
        return WordStudentOutput(self.classifier(self.dropout(self.fc(features))))  # (batch, classes)

    def _bilstm(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(batch, 2 * hidden): the last state of each direction. The backward LSTM reads each text reversed within
        its own length, so padding never reaches either state; no packing and no branch on the data, so torch.jit
        and the ONNX export trace it whole."""
        lengths = mask.sum(1).clamp(min=1)  # (batch,)
        last = (lengths - 1).view(-1, 1, 1).expand(-1, 1, self.config.hidden)  # (batch, 1, hidden): each text's last step
        forward, _ = self.lstm_forward(x)  # (batch, seq, hidden)
        steps = torch.arange(x.shape[1], device=x.device)  # (seq,)
        read = (lengths.view(-1, 1) - 1 - steps).clamp(min=0)  # (batch, seq): position read at step t, from the text's end
        backward, _ = self.lstm_backward(x.gather(1, read.unsqueeze(-1).expand(-1, -1, x.shape[-1])))
        return torch.cat([forward.gather(1, last).squeeze(1), backward.gather(1, last).squeeze(1)], dim=-1)

    def _cnn(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(batch, filters x widths): each filter's maximum over the windows that end on a token (the first window
        always counts, so a text shorter than a filter still has one)."""
        reach = max(self.config.widths) - 1  # zeros after every text: a filter fits even a one-token text
        x = nn.functional.pad(x.transpose(1, 2), (0, reach))  # (batch, emb, seq + reach)
        mask = nn.functional.pad(mask, (0, reach))
        pooled = []
        for conv, w in zip(self.convs, self.config.widths):
            h = torch.relu(conv(x))  # (batch, filters, windows)
            first = torch.arange(h.shape[-1], device=x.device) == 0  # (windows,)
            valid = mask[:, w - 1 :].unsqueeze(1).bool() | first  # (batch, 1, windows)
            pooled.append(h.masked_fill(~valid, 0.0).amax(-1))  # (batch, filters); ReLU >= 0, so a masked 0 never wins wrongly
        return torch.cat(pooled, dim=-1)

    # ------------------------------------------------------------- the folder a trained student is saved as

    def save_pretrained(self, folder, safe_serialization: bool = True, **_) -> None:
        """What ``teacher.save_model_folder`` calls: safetensors weights and config.json (never a pickle)."""
        from safetensors.torch import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in self.state_dict().items()}, str(folder / "model.safetensors"))
        (folder / "config.json").write_text(json.dumps(self.config.to_dict(), indent=2), encoding="utf-8")


def is_word_student(folder) -> bool:
    """Whether a model folder holds a word student (its config.json says so)."""
    try:
        return json.loads((Path(folder) / "config.json").read_text(encoding="utf-8")).get("model_type") == WORD_STUDENT_TYPE
    except (OSError, ValueError):
        return False


def load_word_student(folder) -> WordStudent:
    """A saved word student, in eval mode, weights from safetensors only."""
    from safetensors.torch import load_file

    folder = Path(folder)
    try:
        values = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        config = WordStudentConfig(**values)
        config.id2label = {int(k): v for k, v in config.id2label.items()}  # JSON keys are strings
        model = WordStudent(config)
        model.load_state_dict(load_file(str(folder / "model.safetensors")))
    except Exception as exc:  # safetensors reports a damaged file as its own error type
        raise DistillError(f"cannot load the word student in {folder}: {first_line(exc)}") from exc
    return model.eval()


# ------------------------------------------------------------- building one from the teacher


def task_vocabulary(encoded: list, special: tuple[int, int] = (0, 100), most: int = MAX_VOCAB) -> list[int]:
    """Teacher ids kept: [PAD] and [UNK] first, then the ids of these texts (data.Encoded each), the most
    frequent ``most`` in all, in id order."""
    counts = Counter(i for enc in encoded for row in enc.input_ids for i in row)
    for s in special:
        counts.pop(s, None)
    kept = sorted(i for i, _ in counts.most_common(most - len(special)))
    return list(special) + kept


def build_word_student(kind: str, teacher, vocab_ids: list[int], num_labels: int, *, from_teacher: bool = True,
                       seed: int = 0, **shape) -> WordStudent:
    """A word student whose embedding rows are the teacher's for ``vocab_ids`` (``from_teacher``), else random."""
    base = teacher.base_model.embeddings  # BertEmbeddings: word, position, token type, LayerNorm
    words = base.word_embeddings.weight  # (teacher vocab, hidden)
    config = WordStudentConfig(kind=kind, vocab_ids=list(vocab_ids), teacher_vocab_size=words.shape[0],
                               embedding_dim=words.shape[1], num_labels=num_labels, **shape)
    torch.manual_seed(seed)
    model = WordStudent(config)
    if from_teacher:
        with torch.no_grad():
            rows = words[torch.tensor(config.vocab_ids)].detach().clone()  # (kept, hidden)
            token_type = getattr(base, "token_type_embeddings", None)
            if token_type is not None:  # BERT adds segment 0 to every token of a single text: fold it in
                rows += token_type.weight[0]
            model.embeddings.weight.copy_(rows)
            model.norm.load_state_dict(base.LayerNorm.state_dict())
    n = sum(p.numel() for p in model.parameters())
    if n > PARAMETER_BUDGET:
        raise DistillError(f"the {kind} student would have {n:,} parameters, over the {PARAMETER_BUDGET:,} budget")
    return model


def word_student_builder(spec, teacher, encoded: list, num_labels: int) -> Callable[[int], WordStudent] | None:
    """seed -> a fresh word student of ``spec.student_kind`` over the wordpieces of ``encoded`` (the task's
    texts), or None for the transformer student (the comparison builds that one itself)."""
    if getattr(spec, "student_kind", "transformer") not in WORD_KINDS:
        return None
    vocab = task_vocabulary(encoded)
    return lambda seed: build_word_student(spec.student_kind, teacher, vocab, num_labels,
                                           from_teacher=spec.init != "random", seed=seed)
