"""One run of a scenario, what every experiment is made of: a scenario (by name, file or loaded, from
`scenarios`, with an optional calibration posterior from `scenarios.posterior`) joined to the model
(`model.model`). It sits above both, so neither imports the other for it. What its outputs are
written with lives in `storage.outputs`.

>>> from experiments.one_run import run_scenario
>>> df = run_scenario("baseline", seed=1, weeks=4)
>>> list(df["week"])
[0, 1, 2, 3, 4]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from model.errors import UserError
from model.model import CoGovernanceModel
from scenarios import as_scenario
from scenarios.posterior import load_posterior, not_applied

__all__ = ["run_scenario", "run_model", "SUMMARY_WEEKS", "summary_table"]

SUMMARY_WEEKS = (0, 52, 104, 156)
SUMMARY_METRICS = (
    ("satisfaction_mean", "satisfaction 满意度"),
    ("satisfied_share", "share satisfied 满意率"),
    ("participation_monthly", "monthly participation 月参与率"),
    ("issues_open", "open issues 待办诉求"),
    ("issues_resolved", "resolved (cum.) 累计办结"),
    ("resolution_weeks_mean", "weeks to resolve 办结周数"),
    ("fee_collection_rate", "fee collection 收缴率"),
)


def run_model(scenario: Any = "baseline", seed: int = 1, weeks: int | None = None,
              overrides: dict[str, Any] | None = None):
    """Build and run a model; returns it (call ``model.remove()`` when done with it)."""
    model = CoGovernanceModel(scenario, seed=seed, **(overrides or {}))
    model.run(weeks)
    return model


def run_scenario(scenario: Any = "baseline", seed: int = 1, weeks: int | None = None,
                 overrides: dict[str, Any] | None = None, posterior: Any = None,
                 draw: int | None = None, record: Sequence[str] | None = None) -> pd.DataFrame:
    """Run one scenario and return its weekly table: a `week` column plus every metric, or only the
    metrics named in ``record`` (computed alone, so faster; their values are bit-identical to a full
    run's; see `model.collection`).

    ``posterior`` (a folder written by ``run.py calibrate``, or a loaded `scenarios.posterior.Posterior`)
    with ``draw=k`` runs under the k-th parameter set drawn from it (by weight, deterministic in k);
    ``overrides`` still win over the drawn values, and drawn parameters of a mechanism the scenario does
    not switch on are left out (they would have no effect).

    A pure function of its arguments: the same arguments give a bit-identical frame. The model is
    released afterwards, so thousands of calls in one process don't accumulate memory.
    """
    if posterior is not None:
        drawn = load_posterior(posterior, flag="posterior").draw(0 if draw is None else draw)
        idle = not_applied(drawn, {**as_scenario(scenario).params, **(overrides or {})})
        overrides = {**{n: v for n, v in drawn.items() if n not in idle}, **(overrides or {})}
    elif draw is not None:
        raise UserError(f"draw={draw}: a posterior draw needs posterior=DIR (a calibration's output folder)")
    model = CoGovernanceModel(scenario, seed=seed, record=record, **(overrides or {}))
    try:  # released even when the run raises, so a failing run in a sweep worker leaks nothing
        model.run(weeks)
        frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.insert(0, "week", range(len(frame)))
        return frame
    finally:
        model.remove()



def summary_table(frame: pd.DataFrame) -> str:
    """Satisfaction, participation, issues and fee collection at weeks 0, 52, 104, 156 (those run)."""
    weeks = [w for w in SUMMARY_WEEKS if w < len(frame)]
    if weeks[-1] != len(frame) - 1:
        weeks.append(len(frame) - 1)
    header = f"{'metric':34s}" + "".join(f"{'week ' + str(w):>11s}" for w in weeks)
    lines = [header, "-" * len(header)]
    for metric, label in SUMMARY_METRICS:
        cells = []
        for w in weeks:
            v = frame.loc[w, metric]
            cells.append(f"{'—':>11s}" if pd.isna(v) else f"{v:11.3f}" if abs(v) < 100 else f"{v:11.0f}")
        lines.append(f"{label:34s}" + "".join(cells))
    return "\n".join(lines)
