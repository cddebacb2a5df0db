"""三官一师 / 调解: judges, prosecutors, police and lawyers help the committee settle disputes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.domains import DISPUTE
from model.issues import LATENT
from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel


@register
class Mediation(Mechanism):
    """Part-time judges, prosecutors, police officers and lawyers (三官一师) and a neighbourhood
    mediation room (睦邻调解工作室) find and settle neighbour disputes early (枫桥经验). Each week the
    mediators' screening (矛盾纠纷排查) brings a share `screening` of the latent disputes to the
    record before anyone complains; a dispute takes `dispute_hours_factor` of its usual hours
    wherever it is handled (the residents' committee, or a 'mediation' social organisation where one
    exists); and the committee's competence rises by `competence_bonus` (more effective hours for
    every kind of issue). With the default committee hours the committee is not the bottleneck, so
    screening carries most of the effect; the hours and competence matter where the committee is
    overloaded (few staff, a compound without a firm, many found issues). Cost: allowances of the
    part-time professionals and the mediation room per community."""

    key = "mediation"
    name_zh = "三官一师/调解"
    name_en = "Mediation (judges, prosecutors, police, lawyers)"
    summary = "Disputes take fewer hours and the residents' committee is more competent (枫桥经验: settle disputes locally)."
    sources = (
        "003 Hangzhou node city: “三官一师”（法官、检察官、警官和律师）兼任副书记/调解",
        "002 Xiangyang: “睦邻调解工作室”",
        "000 Qiaokou: “枫桥经验”（矛盾纠纷就地化解）",
    )
    phases = ("setup", "issues_surface")
    parameters = (
        MechParam("dispute_hours_factor", 0.6, 0.05, 1.0, "×", "纠纷调解工时系数", "Dispute hours factor",
                  "Hours a neighbour dispute takes, relative to without professional mediation.", main=True),
        MechParam("competence_bonus", 0.1, 0.0, 0.5, "level", "居委会能力提升", "Committee competence bonus",
                  "Added to the residents' committee's competence (capped at 1).", main=True),
        MechParam("screening", 0.1, 0.0, 1.0, "share/week", "矛盾纠纷排查率", "Dispute screening",
                  "Weekly share of latent (unreported) neighbour disputes that the mediators' screening finds.",
                  main=True),
        MechParam("cost_per_week", 1000.0, 0.0, 1e6, "yuan/community/week", "调解成本", "Mediation cost",
                  "Allowances of the part-time professionals and running the mediation room per community."),
    )

    def setup(self, model: CoGovernanceModel) -> None:
        model.levers.dispute_hours_factor *= self.p["dispute_hours_factor"]
        model.levers.rc_competence_bonus += self.p["competence_bonus"]

    def issues_surface(self, model: CoGovernanceModel) -> None:
        if self.p["screening"] <= 0:
            return
        iss = model.issues
        a = iss.active
        latent = a[(iss.status[a] == LATENT) & (iss.kind[a] == DISPUTE)]
        found = latent[model.rng.random(latent.size) < self.p["screening"]]
        iss.surface(found, model.week, by_household=False)
        iss.week_events.discovered += found.size

    def weekly_cost(self, model: CoGovernanceModel) -> float:
        """Mediation cost in every community."""
        return self.p["cost_per_week"] * model.layout.n_communities
