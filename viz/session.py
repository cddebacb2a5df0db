"""Per-browser-tab state of the Explore page (Solara scopes reactive variables per kernel).

The model and the set-up the next Reset builds live here rather than inside Mesa's SolaraViz, so
that both survive a visit to the Compare page and a language switch (SolaraViz and the parameter
card are remounted; their own state would start again from the scenario's values), and so the
scenario picker can load a scenario at once.
"""

from __future__ import annotations

from typing import Any

import solara

from viz.explore_model import ExploreModel

__all__ = ["scenario", "model", "setup", "generation", "map_variable", "load", "ensure_model", "scenario_values",
           "pending_changes"]

#: Scenario shown on the Explore page: a name from ``scenarios/`` or the path of a scenario file.
scenario: solara.Reactive[str] = solara.reactive("baseline")
#: The live model (None until the page first renders in this tab).
model: solara.Reactive[Any] = solara.reactive(None)
#: What Reset builds next: ``seed`` and every parameter (keyword spelling ``KEY__NAME``), as the
#: parameter card shows them. Starts as the scenario's values; the card's accepted edits go here.
setup: solara.Reactive[dict[str, Any]] = solara.reactive({})
#: Bumped when the scenario changes: SolaraViz is remounted with that scenario's parameters.
generation: solara.Reactive[int] = solara.reactive(0)
#: Variable the map is coloured by.
map_variable: solara.Reactive[str] = solara.reactive("satisfaction")


def scenario_values(name: str, seed: int) -> dict[str, Any]:
    """The set-up of scenario ``name`` as loaded: ``seed`` and every parameter at the scenario's value."""
    from model.parameters import PARAMETERS
    from scenarios import load_scenario

    scen = load_scenario(name)
    return {"seed": seed, **{p.kwarg: scen.params[n] for n, p in PARAMETERS.items()}}


def load(name: str, seed: int | None = None) -> None:
    """Show scenario ``name`` at week 0 with its own parameter values (seed kept unless given)."""
    old = model.value
    if seed is None:
        seed = old.seed if old is not None else 1
    values = scenario_values(name, seed)  # raises UserError for a bad scenario file: nothing changes
    model.value = ExploreModel(scenario=name, seed=seed)
    setup.value = values
    scenario.value = name
    generation.value += 1
    if old is not None:
        old.remove()


def ensure_model() -> Any:
    """The tab's model, built on first use (and released when the tab's kernel closes)."""
    if model.value is None:
        values = scenario_values(scenario.value, 1)
        model.value = ExploreModel(scenario=scenario.value, seed=1)
        setup.value = values
        _release_on_close()
    elif not setup.value:
        setup.value = scenario_values(scenario.value, model.value.seed)
    return model.value


def pending_changes(values: dict[str, Any], running: Any) -> int:
    """How many values of a set-up differ from what the ``running`` model was built with."""
    if running is None:
        return 0
    n = sum(1 for k, v in values.items() if k != "seed" and running.p.get(k.replace("__", ".")) != v)
    return n + int(values.get("seed", running.seed) != running.seed)


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
