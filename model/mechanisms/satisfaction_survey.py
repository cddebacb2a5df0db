"""第三方民意调查: a quarterly third-party satisfaction survey with a larger sample and less noise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel

WEEKS_PER_QUARTER = 13  # the model's survey runs in weeks divisible by this


@register
class SatisfactionSurvey(Mechanism):
    """A third-party firm runs the quarterly satisfaction survey: `sample_per_community` more
    households are interviewed (levers.survey_sample_extra) and trained interviewers with validated
    questions cut the measurement error by `noise_reduction` (levers.survey_noise_factor). The
    survey's estimate (reporter ``survey_satisfied_share``) and its per-compound breakdown
    (``model.survey_by_grid``, which the red/black list and other evaluations read) are then closer
    to the truth. The survey changes no one's satisfaction by itself; it only informs whoever uses
    it. Cost: interviews in survey weeks, plus a fixed contract share every week."""

    key = "satisfaction_survey"
    name_zh = "第三方民意调查"
    name_en = "Third-party satisfaction survey"
    summary = "Quarterly third-party survey: larger sample, less measurement error; its per-compound results feed evaluation."
    sources = (
        "004 Nan'an: 按季度开展第三方满意度调查, 把群众满意度转化为考核指标",
    )
    phases = ("setup", "observe")
    parameters = (
        MechParam("sample_per_community", 600, 0, 100000, "households/community", "调查样本量",
                  "Third-party sample", "Households the third-party survey adds to the quarterly sample per community.",
                  main=True),
        MechParam("noise_reduction", 0.6, 0.0, 1.0, "share", "测量误差降低", "Noise reduction",
                  "Share of the survey's measurement error removed by trained interviewers and validated questions."),
        MechParam("cost_per_interview", 40.0, 0.0, 10000.0, "yuan/interview", "每份问卷成本", "Cost per interview",
                  "Cost of one completed interview."),
        MechParam("contract_cost_per_week", 300.0, 0.0, 1e6, "yuan/community/week", "合同固定成本",
                  "Fixed contract cost", "Fixed part of the third-party contract (design, reporting) per community a week."),
    )

    def setup(self, model: CoGovernanceModel) -> None:
        model.levers.survey_sample_extra += self.p["sample_per_community"] * model.layout.n_communities
        model.levers.survey_noise_factor *= 1.0 - self.p["noise_reduction"]

    def observe(self, model: CoGovernanceModel) -> None:
        n_c = model.layout.n_communities
        cost = self.p["contract_cost_per_week"] * n_c
        if model.week % WEEKS_PER_QUARTER == 0:
            base, n = model.p["survey_sample_size"], model.households.n
            interviews = min(base + model.levers.survey_sample_extra, n) - min(base, n)
            cost += interviews * self.p["cost_per_interview"]
        self.cost_this_week = cost
