"""智慧社区 / 一网统管: online reporting, routing to the right holder, visible progress, online deliberation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel


@register
class DigitalPlatform(Mechanism):
    """A smart-community platform integrated with city operations (一网统管). Reporting online costs
    less (`report_cost_reduction`); issues are dispatched straight to the responsible holder with
    the other party in view, so less buck-passing (levers.buck_pass_factor × (1 − `routing`));
    progress on every issue is public, so trust in the community moves each week toward the share
    of closed issues that were resolved (levers.transparency += `transparency`: it rises where
    resolution performs and falls where issues are given up); and deliberation meetings take
    `online_seats` more participants online. Cost: platform running cost (amortised build and
    operation) per community."""

    key = "digital_platform"
    name_zh = "智慧社区/一网统管"
    name_en = "Smart-community platform"
    summary = "Cheaper online reporting, direct dispatch (less buck-passing), visible progress (trust follows performance), online deliberation."
    sources = (
        "000 Qiaokou: 数字赋能（智能化基础设施、一体化平台、数字智能算法）, “AI+社会治理”",
        "001 Qingyang: 智慧社区 (400万元平台, 24小时自助服务, “接办分离”)",
        "002 Xiangyang: 智慧社区平台, “一网统管”; 线上线下议事平台",
    )
    phases = ("setup",)
    parameters = (
        MechParam("report_cost_reduction", 0.4, 0.0, 5.0, "utility", "反映成本降低", "Reporting cost reduction",
                  "Taken off the reporting cost (report from a phone, with a photo and location).", main=True),
        MechParam("routing", 0.3, 0.0, 1.0, "share", "派单精准度", "Routing precision",
                  "Share of buck-passing removed because issues are dispatched to the right holder."),
        MechParam("transparency", 0.01, 0.0, 0.2, "1/week", "进度公开", "Transparency",
                  "Weekly pull of trust in the community toward the resolved share of closed issues.", main=True),
        MechParam("online_seats", 20.0, 0.0, 1000.0, "seats/community", "线上议事席位", "Online deliberation seats",
                  "Extra seats at each monthly deliberation meeting for residents taking part online."),
        MechParam("cost_per_week", 2500.0, 0.0, 1e7, "yuan/community/week", "平台运行成本", "Platform cost",
                  "Amortised build and running cost of the platform per community a week (Qingyang: 4 million "
                  "yuan for a district platform)."),
    )

    def setup(self, model: CoGovernanceModel) -> None:
        lv, p = model.levers, self.p
        lv.report_cost_delta -= p["report_cost_reduction"]
        lv.buck_pass_factor *= 1.0 - p["routing"]
        lv.transparency += p["transparency"]
        lv.deliberation_seats_extra += p["online_seats"]

    def weekly_cost(self, model: CoGovernanceModel) -> float:
        """Platform running cost in every community."""
        return self.p["cost_per_week"] * model.layout.n_communities
