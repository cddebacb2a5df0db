"""Plots of a scenario comparison (matplotlib, Agg backend), each written as PNG and SVG.

- ``over_time``: mean satisfaction and monthly participation per week, one line per scenario with its
  95 % band across replicates;
- ``forest``: differences from the reference at the horizon, one panel per key metric;
- ``breakdown``: satisfaction and participation at the horizon by age group and tenure.

Every text of a figure is in one language (``lang``: "en", the default, or "zh"); the fonts come
from ``experiments.fonts`` (as the app's figures), so 中文 renders whenever the machine has a Chinese
font, and "zh" falls back to English when it has none.

>>> from experiments.plots import write_all  # write_all(out_dir, spec, summary, series, lang="en") -> [paths]
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from experiments.compare_spec import CompareSpec

__all__ = ["write_all", "plot_over_time", "plot_forest", "plot_breakdown", "save", "FOREST_METRICS", "TEXT"]

FOREST_METRICS = (
    "satisfaction_mean", "satisfied_share", "participation_monthly", "volunteer_hours_per_100",
    "resolution_weeks_mean", "cross_resolution_weeks_mean", "buck_passing_events", "fee_collection_rate",
    "firm_quality_mean", "trust_community_mean", "trust_property_mean", "cost_per_household",
)
#: The figures' own words: key -> (中文, English).
TEXT: dict[str, tuple[str, str]] = {
    "week": ("周", "week"),
    "points": ("百分点", "percentage points"),
    "diff_from": ("与 {ref} 的差异（配对）", "difference from {ref} (paired)"),
    "over_time": ("各情景 {reps} 次重复运行的均值与 95% 区间", "Mean and 95 % band across {reps} replicate runs per scenario"),
    "forest": ("第 {week} 周与 {ref} 的差异（配对，95% 区间；{reps} 次重复）",
               "Difference from {ref} at week {week} (paired, 95 % interval; {reps} replicates)"),
    "only_reference": ("只运行了参照情景", "only the reference was run"),
    "satisfaction": ("满意度", "Satisfaction"),
    "participation": ("月度参与率", "Monthly participation"),
    "at_week": ("{title}，第 {week} 周", "{title}, week {week}"),
    "breakdown": ("按年龄组与产权：{reps} 次重复的均值与 95% 区间",
                  "By age group and tenure: mean and 95 % interval across {reps} replicates"),
    "young": ("青年", "young"), "working-age": ("在职", "working-age"), "retired": ("退休", "retired"),
    "owners": ("业主", "owners"), "renters": ("租户", "renters"),
}  # fmt: skip


def _t(key: str, lang: str, **values: Any) -> str:
    zh, en = TEXT[key]
    return (zh if lang == "zh" else en).format(**values)


def _setup(lang: str) -> str:
    """Agg backend, reproducible SVG ids, the shared fonts; the language the figures can be drawn in."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import rcParams

    from experiments.fonts import figure_language, use_fonts

    rcParams["svg.hashsalt"] = "cogov"
    rcParams["svg.fonttype"] = "path"
    use_fonts()
    return figure_language(lang)


def _label(spec: CompareSpec, name: str, lang: str) -> str:
    """A scenario's label in ``lang`` (its file name when it has no label)."""
    scen = next(s for s in spec.scenarios if s.name == name)
    label = scen.label_zh if lang == "zh" else scen.label_en
    return label or name


def _colors(spec: CompareSpec) -> dict[str, Any]:
    import matplotlib

    cmap = matplotlib.colormaps["tab10"]
    others = [n for n in spec.names if n != spec.reference]
    colors = {n: cmap(i % 10) for i, n in enumerate(others)}
    colors[spec.reference] = (0.25, 0.25, 0.25, 1.0)
    return colors


def _metric_title(metric: str, lang: str, width: int = 0) -> str:
    import textwrap

    from experiments.compare_spec import metric_info
    from model.units import unit_text

    zh, en, unit = metric_info(metric)
    title = zh if lang == "zh" else en
    title = f"{title} ({unit_text(unit, lang)})" if unit and unit not in ("share", "0–1") else title
    if lang == "zh":
        width = width // 2  # a Chinese character is about two Latin letters wide
    return "\n".join(textwrap.wrap(title, width)) if width else title


