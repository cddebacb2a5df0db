"""Service quality (docs/specification.md §2, §8): each domain's quality in each compound from those who
provide it — the compound's base quality and completed projects' lifts, the property firm (or the
unmanaged level where none serves), volunteers' hours of the last month and social organisations'
service hours — and the quality each building's and household's members live with (compound plus
building projects). The model owns one (``model.service_quality``) and updates it in phase 9 and at
set-up; it sets ``model.quality`` (grids × 6 domains), which the issue flow, the project cycle and the
reporters read."""

from __future__ import annotations

from typing import Any

import numpy as np

from model.arrays import ONE, Constants, clip_unit
from model.domains import CARE, CULTURE, ENVIRONMENT, PROPERTY, SAFETY
from model.protocol import StreetModel

__all__ = ["SO_SERVICE_DOMAIN", "ServiceQuality"]

#: The quality domain each kind of social organisation serves.
SO_SERVICE_DOMAIN = {"care": CARE, "culture": CULTURE, "environment": ENVIRONMENT, "mediation": SAFETY}


class ServiceQuality:
    """The quality of the services a street's households live with, from what each provider puts in."""

    def __init__(self, model: StreetModel) -> None:
        self.model = model
        self._organisation_cache: tuple[list[Any], np.ndarray] | None = None
        self._volunteer_share_cache: np.ndarray | None = None
        self._firm_cache: tuple[list[float], float, np.ndarray, np.ndarray] | None = None
        self._volunteer_constants = Constants()  # the volunteer lift's scalars as 0-d arrays (the same bits)

    def update(self) -> None:
        """Quality of each domain in each compound from its providers: sets ``model.quality``."""
        m = self.model
        p = m.p
        q = m.base_quality + m.grid_boost
        firm_q, environment = self._firm_service([f.quality if f.present else p["unmanaged_quality"]
                                                  for f in m.firms])
        q[:, PROPERTY] = firm_q
        q += environment  # the firm's environment effect, 0 in the other domains (x + 0.0 is x: never −0 here)
        q += self._volunteer_service()
        q += self._organisation_service()
        m.quality = clip_unit(q, out=q)

    def _firm_service(self, by_grid: list[float]) -> tuple[np.ndarray, np.ndarray]:
        """Property quality by compound (the firm's, or the unmanaged level where none serves) and what it
        adds to the environment, e·(q − 0.5), as a (grids, 6) array that is 0 in the other domains. Firms'
        quality changes monthly at most, so both are made again only when it has changed."""
        effect = self.model.p["firm_environment_effect"]
        cached = self._firm_cache
        if cached is None or cached[0] != by_grid or cached[1] != effect:
            firm_q = np.array(by_grid)
            environment = np.zeros((firm_q.size, 6))
            environment[:, ENVIRONMENT] = effect * (firm_q - 0.5)
            firm_q.flags.writeable = environment.flags.writeable = False
            cached = self._firm_cache = (by_grid, effect, firm_q, environment)
        return cached[2], cached[3]

    def _organisation_service(self) -> np.ndarray:
        """(grids, 6) quality social organisations' service hours add in their domain, by community:
        S·(1 − exp(−h/k)), h their hours per 100 households. The hours change only when an
        organisation's do (grants, quarterly; a new organisation), so the lift is made again only then."""
        m = self.model
        lay, p = m.layout, m.p
        hours = [(so.community, SO_SERVICE_DOMAIN[so.domain], so.service_hours()) for so in m.social_orgs]
        cached = self._organisation_cache
        if cached is not None and cached[0] == hours:
            return cached[1]
        service = np.zeros((lay.n_communities, 6))
        for community, domain, h in hours:
            service[community, domain] += h
        per_100 = service / (lay.households_per_community / 100.0)
        lift = (p["service_effect"] * (1.0 - np.exp(-per_100 / p["service_saturation"])))[lay.grid_community]
        lift.flags.writeable = False
        self._organisation_cache = (hours, lift)
        return lift

    def by_building(self) -> np.ndarray:
        """(n_buildings, 6) quality the households of each building live with (compound plus building
        projects)."""
        m = self.model
        quality = m.quality.take(m.layout.building_grid, axis=0)
        quality += m.building_boost
        return clip_unit(quality, out=quality)

    def by_household(self) -> np.ndarray:
        """(n_households, 6) quality each household lives with (compound plus building projects)."""
        # households of a building are a contiguous block (StreetLayout)
        return np.repeat(self.by_building(), self.model.layout.households_per_building, axis=0)

    def _volunteer_service(self) -> np.ndarray:
        """(grids, 6) quality volunteers add: each domain's share of the compound's volunteer hours
        per household over about a month, h_d, lifts it by M·(1 − exp(−k·h_d/M)) — k
        (`volunteer_productivity`) per hour per household at first, saturating at M
        (`volunteer_effect_max`). Environment, patrols (safety), care; the rest is culture."""
        m = self.model
        p, lay = m.p, m.layout
        top, k = p["volunteer_effect_max"], p["volunteer_productivity"]
        if top <= 0:
            return np.zeros((lay.n_grids, 6))
        per_grid, minus_k, top_ = self._volunteer_constants(lay.households_per_grid, -k, top)
        hours = m.volunteer_hours_grid / per_grid  # per household, ~last 4 weeks
        # top·(1 − exp(−k·h_d/top)), evaluated in one array in that order
        lift = np.multiply(hours[:, None], self._volunteer_shares())  # np.outer without its wrapper
        lift *= minus_k
        lift /= top_
        np.exp(lift, out=lift)
        np.subtract(ONE, lift, out=lift)
        lift *= top_
        return lift

    def _volunteer_shares(self) -> np.ndarray:
        """Each domain's share of volunteer hours (fixed for a run: parameters)."""
        shares = self._volunteer_share_cache
        if shares is None:
            p = self.model.p
            shares = np.zeros(6)
            shares[ENVIRONMENT] = p["volunteer_share_environment"]
            shares[SAFETY] = p["volunteer_share_patrol"]
            shares[CARE] = p["volunteer_share_care"]
            shares[CULTURE] = max(0.0, 1.0 - shares[ENVIRONMENT] - shares[SAFETY] - shares[CARE])
            shares.flags.writeable = False
            self._volunteer_share_cache = shares
        return shares
