"""Matplotlib figures of the Compare page: scenario bands and a calibration's fit.

Pure functions of result tables and a language code, like ``viz.figures`` (whose fonts, sizes and
colours they share): no Solara here.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from experiments.fonts import figure_language
from model.reporters import METRIC_INFO
from viz.figures import COLOURS, DPI, MIN_FONT_PT, metric_label
from viz.i18n import current, pick, tr

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["bands_figure", "fit_figure"]


def _share_axis(ax: Axes, metric: str) -> None:
    """Shares on a per-cent axis."""
    if METRIC_INFO.get(metric, ("", "", ""))[2] == "share":
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def bands_figure(summary: pd.DataFrame, metrics: tuple[str, ...], labels: dict[str, str],
                 lang: str | None = None) -> Figure:
    """Mean and 95 % interval per scenario over weeks, one panel per metric, with one legend of
    scenario labels under the panels.

    ``summary`` has columns scenario, metric, week, mean, low, high (see ``viz.compare_runs``)."""
    lang = figure_language(lang or current())
    fs = MIN_FONT_PT + 0.5
    scenarios = list(dict.fromkeys(summary["scenario"]))
    rows = math.ceil(len(scenarios) / 3)
    fig = Figure(figsize=(9.6, 3.4 + 0.25 * rows), dpi=DPI, layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics, strict=True):
        part = summary[summary["metric"] == metric]
        for i, scen in enumerate(scenarios):
            s = part[part["scenario"] == scen].sort_values("week")
            colour = COLOURS[i % len(COLOURS)]
            ax.fill_between(s["week"], s["low"], s["high"], color=colour, alpha=0.2, lw=0)
            ax.plot(s["week"], s["mean"], color=colour, lw=1.5, label=labels.get(scen, scen))
        ax.set_title(metric_label(metric, lang), fontsize=fs + 1)
        ax.set_xlabel(tr("week_axis", lang), fontsize=fs)
        _share_axis(ax, metric)
        ax.tick_params(labelsize=fs)
        ax.grid(alpha=0.25)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=min(len(names), 3), fontsize=fs, frameon=False)
    return fig


def fit_figure(predictive: pd.DataFrame | None, observations: pd.DataFrame, lang: str | None = None) -> Figure:
    """A calibration's fit: per observed metric, the posterior-predictive median with its 50 % and
    90 % bands (if the calibration wrote them) and the observed points with ± 1 sd."""
    lang = figure_language(lang or current())
    fs = MIN_FONT_PT + 0.5
    metrics = list(dict.fromkeys(observations["metric"]))
    cols = min(3, max(1, len(metrics)))
    rows = math.ceil(len(metrics) / cols)
    fig = Figure(figsize=(3.4 * cols, 2.6 * rows + 0.5), dpi=DPI, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, metric in zip(axes, metrics, strict=False):
        if predictive is not None and metric in set(predictive["metric"]):
            band = predictive[predictive["metric"] == metric].sort_values("week")
            ax.fill_between(band["week"], band["q05"], band["q95"], color=COLOURS[0], alpha=0.15, lw=0,
                            label=pick("预测 90% 区间", "predictive 90 %", lang))
            ax.fill_between(band["week"], band["q25"], band["q75"], color=COLOURS[0], alpha=0.3, lw=0,
                            label=pick("预测 50% 区间", "predictive 50 %", lang))
            ax.plot(band["week"], band["q50"], color=COLOURS[0], lw=1.4, label=pick("预测中位数", "predictive median", lang))
        obs = observations[observations["metric"] == metric]
        ax.errorbar(obs["week"], obs["value"], yerr=obs["sd"].fillna(0), fmt="o", color="#222222", ms=4, capsize=3,
                    label=pick("观测值 ± 标准差", "observed ± sd", lang))
        ax.set_title(metric_label(metric, lang), fontsize=fs + 0.5)
        ax.set_xlabel(tr("week_axis", lang), fontsize=fs)
        _share_axis(ax, metric)
        ax.tick_params(labelsize=fs)
        ax.grid(alpha=0.25)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=len(names), fontsize=fs, frameon=False)
    return fig
