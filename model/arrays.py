"""numpy forms the weekly step calls many times, with the same bits as numpy's public functions.

At the default street (1,920 households) a numpy call does a few microseconds of work, so the Python
wrappers around some public functions cost more than the work itself. The forms here call the
underlying routine directly; each says what it is equal to, bit for bit.
"""

from __future__ import annotations

import numpy as np
from numpy._core import multiarray as _multiarray
from numpy._core import umath as _umath

__all__ = ["clip", "count_nonzero"]


def clip(x: np.ndarray, low: float, high: float, out: np.ndarray | None = None) -> np.ndarray:
    """``np.clip(x, low, high, out=out)`` for a float array and two float bounds: numpy's own clip
    ufunc, without the three Python layers ``np.clip`` goes through (~3 µs a call at the default size)."""
    return _umath.clip(x, low, high, out=out)


def count_nonzero(x: np.ndarray) -> int:
    """``np.count_nonzero(x)`` (no axis): numpy's own routine without the Python function around it
    (~0.4 µs a call); ``count_nonzero(x) > 0`` is ``x.any()`` at a twentieth of its cost."""
    return int(_multiarray.count_nonzero(x))
