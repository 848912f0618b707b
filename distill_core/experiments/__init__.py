"""The experiments: each runs a set of conditions over seeds at equal compute and returns a report.

comparison: teacher vs hard-label student vs distilled student (the live page).
soft_targets: what the transfer set and what soft targets add (Soft targets vs labels).
layers: initialisation, intermediate objectives, task-agnostic vs task-specific (Inside the model).
"""
