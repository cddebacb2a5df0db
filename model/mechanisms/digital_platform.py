"""智慧社区 / 一网统管: online reporting, routing to the right holder, visible progress, online deliberation."""

from __future__ import annotations

from model.mechanisms.base import Mechanism, MechParam, coverage, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class DigitalPlatform(Mechanism):
    """A smart-community platform integrated with city operations (一网统管), run by a dispatch
    centre whose operators work `dispatch_hours` per 1,000 households a week; they cover
    min(1, dispatch_hours / `hours_needed`) of the reports, and every effect is in proportion to
    that coverage. Reporting online costs less (`report_cost_reduction`); issues are dispatched
    straight to the responsible holder with the other party in view, so less buck-passing
    (levers.buck_pass_factor × (1 − `routing`)); progress on every issue is public, so trust in
    the community moves each week toward the share of closed issues that were resolved
    (levers.transparency += `transparency`: it rises where resolution performs and falls where
    issues are given up); and deliberation meetings take `online_seats` per 1,000 households more
    participants online. Cost: platform running cost (amortised build and operation) per
    community plus the operators' hours. No operators, no platform."""

    key = "digital_platform"
    name_zh = "智慧社区/一网统管"
    name_en = "Smart-community platform"
    summary = "Cheaper online reporting, direct dispatch (less buck-passing), visible progress (trust follows performance), online deliberation."
    summary_zh = "线上反映更省事、直接派单（推诿更少）、办理进度可见（信任随办理表现变化）、线上议事。"
    sources = (
        "000 Qiaokou: 数字赋能（智能化基础设施、一体化平台、数字智能算法）, “AI+社会治理”",
        "001 Qingyang: 智慧社区 (400万元平台, 24小时自助服务, “接办分离”)",
        "002 Xiangyang: 智慧社区平台, “一网统管”; 线上线下议事平台",
    )
    phases = ("setup",)
    parameters = (
        MechParam("dispatch_hours", 10.0, 0.0, 1000.0, "hours/1,000 households/week", "指挥调度工时",
                  "Dispatch hours", "Dispatch-centre operators' hours a week (receiving, routing and following up issues).",
                  main=True,
                  resource=True,
                  source="002 Xiangyang: “一网统管” (a dispatch centre routes issues); staffing assumed",
                  prior=Prior.uniform(3.0, 30.0)),
        MechParam("hours_needed", 10.0, 0.1, 1000.0, "hours/1,000 households/week", "全覆盖所需工时",
                  "Hours for full coverage", "Dispatch hours a week that cover every report.",
                  assumption="dispatch hours that cover every report of 1,000 households; not measured",
                  prior=Prior.uniform(5.0, 20.0)),
        MechParam("report_cost_reduction", 0.4, 0.0, 5.0, "utility", "反映成本降低", "Reporting cost reduction",
                  "Taken off the reporting cost (report from a phone, with a photo and location).", main=True,
                  source="000 Qiaokou: 数字赋能, 一体化平台; reporting from a phone; size on the utility scale assumed",
                  prior=Prior.uniform(0.1, 1.0)),
        MechParam("routing", 0.3, 0.0, 1.0, "share", "派单精准度", "Routing precision",
                  "Share of buck-passing removed because issues are dispatched to the right holder.",
                  source="002 Xiangyang: 智慧社区平台, “一网统管” (dispatch to the right holder); share assumed",
                  prior=Prior.uniform(0.1, 0.6)),
        MechParam("transparency", 0.01, 0.0, 0.2, "1/week", "进度公开", "Transparency",
                  "Weekly pull of trust in the community toward the resolved share of closed issues.", main=True,
                  assumption="public progress moves trust toward performance slowly; the weekly rate is not measured",
                  prior=Prior.uniform(0.002, 0.03)),
        MechParam("online_seats", 10.0, 0.0, 1000.0, "seats/1,000 households", "线上议事席位", "Online deliberation seats",
                  "Extra seats at each monthly deliberation meeting for residents taking part online.",
                  resource=True,
                  source="002 Xiangyang: 线上线下议事平台; seat numbers assumed",
                  prior=Prior.uniform(0.0, 30.0)),
        MechParam("operator_wage", 40.0, 0.0, 1000.0, "yuan/hour", "调度员时薪", "Operator wage",
                  "Cost of one dispatch hour.",
                  assumption="an urban service-centre operator's wage with overheads; not measured",
                  prior=Prior.uniform(25.0, 60.0)),
        MechParam("cost_per_week", 2500.0, 0.0, 1e7, "yuan/community/week", "平台运行成本", "Platform cost",
                  "Amortised build and running cost of the platform per community a week (Qingyang: 4 million "
                  "yuan for a district platform).",
                  source="001 Qingyang: 400万元 smart-community platform, amortised over a district's communities and years",
                  prior=Prior.uniform(1000.0, 5000.0)),
    )

    def setup(self, model: StreetModel) -> None:
        lv, p = model.levers, self.p
        share = coverage(p["dispatch_hours"], p["hours_needed"])
        lv.report_cost_delta -= p["report_cost_reduction"] * share
        lv.buck_pass_factor *= 1.0 - p["routing"] * share
        lv.transparency += p["transparency"] * share
        lv.deliberation_seats_extra += per_1000(p["online_seats"], model.layout.households_per_community)

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        p = self.p  # the same every week: worked out once
        self.running_cost = (p["cost_per_week"] * model.layout.n_communities
                             + per_1000(p["dispatch_hours"], model.layout.n_households) * p["operator_wage"])

    def weekly_cost(self, model: StreetModel) -> float:
        """Platform running cost in every community and the operators' hours."""
        return self.running_cost
