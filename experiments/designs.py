"""Experimental designs for sweeps: full grid, Latin hypercube, Morris and Sobol (the last three via SALib).

A design turns *factors* (declared parameters with listed values or a ``[low, high]`` range) into a list
of design points, each a ``{parameter: value}`` dict, in a fixed order. Sampled designs are seeded, so
the same factors and seed give the same points. Integer parameters are rounded to the nearest integer
(half away from zero) after sampling; the unrounded SALib matrix is kept for the analysis.

>>> from experiments.designs import Factor, grid_design
>>> d = grid_design([Factor("grids", int, values=(1, 2)), Factor("buck_pass_prob", float, values=(0.1, 0.5))])
>>> d.points
[{'grids': 1, 'buck_pass_prob': 0.1}, {'grids': 1, 'buck_pass_prob': 0.5}, {'grids': 2, 'buck_pass_prob': 0.1}, {'grids': 2, 'buck_pass_prob': 0.5}]
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "METHODS",
    "Factor",
    "Design",
    "grid_design",
    "lhs_design",
    "morris_design",
    "sobol_design",
    "salib_problem",
    "is_power_of_two",
]

#: Design methods and a one-line description of each.
METHODS: dict[str, str] = {
    "grid": "full factorial grid over listed values",
    "lhs": "Latin hypercube sample over ranges (SALib latin)",
    "morris": "Morris elementary effects over ranges (SALib morris)",
    "sobol": "Sobol' indices over ranges (SALib Saltelli/sobol sample)",
}


@dataclass(frozen=True)
class Factor:
    """One swept parameter: listed ``values`` (grid) or a ``[low, high]`` range (sampled designs)."""

    name: str
    kind: type
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-friendly description (for the manifest)."""
        out: dict[str, Any] = {"name": self.name, "kind": self.kind.__name__}
        if self.values is not None:
            out["values"] = list(self.values)
        else:
            out["low"], out["high"] = self.low, self.high
        return out


@dataclass
class Design:
    """Design points in run order, plus what a sensitivity analysis needs to read them back."""

    method: str
    factors: list[Factor]
    points: list[dict[str, Any]]
    options: dict[str, Any] = field(default_factory=dict)
    matrix: np.ndarray | None = None  # SALib's unrounded sample (morris, sobol, lhs), one row per point

    @property
    def names(self) -> list[str]:
        """Names of the swept parameters, in declaration order."""
        return [f.name for f in self.factors]


def is_power_of_two(n: int) -> bool:
    """True for 1, 2, 4, 8, ..."""
    return n >= 1 and (n & (n - 1)) == 0


def salib_problem(factors: list[Factor]) -> dict[str, Any]:
    """SALib's problem dict for ranged factors."""
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[float(f.low), float(f.high)] for f in factors],  # type: ignore[arg-type]
    }


def _cast(factor: Factor, x: float) -> Any:
    """A sampled value in the parameter's kind: ints rounded half away from zero, within the range."""
    if factor.kind is int:
        value = int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)
        return int(min(max(value, factor.low), factor.high))  # type: ignore[type-var]
    return float(x)


def _points_from_matrix(factors: list[Factor], matrix: np.ndarray) -> list[dict[str, Any]]:
    return [{f.name: _cast(f, float(x)) for f, x in zip(factors, row, strict=True)} for row in matrix]


def grid_design(factors: list[Factor]) -> Design:
    """Every combination of the listed values; the first factor varies slowest."""
    combos = itertools.product(*(f.values or () for f in factors))
    points = [dict(zip([f.name for f in factors], combo, strict=True)) for combo in combos]
    return Design("grid", factors, points)


def lhs_design(factors: list[Factor], samples: int, seed: int) -> Design:
    """A Latin hypercube of ``samples`` points over the factors' ranges."""
    from SALib.sample import latin

    matrix = np.asarray(latin.sample(salib_problem(factors), samples, seed=seed), dtype=float)
    return Design("lhs", factors, _points_from_matrix(factors, matrix), {"samples": samples}, matrix)


def morris_design(factors: list[Factor], trajectories: int, levels: int, seed: int) -> Design:
    """Morris trajectories: ``trajectories * (factors + 1)`` points on a ``levels``-level grid."""
    from SALib.sample import morris

    matrix = np.asarray(
        morris.sample(salib_problem(factors), trajectories, num_levels=levels, seed=seed), dtype=float
    )
    options = {"trajectories": trajectories, "levels": levels}
    return Design("morris", factors, _points_from_matrix(factors, matrix), options, matrix)


def sobol_design(factors: list[Factor], samples: int, second_order: bool, seed: int) -> Design:
    """Saltelli's extension of a scrambled Sobol' sequence: ``N * (D + 2)`` points, ``N * (2D + 2)`` with
    second-order indices. ``samples`` (N) must be a power of two (checked by the caller)."""
    from SALib.sample import sobol

    matrix = np.asarray(
        sobol.sample(salib_problem(factors), samples, calc_second_order=second_order, seed=seed), dtype=float
    )
    options = {"samples": samples, "second_order": second_order}
    return Design("sobol", factors, _points_from_matrix(factors, matrix), options, matrix)
