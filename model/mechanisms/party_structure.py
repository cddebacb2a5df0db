"""党组织下沉: Party groups in every building and Party-member households as local role models."""

from __future__ import annotations

from model.mechanisms.base import Mechanism, MechParam, coverage, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class PartyStructure(Mechanism):
    """The Party structure is pushed down to community Party committee → grid branch → building
    Party group → Party-member household (党员中心户). The building Party groups work
    `group_hours` per 1,000 households a week: the hours organise activities (extra volunteer
    slots), and the groups' contact work covers min(1, group_hours / `hours_needed`) of the
    buildings, in proportion to which branches mobilise more (`mobilisation_bonus` adds to every
    branch's mobilisation: Party members take part more and branches organise more slots) and an
    active Party-member neighbour weighs `role_model` times more in the share of neighbours who
    took part (levers.party_role_model, a bounded weighted share). No group hours, no effect.
    Cost: activity funds of the building groups and allowances of Party-member households."""

    key = "party_structure"
    name_zh = "党组织下沉"
    name_en = "Party structure pushed down"
    summary = "Building Party groups and Party-member households: more mobilisation, more activities, Party members as role models."
    summary_zh = "楼栋党小组和党员户：动员更多、活动更多，党员发挥示范作用。"
    sources = (
        "002 Xiangyang: 社区党委—网格党支部—楼栋党小组—党员中心户",
        "003 Hangzhou node city: 解决基层党组织弱化、虚化、边缘化; 红色楼道长",
        "000 Qiaokou: “党员+志愿”",
    )
    phases = ("setup",)
    parameters = (
        MechParam("mobilisation_bonus", 0.3, 0.0, 1.0, "level", "动员力提升", "Mobilisation bonus",
                  "Added to every Party branch's mobilisation (capped at 1).", main=True,
                  source="002 Xiangyang: 社区党委—网格党支部—楼栋党小组—党员中心户; 003: 解决基层党组织弱化、虚化、边缘化; size assumed",
                  prior=Prior.uniform(0.1, 0.5)),
        MechParam("group_hours", 12.0, 0.0, 500.0, "hours/1,000 households/week", "楼栋党小组工时", "Building group hours",
                  "Hours the building Party groups spend organising activities and on contact work a week.", main=True,
                  resource=True,
                  source="002 Xiangyang: 楼栋党小组; hours assumed (half an hour a week per building of 40 households)",
                  prior=Prior.uniform(4.0, 25.0)),
        MechParam("hours_needed", 12.0, 0.1, 500.0, "hours/1,000 households/week", "全覆盖所需工时",
                  "Hours for full coverage", "Building-group hours a week that reach every building.",
                  assumption="building-group hours that reach every building; not measured",
                  prior=Prior.uniform(6.0, 25.0)),
        MechParam("role_model", 3.0, 0.0, 20.0, "×", "党员示范作用", "Role-model weight",
                  "Extra weight of an active Party-member neighbour in the share of neighbours who took part.",
                  main=True,
                  source="000 Qiaokou: “党员+志愿”, “模范+志愿” (members lead by example); the weight is assumed",
                  prior=Prior.uniform(0.0, 6.0)),
        MechParam("cost_per_building_week", 60.0, 0.0, 1e5, "yuan/building/week", "楼栋党小组经费", "Cost per building",
                  "Activity funds and Party-member household allowances per building a week.",
                  assumption="activity funds and Party-member household allowances; not measured",
                  prior=Prior.uniform(20.0, 120.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        self.running_cost = self.p["cost_per_building_week"] * model.layout.n_buildings  # yuan a week, fixed

    def setup(self, model: StreetModel) -> None:
        lv, p, lay = model.levers, self.p, model.layout
        share = coverage(p["group_hours"], p["hours_needed"])
        lv.mobilisation_bonus += p["mobilisation_bonus"] * share
        lv.party_role_model += p["role_model"] * share
        hours = per_1000(p["group_hours"], lay.households_per_community)
        lv.extra_slots_per_community += hours * model.p["slots_per_organiser_hour"]

    def weekly_cost(self, model: StreetModel) -> float:
        """Building groups' activity funds and allowances."""
        return self.running_cost
