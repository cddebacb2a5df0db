"""三方联动: joint meetings of residents' committee, owners' committee and property firm."""

from __future__ import annotations

import numpy as np

from model.arrays import ZERO, constant, count_nonzero, running_total_before
from model.issue_holders import STREET
from model.mechanisms.base import Mechanism, MechParam, oldest_first, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel


@register
class ThreePartyLinkage(Mechanism):
    """Every `meeting_interval` weeks the Party organisation convenes the residents' committee,
    owners' committee and property firm of each compound. Each party brings its declared hours
    (per 1,000 households of the compound), taken from that week's issue hours of the firm, the
    committee and the owners' committee (building heads, residents' own time, stand in where there
    is no owners' committee, with `no_oc_effect` of the owners' committee's hours). The pooled
    hours work the compound's open cross-boundary issues in the three parties' queues, oldest
    first: an issue is settled when its remaining hours are covered, and partly worked otherwise.
    Every cross-boundary issue still open after the meeting is tabled: with probability
    `coordination` the parties agree who does it, and it is no longer passed on between meetings
    (its partner is cleared), so the linkage also acts through the costs of buck-passing it
    avoids. No hours, no meeting, no effect."""

    key = "three_party_linkage"
    name_zh = "三方联动"
    name_en = "Three-party linkage"
    summary = "Joint meetings settle cross-boundary issues out of the three parties' hours and end buck-passing of tabled issues."
    summary_zh = "联席会议用三方的工时解决跨边界诉求，上会的诉求不再推诿。"
    sources = (
        "001 Qingyang: 社区党组织、小区党组织、业委会、物业服务企业联席协商平台",
        "002 Xiangyang: 居委会、业委会、物业服务企业三方联动",
        "003 Hangzhou node city: 四治融合 / 三方联动",
    )
    phases = ("queues",)
    parameters = (
        MechParam("meeting_interval", 2, 1, 52, "weeks", "联席会议间隔", "Meeting interval",
                  "Weeks between joint meetings.", main=True,
                  assumption="a policy setting (joint meetings every two weeks in the default; 001/002 give no frequency)",
                  prior=None,
                  tags=("structural",)),
        MechParam("firm_hours", 10.0, 0.0, 200.0, "hours/1,000 households/meeting", "物业会议工时",
                  "Firm hours per meeting", "Property-firm staff hours each joint meeting takes (and works on issues).",
                  main=True,
                  resource=True,
                  source="001 Qingyang: 联席协商平台; 002: 三方联动; hours per meeting assumed (two staff, two hours, per compound of ~300 households plus preparation)",
                  prior=Prior.uniform(3.0, 20.0)),
        MechParam("rc_hours", 10.0, 0.0, 200.0, "hours/1,000 households/meeting", "居委会会议工时",
                  "Committee hours per meeting", "Residents' committee hours each joint meeting takes (and works on issues).",
                  resource=True,
                  source="002 Xiangyang: 居委会、业委会、物业服务企业三方联动; hours per meeting assumed",
                  prior=Prior.uniform(3.0, 20.0)),
        MechParam("oc_hours", 5.0, 0.0, 200.0, "hours/1,000 households/meeting", "业委会会议工时",
                  "Owners' committee hours per meeting",
                  "Owners' committee members' hours each joint meeting takes (at most what the committee has that week).",
                  resource=True,
                  source="002 Xiangyang: 三方联动 with the owners' committee; volunteer hours per meeting assumed",
                  prior=Prior.uniform(1.0, 10.0)),
        MechParam("coordination", 0.8, 0.0, 1.0, "share", "协调程度", "Coordination",
                  "Chance that a cross-boundary issue tabled at a meeting is agreed and no longer passed on.",
                  assumption="an issue tabled at a joint meeting usually gets an agreed owner; chance not measured",
                  prior=Prior.uniform(0.5, 1.0)),
        MechParam("no_oc_effect", 0.5, 0.0, 1.0, "×", "无业委会效果", "Effect without owners' committee",
                  "Where no owners' committee exists, building heads bring this share of its hours and agree "
                  "tabled issues with this share of the coordination chance.",
                  assumption="building heads stand in for a missing owners' committee with less standing; not measured",
                  prior=Prior.uniform(0.2, 0.8)),
        MechParam("cost_per_meeting", 800.0, 0.0, 1e6, "yuan/compound/meeting", "会议成本", "Cost per meeting",
                  "Venue and organising cost of one joint meeting in one compound.",
                  assumption="venue and organising cost; not measured",
                  prior=Prior.uniform(300.0, 1500.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        self.hours_spent_total = 0.0  # meeting hours the three parties spent
        self.settled_total = 0  # cross-boundary issues settled at meetings
        # fixed for the run (owners' committees exist or not from set-up): each compound's party
        # hours a meeting, the holders that give them, and the chance a tabled issue is agreed
        lay, h, p = model.layout, model.holders, self.p
        per_grid = per_1000(1.0, lay.households_per_grid)
        self.has_oc = np.array([oc is not None for oc in model.owners_committees])
        self.all_oc = bool(self.has_oc.all())
        # firms and owners' committees are one holder per compound, in compound order: ranges of holders
        self.firms = slice(h.firm(0), h.firm(lay.n_grids))
        self.rc_ids = h.rc(lay.grid_community)
        self.ocs = slice(h.oc(0), h.oc(lay.n_grids))
        # the hours a meeting takes as 0-d arrays (the same bits as the floats, without their conversion a week)
        self.firm_hours = constant(p["firm_hours"] * per_grid)
        self.rc_hours = constant(p["rc_hours"] * per_grid)
        self.oc_hours = constant(p["oc_hours"] * per_grid)
        self.stand_in_hours = p["oc_hours"] * per_grid * p["no_oc_effect"]  # building heads' own time
        self.agree_chance = p["coordination"] * np.where(self.has_oc, 1.0, p["no_oc_effect"])
        self.not_street = h.kind != STREET  # by holder: who may table an issue (the street's are not)
        self.interval = p["meeting_interval"]
        self.grids_per_community = constant(lay.grids)
        self.one_grid = lay.n_grids == 1

    def queues(self, model: StreetModel) -> None:
        """Meeting weeks: take the parties' hours, work the compounds' cross-boundary issues."""
        if model.week % self.interval != 0:
            return
        h, iss = model.holders, model.issues
        has_oc, cap = self.has_oc, h.capacity
        # each party's hours, at most what it has this week (the committee serves several compounds)
        # (the firms and the owners' committees are ranges of holders: slices, not gathers and scatters)
        firm = np.minimum(self.firm_hours, cap[self.firms])
        cap[self.firms] -= firm
        rc = np.minimum(self.rc_hours, cap.take(self.rc_ids) / self.grids_per_community)
        np.subtract.at(cap, self.rc_ids, rc)
        if self.all_oc:
            oc = np.minimum(self.oc_hours, cap[self.ocs])
            cap[self.ocs] -= oc
        else:  # building heads stand in where there is no owners' committee, out of their own time
            oc = np.where(has_oc, np.minimum(self.oc_hours, cap[self.ocs]), self.stand_in_hours)
            cap[self.ocs] -= np.where(has_oc, oc, 0.0)
        pool = firm + rc
        pool += oc
        held = pool > ZERO
        meetings = count_nonzero(held)
        self.cost_this_week = self.p["cost_per_meeting"] * meetings
        if not meetings:
            return
        self.hours_spent_total += float(np.add.reduce(pool))
        rows = iss.open_rows_with(iss.cross[: iss.size])
        keep = self.not_street.take(iss.holder.take(rows))
        if meetings < held.size:
            keep &= held.take(iss.grid.take(rows))
        rows = rows.compress(keep)
        if rows.size == 0:
            return
        surfaced = iss.surfaced.take(rows)
        if self.one_grid:  # one compound: oldest first (ties: rows ascending)
            rows = rows.take(surfaced.argsort(kind="stable"))
            grid = np.zeros(rows.size, dtype=np.int32)
        else:
            grid = iss.grid.take(rows)
            order = oldest_first(grid, surfaced)  # by compound, then oldest (ties: rows ascending)
            rows, grid = rows.take(order), grid.take(order)
        need = iss.remaining.take(rows)
        before = running_total_before(need, grid)
        hours = pool.take(grid)
        done = before + need <= hours
        settled = rows.compress(done)
        iss.resolve(settled, model.week)
        self.settled_total += settled.size
        left = ~done
        partial = left & (before < hours)
        iss.remaining[rows.compress(partial)] -= hours.compress(partial) - before.compress(partial)
        tabled = rows.compress(left)
        chance = self.agree_chance.take(grid.compress(left))
        iss.partner[tabled.compress(model.rng.random(tabled.size) < chance)] = -1
