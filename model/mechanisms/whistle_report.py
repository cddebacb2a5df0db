"""街道吹哨、部门报到: overdue and out-of-authority issues are whistled up to departments that report with hours."""

from __future__ import annotations

import numpy as np

from model.arrays import ONE, constant, count_nonzero
from model.domains import INFRASTRUCTURE
from model.mechanisms.base import Mechanism, MechParam, oldest_within, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel

#: From this many open issues on, the whistle first looks among the oldest weeks' issues only (at the
#: default size, ~900 open issues of which it takes ~12, that gathers and sorts a few dozen, not all).
_WINDOW_FROM = 256


@register
class WhistleReport(Mechanism):
    """The street "blows the whistle" and departments "report" (吹哨报到) with `priority_hours`
    per 1,000 households a week, added to the street's hours. Each week the street whistles up
    issues beyond community authority (cross-boundary infrastructure issues, and cross-boundary
    issues whose other party is the street) and open issues older than `escalation_weeks`, oldest
    first, as far as the departments' priority hours can answer them within the SLA (the open
    whistled backlog stays within `sla_weeks` weeks of priority hours). A whistled issue is no
    longer passed on (the departments that report take it over), and whistled issues older than
    `sla_weeks` are answered before all others (the closed-loop evaluation of the departments'
    response, 综合评价: a re-allocation of the street's hours, not more of them). The household
    of a resolved whistled issue is visited to verify it (核实结项), which raises its trust in the
    community by `verify_trust` of the gap to 1. No department hours, no whistle."""

    key = "whistle_report"
    name_zh = "街道吹哨、部门报到"
    name_en = "Street whistles, departments report"
    summary = "Overdue and out-of-authority issues whistled up to departments that report with priority hours, an SLA and verification."
    summary_zh = "逾期和超出权限的诉求向上“吹哨”，部门以优先工时、办理时限和核验“报到”。"
    sources = (
        "002 Xiangyang: 问题收集→街道吹哨→部门报到→处理反馈→核实结项→综合评价, 对报到部门动态监测",
    )
    phases = ("setup", "queues", "resolution")
    parameters = (
        MechParam("escalation_weeks", 4, 1, 52, "weeks", "吹哨阈值周数", "Whistle threshold",
                  "Open issues older than this (weeks since reported) are whistled up when the departments have hours.",
                  main=True,
                  assumption="a policy setting (002 names the whistle, not its threshold)",
                  prior=None,
                  tags=("structural",)),
        MechParam("sla_weeks", 2, 1, 26, "weeks", "部门响应时限", "Department SLA",
                  "Whistled issues older than this (weeks since reported) are answered before all others; the "
                  "whistle takes on no more than this many weeks of the priority hours.",
                  assumption="a policy setting (departments' response limit; 002 names 部门报到, not the limit)",
                  prior=None,
                  tags=("structural",)),
        MechParam("priority_hours", 20.0, 0.0, 2000.0, "hours/1,000 households/week", "部门报到时长",
                  "Department hours reporting", "Department hours a week that report to the street for whistled issues.",
                  main=True,
                  resource=True,
                  source="002 Xiangyang: 街道吹哨、部门报到; department hours assumed (about half a full-time person per 1,000 households)",
                  prior=Prior.uniform(5.0, 40.0)),
        MechParam("verify_trust", 0.05, 0.0, 1.0, "share of gap", "核实结项信任增益", "Verification trust gain",
                  "Share of the gap to full trust closed for the household of a whistled issue verified as resolved.",
                  source="002 Xiangyang: 核实结项 (a verification visit after resolution); the trust gain is assumed",
                  prior=Prior.uniform(0.0, 0.15)),
        MechParam("hour_cost", 80.0, 0.0, 1000.0, "yuan/hour", "部门工时成本", "Cost per department hour",
                  "Cost of one priority department hour.",
                  assumption="a department civil servant's hour with overheads",
                  prior=Prior.uniform(50.0, 120.0)),
        MechParam("admin_cost_per_week", 500.0, 0.0, 1e6, "yuan/community/week", "吹哨管理成本", "Admin cost",
                  "Running cost of the whistle platform, feedback visits and evaluation per community a week.",
                  assumption="the whistle platform, feedback visits and evaluation; not measured",
                  prior=Prior.uniform(200.0, 1000.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        self.window_weeks = 1  # oldest weeks whose due issues filled the room last time (many open issues)
        p = self.p
        # fixed for the run: the departments' hours a week, what they and the platform cost, the SLA room
        self.hours = per_1000(p["priority_hours"], model.layout.n_households)
        self.weekly_cost_yuan = self.hours * p["hour_cost"] + p["admin_cost_per_week"] * model.layout.n_communities
        self.sla_room = self.hours * p["sla_weeks"]
        self.verify_gain = constant(p["verify_trust"])  # as a 0-d array: the same bits, no conversion a week

    def _hours(self, model: StreetModel) -> float:
        return self.hours

    def setup(self, model: StreetModel) -> None:
        lv, p = model.levers, self.p
        if self._hours(model) <= 0:
            return
        lv.street_sla_weeks = p["sla_weeks"] if lv.street_sla_weeks == 0 else min(lv.street_sla_weeks, p["sla_weeks"])
        lv.street_priority_hours += self._hours(model)

    def queues(self, model: StreetModel) -> None:
        iss = model.issues
        self.cost_this_week = self.weekly_cost_yuan
        if self.hours <= 0:
            return
        rows = iss.open_rows()
        whistled = iss.whistled.take(rows)
        if count_nonzero(whistled):
            backlog = float(np.add.reduce(iss.remaining.take(rows.compress(whistled))))
        else:  # usually the whistled issues were answered at once: no backlog, none to leave out below
            backlog, whistled = 0.0, None
        room = self.sla_room - backlog
        if room <= 0:
            return
        surfaced = iss.surfaced.take(rows)
        take = self._oldest_due_in_window(model, rows, surfaced, whistled, room) if rows.size >= _WINDOW_FROM else None
        if take is None:
            take = self._oldest_due(model, rows, surfaced, whistled, room)[0]
        if take.size:
            iss.escalate(take, model.holders.street)
            iss.whistled[take] = True
            iss.partner[take] = -1  # departments that report take it over: no passing on

    def _oldest_due(self, model: StreetModel, rows: np.ndarray, surfaced: np.ndarray, whistled: np.ndarray | None,
                    room: float, bounds: tuple[int, int] | None = None) -> tuple[np.ndarray, int]:
        """The open `rows` due for the whistle taken oldest first (ties: rows ascending) as long as
        the departments' room lasts, and how many were due. `whistled`: which rows are whistled
        already (None: none is). `bounds`: the weeks `surfaced` is known to lie within (oldest,
        newest), which spares the tests every row passes."""
        iss, week = model.issues, model.week
        # age = week − surfaced, compared as surfaced weeks: older than the threshold, not yet given up
        old_before, alive_after = week - self.p["escalation_weeks"], week - model.p["open_expiry_weeks"]
        if bounds is not None and bounds[1] < old_before:  # all older than the threshold: due unless given up
            if bounds[0] > alive_after:
                due = None if whistled is None else ~whistled  # None: every row
            else:
                due = np.greater(surfaced, alive_after)
                if whistled is not None:
                    due = due > whistled
        else:
            due = surfaced < old_before
            beyond = iss.cross.take(rows)  # cross-boundary infrastructure issues, or ones whose other party is the street
            beyond &= (iss.kind.take(rows) == INFRASTRUCTURE) | (iss.partner.take(rows) == model.holders.street)
            due |= beyond
            due &= surfaced > alive_after
            if whistled is not None:
                due = due > whistled  # and not whistled yet (a > b is a and not b for booleans)
        if due is not None:
            due = due.nonzero()[0]
            rows, surfaced = rows.take(due), surfaced.take(due)
        return oldest_within(rows, surfaced, iss.remaining.take(rows), room, bounds), rows.size

    def _oldest_due_in_window(self, model: StreetModel, rows: np.ndarray, surfaced: np.ndarray,
                              whistled: np.ndarray | None, room: float) -> np.ndarray | None:
        """`_oldest_due` looked for among the issues of the oldest weeks only (many open issues):
        once a due issue of the window does not fit, none after it does (remaining hours are
        never below 0), and the later weeks' issues all come after it. None when the window,
        widened up to half the weeks open issues span, never leaves a due issue out."""
        iss = model.issues
        if np.minimum.reduce(iss.remaining[: iss.size]) < 0.0:  # .min() without its Python layer
            return None
        first = int(np.minimum.reduce(surfaced))
        span = model.week - first + 1
        weeks = self.window_weeks
        while 2 * weeks <= span:
            inside = (surfaced < first + weeks).nonzero()[0]
            take, due = self._oldest_due(model, rows.take(inside), surfaced.take(inside),
                                         None if whistled is None else whistled.take(inside), room,
                                         (first, first + weeks - 1))
            if take.size < due:
                self.window_weeks = weeks
                return take
            weeks *= 2
        return None

    def resolution(self, model: StreetModel) -> None:
        iss = model.issues
        done = iss.week_events.resolved_rows()
        verified = iss.household.take(done.compress(iss.whistled.take(done)))
        if verified.size:
            trust = model.households.trust_community
            gap = np.subtract(ONE, trust.take(verified))
            gap *= self.verify_gain
            trust[verified] += gap
