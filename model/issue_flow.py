"""The issue flow, phases 1–5 of a week (docs/specification.md §3): issues arise, surface, are routed
to their holders, worked from the holders' queues, and their outcomes fed back to the households.

:class:`IssueFlow` owns what only these phases need (the issue kinds' fixed rates and hours, the
routing look-up tables) and runs each phase on a running model (a `model.protocol.StreetModel`):
``CoGovernanceModel._simulate_week`` calls its phases in order, and each phase runs the mechanisms'
hook of its name through the model (``model._hook``), as the model's own phases do. The issues
themselves are the model's `IssueTable` (model/issues.py); the week's record the reporters read
(``hotline_log``, ``resolution_weeks``, ``grid_worker_found`` …) stays on the model.
"""

from __future__ import annotations

import numpy as np

from agents.households import sums_by_household
from model.arrays import ONE, Constants, clip_unit, constant, count_nonzero
from model.domains import DOMAINS, INFRASTRUCTURE, KIND_DOMAIN, PROPERTY, kind_hours, kind_shares
from model.issue_holders import FIRM, SO_DOMAIN_KIND, route
from model.protocol import StreetModel

__all__ = ["IssueFlow"]

#: Issue kinds that can cross the boundary between holders (property, infrastructure), by kind.
_CROSS_BOUNDARY_KIND = np.isin(np.arange(7), (PROPERTY, INFRASTRUCTURE))
#: No issue rows (read-only, shared): what a week without finds records.
_NO_ROWS = np.zeros(0, dtype=np.int64)
_NO_ROWS.flags.writeable = False
_ONE_AND_A_HALF = constant(1.5)
#: Up to this many grids finding issues, `IssueFlow._pick_per_grid` picks grid by grid, not by a sort.
_FEW_GRIDS = 3
#: Up to this many passes a week, `IssueFlow._buck_passing_erodes_trust` goes row by row.
_FEW_PASSES = 16


