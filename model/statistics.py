"""Statistics of household arrays that the reporters compute every week, each bit for bit equal to
numpy's general routine (``x.mean()``, ``np.sort``, ``np.percentile``) or to its written-out formula
(Gini, Moran's I with building contiguity), and cheaper at the sizes a week needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["gini", "mean", "moran_of_mask", "morans_i_by_building", "percentile_linear", "share", "sorted_unit"]

# Reporters run every week, so these avoid numpy's Python-level wrappers where a direct call gives the
# same bits: `mean` is what ndarray.mean does (numpy's pairwise sum, then one division), a share of a
# boolean array is an exact count over the size, and group members are index arrays made once per
# run (`_Groups`), which select the same values in the same order as a boolean mask.
_sum = np.add.reduce


def mean(x: np.ndarray) -> float:
    """``x.mean()`` bit for bit (NaN when empty), for float and boolean 1-D arrays."""
    n = x.size
    if not n:
        return float("nan")
    if x.dtype == np.bool_:
        return np.count_nonzero(x) / n
    return float(_sum(x)) / n


def share(mask: np.ndarray) -> float:
    """Share of True in a boolean array (``mask.mean()`` bit for bit)."""
    return np.count_nonzero(mask) / mask.size


_GINI_WEIGHTS: dict[int, np.ndarray] = {}


def sorted_unit(x: np.ndarray) -> np.ndarray:
    """``np.sort(x)`` bit for bit, faster for values in [0, 1] (any others still come out sorted, only
    slower): households are first put in order of a 16-bit (up to 16,384 values) or 24-bit fixed-point
    key by numpy's radix sort (``argsort(kind="stable")`` of 16-bit integers; for 24 bits ``lexsort`` of
    its 16- and 8-bit parts), which leaves only values that share a key out of order, and a final stable sort (timsort, which
    finishes nearly sorted input in about one pass) puts those right. A sorted array of numbers is the
    same whichever way it was found, so the result is ``np.sort(x)``'s (up to where −0 and 0 stand among
    equal zeros, which np.sort leaves unspecified too, and which changes no sum of products of them)."""
    if x.size <= 16_384:
        key = np.multiply(x, 65535.0).astype(np.uint16)
        nearly = x.take(key.argsort(kind="stable"))
    else:
        key24 = np.multiply(x, 16777215.0).astype(np.uint32)
        # by the high 16 bits, then the low 8: np.lexsort radix-sorts each (one byte pass for the 8 bits)
        nearly = x.take(np.lexsort((key24.astype(np.uint8), np.right_shift(key24, 8).astype(np.uint16))))
    nearly.sort(kind="stable")
    return nearly


def gini(x: np.ndarray, unit: bool = False) -> float:
    """Gini coefficient of non-negative values (`unit`: all in [0, 1], which sorts them faster with the
    same result, `sorted_unit`)."""
    if x.size == 0:
        return 0.0
    s = sorted_unit(x) if unit else np.sort(x)
    total = _sum(s)
    if total == 0:
        return 0.0
    n = s.size
    weights = _GINI_WEIGHTS.get(n)
    if weights is None:
        weights = _GINI_WEIGHTS[n] = 2.0 * np.arange(1, n + 1) - n - 1
    # elementwise product (into the sorted copy) + numpy's pairwise sum, not ndarray.dot: BLAS splits a
    # dot product across threads, which would make the bits depend on the number of cores
    return float(_sum(np.multiply(weights, s, out=s)) / (n * total))


def percentile_linear(x: np.ndarray, q: float) -> float:
    """``np.percentile(x, q)`` (method "linear") bit for bit, for a non-empty 1-D array without NaN,
    without numpy's general machinery: the two neighbouring order statistics and numpy's lerp."""
    n = x.size
    virtual = (n - 1) * (q / 100)
    if virtual >= n - 1:
        return float(np.max(x))
    below = int(virtual // 1)
    part = np.partition(x, (below, below + 1))
    a, b = float(part[below]), float(part[below + 1])
    gamma = virtual - below
    diff = b - a
    return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma


def morans_i_by_building(values: np.ndarray, building_of: np.ndarray, n_buildings: int,
                         w_total: float | None = None) -> float:
    """Moran's I of a household variable with building contiguity (w_ij = 1 in the same building).
    Positive: households of a building resemble each other (P5); ~0 with no clustering. ``w_total``
    (Σ over buildings of size·(size − 1)) may be passed in when known."""
    if w_total is None:
        sizes = np.bincount(building_of, minlength=n_buildings).astype(np.float64)
        w_total = float((sizes * (sizes - 1)).sum())
    return _morans_i(values, lambda z: np.bincount(building_of, weights=z, minlength=n_buildings), w_total)


def _morans_i(values: np.ndarray, per_building: Callable[[np.ndarray], np.ndarray], w_total: float) -> float:
    """`morans_i_by_building` with the sums by building made by `per_building` (the same sums as
    np.bincount's, e.g. `StreetLayout.per_building`)."""
    z = values - mean(values)
    zz = z * z
    denom = float(_sum(zz))
    if denom == 0:
        return 0.0
    sums = per_building(z)
    sq = per_building(zz)
    cross = float(_sum(sums * sums - sq))
    return float(values.size / w_total * cross / denom) if w_total else 0.0


def moran_of_mask(mask: np.ndarray, layout: Any, w_total: float) -> float:
    """`morans_i_by_building` of a boolean household array, from counts by building (buildings are blocks
    of ``layout.households_per_building`` households)."""
    n, size = mask.size, layout.households_per_building
    active = np.count_nonzero(mask)
    if active == 0 or active == n or not w_total:
        return 0.0  # no variance
    share = active / n
    on, off = (1.0 - share) ** 2, share * share  # z² of an active and of an inactive household
    # whole numbers, exact in floats whatever the order of addition
    counts = np.add.reduce(mask.view(np.uint8).reshape(layout.n_buildings, size), axis=1, dtype=np.float64)
    sums = counts - size * share
    squares = counts * on
    squares += (size - counts) * off
    sums *= sums
    sums -= squares
    return float(n / w_total * float(_sum(sums)) / (active * on + (n - active) * off))
