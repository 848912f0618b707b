"""distill_core: the engine behind Distillation Lab.

No streamlit import anywhere in this package. Heavy modules (torch, transformers)
are imported by the submodules that need them, never here, so that
``import distill_core.temperature`` stays fast for the first pages of the app.
"""

__version__ = "0.1.0"
