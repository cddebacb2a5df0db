"""三师进社区: a community planner, strategist and designer raise project match and effect."""

from __future__ import annotations

from model.mechanisms.base import Mechanism, MechParam, coverage, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class ProfessionalSupport(Mechanism):
    """Each community gets a planner (规划师: collects needs, proposes projects), a strategist
    (策划师: sustainable use) and a designer (设计师: spatial quality), paid for `hours_per_week`
    per 1,000 households. Their work covers min(1, hours / `hours_needed`) of the community's
    projects: project choice matches needs better (levers.project_match_bonus += `match_bonus` ×
    coverage: top-down choice noise × (1 − bonus), capped by the model at 1) and completed
    projects lift quality more (levers.project_effect_factor × (1 + `effect_gain` × coverage)).
    No professional hours, no effect."""

    key = "professional_support"
    name_zh = "三师进社区"
    name_en = "Planner, strategist and designer in the community"
    summary = "Community planner, strategist and designer: better-matched projects with larger effects."
    summary_zh = "社区规划师、策划师和设计师：项目与需求更匹配，效果更大。"
    sources = ("004 Nan'an: 引入社区(村)规划师、策划师、设计师; “三师”运作经费",)
    phases = ("setup",)
    parameters = (
        MechParam("hours_per_week", 8.0, 0.0, 500.0, "hours/1,000 households/week", "三师工时", "Professional hours",
                  "Hours the planner, strategist and designer work for the community a week.", main=True,
                  resource=True,
                  source="004 Nan'an: 为各社区(村)配备一名社区规划师 (plus 策划师, 设计师); hours assumed (about a day a week per community)",
                  prior=Prior.uniform(3.0, 20.0)),
        MechParam("hours_needed", 8.0, 0.1, 500.0, "hours/1,000 households/week", "全覆盖所需工时",
                  "Hours for full coverage", "Professional hours a week that cover every project of the community.",
                  assumption="professional hours that cover every project of 1,000 households; not measured",
                  prior=Prior.uniform(4.0, 16.0)),
        MechParam("match_bonus", 0.5, 0.0, 1.0, "share", "匹配改进", "Match bonus",
                  "Share of top-down project-choice noise removed by professional needs assessment.", main=True,
                  source="004 Nan'an: 规划师负责需求的收集, 形成项目清单; the share is assumed",
                  prior=Prior.uniform(0.2, 0.8)),
        MechParam("effect_gain", 0.3, 0.0, 2.0, "share", "项目效果提升", "Effect gain",
                  "Extra quality lift of completed projects (design and planning quality).", main=True,
                  assumption="professionally designed projects serve residents better; the size is not measured",
                  prior=Prior.uniform(0.1, 0.6)),
        MechParam("hour_fee", 200.0, 0.0, 1e4, "yuan/hour", "三师时费", "Fee per hour",
                  "Fee of one professional hour.",
                  assumption="a planner's or designer's hourly fee; not measured",
                  prior=Prior.uniform(100.0, 400.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        self.running_cost = per_1000(self.p["hours_per_week"], model.layout.n_households) * self.p["hour_fee"]  # fixed

    def setup(self, model: StreetModel) -> None:
        lv, p = model.levers, self.p
        share = coverage(p["hours_per_week"], p["hours_needed"])
        lv.project_match_bonus += p["match_bonus"] * share
        lv.project_effect_factor *= 1.0 + p["effect_gain"] * share

    def weekly_cost(self, model: StreetModel) -> float:
        return self.running_cost
