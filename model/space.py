"""The street's layout and the households' social network (docs/specification.md §2).

Households are numbered so that each building, grid (compound) and community is a contiguous
block: household h lives in building h // households_per_building, and so on. Group sums are then
``np.bincount`` over the index arrays, which keeps every weekly update vectorised.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from model.arrays import constant

__all__ = ["StreetLayout", "SocialNetwork"]


@dataclass
class StreetLayout:
    """Index arrays of the street: which building, grid and community each household is in."""

    n_communities: int
    grids: int
    buildings_per_grid: int
    households_per_building: int

    def __post_init__(self) -> None:
        self.n_grids = self.n_communities * self.grids
        self.n_buildings = self.n_grids * self.buildings_per_grid
        self.n_households = self.n_buildings * self.households_per_building
        self.households_per_grid = self.buildings_per_grid * self.households_per_building
        self.households_per_community = self.grids * self.households_per_grid
        # platform integers (intp): np.bincount and take use them as they are, where int32 indices are
        # first copied and converted on every call (~17 % of a bincount at the default size)
        h = np.arange(self.n_households, dtype=np.intp)
        self.building_of = h // self.households_per_building
        self.grid_of = h // self.households_per_grid
        self.community_of = h // self.households_per_community
        self.grid_community = np.arange(self.n_grids, dtype=np.intp) // self.grids
        self.building_grid = np.arange(self.n_buildings, dtype=np.intp) // self.buildings_per_grid
        #: first household of each community, and the number of households after the last one
        self.community_start = np.arange(self.n_communities + 1, dtype=np.intp) * self.households_per_community

    def per_building(self, values: np.ndarray) -> np.ndarray:
        """Sum of a household array by building."""
        return self._block_sums(values, self.building_of, self.n_buildings, self.households_per_building)

    def per_grid(self, values: np.ndarray) -> np.ndarray:
        """Sum of a household array by grid (compound)."""
        return self._block_sums(values, self.grid_of, self.n_grids, self.households_per_grid)

    def count_per_grid(self, mask: np.ndarray) -> np.ndarray:
        """Households marked in `mask` in each grid (compound), as floats: one reduction over the
        compound blocks; the counts are whole numbers, exact in any order, so the same as `per_grid`
        of the mask as floats."""
        return np.add.reduce(mask.reshape(self.n_grids, self.households_per_grid), axis=1, dtype=np.float64)

    def per_community(self, values: np.ndarray) -> np.ndarray:
        """Sum of a household array by community."""
        return self._block_sums(values, self.community_of, self.n_communities, self.households_per_community)

    @staticmethod
    def _block_sums(values: np.ndarray, group_of: np.ndarray, groups: int, size: int) -> np.ndarray:
        """``np.bincount(group_of, weights=values, minlength=groups)`` bit for bit, for groups that are
        consecutive blocks of `size` households. With many groups, the blocks are laid out as columns
        (one transposed copy) and one reduction adds the rows one after the other: each group's sum is
        then built left to right, as bincount builds it, at a third to a tenth of bincount's cost at
        large sizes. (A reduction along a block's own axis would sum pairwise; one block alone is 1-D.)"""
        if groups < _MANY_BLOCKS or values.dtype != np.float64:
            return np.bincount(group_of, weights=values, minlength=groups)
        return np.add.reduce(values.reshape(groups, size).T.copy(), axis=0, initial=0.0)  # 0.0 + first, as bincount


#: From this many groups on, `StreetLayout._block_sums` adds columns instead of calling bincount
#: (below it the transposed copy's short rows cost more than they save).
_MANY_BLOCKS = 16


class SocialNetwork:
    """Building neighbours (everyone in the same building) plus `k` random interest ties inside
    the community (趣缘). Interest ties are stored as an (n_households, k) index array; building
    ties are implicit (building sums), so memory stays O(n·k).
    """

    def __init__(self, layout: StreetLayout, k_interest: int, rng: np.random.Generator) -> None:
        self.layout = layout
        n = layout.n_households
        self.k = k_interest
        size = layout.households_per_community
        if k_interest > 0 and size > 1:
            start = layout.community_of.astype(np.int64)[:, None] * size
            offset = rng.integers(1, size, size=(n, k_interest))  # never 0: no self-ties
            own = (np.arange(n) - layout.community_of.astype(np.int64) * size)[:, None]
            self.ties = (start + (own + offset) % size).astype(np.int32)
        else:
            self.ties = np.zeros((n, 0), dtype=np.int32)
        self.degree = (layout.households_per_building - 1) + self.ties.shape[1]
        self._divisor = constant(max(self.degree, 1))  # what the sums are divided by (a 0-d array: cheaper operand)
        # The ties as rows (k, n) of platform integers, for the weekly sums: one `take` gathers every
        # tie's value and one reduction over the rows adds them. numpy adds the rows of such a reduction
        # one after the other, and sums fewer than 8 terms along an axis left to right, so this gives
        # the same bits as `values[ties].sum(axis=1)`, at a fraction of the cost (a handful of numpy
        # calls instead of 2·k, which is what counts at the default size); from 8 on numpy sums pairwise.
        self._tie_rows = np.ascontiguousarray(self.ties.T, dtype=np.intp) if 0 < self.k < 8 else None

    def neighbour_mean(self, values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Mean of `values` over each household's network neighbours (self excluded), in `out` if given
        (an array of n floats) or a new array."""
        lay = self.layout
        # households of a building are a contiguous block: its total broadcast over the block, less own
        by_building = values.reshape(lay.n_buildings, lay.households_per_building)
        if self._tie_rows is not None:
            # every tie's value gathered into rows 0..k−1 and the building part into row k, then one
            # reduction over the rows: (((t0 + t1) + …) + building), i.e. building + the tie sum as a
            # separate sum and add would give (mode="wrap": the indices are valid by construction, and
            # numpy's wrap loop is the cheapest)
            gathered = self._gathered(values.dtype)
            values.take(self._tie_rows, mode="wrap", out=gathered[:-1])
            # each building's total repeated over its households (a (buildings, 1) column broadcast over
            # the block would go through numpy's buffers, which costs more than the repeat)
            np.subtract(lay.per_building(values).repeat(lay.households_per_building), values, out=gathered[-1])
            total = np.add.reduce(gathered, axis=0, out=out)
        else:
            total = np.subtract(lay.per_building(values)[:, None], by_building)
            total = total.reshape(-1) if out is None else np.copyto(out, total.reshape(-1)) or out
            if self.k:
                total += values[self.ties].sum(axis=1)
        total /= self._divisor if total.dtype == np.float64 else max(self.degree, 1)
        return total

    def _gathered(self, dtype: np.dtype) -> np.ndarray:
        """A (k + 1, n) work array for `neighbour_mean` (kept: it is filled anew each call)."""
        buffer = self.__dict__.get("_gather_buffer")
        if buffer is None or buffer.dtype != dtype:
            buffer = self._gather_buffer = np.empty((self.k + 1, self.layout.n_households), dtype=dtype)
        return buffer

    def neighbour_share(self, mask: np.ndarray) -> np.ndarray:
        """Share of each household's network neighbours (self excluded) for whom boolean `mask` is True:
        ``neighbour_mean(mask.astype(np.float64))`` bit for bit. The counts are whole numbers, which any
        order of addition gives exactly, so they are added as small integers (bytes gathered, not
        8-byte floats) and divided by the degree once, as `neighbour_mean` divides its float counts."""
        own = np.ascontiguousarray(mask, dtype=np.bool_).view(np.uint8)  # no copy for a boolean array
        if self._tie_rows is not None and self.degree < 256:
            # the ties' bytes in rows 0..k−1 and the building mates' count in row k (bytes: a household
            # has fewer than 256 neighbours), added in one reduction
            lay = self.layout
            counts = self._count_rows(np.uint8)
            own.take(self._tie_rows, mode="wrap", out=counts[:-1])
            by_building = own.reshape(lay.n_buildings, lay.households_per_building)
            np.subtract(np.add.reduce(by_building, axis=1, dtype=np.uint8).repeat(lay.households_per_building), own,
                        out=counts[-1])
            total = np.add.reduce(counts, axis=0, dtype=np.uint8)
        else:
            total = self._building_counts(own)
            if self._tie_rows is not None:
                total += self._tie_counts(own)
            elif self.k:
                total += np.add.reduce(own[self.ties], axis=1, dtype=total.dtype)
        return np.divide(total, self._divisor, dtype=np.float64)

    def _count_rows(self, dtype: type = np.uint8) -> np.ndarray:
        """A (k + 1, n) work array of small integers for the counts (kept: it is filled anew each call)."""
        buffers = self.__dict__.setdefault("_count_buffers", {})
        buffer = buffers.get(dtype)
        if buffer is None:
            buffer = buffers[dtype] = np.empty((self.k + 1, self.layout.n_households), dtype=dtype)
        return buffer

    def neighbour_counts(self, mask: np.ndarray, subset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """How many of each household's network neighbours (self excluded) `mask` holds, and how many of those
        `subset` holds too (both boolean), as small integers: ``neighbour_share(mask)`` and
        ``neighbour_share(mask & subset)`` are these divided by ``max(degree, 1)``. Both are counted at once:
        each household's two bytes, mask and mask & subset, are one 16-bit number (mask + 256·both), and
        sums of fewer than 256 such numbers keep the two counts apart, one in each byte; the interest ties
        and the building mates are then counted as in `neighbour_share`."""
        packed = self._packed_counts(mask, subset)
        if packed is not None:
            totals = packed.view(np.uint8).reshape(-1, 2)  # low byte: mask; high byte: mask & subset
            return totals[:, 0], totals[:, 1]
        own = np.ascontiguousarray(mask, dtype=np.bool_).view(np.uint8)  # no copy for a boolean array
        both = np.bitwise_and(own, np.ascontiguousarray(subset, dtype=np.bool_).view(np.uint8))
        total = self._building_counts(own)
        total_both = self._building_counts(both)
        if self._tie_rows is not None:
            packed = np.left_shift(both, 3)
            packed |= own
            tied = self._tie_counts(packed)
            total += np.bitwise_and(tied, 7)
            total_both += np.right_shift(tied, 3, out=tied)
        elif self.k:
            total += np.add.reduce(own[self.ties], axis=1, dtype=total.dtype)
            total_both += np.add.reduce(both[self.ties], axis=1, dtype=total.dtype)
        return total, total_both

    def _packed_counts(self, mask: np.ndarray, subset: np.ndarray) -> np.ndarray | None:
        """`neighbour_counts` as one 16-bit number a household, count + 256·count of the subset (None where
        the counts do not fit a byte each, without interest ties below 8, or on a big-endian machine)."""
        if self._tie_rows is None or self.degree >= 256 or sys.byteorder != "little":
            return None
        lay = self.layout
        n = lay.n_households
        own = np.ascontiguousarray(mask, dtype=np.bool_).view(np.uint8)  # no copy for a boolean array
        pair = np.empty(n, dtype=np.uint16)
        halves = pair.view(np.uint8).reshape(n, 2)  # low byte: mask; high byte: mask & subset
        halves[:, 0] = own
        np.bitwise_and(own, np.ascontiguousarray(subset, dtype=np.bool_).view(np.uint8), out=halves[:, 1])
        counts = self._count_rows(np.uint16)
        pair.take(self._tie_rows, mode="wrap", out=counts[:-1])
        by_building = pair.reshape(lay.n_buildings, lay.households_per_building)
        np.subtract(np.add.reduce(by_building, axis=1, dtype=np.uint16).repeat(lay.households_per_building), pair,
                    out=counts[-1])
        return np.add.reduce(counts, axis=0, dtype=np.uint16)

    def role_model_share(self, mask: np.ndarray, subset: np.ndarray, weight: float) -> np.ndarray:
        """Share of each household's network neighbours for whom boolean `mask` holds, a neighbour whom
        `subset` holds too counting as 1 + `weight` neighbours: (s + w·b) / (1 + w·b), s and b the shares
        ``neighbour_share(mask)`` and ``neighbour_share(mask & subset)``. It stays in [0, 1] and is s where
        b is 0. Looked up from the two counts (`neighbour_counts`) in `role_model_table`, with the bits of
        the array expression."""
        table = self.role_model_table(weight)
        packed = self._packed_counts(mask, subset)
        if packed is not None:
            # the table laid out by the packed number: entry count + 256·subset count (made once per weight)
            return self._packed_table(weight, table).take(packed)
        count, subset_count = self.neighbour_counts(mask, subset)
        return table.take(np.multiply(count, table.shape[1], dtype=np.intp) + subset_count)

    def _packed_table(self, weight: float, table: np.ndarray) -> np.ndarray:
        """`role_model_table` (rows: count, columns: subset count) as a flat array indexed by
        count + 256·subset count, for `_packed_counts`."""
        cached = self.__dict__.get("_packed_table_cache")
        if cached is None or cached[0] != weight:
            flat = np.zeros((table.shape[1], 256))
            flat[:, :table.shape[0]] = table.T
            flat = flat.reshape(-1)
            flat.flags.writeable = False
            cached = self._packed_table_cache = (weight, flat)
        return cached[1]

    def role_model_table(self, weight: float) -> np.ndarray:
        """(s + w·b) / (1 + w·b) for every pair of neighbour counts (row: all who count, column: those of
        the subset), s and b the counts divided by the degree as `neighbour_share` divides them, in the
        operations and order the array expression would use (made once per weight)."""
        cached = self.__dict__.get("_role_model_cache")
        if cached is None or cached[0] != weight:
            counts = np.arange(self.degree + 1, dtype=np.int16)
            share = np.divide(counts, max(self.degree, 1), dtype=np.float64)
            extra = share * weight
            table = np.add(share[:, None], extra[None, :])
            extra += 1.0
            table /= extra[None, :]
            table.flags.writeable = False
            cached = self._role_model_cache = (weight, table)
        return cached[1]

    def _building_counts(self, own: np.ndarray) -> np.ndarray:
        """For every household, the sum of the other households' `own` (bytes) in its building, as small
        integers (wide enough for a household's neighbours)."""
        lay = self.layout
        count = np.int16 if self.degree < 32_768 else np.intp  # a household's neighbours at most
        by_building = own.reshape(lay.n_buildings, lay.households_per_building)
        return np.subtract(np.add.reduce(by_building, axis=1, dtype=count)[:, None], by_building,
                           dtype=count).reshape(-1)

    def _tie_counts(self, own: np.ndarray) -> np.ndarray:
        """For every household, the sum of `own` (bytes) over its k < 8 interest ties, in bytes (the caller
        keeps each sum under 256)."""
        ties = own.take(self._tie_rows, mode="wrap")  # (k < 8, n) bytes
        return np.add.reduce(ties, axis=0, dtype=np.uint8)  # in bytes, without a cast

    def neighbours(self, household: int) -> np.ndarray:
        """Indices of one household's neighbours (for inspection, not used in the weekly step)."""
        lay = self.layout
        b = lay.building_of[household]
        same = np.arange(b * lay.households_per_building, (b + 1) * lay.households_per_building)
        return np.unique(np.concatenate([same[same != household], self.ties[household]]))

    def to_networkx(self):  # pragma: no cover - convenience for notebooks
        """The network as a networkx Graph (small streets only)."""
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(range(self.layout.n_households))
        for h in range(self.layout.n_households):
            graph.add_edges_from((h, int(j)) for j in self.neighbours(h))
        return graph
