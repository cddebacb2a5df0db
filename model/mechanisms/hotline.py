"""接诉即办: a city hotline takes reports; holders assessed on them work them first and buy overtime."""

from __future__ import annotations

import numpy as np

from model.issues import OPEN_STATUS
from model.mechanisms.base import Mechanism, MechParam, coverage, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class Hotline(Mechanism):
    """A city hotline (12345) takes reports by phone or app at any hour. Its operators
    (`operator_hours` per 1,000 households a week, `hours_per_report` each) take as many of the
    week's household reports as their hours allow; a report taken by the hotline is dispatched
    and its holder is assessed on it (response, resolution and satisfaction rates), so holders
    work hotline issues before all others (a re-allocation of their hours: other issues wait
    longer, 接诉即办) and buy paid overtime (`overtime_hours` per 1,000 households a week at
    `overtime_price` yuan an hour, to holders in proportion to their open hotline hours). Because
    a call is easier than a visit, reporting costs less (`report_cost_reduction`) in proportion to
    the share of last week's reports the operators could take. No operators, no hotline."""

    key = "hotline"
    name_zh = "接诉即办"
    name_en = "Hotline: handle complaints on receipt"
    summary = "Hotline operators take reports; assessed holders work hotline issues first and buy overtime."
    summary_zh = "热线接线员受理反映；被考核的责任方优先办理热线诉求，并以加班补足工时。"
    sources = ("002 Xiangyang: “接诉即办、未诉先办”",)
    phases = ("setup", "issues_surface", "issues_route", "queues", "observe")
    parameters = (
        MechParam("operator_hours", 10.0, 0.0, 1000.0, "hours/1,000 households/week", "热线接线工时",
                  "Operator hours", "Hotline operators' hours for taking and dispatching reports.", main=True,
                  resource=True,
                  source="002 Xiangyang: “接诉即办”; staffing assumed (enough to take most reports)",
                  prior=Prior.uniform(3.0, 30.0)),
        MechParam("hours_per_report", 0.5, 0.05, 10.0, "hours/report", "每件诉求接办工时", "Hours per report",
                  "Operator time to take, record and dispatch one report and make the return visit.",
                  assumption="taking, recording and dispatching a call plus the return visit, about half an hour",
                  prior=Prior.uniform(0.2, 1.0)),
        MechParam("report_cost_reduction", 0.5, 0.0, 5.0, "utility", "反映成本降低", "Reporting cost reduction",
                  "Taken off the reporting cost (one call instead of a visit) when the hotline takes every report.",
                  main=True,
                  assumption="one call instead of a visit; the size on the utility scale is not measured",
                  prior=Prior.uniform(0.2, 1.0)),
        MechParam("overtime_hours", 10.0, 0.0, 1000.0, "hours/1,000 households/week", "考核加班工时",
                  "Overtime hours", "Paid overtime the assessed holders buy for hotline issues (used only while "
                  "hotline issues are open).", main=True,
                  resource=True,
                  source="002 Xiangyang: “接诉即办” with assessment; the overtime bought under assessment is assumed",
                  prior=Prior.uniform(0.0, 30.0)),
        MechParam("overtime_price", 60.0, 0.0, 1000.0, "yuan/hour", "加班单价", "Overtime price",
                  "Price of one overtime hour.",
                  assumption="1.5 times a community worker's hourly wage with overheads",
                  prior=Prior.uniform(40.0, 90.0)),
        MechParam("operator_wage", 40.0, 0.0, 1000.0, "yuan/hour", "接线员时薪", "Operator wage",
                  "Cost of one operator hour.",
                  assumption="an operator's wage with overheads; not measured",
                  prior=Prior.uniform(25.0, 60.0)),
        MechParam("admin_cost_per_week", 1000.0, 0.0, 1e6, "yuan/community/week", "热线运行成本", "Running cost",
                  "Fixed running cost of the hotline system and its assessment per community a week.",
                  assumption="the hotline system and the assessment's share per community; not measured",
                  prior=Prior.uniform(300.0, 2000.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        self.taken_share = 0.0  # share of last week's household reports the operators took
        self.overtime_used = 0.0  # overtime hours bought this week
        self.cost_delta = 0.0  # this mechanism's current contribution to levers.report_cost_delta
        p, h = self.p, model.holders
        self.first_oc = h.oc0  # holders from here on are owners' committees, which buy no overtime
        # fixed for the run: operator hours, the reports they can take a week, overtime, running cost
        self.operator_hours = per_1000(p["operator_hours"], model.layout.n_households)
        self.quota = int(self.operator_hours / p["hours_per_report"])
        self.overtime_budget = per_1000(p["overtime_hours"], model.layout.n_households)
        self.fixed_cost = self.operator_hours * p["operator_wage"]
        self.admin_cost = p["admin_cost_per_week"] * model.layout.n_communities

    def _operator_hours(self, model: StreetModel) -> float:
        return self.operator_hours

    def setup(self, model: StreetModel) -> None:
        self.taken_share = 1.0 if self._operator_hours(model) > 0 else 0.0

    def issues_surface(self, model: StreetModel) -> None:
        """Reporting is cheaper by the share of reports the hotline could take last week."""
        delta = -self.p["report_cost_reduction"] * self.taken_share
        model.levers.report_cost_delta += delta - self.cost_delta
        self.cost_delta = delta

    def issues_route(self, model: StreetModel) -> None:
        """The operators take this week's household reports, as many as their hours allow."""
        iss = model.issues
        reported = iss.week_events.reported
        quota = self.quota
        if quota > 0 and reported:
            new = iss.week_events.household_reported_rows()  # reported this week (ascending), if still open
            new = new.compress(iss.status.take(new) == OPEN_STATUS)
            if new.size > quota:
                new = new.take(model.rng.permutation(new.size)[:quota])
                new.sort()
            iss.hotline[new] = True
            self.taken_share = coverage(float(new.size), float(reported))
        elif reported:  # no operators: none taken
            self.taken_share = coverage(0.0, float(reported))

    def queues(self, model: StreetModel) -> None:
        """Overtime for the holders with open hotline issues, in proportion to their hours."""
        self.overtime_used = 0.0
        budget = self.overtime_budget
        if budget <= 0:
            return
        iss, h = model.issues, model.holders
        rows = iss.open_rows_with(iss.hotline[: iss.size])  # all routed to a holder (issues_route runs before the queues)
        if rows.size == 0:
            return
        hold = iss.holder.take(rows)
        backlog = np.bincount(hold, weights=iss.remaining.take(rows), minlength=h.n)
        backlog[self.first_oc:] = 0.0
        total = np.add.reduce(backlog)
        if total <= 0:
            return
        used = min(budget, total)
        h.capacity += used * backlog / total
        self.overtime_used = used

    def observe(self, model: StreetModel) -> None:
        self.cost_this_week = (self.fixed_cost + self.overtime_used * self.p["overtime_price"]
                               + self.admin_cost)