class IssueFlow:
    """Phases 1–5 of a week on `model`: `issues_arise`, `issues_surface`, `issues_route`,
    `work_queues`, `resolution_feedback`."""

    def __init__(self, model: StreetModel) -> None:
        self.model = model
        p, lay = model.p, model.layout
        # fixed for a run: issue kinds' shares and hours, and the (grid, kind) cells issues arise in
        self._kind_shares, self._kind_hours = kind_shares(p), kind_hours(p)
        self._cell_grid = np.repeat(np.arange(lay.n_grids), 7)
        self._cell_kind = np.tile(np.arange(7), lay.n_grids)
        self._cell_community = lay.grid_community[self._cell_grid]
        # by cell: the quality it depends on (index into the flat (g, domains) quality), the weekly issue
        # rate per household of its kind and the old-compound factor of its grid
        self._cell_quality = self._cell_grid * len(DOMAINS) + KIND_DOMAIN[self._cell_kind]
        self._arise_rate = np.tile(p["issue_rate_per_year"] / 52.0 * self._kind_shares, lay.n_grids)
        self._arise_old = np.repeat(1.0 + p["old_issue_factor"] * model.grid_old, 7)
        # look-up tables, remade when the organisations change (see each method)
        self._route_cells: tuple[tuple, tuple[np.ndarray, np.ndarray]] | None = None
        self._so_table: tuple[int, np.ndarray] | None = None
        self._so_ids: list[int] | None = None
        self._pass_table: tuple[tuple[float, float], np.ndarray] | None = None
        self._holder_is_firm = model.holders.kind == FIRM  # by holder: a property firm
        # each phase's scalar parameters as 0-d arrays (`model.arrays.Constants`: the same bits, without
        # numpy turning a Python float into an array on every call)
        self._households_per_grid = constant(float(lay.households_per_grid))
        self._arise_constants, self._surface_constants = Constants(), Constants()
        self._escalation_constants, self._feedback_constants = Constants(), Constants()

    # 1 ------------------------------------------------------------------------------------
    def issues_arise(self) -> None:
        """Each household raises issues at rate λ_d·(1.5 − q_d) (more in old compounds)."""
        self.model._hook("issues_arise")
        m = self.model
        lay, p, rng = m.layout, m.p, m.rng
        hpg = lay.households_per_grid
        rate = m.quality.take(self._cell_quality)  # q_d of the (g, 7) cells, flat
        np.subtract(_ONE_AND_A_HALF, rate, out=rate)
        rate *= self._arise_rate  # λ_d·(1.5 − q_d)·old-compound factor·households, in that order
        rate *= self._arise_old
        rate *= self._households_per_grid
        per_cell = rng.poisson(rate)
        total = int(np.add.reduce(per_cell))
        if total == 0:
            return
        grid = self._cell_grid.repeat(per_cell)  # cells (grid, kind) in row order
        kind = self._cell_kind.repeat(per_cell)
        household = rng.integers(0, hpg, total)
        household += grid * hpg
        cross_share, cross_factor = self._arise_constants(p["cross_boundary_share"], p["cross_boundary_hours_factor"])
        cross = _CROSS_BOUNDARY_KIND[kind] & (rng.random(total) < cross_share)
        weeks = rng.exponential(p["latent_expiry_weeks"], total)
        expires = np.ceil(weeks, out=weeks).astype(np.int64)
        expires += m.week
        hours = self._kind_hours.take(kind)
        np.multiply(hours, cross_factor, out=hours, where=cross)
        m.issues.add(household, grid, self._cell_community.repeat(per_cell), kind, cross, m.week, expires, hours)
        m.issues.week_events.new = total

    # 2 ------------------------------------------------------------------------------------
    def issues_surface(self) -> None:
        """Latent issues are reported by their household or found by patrols; unreported ones
        past their expiry week expire."""
        self.model._hook("issues_surface")
        m = self.model
        iss, hh, p, lv, rng = m.issues, m.households, m.p, m.levers, m.rng
        latent = iss.latent_rows()
        if latent.size == 0:
            return
        cost = max(0.0, p["report_cost"] + lv.report_cost_delta)
        p_rep = hh.report_probability(p, cost, lv.report_reward_yuan, iss.household.take(latent))
        draw = rng.random(latent.size)
        reported = latent.compress(draw < p_rep)
        iss.surface(reported, m.week, by_household=True)
        reporters = iss.household.take(reported)
        hh.last_report[reporters] = m.week
        hh.reported_now[reporters] = True
        iss.week_events.reported = reported.size
        rest = latent.compress(draw >= p_rep)
        # who finds what, as a mask over `rest` (ascending rows): rest[found] is the sorted union of
        # the finds, without sorting or set operations
        found = rng.random(rest.size) < self._surface_constants(p["base_discovery_prob"] + lv.discovery_prob_extra)[0]
        m.grid_worker_found = _NO_ROWS
        if count_nonzero(lv.grid_worker_hours):
            unfound = (~found).nonzero()[0]
            picked = np.sort(unfound.take(self._pick_per_grid(rest.take(unfound),
                                                              lv.grid_worker_hours / lv.grid_hours_per_find)))
            # grid workers find issues before residents complain (未诉先办), grid_hours_per_find each
            m.grid_worker_found = rest.take(picked)
            found[picked] = True
        patrols = self.volunteer_patrol_hours()
        if p["patrol_finds_per_hour"] > 0 and count_nonzero(patrols):
            unfound = (~found).nonzero()[0]
            found[unfound.take(self._pick_per_grid(rest.take(unfound), p["patrol_finds_per_hour"] * patrols))] = True
        iss.surface(rest.compress(found), m.week, by_household=False)
        iss.week_events.discovered += count_nonzero(found)  # mechanisms may have found some already this week
        still = rest.compress(~found)
        iss.expire(still.compress(iss.expires.take(still) <= m.week), were_open=False)  # work_queues drops them from `active`

    def volunteer_patrol_hours(self) -> np.ndarray:
        """Volunteer patrol hours a week by compound: the patrol share of the volunteer hours of
        about the last month (the pool keeps `volunteer_memory` = 0.75 a week, so a quarter of it is a week's worth)."""
        m = self.model
        return (1.0 - m.p["volunteer_memory"]) * m.p["volunteer_share_patrol"] * m.volunteer_hours_grid

    def _pick_per_grid(self, latent: np.ndarray, expected: np.ndarray) -> np.ndarray:
        """Latent issues found this week, as positions in `latent` (in no order): in each grid
        ⌊expected⌋ (+1 with probability of the fraction) of its latent issues, drawn at random (all
        of them where fewer are latent). Positions, not rows, so the caller marks them in a mask."""
        m = self.model
        if latent.size == 0:
            return latent
        n_grids = m.layout.n_grids
        whole = expected.astype(np.int64)  # ⌊expected⌋: hours are not negative
        quota = whole + (m.rng.random(n_grids) < expected - whole)
        shuffled = m.rng.permutation(latent.size)
        finding = count_nonzero(quota)
        if n_grids == 1 or finding == 0:  # one grid, or none finds any: no sorting by grid
            return shuffled[: int(quota[0]) if n_grids == 1 else 0]
        grid = m.issues.grid.take(latent).take(shuffled)
        if finding <= _FEW_GRIDS:  # a few grids find some: each its first in the shuffled order
            picks = [shuffled.compress(grid == g)[:q] for g, q in enumerate(quota.tolist()) if q]
            return picks[0] if finding == 1 else np.concatenate(picks)
        # a stable sort by grid; as int16 (grids < 32768) numpy radix-sorts it, the same permutation
        srt = (grid.astype(np.int16) if n_grids < 32768 else grid).argsort(kind="stable")
        shuffled = shuffled.take(srt)
        # the first quota[g] of grid g's issues, which start where the grids before it end
        counts = np.bincount(grid, minlength=n_grids)
        end = np.add.accumulate(counts)
        end += quota
        end -= counts  # first row of the grid + its quota
        return shuffled.compress(np.arange(shuffled.size) < end.repeat(counts))  # by grid, as sorted

    # 3 ------------------------------------------------------------------------------------
    def issues_route(self) -> None:
        """Newly surfaced issues go to their responsible holder; issues held by a firm that has
        left go to the residents' committee."""
        self.model._hook("issues_route")
        m = self.model
        iss = m.issues
        open_rows = iss.open_rows()
        new = open_rows.compress(iss.holder.take(open_rows) < 0)
        present = [f.present for f in m.firms]
        if new.size:
            holder, partner = self._route_table(present)
            cell = iss.grid.take(new) * 14
            cell += iss.kind.take(new) * 2
            cell += iss.cross.take(new)
            iss.holder[new] = holder.take(cell)
            iss.partner[new] = partner.take(cell)
        if all(present):  # no firm has left: nothing is held by, or waits on, an absent firm
            return
        firm_present = np.array(present)
        hk = m.holders.kind[iss.holder[open_rows]]
        orphaned = open_rows[(hk == FIRM) & ~firm_present[iss.grid[open_rows]]]
        iss.holder[orphaned] = m.holders.rc(iss.community[orphaned])
        partner = iss.partner[open_rows]
        lost = open_rows[(partner >= 0) & (m.holders.kind[np.maximum(partner, 0)] == FIRM)
                         & ~firm_present[iss.grid[open_rows]]]
        iss.partner[lost] = m.holders.street

    def _route_table(self, firm_present: list[bool]) -> tuple[np.ndarray, np.ndarray]:
        """Holder and partner (`route`) of an issue of every (grid, kind, cross-boundary) cell, flat
        index (grid·7 + kind)·2 + cross: a lookup instead of `route`'s dozen array passes over the
        week's new issues. Remade only when firms, owners' committees or organisations changed."""
        m = self.model
        oc_present = [oc is not None for oc in m.owners_committees]
        key = (firm_present, oc_present, len(m.social_orgs))
        cached = self._route_cells
        if cached is not None and cached[0] == key:
            return cached[1]
        g = m.layout.n_grids
        grid = np.repeat(np.arange(g), 14)
        kind = np.tile(np.repeat(np.arange(7), 2), g)
        cross = np.tile(np.array([False, True]), 7 * g)
        table = route(kind, grid, m.layout.grid_community[grid].astype(np.int64), cross, m.holders,
                      np.array(firm_present), np.array(oc_present), self._so_slot_table())
        self._route_cells = (key, table)
        return table

    def _so_slot_table(self) -> np.ndarray:
        """(community, issue kind) -> holder id of the first social organisation taking that kind, or
        -1. Organisations are only ever added, so the table is remade only when one was."""
        m = self.model
        cached = self._so_table
        if cached is not None and cached[0] == len(m.social_orgs):
            return cached[1]
        table = np.full((m.layout.n_communities, 7), -1, dtype=np.int64)
        for so in m.social_orgs:
            kind = SO_DOMAIN_KIND[so.domain]
            if table[so.community, kind] < 0:
                table[so.community, kind] = m.holders.so(so.community, so.slot)
        self._so_table = (len(m.social_orgs), table)
        table.flags.writeable = False
        return table

    # 4 ------------------------------------------------------------------------------------
    def work_queues(self) -> None:
        """Holders work their queues with their weekly capacity, oldest first, with escalation,
        buck-passing of uncoordinated cross-boundary issues, and give-up expiry."""
        self.set_capacities()
        self.model._hook("queues")
        m = self.model
        iss, p, lv, rng = m.issues, m.p, m.levers, m.rng
        open_rows, street = iss.open_rows(), m.holders.street
        # the open rows' surfaced weeks and holders, kept up to date below and handed to the queues
        surfaced, holder = iss.surfaced.take(open_rows), iss.holder.take(open_rows)
        alive = surfaced > m.week - p["open_expiry_weeks"]  # age = week − surfaced; the others are given up
        if count_nonzero(alive) < open_rows.size:
            iss.give_up(open_rows, alive)
            open_rows, surfaced, holder = iss.open_rows(), surfaced.compress(alive), holder.compress(alive)
        overdue = ((surfaced < m.week - p["escalation_weeks"]) & (holder != street)).nonzero()[0]  # positions
        esc_prob = p["escalation_prob"] if lv.escalation_prob is None else lv.escalation_prob
        escalated = overdue.compress(rng.random(overdue.size) < self._escalation_constants(esc_prob)[0])
        iss.escalate(open_rows.take(escalated), street)
        holder[escalated] = street
        iss.work_queues(m.holders, m.week, rng, self._pass_probability, sla_weeks=lv.street_sla_weeks,
                        pass_delay_weeks=p["buck_pass_delay_weeks"], pass_hours=p["buck_pass_hours"],
                        open_columns=(surfaced, holder))
        self._buck_passing_erodes_trust()
        iss.compact()

    def _buck_passing_erodes_trust(self) -> None:
        """Each pass of a household's own report (推诿扯皮) costs its trust in both holders: trust in
        the property firm where one of them is the firm, trust in the community otherwise (committee,
        owners' committee, social organisation, street office); several passes compound."""
        m = self.model
        iss, hh = m.issues, m.households
        loss = m.p["buck_pass_trust_loss"]
        rows = iss.week_events.passed_rows()
        if loss <= 0 or rows.size == 0:
            return
        factor = 1.0 - loss
        if rows.size <= _FEW_PASSES:
            # a few passes a week: row by row, where a gather or a masked update costs more than a row's
            # work; usually no household had two reports passed this week, and then each pass hits its
            # household's trust at both ends, the same multiplications as below
            mine = [r for r in rows.tolist() if iss.by_household[r]]
            who = [int(iss.household[r]) for r in mine]
            if len(set(who)) == len(who):
                is_firm, holder, partner = self._holder_is_firm, iss.holder, iss.partner
                for r, h in zip(mine, who, strict=True):
                    for end in (holder[r], partner[r]):
                        trust = hh.trust_property if is_firm[end] else hh.trust_community
                        trust[h] *= factor
                return
        rows = rows.compress(iss.by_household.take(rows))
        if rows.size == 0:
            return
        who = iss.household.take(rows)
        # usually no household had two reports passed this week: each is hit once, by factor (= factor ** 1)
        once = len(set(who.tolist())) == who.size  # a few passes a week: a set beats a sort and compare
        for holder in (iss.holder.take(rows), iss.partner.take(rows)):
            firm = self._holder_is_firm.take(holder)
            at_firm = count_nonzero(firm)
            # trust in the firm for passes where this end is the firm, in the community for the others;
            # often every pass is at a firm, or none is
            for trust, count, at in ((hh.trust_property, at_firm, True), (hh.trust_community, who.size - at_firm, False)):
                if count == 0:
                    continue
                passers = who if count == who.size else who.compress(firm if at else ~firm)
                if once:
                    trust[passers] *= factor
                else:
                    hit, _, hits = sums_by_household(passers, None, hh.n)
                    trust[hit] *= factor ** hits  # households and their passes

    def _pass_probability(self, holders: np.ndarray) -> np.ndarray:
        """Buck-passing probability of open issues held by `holders`, after coordination mechanisms
        (by holder from a table remade when the probabilities change)."""
        m = self.model
        lv = m.levers
        prob = m.p["buck_pass_prob"] * lv.buck_pass_factor
        key = (prob, prob * lv.firm_buck_pass_factor)
        cached = self._pass_table
        if cached is None or cached[0] != key:
            cached = self._pass_table = (key, np.where(m.holders.kind == FIRM, key[1], prob))
        return cached[1].take(holders)

    def set_capacities(self) -> None:
        """This week's issue hours of every holder: its own staff's hours, plus hours mechanisms pay
        for (Party members' hours at the firm, departments' priority hours); mechanisms that spend
        holders' hours (joint meetings) or buy more (overtime) adjust them in their ``queues`` hook."""
        m = self.model
        lv, h = m.levers, m.holders
        # the hours themselves are each organisation's own rule, asked in this order; they go into one
        # list in holder order (committees by community, firms by grid, the social-organisation slots,
        # the street office, owners' committees by grid), written to the array in one assignment
        hours = [rc.effective_hours() for rc in m.committees]
        extra = lv.firm_extra_hours.tolist()
        hours += [firm.weekly_issue_hours() + (extra[firm.grid] if firm.present else 0.0) for firm in m.firms]
        slots = [0.0] * (h.street - h.so0)  # a slot without an organisation has no hours
        for slot, so in zip(self._so_slots(), m.social_orgs, strict=True):
            slots[slot] = so.issue_hours()
        owners = [oc.effective_hours() if oc is not None else 0.0 for oc in m.owners_committees]
        hours += slots
        hours.append(m.street_office.effective_hours(lv.street_priority_hours))
        hours += owners
        h.capacity[:] = hours

    def _so_slots(self) -> list[int]:
        """Slots of `social_orgs` among the holders' social-organisation slots (holder id − first
        slot's), in their order (remade only when one was added)."""
        m = self.model
        cached = self._so_ids
        if cached is None or len(cached) != len(m.social_orgs):
            cached = self._so_ids = [m.holders.so(so.community, so.slot) - m.holders.so0 for so in m.social_orgs]
        return cached

    # 5 ------------------------------------------------------------------------------------
    def resolution_feedback(self) -> None:
        """Resolved issues update their household's trust, satisfaction record and efficacy;
        given-up open issues count as outcome 0."""
        self.model._hook("resolution")
        m = self.model
        iss, hh, p = m.issues, m.households, m.p
        done = iss.week_events.resolved_rows()
        failed = iss.week_events.expired_open_rows()
        if done.size == 0 and failed.size == 0:  # nothing closed: what the steps below record for no issues
            m.resolution_weeks, m.cross_resolution_weeks = np.zeros(0), np.zeros(0)
            m.closed_outcome_mean = float("nan")
            m.hotline_log[m.week % len(m.hotline_log)] = (0, 0, 0.0, 0)
            return
        expect, penalty, on_time_limit, rating_threshold = self._feedback_constants(
            p["expected_resolution_weeks"], p["lateness_penalty"], p["ontime_limit_weeks"], p["hotline_rating_threshold"])
        created = iss.created.take(done)
        # waited since surfacing (since creation for issues closed before they surfaced: those have
        # surfaced = `NO_WEEK`, and a surfaced issue surfaced no earlier than it was created); weeks as
        # float64 straight from the int32 fields (exact), without an int32 difference first
        wait = np.subtract(m.week, np.maximum(iss.surfaced.take(done), created), dtype=np.float64)
        late = np.subtract(wait, expect)  # early (< 0) gives an outcome above 1, clipped to 1 as for 0
        late *= penalty  # (penalty ≥ 0, expected time > 0: declared bounds)
        late /= expect
        outcome = clip_unit(np.subtract(ONE, late, out=late), out=late)
        m.resolution_weeks = np.subtract(m.week, created, dtype=np.float64)
        m.cross_resolution_weeks = m.resolution_weeks.compress(iss.cross.take(done))
        if failed.size:  # given-up issues count as outcome 0
            rows = np.concatenate([done, failed])
            outcomes = np.concatenate([outcome, np.zeros(failed.size)])
        else:
            rows, outcomes = done, outcome
        # the mean as ndarray.mean computes it (the same pairwise sum, then ÷ n), without its Python layer
        m.closed_outcome_mean = float(np.add.reduce(outcomes)) / outcomes.size if outcomes.size else float("nan")
        about_property = self._holder_is_firm.take(iss.holder.take(rows))
        households = iss.household.take(rows)
        hh.learn_from_outcomes(households, outcomes, about_property, p["trust_rate"])
        mine = iss.by_household.take(rows)
        mine_outcomes = outcomes.compress(mine)
        hh.gain_efficacy(households.compress(mine), mine_outcomes, p["efficacy_gain"])
        on_time = wait <= expect
        np.add.at(hh.resolved_recent, households[: done.size].compress(on_time), ONE)
        mine_done = mine[: done.size]  # the given-up ones are never resolved, nor on time
        self._log_hotline_closures(mine_outcomes, count_nonzero(mine_done),
                                   count_nonzero(wait.compress(mine_done) <= on_time_limit), rating_threshold)

    def _log_hotline_closures(self, outcomes: np.ndarray, resolved: int, on_time: int,
                              rating_threshold: np.ndarray) -> None:
        """This week's closures of household-reported issues, as a hotline's records count them:
        closed, resolved (not given up), counted satisfied (the reporter's rating, outcome plus
        response noise, at or above the rating threshold; of the others, the share
        `hotline_unrecorded_unsatisfied` that is not recorded 不满意, counted in expectation) and
        resolved within the time limit (`on_time`, counted by the caller). The reporters sum the last
        four weeks (`hotline_log`)."""
        m = self.model
        p = m.p
        rating = outcomes + m.rng.normal(0.0, p["hotline_rating_noise"], outcomes.size)
        rated_ok = count_nonzero(rating >= rating_threshold)
        satisfied = rated_ok + p["hotline_unrecorded_unsatisfied"] * (outcomes.size - rated_ok)
        m.hotline_log[m.week % len(m.hotline_log)] = (outcomes.size, resolved, satisfied, on_time)  # a row a week, last 4
