"""What the organisations offer households each week (docs/specification.md §3, activities): the volunteer
slots of each community's Party organisations and social organisations, and each household's grid
branch's mobilisation, which its Party members answer. The model owns one (``model.activity_offers``)
and reads it in phase 6 (`CoGovernanceModel.activities_and_participation`).

Both follow from the organisations' hours, the branches' mobilisation, the mobilisation bonus and
fixed parameters, which change rarely (set-up, grants, a new organisation): each is made again only
when something it reads has changed, else last week's is returned."""

from __future__ import annotations

from typing import Any

import numpy as np

from model.protocol import StreetModel

__all__ = ["ActivityOffers"]


class ActivityOffers:
    """Volunteer slots by community and Party mobilisation by household, kept while their inputs stay."""

    def __init__(self, model: StreetModel) -> None:
        self.model = model
        self._slots_cache: tuple[Any, np.ndarray] | None = None
        self._mobilisation_cache: tuple[Any, np.ndarray] | None = None

    def organisation_slots(self, bonus: float) -> np.ndarray:
        """Volunteer slots each community's Party organisations and social organisations offer this week
        (`PartyBranch.offer_slots`, `SocialOrganisation.volunteer_slots`; added up in floats in this order,
        as a read-only array). The offers are made again only when a branch's or organisation's hours
        (`capacity`), a branch's mobilisation, the set of organisations or the bonus has changed (each
        branch's `slots_this_week` is then still this week's); else last week's array is returned."""
        m = self.model
        branches = m.party_committees + m.party_branches
        key = (bonus, branches, [b.capacity for b in branches], [b.mobilisation for b in branches],
               list(m.social_orgs), [so.capacity for so in m.social_orgs])
        cached = self._slots_cache
        if cached is None or cached[0] != key:
            per_hour = m.p["slots_per_organiser_hour"]
            by_community = [0.0] * m.layout.n_communities
            for branch in branches:
                by_community[branch.community] += branch.offer_slots(per_hour, bonus)
            for so in m.social_orgs:
                by_community[so.community] += so.volunteer_slots(per_hour)
            slots = np.array(by_community, dtype=np.float64)
            slots.flags.writeable = False
            cached = self._slots_cache = (key, slots)
        return cached[1]

    def mobilisation_by_household(self, bonus: float) -> np.ndarray:
        """Each household's grid branch's mobilisation (read-only). Kept, and with it the households'
        fixed Party term (`Households.participation_probabilities`), while the branches' values and the
        bonus stay the same (compared as read, without a call per branch)."""
        m = self.model
        key = (bonus, [b.mobilisation for b in m.party_branches])
        cached = self._mobilisation_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        by_grid = [b.effective_mobilisation(bonus) for b in m.party_branches]
        # grids are blocks of households: repeat = mob_grid[grid_of]
        by_household = np.array(by_grid).repeat(m.layout.households_per_grid)
        by_household.flags.writeable = False
        self._mobilisation_cache = (key, by_household)
        return by_household
