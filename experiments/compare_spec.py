"""What a comparison is and which metrics it reports: the spec shared by the runner
(`experiments.compare`), its plots and its report.

>>> from experiments.compare_spec import metric_info
>>> metric_info("satisfaction_mean")[2] != "" or True
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.reporters import METRIC_INFO, WEEKLY_FLOWS

if TYPE_CHECKING:
    from scenarios import Scenario

__all__ = ["CompareSpec", "metric_info", "KEY_METRICS", "GROUP_METRICS", "FLOW_METRICS", "WINDOW_WEEKS"]

#: Per-week event counts and per-week averages: a single week is noisy (and monthly events are 0 in
#: three weeks out of four), so their value "at week w" is the mean over the 4 weeks ending at w.
#: Every other metric is a level (or a running total) read at week w.
WINDOW_WEEKS = 4
FLOW_METRICS = WEEKLY_FLOWS

#: Metrics the report tabulates (docs/specification.md §9); cost_per_household is derived here.
KEY_METRICS = (
    "satisfaction_mean", "satisfied_share", "participation_monthly", "volunteer_hours_per_100",
    "resolution_weeks_mean", "cross_resolution_weeks_mean", "buck_passing_events", "issues_open",
    "fee_collection_rate", "firm_quality_mean", "trust_community_mean", "trust_property_mean",
    "cost_per_household",
)
#: Breakdown by age group and tenure: (group label, satisfaction metric, participation metric).
GROUP_METRICS = (
    ("young", "satisfaction_youth", "participation_youth"),
    ("working-age", "satisfaction_working", "participation_working"),
    ("retired", "satisfaction_retired", "participation_retired"),
    ("owners", "satisfaction_owners", "participation_owners"),
    ("renters", "satisfaction_renters", "participation_renters"),
)

def metric_info(metric: str) -> tuple[str, str, str]:
    """(中文, English, unit) of a metric, from `model.reporters.METRIC_INFO`."""
    if metric in METRIC_INFO:
        return METRIC_INFO[metric]
    return (metric, metric.replace("_", " "), "")


@dataclass
class CompareSpec:
    """A validated comparison: what to run and where to write it."""

    scenarios: list[Scenario]  # in the order given; the reference is one of them
    inputs: list[str]  # what workers load (a name, or an absolute path to a .toml)
    reference: str
    reps: int
    weeks: int
    seed: int
    jobs: int | None
    out: Path
    seeds: list[int] = field(default_factory=list)
    #: per scenario, the parameters its runs override on top of what `inputs` loads (``--set``,
    #: ``NAME:PARAM=VALUE``, or every parameter of a scenario built in Python); empty = none
    overrides: list[dict[str, object]] = field(default_factory=list)
    #: the ``--set`` values (already inside `overrides`), for the report's command line
    common: dict[str, object] = field(default_factory=dict)
    posterior: Any = None  # a scenarios.posterior.Posterior (compare --posterior), else None
    draws: list[dict[str, Any]] = field(default_factory=list)  # replicate r's parameter set: posterior.draw(r)

    @property
    def names(self) -> list[str]:
        """Scenario names, in the order given."""
        return [s.name for s in self.scenarios]
