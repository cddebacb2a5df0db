"""The parts of the weekly record (`model.weekly_record`) that read household arrays: the means of
satisfaction, trust, motivation, efficacy and aspiration and the points held (`HouseholdSums`, summed in
the week), and what needs every household's value (`Satisfaction`, `Activity`: kept in a buffer of
weeks, or read in place when a chunk is one week)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

import numpy as np

from model.protocol import StreetModel as M
from model.record_part import Part
from model.statistics import block_sums_by_row, counts_by_row, ginis_unit, morans_of_counts

__all__ = ["GROUP_NAMES", "Activity", "HouseholdArrays", "HouseholdSums", "Satisfaction"]

_sum = np.add.reduce
GROUP_NAMES = ("youth", "working", "retired", "owners", "renters")


class _Groups:
    """Indices of the households of each reported group (fixed for a run), and per-run constants.

    The five groups of the subgroup reporters (age groups 0, 1, 2, owners, renters) are laid end to end
    in `order`, so one gather gives every group's values as contiguous slices (`bounds`): a slice holds
    the same values in the same order as a gather of that group alone, so its mean has the same bits.
    `code` (age group·2 + owner) lets one count give the active households of every group."""

    def __init__(self, m: M) -> None:
        hh, lay = m.households, m.layout
        members = [*(np.flatnonzero(hh.age_group == g) for g in range(3)), np.flatnonzero(hh.owner),
                   np.flatnonzero(~hh.owner)]
        self.order = np.concatenate(members)
        ends = np.cumsum([len(g) for g in members]).tolist()
        self.bounds = list(zip([0, *ends[:-1]], ends, strict=True))
        self.code = hh.age_group.astype(np.intp) * 2 + hh.owner
        self.sizes = np.diff([0, *ends])
        sizes = np.bincount(lay.building_of, minlength=lay.n_buildings).astype(np.float64)
        self.moran_w_total = float((sizes * (sizes - 1)).sum())

    def shares(self, sums: np.ndarray) -> list[list[float]]:
        """Each group's column of (weeks, 5) `sums` over the group's size (NaN for an empty group)."""
        k = sums.shape[0]
        return np.divide(sums, self.sizes, out=np.full((k, 5), np.nan), where=self.sizes > 0).T.tolist()


#: Which of the six cells (age group·2 + owner) each reported group counts: ages 0, 1, 2, owners, renters.
_GROUPS_OF_CODE = np.array([[1, 0, 0, 0, 1], [1, 0, 0, 1, 0], [0, 1, 0, 0, 1], [0, 1, 0, 1, 0], [0, 0, 1, 0, 1],
                            [0, 0, 1, 1, 0]])


class HouseholdArrays(Part):
    """A part that reads household arrays: ``fields`` (attribute paths on the model, e.g.
    ``households.last_report``) needed by each name; kept in a (weeks, fields, households) buffer, or used
    in place when a chunk is one week."""

    fields_of: dict[str, tuple[str, ...]] = {}
    dtype: type = np.float64

    def __init__(self, m: M, wanted: Sequence[str], weeks: int) -> None:
        super().__init__(m, wanted, weeks)
        used = {f for name in self.wanted for f in self.fields_of[name]}
        self.fields = [f for f in dict.fromkeys(f for fs in self.fields_of.values() for f in fs) if f in used]
        self.index = {f: i for i, f in enumerate(self.fields)}
        self.n = m.layout.n_households
        self._get = attrgetter(*self.fields) if self.fields else None
        self._now: tuple[np.ndarray, ...] = ()
        self._buffer: np.ndarray | None = None

    def bytes_per_week(self, m: M) -> int:
        return len(self.fields) * self.n * np.dtype(self.dtype).itemsize

    def take(self, m: M, k: int) -> None:
        if not self.fields:
            return
        values = self._get(m)
        if len(self.fields) == 1:
            values = (values,)
        if self.weeks == 1:  # computed before the model moves on: no copy
            self._now = values
            return
        if self._buffer is None:
            self._buffer = np.empty((self.weeks, len(self.fields), self.n), dtype=self.dtype)
            self._rows = [row.reshape(-1) for row in self._buffer]
        np.concatenate(values, out=self._rows[k])

    def field(self, name: str, k: int) -> np.ndarray:
        """The (weeks, households) values of field `name` for weeks 0..k−1."""
        if self.weeks == 1:
            return self._now[self.index[name]][None, :]
        return self._buffer[:k, self.index[name]]

    def clear(self) -> None:
        self._now = ()

    def __getstate__(self) -> dict[str, Any]:
        # the row views would come back as copies: the buffer is made again when next needed
        return {**self.__dict__, "_buffer": None, "_rows": None}


class HouseholdSums(Part):
    """Means of the households' satisfaction, trust, motivation, efficacy and aspiration, and the points
    they hold: each array's sum is taken in the week. Those that are adjacent rows of `Households.attitudes`
    are summed by one reduction along the rows (each row summed as it is alone)."""

    fields_of = {"satisfaction_mean": "satisfaction", "trust_community_mean": "trust_community",
                 "trust_property_mean": "trust_property", "motivation_mean": "motivation", "efficacy_mean": "efficacy",
                 "aspiration_mean": "aspiration", "points_outstanding": "points"}
    names = tuple(fields_of)

    def __init__(self, m: M, wanted: Sequence[str], weeks: int) -> None:
        super().__init__(m, wanted, weeks)
        self.n = m.layout.n_households
        fields = [self.fields_of[name] for name in self.wanted]
        rows = getattr(m.households, "ATTITUDE_ROWS", ())
        block = sorted(rows.index(f) for f in fields if f in rows)
        self.block = slice(block[0], block[-1] + 1) if len(block) > 1 else None
        in_block = {rows[r] for r in block} if self.block else set()
        # where each field's weekly sum is kept: its row of the block's sums, or its column of the others'
        self.others = [f for f in fields if f not in in_block]
        self.where = {f: ("block", rows.index(f) - block[0]) if f in in_block else ("other", self.others.index(f))
                      for f in fields}
        self._get = attrgetter(*self.others) if self.others else None
        self._block_sums = np.empty((weeks, block[-1] + 1 - block[0])) if self.block else None
        self._other_sums = np.empty((weeks, len(self.others)))

    def take(self, m: M, k: int) -> None:
        hh = m.households
        if self.block is not None:
            _sum(hh.attitudes[self.block], axis=1, out=self._block_sums[k])
        if self._get is not None:
            values = self._get(hh)
            self._other_sums[k] = [_sum(values)] if len(self.others) == 1 else [_sum(v) for v in values]

    def compute(self, k: int) -> dict[str, list]:
        out = {}
        for name in self.wanted:
            kind, i = self.where[self.fields_of[name]]
            column = (self._block_sums if kind == "block" else self._other_sums)[:k, i]
            out[name] = (column if name == "points_outstanding" else column / self.n).tolist()
        return out


class Satisfaction(Part):
    """The share satisfied, the mean satisfaction of age groups and of owners and renters, its spread
    across compounds and its inequality. Each week keeps the households' satisfaction (a row copy, or the
    model's array itself when a chunk is one week). Each group's values are gathered in the order of a
    gather of that group alone (`_Groups.order`: the age groups, then owners and renters), one group at a
    time into one buffer the size of the chunk (which stays in cache on a large street), and summed; the
    compounds are summed left to right, as ``np.bincount`` adds them."""

    names = ("satisfied_share", *(f"satisfaction_{g}" for g in GROUP_NAMES), "satisfaction_grid_sd",
             "satisfaction_gini")

    def __init__(self, m: M, wanted: Sequence[str], weeks: int) -> None:
        super().__init__(m, wanted, weeks)
        self.threshold = m.p["satisfied_threshold"]
        self.layout = lay = m.layout
        self.n = n = lay.n_households
        self.groups = _Groups(m)
        assert self.groups.bounds[2][1] == n, "the age groups hold every household once"
        self.by_group = any(name in self.wanted for name in self.names[1:6])
        self._values: np.ndarray | None = None
        self._gathered: np.ndarray | None = None

    def bytes_per_week(self, m: M) -> int:
        return self.n * 8 if self.wanted else 0

    def take(self, m: M, k: int) -> None:
        s = m.households.satisfaction
        if self.weeks == 1:  # computed before the model moves on: the array itself (a large street)
            self._values = s[None, :]
            return
        if self._values is None:
            self._values = np.empty((self.weeks, self.n))
        self._values[k] = s

    def compute(self, k: int) -> dict[str, list]:
        out: dict[str, list] = {}
        n, wanted, lay = self.n, self.wanted, self.layout
        values = self._values[:k]  # (weeks, households)
        if "satisfied_share" in wanted:
            out["satisfied_share"] = (counts_by_row(values >= self.threshold) / n).tolist()
        if "satisfaction_grid_sd" in wanted:  # the compounds' sums as `StreetLayout.per_grid` adds them
            by_grid = block_sums_by_row(values, lay.n_grids, lay.households_per_grid)
            by_grid /= lay.households_per_grid
            deviation = by_grid - (_sum(by_grid, axis=1) / lay.n_grids)[:, None]  # ndarray.std() bit for bit
            deviation *= deviation
            out["satisfaction_grid_sd"] = np.sqrt(_sum(deviation, axis=1) / lay.n_grids).tolist()
        if "satisfaction_gini" in wanted:
            out["satisfaction_gini"] = ginis_unit(values).tolist()  # satisfaction is clipped to [0, 1] every week
        if self.by_group:  # each group gathered in turn into one buffer (at most the street), then summed
            if self._gathered is None:
                self._gathered = np.empty(self.weeks * n)
            sums = np.empty((k, len(self.groups.bounds)))
            for g, (a, b) in enumerate(self.groups.bounds):
                part = self._gathered[: k * (b - a)].reshape(k, b - a)
                values.take(self.groups.order[a:b], axis=1, out=part, mode="wrap")  # valid indices: the cheapest
                _sum(part, axis=1, out=sums[:, g])
            out.update(zip((f"satisfaction_{g}" for g in GROUP_NAMES), self.groups.shares(sums), strict=True))
        return {name: out[name] for name in wanted}

    def clear(self) -> None:
        if self.weeks == 1:
            self._values = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_values": None, "_gathered": None}  # made again when next needed


class Activity(HouseholdArrays):
    """Who took part, volunteered or reported lately: from the week each household last did so (the model's
    `last_active`, the later of volunteering and deliberation, which `observe` keeps with `active_mask`).

    The active households of each week are counted once by cell (age group·2 + owner) and building, one
    bincount: the counts by building give Moran's I, by cell the groups' shares, in all the share active."""

    names = ("participation_monthly", "participation_annual", "volunteer_share_annual", "reporting_share_month",
             *(f"participation_{g}" for g in GROUP_NAMES), "participation_morans_i")
    fields_of = {**dict.fromkeys(names, ("last_active",)), "volunteer_share_annual": ("households.last_volunteer",),
                 "reporting_share_month": ("households.last_report",)}
    dtype = np.int32
    #: name -> (field, weeks): the share of households whose last week of it is within the last `weeks`
    within = {"participation_annual": ("last_active", 52), "volunteer_share_annual": ("households.last_volunteer", 52),
              "reporting_share_month": ("households.last_report", 4)}

    def __init__(self, m: M, wanted: Sequence[str], weeks: int) -> None:
        super().__init__(m, wanted, weeks)
        if self.weeks == 1 and "participation_annual" not in self.wanted:
            self.fields = [f for f in self.fields if f != "last_active"]  # one week: the mask is the model's
            self.index = {f: i for i, f in enumerate(self.fields)}
            self._get = attrgetter(*self.fields) if self.fields else None
        self.layout = lay = m.layout
        self.by_group = any(f"participation_{g}" in self.wanted for g in GROUP_NAMES)
        self.by_building = "participation_morans_i" in self.wanted
        self.by_cell = self.by_group or self.by_building
        if self.by_cell:
            self.groups = _Groups(m)
            # each household's cell and building, counted in week w's block of (6, buildings or 1) counts
            self.buildings = lay.n_buildings if self.by_building else 1
            self.per_week = 6 * self.buildings
            code = self.groups.code * self.buildings + (lay.building_of if self.by_building else 0)
            self._codes = (code + self.per_week * np.arange(weeks)[:, None]).reshape(-1).astype(
                np.min_scalar_type(self.per_week * weeks - 1))
        self._active_now: np.ndarray | None = None
        self.week: list[int] = []

    def take(self, m: M, k: int) -> None:
        super().take(m, k)
        self.week.append(m.week)
        if self.weeks == 1:  # the model's own mask of those active in the last 4 weeks (`observe` made it)
            self._active_now = m.active_mask

    def clear(self) -> None:
        super().clear()
        self.week = []
        self._active_now = None

    def compute(self, k: int) -> dict[str, list]:
        out: dict[str, list] = {}
        n, wanted = self.n, self.wanted
        # each week's number, for its row (one week: a number, which numpy compares with faster)
        since = self.week[0] if k == 1 else np.array(self.week[:k], dtype=self.dtype)[:, None]
        for name, (field, weeks) in self.within.items():
            if name in wanted:
                out[name] = (counts_by_row(self.field(field, k) > since - weeks) / n).tolist()
        if not set(wanted) - set(self.within):
            return out
        # the model's active_mask of each week (one week: the mask itself)
        active = self._active_now[None, :] if self.weeks == 1 else self.field("last_active", k) > since - 4
        if not self.by_cell:
            out["participation_monthly"] = (counts_by_row(active) / n).tolist()
            return out
        cells = np.bincount(self._codes[: k * n].compress(active.reshape(-1)), minlength=k * self.per_week)
        cells = cells.reshape(k, 6, self.buildings)  # whole numbers: exact sums in any order
        by_cell = _sum(cells, axis=2)
        if "participation_monthly" in wanted:
            out["participation_monthly"] = (_sum(by_cell, axis=1) / n).tolist()
        if self.by_building:
            counts = _sum(cells, axis=1, dtype=np.float64)
            lay = self.layout
            out["participation_morans_i"] = morans_of_counts(counts, n, lay.households_per_building,
                                                             self.groups.moran_w_total)
        if self.by_group:
            shares = self.groups.shares(by_cell @ _GROUPS_OF_CODE)  # whole numbers: each group's mean
            out.update(zip((f"participation_{g}" for g in GROUP_NAMES), shares, strict=True))
        return {name: out[name] for name in wanted}
