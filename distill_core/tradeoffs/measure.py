"""Real models, measured on this machine: built from their shapes, sized fp32 and INT8, timed side by side.

Latency is measured now, models interleaved round by round (``compare_latency``), so the ratios
between them survive a busy machine better than any absolute time does. ``measure_job`` is the
same measurement as a job of the runner (progress events, cancel), which is how the page runs it.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

from ..errors import Cancelled, DistillError, first_line
from .shapes import BERT_BASE, Arch, SizeClaim, check_size_claim

ProgressFn = Callable[[float, str], None]  # (fraction done in [0, 1], what is happening)


def build_model(arch: Arch, seed: int = 0, _bundled_cache: dict | None = None):
    """The torch model of an architecture: random weights from its shape, or the bundled MiniLM.

    Latency does not depend on the weights' values, so random BERT-base and DistilBERT time the
    same as the pretrained ones, without a download.
    """
    import torch

    from .. import models as M

    transformers = M._quiet_transformers()
    torch.manual_seed(seed)
    if arch.source == "bundled":
        cache = _bundled_cache if _bundled_cache is not None else {}
        if "teacher" not in cache:
            cache["teacher"] = M.load_teacher(M.BUNDLED, num_labels=arch.num_labels)[0].eval()
        teacher = cache["teacher"]
        if arch.student_layers is None:
            return teacher
        return M.build_student(teacher, list(arch.student_layers), seed=seed).eval()
    if arch.kind in ("bilstm", "cnn"):  # Tang et al. (2019)'s word-embedding student, random weights of its shape
        from .word_shape import build_word_model

        return build_word_model(arch, seed)
    if arch.kind == "bert":
        config = transformers.BertConfig(
            vocab_size=arch.vocab, hidden_size=arch.hidden, num_hidden_layers=arch.layers, num_attention_heads=arch.heads,
            intermediate_size=arch.intermediate, max_position_embeddings=arch.max_positions, type_vocab_size=arch.type_vocab,
            num_labels=arch.num_labels,
        )  # fmt: skip
        return transformers.BertForSequenceClassification(config).eval()
    if arch.kind == "distilbert":
        config = transformers.DistilBertConfig(
            vocab_size=arch.vocab, dim=arch.hidden, n_layers=arch.layers, n_heads=arch.heads, hidden_dim=arch.intermediate,
            max_position_embeddings=arch.max_positions, num_labels=arch.num_labels,
        )  # fmt: skip
        return transformers.DistilBertForSequenceClassification(config).eval()
    raise DistillError(f"unknown architecture kind '{arch.kind}'")


@dataclass
class MeasureConfig:
    """How the page and the bench measure; small numbers, because the machine may be a busy laptop."""

    seq_len: int = 64  # tokens per example: the length the sample tasks and their runs use
    batch_size: int = 32  # the "batch-N" column
    iterations: int = 15  # interleaved rounds at batch 1, split into ``blocks``
    batch_iterations: int = 3  # interleaved rounds at batch N (each round is N examples per model)
    warmup: int = 2
    # Each model's time is the best of these blocks' medians: a burst of other work on a shared
    # machine spoils a block, not the result (the same reason timeit reports the best of repeats).
    blocks: int = 3
    int8: bool = True  # also quantise each model and time it at batch 1
    int8_batch: bool = False  # also time the INT8 models at batch N


@dataclass
class MeasureSpec:
    """What one measurement job measures; ``as_dict`` is the job's stored config and its pickled spec."""

    catalog: list[Arch]
    config: MeasureConfig = field(default_factory=MeasureConfig)

    def as_dict(self) -> dict:
        # lists, not tuples: the dict compares equal to its JSON copy in the run store
        archs = [asdict(a) | {"student_layers": None if a.student_layers is None else list(a.student_layers)} for a in self.catalog]
        return {"catalog": archs, "measure": asdict(self.config)}

    @classmethod
    def from_dict(cls, values: dict) -> "MeasureSpec":
        """From ``as_dict`` or a presets file's {"catalog": [Arch fields], "measure": {MeasureConfig fields}}."""
        try:
            config = MeasureConfig(**(values.get("measure") or {}))
        except TypeError as exc:
            raise DistillError(f"the measurement settings are not understood: {exc}") from None
        return cls([Arch.from_dict(a) for a in values.get("catalog") or []], config)


