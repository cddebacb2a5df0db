"""Plots of a scenario comparison (matplotlib, Agg backend), each written as PNG and SVG.

- ``over_time``: mean satisfaction and monthly participation per week, one line per scenario with its
  95 % band across replicates;
- ``forest``: differences from the reference at the horizon, one panel per key metric;
- ``breakdown``: satisfaction and participation at the horizon by age group and tenure.

>>> from experiments.plots import write_all  # write_all(out_dir, spec, summary, series) -> [paths]
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from experiments.compare_spec import CompareSpec

__all__ = ["write_all", "plot_over_time", "plot_forest", "plot_breakdown", "save", "FOREST_METRICS", "CJK_FONT"]

FOREST_METRICS = (
    "satisfaction_mean", "satisfied_share", "participation_monthly", "volunteer_hours_per_100",
    "resolution_weeks_mean", "cross_resolution_weeks_mean", "buck_passing_events", "fee_collection_rate",
    "firm_quality_mean", "trust_community_mean", "trust_property_mean", "cost_per_household",
)
CJK_FONT = "WenQuanYi Micro Hei"  # used for Chinese labels when installed; English only otherwise


def _setup() -> bool:
    """Agg backend, reproducible SVG ids; True if a CJK font is available for Chinese labels."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, rcParams

    rcParams["svg.hashsalt"] = "cogov"
    rcParams["svg.fonttype"] = "path"
    try:
        font_manager.findfont(CJK_FONT, fallback_to_default=False)
    except ValueError:
        return False
    rcParams["font.family"] = ["DejaVu Sans", CJK_FONT]
    return True


def _label(spec: CompareSpec, name: str, cjk: bool) -> str:
    scen = next(s for s in spec.scenarios if s.name == name)
    return f"{name} {scen.label_zh}" if cjk and scen.label_zh != name else name


def _colors(spec: CompareSpec) -> dict[str, Any]:
    import matplotlib

    cmap = matplotlib.colormaps["tab10"]
    others = [n for n in spec.names if n != spec.reference]
    colors = {n: cmap(i % 10) for i, n in enumerate(others)}
    colors[spec.reference] = (0.25, 0.25, 0.25, 1.0)
    return colors


def _metric_title(metric: str, cjk: bool, width: int = 0) -> str:
    import textwrap

    from experiments.compare_spec import metric_info

    zh, en, unit = metric_info(metric)
    title = f"{en} {zh}" if cjk else en
    title = f"{title} ({unit})" if unit and unit not in ("share", "0–1") else title
    return "\n".join(textwrap.wrap(title, width)) if width else title


def _percent_axis(ax: Any, axis: str = "y", points: bool = False) -> None:
    """Shares as per cent; differences of shares as percentage points."""
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    if points:
        target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{100 * v:.3g}"))
        target.set_label_text("percentage points", fontsize=8)
    else:
        target.set_major_formatter(PercentFormatter(1.0, decimals=None))


def plot_over_time(spec: CompareSpec, series: pd.DataFrame, cjk: bool = False) -> Figure:
    """Satisfaction and participation per week: mean and 95 % band per scenario (top), and the paired
    difference from the reference with its 95 % band (bottom)."""
    from matplotlib.figure import Figure

    from experiments.compare_spec import metric_info

    colors = _colors(spec)
    fig = Figure(figsize=(11, 7.6), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True)
    for col, metric in enumerate(("satisfaction_mean", "participation_monthly")):
        share = metric_info(metric)[2] == "share"
        for row, kind in enumerate(("level", "diff")):
            ax = axes[row, col]
            for name in spec.names:
                if kind == "diff" and name == spec.reference:
                    continue
                d = series[(series["metric"] == metric) & (series["scenario"] == name) & (series["kind"] == kind)]
                d = d.sort_values("week")
                c = colors[name]
                ax.plot(d["week"], d["mean"], color=c, lw=2.0 if name == spec.reference else 1.6,
                        ls="--" if name == spec.reference else "-", label=_label(spec, name, cjk))
                ax.fill_between(d["week"], d["ci_low"], d["ci_high"], color=c, alpha=0.18, lw=0)
            if kind == "diff":
                ax.axhline(0, color="0.3", lw=0.9)
                ax.set_title(f"difference from {spec.reference} (paired)", fontsize=10)
                ax.set_xlabel("week")
            else:
                ax.set_title(_metric_title(metric, cjk))
            if share:
                _percent_axis(ax, points=kind == "diff")
            ax.grid(alpha=0.3)
            for w in (52, 104, 156):
                if w <= spec.weeks:
                    ax.axvline(w, color="0.8", lw=0.8, zorder=0)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4), fontsize=9)
    fig.suptitle(f"Mean and 95 % band across {spec.reps} replicate runs per scenario")
    return fig


