"""Priors of the free parameters: the parameter declaration's `Param.prior`, else uniform on the declared range.

The sampler needs only ``support``, ``draw(rng, size)``, ``pdf(x)``, ``mean()``, ``variance()``,
``narrowed(low, high)`` and a short text for tables (`describe`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["UniformPrior", "prior_of", "describe"]


@dataclass(frozen=True)
class UniformPrior:
    """Uniform on [low, high]: the fallback for a declared parameter without its own prior."""

    low: float
    high: float
    kind: str = "uniform"

    @property
    def support(self) -> tuple[float, float]:
        """(low, high)."""
        return (self.low, self.high)

    def draw(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """Draws from the prior."""
        return rng.uniform(self.low, self.high, size)

    def pdf(self, x: Any) -> Any:
        """Density, 0 outside [low, high]."""
        x = np.asarray(x, dtype=float)
        inside = (x >= self.low) & (x <= self.high)
        return np.where(inside, 1.0 / (self.high - self.low), 0.0)

    def mean(self) -> float:
        """Prior mean."""
        return 0.5 * (self.low + self.high)

    def variance(self) -> float:
        """Prior variance."""
        return (self.high - self.low) ** 2 / 12.0

    def narrowed(self, low: float, high: float) -> UniformPrior:
        """Uniform on [low, high] (inside the support)."""
        return UniformPrior(low, high)


def prior_of(param: Any) -> Any | None:
    """The prior of a declared parameter: its own ``prior`` if declared, else uniform on its range;
    None for a parameter without a finite range."""
    declared = getattr(param, "prior", None)
    if declared is not None:
        return declared
    if param.low is None or param.high is None or not param.low < param.high:
        return None
    return UniformPrior(float(param.low), float(param.high))


def describe(prior: Any) -> str:
    """``uniform(0.05, 0.8)``-style text for tables and reports."""
    for attr in ("describe", "label"):
        fn = getattr(prior, attr, None)
        if callable(fn):
            return str(fn())
    lo, hi = prior.support
    return f"{getattr(prior, 'kind', 'prior')} on [{lo:g}, {hi:g}]"
