"""五社联动: community, social organisations, social workers, volunteers and charity resources linked."""

from __future__ import annotations

import numpy as np

from model.calendar import WEEKS_PER_QUARTER
from model.mechanisms.base import Mechanism, MechParam, coverage, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class VolunteerLinkage(Mechanism):
    """The community links social organisations, social workers, volunteers and charity resources
    (五社联动). `social_workers` per 1,000 households each spend `organising_hours` a week
    organising volunteer activities (extra slots at the model's slots per organiser hour) and the
    rest of their week running a volunteer registry that matches residents to activities that suit
    them: everyone's participation cost falls by `matching` × min(1, social_workers /
    `registry_workers`). Charity resources (`charity` yuan per 1,000 households a quarter) are
    granted to the community's social organisations and buy staff hours at ``so_hour_cost``
    (levers.so_funded_hours): more services, slots and issue hours. Cost: social workers' wages,
    coordination and the charity money per community."""

    key = "volunteer_linkage"
    name_zh = "五社联动"
    name_en = "Five-society linkage"
    summary = "Social workers organise activities and match volunteers to them; charity money buys social organisations' hours."
    summary_zh = "社会工作者组织活动并为活动匹配志愿者；慈善资金购买社会组织的工时。"
    sources = (
        "002 Xiangyang: “五社联动”（社区、社会组织、社会工作者、社区志愿者、社会慈善资源）",
        "003 Hangzhou node city: 五社联动",
        "000 Qiaokou: “社工+志愿”, “模范+志愿”; 一呼百应社会共治",
        "001 Qingyang: 社工人才计划, 志愿者联合会",
    )
    phases = ("setup", "projects")
    parameters = (
        MechParam("social_workers", 1.0, 0.0, 30.0, "workers/1,000 households", "每千户社工", "Social workers",
                  "Professional social workers per 1,000 households.", main=True,
                  resource=True,
                  source="002 Xiangyang: “五社联动” (社会工作者); 001: 社工人才计划; about one social worker per 1,000 households assumed",
                  prior=Prior.uniform(0.3, 2.0)),
        MechParam("organising_hours", 20.0, 0.0, 40.0, "hours/worker/week", "社工组织时长", "Organising hours",
                  "Hours a social worker spends organising volunteer activities a week (the rest runs the registry).",
                  assumption="half a social worker's week organising volunteer activities",
                  prior=Prior.uniform(10.0, 30.0)),
        MechParam("matching", 0.3, 0.0, 3.0, "logit", "志愿匹配", "Volunteer matching",
                  "Taken off everyone's participation cost when the registry is fully staffed.", main=True,
                  source="000 Qiaokou: “社工+志愿” (social workers professionalise volunteering); size on the logit scale assumed",
                  prior=Prior.uniform(0.1, 0.6)),
        MechParam("registry_workers", 1.0, 0.01, 30.0, "workers/1,000 households", "志愿登记所需社工",
                  "Social workers for a full registry", "Social workers per 1,000 households that run the registry fully.",
                  assumption="social workers per 1,000 households that run a full registry; not measured",
                  prior=Prior.uniform(0.5, 2.0)),
        MechParam("charity", 15000.0, 0.0, 1e7, "yuan/1,000 households/quarter", "慈善资源", "Charity resources",
                  "Charity money granted to the community's social organisations a quarter.", main=True,
                  resource=True,
                  source="002 Xiangyang: “五社联动”（社会慈善资源）; the amount is assumed",
                  prior=Prior.uniform(0.0, 30000.0)),
        MechParam("wage_per_week", 1500.0, 0.0, 1e5, "yuan/worker/week", "社工周薪", "Social worker wage",
                  "Weekly cost of one social worker.",
                  assumption="a social worker's wage with overheads, about 6,000 yuan a month",
                  prior=Prior.uniform(1000.0, 2000.0)),
        MechParam("coordination_cost_per_week", 800.0, 0.0, 1e6, "yuan/community/week", "联动协调成本",
                  "Coordination cost", "Coordination of the five parties per community a week.",
                  assumption="coordinating the five parties; not measured",
                  prior=Prior.uniform(300.0, 1500.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        self.hours_added = np.zeros(model.layout.n_communities)  # contribution to levers.so_funded_hours
        p = self.p  # wages and coordination are the same every week: worked out once
        per_community = self._workers(model) * p["wage_per_week"] + p["coordination_cost_per_week"]
        self.running_cost = per_community * model.layout.n_communities

    def _workers(self, model: StreetModel) -> float:
        """Social workers per community."""
        return per_1000(self.p["social_workers"], model.layout.households_per_community)

    def setup(self, model: StreetModel) -> None:
        lv, p = model.levers, self.p
        lv.extra_slots_per_community += self._workers(model) * p["organising_hours"] * model.p["slots_per_organiser_hour"]
        lv.participation_cost_delta -= p["matching"] * coverage(p["social_workers"], p["registry_workers"])

    def projects(self, model: StreetModel) -> None:
        """Quarterly: the charity money is granted to the social organisations (staff hours)."""
        lay = model.layout
        money = per_1000(self.p["charity"], lay.households_per_community)
        orgs = np.bincount([so.community for so in model.social_orgs], minlength=lay.n_communities)
        hours = np.where(orgs > 0, money / np.maximum(orgs, 1), 0.0) / (WEEKS_PER_QUARTER * model.p["so_hour_cost"])
        model.levers.so_funded_hours += hours - self.hours_added
        self.hours_added = hours
        self.cost_this_week = money * float((orgs > 0).sum())

    def weekly_cost(self, model: StreetModel) -> float:
        """Social workers' wages and coordination in every community, plus the charity money in grant weeks."""
        return self.cost_this_week + self.running_cost
