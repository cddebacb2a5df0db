"""接诉即办: a city hotline route for reports, with response-time assessment of the holders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel


@register
class Hotline(Mechanism):
    """A city hotline (12345) takes reports by phone or app at any hour, so reporting costs less
    (`report_cost_reduction` off the reporting cost). Every holder is assessed monthly on how fast
    it responds and resolves (`assessment` adds to levers.response_assessment, which gives holders
    more effective hours; queues are already worked oldest first). Cost: running the hotline per
    community a week plus handling each report."""

    key = "hotline"
    name_zh = "接诉即办"
    name_en = "Hotline: handle complaints on receipt"
    summary = "Cheaper reporting through a city hotline and response-time assessment of every holder."
    sources = ("002 Xiangyang: “接诉即办、未诉先办”",)
    phases = ("setup", "observe")
    parameters = (
        MechParam("report_cost_reduction", 0.5, 0.0, 5.0, "utility", "反映成本降低", "Reporting cost reduction",
                  "Taken off the reporting cost (one call or app message instead of a visit).", main=True),
        MechParam("assessment", 0.5, 0.0, 1.0, "0–1", "响应考核强度", "Response assessment",
                  "How strongly holders are assessed on response time (adds to the response-assessment lever: "
                  "more effective hours).", main=True),
        MechParam("cost_per_report", 15.0, 0.0, 1000.0, "yuan/report", "每件诉求办理成本", "Cost per report",
                  "Hotline handling cost of one report (call-taking, dispatch, return visit)."),
        MechParam("admin_cost_per_week", 1000.0, 0.0, 1e6, "yuan/community/week", "热线运行成本", "Running cost",
                  "Fixed running cost of the hotline and its assessment per community a week."),
    )

    def setup(self, model: CoGovernanceModel) -> None:
        model.levers.report_cost_delta -= self.p["report_cost_reduction"]
        model.levers.response_assessment += self.p["assessment"]

    def observe(self, model: CoGovernanceModel) -> None:
        reports = model.issues.week_events.reported
        self.cost_this_week = (reports * self.p["cost_per_report"]
                               + self.p["admin_cost_per_week"] * model.layout.n_communities)
