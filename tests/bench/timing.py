"""Timing for the bench scripts: the median of repeated runs, in milliseconds."""

from __future__ import annotations

import statistics
import time


def median_ms(fn, runs: int = 30, *, warm_up: bool = True) -> float:
    """Median wall time of `runs` calls of fn; warm_up: one untimed call first (profile, statement and page caches)."""
    if warm_up:
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)
