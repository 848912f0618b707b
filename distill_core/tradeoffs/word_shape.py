"""The word-embedding BiLSTM student (Tang et al. 2019; ``word_student.py``) by its shape, for the Trade-offs page.

No torch here (``shapes`` stays import-light): the count is checked against a built model in the tests.
An ``Arch`` of kind "bilstm" or "cnn" reads its fields as: ``vocab`` the wordpieces kept, ``hidden`` the
embedding width (the teacher's), ``intermediate`` the LSTM units per direction or the CNN's filters per width
(``WIDTHS``); the ReLU layer is ``FC`` wide.
"""

from __future__ import annotations

from .shapes import Arch, ParameterCount

WORD_ARCH_KINDS = ("bilstm", "cnn")
FC = 200  # = word_student.WordStudentConfig.fc
WIDTHS = (3, 4, 5)  # = word_student.WordStudentConfig.widths
# The sentiment task's wordpieces at 64 tokens (train, transfer, validation and test texts, [PAD] and [UNK]
# included): word_student.task_vocabulary, checked in tests/test_word_student.py
SENTIMENT_WORDPIECES = 1430


def tang_bilstm(num_labels: int = 3, vocab: int = SENTIMENT_WORDPIECES) -> Arch:
    """The BiLSTM student the comparison trains with ``--student-kind bilstm`` on the sentiment task."""
    return Arch("bilstm", "BiLSTM student (Tang et al. 2019)", "bilstm", vocab, 384, 1, 0, 150, num_labels=num_labels,
                type_vocab=0, note=f"one BiLSTM layer on the teacher's embeddings of the task's {vocab:,} wordpieces")


def kim_cnn(num_labels: int = 3, vocab: int = SENTIMENT_WORDPIECES) -> Arch:
    """The CNN student of ``--student-kind cnn``: 100 filters each 3, 4 and 5 wordpieces wide, max over time."""
    return Arch("cnn", "CNN student (word embeddings)", "cnn", vocab, 384, 1, 0, 100, num_labels=num_labels,
                type_vocab=0, note=f"filters 3-5 wordpieces wide on the teacher's embeddings of {vocab:,} wordpieces")


def word_parameters(arch: Arch) -> ParameterCount:
    """Embeddings and their LayerNorm; the LSTM (both directions: 4 gates x (input + recurrent weights + two
    biases)); the ReLU layer and the classifier. Only the last two are nn.Linear (what dynamic INT8 stores in
    one byte): ``models.quantize_int8`` leaves the LSTM and the convolutions in fp32."""
    e, u = arch.hidden, arch.intermediate
    if arch.kind == "bilstm":
        encoder, width = 2 * 4 * u * (e + u + 2), 2 * u
    else:  # the CNN: one Conv1d per width, u filters of e x w weights and a bias each
        encoder, width = sum(u * (e * w + 1) for w in WIDTHS), u * len(WIDTHS)
    head = (width * FC + FC) + (FC * arch.num_labels + arch.num_labels)
    return ParameterCount(arch.vocab * e + 2 * e, encoder, head, width * FC + FC * arch.num_labels)


def build_word_model(arch: Arch, seed: int = 0):
    """A word student of this shape with random weights: its latency does not depend on the weights' values."""
    import torch

    from ..word_student import WordStudent, WordStudentConfig

    torch.manual_seed(seed)
    vocab_ids = [0, 100] + list(range(1000, 1000 + arch.vocab - 2))  # any teacher ids: the lookup maps the rest to [UNK]
    units = {"hidden": arch.intermediate} if arch.kind == "bilstm" else {"filters": arch.intermediate, "widths": list(WIDTHS)}
    config = WordStudentConfig(kind=arch.kind, vocab_ids=vocab_ids, embedding_dim=arch.hidden, fc=FC, num_labels=arch.num_labels,
                               **units)
    return WordStudent(config).eval()
