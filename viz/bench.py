"""Step + redraw time of the Explore page on the server: ``python -m viz.bench [--steps N] [--scenario S]``.

One model step plus every Explore figure drawn as PNG (the map and the five charts: what the page
redraws each week), at the scenario's default size, timed over ``N`` weeks after one warm-up
redraw. Prints one JSON line (median, 90th percentile and max, in ms, and the split between the
model step and the drawing). The README quotes it; the budget is a 250 ms median.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

__all__ = ["measure", "main", "BUDGET_MS"]

#: The Explore page's budget for one step and its redraw (median), in milliseconds.
BUDGET_MS = 250.0


def measure(scenario: str = "baseline", steps: int = 30, lang: str = "zh", seed: int = 1) -> dict[str, Any]:
    """Time ``steps`` weeks of step + redraw; returns the timings (ms) and the model's size."""
    from viz.explore_model import ExploreModel
    from viz.figures import CHARTS, ChartRenderer, MapRenderer

    model = ExploreModel(scenario, seed=seed)
    map_r, charts = MapRenderer(), [ChartRenderer(k) for k in CHARTS]
    map_r.render(model, "satisfaction", lang)
    for chart in charts:
        chart.render(model, lang)
    total, stepping = [], []
    try:
        for _ in range(steps):
            t0 = time.perf_counter()
            model.step()
            t1 = time.perf_counter()
            map_r.render(model, "satisfaction", lang)
            for chart in charts:
                chart.render(model, lang)
            t2 = time.perf_counter()
            total.append((t2 - t0) * 1000)
            stepping.append((t1 - t0) * 1000)
        households = model.layout.n_households
    finally:
        model.remove()
    ordered = sorted(total)
    return {
        "scenario": scenario, "households": households, "steps": steps, "lang": lang,
        "median_ms": round(statistics.median(total), 1),
        "p90_ms": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 1),
        "max_ms": round(max(total), 1),
        "step_median_ms": round(statistics.median(stepping), 1),
        "redraw_median_ms": round(statistics.median(t - s for t, s in zip(total, stepping, strict=True)), 1),
        "budget_ms": BUDGET_MS,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Command line: print :func:`measure`'s result as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m viz.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.scenario, args.steps, args.lang)))


if __name__ == "__main__":
    main()
