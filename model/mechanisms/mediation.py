"""三官一师 / 调解: judges, prosecutors, police and lawyers give hours to find and settle disputes."""

from __future__ import annotations

import numpy as np

from model.arrays import constant, running_total_before
from model.domains import DISPUTE
from model.mechanisms.base import Mechanism, MechParam, oldest_first, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel

_DISPUTE = np.array(DISPUTE, dtype=np.int8)  # the issue kind as the table stores it (a 0-d array: no conversion a call)


@register
class Mediation(Mechanism):
    """Part-time judges, prosecutors, police officers and lawyers (三官一师) and a neighbourhood
    mediation room (睦邻调解工作室) give `mediator_hours` per 1,000 households a week to neighbour
    disputes (枫桥经验: settle them locally). A share `screening_share` of the hours goes to
    screening (矛盾纠纷排查): each latent dispute found before anyone complains takes
    `hours_per_screen`. The rest mediates open disputes in the community's queues (the residents'
    committee's or a mediation organisation's), oldest first: a professional settles a dispute in
    `dispute_hours_factor` of the hours it takes the holder, so the mediators' hours work off
    that much more of the dispute's remaining hours. Cost: the professionals' hours."""

    key = "mediation"
    name_zh = "三官一师/调解"
    name_en = "Mediation (judges, prosecutors, police, lawyers)"
    summary = "Professional mediators' hours find latent disputes early and settle open ones (枫桥经验: settle disputes locally)."
    summary_zh = "专业调解人员的工时及早发现潜在纠纷并化解已有纠纷（枫桥经验：矛盾就地化解）。"
    sources = (
        "003 Hangzhou node city: “三官一师”（法官、检察官、警官和律师）兼任副书记/调解",
        "002 Xiangyang: “睦邻调解工作室”",
        "000 Qiaokou: “枫桥经验”（矛盾纠纷就地化解）",
    )
    phases = ("issues_surface", "queues")
    parameters = (
        MechParam("mediator_hours", 10.0, 0.0, 500.0, "hours/1,000 households/week", "调解工时", "Mediator hours",
                  "Hours the part-time professionals and the mediation room give disputes a week.", main=True,
                  resource=True,
                  source="003 Hangzhou node city: “三官一师” as part-time mediators; 002: 睦邻调解工作室; hours assumed (a few half-days a week)",
                  prior=Prior.uniform(3.0, 30.0)),
        MechParam("screening_share", 0.3, 0.0, 1.0, "share", "排查工时比例", "Share of hours screening",
                  "Share of the mediators' hours spent screening for latent disputes (矛盾纠纷排查).",
                  source="000 Qiaokou: “枫桥经验” (矛盾纠纷排查); share of hours assumed",
                  prior=Prior.uniform(0.1, 0.5)),
        MechParam("hours_per_screen", 1.0, 0.1, 50.0, "hours/dispute", "排查发现一件纠纷工时", "Hours per dispute found",
                  "Screening hours per latent dispute found.", main=True,
                  assumption="visits per latent dispute found; not measured",
                  prior=Prior.uniform(0.5, 3.0)),
        MechParam("dispute_hours_factor", 0.6, 0.05, 1.0, "×", "专业调解工时系数", "Professional hours factor",
                  "Hours a professional mediator needs for a dispute, relative to the holder's hours.", main=True,
                  assumption="a trained mediator settles a dispute faster than a generalist committee worker; the factor is not measured",
                  prior=Prior.uniform(0.4, 0.9)),
        MechParam("hour_cost", 100.0, 0.0, 1e4, "yuan/hour", "调解工时成本", "Cost per hour",
                  "Allowance of one professional hour, including the mediation room.",
                  assumption="part-time allowance of a judge, police officer or lawyer plus the mediation room",
                  prior=Prior.uniform(50.0, 200.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        p = self.p
        # every community has the same mediator hours (per 1,000 households), fixed for the run: the
        # weekly amounts are worked out once, as one number for all communities
        hours = per_1000(p["mediator_hours"], model.layout.households_per_community)
        self.weekly_cost_yuan = float(np.full(model.layout.n_communities, hours).sum()) * p["hour_cost"]
        self.screening_hours = hours * p["screening_share"]
        self.screens = np.floor(self.screening_hours / p["hours_per_screen"])  # latent disputes found a week
        self.work = hours * (1.0 - p["screening_share"]) / p["dispute_hours_factor"]  # holder-hours equivalent
        self.work_array = constant(self.work)  # as a 0-d array: the same bits, no conversion a call
        self.one_community = model.layout.n_communities == 1

    def issues_surface(self, model: StreetModel) -> None:
        """Screening: latent disputes found, as many as the screening hours allow per community."""
        if self.screening_hours == 0:
            return
        iss = model.issues
        latent = iss.latent_rows()
        latent = latent.compress(iss.kind.take(latent) == _DISPUTE)
        drawn = model.rng.permutation(latent.size)  # the order the screening comes upon them
        if self.one_community:  # the first ones drawn
            if self.screens < latent.size:
                found = latent.take(drawn[: int(self.screens)])
                found.sort()
            else:  # all of them (ascending already)
                found = latent
        else:  # by community, in the drawn order within each
            latent = latent.take(drawn)
            comm = iss.community.take(latent)
            order = comm.astype(np.uint16 if model.layout.n_communities <= 1 << 16 else np.int64).argsort(kind="stable")
            latent, comm = latent.take(order), comm.take(order)
            rank = np.arange(latent.size) - np.searchsorted(comm, comm)
            found = latent.compress(rank < self.screens)
            found.sort()
        iss.surface(found, model.week, by_household=False)
        iss.week_events.discovered += found.size

    def queues(self, model: StreetModel) -> None:
        """Mediation: open disputes in the community's queues, oldest first, out of the other hours."""
        self.cost_this_week = self.weekly_cost_yuan
        work = self.work
        if work == 0:
            return
        iss = model.issues
        rows = iss.open_rows_with(iss.kind[: iss.size] == _DISPUTE)  # all routed to a holder (issues_route runs before the queues)
        if rows.size == 0:
            return
        surfaced = iss.surfaced.take(rows)
        if self.one_community:  # oldest first (ties: rows ascending); one running total
            rows = rows.take(surfaced.argsort(kind="stable"))
            comm = None
        else:
            comm = iss.community.take(rows)
            order = oldest_first(comm, surfaced)  # by community, then oldest (ties: rows ascending)
            rows, comm = rows.take(order), comm.take(order)
        need = iss.remaining.take(rows)
        if float(np.add.reduce(need)) * (1.0 + 1e-9) < work:
            # all of them fit in each community's hours (the street's total does; each running total is
            # at most the total, up to rounding far below the margin): settled, in that order
            iss.resolve(rows, model.week)
            return
        before = running_total_before(need, comm)  # comm None: one running total
        work = self.work_array
        done = before + need <= work
        iss.resolve(rows.compress(done), model.week)
        partial = before < work
        partial &= ~done
        iss.remaining[rows.compress(partial)] -= work - before.compress(partial)
