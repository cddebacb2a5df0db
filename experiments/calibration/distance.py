"""The ABC distance, shared by the sampler (driver) and its workers (early rejection).

A particle runs ``seeds_per_particle`` times; its simulated value of an observation is the mean of its runs
(`particle_means`), undefined (NaN) if any run leaves it undefined. Its distance (`distances`) is
√Σ z², z = (simulated − observed) / σ over the fitted observations, and ∞ when a fitted value is undefined.

Every term z² is non-negative, so the sum over the observations already observable at week w (the others
counted as 0, in the same positions of the same array) cannot exceed the full sum: floating-point addition
is monotone in each operand and the summation order is the same. `EarlyRejection` uses this: once that
partial distance exceeds the generation's tolerance the particle is rejected whatever its later weeks hold,
so its runs can stop there, and the sampler accepts and rejects exactly the particles it would have
(tests/test_calibration.py compares the two bit for bit).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["EARLY_MARGIN", "EarlyRejection", "distances", "particle_means"]

#: relative safety margin: a run is stopped early only when its partial distance exceeds the tolerance by more
#: than this (the monotone argument already makes it exact; the margin only makes stopping a hair more cautious)
EARLY_MARGIN = 1e-9


def particle_means(runs: np.ndarray) -> np.ndarray:
    """(n, k, M) runs → (n, M) means over the k runs; NaN where any run is NaN."""
    with warnings.catch_warnings():  # a particle without any value yet (NaN rows) is expected here
        warnings.simplefilter("ignore", RuntimeWarning)
        stats = np.nanmean(runs, axis=1)
    return np.where(np.isnan(runs).any(axis=1), np.nan, stats)


def distances(stats: np.ndarray, observed: np.ndarray, sigma: np.ndarray, fitted: np.ndarray,
              known: np.ndarray | None = None) -> np.ndarray:
    """(n, M) simulated values → (n,) distances over the ``fitted`` observations (∞ if not finite).

    ``known`` (M,) marks the observations whose values exist yet; the others count 0 (a lower bound)."""
    z = (stats[:, fitted] - observed[fitted]) / sigma[fitted]
    if known is not None:
        z = np.where(known[fitted], z, 0.0)
    d = np.sqrt(np.sum(z * z, axis=1))
    return np.where(np.isfinite(d), d, np.inf)


@dataclass(frozen=True)
class EarlyRejection:
    """What a worker needs to stop a particle's runs as soon as it is certainly rejected."""

    tolerance: float
    observed: np.ndarray  # (M,)
    sigma: np.ndarray  # (M,)
    fitted: np.ndarray  # (M,) bool
    weeks: np.ndarray  # (M,) the week at which each observation's value is known (its last week)

    def checkpoints(self, horizon: int) -> list[int]:
        """The weeks before the horizon after which new fitted observations become known."""
        return sorted({int(w) for w in self.weeks[self.fitted] if 0 <= w < horizon})

    def partial(self, runs: np.ndarray, week: int) -> float:
        """The particle's distance over the observations known at ``week`` (the others count 0), from its
        (k, M) runs of which those observations are filled in: the same arithmetic, on an array of the same
        shape, as the full distance (`distances`), so at the horizon it is the full distance, bit for bit."""
        known = self.weeks <= week
        return float(distances(particle_means(runs[None, :, :]), self.observed, self.sigma, self.fitted, known)[0])

    def rejected(self, runs: np.ndarray, week: int) -> bool:
        """True if the (k, M) runs, of which the observations up to ``week`` are filled in, already put the
        particle beyond the tolerance."""
        return self.partial(runs, week) > self.tolerance * (1.0 + EARLY_MARGIN)