def plot_forest(spec: CompareSpec, summary: pd.DataFrame, cjk: bool = False) -> Figure:
    """Paired differences from the reference at the horizon with 95 % intervals, one panel per metric."""
    from matplotlib.figure import Figure

    colors = _colors(spec)
    others = [n for n in spec.names if n != spec.reference]
    metrics = [m for m in FOREST_METRICS if m in set(summary["metric"])]
    ncols = 3
    nrows = max(1, -(-len(metrics) // ncols))
    fig = Figure(figsize=(12, 1.0 + nrows * (0.45 * max(len(others), 1) + 1.1)), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    h = summary[summary["horizon"]]
    for ax, metric in zip(axes, metrics, strict=False):
        rows = h[h["metric"] == metric].set_index("scenario")
        for y, name in enumerate(reversed(others)):
            r = rows.loc[name]
            lo, hi = r["diff_ci_low"], r["diff_ci_high"]
            ax.errorbar([r["diff"]], [y], xerr=[[r["diff"] - lo], [hi - r["diff"]]] if lo == lo else None,
                        fmt="o", color=colors[name], capsize=3, ms=5)
        ax.axvline(0, color="0.3", lw=0.9)
        ax.set_yticks(range(len(others)), [_label(spec, n, cjk) for n in reversed(others)], fontsize=8)
        ax.set_ylim(-0.7, max(len(others), 1) - 0.3)
        ax.set_title(_metric_title(metric, cjk, width=34), fontsize=9)
        if rows["unit"].iloc[0] == "share":
            _percent_axis(ax, "x", points=True)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
        if not others:
            ax.text(0.5, 0.5, "only the reference was run", transform=ax.transAxes, ha="center", fontsize=8)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    fig.suptitle(f"Difference from {spec.reference} at week {spec.weeks} (paired, 95 % interval; "
                 f"{spec.reps} replicates)")
    return fig


def plot_breakdown(spec: CompareSpec, summary: pd.DataFrame, cjk: bool = False) -> Figure:
    """Satisfaction and participation at the horizon by age group and tenure: bars with 95 % intervals."""
    import numpy as np
    from matplotlib.figure import Figure

    from experiments.compare_spec import GROUP_METRICS

    colors = _colors(spec)
    h = summary[summary["horizon"]].set_index(["scenario", "metric"])
    fig = Figure(figsize=(12, 4.4), layout="constrained")
    axes = fig.subplots(1, 2)
    n = len(spec.names)
    width = 0.8 / n
    x = np.arange(len(GROUP_METRICS))
    for ax, col, title in zip(axes, (1, 2), ("Satisfaction 满意度" if cjk else "Satisfaction",
                                            "Monthly participation 月度参与率" if cjk else "Monthly participation"),
                              strict=True):
        for i, name in enumerate(spec.names):
            means, errs = [], [[], []]
            for group in GROUP_METRICS:
                key = (name, group[col])
                r = h.loc[key] if key in h.index else None
                mean = float(r["mean"]) if r is not None else float("nan")
                means.append(mean)
                errs[0].append(mean - float(r["ci_low"]) if r is not None else 0.0)
                errs[1].append(float(r["ci_high"]) - mean if r is not None else 0.0)
            ax.bar(x + (i - (n - 1) / 2) * width, means, width, yerr=np.nan_to_num(np.array(errs)),
                   color=colors[name], label=_label(spec, name, cjk), capsize=2, alpha=0.9)
        ax.set_xticks(x, [g[0] for g in GROUP_METRICS])
        ax.set_title(f"{title}, week {spec.weeks}")
        ax.grid(axis="y", alpha=0.3)
        if col == 2:
            _percent_axis(ax)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4), fontsize=9)
    fig.suptitle(f"By age group and tenure: mean and 95 % interval across {spec.reps} replicates")
    return fig


def save(fig: Figure, out_dir: Path, stem: str) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` atomically (format given explicitly: the temporary name has no suffix)."""
    from model.runner import atomic_write as write_file

    paths = [
        write_file(out_dir / f"{stem}.png",
                     lambda p: fig.savefig(p, format="png", dpi=130, metadata={"Software": None})),
        write_file(out_dir / f"{stem}.svg",
                     lambda p: fig.savefig(p, format="svg", metadata={"Date": None, "Creator": None})),
    ]
    return paths


def write_all(out_dir: Path, spec: CompareSpec, summary: pd.DataFrame, series: pd.DataFrame) -> list[Path]:
    """Draw and save the three plots; returns the files written."""
    cjk = _setup()
    files: list[Path] = []
    files += save(plot_over_time(spec, series, cjk), out_dir, "over_time")
    files += save(plot_forest(spec, summary, cjk), out_dir, "forest")
    files += save(plot_breakdown(spec, summary, cjk), out_dir, "breakdown")
    return files
