"""社区基金: seed money and residents' donations fund projects and social organisations."""

from __future__ import annotations

import numpy as np

from model.calendar import WEEKS_PER_QUARTER
from model.mechanisms.base import Mechanism, MechParam, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class CommunityFund(Mechanism):
    """A community fund (社区基金) per community, filled each quarter with public seed money
    (`seed_per_quarter` per 1,000 households) and residents' donations; donors are more numerous
    where trust in the community is higher (expected donors = `donor_share` · Σ trust_community,
    each giving `donation_yuan`). The fund's `so_share` is granted to the community's social
    organisations and buys staff hours at ``so_hour_cost`` (levers.so_funded_hours); the rest
    funds projects (levers.project_budget_extra). Its contributions are added and removed, never
    overwritten. Cost counts the public seed money and administration only: donations are
    residents' money."""

    key = "community_fund"
    name_zh = "社区基金"
    name_en = "Community fund"
    summary = "Seed money plus trust-driven donations fund extra projects and buy social organisations' staff hours."
    summary_zh = "种子资金加上随信任增长的捐赠，资助额外项目并购买社会组织的工作人员工时。"
    sources = (
        "001 Qingyang: 探索社区基金会运作机制, 建立社区基金会, 设立社区基金4个, 整合资源服务社区",
        "002 Xiangyang: 引导社会资本捐赠",
    )
    phases = ("projects",)
    parameters = (
        MechParam("seed_per_quarter", 30000.0, 0.0, 1e8, "yuan/1,000 households/quarter", "种子资金", "Seed money",
                  "Public seed money paid into the community's fund a quarter.", main=True,
                  resource=True,
                  source="001 Qingyang: 设立社区基金4个 (funds exist; the amount is not given: 15,000–60,000 yuan per 1,000 households a quarter assumed)",
                  prior=Prior.uniform(10000.0, 60000.0)),
        MechParam("donor_share", 0.2, 0.0, 1.0, "share at full trust", "捐赠比例", "Donor share",
                  "Share of households donating in a quarter at full trust in the community (scales with trust).",
                  assumption="a fifth of households giving at full trust; Chinese community-giving surveys report 10–40 % giving in a year",
                  prior=Prior.uniform(0.05, 0.4)),
        MechParam("donation_yuan", 100.0, 0.0, 1e5, "yuan/donor/quarter", "人均捐赠", "Donation",
                  "What one donating household gives a quarter.",
                  resource=True,
                  assumption="a small gift per donor a quarter; not measured",
                  prior=Prior.uniform(30.0, 300.0)),
        MechParam("so_share", 0.2, 0.0, 1.0, "share", "社会组织资助比例", "Share to social organisations",
                  "Share of the fund granted to social organisations; the rest funds projects.",
                  assumption="the fund mostly pays projects; 001 names funds for both; share not given",
                  prior=Prior.uniform(0.0, 0.5)),
        MechParam("admin_cost_per_week", 300.0, 0.0, 1e6, "yuan/community/week", "基金管理成本", "Admin cost",
                  "Running cost of the fund per community a week.",
                  assumption="a few hours of staff time a week per community; not measured",
                  prior=Prior.uniform(100.0, 1000.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        self.budget_added = 0.0
        self.hours_added = np.zeros(model.layout.n_communities)
        self.raised_total = 0.0
        self.donations_total = 0.0
        self.admin_cost = self.p["admin_cost_per_week"] * model.layout.n_communities  # yuan a week, fixed

    def projects(self, model: StreetModel) -> None:
        p, lv, lay = self.p, model.levers, model.layout
        trust = lay.per_community(model.households.trust_community)  # Σ trust by community
        donations = p["donor_share"] * trust * p["donation_yuan"]  # (n_communities,)
        seed = per_1000(p["seed_per_quarter"], lay.households_per_community)
        fund = seed + donations
        self.raised_total += float(fund.sum())
        self.donations_total += float(donations.sum())
        to_projects = float(((1.0 - p["so_share"]) * fund).mean())
        orgs = np.bincount([so.community for so in model.social_orgs], minlength=lay.n_communities)
        per_org = np.where(orgs > 0, p["so_share"] * fund / np.maximum(orgs, 1), 0.0)
        hours = per_org / (WEEKS_PER_QUARTER * model.p["so_hour_cost"])  # staff hours a week per organisation
        lv.project_budget_extra += to_projects - self.budget_added
        lv.so_funded_hours += hours - self.hours_added
        self.budget_added, self.hours_added = to_projects, hours
        # the project share of the fund is cut with all project money by the model (budget_factor)
        self.cost_this_week = seed * model.budget_factor() * lay.n_communities

    def weekly_cost(self, model: StreetModel) -> float:
        return self.cost_this_week + self.admin_cost
