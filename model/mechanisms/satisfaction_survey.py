"""第三方民意调查: a quarterly third-party satisfaction survey with a larger sample and less noise."""

from __future__ import annotations

from model.calendar import WEEKS_PER_QUARTER
from model.mechanisms.base import Mechanism, MechParam, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class SatisfactionSurvey(Mechanism):
    """A third-party firm adds `sample` interviews per 1,000 households to the quarterly
    satisfaction survey (levers.survey_sample_extra); its trained interviewers with validated
    questions measure with `noise_reduction` less error (levers.survey_noise_factor, on its own
    interviews). The survey's estimate (reporter ``survey_satisfied_share``) and its per-compound
    breakdown (``model.survey_by_grid``, which the red/black list reads) are then closer to the
    truth. The loop closes (满意度转化为考核指标): the street office reads the third-party results by
    compound (``model.third_party_by_grid``) when it targets projects, weighting each compound's
    unmet need by 1 + `targeting` × its unsatisfied share (levers.survey_targeting). Cost:
    interviews in survey weeks, plus a fixed contract share every week. No interviews, no loop."""

    key = "satisfaction_survey"
    name_zh = "第三方民意调查"
    name_en = "Third-party satisfaction survey"
    summary = "Quarterly third-party survey: larger sample, less measurement error; its per-compound results steer project targeting and the red/black list."
    summary_zh = "每季度第三方民意调查：样本更大、测量误差更小；分小区的结果引导项目投放和红黑榜。"
    sources = (
        "004 Nan'an: 按季度开展第三方满意度调查, 把群众满意度转化为考核指标",
    )
    phases = ("setup", "observe")
    parameters = (
        MechParam("sample", 300.0, 0.0, 1000.0, "interviews/1,000 households/quarter", "调查样本量",
                  "Third-party sample", "Households the third-party survey adds to the quarterly sample per 1,000 households.",
                  main=True,
                  resource=True,
                  source="004 Nan'an: 委托第三方民意调研机构, 每季度形成社区(村)的民意调查报告; the sample is assumed",
                  prior=Prior.uniform(50.0, 500.0)),
        MechParam("noise_reduction", 0.6, 0.0, 1.0, "share", "测量误差降低", "Noise reduction",
                  "Share of the survey's measurement error removed by trained interviewers and validated questions.",
                  assumption="trained interviewers and validated questions cut measurement error; size not measured",
                  prior=Prior.uniform(0.2, 0.8)),
        MechParam("targeting", 1.0, 0.0, 10.0, "weight", "满意度用于项目安排", "Weight in project targeting",
                  "Unmet need of a compound is weighted by 1 + this × its unsatisfied share in the third-party survey.",
                  main=True,
                  source="004 Nan'an: 将群众的满意度数据化、指标化, 形成正向反馈 (the survey steers work); the weight is assumed",
                  prior=Prior.uniform(0.0, 3.0)),
        MechParam("cost_per_interview", 40.0, 0.0, 10000.0, "yuan/interview", "每份问卷成本", "Cost per interview",
                  "Cost of one completed interview.",
                  assumption="a face-to-face interview by a survey firm; not measured",
                  prior=Prior.uniform(20.0, 80.0)),
        MechParam("contract_cost_per_week", 300.0, 0.0, 1e6, "yuan/community/week", "合同固定成本",
                  "Fixed contract cost", "Fixed part of the third-party contract (design, reporting) per community a week.",
                  assumption="design and reporting share of the contract; not measured",
                  prior=Prior.uniform(100.0, 600.0)),
    )

    def setup(self, model: StreetModel) -> None:
        lv = model.levers
        extra = round(per_1000(self.p["sample"], model.layout.n_households))
        lv.survey_sample_extra += extra
        lv.survey_noise_factor *= 1.0 - self.p["noise_reduction"]
        lv.survey_targeting += self.p["targeting"]  # reads model.third_party_by_grid: NaN without interviews

    def observe(self, model: StreetModel) -> None:
        n_c = model.layout.n_communities
        cost = self.p["contract_cost_per_week"] * n_c
        if model.week % WEEKS_PER_QUARTER == 0:
            base, n = model.p["survey_sample_size"], model.households.n
            interviews = min(base + model.levers.survey_sample_extra, n) - min(base, n)
            cost += interviews * self.p["cost_per_interview"]
        self.cost_this_week = cost
