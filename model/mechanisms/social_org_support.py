"""社会组织培育: funding and incubation of social organisations (more of them, more capacity)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel

WEEKS_PER_QUARTER = 13


@register
class SocialOrgSupport(Mechanism):
    """An incubation platform and special funds: each quarter every community below
    `target_per_community` organisations incubates one more (domains rotate care, culture,
    environment, mediation), and every organisation's capacity grows by `growth_per_quarter`
    (professionalism by a quarter of that) up to ``so_capacity_max``. Acts through
    levers.so_count_target (the highest target wins) and levers.so_growth_per_quarter (additive),
    which the model applies quarterly; more capacity means more services (care, culture quality)
    and more volunteer slots."""

    key = "social_org_support"
    name_zh = "社会组织培育"
    name_en = "Social-organisation support"
    summary = "Incubation and funds: more social organisations per community (e.g. ≥ 6) and growing capacity."
    sources = (
        "001 Qingyang: 各社区拥有社会组织不低于6个; 社会组织服务平台, 专项资金扶持不低于100万元; 社会组织孵化基地",
    )
    phases = ("setup", "observe")
    parameters = (
        MechParam("target_per_community", 6, 0, 12, "organisations", "每社区社会组织目标", "Target per community",
                  "Organisations per community the incubation works toward (one new a quarter).", main=True),
        MechParam("growth_per_quarter", 0.1, 0.0, 1.0, "share/quarter", "能力增长", "Capacity growth",
                  "Quarterly growth of each organisation's hours (professionalism grows a quarter as fast).", main=True),
        MechParam("funding_per_org_quarter", 15000.0, 0.0, 1e7, "yuan/organisation/quarter", "扶持资金",
                  "Funding per organisation", "Special funds paid to each social organisation a quarter."),
        MechParam("incubation_cost", 30000.0, 0.0, 1e7, "yuan/organisation", "孵化成本", "Incubation cost",
                  "One-off cost of incubating a new organisation (platform, training, start-up grant)."),
    )

    def __init__(self, model: CoGovernanceModel, values: dict) -> None:
        super().__init__(model, values)
        self.known = 0  # organisations counted at the last check

    def setup(self, model: CoGovernanceModel) -> None:
        lv = model.levers
        lv.so_count_target = max(lv.so_count_target, self.p["target_per_community"])
        lv.so_growth_per_quarter += self.p["growth_per_quarter"]
        self.known = len(model.social_orgs)

    def observe(self, model: CoGovernanceModel) -> None:
        n = len(model.social_orgs)
        new = max(0, n - self.known)
        self.known = n
        funding = self.p["funding_per_org_quarter"] * model.budget_factor() / WEEKS_PER_QUARTER
        self.cost_this_week = funding * n + self.p["incubation_cost"] * new
