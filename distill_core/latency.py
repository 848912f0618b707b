"""Latency and throughput measured on this machine, fp32 and dynamic INT8.

Machines are noisy, so models are measured side by side: ``compare_latency`` interleaves the
models round by round, and the ratios between them mean more than any absolute time. Each model
is timed on the device its weights are on, and the figures say which (``Latency.device``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from . import device as D


@dataclass
class Latency:
    batch_size: int
    seq_len: int
    p50_ms: float
    p95_ms: float
    throughput: float  # examples per second at the median
    device: str = "cpu"  # where it was measured: "cpu" or "cuda:0 (NVIDIA ...)" (device.describe)

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def dummy_batch(batch_size: int, seq_len: int, vocab_size: int = 30522, seed: int = 0) -> dict:
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(1000, vocab_size, (batch_size, seq_len), generator=g)
    ids[:, 0] = 101  # [CLS]
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}


def _summarise(times_s: list[float], batch_size: int, seq_len: int, device: str = "cpu") -> Latency:
    t = np.asarray(times_s) * 1000.0
    p50 = float(np.percentile(t, 50))
    return Latency(batch_size, seq_len, p50, float(np.percentile(t, 95)), batch_size / (p50 / 1000.0), device)


@torch.inference_mode()
def compare_latency(
    models: dict[str, torch.nn.Module],
    batch_size: int = 1,
    seq_len: int = 64,
    iterations: int = 30,
    warmup: int = 3,
    progress=None,
) -> dict[str, Latency]:
    """Median and p95 forward time of each model on the same random batch, interleaved round by round, each on
    its own device (a GPU's queued work is waited for before the clock stops)."""
    cpu_batch = dummy_batch(batch_size, seq_len)
    devices = {name: D.model_device(m) for name, m in models.items()}
    batches = {name: D.to_device(cpu_batch, dev) for name, dev in devices.items()}
    for name, m in models.items():
        m.eval()
        for _ in range(warmup):
            m(**batches[name])
        D.synchronize(devices[name])
    times: dict[str, list[float]] = {name: [] for name in models}
    for i in range(iterations):
        for name, m in models.items():
            start = time.perf_counter()
            m(**batches[name])
            D.synchronize(devices[name])
            times[name].append(time.perf_counter() - start)
        if progress:
            progress((i + 1) / iterations)
    return {name: _summarise(t, batch_size, seq_len, D.describe(devices[name])) for name, t in times.items()}