@dataclass
class Measurement:
    """What ``measure_models`` found, one row per model, plus where and when."""

    rows: list[dict]  # key, model, parameters, fp32_mb, int8_mb, b1_ms, b1_int8_ms, bn_ms, bn_int8_ms
    config: dict
    machine: dict
    seconds: float
    when: float = field(default_factory=time.time)

    def as_dict(self) -> dict:
        return asdict(self)

    def row(self, key: str) -> dict | None:
        return next((r for r in self.rows if r["key"] == key), None)

    def latency_by_key(self) -> dict[str, float]:
        """Batch-1 fp32 latency of each model that has one."""
        return {r["key"]: r["b1_ms"] for r in self.rows if r.get("b1_ms") is not None and not math.isnan(r["b1_ms"])}

    def ratios(self, reference: str = BERT_BASE.key) -> list[dict]:
        """Speed-ups against one model (BERT-base by default): reference latency / model latency."""
        ref = self.row(reference)
        out = []
        for r in self.rows:
            out.append({
                "key": r["key"], "model": r["model"],
                "parameters_ratio": r["parameters"] / ref["parameters"] if ref else float("nan"),
                "speedup_b1": _ratio(ref and ref["b1_ms"], r["b1_ms"]),
                "speedup_bn": _ratio(ref and ref["bn_ms"], r["bn_ms"]),
                "int8_speedup_b1": _ratio(r["b1_ms"], r.get("b1_int8_ms")),
            })  # fmt: skip
        return out


def _ratio(a, b) -> float:
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return float("nan")
    return a / b


def machine_info() -> dict:
    """What the numbers were measured on: cores, torch threads, load at the time."""
    import platform

    import torch

    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - not on every OS
        load = float("nan")
    return {
        "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(), "load_1min": load,
        "torch": torch.__version__, "machine": platform.machine(), "processor": platform.processor() or platform.machine(),
    }  # fmt: skip


