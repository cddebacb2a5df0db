"""numpy forms the weekly step calls many times, with the same bits as numpy's public functions.

At the default street (1,920 households) a numpy call does a few microseconds of work, so the Python
wrappers around some public functions cost more than the work itself. The forms here call the
underlying routine directly; each says what it is equal to, bit for bit. `running_total_before` is the
one running total the issue table's queues and the mechanisms share (the hours queued ahead of an issue).
"""

from __future__ import annotations

import numpy as np
from numpy._core import multiarray as _multiarray
from numpy._core import umath as _umath

__all__ = ["ONE", "ZERO", "Constants", "clip", "clip_unit", "constant", "count_nonzero", "running_total_before"]


def clip(x: np.ndarray, low: float, high: float, out: np.ndarray | None = None) -> np.ndarray:
    """``np.clip(x, low, high, out=out)`` for a float array and two float bounds: numpy's own clip
    ufunc, without the three Python layers ``np.clip`` goes through (~3 µs a call at the default size)."""
    return _umath.clip(x, low, high, out=out)


def constant(value: float) -> np.ndarray:
    """`value` as a read-only 0-d float64 array, for a scalar operand a weekly rule passes to numpy: a ufunc
    takes the array as it is, where it turns a Python float into one on every call (~1,500 of the ~4,500
    instructions of a small call; ~2,800 for the two bounds of a clip). With float64 arrays both are the
    same float64 operation, so the same bits (NEP 50: a Python float operand is float64). Only for float64
    arrays: an integer or float32 array with a 0-d float64 array would compute in float64."""
    array = np.array(value, dtype=np.float64)
    array.flags.writeable = False
    return array


class Constants:
    """A rule's scalars as `constant` arrays, made again only when their values change:
    ``weight, base = self._constants(p["weight"], p["base"])`` with ``self._constants = Constants()``."""

    def __init__(self) -> None:
        self._values: tuple[float, ...] | None = None
        self._arrays: tuple[np.ndarray, ...] = ()

    def __call__(self, *values: float) -> tuple[np.ndarray, ...]:
        if values != self._values:
            self._arrays = tuple(constant(v) for v in values)
            self._values = values
        return self._arrays


#: 0.0 and 1.0 as `constant` arrays.
ZERO, ONE = constant(0.0), constant(1.0)


def clip_unit(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``clip(x, 0.0, 1.0, out=out)`` for a float64 array, the bounds passed as `constant` arrays: the same bits."""
    return _umath.clip(x, ZERO, ONE, out=out)


def count_nonzero(x: np.ndarray) -> int:
    """``np.count_nonzero(x)`` (no axis): numpy's own routine without the Python function around it
    (~0.4 µs a call); ``count_nonzero(x) > 0`` is ``x.any()`` at a twentieth of its cost."""
    return int(_multiarray.count_nonzero(x))


_accumulate = np.add.accumulate  # what np.cumsum computes, the same bits, without its Python layer


def running_total_before(values: np.ndarray, groups: np.ndarray | None = None, *,
                         group_sizes: np.ndarray | None = None, left_out: np.ndarray | None = None) -> np.ndarray:
    """For rows sorted by group: the sum of `values` over the earlier rows of each row's group (a running
    total that starts again at 0 with every group and leaves out the row itself), e.g. the hours queued
    ahead of each issue in its holder's queue. `groups`: the rows' sorted group ids (None: all rows are one
    group). `group_sizes`, when the caller has it (then `groups` is not needed): how many rows each group
    id has, by id 0, 1, … (``np.bincount(groups)``); else each row's group's first row is found by a
    binary search. `left_out` (with `group_sizes`): ascending positions of rows that no longer count (an
    issue passed on), their values set to 0.0: the other rows get the bits they would get without them
    (adding 0.0 leaves a running total as it was, and each group starts at its first row not left out);
    the left-out rows' results mean nothing.

    One running total over all rows, less the row's value, less that difference at the group's first
    row: the queues of the issue table and the mechanisms' all compute it so, the same bits."""
    before = _accumulate(values)
    before -= values
    if group_sizes is not None:
        if count_nonzero(group_sizes) <= 1:  # one group: nothing to subtract
            return before
        # each group's first row (ids without rows: where the next one's begin), its difference repeated
        # over the group's rows
        ends = _accumulate(group_sizes)
        starts = ends - group_sizes
        if left_out is not None and left_out.size:
            # a group whose first rows are left out starts after them (left-out rows come in ascending order)
            for row, group in zip(left_out.tolist(), ends.searchsorted(left_out, side="right").tolist(), strict=True):
                if starts[group] == row:
                    starts[group] = row + 1
        return before - before.take(starts, mode="clip").repeat(group_sizes)
    if groups is None or groups.size == 0 or groups[0] == groups[-1]:  # one group: nothing to subtract
        return before
    return before - before.take(groups.searchsorted(groups))
