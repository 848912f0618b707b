"""Vocabulary pruning (TextPruner's idea, Yang et al. 2022): keep only the word-piece rows the task's text uses.

A BERT-style model spends 30,522 x hidden floats on its word embeddings: 11.7M of the bundled teacher's
22.7M parameters. A task's text uses a few thousand pieces. Dropping the other rows shrinks the model
without touching a layer; the price is text the task data never showed: a piece outside the kept set
becomes [UNK] (or the word splits into smaller kept pieces), so ``coverage`` measures that price on
unseen text before anyone ships a pruned model.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import DistillError


@dataclass
class Coverage:
    """How much of some unseen text a pruned vocabulary still covers, counted with the full tokenizer."""

    texts: int
    pieces: int  # word pieces in those texts (no [CLS]/[SEP])
    outside: int  # pieces whose id was pruned away
    texts_touched: int  # texts with at least one pruned piece

    @property
    def outside_share(self) -> float:
        return self.outside / self.pieces if self.pieces else 0.0

    @property
    def touched_share(self) -> float:
        return self.texts_touched / self.texts if self.texts else 0.0

    def as_dict(self) -> dict:
        return asdict(self) | {"outside_share": self.outside_share, "touched_share": self.touched_share}


def _piece_ids(tokenizer, texts: list[str]) -> list[list[int]]:
    return tokenizer(list(texts), add_special_tokens=False, truncation=False)["input_ids"] if texts else []


def kept_ids(tokenizer, texts: list[str]) -> list[int]:
    """Sorted ids to keep: every special token, and every piece the texts use."""
    if not texts:
        raise DistillError("no text to prune the vocabulary on")
    keep = set(tokenizer.all_special_ids)
    for ids in _piece_ids(tokenizer, texts):
        keep.update(ids)
    return sorted(keep)


def coverage(tokenizer, keep: list[int], texts: list[str]) -> Coverage:
    """What share of these (unseen) texts' pieces the kept vocabulary lacks."""
    kept = set(keep)
    pieces = outside = touched = 0
    for ids in _piece_ids(tokenizer, texts):
        missing = sum(i not in kept for i in ids)
        pieces += len(ids)
        outside += missing
        touched += missing > 0
    return Coverage(len(texts), pieces, outside, touched)


def prune_model(model, keep: list[int]):
    """The model with only the ``keep`` rows of its word embeddings (a deep copy; ids renumbered in order)."""
    import copy

    import torch

    pruned = copy.deepcopy(model).eval()
    old = pruned.get_input_embeddings()
    index = torch.tensor(keep, dtype=torch.long)
    new = torch.nn.Embedding(len(keep), old.embedding_dim, padding_idx=0 if keep[0] == 0 else None)
    with torch.no_grad():
        new.weight.copy_(old.weight[index])
    pruned.set_input_embeddings(new)
    pruned.config.vocab_size = len(keep)
    return pruned


def _remap_tokenizer_json(data: dict, keep: list[int]) -> dict:
    """tokenizer.json with a WordPiece vocabulary of the kept pieces, ids renumbered, special tokens followed."""
    if data.get("model", {}).get("type") != "WordPiece":
        raise DistillError("vocabulary pruning supports WordPiece (BERT-style) tokenizers only")
    new_id = {old: new for new, old in enumerate(keep)}
    data["model"]["vocab"] = {tok: new_id[i] for tok, i in data["model"]["vocab"].items() if i in new_id}
    data["added_tokens"] = [t | {"id": new_id[t["id"]]} for t in data.get("added_tokens", []) if t["id"] in new_id]
    specials = (data.get("post_processor") or {}).get("special_tokens") or {}
    for entry in specials.values():
        entry["ids"] = [new_id[i] for i in entry["ids"]]
    if data.get("padding") and "pad_id" in data["padding"]:
        data["padding"]["pad_id"] = new_id.get(data["padding"]["pad_id"], 0)
    return data


def prune_tokenizer(tokenizer, keep: list[int], folder: str | Path):
    """Save a tokenizer that knows only the kept pieces into ``folder`` and load it back."""
    from .. import models as M

    transformers = M._quiet_transformers()
    folder = Path(folder)
    tokenizer.save_pretrained(folder)
    path = folder / "tokenizer.json"
    if not path.is_file():
        raise DistillError("vocabulary pruning needs a fast tokenizer (tokenizer.json)")
    data = _remap_tokenizer_json(json.loads(path.read_text(encoding="utf-8")), keep)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (folder / "vocab.txt").unlink(missing_ok=True)  # the old vocabulary would contradict tokenizer.json
    return transformers.AutoTokenizer.from_pretrained(str(folder), trust_remote_code=False)
