"""五社联动: community, social organisations, social workers, volunteers and charity resources linked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel


@register
class VolunteerLinkage(Mechanism):
    """The community links social organisations, social workers, volunteers and charity resources
    (五社联动). `social_workers` per community each spend `organising_hours` a week organising
    volunteer activities (extra slots at the model's slots per organiser hour); a volunteer
    registry matches residents to activities that suit them, which lowers everyone's participation
    cost by `matching`; and charity resources and social-work support let social organisations grow:
    their capacity factor rises by `so_growth` each quarter up to `so_max_factor` (their services,
    slots and issue hours all scale with it). Cost: social workers' wages plus coordination and
    matched charity money per community."""

    key = "volunteer_linkage"
    name_zh = "五社联动"
    name_en = "Five-society linkage"
    summary = "Social workers organise activities, volunteers are matched to them, social organisations grow."
    sources = (
        "002 Xiangyang: “五社联动”（社区、社会组织、社会工作者、社区志愿者、社会慈善资源）",
        "003 Hangzhou node city: 五社联动",
        "000 Qiaokou: “社工+志愿”, “模范+志愿”; 一呼百应社会共治",
        "001 Qingyang: 社工人才计划, 志愿者联合会",
    )
    phases = ("setup", "projects")
    parameters = (
        MechParam("social_workers", 2.0, 0.0, 50.0, "workers/community", "社工人数", "Social workers",
                  "Professional social workers per community.", main=True),
        MechParam("organising_hours", 20.0, 0.0, 40.0, "hours/worker/week", "社工组织时长", "Organising hours",
                  "Hours a social worker spends organising volunteer activities a week."),
        MechParam("matching", 0.3, 0.0, 3.0, "logit", "志愿匹配", "Volunteer matching",
                  "Taken off everyone's participation cost: the registry offers each resident activities that fit.",
                  main=True),
        MechParam("so_growth", 0.05, 0.0, 1.0, "1/quarter", "社会组织成长", "Social-organisation growth",
                  "Quarterly growth of social organisations' capacity from charity resources and support."),
        MechParam("so_max_factor", 1.5, 1.0, 5.0, "×", "社会组织能力上限", "Growth cap",
                  "Largest multiple of their initial capacity social organisations reach under the linkage."),
        MechParam("wage_per_week", 1500.0, 0.0, 1e5, "yuan/worker/week", "社工周薪", "Social worker wage",
                  "Weekly cost of one social worker."),
        MechParam("coordination_cost_per_week", 800.0, 0.0, 1e6, "yuan/community/week", "联动与慈善配套",
                  "Coordination and charity match", "Coordination and matched charity money per community a week."),
    )

    def __init__(self, model: CoGovernanceModel, values: dict) -> None:
        super().__init__(model, values)
        self.so_factor = 1.0  # this mechanism's contribution to levers.so_capacity_factor

    def setup(self, model: CoGovernanceModel) -> None:
        lv, p = model.levers, self.p
        lv.extra_slots_per_community += p["social_workers"] * p["organising_hours"] * model.p["slots_per_organiser_hour"]
        lv.participation_cost_delta -= p["matching"]

    def projects(self, model: CoGovernanceModel) -> None:
        """Quarterly: social organisations grow (this mechanism's factor only; others' stay)."""
        new = min(self.p["so_max_factor"], self.so_factor * (1.0 + self.p["so_growth"]))
        model.levers.so_capacity_factor *= new / self.so_factor
        self.so_factor = new

    def weekly_cost(self, model: CoGovernanceModel) -> float:
        """Social workers' wages and coordination in every community."""
        p = self.p
        return (p["social_workers"] * p["wage_per_week"] + p["coordination_cost_per_week"]) * model.layout.n_communities
