"""The model as the live view runs it: ``CoGovernanceModel`` that stops at its horizon.

``CoGovernanceModel`` takes every parameter as a keyword argument (``**kwargs``, the one name Mesa
3.3.1's SolaraViz parameter check accepts). The app's subclass adds only that ``running`` turns
False at the scenario's horizon (``weeks``), so Play stops there. The base model keeps running, so
``mesa.batch_run(..., max_steps=N)`` reports weeks 0..N as usual.
"""

from __future__ import annotations

from typing import Any

from model.model import CoGovernanceModel

__all__ = ["ExploreModel"]


class ExploreModel(CoGovernanceModel):
    """``CoGovernanceModel`` whose ``running`` turns False at the horizon.

    The app hands over every parameter; those of a mechanism its switch turns off are inert there and
    are dropped (the model refuses a changed parameter of a mechanism that is off, as every command does).
    """

    def __init__(self, scenario: Any = "baseline", seed: int = 1, **kwargs: Any) -> None:
        off = {key.removesuffix("__enabled") for key, value in kwargs.items()
               if key.endswith("__enabled") and value is False}
        kept = {k: v for k, v in kwargs.items() if k.endswith("__enabled") or k.split("__", 1)[0] not in off}
        super().__init__(scenario, seed=seed, **kept)

    def step(self) -> None:
        """One week; stop at the horizon."""
        super().step()
        if self.week >= self.p["weeks"]:
            self.running = False
