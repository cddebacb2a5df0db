"""Social organisations (社会组织): services in their domain, volunteer activities, some issues."""

from __future__ import annotations

import mesa

__all__ = ["SocialOrganisation"]


class SocialOrganisation(mesa.Agent):
    """Several per community. Hours go to services (raise their domain's quality), organising
    volunteer slots, and issues of their domain. Funding changes capacity with a lag."""

    def __init__(self, model: mesa.Model, community: int, slot: int, domain: str, capacity: float,
                 professionalism: float) -> None:
        super().__init__(model)
        self.community = community
        self.slot = slot
        self.domain = domain
        self.capacity = capacity
        self.professionalism = professionalism
        self.funding = 0.0  # yuan received this quarter

    def hours(self, capacity_factor: float) -> float:
        return self.capacity * capacity_factor

    def service_hours(self, capacity_factor: float) -> float:
        return self.hours(capacity_factor) * self.model.p["so_service_share"] * self.professionalism

    def volunteer_slots(self, capacity_factor: float, slots_per_hour: float) -> float:
        return self.hours(capacity_factor) * self.model.p["so_organising_share"] * slots_per_hour

    def issue_hours(self, capacity_factor: float) -> float:
        p = self.model.p
        issue_share = (1.0 - p["so_service_share"]) - p["so_organising_share"]
        return self.hours(capacity_factor) * issue_share * (p["so_issue_base"] + self.professionalism)

    def grow(self, rate: float, cap: float) -> None:
        """Quarterly capacity growth from funding and incubation (lagged effect)."""
        self.capacity = min(cap, self.capacity * (1.0 + rate))
        self.professionalism = min(1.0, self.professionalism + self.model.p["so_professionalism_growth"] * rate)
