"""三师进社区: a community planner, strategist and designer raise project match and effect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel


@register
class ProfessionalSupport(Mechanism):
    """Each community gets a planner (规划师: collects needs, proposes projects), a strategist
    (策划师: sustainable use) and a designer (设计师: spatial quality). Project choice matches needs
    better (levers.project_match_bonus: top-down choice noise × (1 − bonus), additive, capped by the
    model at 1) and completed projects lift quality more (levers.project_effect_factor × (1 + gain))."""

    key = "professional_support"
    name_zh = "三师进社区"
    name_en = "Planner, strategist and designer in the community"
    summary = "Community planner, strategist and designer: better-matched projects with larger effects."
    sources = ("004 Nan'an: 引入社区(村)规划师、策划师、设计师; “三师”运作经费",)
    phases = ("setup",)
    parameters = (
        MechParam("match_bonus", 0.5, 0.0, 1.0, "share", "匹配改进", "Match bonus",
                  "Share of top-down project-choice noise removed by professional needs assessment.", main=True),
        MechParam("effect_gain", 0.3, 0.0, 2.0, "share", "项目效果提升", "Effect gain",
                  "Extra quality lift of completed projects (design and planning quality).", main=True),
        MechParam("cost_per_week", 3000.0, 0.0, 1e6, "yuan/community/week", "三师费用", "Cost",
                  "Fees of the three part-time professionals per community a week."),
    )

    def setup(self, model: CoGovernanceModel) -> None:
        lv = model.levers
        lv.project_match_bonus += self.p["match_bonus"]
        lv.project_effect_factor *= 1.0 + self.p["effect_gain"]

    def weekly_cost(self, model: CoGovernanceModel) -> float:
        return self.p["cost_per_week"] * model.layout.n_communities
