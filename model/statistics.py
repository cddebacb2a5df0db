"""Statistics of household arrays that the reporters compute every week, each bit for bit equal to
numpy's general routine (``x.mean()``, ``np.sort``, ``np.percentile``) or to its written-out formula
(Gini, Moran's I with building contiguity), and cheaper at the sizes a week needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["block_sums_by_row", "counts_by_row", "gini", "ginis_unit", "mean", "means_of_parts", "moran_of_mask", "morans_i_by_building",
           "morans_of_counts", "percentile_linear", "percentiles_of_parts", "share", "sorted_unit"]

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


# -- the same statistics for several weeks at once: one row of a 2-D array per week ----------------
# A reduction along the rows' own axis (axis=1) sums each row pairwise exactly as a reduction of the
# row alone does, so each week's value has the bits its 1-D statistic gives.
def counts_by_row(mask: np.ndarray) -> np.ndarray:
    """The number of True in each row of a 2-D boolean array (``np.count_nonzero`` of each row): rows
    shorter than 65,536 summed as bytes into 16-bit counts (one vectorised reduction), longer rows each
    counted by ``np.count_nonzero``."""
    if mask.shape[1] < 65_536:
        return _sum(mask.view(np.uint8), axis=1, dtype=np.uint16)
    return np.fromiter(map(np.count_nonzero, mask), dtype=np.intp, count=mask.shape[0])


def block_sums_by_row(x: np.ndarray, groups: int, size: int) -> np.ndarray:
    """(weeks, groups) sums of consecutive blocks of `size` values of each row, each added left to right
    from 0.0 as ``np.bincount(group_of, weights=row)`` adds them (`StreetLayout.per_grid`)."""
    blocks = np.ascontiguousarray(x.reshape(x.shape[0], groups, size).transpose(2, 0, 1))
    return np.add.reduce(blocks, axis=0, initial=0.0)  # row after row: each block's sum is built in order


def ginis_unit(x: np.ndarray) -> np.ndarray:
    """`gini` (``unit=True``) of each row of `x` (values in [0, 1]), with `sorted_unit`'s sort done for
    every row at once (same sorted rows, so the same bits)."""
    weeks, n = x.shape
    if n == 0:
        return np.zeros(weeks)
    if n > 16_384:
        return np.array([gini(row, unit=True) for row in x])
    order = np.multiply(x, 65535.0).astype(np.uint16).argsort(axis=1, kind="stable")
    order += (np.arange(weeks) * n)[:, None]  # positions in the rows laid end to end
    s = np.ascontiguousarray(x).reshape(-1).take(order)
    s.sort(axis=1, kind="stable")
    total = _sum(s, axis=1)
    weights = _GINI_WEIGHTS.get(n)
    if weights is None:
        weights = _GINI_WEIGHTS[n] = 2.0 * np.arange(1, n + 1) - n - 1
    return np.divide(_sum(np.multiply(weights, s, out=s), axis=1), n * total, out=np.zeros(weeks), where=total != 0)


def morans_of_counts(counts: np.ndarray, n: int, size: int, w_total: float) -> list[float]:
    """`moran_of_mask` of each week from its row of (weeks, buildings) `counts` (float64 whole numbers: the
    active households of each building, every building `size` households, `n` in all)."""
    active = np.add.reduce(counts, axis=1).tolist()  # whole numbers: exact
    shares = [a / n for a in active]
    on = np.array([(1.0 - s) ** 2 for s in shares])  # z² of an active household (Python's pow, as alone)
    off = np.array([s * s for s in shares])  # ... and of an inactive one
    sums = counts - np.multiply(size, shares)[:, None]
    squares = counts * on[:, None]
    squares += (size - counts) * off[:, None]
    sums *= sums
    sums -= squares
    total = _sum(sums, axis=1).tolist()
    return [0.0 if a == 0 or a == n or not w_total else float(n / w_total * t / (a * o + (n - a) * f))
            for a, t, o, f in zip(active, total, on.tolist(), off.tolist(), strict=True)]


def means_of_parts(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """`mean` of each of consecutive parts (of `lengths`) of `values`, NaN for an empty part, for
    whole numbers (their sums are exact in any order, so one bincount gives `mean`'s bits)."""
    labels = np.repeat(np.arange(lengths.size), lengths)
    sums = np.bincount(labels, weights=values, minlength=lengths.size)
    return np.divide(sums, lengths, out=np.full(lengths.size, np.nan), where=lengths > 0)  # `mean`'s NaN


def percentiles_of_parts(values: np.ndarray, lengths: np.ndarray, q: float) -> np.ndarray:
    """`percentile_linear` of each of consecutive parts (of `lengths`) of `values` (NaN for an empty
    part): every part sorted by one lexsort, then each part's two order statistics and numpy's lerp."""
    parts = lengths.size
    if parts == 1:
        return np.array([percentile_linear(values, q) if values.size else np.nan])
    labels = np.repeat(np.arange(parts), lengths)
    s = values.take(np.lexsort((values, labels)))
    starts = np.cumsum(lengths) - lengths
    virtual = (lengths - 1) * (q / 100)
    below = np.floor(virtual).astype(np.intp)
    last = np.maximum(lengths - 1, 0)
    at = np.minimum(starts + below, starts + last)
    a = s.take(np.minimum(at, max(s.size - 1, 0))) if s.size else np.zeros(parts)
    b = s.take(np.minimum(np.minimum(at + 1, starts + last), max(s.size - 1, 0))) if s.size else np.zeros(parts)
    gamma = virtual - below
    diff = b - a
    out = np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
    out = np.where(virtual >= lengths - 1, b, out)  # the largest value (one value, or q = 100)
    out[lengths == 0] = np.nan
    return out
