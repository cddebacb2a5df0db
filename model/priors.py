"""Prior distributions of parameters (for sampling, sensitivity analysis and calibration).

A :class:`Prior` is a small frozen object: its ``kind`` and its numbers. Every prior has a
bounded or unbounded support ``(low, high)``; the support of a parameter's prior is its *plausible
range*, which lies inside the parameter's declared validity range (model/parameters.py).

Kinds
-----
``uniform(low, high)``        flat on [low, high]
``loguniform(low, high)``     flat in log(x) on [low, high], 0 < low < high
``normal(mu, sigma, low, high)`` normal, truncated to [low, high] (default: no truncation)
``beta(a, b, low, high)``     beta(a, b) stretched onto [low, high] (default [0, 1])
``integer(low, high)``        every integer in low..high equally likely (``pdf`` is the pmf)
``fixed(value)``              a point mass (a parameter held fixed)

Examples
--------
>>> import numpy as np
>>> p = Prior.uniform(0.1, 0.3)
>>> p.support
(0.1, 0.3)
>>> float(p.pdf(0.2))
5.0
>>> 0.1 <= p.draw(np.random.default_rng(1)) <= 0.3
True
>>> str(Prior.normal(0.5, 0.1, 0.0, 1.0))
'normal(0.5, 0.1) on [0, 1]'
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = ["Prior", "PRIOR_KINDS"]

PRIOR_KINDS: tuple[str, ...] = ("uniform", "loguniform", "normal", "beta", "integer", "fixed")


def _special() -> Any:
    """scipy.special, imported when a prior is first drawn from or evaluated: importing it costs about
    0.3 CPU-s, which a run, a comparison or a sweep (which never use priors) need not pay."""
    from scipy import special

    return special


def _std_normal_cdf(z: Any) -> Any:
    return _special().ndtr(z)


@dataclass(frozen=True)
class Prior:
    """A prior distribution: ``kind`` and its numbers (build it with the constructors)."""

    kind: str
    low: float
    high: float
    mu: float | None = None  # normal: mean before truncation
    sigma: float | None = None  # normal: sd before truncation
    a: float | None = None  # beta: first shape
    b: float | None = None  # beta: second shape

    def __post_init__(self) -> None:
        if self.kind not in PRIOR_KINDS:
            raise ValueError(f"unknown prior kind {self.kind!r}; expected one of {', '.join(PRIOR_KINDS)}")
        if not (self.low <= self.high) or math.isnan(self.low) or math.isnan(self.high):
            raise ValueError(f"{self.kind} prior: low {self.low} must not exceed high {self.high}")
        bounded = math.isfinite(self.low) and math.isfinite(self.high)
        if self.kind in ("uniform", "loguniform", "beta", "integer") and not bounded:
            raise ValueError(f"{self.kind} prior needs finite bounds, got [{self.low}, {self.high}]")
        if self.kind in ("uniform", "loguniform", "beta") and self.low == self.high:
            raise ValueError(f"{self.kind} prior needs low < high, got [{self.low}, {self.high}]")
        if self.kind == "loguniform" and self.low <= 0:
            raise ValueError(f"loguniform prior needs low > 0, got {self.low}")
        if self.kind == "integer" and not (float(self.low).is_integer() and float(self.high).is_integer()):
            raise ValueError(f"integer prior needs integer bounds, got [{self.low}, {self.high}]")
        if self.kind == "normal":
            if self.mu is None or self.sigma is None or not self.sigma > 0:
                raise ValueError(f"normal prior needs mu and sigma > 0, got {self.mu}, {self.sigma}")
            if self.low == self.high:
                raise ValueError("normal prior needs low < high")
        if self.kind == "beta" and not (self.a and self.b and self.a > 0 and self.b > 0):
            raise ValueError(f"beta prior needs a > 0 and b > 0, got {self.a}, {self.b}")

    # -- constructors ---------------------------------------------------------------------------
    @classmethod
    def uniform(cls, low: float, high: float) -> Prior:
        """Flat on [low, high]."""
        return cls("uniform", float(low), float(high))

    @classmethod
    def loguniform(cls, low: float, high: float) -> Prior:
        """Flat in log(x) on [low, high] (for scale parameters spanning orders of magnitude)."""
        return cls("loguniform", float(low), float(high))

    @classmethod
    def normal(cls, mu: float, sigma: float, low: float = -math.inf, high: float = math.inf) -> Prior:
        """Normal(mu, sigma) truncated to [low, high]."""
        return cls("normal", float(low), float(high), mu=float(mu), sigma=float(sigma))

    @classmethod
    def beta(cls, a: float, b: float, low: float = 0.0, high: float = 1.0) -> Prior:
        """Beta(a, b) stretched onto [low, high]."""
        return cls("beta", float(low), float(high), a=float(a), b=float(b))

    @classmethod
    def integer(cls, low: int, high: int) -> Prior:
        """Every integer in low..high equally likely."""
        return cls("integer", float(low), float(high))

    @classmethod
    def fixed(cls, value: float) -> Prior:
        """A point mass at `value`."""
        return cls("fixed", float(value), float(value))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Prior:
        """The inverse of :meth:`to_dict`."""
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """Kind and numbers as a plain dict (None entries dropped), e.g. for JSON."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    # -- properties -----------------------------------------------------------------------------
    @property
    def support(self) -> tuple[float, float]:
        """(low, high): the smallest interval holding all the probability."""
        return (self.low, self.high)

    def _normal_bounds(self) -> tuple[float, float]:
        assert self.mu is not None and self.sigma is not None
        return ((self.low - self.mu) / self.sigma, (self.high - self.mu) / self.sigma)

    def draw(self, rng: np.random.Generator, size: int | tuple[int, ...] | None = None) -> Any:
        """Draw from the prior with `rng` (a float, or an array of shape `size`).

        Each kind uses a fixed number of draws from `rng` per value, so the same generator state
        gives the same values.
        """
        if self.kind == "fixed":
            return self.low if size is None else np.full(size, self.low)
        if self.kind == "integer":
            out = rng.integers(int(self.low), int(self.high), endpoint=True, size=size)
            return int(out) if size is None else out
        u = rng.random(size)
        if self.kind == "uniform":
            x = self.low + (self.high - self.low) * u
        elif self.kind == "loguniform":
            x = np.exp(math.log(self.low) + (math.log(self.high) - math.log(self.low)) * u)
        elif self.kind == "normal":
            za, zb = self._normal_bounds()
            ca, cb = _std_normal_cdf(za), _std_normal_cdf(zb)
            z = _special().ndtri(ca + (cb - ca) * u)
            x = np.clip(self.mu + self.sigma * z, self.low, self.high)
        else:  # beta
            x = self.low + (self.high - self.low) * _special().betaincinv(self.a, self.b, u)
        return float(x) if size is None else np.asarray(x, dtype=float)

    def pdf(self, x: Any) -> Any:
        """Density at `x` (vectorised; 0 outside the support). For ``integer`` the pmf."""
        arr = np.asarray(x, dtype=float)
        inside = (arr >= self.low) & (arr <= self.high)
        if self.kind == "fixed":
            out = np.where(arr == self.low, np.inf, 0.0)
        elif self.kind == "integer":
            n = self.high - self.low + 1
            out = np.where(inside & (arr == np.round(arr)), 1.0 / n, 0.0)
        elif self.kind == "uniform":
            out = np.where(inside, 1.0 / (self.high - self.low), 0.0)
        elif self.kind == "loguniform":
            safe = np.where(inside, arr, 1.0)
            out = np.where(inside, 1.0 / (safe * math.log(self.high / self.low)), 0.0)
        elif self.kind == "normal":
            za, zb = self._normal_bounds()
            mass = _std_normal_cdf(zb) - _std_normal_cdf(za)
            z = (arr - self.mu) / self.sigma
            dens = np.exp(-0.5 * z * z) / (self.sigma * math.sqrt(2 * math.pi) * mass)
            out = np.where(inside, dens, 0.0)
        else:  # beta
            width = self.high - self.low
            t = np.clip((arr - self.low) / width, 0.0, 1.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                log_dens = ((self.a - 1) * np.log(t) + (self.b - 1) * np.log1p(-t)
                            - _special().betaln(self.a, self.b) - math.log(width))
                dens = np.exp(log_dens)
            out = np.where(inside, np.nan_to_num(dens, nan=0.0, posinf=np.inf), 0.0)
        return float(out) if np.ndim(x) == 0 else out

    def mean(self) -> float:
        """Expected value."""
        lo, hi = self.low, self.high
        if self.kind in ("fixed", "uniform", "integer"):
            return (lo + hi) / 2
        if self.kind == "loguniform":
            return (hi - lo) / math.log(hi / lo)
        if self.kind == "beta":
            return lo + (hi - lo) * self.a / (self.a + self.b)
        za, zb = self._normal_bounds()
        mass = float(_std_normal_cdf(zb) - _std_normal_cdf(za))
        return self.mu + self.sigma * (_phi(za) - _phi(zb)) / mass

    def variance(self) -> float:
        """Variance."""
        lo, hi = self.low, self.high
        if self.kind == "fixed":
            return 0.0
        if self.kind == "uniform":
            return (hi - lo) ** 2 / 12
        if self.kind == "integer":
            n = hi - lo + 1
            return (n * n - 1) / 12
        if self.kind == "loguniform":
            log_ratio = math.log(hi / lo)
            second = (hi * hi - lo * lo) / (2 * log_ratio)
            return second - self.mean() ** 2
        if self.kind == "beta":
            s = self.a + self.b
            return (hi - lo) ** 2 * self.a * self.b / (s * s * (s + 1))
        za, zb = self._normal_bounds()
        mass = float(_std_normal_cdf(zb) - _std_normal_cdf(za))
        pa, pb = _phi(za), _phi(zb)
        ta = za * pa if math.isfinite(za) else 0.0
        tb = zb * pb if math.isfinite(zb) else 0.0
        return self.sigma ** 2 * (1 + (ta - tb) / mass - ((pa - pb) / mass) ** 2)

    def narrowed(self, low: float, high: float) -> Prior:
        """This prior restricted to [low, high] (which must lie inside the support).

        Uniform, loguniform and integer priors stay of their kind; a normal prior is truncated
        further; a beta or fixed prior cannot be narrowed (ValueError).
        """
        if not (self.low <= low < high <= self.high) and not (self.kind == "integer" and low == high):
            raise ValueError(f"cannot narrow {self} to [{low:g}, {high:g}]: expected "
                             f"{self.low:g} <= low < high <= {self.high:g}")
        if self.kind == "uniform":
            return Prior.uniform(low, high)
        if self.kind == "loguniform":
            return Prior.loguniform(low, high)
        if self.kind == "integer":
            return Prior.integer(math.ceil(low), math.floor(high))
        if self.kind == "normal":
            return Prior.normal(self.mu, self.sigma, low, high)
        raise ValueError(f"a {self.kind} prior cannot be narrowed; declare a uniform one instead")

    def __str__(self) -> str:
        if self.kind == "fixed":
            return f"fixed({self.low:g})"
        if self.kind in ("uniform", "loguniform"):
            return f"{self.kind}({self.low:g}, {self.high:g})"
        if self.kind == "integer":
            return f"integer({int(self.low)}..{int(self.high)})"
        if self.kind == "normal":
            text = f"normal({self.mu:g}, {self.sigma:g})"
        else:
            text = f"beta({self.a:g}, {self.b:g})"
        if math.isfinite(self.low) or math.isfinite(self.high):
            text += f" on [{self.low:g}, {self.high:g}]"
        return text


def _phi(z: float) -> float:
    """Standard normal density (0 at ±inf)."""
    return 0.0 if not math.isfinite(z) else math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
