"""Trade-offs: what a smaller model costs and buys, counted from shapes and measured on this machine.

One module per question of the Trade-offs page:

- ``shapes``: parameters and bytes from an architecture's shape alone, the quoted DistilBERT and size claims;
- ``measure``: real models built, sized and timed side by side (``measure_job`` for the job runner);
- ``int8``: a trained student's accuracy before and after dynamic INT8 (``int8_job``);
- ``onnx_export``: ONNX export checked against PyTorch, onnxruntime INT8 with the embeddings (``export_job``);
  ``vocab_prune``: the vocabulary cut to the task's word pieces; ``onnx_cli``: the ``export`` command;
- ``onnx_table``: torch fp32 / torch INT8 / ORT fp32 / ORT INT8 of every model, side by side (``formats_job``);
- ``frontier``: finished runs as accuracy against latency, the Pareto frontier, a latency budget;
- ``cost``: serving a model yourself at scale against a hosted API;
- ``checklist``: the seed article's criteria and the recommendation they lead to.

Heavy imports (torch, transformers) happen inside the functions that need them.
"""

from .checklist import (
    CRITERIA,
    recommend,
)
from .cost import (
    UTILISATION,
    break_even_calls_per_day,
    cost_curve,
    cost_table,
    log_grid,
    monthly_cost_api,
    monthly_cost_self_hosted,
    server_capacity_per_day,
    servers_needed,
)
from .frontier import (
    METHODS,
    REFERENCE_DIR,
    RunEntry,
    budget_summary,
    distilled_vs,
    frontier_points,
    load_reference_runs,
    pareto_mask,
    retention,
    store_runs,
)
from .int8 import (
    evaluate_store_students,
    int8_accuracy,
    int8_job,
    int8_spec,
    load_int8_reference,
    student_folder,
)
from .onnx_export import (
    ExportReport,
    OrtModel,
    Variant,
    export_job,
    export_model,
    export_onnx,
    quantize_onnx,
)
from .onnx_table import (
    FORMATS,
    SIZE_TARGET_MB,
    FormatsSpec,
    formats_job,
    formats_table,
    load_formats_reference,
    size_claim_rows,
    smallest_mb,
)
from .measure import (
    MeasureConfig,
    MeasureSpec,
    Measurement,
    build_model,
    latest_measurement,
    latest_result,
    measure_job,
    measure_models,
    measured_size_claim,
)
from .shapes import (
    BERT_BASE,
    DISTILBERT,
    SANH_2019,
    SEED_SIZE_CLAIM,
    Arch,
    check_size_claim,
    default_catalog,
    minilm,
    parameters_from_shape,
    shape_table,
    size_mb,
)

# what the page, the bench and the tests use, so that `from distill_core import tradeoffs as TR` serves them all
__all__ = [
    "ExportReport", "FORMATS", "FormatsSpec", "OrtModel", "SIZE_TARGET_MB", "Variant", "export_job", "export_model", "export_onnx",
    "formats_job", "formats_table", "load_formats_reference", "quantize_onnx", "size_claim_rows", "smallest_mb",
    "Arch", "BERT_BASE", "CRITERIA", "DISTILBERT", "METHODS", "MeasureConfig", "MeasureSpec", "Measurement",
    "REFERENCE_DIR", "RunEntry", "SANH_2019", "SEED_SIZE_CLAIM", "UTILISATION", "break_even_calls_per_day",
    "budget_summary", "build_model", "check_size_claim", "cost_curve", "cost_table", "default_catalog",
    "distilled_vs", "evaluate_store_students", "frontier_points", "int8_accuracy", "int8_job", "int8_spec",
    "latest_measurement", "latest_result", "load_int8_reference", "load_reference_runs", "log_grid", "measure_job",
    "measure_models", "measured_size_claim", "minilm", "monthly_cost_api", "monthly_cost_self_hosted",
    "parameters_from_shape", "pareto_mask", "recommend", "retention", "server_capacity_per_day", "servers_needed",
    "shape_table", "size_mb", "store_runs", "student_folder",
]
