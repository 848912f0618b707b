"""Which device the engine computes on: a CUDA GPU when there is one, else the CPU.

The choice is ``auto`` (the default), ``cpu`` or ``cuda``: the CLI's ``--device`` (a DistillSpec field), else
``DISTILL_LAB_DEVICE``, else auto, which takes the GPU when torch sees one. A run sets its spec's choice for its own thread (``using``), so two jobs of
one process never see each other's; training, prediction and latency then follow it. Under ``accelerate
launch`` or torchrun each process takes the GPU of its ``LOCAL_RANK``.

On a GPU, training runs in bf16 autocast where the card supports it (Ampere and later); elsewhere it stays in
fp32, so CPU numbers are exactly what they were before devices existed. torch is imported lazily: the CLI's
parser and the pages read ``CHOICES`` without it.
"""

from __future__ import annotations

import contextlib
import functools
import os
from contextvars import ContextVar

from .errors import DistillError

CHOICES = ("auto", "cpu", "cuda")
ENV = "DISTILL_LAB_DEVICE"
_chosen: ContextVar[str | None] = ContextVar("distill_lab_device", default=None)


def check_choice(choice: str) -> str:
    """The choice, lower-cased; a DistillError naming the valid ones otherwise."""
    name = (choice or "auto").strip().lower()
    if name not in CHOICES:
        raise DistillError(f"device must be one of {', '.join(CHOICES)}, got '{choice}'")
    return name


def requested(choice: str | None = None) -> str:
    """What was asked for: ``choice``, else the run's (``using``), else DISTILL_LAB_DEVICE, else auto. "auto" defers
    to the next one down, so ``--device auto`` (the default) leaves DISTILL_LAB_DEVICE in charge."""
    for candidate in (choice, _chosen.get(), os.environ.get(ENV, "")):
        if candidate and check_choice(candidate) != "auto":
            return check_choice(candidate)
    return "auto"


def local_rank() -> int:
    """This process's GPU index among the processes of its machine (torchrun and accelerate set LOCAL_RANK)."""
    text = os.environ.get("LOCAL_RANK", "0").strip()
    return int(text) if text.isdecimal() else 0


def pick(name: str, cuda_available: bool, cuda_count: int, rank: int) -> str:
    """The device string for a checked choice and what torch sees: the decision, free of torch (tested on CPU)."""
    if name == "cpu" or (name == "auto" and not cuda_available):
        return "cpu"
    if not cuda_available:
        raise DistillError(f"the device 'cuda' was asked for (--device or {ENV}), but torch sees no CUDA GPU here "
                           "(a CPU-only torch build, or no driver): use --device auto or cpu")
    return f"cuda:{rank % max(cuda_count, 1)}"


def resolve(choice: str | None = None):
    """The torch.device to compute on (see the module docstring for how the choice is made)."""
    import torch

    available = torch.cuda.is_available()
    return torch.device(pick(requested(choice), available, torch.cuda.device_count() if available else 0, local_rank()))


@contextlib.contextmanager
def using(choice: str | None):
    """Within this block (and this thread), ``resolve()`` follows ``choice``; None keeps the current one."""
    token = _chosen.set(check_choice(choice) if choice else _chosen.get())
    try:
        yield
    finally:
        _chosen.reset(token)


def spec_device(run_fn):
    """A run function ``(spec, ...)`` that computes on ``spec.device`` (one decorator line per experiment); a GPU
    asked for where there is none fails here, before minutes of work."""

    @functools.wraps(run_fn)
    def run(spec, *args, **kwargs):
        with using(getattr(spec, "device", None)):
            resolve()
            return run_fn(spec, *args, **kwargs)

    return run


def model_device(model):
    """The device a model's weights are on (the CPU for a model without torch parameters, e.g. an ONNX session)."""
    import torch

    params = getattr(model, "parameters", None)
    param = next(iter(params()), None) if callable(params) else None
    return param.device if param is not None else torch.device("cpu")


def to_device(batch: dict, device) -> dict:
    """A padded batch with its tensors on ``device`` (unchanged, same objects, on the CPU)."""
    if getattr(device, "type", device) == "cpu":
        return batch
    return {k: v.to(device, non_blocking=True) if hasattr(v, "to") else v for k, v in batch.items()}


def autocast_dtype(device_type: str, bf16_supported: bool):
    """The autocast precision for a device: bf16 on a CUDA card that has it, else None (fp32, no autocast).

    fp16 is left out on purpose: it needs a gradient scaler, and bf16-less cards are old enough that fp32 is the
    safer default for a teaching tool."""
    import torch

    return torch.bfloat16 if device_type == "cuda" and bf16_supported else None


def autocast(device):
    """A context for forward passes: bf16 autocast on a CUDA card with bf16, else a no-op (CPU numbers unchanged)."""
    import torch

    kind = getattr(device, "type", str(device))
    dtype = autocast_dtype(kind, kind == "cuda" and torch.cuda.is_bf16_supported())
    return torch.autocast(device_type=kind, dtype=dtype) if dtype is not None else contextlib.nullcontext()


def precision(device) -> str:
    """"bf16" or "fp32": what ``autocast`` computes in on this device, for reports."""
    import torch

    kind = getattr(device, "type", str(device))
    return "bf16" if autocast_dtype(kind, kind == "cuda" and torch.cuda.is_bf16_supported()) is not None else "fp32"


def describe(device) -> str:
    """"cpu", or "cuda:0 (NVIDIA H200)": what a page shows next to a figure measured there."""
    import torch

    device = torch.device(device)
    if device.type != "cuda":
        return device.type
    return f"{device} ({torch.cuda.get_device_name(device)})"


def synchronize(device) -> None:
    """Wait for the device's queued work (CUDA runs asynchronously: a timer read without this measures nothing)."""
    import torch

    if getattr(device, "type", str(device)) == "cuda":
        torch.cuda.synchronize(device)
