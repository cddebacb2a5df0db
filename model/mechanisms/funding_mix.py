"""市场化运作: private capital, a state-owned backstop and fiscal leverage for projects and property."""

from __future__ import annotations

from model.calendar import WEEKS_PER_QUARTER
from model.mechanisms.base import Mechanism, MechParam, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class FundingMix(Mechanism):
    """Market operation of renewal: fiscal project money draws in private capital at `leverage`
    yuan per fiscal yuan (for profitable projects) and a state-owned enterprise adds
    `soe_per_quarter` per 1,000 households (hard projects) — both through
    levers.project_budget_extra. With a backstop budget (`backstop_budget` per 1,000 households a
    month) a state-owned firm takes over any compound left without a property firm
    (levers.backstop_firm; see ``model.property_economy.PropertyEconomy._find_new_firm``) and the state covers its
    losses each month out of that budget (counted as cost); a backstop firm whose losses the
    budget cannot cover loses its guarantee and may exit like any firm. The project budget stays
    fungible across project types: which projects are profitable is not represented."""

    key = "funding_mix"
    name_zh = "市场化运作"
    name_en = "Market operation and state-owned backstop"
    summary = "Private capital and state-owned money add project budget; a state-owned firm takes over unmanaged compounds."
    summary_zh = "社会资本和国有资金增加项目预算；国有物业企业接管无人管理的小区。"
    sources = (
        "004 Nan'an: 发挥民营资本的灵活配置作用; 发挥国有资本的兜底保障作用; 发挥财政资金的杠杆撬动作用",
        "003 Hangzhou node city: 无物业、小区失管 (research on compounds without property management)",
    )
    phases = ("setup", "property")
    parameters = (
        MechParam("leverage", 0.5, 0.0, 10.0, "yuan/fiscal yuan", "财政撬动倍数", "Leverage",
                  "Private capital drawn in per yuan of fiscal project money.", main=True,
                  resource=True,
                  source="004 Nan'an: 发挥财政资金的杠杆撬动作用; the ratio is not given",
                  prior=Prior.uniform(0.0, 2.0)),
        MechParam("soe_per_quarter", 25000.0, 0.0, 1e8, "yuan/1,000 households/quarter", "国企投入",
                  "State-owned investment", "State-owned enterprise money for hard projects a quarter.",
                  resource=True,
                  source="004 Nan'an: 发挥国有资本的兜底保障作用; the amount is assumed",
                  prior=Prior.uniform(0.0, 60000.0)),
        MechParam("backstop_budget", 20000.0, 0.0, 1e8, "yuan/1,000 households/month", "国企兜底预算",
                  "Backstop budget", "Money the state sets aside a month to cover the losses of state-owned backstop "
                  "firms (0 = no backstop firm).", main=True,
                  resource=True,
                  source="004 Nan'an: 国有资本兜底; 003: 无物业、小区失管; the budget is assumed (about the monthly loss of one compound)",
                  prior=Prior.uniform(5000.0, 50000.0)),
        MechParam("admin_cost_per_week", 500.0, 0.0, 1e6, "yuan/community/week", "运作成本", "Admin cost",
                  "Packaging projects for investors, contracts and supervision per community a week.",
                  assumption="packaging projects and supervising contracts; not measured",
                  prior=Prior.uniform(200.0, 1000.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        self.subsidy_total = 0.0
        lay = model.layout  # the running cost is the same every week: worked out once
        soe = per_1000(self.p["soe_per_quarter"], lay.households_per_community) / WEEKS_PER_QUARTER
        self.running_cost = (self.p["admin_cost_per_week"] + soe) * lay.n_communities

    def setup(self, model: StreetModel) -> None:
        lv, lay = model.levers, model.layout
        lv.project_budget_extra += (self.p["leverage"] * model.project_cycle.project_budget_base()
                                    + per_1000(self.p["soe_per_quarter"], lay.households_per_community))
        if self.p["backstop_budget"] > 0:
            lv.backstop_firm = True

    def property(self, model: StreetModel) -> None:
        """The state covers last month's losses of backstop firms (cash topped up to zero) out of the
        month's backstop budget; a firm it cannot cover loses its guarantee."""
        budget = per_1000(self.p["backstop_budget"], model.layout.n_households)
        subsidy = 0.0
        for firm in model.firms:
            if firm.present and firm.backstop and firm.cash < 0:
                if subsidy - firm.cash <= budget:
                    subsidy += -firm.cash
                    firm.cash = 0.0
                else:
                    firm.backstop = False
        self.subsidy_total += subsidy
        self.cost_this_week = subsidy

    def weekly_cost(self, model: StreetModel) -> float:
        return self.cost_this_week + self.running_cost
