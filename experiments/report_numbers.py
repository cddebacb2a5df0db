"""How the comparison's report writes numbers and verdicts: one format per unit (`fmt_value`,
`fmt_diff`), a level or a paired difference with its interval, a measure's name with its unit and
threshold, and plain words for a difference (`verdict`), in English or 中文.

>>> from experiments.report_numbers import fmt_value
>>> fmt_value(0.1234, "share")
'12.3 %'
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["HIGHER_IS_BETTER", "LOWER_IS_BETTER", "VERDICT_ZH", "is_missing", "fmt_value", "fmt_diff", "verdict",
           "interval_span", "level_text", "diff_text", "unit_label", "metric_label", "metric_name"]


HIGHER_IS_BETTER = frozenset({
    "satisfaction_mean", "satisfied_share", "survey_satisfied_share", "participation_monthly",
    "satisfaction_youth", "satisfaction_working", "satisfaction_retired", "satisfaction_owners",
    "satisfaction_renters", "participation_youth", "participation_working", "participation_retired",
    "participation_owners", "participation_renters", "volunteer_hours_per_100", "deliberation_attendance",
    "fee_collection_rate", "firm_quality_mean", "trust_community_mean", "trust_property_mean",
    "motivation_mean", "efficacy_mean",
})
LOWER_IS_BETTER = frozenset({
    "resolution_weeks_mean", "resolution_weeks_p90", "cross_resolution_weeks_mean", "buck_passing_events",
    "issues_open", "escalations", "satisfaction_gini", "satisfaction_grid_sd", "firms_in_loss", "firm_exits",
})


def is_missing(v: Any) -> bool:
    """No value: None or NaN."""
    return v is None or (isinstance(v, float) and math.isnan(v))


def fmt_value(v: float, unit: str, signed: bool = False) -> str:
    """A level in its unit's one format (never depending on the size of the number): shares as per
    cent with one decimal, 0–1 scales and indices with three decimals, weeks with one, money in whole
    yuan, counts and rates with one decimal. With `signed`, a difference: a leading sign, and shares
    in percentage points.

    >>> fmt_value(0.5, "share"), fmt_value(-48.654, "issues", signed=True), fmt_value(1234.5, "yuan")
    ('50.0 %', '-48.7', '1,234')
    """
    if is_missing(v):
        return "—"
    sign = "+" if signed else ""
    if unit == "share":
        return f"{100 * v:{sign}.1f} " + ("pp" if signed else "%")
    if unit.startswith("yuan"):
        return f"{v:{sign},.0f}"
    if unit in ("0–1", "index"):
        return f"{v:{sign}.3f}"
    return f"{v:{sign},.1f}"


def fmt_diff(v: float, unit: str) -> str:
    """A difference with its sign; shares in percentage points."""
    return fmt_value(v, unit, signed=True)


VERDICT_ZH = {
    "not measured": "未测得", "no interval": "无区间", "identical": "完全相同", "no clear difference": "无明显差异",
    "higher": "更高", "lower": "更低", " (better)": "（更好）", " (worse)": "（更差）",
}


def verdict(metric: str, diff: float, low: float, high: float, lang: str = "en") -> str:
    """Plain words for a paired difference and its 95 % interval (``lang`` "en" or "zh")."""
    if is_missing(diff):
        words = ["not measured"]
    elif is_missing(low):
        words = ["no interval"]
    elif low == high == diff == 0.0:
        words = ["identical"]
    elif low <= 0.0 <= high:
        words = ["no clear difference"]
    else:
        up = low > 0.0
        words = ["higher" if up else "lower"]
        if metric in HIGHER_IS_BETTER:
            words.append(" (better)" if up else " (worse)")
        elif metric in LOWER_IS_BETTER:
            words.append(" (worse)" if up else " (better)")
    return "".join(VERDICT_ZH[w] if lang == "zh" else w for w in words)


def interval_span(low: str, high: str, lang: str) -> str:
    """“low to high” (“low 至 high”)."""
    return f"{low} 至 {high}" if lang == "zh" else f"{low} to {high}"


def level_text(r: Any, lang: str = "en") -> str:
    """Mean (interval); an interval of zero width (e.g. no cost in the reference) is left out."""
    u = r["unit"]
    if not is_missing(r["ci_low"]) and r["ci_low"] == r["ci_high"]:
        return fmt_value(r["mean"], u)
    return f"{fmt_value(r['mean'], u)} ({interval_span(fmt_value(r['ci_low'], u), fmt_value(r['ci_high'], u), lang)})"


def diff_text(r: Any, lang: str = "en") -> str:
    """A paired difference (interval), as `level_text` does a level."""
    u = r["unit"]
    if not is_missing(r["diff_ci_low"]) and r["diff_ci_low"] == r["diff_ci_high"]:
        return fmt_diff(r["diff"], u)
    return f"{fmt_diff(r['diff'], u)} ({interval_span(fmt_diff(r['diff_ci_low'], u), fmt_diff(r['diff_ci_high'], u), lang)})"


def unit_label(unit: str, lang: str = "en") -> str:
    """How a unit is shown next to a measure's name: shares in %, 0–1 scales named as such."""
    from model.units import unit_text

    if unit == "share":
        return "%"
    if unit == "0–1":
        return "0–1 分值" if lang == "zh" else "0–1 scale"
    return unit_text(unit, lang) if unit else ""


def metric_label(metric: str, zh: str, en: str, unit: str, lang: str = "en",
                 params: dict[str, Any] | None = None) -> str:
    """A measure's name in `lang` with its unit and, for thresholded shares, the threshold."""
    name = zh if lang == "zh" else en
    if metric == "satisfied_share":
        threshold = (params or {}).get("satisfied_threshold", 0.6)
        name += f"（满意度 ≥ {threshold:g}）" if lang == "zh" else f" (satisfaction ≥ {threshold:g})"
    shown = unit_label(unit, lang)
    return f"{name}, {shown}" if shown else name


def metric_name(r: Any, lang: str = "en", params: dict[str, Any] | None = None) -> str:
    """The `metric_label` of a summary row."""
    return metric_label(r.name[1] if isinstance(r.name, tuple) else "", r["metric_zh"], r["metric_en"],
                        r["unit"], lang, params)
