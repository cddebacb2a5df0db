"""The street office (街道) and its departments (职能部门): capacity for escalated issues."""

from __future__ import annotations

import mesa

__all__ = ["StreetOffice"]


class StreetOffice(mesa.Agent):
    """One per street. Handles infrastructure and escalated issues with its departments' hours."""

    def __init__(self, model: mesa.Model, capacity: float) -> None:
        super().__init__(model)
        self.capacity = capacity  # hours a week across departments
        self.priority_hours = 0.0

    def effective_hours(self, priority_hours: float) -> float:
        """Departments' own hours plus the priority hours departments report with (吹哨报到)."""
        self.priority_hours = priority_hours
        return self.capacity + priority_hours
