"""The shape of a part of the weekly record (`model.weekly_record`): a set of reporters that read the
same snapshot of the model, taken each week and computed for several weeks at once."""

from __future__ import annotations

from collections.abc import Sequence

from model.protocol import StreetModel as M

__all__ = ["Part"]


class Part:
    """A set of reporters that read the same snapshot. ``wanted``: the names recorded (a subset of
    `names`); `take` keeps week `k`'s snapshot; `compute` gives each wanted name's values for weeks
    0..k−1 (Python floats and ints, as a reporter returns them); `clear` forgets the weeks."""

    names: tuple[str, ...] = ()

    def __init__(self, m: M, wanted: Sequence[str], weeks: int) -> None:
        self.wanted = [name for name in self.names if name in wanted]
        self.weeks = weeks

    def bytes_per_week(self, m: M) -> int:
        return 0

    def take(self, m: M, k: int) -> None:
        raise NotImplementedError

    def compute(self, k: int) -> dict[str, list]:
        raise NotImplementedError

    def clear(self) -> None:
        pass
