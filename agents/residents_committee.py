"""The residents' committee (居委会): takes reports, mediates disputes, runs the points exchange."""

from __future__ import annotations

import mesa

__all__ = ["ResidentsCommittee"]


class ResidentsCommittee(mesa.Agent):
    """One per community. `capacity` is community workers' hours a week for issues; hours an issue
    takes are divided by `competence`."""

    def __init__(self, model: mesa.Model, community: int, capacity: float, competence: float) -> None:
        super().__init__(model)
        self.community = community
        self.capacity = capacity
        self.competence = competence
        self.demand_list: list[tuple[int, float]] = []  # (domain, unmet need) kept for projects

    def effective_hours(self) -> float:
        """Issue-work hours this week in competence-adjusted units."""
        return self.capacity * min(1.0, self.competence)
