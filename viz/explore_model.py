"""The model as the live view runs it: ``CoGovernanceModel`` that stops at its horizon.

``CoGovernanceModel`` takes every parameter as a keyword argument (``**kwargs``, the one name Mesa
3.3.1's SolaraViz parameter check accepts). The app's subclass adds only that ``running`` turns
False at the scenario's horizon (``weeks``), so Play stops there. The base model keeps running, so
``mesa.batch_run(..., max_steps=N)`` reports weeks 0..N as usual.
"""

from __future__ import annotations

from model.model import CoGovernanceModel

__all__ = ["ExploreModel"]


class ExploreModel(CoGovernanceModel):
    """``CoGovernanceModel`` whose ``running`` turns False at the horizon."""

    def step(self) -> None:
        """One week; stop at the horizon."""
        super().step()
        if self.week >= self.p["weeks"]:
            self.running = False
