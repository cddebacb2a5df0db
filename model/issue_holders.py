"""Who holds issues: the index space of every actor that can hold one (`Holders`: residents'
committees, property firms, social-organisation slots, the street office, owners' committees), with
each one's weekly capacity, and the routing of a newly surfaced issue to its holder and, when it
crosses a boundary, its partner (`route`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.domains import CARE, CULTURE, DISPUTE, ENVIRONMENT, INFRASTRUCTURE, PROPERTY, SAFETY

__all__ = ["Holders", "route", "RC", "FIRM", "SO", "STREET", "OC", "HOLDER_KINDS", "MAX_SO", "SO_DOMAINS",
           "SO_DOMAIN_KIND"]

RC, FIRM, SO, STREET, OC = 0, 1, 2, 3, 4
HOLDER_KINDS = ("residents_committee", "property_firm", "social_organisation", "street_office", "owners_committee")
MAX_SO = 12  # social-organisation slots per community (so_per_community's upper bound)
#: Social-organisation domains and the issue kind each takes.
SO_DOMAINS = ("care", "culture", "environment", "mediation")
SO_DOMAIN_KIND = {"care": CARE, "culture": CULTURE, "environment": ENVIRONMENT, "mediation": DISPUTE}


@dataclass
class Holders:
    """Index space of every actor that can hold an issue, with its weekly capacity."""

    n_communities: int
    n_grids: int

    def __post_init__(self) -> None:
        c, g = self.n_communities, self.n_grids
        self.rc0, self.firm0, self.so0 = 0, c, c + g
        self.street = self.so0 + c * MAX_SO
        self.oc0 = self.street + 1
        self.n = self.oc0 + g
        self.kind = np.empty(self.n, dtype=np.int8)
        self.kind[: self.firm0] = RC
        self.kind[self.firm0 : self.so0] = FIRM
        self.kind[self.so0 : self.street] = SO
        self.kind[self.street] = STREET
        self.kind[self.oc0 :] = OC
        self.grid = np.full(self.n, -1, dtype=np.int64)
        self.grid[self.firm0 : self.so0] = np.arange(g)
        self.grid[self.oc0 :] = np.arange(g)
        self.capacity = np.zeros(self.n)  # effective hours this week (hours × competence)
        self.present = np.zeros(self.n, dtype=bool)

    def rc(self, community: np.ndarray | int) -> np.ndarray | int:
        return self.rc0 + community

    def firm(self, grid: np.ndarray | int) -> np.ndarray | int:
        return self.firm0 + grid

    def so(self, community: int, slot: int) -> int:
        return self.so0 + community * MAX_SO + slot

    def oc(self, grid: np.ndarray | int) -> np.ndarray | int:
        return self.oc0 + grid


def route(kind: np.ndarray, grid: np.ndarray, community: np.ndarray, cross: np.ndarray, holders: Holders,
          firm_present: np.ndarray, oc_present: np.ndarray, so_slot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Holder and partner of newly surfaced issues (docs/specification.md §3 step 3).

    property, environment → the compound's firm (or the residents' committee where none);
    disputes → mediation organisation or residents' committee; care/culture → a social
    organisation of that domain (or the committee); safety → committee; infrastructure → street.
    `so_slot[c, kind]` is the holder id of a social organisation taking that kind, or -1.
    Cross-boundary partner: for property the owners' committee (or the residents' committee);
    for infrastructure the firm (or the residents' committee).
    """
    rc = holders.rc(community)
    has_firm = firm_present[grid]
    holder = rc.copy()
    firm_kinds = (kind == PROPERTY) | (kind == ENVIRONMENT)
    holder = np.where(firm_kinds & has_firm, holders.firm(grid), holder)
    so = so_slot[community, kind]
    holder = np.where((so >= 0) & ((kind == CARE) | (kind == CULTURE) | (kind == DISPUTE)), so, holder)
    so_env = so_slot[community, ENVIRONMENT]
    holder = np.where((kind == ENVIRONMENT) & ~has_firm & (so_env >= 0), so_env, holder)
    holder = np.where(kind == SAFETY, rc, holder)
    holder = np.where(kind == INFRASTRUCTURE, holders.street, holder)
    partner = np.full(kind.size, -1, dtype=np.int64)
    prop = cross & (kind == PROPERTY)
    partner = np.where(prop, np.where(oc_present[grid], holders.oc(grid), rc), partner)
    partner = np.where(prop & ~has_firm, holders.street, partner)  # committee holds it: the street is the other party
    infra = cross & (kind == INFRASTRUCTURE)
    partner = np.where(infra, np.where(has_firm, holders.firm(grid), rc), partner)
    return holder, partner
