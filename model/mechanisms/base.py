"""The mechanism interface and registry.

A mechanism is a class in its own module under ``model/mechanisms/``, decorated with
:func:`register`. It declares a key, both-language names, the source documents that name it (see
docs/sources.md), its parameters, the phases it hooks, and its weekly cost in yuan. Adding a
mechanism touches one file: the package imports every module in the folder.

Phases (docs/specification.md §3): ``setup`` (once), then weekly ``issues_arise``, ``issues_surface``,
``issues_route``, ``queues``, ``resolution``, ``activities``, ``property`` (monthly),
``projects`` (quarterly), ``attitudes``, ``observe``. A mechanism that hooks a phase has a method
of that name taking the model.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from model.parameter_registry import PARAMETERS, Param, ParamFields, declare, declare_fields
from model.protocol import StreetModel

__all__ = ["Mechanism", "MechParam", "MECHANISMS", "PHASES", "register", "declare_parameters", "per_1000", "coverage",
           "oldest_first", "oldest_within", "stable_order"]

PHASES: tuple[str, ...] = (
    "setup",
    "issues_arise",
    "issues_surface",
    "issues_route",
    "queues",
    "resolution",
    "activities",
    "property",
    "projects",
    "attitudes",
    "observe",
)

MECHANISMS: dict[str, type[Mechanism]] = {}


class MechParam(ParamFields):
    """A mechanism parameter before it is declared as ``KEY.name`` (group ``mechanism:KEY``): the fields of
    every declaration (`model.parameter_registry.ParamFields`); `prior` defaults to uniform on [low, high]."""


class Mechanism:
    """Base class. Subclasses set the class attributes and implement the phases they hook."""

    key: ClassVar[str]
    name_zh: ClassVar[str]
    name_en: ClassVar[str]
    summary: ClassVar[str]  # one line: what it changes
    summary_zh: ClassVar[str]  # the same line in 中文 (reports in 中文 show it)
    sources: ClassVar[tuple[str, ...]]  # source documents (docs/sources.md ids and the phrase used there)
    phases: ClassVar[tuple[str, ...]]
    parameters: ClassVar[tuple[MechParam, ...]] = ()

    def __init__(self, model: StreetModel, values: dict[str, Any]) -> None:
        self.model = model
        self.p = values  # this mechanism's parameter values, without the "KEY." prefix
        self.cost_this_week = 0.0  # yuan; set by the hooks, read by the reporters

    def setup(self, model: StreetModel) -> None:
        """Turn levers once at model set-up (phase ``setup``)."""

    def weekly_cost(self, model: StreetModel) -> float:
        """Yuan spent this week (fixed running costs plus what the hooks spent)."""
        return self.cost_this_week

    @classmethod
    def param(cls, name: str) -> Param:
        """The declared parameter ``KEY.name``."""
        return PARAMETERS[f"{cls.key}.{name}"]


def register(cls: type[Mechanism]) -> type[Mechanism]:
    """Class decorator: register a mechanism. Its parameters (``KEY.enabled`` too) are declared by
    :mod:`model.parameters` (:func:`declare_parameters`), after the core ones, so importing that module
    gives the whole declaration in one order whatever was imported first."""
    key = cls.key
    if key in MECHANISMS:
        raise ValueError(f"mechanism {key!r} registered twice")
    bad = [ph for ph in cls.phases if ph not in PHASES]
    missing = [ph for ph in cls.phases if ph != "setup" and not callable(getattr(cls, ph, None))]
    if bad or missing:
        raise ValueError(f"mechanism {key!r}: unknown phases {bad} or hooks without a method {missing}")
    MECHANISMS[key] = cls
    return cls


def declare_parameters(cls: type[Mechanism]) -> None:
    """Declare a registered mechanism's switch ``KEY.enabled`` and its parameters ``KEY.NAME``."""
    key = cls.key
    group = f"mechanism:{key}"
    declare(
        f"{key}.enabled", False, None, None, "", f"启用{cls.name_zh}", f"Enable {cls.name_en}",
        cls.summary, group, main=True,
        source="; ".join(cls.sources), assumption="" if cls.sources else "a modelling switch", prior=None,
    )
    for mp in cls.parameters:
        declare_fields(replace(mp, name=f"{key}.{mp.name}"), group)


