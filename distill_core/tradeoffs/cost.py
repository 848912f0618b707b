"""The cost of serving a model yourself at scale against paying a hosted API per call.

One server answers one request at a time at the model's batch-1 latency, kept at most
``utilisation`` busy so that peaks fit; it costs its hourly price whatever the traffic.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import DistillError

HOURS_PER_MONTH = 730.0  # 24 x 365 / 12
DAYS_PER_MONTH = 30.42
UTILISATION = 0.5  # servers kept at most half busy: headroom for peaks


def server_capacity_per_day(latency_ms: float, utilisation: float = UTILISATION) -> float:
    """Calls one server answers in a day, one at a time at the batch-1 latency, kept this busy at most."""
    if latency_ms <= 0 or not 0 < utilisation <= 1:
        raise DistillError("latency must be positive and utilisation in (0, 1]")
    return 86_400_000.0 / latency_ms * utilisation


def servers_needed(calls_per_day: float, latency_ms: float, utilisation: float = UTILISATION) -> int:
    """Always at least one server, then as many as the traffic needs."""
    return max(1, math.ceil(calls_per_day / server_capacity_per_day(latency_ms, utilisation) - 1e-9))


def monthly_cost_self_hosted(calls_per_day: float, latency_ms: float, server_hour_usd: float, utilisation: float = UTILISATION) -> float:
    return servers_needed(calls_per_day, latency_ms, utilisation) * server_hour_usd * HOURS_PER_MONTH


def monthly_cost_api(calls_per_day: float, price_per_call_usd: float) -> float:
    return calls_per_day * DAYS_PER_MONTH * price_per_call_usd


def break_even_calls_per_day(latency_ms: float, server_hour_usd: float, price_per_call_usd: float, utilisation: float = UTILISATION) -> float | None:
    """Calls per day above which serving the model yourself costs less than the hosted API.

    One server costs ``server_hour_usd x 730`` a month whatever the traffic; the API costs the
    same once ``calls x 30.42 x price`` reaches it. If one server cannot carry that many calls,
    each server costs more than the API calls it answers, and self-hosting never breaks even.
    """
    if price_per_call_usd <= 0:
        return None
    calls = server_hour_usd * HOURS_PER_MONTH / (DAYS_PER_MONTH * price_per_call_usd)
    return calls if calls <= server_capacity_per_day(latency_ms, utilisation) else None


def cost_table(
    latencies: dict[str, float], calls_per_day: float, server_hour_usd: float, price_per_call_usd: float, utilisation: float = UTILISATION
) -> list[dict]:
    """Monthly cost of serving each model at this traffic, its servers, and its break-even against the API."""
    rows = []
    for name, ms in latencies.items():
        rows.append({
            "model": name, "latency_ms": ms, "servers": servers_needed(calls_per_day, ms, utilisation),
            "monthly_usd": monthly_cost_self_hosted(calls_per_day, ms, server_hour_usd, utilisation),
            "capacity_per_server": server_capacity_per_day(ms, utilisation),
            "break_even_calls_per_day": break_even_calls_per_day(ms, server_hour_usd, price_per_call_usd, utilisation),
        })  # fmt: skip
    rows.append({
        "model": "Hosted API", "latency_ms": float("nan"), "servers": 0,
        "monthly_usd": monthly_cost_api(calls_per_day, price_per_call_usd), "capacity_per_server": float("nan"),
        "break_even_calls_per_day": None,
    })  # fmt: skip
    return rows


def cost_curve(latency_ms: float | None, calls_grid: list[float], server_hour_usd: float, price_per_call_usd: float, utilisation: float = UTILISATION) -> list[float]:
    """$/month over a grid of calls/day: self-hosted for a latency, the API for latency None."""
    if latency_ms is None:
        return [monthly_cost_api(c, price_per_call_usd) for c in calls_grid]
    return [monthly_cost_self_hosted(c, latency_ms, server_hour_usd, utilisation) for c in calls_grid]


def log_grid(low: float, high: float, n: int = 200) -> list[float]:
    """n points from low to high, evenly spaced on a log scale."""
    return np.logspace(math.log10(low), math.log10(high), n).tolist()
