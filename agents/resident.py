"""Residents (居民): one per household.

Households are many, so their state lives in numpy arrays and their rules are vectorised methods on
them (:class:`agents.households.Households`). Each household is still a Mesa agent (:class:`Resident`)
that reads and writes its own row, so a researcher can inspect one. The views
are made when first asked for (:class:`ResidentViews`): ``model.residents[i]`` makes one, and
``model.agents`` makes them all, so a run that never looks at them never pays for 100,000 Mesa agents:

>>> from model.model import CoGovernanceModel
>>> m = CoGovernanceModel(scenario="baseline", seed=1)
>>> r = m.residents[0]
>>> 0.0 <= r.satisfaction <= 1.0
True
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import mesa

from model.domains import AGE_GROUPS

__all__ = ["Resident", "ResidentViews"]


class Resident(mesa.Agent):
    """One household as a Mesa agent: a view onto row `index` of the model's :class:`Households`.

    Its ``unique_id`` is ``index + 1`` (the ids Mesa gave the households when they were made first),
    whenever the view is made; the model's other agents are numbered after the households. Its model
    is a Mesa model with ``households``, ``layout``, ``issues`` and ``week`` (model.protocol.StreetModel;
    typed as Mesa types an agent's model, so that agents/ imports nothing of model.model)."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        # mesa.Agent.__init__ without drawing an id from Mesa's counter (ids 1..n are the households')
        self.model = model
        self.unique_id = index + 1
        self.pos = None
        self.index = index
        model.register_agent(self)

    def _row(self, name: str):
        return getattr(self.model.households, name)[self.index]

    @property
    def building(self) -> int:
        return int(self.model.layout.building_of[self.index])

    @property
    def grid(self) -> int:
        return int(self.model.layout.grid_of[self.index])

    @property
    def community(self) -> int:
        return int(self.model.layout.community_of[self.index])

    @property
    def age_group(self) -> str:
        return AGE_GROUPS[int(self._row("age_group"))]

    @property
    def owner(self) -> bool:
        return bool(self._row("owner"))

    @property
    def party_member(self) -> bool:
        return bool(self._row("party_member"))

    @property
    def satisfaction(self) -> float:
        return float(self._row("satisfaction"))

    @satisfaction.setter
    def satisfaction(self, value: float) -> None:
        self.model.households.satisfaction[self.index] = min(max(value, 0.0), 1.0)

    @property
    def aspiration(self) -> float:
        return float(self._row("aspiration"))

    @property
    def trust_community(self) -> float:
        return float(self._row("trust_community"))

    @property
    def trust_property(self) -> float:
        return float(self._row("trust_property"))

    @property
    def motivation(self) -> float:
        return float(self._row("motivation"))

    @property
    def efficacy(self) -> float:
        return float(self._row("efficacy"))

    @property
    def points(self) -> float:
        return float(self._row("points"))

    @property
    def pays_fee(self) -> bool:
        return bool(self._row("pays_fee"))

    @property
    def active_last_month(self) -> bool:
        return bool(self.model.households.active_last_month(self.model.week)[self.index])

    def open_issues(self) -> int:
        """This household's latent or open issues now."""
        return int(self.model.issues.pending_count_of(self.index))

    def __repr__(self) -> str:
        return (
            f"Resident(#{self.index}, building {self.building}, {self.age_group}, "
            f"{'owner' if self.owner else 'renter'}, s={self.satisfaction:.2f})"
        )


class ResidentViews(Sequence[Resident]):
    """``model.residents``: the :class:`Resident` view of every household, each made when first used.

    Indexing, iteration and ``len`` work as on a list. `materialise` makes every view and puts Mesa's
    agent sets in the order eager creation gave them (by ``unique_id``: households first)."""

    def __init__(self, model: mesa.Model, n: int) -> None:
        self.model = model
        self._views: list[Resident | None] = [None] * n
        self._made = 0

    def __len__(self) -> int:
        return len(self._views)

    @overload
    def __getitem__(self, i: int) -> Resident: ...

    @overload
    def __getitem__(self, i: slice) -> list[Resident]: ...

    def __getitem__(self, i: int | slice) -> Resident | list[Resident]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._views)))]
        view = self._views[i]
        if view is None:
            index = range(len(self._views))[i]  # negative indices, IndexError
            view = self._views[index] = Resident(self.model, index)
            self._made += 1
        return view

    def __iter__(self) -> Iterator[Resident]:
        return (self[i] for i in range(len(self._views)))

    def materialise(self) -> None:
        """Make every view not made yet and order Mesa's agent sets by ``unique_id``, as if made first."""
        if self._made == len(self._views):
            return
        for i in range(len(self._views)):
            self[i]
        model, by_id = self.model, lambda agent: agent.unique_id
        ordered = sorted(model._agents, key=by_id)
        model._agents = dict.fromkeys(ordered)
        model._all_agents = mesa.agent.AgentSet(ordered, random=model.random)
        by_type: dict[type, list] = {}
        for agent in ordered:
            by_type.setdefault(type(agent), []).append(agent)
        model._agents_by_type = {kind: mesa.agent.AgentSet(agents, random=model.random)
                                 for kind, agents in by_type.items()}
