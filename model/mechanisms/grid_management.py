"""网格化管理: grid workers patrol their grid, find latent issues and settle small ones on the spot."""

from __future__ import annotations

import numpy as np

from model.arrays import constant, running_total_before
from model.domains import CARE, CULTURE, DISPUTE, ENVIRONMENT, SAFETY
from model.mechanisms.base import Mechanism, MechParam, per_1000, register
from model.priors import Prior
from model.protocol import StreetModel

#: Issue kinds a grid worker can settle on the spot when not cross-boundary (小事不出网格).
MINOR_KINDS = np.array([ENVIRONMENT, SAFETY, CARE, CULTURE, DISPUTE])
_IS_MINOR = np.zeros(7, dtype=bool)  # by issue kind: np.isin(kind, MINOR_KINDS) as a lookup
_IS_MINOR[MINOR_KINDS] = True


@register
class GridManagement(Mechanism):
    """`grid_workers` grid workers (网格员) per 1,000 households work `hours_per_week` each in
    their grid, a share `patrol_share` of them on rounds. On their rounds each latent issue they
    find costs `hours_per_find` (the model's grid-worker search picks the found issues at random
    among the grid's latent ones, through levers.grid_worker_hours) and is put on the record
    before anyone complains (未诉先办); found
    issues are routed like reported ones. With the hours left that week they settle minor found
    issues on the spot (environment, safety, care, culture, disputes; not cross-boundary), at most
    a share `on_the_spot_share` of them (what a grid worker is able and allowed to settle), each
    taking its full hours (小事不出网格). Property and infrastructure issues go to the firm and the
    street, so without more handling capacity there they lengthen those queues. Cost: wages."""

    key = "grid_management"
    name_zh = "网格化管理"
    name_en = "Grid management"
    summary = "Grid workers find latent issues on their rounds before residents complain (未诉先办) and settle small ones out of their hours."
    summary_zh = "网格员在巡查中于居民投诉之前发现潜在问题（未诉先办），并用自身工时就地解决小问题。"
    sources = (
        "001 Qingyang: 社区网格; 平安“1+3+N”（网格员、楼栋单元长）",
        "002 Xiangyang: “未诉先办”",
        "000 Qiaokou: 网格 (digital + grid governance, benchmark of Shangcheng)",
    )
    phases = ("setup", "issues_route")
    parameters = (
        MechParam("grid_workers", 3.0, 0.0, 60.0, "workers/1,000 households", "每千户网格员", "Grid workers",
                  "Full-time grid workers (网格员) per 1,000 households.", main=True,
                  resource=True,
                  source="001 Qingyang: 社区网格, 平安“1+3+N”（网格员）; about 3 full-time grid workers per 1,000 households is the common staffing (one per 300–500 households)",
                  prior=Prior.uniform(1.0, 5.0)),
        MechParam("hours_per_week", 40.0, 0.0, 60.0, "hours/worker/week", "网格员周工时", "Hours per worker",
                  "Hours a grid worker works a week (rounds, then on-the-spot settling).",
                  resource=True,
                  assumption="a full-time week",
                  prior=Prior.uniform(35.0, 45.0)),
        MechParam("patrol_share", 0.5, 0.0, 1.0, "share", "巡查工时比例", "Share of hours on rounds",
                  "Share of a grid worker's hours spent on rounds finding issues; the rest is for settling them.",
                  assumption="about half a grid worker's week is rounds (入户走访); the rest data, reports and settling; not measured",
                  prior=Prior.uniform(0.3, 0.7)),
        MechParam("hours_per_find", 4.0, 0.1, 100.0, "hours/issue", "发现一件诉求的巡查工时", "Patrol hours per find",
                  "Round hours (household visits) per latent issue found.", main=True,
                  assumption="several household visits per problem found; not measured",
                  prior=Prior.uniform(2.0, 8.0)),
        MechParam("on_the_spot_share", 0.3, 0.0, 1.0, "share", "就地解决比例", "Settled on the spot (at most)",
                  "Largest share of the minor issues found on rounds a grid worker is able and allowed to settle at once.",
                  source="001 Qingyang: 社区网格; 小事不出网格 (small matters settled in the grid); the share is assumed",
                  prior=Prior.uniform(0.1, 0.6)),
        MechParam("wage_per_week", 1200.0, 0.0, 1e5, "yuan/worker/week", "网格员周薪", "Wage per worker",
                  "Weekly cost of one grid worker (wage and overheads).",
                  assumption="a grid worker's wage with overheads, about 4,000–6,000 yuan a month",
                  prior=Prior.uniform(900.0, 1600.0)),
    )

    def __init__(self, model: StreetModel, values: dict) -> None:
        super().__init__(model, values)
        self.settled_total = 0
        self.found_total = 0  # latent issues the grid workers found on their rounds
        self.hours_settling_total = 0.0
        workers = self._workers(model)  # per compound; fixed for the run
        self.hours_each_grid = workers * self.p["hours_per_week"]
        self.share_able = constant(self.p["on_the_spot_share"])  # as a 0-d array: the same bits, no conversion a week
        self.wages = workers * model.layout.n_grids * self.p["wage_per_week"]

    def _workers(self, model: StreetModel) -> float:
        """Grid workers per compound."""
        return per_1000(self.p["grid_workers"], model.layout.households_per_grid)

    def setup(self, model: StreetModel) -> None:
        model.levers.grid_worker_hours += self._workers(model) * self.p["hours_per_week"] * self.p["patrol_share"]
        model.levers.grid_hours_per_find = self.p["hours_per_find"]

    def issues_route(self, model: StreetModel) -> None:
        """Settle minor found issues on the spot out of the hours the rounds left."""
        share = self.p["on_the_spot_share"]
        found = model.grid_worker_found
        self.found_total += found.size
        if share <= 0 or found.size == 0:
            return
        iss, n_g = model.issues, model.layout.n_grids
        grid = iss.grid.take(found)
        minor = _IS_MINOR.take(iss.kind.take(found)) > iss.cross.take(found)  # minor and not cross-boundary
        able = minor.nonzero()[0]
        able = able.compress(model.rng.random(able.size) < self.share_able)
        if able.size == 0:
            return
        # the hours each grid has left after its finds (hours_per_find each), at least 0; the fewest
        # are those of the grid with the most finds
        hours_per_find = self.p["hours_per_find"]
        finds = np.bincount(grid, minlength=n_g) if n_g > 1 else None
        fewest_hours = max(self.hours_each_grid - (found.size if finds is None else int(np.maximum.reduce(finds))) * hours_per_find, 0.0)
        able, grid = found.take(able), grid.take(able)
        if n_g > 1:
            order = grid.argsort(kind="stable")
            able, grid = able.take(order), grid.take(order)
        need = iss.remaining.take(able)
        total = float(np.add.reduce(need))
        if total * (1.0 + 1e-9) < fewest_hours:
            # all of them fit in the grid that has the fewest hours left: each running total within its
            # grid (at most the total, up to rounding far below the margin) is within its grid's hours
            settled, hours_settled = able, total
        else:
            hours = (np.maximum(self.hours_each_grid - finds * hours_per_find, 0.0).take(grid) if n_g > 1
                     else fewest_hours)
            done = running_total_before(need, grid) + need <= hours
            settled, hours_settled = able.compress(done), float(np.add.reduce(need.compress(done)))
        iss.resolve(settled, model.week)
        self.settled_total += settled.size
        self.hours_settling_total += hours_settled

    def weekly_cost(self, model: StreetModel) -> float:
        """Wages of every grid worker in the street."""
        return self.wages
