"""Training across processes (DDP) with Hugging Face accelerate, when the CLI is launched that way.

    accelerate launch --multi_gpu --num_processes 4 -m distill_core distill --preset thorough   # 4 GPUs
    accelerate launch --multi_gpu --num_processes 2 -m distill_core distill ...                  # 2 CPU processes, gloo
    torchrun --nproc_per_node 2 -m distill_core distill ...                                      # the same, without accelerate's launcher

(``accelerate launch --cpu`` starts ONE process: its CPU launcher spreads over machines with mpirun only. With
``--multi_gpu`` on a machine without a GPU the engine still asks accelerate for the CPU, so each process joins a
gloo group.)

What happens then:
- every process runs the whole comparison in lockstep, so every training call meets its peers;
- the teacher is fine-tuned and its logits computed on the main process alone (``main_process_first``: the others
  wait, then read both from the disk cache under DISTILL_LAB_HOME, which the processes share);
- each optimiser step takes the same global batch as a single process would, split across the processes
  (``shard``), and DDP averages the gradients: the same steps, the same effective batch size and the same learning
  rate schedule as the one-process run, so its metrics should land within that run's seed spread;
- only the main process records the run, writes the report and saves the student (``__main__.cmd_distill``).

Detection is by the launcher's environment (``WORLD_SIZE`` > 1); nothing here imports accelerate otherwise.
"""

from __future__ import annotations

import contextlib
import os
from contextvars import ContextVar

_local: ContextVar[bool] = ContextVar("distill_lab_local_only", default=False)
_accelerator = None


def world_size() -> int:
    """How many processes train together (1 when not launched by accelerate or torchrun)."""
    text = os.environ.get("WORLD_SIZE", "1").strip()
    return int(text) if text.isdecimal() else 1


def rank() -> int:
    text = os.environ.get("RANK", "0").strip()
    return int(text) if text.isdecimal() else 0


def launched() -> bool:
    """Whether this process is one of several launched to train together."""
    return world_size() > 1


def is_main() -> bool:
    """The process that records the run, prints the report and saves the student (always true alone)."""
    return rank() == 0


def active() -> bool:
    """Whether a training here should synchronise with the other processes (not inside ``local_only``)."""
    return launched() and not _local.get()


def accelerator(device=None):
    """This process's one Accelerator (it joins the process group on first use); on the CPU unless ``device`` is CUDA."""
    global _accelerator
    if _accelerator is None:
        from accelerate import Accelerator

        _accelerator = Accelerator(cpu=getattr(device, "type", "cpu") != "cuda")
    return _accelerator


@contextlib.contextmanager
def local_only():
    """Trainings inside run in this process alone, no DDP (the teacher's fine-tune on the main process)."""
    token = _local.set(True)
    try:
        yield
    finally:
        _local.reset(token)


@contextlib.contextmanager
def main_process_first():
    """The main process runs the block first, alone (no DDP inside), while the others wait; then the others run it.

    For work done once and cached on disk: the teacher's fine-tune and its logits. A no-op in a single process."""
    if not launched():
        yield
        return
    from . import device as D

    with accelerator(D.resolve()).main_process_first(), local_only():
        yield


def shard(indices: list[int]) -> list[int]:
    """This process's part of a global batch: rows rank, rank + world, ... A batch smaller than the world still gives
    every process one row (repeated), since a process with nothing to compute would leave DDP waiting."""
    size, me = world_size(), rank()
    mine = indices[me::size]
    return mine or [indices[me % len(indices)]]


def wrap(model, device):
    """``model`` inside DDP via accelerate (it moves it to this process's device); the parameters stay the caller's
    tensors, so the caller's model object is the trained one afterwards."""
    return accelerator(device).prepare_model(model)


def average_gradients(module) -> None:
    """All-reduce and average a module's gradients across the processes: for a loss's own trainable part (a FitNets
    projection), which is not inside DDP."""
    import torch.distributed as dist

    for p in module.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            p.grad /= world_size()