def _best_of_blocks(compare, models: dict, batch_size: int, seq_len: int, iterations: int, blocks: int, warmup: int, progress) -> dict[str, float]:
    """Median ms of each model in each of ``blocks`` interleaved blocks (``iterations`` rounds in all), then the best block."""
    blocks = max(1, min(blocks, iterations))
    sizes = [iterations // blocks + (1 if i < iterations % blocks else 0) for i in range(blocks)]
    best: dict[str, float] = {}
    for i, n in enumerate(sizes):
        result = compare(models, batch_size=batch_size, seq_len=seq_len, iterations=n, warmup=warmup if i == 0 else 0,
                         progress=lambda f, i=i: progress((i + f) / blocks))
        for name, lat in result.items():
            best[name] = min(best.get(name, math.inf), lat.p50_ms)
    return best


def _check_request(catalog: list[Arch], cfg: MeasureConfig) -> None:
    if not catalog:
        raise DistillError("nothing to measure: the list of models is empty")
    if cfg.seq_len < 2 or cfg.batch_size < 1 or cfg.iterations < 1 or cfg.batch_iterations < 1:
        raise DistillError("sequence length, batch size and iterations must be positive")
    too_long = [a.name for a in catalog if cfg.seq_len > a.max_positions]
    if too_long:
        raise DistillError(f"sequence length {cfg.seq_len} exceeds the position embeddings of {', '.join(too_long)}")


def _store_times(rows: dict, times: dict[str, float], fp32_col: str, int8_col: str) -> None:
    """Timings keyed "key|fp32" / "key|int8" into the rows' columns."""
    for name, ms in times.items():
        key, kind = name.split("|")
        rows[key][int8_col if kind == "int8" else fp32_col] = ms


def measure_models(catalog: list[Arch], cfg: MeasureConfig | None = None, progress: ProgressFn | None = None) -> Measurement:
    """Build every model, size it fp32 and INT8, time it at batch 1 and batch N, side by side.

    All models of one batch size run interleaved, round by round, on the same random batch, so
    a burst of other work on the machine hits them all alike; the rounds are split into blocks
    and each model keeps its best block median (see ``MeasureConfig.blocks``).
    """
    from .. import models as M
    from ..latency import compare_latency

    cfg = cfg or MeasureConfig()
    _check_request(catalog, cfg)
    say = progress or (lambda fraction, message: None)
    start = time.perf_counter()
    # share of the total time each phase takes, roughly, for one honest progress bar
    weights = {"build": 0.3, "int8": 0.15 if cfg.int8 else 0.0, "b1": 0.25, "bn": 0.3}
    offsets = {phase: sum(list(weights.values())[:i]) for i, phase in enumerate(weights)}

    def step(phase: str, fraction: float, message: str) -> None:
        say(min(1.0, (offsets[phase] + weights[phase] * fraction) / sum(weights.values())), message)

    bundled: dict = {}
    fp32, int8, rows = {}, {}, {}
    try:
        for i, arch in enumerate(catalog):
            step("build", i / len(catalog), f"building {arch.name}")
            fp32[arch.key] = build_model(arch, _bundled_cache=bundled)
            rows[arch.key] = {
                "key": arch.key, "model": arch.name, "parameters": M.count_parameters(fp32[arch.key]),
                "fp32_mb": M.serialized_size_mb(fp32[arch.key]), "int8_mb": float("nan"),
                "b1_ms": float("nan"), "b1_int8_ms": float("nan"), "bn_ms": float("nan"), "bn_int8_ms": float("nan"),
            }  # fmt: skip
        for i, arch in enumerate(catalog if cfg.int8 else []):
            step("int8", i / len(catalog), f"quantising {arch.name} to INT8")
            int8[arch.key] = M.quantize_int8(fp32[arch.key])
            rows[arch.key]["int8_mb"] = M.serialized_size_mb(int8[arch.key])
        models_b1 = {f"{k}|fp32": m for k, m in fp32.items()} | {f"{k}|int8": m for k, m in int8.items()}
        times = _best_of_blocks(
            compare_latency, models_b1, 1, cfg.seq_len, cfg.iterations, cfg.blocks, cfg.warmup,
            lambda f: step("b1", f, f"timing {len(models_b1)} models at batch 1, interleaved"),
        )  # fmt: skip
        _store_times(rows, times, "b1_ms", "b1_int8_ms")
        models_bn = {f"{k}|fp32": m for k, m in fp32.items()}
        if cfg.int8_batch:
            models_bn |= {f"{k}|int8": m for k, m in int8.items()}
        times = _best_of_blocks(
            compare_latency, models_bn, cfg.batch_size, cfg.seq_len, cfg.batch_iterations, cfg.blocks, 1,
            lambda f: step("bn", f, f"timing {len(models_bn)} models at batch {cfg.batch_size}, interleaved"),
        )  # fmt: skip
        _store_times(rows, times, "bn_ms", "bn_int8_ms")
    except (RuntimeError, MemoryError, OSError) as exc:
        raise DistillError(f"the measurement stopped: {first_line(exc)}") from exc
    say(1.0, "done")
    return Measurement(
        rows=[rows[a.key] for a in catalog], config=asdict(cfg), machine=machine_info(), seconds=time.perf_counter() - start,
    )


def measured_size_claim(measurement: Measurement) -> SizeClaim:
    """The size claim read on measured (serialised) sizes rather than computed ones."""
    return check_size_claim([{"key": r["key"], "model": r["model"], "fp32_mb": r["fp32_mb"], "int8_mb": r["int8_mb"]} for r in measurement.rows])


# ------------------------------------------------------------------ as a job of the runner


def job_progress(on_event, cancel, phase: str) -> ProgressFn:
    """A ProgressFn that speaks the job runner's events (phase on each new message, progress with
    an ETA) and stops the work with Cancelled once ``cancel`` is set."""
    from ..training import Progress

    tracker = Progress(on_event)
    tracker.plan(1.0)
    last = [None]

    def progress(fraction: float, message: str) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled(f"{phase} cancelled")
        if message != last[0]:
            last[0] = message
            tracker.emit({"kind": "phase", "phase": phase, "message": message})
        tracker.add(max(0.0, fraction - tracker.done))

    return progress


def measure_job(spec: dict, *, home=None, on_event=None, cancel=None, artefact_dir=None) -> Measurement:
    """``measure_models`` as a job: spec is ``MeasureSpec.as_dict()`` (a plain dict pickles whatever
    Streamlit has re-imported); the result is the Measurement."""
    request = MeasureSpec.from_dict(spec)
    return measure_models(request.catalog, request.config, progress=job_progress(on_event, cancel, "measure"))


def latest_result(store, kind: str, config: dict) -> dict | None:
    """The report of the newest finished job of this kind run with exactly this config, if any."""
    for run in store.list(kind=kind, limit=50):
        if run.status == "finished" and run.config == config and run.metrics:
            return run.metrics
    return None


def latest_measurement(store, spec: MeasureSpec) -> Measurement | None:
    """The newest finished measurement of these models with these settings, from the run store."""
    found = latest_result(store, "measure", spec.as_dict())
    return Measurement(**found) if found else None
