"""The parts of the weekly record (`model.weekly_record`) that read the street's issues, firms, small
arrays and counters: `IssueCounts`, `ResolutionTimes`, `Firms`, `Arrays` (quality by domain, the hotline
log, project budgets) and `Scalars` (values the model keeps as numbers)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import attrgetter

import numpy as np

from model.domains import DOMAINS
from model.issues import LATENT, OPEN
from model.protocol import StreetModel as M
from model.record_part import Part
from model.statistics import mean, means_of_parts, percentile_linear, percentiles_of_parts

__all__ = ["Arrays", "Firms", "IssueCounts", "ResolutionTimes", "Scalars"]

_sum = np.add.reduce


class IssueCounts(Part):
    """Latent, open and open cross-boundary issues now (`IssueTable.count`'s counts)."""

    names = ("issues_latent", "issues_open", "cross_issues_open")

    def __init__(self, m: M, wanted: Sequence[str], weeks: int) -> None:
        super().__init__(m, wanted, weeks)
        self.clear()

    def take(self, m: M, k: int) -> None:
        iss = m.issues
        a = iss.active
        self.status.append(iss.status.take(a))
        self.cross.append(iss.cross.take(a))

    def clear(self) -> None:
        self.status: list[np.ndarray] = []
        self.cross: list[np.ndarray] = []

    def compute(self, k: int) -> dict[str, list]:
        if k == 1:  # one week (a large street): counted directly, without the labels
            status, cross = self.status[0], self.cross[0]
            is_open = status == OPEN
            values = {"issues_latent": [int(np.count_nonzero(status == LATENT))],
                      "issues_open": [int(np.count_nonzero(is_open))],
                      "cross_issues_open": [int(np.count_nonzero(is_open & cross))]}
            return {name: values[name] for name in self.wanted}
        lengths = np.fromiter(map(len, self.status), dtype=np.intp, count=k)
        code = np.concatenate(self.status).astype(np.intp)  # LATENT 0, OPEN 1, closed 2 and 3
        code += 4 * np.concatenate(self.cross)
        code += np.repeat(8 * np.arange(k), lengths)
        cells = np.bincount(code, minlength=8 * k).reshape(k, 8)
        counts = {"issues_latent": cells[:, LATENT] + cells[:, 4 + LATENT],
                  "issues_open": cells[:, OPEN] + cells[:, 4 + OPEN], "cross_issues_open": cells[:, 4 + OPEN]}
        return {name: counts[name].tolist() for name in self.wanted}


class ResolutionTimes(Part):
    """Weeks from creation to resolution of the issues resolved this week (mean, P90; cross-boundary mean).
    The model replaces `resolution_weeks` each week (never writes into it), so the week's array is kept
    as it is."""

    names = ("resolution_weeks_mean", "resolution_weeks_p90", "cross_resolution_weeks_mean")

    def __init__(self, m: M, wanted: Sequence[str], weeks: int) -> None:
        super().__init__(m, wanted, weeks)
        self.clear()

    def take(self, m: M, k: int) -> None:
        self.all.append(m.resolution_weeks)
        self.cross.append(m.cross_resolution_weeks)

    def clear(self) -> None:
        self.all: list[np.ndarray] = []
        self.cross: list[np.ndarray] = []

    @staticmethod
    def _joined(parts: list[np.ndarray], k: int) -> tuple[np.ndarray, np.ndarray, bool]:
        values = np.concatenate(parts)
        whole = not np.count_nonzero(np.remainder(values, 1.0))  # then sums are exact in any order
        return values, np.fromiter(map(len, parts), dtype=np.intp, count=k), whole

    def compute(self, k: int) -> dict[str, list]:
        if k == 1:  # one week (a large street): its statistics as they are defined
            (x,), (cross,) = self.all, self.cross
            values = {"resolution_weeks_mean": [mean(x)], "cross_resolution_weeks_mean": [mean(cross)],
                      "resolution_weeks_p90": [percentile_linear(x, 90) if x.size else math.nan]}
            return {name: values[name] for name in self.wanted}
        out: dict[str, list] = {}
        values, lengths, whole = self._joined(self.all, k)
        if "resolution_weeks_mean" in self.wanted:
            out["resolution_weeks_mean"] = (means_of_parts(values, lengths).tolist() if whole
                                            else [mean(x) for x in self.all])
        if "resolution_weeks_p90" in self.wanted:
            out["resolution_weeks_p90"] = percentiles_of_parts(values, lengths, 90).tolist() if whole else [
                percentile_linear(x, 90) if x.size else math.nan for x in self.all]
        if "cross_resolution_weeks_mean" in self.wanted:
            values, lengths, whole = self._joined(self.cross, k)
            out["cross_resolution_weeks_mean"] = (means_of_parts(values, lengths).tolist() if whole
                                                  else [mean(x) for x in self.cross])
        return out


class Firms(Part):
    """Property firms present, their mean quality, and those with negative cash."""

    names = ("firm_quality_mean", "firms_present", "firms_in_loss")
    def __init__(self, m: M, wanted: Sequence[str], weeks: int) -> None:
        super().__init__(m, wanted, weeks)
        self.clear()

    def take(self, m: M, k: int) -> None:
        present = [f for f in m.firms if f.present]
        self.quality.append([f.quality for f in present])
        self.in_loss.append(sum(1 for f in present if f.cash < 0))

    def clear(self) -> None:
        self.quality: list[list[float]] = []
        self.in_loss: list[int] = []

    def compute(self, k: int) -> dict[str, list]:
        values = {"firms_present": [len(q) for q in self.quality], "firms_in_loss": list(self.in_loss)}
        if "firm_quality_mean" in self.wanted:
            means = [math.nan] * k
            for c in set(values["firms_present"]) - {0}:  # weeks with as many firms present: a row each
                weeks = [w for w, q in enumerate(self.quality) if len(q) == c]
                sums = _sum(np.array([self.quality[w] for w in weeks]), axis=1)  # each row as it sums alone
                for w, total in zip(weeks, sums.tolist(), strict=True):
                    means[w] = total / c
            values["firm_quality_mean"] = means
        return {name: values[name] for name in self.wanted}


class Arrays(Part):
    """Small model arrays of a fixed shape: quality by compound and domain, the hotline log of the last
    four weeks, the communities' project budgets."""

    quality = tuple(f"quality_{d}" for d in DOMAINS)
    hotline = ("hotline_resolution_rate", "hotline_satisfaction_rate", "ontime_closure_rate")
    names = (*hotline, "project_budget_left", *quality)

    def __init__(self, m: M, wanted: Sequence[str], weeks: int) -> None:
        super().__init__(m, wanted, weeks)
        sources = {"quality": self.quality, "hotline_log": self.hotline, "projects.budget": ("project_budget_left",)}
        self.sources = [(attrgetter(path), path) for path, names in sources.items() if set(names) & set(self.wanted)]
        self.buffers = {path: np.empty((weeks, *np.shape(get(m)))) for get, path in self.sources}

    def take(self, m: M, k: int) -> None:
        for get, path in self.sources:
            self.buffers[path][k] = get(m)

    def compute(self, k: int) -> dict[str, list]:
        out: dict[str, list] = {}
        if "quality" in self.buffers:
            q = self.buffers["quality"][:k]  # each domain's column as a row: summed as q[:, d].mean() sums it
            means = _sum(np.ascontiguousarray(q.transpose(0, 2, 1)), axis=2) / q.shape[1]
            out.update(zip(self.quality, means.T.tolist(), strict=True))
        if "hotline_log" in self.buffers:
            sums = _sum(self.buffers["hotline_log"][:k], axis=1)  # the 4 weeks one after the other
            closed = sums[:, :1]
            rates = np.divide(sums[:, 1:], closed, out=np.full((k, 3), np.nan), where=closed != 0)
            out.update(zip(self.hotline, rates.T.tolist(), strict=True))
        if "projects.budget" in self.buffers:
            out["project_budget_left"] = _sum(self.buffers["projects.budget"][:k], axis=1).tolist()
        return {name: out[name] for name in self.wanted}


class Scalars(Part):
    """Values the model keeps as numbers (this week's flows and the run's counters), copied each week."""

    #: name -> (attribute path on the model, whether it counts, and None or the number of households the
    #: value is given per: it is divided by the number of households and multiplied by that)
    sources: dict[str, tuple[str, bool, float | None]] = {
        "survey_satisfied_share": ("survey_share", False, None),
        "survey_satisfied_se": ("survey_se", False, None),
        "volunteer_hours_per_100": ("volunteer_hours_week", False, 100.0),
        "deliberation_attendance": ("deliberation_attendees_week", False, 1.0),
        "reporting_rate": ("issues.week_events.reported", False, 100.0),
        "volunteer_slots": ("slots_week", False, None),
        "issues_created": ("issues.created_total", True, None),
        "issues_new": ("issues.week_events.new", True, None),
        "issues_resolved": ("issues.resolved_total", True, None),
        "issues_expired": ("issues.expired_total", True, None),
        "resolved_this_week": ("issues.week_events.n_resolved", True, None),
        "buck_passing_events": ("issues.week_events.passes", True, None),
        "buck_passing_hours": ("issues.week_events.pass_hours", False, None),
        "escalations": ("issues.week_events.escalations", True, None),
        "issues_discovered": ("issues.week_events.discovered", True, None),
        "fee_collection_rate": ("collection_rate", False, None),
        "firm_exits": ("firm_exits", True, None),
        "firm_replacements": ("firm_replacements", True, None),
        "points_issued": ("points_issued_week", False, None),
        "points_redeemed": ("points_redeemed_week", False, None),
        "mechanism_cost": ("mechanism_cost_week", False, None),
        "mechanism_cost_total": ("mechanism_cost_total", False, None),
        "project_spend_total": ("projects.spend_total", False, None),
        "projects_completed": ("projects.completed", True, None),
        "projects_active": ("projects.active", True, None),  # a list: its length
    }
    names = tuple(sources)

    def __init__(self, m: M, wanted: Sequence[str], weeks: int) -> None:
        super().__init__(m, wanted, weeks)
        self.n = m.layout.n_households
        self.count_active = "projects_active" in self.wanted
        paths = [self.sources[name][0] for name in self.wanted if name != "projects_active"]
        self._get = attrgetter(*paths) if paths else None
        self._single = len(paths) == 1
        self.clear()

    def take(self, m: M, k: int) -> None:
        if self._get is not None:
            self.rows.append(self._get(m))
        if self.count_active:
            self.active.append(len(m.projects.active))

    def clear(self) -> None:
        self.rows: list = []
        self.active: list[int] = []

    def compute(self, k: int) -> dict[str, list]:
        columns = iter(([list(self.rows)] if self._single else zip(*self.rows, strict=True)) if self._get else ())
        out: dict[str, list] = {}
        for name in self.wanted:
            if name == "projects_active":
                out[name] = list(self.active)
                continue
            _, count, scale = self.sources[name]
            column = next(columns)
            if count:
                out[name] = [int(v) for v in column]
            elif scale is None:
                out[name] = [float(v) for v in column]
            elif scale == 1.0:  # per household, as the reporter computes it
                out[name] = [float(v / self.n) for v in column]
            else:  # per `scale` households
                out[name] = [float(v / self.n * scale) for v in column]
        return out
