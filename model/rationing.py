"""Rationing of volunteer and meeting places: when more households of a community want a slot than it
offers, a random subset of the wanting gets one (docs/specification.md §3, activities), found without a
full sort and with the same households as a stable sort by random key would give."""

from __future__ import annotations

import numpy as np

from model.arrays import count_nonzero

__all__ = ["MANY_CROWDED", "ration", "smallest", "smallest_by_block"]


def smallest(key: np.ndarray, q: int) -> np.ndarray:
    """Mask of the `q` smallest values of `key`, equal values taken by position (a stable sort's first q)."""
    if q <= 0:
        return np.zeros(key.size, dtype=bool)
    part = key.copy()  # np.partition(key, q − 1) without its Python layer
    part.partition(q - 1)
    threshold = part[q - 1]
    take = np.less(key, threshold)
    short = q - count_nonzero(take)
    if short:
        take[(key == threshold).nonzero()[0][:short]] = True
    return take


#: From this many crowded communities on, `ration` finds every community's threshold first and compares
#: all keys at once (`smallest_by_block`); below it, community by community (`smallest`). Same result.
MANY_CROWDED = 4


def smallest_by_block(key: np.ndarray, bounds: np.ndarray, quota: np.ndarray, crowded: np.ndarray) -> np.ndarray:
    """`smallest` in every block listed in `crowded` (block c is ``key[bounds[c]:bounds[c + 1]]``, its
    quota ``quota[c]``), every key of the other blocks, as one mask. One partition per crowded block finds
    its quota-th smallest key, and one comparison of all keys with their block's keeps those up to it:
    exactly the quota where that key occurs once in the block; blocks where it occurs more often (equal
    keys) are redone with `smallest`, which takes equal keys by position."""
    threshold = np.full(bounds.size - 1, np.inf)
    for c, q in zip(crowded.tolist(), quota.take(crowded).tolist(), strict=True):
        q = int(q)
        if q <= 0:
            threshold[c] = -np.inf
            continue
        block = key[bounds[c]:bounds[c + 1]].copy()
        block.partition(q - 1)
        threshold[c] = block[q - 1]
    keep = key <= threshold.repeat(bounds[1:] - bounds[:-1])
    kept = np.zeros(keep.size + 1, dtype=np.intp)
    np.cumsum(keep, out=kept[1:])
    for c in ((kept[bounds[1:]] - kept[bounds[:-1]]) > quota).nonzero()[0].tolist():
        lo, hi = bounds[c], bounds[c + 1]
        keep[lo:hi] = smallest(key[lo:hi], int(quota[c]))
    return keep


def ration(wanting: np.ndarray, slots: np.ndarray, community_start: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    """Indices of the households that get a slot (households come in blocks by community, community c's
    from ``community_start[c]`` on): all who want one where the community's slots suffice, else a random
    subset: the community's quota (its whole slots, plus one with the probability of the fraction) with
    the smallest random keys (equal keys: the lower household), which is the first quota of a stable sort
    by key, found without sorting. Draws: nothing when nobody wants a slot; else one uniform per
    community, then one per household who wants a slot."""
    idx = wanting.nonzero()[0]
    if idx.size == 0:
        return idx
    whole = np.floor(slots)
    quota = whole + (rng.random(slots.size) < slots - whole)  # whole numbers (as floats)
    key = rng.random(idx.size)
    if community_start.size == 2:  # one community: every household who wants a slot is in it
        q = quota[0]
        return idx if idx.size <= q else idx.compress(smallest(key, int(q)))
    # households come in blocks by community (StreetLayout): community c's are from c's first on
    bounds = idx.searchsorted(community_start)
    crowded = ((bounds[1:] - bounds[:-1]) > quota).nonzero()[0]
    if crowded.size == 0:
        return idx
    if crowded.size >= MANY_CROWDED:
        return idx[smallest_by_block(key, bounds, quota, crowded)]
    keep = np.ones(idx.size, dtype=bool)
    for c in crowded.tolist():
        lo, hi = bounds[c], bounds[c + 1]
        keep[lo:hi] = smallest(key[lo:hi], int(quota[c]))
    return idx[keep]
