"""社会组织培育: an incubation budget founds social organisations; grants buy their staff hours."""

from __future__ import annotations

import numpy as np

from model.calendar import WEEKS_PER_QUARTER
from model.mechanisms.base import Mechanism, MechParam, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class SocialOrgSupport(Mechanism):
    """An incubation platform and special funds. Each quarter every community gets
    `incubation_budget` per 1,000 households; whenever its unspent budget covers
    `incubation_cost`, and it has fewer than `target_per_community` organisations, it incubates a
    new one (domains rotate care, culture, environment, mediation). Every organisation receives a
    grant of `grant` yuan per 1,000 households of its community a quarter, which buys staff hours
    at ``so_hour_cost`` (levers.so_funded_hours; the model adds them to the organisations' own
    hours for the quarter, up to ``so_capacity_max``); more hours mean more services (care,
    culture quality), more volunteer slots and more issue hours. No money, no change."""

    key = "social_org_support"
    name_zh = "社会组织培育"
    name_en = "Social-organisation support"
    summary = "Incubation money founds social organisations (toward e.g. 6 per community); grants buy their staff hours."
    summary_zh = "孵化资金培育社会组织（例如每社区达到 6 个）；项目资助购买其工作人员工时。"
    sources = (
        "001 Qingyang: 各社区拥有社会组织不低于6个; 社会组织服务平台, 专项资金扶持不低于100万元; 社会组织孵化基地",
    )
    phases = ("projects",)
    parameters = (
        MechParam("target_per_community", 6, 0, 12, "organisations", "每社区社会组织目标", "Target per community",
                  "Organisations per community the incubation works toward.", main=True,
                  assumption="001 Qingyang: 各社区拥有社会组织不低于6个 (the reform's target; the user sets it)",
                  prior=None,
                  tags=("structural",)),
        MechParam("incubation_budget", 16000.0, 0.0, 1e7, "yuan/1,000 households/quarter", "孵化资金", "Incubation budget",
                  "Incubation money a quarter (platform, training, start-up grants).", main=True,
                  resource=True,
                  source="001 Qingyang: 社会组织孵化基地; 专项资金扶持不低于100万元 (split between incubation and grants, assumed)",
                  prior=Prior.uniform(5000.0, 40000.0)),
        MechParam("incubation_cost", 30000.0, 1.0, 1e7, "yuan/organisation", "孵化成本", "Incubation cost",
                  "Incubation money one new organisation takes.",
                  assumption="platform, training and start-up grant for one organisation; not measured",
                  prior=Prior.uniform(10000.0, 60000.0)),
        MechParam("grant", 8000.0, 0.0, 1e7, "yuan/organisation/1,000 households/quarter", "扶持资金",
                  "Grant per organisation", "Special funds each social organisation receives a quarter, per 1,000 "
                  "households of its community.", main=True,
                  resource=True,
                  source="001 Qingyang: 社会组织专项资金扶持不低于100万元 (a district's support spread over its organisations; per-organisation amount assumed)",
                  prior=Prior.uniform(2000.0, 20000.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        self.unspent = np.zeros(model.layout.n_communities)  # incubation money not yet used
        self.hours_added = np.zeros(model.layout.n_communities)  # contribution to levers.so_funded_hours

    def projects(self, model: StreetModel) -> None:
        """Quarterly: incubate where the money suffices, pay the grants (staff hours for the quarter)."""
        lay, p, lv = model.layout, self.p, model.levers
        factor = model.budget_factor()
        per_community = lay.households_per_community
        self.unspent += per_1000(p["incubation_budget"], per_community) * factor
        spent = 0.0
        # organisations by community, counted once (and as they are added), not for every community
        orgs = np.bincount([so.community for so in model.social_orgs], minlength=lay.n_communities).tolist()
        for c in range(lay.n_communities):
            while (self.unspent[c] >= p["incubation_cost"] and orgs[c] < p["target_per_community"]
                   and model.add_social_organisation(c) is not None):
                orgs[c] += 1
                self.unspent[c] -= p["incubation_cost"]
                spent += p["incubation_cost"]
        grant = per_1000(p["grant"], per_community) * factor
        hours = np.full(lay.n_communities, grant / (WEEKS_PER_QUARTER * model.p["so_hour_cost"]))
        lv.so_funded_hours += hours - self.hours_added
        self.hours_added = hours
        self.cost_this_week = spent + grant * float(len(model.social_orgs))
