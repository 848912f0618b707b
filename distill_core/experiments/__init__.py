"""The experiments: each runs a set of conditions over seeds at equal compute and returns a report.

specs: the spec dataclasses, where every default lives (no torch: the CLI and the pages read them).
base: what they share: the bounds of T and alpha, the one "beyond the seed spread" rule
  (``spread`` / ``beyond_spread`` / ``against_spread``), the names shown for stored keys
  (``display_name``), the set-up (rows, teacher logits, test split) and the seed loop.
comparison: teacher vs the student on hard labels vs the distilled student (the live page).
soft_targets: what the transfer set and what soft targets add (Soft targets vs labels).
layers: initialisation, intermediate objectives, task-agnostic vs task-specific (Inside the model).
"""
