"""What a run records: every model reporter each week (or only those named in ``record``) and,
optionally, a declared sample of households.

``CoGovernanceModel(..., record=("satisfaction_mean", ...))`` computes and keeps only the named
reporters each week (the weekly table still starts with ``week``); their values are bit-identical to
those of a full run, since reporters only read the model's state. Runs that need a few metrics
(calibration) skip the rest of the collection's cost. Unknown names are refused before anything is
built (`recorded_reporters`).

The household sample (parameter ``household_sample``, default 0 = none) is recorded through Mesa's
agent reporters, so ``model.datacollector.get_agent_vars_dataframe()`` and ``mesa.batch_run`` see
it: one row per sampled household and week, ``AgentID`` = the household's index (its row in
``model.households``). The sample is systematic (evenly spaced over the street, so every community
and building type is covered) and draws no random numbers, so switching it on changes no result.

>>> from model.model import CoGovernanceModel
>>> m = CoGovernanceModel("baseline", seed=1, household_sample=3)
>>> m.run(2)
>>> m.datacollector.get_agent_vars_dataframe().shape
(9, 7)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mesa
import numpy as np

from agents.resident import Resident
from model.errors import UserError
from model.parameter_registry import suggest
from model.protocol import StreetModel
from model.reporters import REPORTERS
from model.weekly_record import WeeklyRecord

__all__ = ["HOUSEHOLD_REPORTERS", "HOUSEHOLD_INFO", "RunCollector", "household_sample", "recorded_reporters"]


# Module-level functions (not closures), so a model pickles. Each takes one household's Resident view.
def satisfaction(h: Resident) -> float:
    return float(h.model.households.satisfaction[h.index])


def active_last_month(h: Resident) -> bool:
    return bool(h.model.active_mask[h.index])


def trust_community(h: Resident) -> float:
    return float(h.model.households.trust_community[h.index])


def trust_property(h: Resident) -> float:
    return float(h.model.households.trust_property[h.index])


def grid(h: Resident) -> int:
    return int(h.model.layout.grid_of[h.index])


def owner(h: Resident) -> bool:
    return bool(h.model.households.owner[h.index])


def age_group(h: Resident) -> int:
    return int(h.model.households.age_group[h.index])


HOUSEHOLD_REPORTERS: dict[str, Any] = {f.__name__: f for f in (
    satisfaction, active_last_month, trust_community, trust_property, grid, owner, age_group)}

#: Household column -> (中文, English, unit).
HOUSEHOLD_INFO: dict[str, tuple[str, str, str]] = {
    "satisfaction": ("满意度", "Satisfaction", "0–1"),
    "active_last_month": ("近一月参与", "Took part in the last 4 weeks", "yes/no"),
    "trust_community": ("社区信任", "Trust in community", "0–1"),
    "trust_property": ("物业信任", "Trust in property firm", "0–1"),
    "grid": ("网格", "Grid (compound)", "index"),
    "owner": ("业主", "Owner (else renter)", "yes/no"),
    "age_group": ("年龄组", "Age group (0 youth, 1 working, 2 retired)", "code"),
}


def household_sample(n_households: int, size: int) -> np.ndarray:
    """Indices of `size` households evenly spaced over `n_households` (all of them if size ≥ n)."""
    size = min(int(size), n_households)
    if size <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.linspace(0, n_households - 1, size).round().astype(np.int64))


def recorded_reporters(record: Sequence[str] | None, where: str = "CoGovernanceModel"
                       ) -> dict[str, Callable[[Any], float]]:
    """The model reporters a run computes each week: all of them (``record`` None) or those named, in
    the order of `model.reporters.REPORTERS`. ``week`` may be named (every weekly table has it); any
    other name that is not a reporter, or a ``record`` without one, raises `UserError` on one line."""
    if record is None:
        return dict(REPORTERS)
    names = (record,) if isinstance(record, str) else tuple(record)
    for name in names:
        if name != "week" and (not isinstance(name, str) or name not in REPORTERS):
            hint = suggest(name, list(REPORTERS)) if isinstance(name, str) else ""
            raise UserError(f"{where}: record: unknown metric {name!r}{hint}; expected names of model "
                            "reporters (model.reporters.REPORTERS), e.g. 'satisfaction_mean'")
    wanted = set(names)
    if not wanted - {"week"}:
        raise UserError(f"{where}: record: {names!r} names no metric; expected at least one name of a model "
                        "reporter (model.reporters.REPORTERS), or record=None for all of them")
    return {name: reporter for name, reporter in REPORTERS.items() if name in wanted}


class RunCollector(mesa.DataCollector):
    """Mesa's DataCollector with the model reporters the run records (every one unless the model was
    given ``record``) and, when ``household_sample`` > 0, the household reporters over the sampled
    households only (Mesa would otherwise visit every agent).

    Each week `collect` keeps a snapshot of what the recorded reporters read (`model.weekly_record`);
    their values are computed for a chunk of weeks at once, when the chunk is full and whenever the
    table is read: `model_vars` (which ``get_model_vars_dataframe``, ``mesa.batch_run`` and the app
    read) and pickling first compute every waiting week, so a read mid-run sees every week so far."""

    def __init__(self, model: StreetModel, record: Sequence[str] | None = None) -> None:
        self._waiting: WeeklyRecord | None = None
        self.sample = household_sample(model.layout.n_households, model.p["household_sample"])
        super().__init__(model_reporters=recorded_reporters(record),
                         agent_reporters=dict(HOUSEHOLD_REPORTERS) if self.sample.size else None)
        self._waiting = WeeklyRecord(model, list(self.model_reporters))
        self._columns = list(self._model_vars.items())

    @property
    def model_vars(self) -> dict[str, list]:
        """Reporter name -> its weekly values so far (the waiting weeks computed first)."""
        self.flush()
        return self._model_vars

    @model_vars.setter
    def model_vars(self, value: dict[str, list]) -> None:
        self._model_vars = value

    def flush(self) -> None:
        """Compute the waiting weeks' values and append them to the table."""
        waiting = self._waiting
        if waiting is not None and waiting.pending:
            values = waiting.compute()
            for name, column in self._columns:
                column.extend(values[name])

    def collect(self, model: StreetModel) -> None:
        """Record this week: the model reporters' snapshot (their values are computed with the rest of
        the chunk) and the household sample."""
        if self._waiting.take(model):
            self.flush()
        if self.agent_reporters:
            self._agent_records[model.steps] = list(self._record_agents(model))

    def __getstate__(self) -> dict[str, Any]:
        self.flush()
        return self.__dict__

    def _record_agents(self, model: StreetModel):
        reporters = list(self.agent_reporters.values())
        views = [model.residents[int(i)] for i in self.sample]
        return [(model.steps, h.index, *(rep(h) for rep in reporters)) for h in views]
