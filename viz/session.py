"""Per-browser-tab state of the Explore page (Solara scopes reactive variables per kernel).

The model lives here rather than inside Mesa's SolaraViz so that it survives a visit to the
Compare page, and so the scenario picker can load a scenario at once.
"""

from __future__ import annotations

from typing import Any

import solara

from viz.explore_model import ExploreModel

__all__ = ["scenario", "model", "generation", "map_variable", "load", "ensure_model"]

#: Scenario shown on the Explore page.
scenario: solara.Reactive[str] = solara.reactive("baseline")
#: The live model (None until the page first renders in this tab).
model: solara.Reactive[Any] = solara.reactive(None)
#: Bumped when the scenario changes: SolaraViz is remounted with that scenario's parameters.
generation: solara.Reactive[int] = solara.reactive(0)
#: Variable the map is coloured by.
map_variable: solara.Reactive[str] = solara.reactive("satisfaction")


def load(name: str, seed: int | None = None) -> None:
    """Show scenario ``name`` at week 0 with its own parameter values (seed kept unless given)."""
    old = model.value
    if seed is None:
        seed = old.seed if old is not None else 1
    model.value = ExploreModel(scenario=name, seed=seed)
    scenario.value = name
    generation.value += 1
    if old is not None:
        old.remove()


def ensure_model() -> Any:
    """The tab's model, built on first use (and released when the tab's kernel closes)."""
    if model.value is None:
        model.value = ExploreModel(scenario=scenario.value, seed=1)
        _release_on_close()
    return model.value


def _release_on_close() -> None:
    """Free the tab's last model when its kernel closes (Mesa keeps every model in ``Agent._ids``)."""
    try:
        import solara.server.kernel_context as kc

        context = kc.get_current_context()
    except Exception:  # not under a Solara server (tests, notebooks): nothing to hook
        return

    def release() -> None:
        with context:
            last = model.peek()
        if last is not None:
            last.remove()

    context.on_close(release)