def per_1000(intensity: float, households: float) -> float:
    """The amount an intensity declared per 1,000 households comes to for `households` households
    (so a community twice the size gets twice the hours, staff or money: scale-free resources)."""
    return intensity * households / 1000.0


def coverage(supplied: float, needed: float) -> float:
    """Share of a task the supplied hours (or yuan) cover: supplied / needed, at most 1; 0 when
    nothing is supplied (no resource, no effect)."""
    if supplied <= 0.0:
        return 0.0
    return 1.0 if needed <= 0.0 else min(1.0, supplied / needed)



#: From this many candidates on, `oldest_within` first narrows them to the oldest weeks that can fit.
_NARROW_FROM = 4096
#: From this many rows on, `oldest_first` sorts one packed 16-bit key (below, `np.lexsort` is faster).
_PACK_FROM = 384
_INT16 = np.iinfo(np.int16)
#: Below this many weeks, `stable_order` sorts them as they are when their range is not known: finding
#: it (a minimum and a maximum) costs more than the radix sort saves.
_PLAIN_BELOW = 384
_accumulate, _min, _max = np.add.accumulate, np.minimum.reduce, np.maximum.reduce  # cumsum, min, max without their Python layer


def stable_order(weeks: np.ndarray, bounds: tuple[int, int] | None = None) -> np.ndarray:
    """``weeks.argsort(kind="stable")`` for integer weeks: as int16 where they fit (numpy radix-sorts
    16-bit keys, several times faster than its merge sort of 32-bit ones), the same permutation.
    `bounds`, when the caller knows them: weeks lie within (lowest, highest) (spares finding them)."""
    if weeks.size > (16 if bounds is not None else _PLAIN_BELOW) and weeks.dtype.itemsize > 2:
        lo, hi = (int(_min(weeks)), int(_max(weeks))) if bounds is None else bounds
        if _INT16.min <= lo and hi <= _INT16.max:
            return weeks.astype(np.int16).argsort(kind="stable")
    return weeks.argsort(kind="stable")


def oldest_within(rows: np.ndarray, surfaced: np.ndarray, need: np.ndarray, room: float,
                  bounds: tuple[int, int] | None = None) -> np.ndarray:
    """The `rows` taken oldest first (by `surfaced`; equal weeks in the order given) while the
    running total of their `need` stays within `room`: ``rows[order][cumsum(need[order]) <= room]``
    with ``order`` the stable sort by `surfaced`, bit for bit. Many rows: the sort and the running
    total are made only over the oldest weeks whose total can reach `room`, a prefix of that order
    (needs are ≥ 0, so once the running total passes `room` it stays past it). `bounds`: weeks
    `surfaced` is known to lie within (`stable_order`)."""
    if rows.size >= _NARROW_FROM and _min(need) >= 0.0:
        first = _min(surfaced)
        by_week = np.bincount(surfaced - first, weights=need)
        # the weeks whose cumulative total is within room (up to rounding), the week past it, a spare
        last = first + int(_accumulate(by_week).searchsorted(room, side="right")) + 1
        inside = surfaced <= last
        if not inside.all():
            part = surfaced[inside]
            order = stable_order(part)
            total = _accumulate(need[inside][order])
            if total[-1] > room:  # the rows left out come later and cannot fit either
                return rows[inside][order][total <= room]
    order = stable_order(surfaced, bounds)
    return rows.take(order).compress(_accumulate(need.take(order)) <= room)


def oldest_first(groups: np.ndarray, surfaced: np.ndarray) -> np.ndarray:
    """The stable order by group, then by week surfaced (equal pairs keep the order given):
    ``np.lexsort((surfaced, groups))``. Many rows: one stable sort of a packed key, a radix sort
    when it fits 16 bits, which gives the same order."""
    if groups.size < _PACK_FROM:
        return np.lexsort((surfaced, groups))
    lo = int(_min(surfaced))
    span = int(_max(surfaced)) - lo + 1
    if int(_max(groups)) * span + span <= 1 << 16:  # groups are ≥ 0: the key fits 16 bits, no overflow below
        key = groups.astype(np.int32) * span
        key += surfaced
        key -= lo
        return key.astype(np.uint16).argsort(kind="stable")
    weeks = surfaced.astype(np.int64)
    weeks -= lo
    key = groups.astype(np.int64)
    key *= span
    key += weeks
    return key.argsort(kind="stable")
