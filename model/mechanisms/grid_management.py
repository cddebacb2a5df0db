"""网格化管理: grid workers patrol their grid and find latent issues before residents complain."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.domains import CARE, CULTURE, DISPUTE, ENVIRONMENT, SAFETY
from model.issues import OPEN
from model.mechanisms.base import Mechanism, MechParam, register

if TYPE_CHECKING:
    from model.model import CoGovernanceModel

#: Issue kinds a grid worker can settle on the spot when not cross-boundary (小事不出网格).
MINOR_KINDS = np.array([ENVIRONMENT, SAFETY, CARE, CULTURE, DISPUTE])


@register
class GridManagement(Mechanism):
    """`grid_workers` grid workers (网格员) per grid each find `visits_per_week` latent issues a week
    in their grid on their rounds and put them on the record before anyone complains (未诉先办);
    found issues are routed like reported ones. Adds to levers.discoveries_per_grid (the model's
    grid-worker search picks the found issues at random among the grid's latent ones). A share
    `on_the_spot_share` of the minor issues found on rounds that week (environment, safety, care,
    culture, disputes; not cross-boundary) is settled on the spot (小事不出网格); property and
    infrastructure issues go to the firm and the street, so without more handling capacity there
    (e.g. whistle_report, hotline) they lengthen those queues. Cost: grid workers' wages."""

    key = "grid_management"
    name_zh = "网格化管理"
    name_en = "Grid management"
    summary = "Grid workers find latent issues on their rounds before residents complain (未诉先办)."
    sources = (
        "001 Qingyang: 社区网格; 平安“1+3+N”（网格员、楼栋单元长）",
        "002 Xiangyang: “未诉先办”",
        "000 Qiaokou: 网格 (digital + grid governance, benchmark of Shangcheng)",
    )
    phases = ("setup", "issues_route")
    parameters = (
        MechParam("grid_workers", 1.0, 0.0, 20.0, "workers/grid", "每网格网格员", "Grid workers per grid",
                  "Full-time grid workers (网格员) per grid.", main=True),
        MechParam("visits_per_week", 5.0, 0.0, 100.0, "issues/worker/week", "每周发现诉求", "Issues found a week",
                  "Latent issues one grid worker finds a week on the rounds (household visits that find something).",
                  main=True),
        MechParam("on_the_spot_share", 0.3, 0.0, 1.0, "share", "就地解决比例", "Settled on the spot",
                  "Share of minor issues found on rounds that the grid worker settles at once."),
        MechParam("wage_per_week", 1200.0, 0.0, 1e5, "yuan/worker/week", "网格员周薪", "Wage per worker",
                  "Weekly cost of one grid worker (wage and overheads)."),
    )

    def setup(self, model: CoGovernanceModel) -> None:
        model.levers.discoveries_per_grid += self.p["grid_workers"] * self.p["visits_per_week"]

    def issues_route(self, model: CoGovernanceModel) -> None:
        share = self.p["on_the_spot_share"]
        if share <= 0 or self.p["grid_workers"] <= 0:
            return
        iss = model.issues
        a = iss.active
        found = a[(iss.status[a] == OPEN) & (iss.surfaced[a] == model.week) & ~iss.by_household[a]
                  & ~iss.cross[a] & np.isin(iss.kind[a], MINOR_KINDS)]
        iss.resolve(found[model.rng.random(found.size) < share], model.week)

    def weekly_cost(self, model: CoGovernanceModel) -> float:
        """Wages of every grid worker in the street."""
        return self.p["grid_workers"] * model.layout.n_grids * self.p["wage_per_week"]
