"""党组织下沉: Party groups in every building and Party-member households as local role models."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel


@register
class PartyStructure(Mechanism):
    """The Party structure is pushed down to community Party committee → grid branch → building
    Party group → Party-member household (党员中心户). Branches mobilise more (`mobilisation_bonus`
    adds to every branch's mobilisation: Party members take part more and branches organise more
    slots); each building Party group spends `group_hours` a week organising activities (extra
    volunteer slots); and an active Party-member neighbour weighs `role_model` times more in the
    share of neighbours who took part (levers.party_role_model, a bounded weighted share). Cost:
    activity funds of the building groups and allowances of Party-member households."""

    key = "party_structure"
    name_zh = "党组织下沉"
    name_en = "Party structure pushed down"
    summary = "Building Party groups and Party-member households: more mobilisation, more activities, Party members as role models."
    sources = (
        "002 Xiangyang: 社区党委—网格党支部—楼栋党小组—党员中心户",
        "003 Hangzhou node city: 解决基层党组织弱化、虚化、边缘化; 红色楼道长",
        "000 Qiaokou: “党员+志愿”",
    )
    phases = ("setup",)
    parameters = (
        MechParam("mobilisation_bonus", 0.3, 0.0, 1.0, "level", "动员力提升", "Mobilisation bonus",
                  "Added to every Party branch's mobilisation (capped at 1).", main=True),
        MechParam("group_hours", 0.5, 0.0, 20.0, "hours/building/week", "楼栋党小组组织时长", "Building group hours",
                  "Hours a building Party group spends organising activities a week (extra volunteer slots)."),
        MechParam("role_model", 3.0, 0.0, 20.0, "×", "党员示范作用", "Role-model weight",
                  "Extra weight of an active Party-member neighbour in the share of neighbours who took part.",
                  main=True),
        MechParam("cost_per_building_week", 60.0, 0.0, 1e5, "yuan/building/week", "楼栋党小组经费", "Cost per building",
                  "Activity funds and Party-member household allowances per building a week."),
    )

    def setup(self, model: CoGovernanceModel) -> None:
        lv, p, lay = model.levers, self.p, model.layout
        lv.mobilisation_bonus += p["mobilisation_bonus"]
        lv.party_role_model += p["role_model"]
        buildings_per_community = lay.grids * lay.buildings_per_grid
        lv.extra_slots_per_community += buildings_per_community * p["group_hours"] * model.p["slots_per_organiser_hour"]

    def weekly_cost(self, model: CoGovernanceModel) -> float:
        """Building groups' activity funds and allowances."""
        return self.p["cost_per_building_week"] * model.layout.n_buildings
