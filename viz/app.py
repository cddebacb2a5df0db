"""The cogov app (``python run.py viz``): Explore (one run, live) and Compare (many runs).

Two routes, ``/`` and ``/compare``, with their tabs and the language switch in the app bar.
Served offline by ``viz.server``; ``harden_cdn_route()`` must stay (see ``viz.offline``).
"""

from __future__ import annotations

import warnings

# Mesa 3.3.1's ComponentsView trips Solara's hook linter (a use_state after an early return); harmless
warnings.filterwarnings("ignore", message=r".*ComponentsView: `use_state` found despite early return", category=UserWarning)

import solara  # noqa: E402

from viz import mesa_shim  # noqa: E402
from viz.compare_page import ComparePage  # noqa: E402
from viz.controls import CogovInputs  # noqa: E402
from viz.explore import ExplorePage  # noqa: E402
from viz.i18n import LANGUAGES, language, tr  # noqa: E402
from viz.offline import harden_cdn_route  # noqa: E402

harden_cdn_route()
mesa_shim.install(CogovInputs)  # the Explore page's generated parameter card

PATHS = ("/", "/compare")


@solara.component
def TopBar(title: bool) -> None:
    """Page tabs (探索 / 比较) and the language switch, in the app bar."""
    router = solara.use_router()
    index = 1 if router.path.rstrip("/").endswith("compare") else 0
    with solara.AppBar():
        if title:
            solara.AppBarTitle(tr("app_title"))
        with solara.lab.Tabs(value=index, on_value=lambda i: router.push(PATHS[i]), align="center",
                             background_color="primary", dark=True):
            solara.lab.Tab(tr("nav_explore"))
            solara.lab.Tab(tr("nav_compare"))
        solara.ToggleButtonsSingle(
            value=LANGUAGES[language.value], values=list(LANGUAGES.values()),
            on_value=lambda name: language.set(next(k for k, v in LANGUAGES.items() if v == name)),
            classes=["cogov-language"], style={"margin-right": "8px"},
        )  # fmt: skip


@solara.component
def Explore() -> None:
    """Route ``/``."""
    solara.Title("cogov")
    TopBar(title=False)
    ExplorePage()


@solara.component
def Compare() -> None:
    """Route ``/compare``."""
    solara.Title("cogov")
    TopBar(title=True)
    ComparePage()


@solara.component
def Layout(children: list = []) -> None:  # noqa: B006 (Solara's signature)
    """Solara's app layout without its English route tabs (ours are translated)."""
    solara.AppLayout(children=children, navigation=False)


routes = [
    solara.Route(path="/", component=Explore, label="Explore"),
    solara.Route(path="compare", component=Compare, label="Compare"),
]
