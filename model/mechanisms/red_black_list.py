"""物业红黑榜: a quarterly public rating of property firms; black-listed firms rectify or are replaced."""

from __future__ import annotations

import numpy as np

from model.arrays import clip
from model.calendar import WEEKS_PER_QUARTER
from model.event_log import event
from model.issue_holders import FIRM
from model.mechanisms.base import Mechanism, MechParam, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class RedBlackList(Mechanism):
    """At the end of each quarter every firm is rated from survey and resolution data: rating =
    `survey_weight` · the compound's share satisfied in that quarter's satisfaction survey
    (``model.survey_by_grid``: the routine survey, larger and more precise with the third-party
    survey) + (1 − `survey_weight`) · mean outcome of the issues the firm resolved or let expire
    that quarter (1 on time, falling with delay, 0 given up). A firm below `black_threshold` is
    black-listed (红黑榜 published) and pays for it: rating pressure turns `pressure` of its margin
    into service (levers.rating_pressure) and it spends `rectify_share` of its fee roll from cash
    on rectification (levers.extra_effort_share). A firm black-listed `replace_after` quarters
    running, counting only quarters it served in full, is replaced by the street (re-tender, 清退)
    with probability `replace_prob`. A firm at or above `red_threshold` is red-listed (published;
    nothing else follows). Its own contributions to the per-compound levers are added and
    removed, never overwritten."""

    key = "red_black_list"
    name_zh = "物业红黑榜"
    name_en = "Red/black list of property firms"
    summary = "Quarterly public rating of firms from the survey and resolution: black-listed firms pay to rectify, under margin pressure, or are replaced."
    summary_zh = "每季度依据民意调查和诉求办结情况公开评议物业：上黑榜的物业需出钱整改、承受利润压力，或被更换。"
    sources = ("003 Hangzhou node city: 物业企业“红黑榜”等机制",)
    phases = ("resolution", "observe")
    parameters = (
        MechParam("survey_weight", 0.5, 0.0, 1.0, "weight", "调查权重", "Survey weight",
                  "Weight of residents' surveyed satisfaction with the firm in the rating; the rest is resolution performance.",
                  assumption="the rating weighs residents' satisfaction and resolution equally; 003 gives no formula",
                  prior=Prior.uniform(0.2, 0.8)),
        MechParam("black_threshold", 0.4, 0.0, 1.0, "rating", "黑榜线", "Black-list threshold",
                  "Firms rated below this are black-listed.", main=True,
                  assumption="firms rated below 0.4 black-listed; 003 names the list, not the rule",
                  prior=Prior.uniform(0.3, 0.5)),
        MechParam("red_threshold", 0.65, 0.0, 1.0, "rating", "红榜线", "Red-list threshold",
                  "Firms rated at or above this are red-listed.",
                  assumption="firms rated 0.65 or more red-listed; not given",
                  prior=Prior.uniform(0.55, 0.8)),
        MechParam("pressure", 0.6, 0.0, 1.0, "share", "黑榜压力", "Black-list pressure",
                  "Rating pressure on a black-listed firm: share of its margin turned into service effort.", main=True,
                  resource=True,
                  source="003 Hangzhou node city: 物业企业“红黑榜”; the margin a black-listed firm turns into service is assumed",
                  prior=Prior.uniform(0.2, 1.0)),
        MechParam("rectify_share", 0.08, 0.0, 0.5, "share of fee roll/month", "整改投入", "Rectification spend",
                  "Extra monthly service spend of a black-listed firm, out of its cash, as a share of its full fee roll.",
                  resource=True,
                  assumption="rectification (整改) spend of a black-listed firm; not measured",
                  prior=Prior.uniform(0.02, 0.15)),
        MechParam("replace_after", 2, 1, 20, "quarters", "清退前连续黑榜季数", "Quarters before replacement",
                  "Consecutive black-listed quarters after which the street may replace the firm.",
                  assumption="a policy setting: how long a firm may stay black-listed before re-tender; 003 gives no rule",
                  prior=None,
                  tags=("structural",)),
        MechParam("replace_prob", 0.5, 0.0, 1.0, "probability/quarter", "清退概率", "Replacement probability",
                  "Chance each quarter that a firm black-listed long enough is replaced by re-tender.", main=True,
                  resource=True,
                  assumption="chance a re-tender replaces a firm black-listed long enough; not measured",
                  prior=Prior.uniform(0.2, 0.8)),
        MechParam("cost_per_rating", 2000.0, 0.0, 1e6, "yuan/compound/quarter", "评级成本", "Rating cost",
                  "Cost of rating one compound's firm (inspection, data, publication) each quarter.",
                  assumption="inspection, data and publication per compound a quarter; not measured",
                  prior=Prior.uniform(1000.0, 4000.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        g = model.layout.n_grids
        self.outcome_sum = np.zeros(g)  # this quarter's issue outcomes of each compound's firm (see _tally)
        self.outcome_n = np.zeros(g)
        # the quarter's weeks not yet tallied: each week's week, weeks surfaced and created and grids
        # of the firms' resolved issues, and the grids of those they gave up (tallied at once when
        # the quarter is rated)
        self._done_weeks: list[int] = []
        self._done_surfaced: list[np.ndarray] = []
        self._done_created: list[np.ndarray] = []
        self._done_grids: list[np.ndarray] = []
        self._failed_grids: list[np.ndarray] = []
        self.rating = np.full(g, np.nan)  # last published rating
        self.black = np.zeros(g, dtype=bool)
        self.red = np.zeros(g, dtype=bool)
        self.black_run = np.zeros(g, dtype=np.int64)  # consecutive black-listed quarters
        self.pressure_added = np.zeros(g)
        self.rectify_added = np.zeros(g)
        self.replaced = 0
        self.since = np.zeros(g, dtype=np.int64)  # week the current firm was first seen in place
        self.present_list = [f.present for f in model.firms]
        self.was_present = np.array(self.present_list)
        self.at_firm = model.holders.kind == FIRM  # by holder (fixed for the run)

    def resolution(self, model: StreetModel) -> None:
        """Note the issues the firms resolved (their weeks of waiting) or gave up this week."""
        iss = model.issues
        # the firms' issues only; given-up ones count with outcome 0
        done = iss.week_events.resolved_rows()
        done = done.compress(self.at_firm.take(iss.holder.take(done)))
        failed = iss.week_events.expired_open_rows()
        if failed.size:
            failed = failed.compress(self.at_firm.take(iss.holder.take(failed)))
            if failed.size:
                self._failed_grids.append(iss.grid.take(failed))
        if done.size:
            self._done_weeks.append(model.week)
            self._done_surfaced.append(iss.surfaced.take(done))
            self._done_created.append(iss.created.take(done))
            self._done_grids.append(iss.grid.take(done))

    def _tally(self, n: int) -> None:
        """Add the untallied weeks' outcomes to `outcome_sum` and `outcome_n`, as if each week had
        been added in its own week: 1 − 0.5·max(0, wait − expect)/expect, between 0 and 1, summed by
        grid within each week in row order, the weeks' sums added one after the other (one
        bincount over (week, grid) cells and one addition per week, not a dozen calls per week). The
        wait runs from the week surfaced, as in the households' feedback (from the week created for
        issues closed before they surfaced: their surfaced week is `NO_WEEK`, and a surfaced issue
        surfaced no earlier than it was created). Warm-up weeks are negative, so "surfaced" is never
        told by the sign of the week."""
        grids = self._done_grids
        if grids:
            expect = self.model.p["expected_resolution_weeks"]
            sizes = [g.size for g in grids]
            surfaced = np.concatenate(self._done_surfaced)
            start = np.maximum(surfaced, np.concatenate(self._done_created))
            outcome = np.subtract(np.repeat(self._done_weeks, sizes), start, dtype=np.float64)  # exact as float64
            outcome -= expect
            np.maximum(0.0, outcome, out=outcome)
            outcome *= 0.5
            outcome /= expect
            np.subtract(1.0, outcome, out=outcome)
            clip(outcome, 0.0, 1.0, out=outcome)
            grid = np.concatenate(grids)
            cell = np.repeat(np.arange(0, len(grids) * n, n), sizes)
            cell += grid
            by_week = np.bincount(cell, weights=outcome, minlength=len(grids) * n).reshape(len(grids), n)
            for week_sums in by_week:  # one week after the other, as the weekly additions did
                self.outcome_sum += week_sums
            self.outcome_n += np.bincount(grid, minlength=n)
        if self._failed_grids:
            self.outcome_n += np.bincount(np.concatenate(self._failed_grids), minlength=n)  # + 0 for each given up
        self._done_weeks, self._done_surfaced, self._done_created = [], [], []
        self._done_grids, self._failed_grids = [], []

    def observe(self, model: StreetModel) -> None:
        present_now = [f.present for f in model.firms]
        if present_now != self.present_list:  # a firm came or left: note since when the new ones are in place
            present = np.array(present_now)
            self.since[present & ~self.was_present] = model.week
            self.was_present, self.present_list = present, present_now
        if model.week % WEEKS_PER_QUARTER != 0:
            return
        self._tally(len(self.outcome_sum))
        present = self.was_present
        p, lv = self.p, model.levers
        resolution = np.where(self.outcome_n > 0, self.outcome_sum / np.maximum(self.outcome_n, 1), 0.5)
        survey = np.where(np.isnan(model.survey_by_grid), resolution, model.survey_by_grid)  # unsampled: resolution only
        rating = p["survey_weight"] * survey + (1.0 - p["survey_weight"]) * resolution
        self.rating = np.where(present, rating, np.nan)
        self.black = present & (rating < p["black_threshold"])
        self.red = present & (rating >= p["red_threshold"])
        full_quarter = self.since <= model.week - WEEKS_PER_QUARTER
        self.black_run = np.where(self.black, self.black_run + full_quarter, 0)
        for g in np.flatnonzero(self.black):
            model.events.append(event(model.week, "black_list", compound=int(g), rating=float(rating[g])))
        due = np.flatnonzero(self.black & (self.black_run >= p["replace_after"]))
        if due.size:
            replace = due[model.rng.random(due.size) < p["replace_prob"]]
            for g in replace:
                model.property_economy.hire_firm(int(g), "black_list_retender")
                self.black[g] = False
                self.black_run[g] = 0
                self.since[g] = model.week
                self.replaced += 1
        pressure = np.where(self.black, p["pressure"], 0.0)
        rectify = np.where(self.black, p["rectify_share"], 0.0)
        lv.rating_pressure += pressure - self.pressure_added
        lv.extra_effort_share += rectify - self.rectify_added
        self.pressure_added, self.rectify_added = pressure, rectify
        self.outcome_sum[:] = 0.0
        self.outcome_n[:] = 0.0
        self.cost_this_week = p["cost_per_rating"] * int(present.sum())
