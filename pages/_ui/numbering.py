"""Layer numbers as a person reads them: 1-based everywhere on the pages.

The engine indexes teacher layers from 0 (``student_layers`` [0, 2, 4] in specs, reports and the CLI);
a page converts only when it shows them, so "teacher layers 1, 3, 5" means the same layers on every page.
"""

from __future__ import annotations


def layer_list(layers, default: str = "one in two") -> str:
    """'1, 3, 5' for the 0-based [0, 2, 4]; ``default`` when a spec left the layers to the engine (None or empty)."""
    return ", ".join(str(int(t) + 1) for t in layers) if layers else default
