"""What the reporters read, kept for a few weeks, and their values computed for those weeks at once.

Each week `RunCollector.collect` takes a snapshot of the few things the recorded reporters read (the
household arrays they average, the issue statuses they count, the scalars they copy) into buffers made
once per run; when the buffers are full, or whenever anyone reads the table (`RunCollector.model_vars`),
every reporter is computed for all the waiting weeks with one numpy call per statistic (a row per week,
reduced along the row) instead of one call per statistic and week. Each row gets the bits the statistic
gives that week alone: reductions along a row sum it as the row alone is summed, counts are exact, and a
part's sums of whole numbers are exact in any order.

A reporter called on its own (`model.reporters.REPORTERS`) is the same computation for one week (`alone`),
so there is one definition of each metric. The parts (`model.record_part.Part`): `HouseholdSums` (means of
satisfaction, trust, motivation, efficacy, aspiration; points), `Satisfaction` (share, groups, spread, Gini),
`Activity` (participation, volunteering, reporting) in `model.household_record`; `IssueCounts`,
`ResolutionTimes`, `Firms`, `Arrays` (quality by domain, the hotline log, project budgets) and `Scalars`
(values the model keeps as numbers) in `model.street_record`.

The household snapshots take at most `CHUNK_BYTES` (the chunk of weeks shrinks as the street grows); a
street so large that one week does not fit is computed each week from the model's own arrays, uncopied.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from model.household_record import Activity, HouseholdArrays, HouseholdSums, Satisfaction
from model.protocol import StreetModel as M
from model.record_part import Part
from model.street_record import Arrays, Firms, IssueCounts, ResolutionTimes, Scalars

__all__ = ["CHUNK_BYTES", "MAX_WEEKS", "PARTS", "PART_OF", "HouseholdArrays", "WeeklyRecord", "alone"]

#: Bytes the household snapshots of one chunk of weeks may take (a chunk is at most `MAX_WEEKS` weeks).
CHUNK_BYTES = 1 << 20
MAX_WEEKS = 52

PARTS: tuple[type[Part], ...] = (HouseholdSums, Satisfaction, Activity, IssueCounts, ResolutionTimes, Firms, Arrays, Scalars)
PART_OF: dict[str, type[Part]] = {name: part for part in PARTS for name in part.names}


class WeeklyRecord:
    """The snapshots of the weeks not yet computed, for the reporters `names`, a chunk of at most
    `weeks` weeks (by default as many as `CHUNK_BYTES` allows, up to `MAX_WEEKS`)."""

    def __init__(self, m: M, names: Sequence[str], weeks: int | None = None) -> None:
        wanted = set(names)
        used = [part for part in PARTS if wanted & set(part.names)]
        if weeks is None:
            probe = [part(m, names, 2) for part in used]
            per_week = sum(p.bytes_per_week(m) for p in probe)
            weeks = max(1, min(MAX_WEEKS, CHUNK_BYTES // per_week if per_week else MAX_WEEKS))
        self.weeks = weeks
        self.parts = [part(m, names, weeks) for part in used]
        self.pending = 0

    def __getstate__(self) -> dict[str, Any]:
        if self.pending:
            raise RuntimeError("WeeklyRecord pickled with weeks not computed (RunCollector computes them first)")
        return self.__dict__

    def take(self, m: M) -> bool:
        """Keep this week's snapshot; True when the chunk is full (compute it before the next week)."""
        k = self.pending
        for part in self.parts:
            part.take(m, k)
        self.pending = k + 1
        return self.pending == self.weeks

    def compute(self) -> dict[str, list]:
        """Every recorded reporter's values for the waiting weeks, in order; then forget those weeks."""
        k, out = self.pending, {}
        if k:
            for part in self.parts:
                out.update(part.compute(k))
                part.clear()
        self.pending = 0
        return out


def alone(m: M, name: str) -> Any:
    """Reporter `name`'s value now: its part computed for this one week."""
    part = PART_OF[name](m, (name,), 1)
    part.take(m, 0)
    return part.compute(1)[name][0]
