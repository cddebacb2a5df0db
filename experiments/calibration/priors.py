"""Priors of the free parameters, from the parameter declaration (`Param.prior`, model/priors.py).

The sampler perturbs particles on the real line, so an integer parameter's prior (a pmf over
``low..high``) is used in its continuous form, uniform on [low − ½, high + ½], and values are rounded
for the model: every integer keeps the same prior mass.
"""

from __future__ import annotations

from typing import Any

from model.errors import UserError
from model.priors import Prior

__all__ = ["prior_of", "describe"]


def _continuous(prior: Prior) -> Prior:
    if prior.kind == "integer":
        return Prior.uniform(prior.low - 0.5, prior.high + 0.5)
    return prior


def prior_of(param: Any, where: str, low: float | None = None, high: float | None = None) -> Prior:
    """The calibration prior of a declared parameter: its declared prior, narrowed to [low, high] if given.

    Raises `UserError` naming ``where`` for a parameter without a usable prior or a narrowing outside
    the declared (plausible) range.
    """
    declared: Prior | None = getattr(param, "prior", None)
    if declared is None or declared.kind == "fixed":
        raise UserError(f"{where}: has no prior to calibrate over (a switch or structural setting); set it in [fixed]")
    if low is None or high is None:
        return _continuous(declared)
    lo, hi = declared.support
    if not low < high:
        raise UserError(f"{where}: low ({low:g}) must be below high ({high:g})")
    if low < lo or high > hi:
        raise UserError(f"{where}: prior [{low:g}, {high:g}] lies outside the declared range [{lo:g}, {hi:g}] "
                        f"(the support of its declared prior {declared})")
    try:
        return _continuous(declared.narrowed(float(low), float(high)))
    except ValueError as exc:
        raise UserError(f"{where}: {exc}") from None


def describe(prior: Prior) -> str:
    """``uniform(0.05, 0.8)``-style text for tables and reports."""
    return str(prior)
