"""Layer mappings as data: which teacher layer each student layer learns from.

Indices follow ``output_hidden_states``: hidden index 0 is the embedding output, hidden index
i >= 1 is the output of transformer layer i - 1. Attention pairs use 0-based layer indices.

- ``distilbert``: student layer j copies and matches the teacher layer it was initialised from
  (Sanh et al. 2019 keep one layer in two); embeddings match embeddings.
- ``tinybert``: the uniform map g(m) = m * N / M of Jiao et al. (2020), embeddings included.
- ``pkd-skip`` / ``pkd-last``: Patient KD (Sun et al. 2019) matches the student's intermediate
  layers to every k-th teacher layer, or to the teacher's last ones; the final layer is left to
  the logits term.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import DistillError

STRATEGIES = ("distilbert", "tinybert", "pkd-skip", "pkd-last")


@dataclass(frozen=True)
class LayerMap:
    hidden: tuple[tuple[int, int], ...]  # (student hidden index, teacher hidden index)
    attention: tuple[tuple[int, int], ...]  # (student layer, teacher layer), 0-based
    name: str = "custom"

    def as_dict(self) -> dict:
        return {"name": self.name, "hidden": [list(p) for p in self.hidden], "attention": [list(p) for p in self.attention]}

    @classmethod
    def from_dict(cls, d: dict) -> "LayerMap":
        return cls(tuple(tuple(p) for p in d["hidden"]), tuple(tuple(p) for p in d["attention"]), d.get("name", "custom"))


def make_map(strategy: str, n_student: int, n_teacher: int, kept_layers: list[int] | None = None) -> LayerMap:
    if n_student < 1 or n_teacher < 1 or n_student > n_teacher:
        raise DistillError(f"cannot map a {n_student}-layer student onto a {n_teacher}-layer teacher")
    if strategy == "distilbert":
        kept = kept_layers if kept_layers is not None else list(range(0, n_teacher, 2))[:n_student]
        if len(kept) != n_student:
            raise DistillError(f"the student has {n_student} layers but {len(kept)} kept teacher layers were given")
        hidden = [(0, 0)] + [(j + 1, t + 1) for j, t in enumerate(kept)]
        attention = [(j, t) for j, t in enumerate(kept)]
    elif strategy == "tinybert":
        g = [round((m + 1) * n_teacher / n_student) for m in range(n_student)]  # 1-based teacher layer for student layer m+1
        hidden = [(0, 0)] + [(m + 1, g[m]) for m in range(n_student)]
        attention = [(m, g[m] - 1) for m in range(n_student)]
    elif strategy in ("pkd-skip", "pkd-last"):
        inner = n_student - 1  # the last layer is matched by the logits term
        if strategy == "pkd-skip":
            step = n_teacher // n_student
            teacher_layers = [step * (j + 1) for j in range(inner)]
        else:
            teacher_layers = list(range(n_teacher - inner, n_teacher))
        hidden = [(j + 1, t) for j, t in enumerate(teacher_layers)]
        attention = []
    else:
        raise DistillError(f"unknown mapping '{strategy}'; choose one of {', '.join(STRATEGIES)}")
    layer_map = LayerMap(tuple(hidden), tuple(attention), strategy)
    check_map(layer_map, n_student, n_teacher)
    return layer_map


def check_map(layer_map: LayerMap, n_student: int, n_teacher: int) -> LayerMap:
    """A clear DistillError for any pair that points outside either model, or a student index used twice."""
    for s, t in layer_map.hidden:
        if not 0 <= s <= n_student:
            raise DistillError(f"student hidden index {s} is outside 0..{n_student} (0 = embeddings)")
        if not 0 <= t <= n_teacher:
            raise DistillError(f"teacher hidden index {t} is outside 0..{n_teacher} (0 = embeddings)")
    for s, t in layer_map.attention:
        if not 0 <= s < n_student:
            raise DistillError(f"student attention layer {s} is outside 0..{n_student - 1}")
        if not 0 <= t < n_teacher:
            raise DistillError(f"teacher attention layer {t} is outside 0..{n_teacher - 1}")
    for pairs, what in ((layer_map.hidden, "hidden"), (layer_map.attention, "attention")):
        students = [s for s, _ in pairs]
        if len(set(students)) != len(students):
            raise DistillError(f"a student {what} index is mapped twice: {students}")
    return layer_map


def map_from_columns(hidden: list, attention: list, n_student: int, n_teacher: int) -> LayerMap:
    """A map from a table's two columns, one row per student hidden index (row 0 = embeddings).

    ``hidden[i]``: the teacher hidden index (0 = embeddings) student hidden i matches, or None.
    ``attention[i]``: the 1-based teacher layer whose attention student layer i (1-based) matches, or None;
    the embeddings row has no attention. Raises DistillError for anything impossible.
    """
    def given(v) -> bool:
        return v is not None and v == v  # NaN from an emptied table cell counts as empty

    hidden_pairs, attention_pairs = [], []
    for i, (h, a) in enumerate(zip(hidden, attention)):
        if given(h):
            hidden_pairs.append((i, int(h)))
        if given(a):
            if i == 0:
                raise DistillError("the embeddings have no attention map: leave that cell empty")
            if int(a) < 1:
                raise DistillError(f"attention of student layer {i} must come from a teacher layer 1..{n_teacher}, not {int(a)}")
            attention_pairs.append((i - 1, int(a) - 1))
    return check_map(LayerMap(tuple(hidden_pairs), tuple(attention_pairs), "custom"), n_student, n_teacher)
