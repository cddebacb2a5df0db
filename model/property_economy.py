"""Property economics, phase 7 of a week (docs/specification.md §3, §8 Property firms): monthly, owners
pay the property fee or not; firms book revenue and costs, set effort and move quality; a firm in loss
too long leaves; owners' committees may vote to replace a poor firm; a compound without a firm may find
a new one.

:class:`PropertyEconomy` runs this on a running model (a `model.protocol.StreetModel`), as
model/issue_flow.py's `IssueFlow` does for phases 1–5: ``CoGovernanceModel._simulate_week`` calls
`property_economics` every month, which runs the mechanisms' hook ``property`` through the model
(``model._hook``). The firms and owners' committees are the model's (agents/); the record the
reporters read (``collection_rate``, ``firm_exits``, ``firm_replacements``, ``events``) stays on the
model. Mechanisms hire a firm through `hire_firm` (``model.property_economy``).
"""

from __future__ import annotations

import numpy as np

from agents import OwnersCommittee
from agents.households import sigmoid
from model.arrays import count_nonzero
from model.event_log import event
from model.protocol import StreetModel

__all__ = ["PropertyEconomy"]


class PropertyEconomy:
    """Phase 7 on `model`: `property_economics`, and `hire_firm` for mechanisms."""

    def __init__(self, model: StreetModel) -> None:
        self.model = model
        self.paid_share_grid = np.full(model.layout.n_grids, 0.85)  # share that paid last month, by compound

    # 7 ------------------------------------------------------------------------------------
    def property_economics(self) -> None:
        """Monthly: owners pay or not; firms book revenue and costs, set effort, quality moves;
        firms in loss too long exit; owners' committees may vote to replace a poor firm."""
        self.model._hook("property")
        m = self.model
        lay, hh, p, lv, rng = m.layout, m.households, m.p, m.levers, m.rng
        firm_quality = np.array([f.quality if f.present else p["unmanaged_quality"] for f in m.firms])
        present = np.array([f.present for f in m.firms])
        per_household = lay.households_per_grid  # grids are blocks: np.repeat(x, per_household) = x[grid_of]
        quality_seen = np.repeat(firm_quality, per_household)
        nbr_paid = np.repeat(self.paid_share_grid, per_household)
        prob = hh.pay_probability(p, quality_seen, nbr_paid, 0.0)
        hh.pays_fee = rng.random(lay.n_households) < prob
        firms_present = count_nonzero(present)
        if firms_present < present.size:  # only households a firm serves pay
            hh.pays_fee &= np.repeat(present, per_household)
        paying = lay.count_per_grid(hh.pays_fee)  # households paying in each compound
        self.paid_share_grid = np.where(present, paying / lay.households_per_grid, self.paid_share_grid)
        served_units = float(firms_present * per_household)  # households a firm serves
        m.collection_rate = float(paying.sum() / served_units) if served_units else np.nan
        for g, firm in enumerate(m.firms):
            oc = m.owners_committees[g]
            if firm.present:
                pressure = (p["oc_pressure"] * oc.active if oc else 0.0) + lv.rating_pressure[g]
                firm.monthly_economics(paying[g], p["overhead_share"], p["quality_adjust_rate"],
                                       lv.margin_factor, pressure,
                                       extra_effort=float(lv.extra_effort_share[g]))
                if firm.should_exit(p["exit_weeks"]):
                    firm.leave()
                    m.firm_exits += 1
                    m.events.append(event(m.week, "firm_exit", compound=g, cause="losses"))
                elif oc is not None and oc.calls_vote(firm.quality, p["oc_vote_threshold"], rng):
                    self._replacement_vote(g, oc)
            else:
                self._find_new_firm(g, oc)
        # trust in the property service follows the quality residents see
        hh.trust_property += p["trust_property_rate"] * (quality_seen - hh.trust_property)

    def _replacement_vote(self, g: int, oc: OwnersCommittee) -> None:
        m = self.model
        lay, hh, p = m.layout, m.households, m.p
        block = slice(g * lay.households_per_grid, (g + 1) * lay.households_per_grid)
        owners = hh.owner[block]
        if not owners.any():
            return
        p_turn = sigmoid(p["vote_turnout_base"] + p["vote_turnout_oc_weight"] * oc.active
                         + p["vote_turnout_motivation_weight"] * hh.motivation[block]
                         + p["vote_turnout_efficacy_weight"] * hh.efficacy[block])
        turnout = (m.rng.random(p_turn.size) < p_turn) & owners
        favour = (hh.trust_property[block] < p["vote_distrust_threshold"])[turnout].mean() if turnout.any() else 0.0
        if oc.vote_passes(turnout.sum() / owners.sum(), favour):
            self.hire_firm(g, "owners_vote")

    def _find_new_firm(self, g: int, oc: OwnersCommittee | None) -> None:
        m = self.model
        lv = m.levers
        if lv.backstop_firm:
            self.hire_firm(g, "backstop", backstop=True)
        elif oc is not None and m.rng.random() < m.p["oc_hire_prob"] * oc.active + lv.replacement_support:
            self.hire_firm(g, "owners_hired")
        elif m.rng.random() < lv.replacement_support:
            self.hire_firm(g, "community_found")

    def hire_firm(self, g: int, how: str, backstop: bool = False) -> None:
        """A new property firm (a state-owned backstop firm if `backstop`) takes over compound `g`;
        `how` (a key of model.event_log.PHRASES["how"]) says how, in the event log."""
        m = self.model
        p, firm = m.p, m.firms[g]
        cash = p["initial_cash_months"] * p["fee"] * firm.units * max(p["margin_target"], 0.05)
        firm.restart(p["replacement_quality"], cash, p["margin_target"], backstop=backstop)
        m.firm_replacements += 1
        m.events.append(event(m.week, "firm_replaced", compound=g, how=how))
