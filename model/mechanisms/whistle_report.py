"""街道吹哨、部门报到: overdue and out-of-authority issues are escalated; departments answer within an SLA."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.issues import OPEN
from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel


@register
class WhistleReport(Mechanism):
    """The street "blows the whistle" and departments "report" (吹哨报到). Issues beyond community
    authority (cross-boundary infrastructure issues, and cross-boundary issues whose other party is
    the street) are escalated as soon as they are reported; every other open issue older than
    `escalation_weeks` is escalated with certainty. Departments send `priority_hours` a week per
    community and answer escalated issues older than `sla_weeks` first; a whistled issue is no
    longer passed on (the departments that report take it over). Closed loop: holders are assessed
    on response time (`evaluation` adds to levers.response_assessment) and the household of a
    resolved whistled issue is visited to verify it (核实结项), which raises its trust in the
    community by `verify_trust` of the gap to 1."""

    key = "whistle_report"
    name_zh = "街道吹哨、部门报到"
    name_en = "Street whistles, departments report"
    summary = "Overdue and out-of-authority issues escalated to departments with priority hours, an SLA and closed-loop evaluation."
    sources = (
        "002 Xiangyang: 问题收集→街道吹哨→部门报到→处理反馈→核实结项→综合评价, 对报到部门动态监测",
    )
    phases = ("setup", "queues", "resolution")
    parameters = (
        MechParam("escalation_weeks", 4, 1, 52, "weeks", "吹哨阈值周数", "Whistle threshold",
                  "Open issues older than this (weeks since reported) are escalated to the street with certainty.",
                  main=True),
        MechParam("sla_weeks", 2, 1, 26, "weeks", "部门响应时限", "Department SLA",
                  "Escalated issues older than this (weeks since reported) are answered before all others."),
        MechParam("priority_hours", 40.0, 0.0, 2000.0, "hours/community/week", "部门报到时长",
                  "Department hours reporting", "Extra department hours a week per community for escalated issues.",
                  main=True),
        MechParam("evaluation", 0.3, 0.0, 1.0, "0–1", "综合评价强度", "Evaluation strength",
                  "Response-time assessment of holders (adds to the response-assessment lever: more effective hours)."),
        MechParam("verify_trust", 0.05, 0.0, 1.0, "share of gap", "核实结项信任增益", "Verification trust gain",
                  "Share of the gap to full trust closed for the household of a whistled issue verified as resolved."),
        MechParam("hour_cost", 80.0, 0.0, 1000.0, "yuan/hour", "部门工时成本", "Cost per department hour",
                  "Cost of one priority department hour."),
        MechParam("admin_cost_per_week", 500.0, 0.0, 1e6, "yuan/community/week", "吹哨管理成本", "Admin cost",
                  "Running cost of the whistle platform, feedback visits and evaluation per community a week."),
    )

    def setup(self, model: CoGovernanceModel) -> None:
        lv, p = model.levers, self.p
        lv.escalate_beyond_authority = True
        lv.street_sla_weeks = p["sla_weeks"] if lv.street_sla_weeks == 0 else min(lv.street_sla_weeks, p["sla_weeks"])
        lv.street_priority_hours += p["priority_hours"]
        lv.response_assessment += p["evaluation"]

    def queues(self, model: CoGovernanceModel) -> None:
        iss, street = model.issues, model.holders.street
        a = iss.active
        rows = a[iss.status[a] == OPEN]
        age = model.week - iss.surfaced[rows]
        due = (age > self.p["escalation_weeks"]) & (iss.holder[rows] != street) & (age < model.p["open_expiry_weeks"])
        iss.escalate(rows[due], street)
        iss.partner[rows[iss.escalated[rows]]] = -1  # departments that report take it over: no passing on
        n_c = model.layout.n_communities
        self.cost_this_week = (self.p["priority_hours"] * self.p["hour_cost"] + self.p["admin_cost_per_week"]) * n_c

    def resolution(self, model: CoGovernanceModel) -> None:
        iss, hh = model.issues, model.households
        done = iss.week_events.resolved_rows()
        verified = iss.household[done[iss.escalated[done]]]
        if verified.size:
            hh.trust_community[verified] += self.p["verify_trust"] * (1.0 - hh.trust_community[verified])