def _percent_axis(ax: Any, axis: str = "y", points: bool = False, lang: str = "en") -> None:
    """Shares as per cent; differences of shares as percentage points."""
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    if points:
        target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{100 * v:.3g}"))
        target.set_label_text(_t("points", lang), fontsize=8)
    else:
        target.set_major_formatter(PercentFormatter(1.0, decimals=None))


def plot_over_time(spec: CompareSpec, series: pd.DataFrame, lang: str = "en") -> Figure:
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
                        ls="--" if name == spec.reference else "-", label=_label(spec, name, lang))
                ax.fill_between(d["week"], d["ci_low"], d["ci_high"], color=c, alpha=0.18, lw=0)
            if kind == "diff":
                ax.axhline(0, color="0.3", lw=0.9)
                ax.set_title(_t("diff_from", lang, ref=_label(spec, spec.reference, lang)), fontsize=10)
                ax.set_xlabel(_t("week", lang))
            else:
                ax.set_title(_metric_title(metric, lang))
            if share:
                _percent_axis(ax, points=kind == "diff", lang=lang)
            ax.grid(alpha=0.3)
            for w in (52, 104, 156):
                if w <= spec.weeks:
                    ax.axvline(w, color="0.8", lw=0.8, zorder=0)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4), fontsize=9)
    fig.suptitle(_t("over_time", lang, reps=spec.reps))
    return fig


def plot_forest(spec: CompareSpec, summary: pd.DataFrame, lang: str = "en") -> Figure:
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
        ax.set_yticks(range(len(others)), [_label(spec, n, lang) for n in reversed(others)], fontsize=8)
        ax.set_ylim(-0.7, max(len(others), 1) - 0.3)
        ax.set_title(_metric_title(metric, lang, width=34), fontsize=9)
        if rows["unit"].iloc[0] == "share":
            _percent_axis(ax, "x", points=True, lang=lang)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
        if not others:
            ax.text(0.5, 0.5, _t("only_reference", lang), transform=ax.transAxes, ha="center", fontsize=8)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    fig.suptitle(_t("forest", lang, ref=_label(spec, spec.reference, lang), week=spec.weeks, reps=spec.reps))
    return fig


def plot_breakdown(spec: CompareSpec, summary: pd.DataFrame, lang: str = "en") -> Figure:
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
    for ax, col, title in zip(axes, (1, 2), (_t("satisfaction", lang), _t("participation", lang)), strict=True):
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
                   color=colors[name], label=_label(spec, name, lang), capsize=2, alpha=0.9)
        ax.set_xticks(x, [_t(g[0], lang) for g in GROUP_METRICS])
        ax.set_title(_t("at_week", lang, title=title, week=spec.weeks))
        ax.grid(axis="y", alpha=0.3)
        if col == 2:
            _percent_axis(ax, lang=lang)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4), fontsize=9)
    fig.suptitle(_t("breakdown", lang, reps=spec.reps))
    return fig


def save(fig: Figure, out_dir: Path, stem: str) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` atomically (format given explicitly: the temporary name has no suffix)."""
    from storage.outputs import atomic_write as write_file

    paths = [
        write_file(out_dir / f"{stem}.png",
                     lambda p: fig.savefig(p, format="png", dpi=130, metadata={"Software": None})),
        write_file(out_dir / f"{stem}.svg",
                     lambda p: fig.savefig(p, format="svg", metadata={"Date": None, "Creator": None})),
    ]
    return paths


def write_all(out_dir: Path, spec: CompareSpec, summary: pd.DataFrame, series: pd.DataFrame,
              lang: str = "en") -> list[Path]:
    """Draw and save the three plots, every text in ``lang`` ("en" or "zh"); returns the files written."""
    lang = _setup(lang)
    files: list[Path] = []
    files += save(plot_over_time(spec, series, lang), out_dir, "over_time")
    files += save(plot_forest(spec, summary, lang), out_dir, "forest")
    files += save(plot_breakdown(spec, summary, lang), out_dir, "breakdown")
    return files
