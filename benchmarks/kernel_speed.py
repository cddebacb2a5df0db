"""The model against its references (`benchmarks.per_agent_baseline`): the per-agent Mesa model and
the numpy kernel of the household rules, interleaved on the same seeds, ratios of CPU time
(``results["baseline"]``, ``["kernel"]``)."""

from __future__ import annotations

from typing import Any

from benchmarks.config import KERNEL_SCENARIOS, LAYOUTS, BenchConfig, log, summary
from benchmarks.model_speed import time_full_model, time_reference

__all__ = ["measure_baseline", "measure_kernel"]


def measure_baseline(cfg: BenchConfig) -> dict[str, Any]:
    """Full model vs per-agent Mesa vs numpy kernel on the same seeds, interleaved, paired ratios."""
    from benchmarks.per_agent_baseline import PerAgentModel, VectorisedKernel

    n, weeks = cfg.baseline_size, cfg.baseline_weeks
    time_full_model(n, seed=0, weeks=2)
    time_reference(PerAgentModel, n, seed=0, weeks=1)
    time_reference(VectorisedKernel, n, seed=0, weeks=2)
    full, per_agent, kernel = [], [], []  # CPU seconds of the simulating thread
    for seed in range(1, cfg.baseline_reps + 1):
        full.append(time_full_model(n, seed, weeks)["run_cpu_s"])
        per_agent.append(time_reference(PerAgentModel, n, seed, weeks)["run_cpu_s"])
        kernel.append(time_reference(VectorisedKernel, n, seed, weeks)["run_cpu_s"])
    rate = lambda secs: [n * weeks / s for s in secs]  # noqa: E731
    result = {  # rates per CPU-second of the simulating thread
        "households": n,
        "weeks": weeks,
        "layout": LAYOUTS[n],
        "full_model_steps_per_s": summary(rate(full)),
        "per_agent_steps_per_s": summary(rate(per_agent)),
        "kernel_steps_per_s": summary(rate(kernel)),
        "ratio_full_to_per_agent": summary([p / f for f, p in zip(full, per_agent, strict=True)]),
        "ratio_kernel_to_full": summary([f / k for f, k in zip(full, kernel, strict=True)]),
    }
    log(
        f"  per-agent baseline at {n:,}: {result['per_agent_steps_per_s']['median'] / 1e6:.3f} M/s; full model "
        f"{result['ratio_full_to_per_agent']['median']:.1f}x faster; kernel {result['ratio_kernel_to_full']['median']:.1f}x "
        "faster than the full model"
    )
    return result


def measure_kernel(cfg: BenchConfig) -> dict[str, Any]:
    """`baseline` and `co_governance_full` against the numpy kernel at each of `cfg.kernel_sizes`.

    Each repetition is an interleaved triplet on one seed (kernel, then the two scenarios, the order
    rotating), timed by the CPU of the simulating thread; a scenario's figure is its household-steps
    per CPU-second as a share of the kernel's in the same triplet (1.0 = as fast as the kernel)."""
    from benchmarks.per_agent_baseline import VectorisedKernel

    out: dict[str, Any] = {}
    weeks = cfg.kernel_weeks
    for n in cfg.kernel_sizes:
        reps = cfg.kernel_reps_large if n == max(cfg.kernel_sizes) and len(cfg.kernel_sizes) > 1 else cfg.kernel_reps
        time_reference(VectorisedKernel, n, seed=0, weeks=2)
        for scenario in KERNEL_SCENARIOS:
            time_full_model(n, seed=0, weeks=2, scenario=scenario)
        kernel_cpu: list[float] = []
        cpu: dict[str, list[float]] = {s: [] for s in KERNEL_SCENARIOS}
        for rep in range(reps):
            seed = 1 + rep
            order = ["kernel", *KERNEL_SCENARIOS]
            order = order[rep % len(order):] + order[: rep % len(order)]
            for what in order:
                if what == "kernel":
                    kernel_cpu.append(time_reference(VectorisedKernel, n, seed, weeks)["run_cpu_s"])
                else:
                    cpu[what].append(time_full_model(n, seed, weeks, scenario=what)["run_cpu_s"])
        row: dict[str, Any] = {
            "households": n,
            "weeks": weeks,
            "reps": reps,
            "kernel_steps_per_cpu_s": summary([n * weeks / c for c in kernel_cpu]),
        }
        for scenario in KERNEL_SCENARIOS:
            row[scenario] = {
                "steps_per_cpu_s": summary([n * weeks / c for c in cpu[scenario]]),
                "share_of_kernel": summary([k / c for k, c in zip(kernel_cpu, cpu[scenario], strict=True)]),
            }
        out[str(n)] = row
        log(
            f"  kernel at {n:,} × {weeks} weeks: {row['kernel_steps_per_cpu_s']['median'] / 1e6:.2f} M/CPU-s; "
            + ", ".join(
                f"{s} {row[s]['steps_per_cpu_s']['median'] / 1e6:.2f} M/CPU-s "
                f"({row[s]['share_of_kernel']['median']:.2f}× the kernel)"
                for s in KERNEL_SCENARIOS
            )
        )
    return out

