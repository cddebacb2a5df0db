"""docs/ARCHITECTURE.md's structure holds: no import cycles, one parameter declaration whatever is
imported first, and the model satisfies what its parts need of it (model.protocol.StreetModel)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from model.model import CoGovernanceModel
from model.parameters import PARAMETERS
from model.protocol import StreetModel

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("agents", "model", "scenarios", "storage", "viz", "experiments", "benchmarks", "docgen")


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports: every import statement, at the top, in a function or
    under ``if TYPE_CHECKING`` alike (a package is its ``__init__``)."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            modules[name] = path

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            graph[name] |= {t for t in map(known, targets) if t is not None and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    """No circle of imports, not even one held together by TYPE_CHECKING or a function-level import."""
    graph = import_graph()
    assert {"model.model", "model.protocol", "viz.controls", "scenarios.loader"} <= set(graph)
    assert cycles(graph) == []


def architecture_layers() -> dict[str, int]:
    """Module or package -> its layer in docs/ARCHITECTURE.md's "Import direction" list (1 = first; the
    list ends at the first blank line after it)."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text[text.index("## Import direction"):text.index("## Contracts")]
    layers: dict[str, int] = {}
    for number, body in re.findall(r"^(\d+)\. (.*?)(?=^\d+\. |\n\n|\Z)", section, flags=re.M | re.S):
        for name in re.findall(r"`([a-z_.]+)`", body):
            if name.split(".")[0] in PACKAGES:
                layers.setdefault(name, int(number))
    return layers


def layer_of(module: str, layers: dict[str, int]) -> int | None:
    """The layer of the longest listed name that is `module` or a package holding it."""
    holders = [name for name in layers if module == name or module.startswith(name + ".")]
    return layers[max(holders, key=len)] if holders else None


def layer_violations(graph: dict[str, set[str]], layers: dict[str, int]) -> list[str]:
    """Imports from a later layer than the importer's own."""
    found = []
    for module, targets in sorted(graph.items()):
        own = layer_of(module, layers)
        for target in sorted(targets):
            other = layer_of(target, layers)
            if own is not None and other is not None and other > own:
                found.append(f"{module} (layer {own}) imports {target} (layer {other})")
    return found


def test_imports_follow_the_layers_architecture_md_lists() -> None:
    """Every module is in a layer of docs/ARCHITECTURE.md's import direction (package faces aside) and
    imports nothing of a later layer."""
    graph, layers = import_graph(), architecture_layers()
    assert layers["model.model"] > layers["model.mechanisms"] > layers["model.protocol"] > layers["model.errors"]
    unlisted = sorted(m for m in graph if layer_of(m, layers) is None and m not in {"model", "storage"})
    assert not unlisted, f"add to docs/ARCHITECTURE.md's import direction: {', '.join(unlisted)}"
    assert layer_violations(graph, layers) == []


def test_the_layer_check_can_fail() -> None:
    layers = {"model.errors": 1, "model.model": 7, "experiments": 8}
    graph = {"model.errors": {"model.model"}, "experiments.sweep": {"model.model"}, "model.model": {"model.errors"}}
    assert layer_violations(graph, layers) == ["model.errors (layer 1) imports model.model (layer 7)"]


def test_the_simulation_imports_no_tooling() -> None:
    """model/ is the simulation only: no module of it imports the documentation generator, the
    experiments, the app or the benchmarks (they import the model, never the other way)."""
    tooling = ("docgen", "experiments", "viz", "benchmarks")
    wrong = {name: sorted(t for t in targets if t.split(".")[0] in tooling)
             for name, targets in import_graph().items() if name.split(".")[0] == "model"}
    assert {name: targets for name, targets in wrong.items() if targets} == {}


def importers_of(package: str, graph: dict[str, set[str]], within: str) -> set[str]:
    """Modules of package `within` that import any module of `package` (at the top, in a function or
    under TYPE_CHECKING alike)."""
    return {name for name, targets in graph.items()
            if name.split(".")[0] == within and any(t.split(".")[0] == package for t in targets)}


def test_one_run_of_a_scenario_sits_above_the_model_and_the_scenarios() -> None:
    """Running a named or loaded scenario (with a posterior) joins `scenarios` to the model, so it lives
    above both (experiments.one_run): of model/, only model.model reads a scenario (CoGovernanceModel
    takes one by name), and nothing of model/ reads a posterior."""
    graph = import_graph()
    assert importers_of("scenarios", graph, within="model") == {"model.model"}
    assert graph["model.model"] & {"scenarios.posterior", "scenarios.loader"} == set()


def test_storage_sits_above_the_model() -> None:
    """Reading and writing files sits above the simulation: storage/ reads the model's declarations
    (errors, parameter registry, metrics) and nothing of model/ imports storage/ (the values a run is
    given are checked by model.run_inputs)."""
    graph = import_graph()
    assert importers_of("storage", graph, within="model") == set()
    assert {"model.errors", "model.metric_info"} <= graph["storage.outputs"]


def test_agents_use_only_the_simulations_vocabulary() -> None:
    """agents/ imports only layer 1 of model/ (domains, arrays: the vocabulary), never what runs a
    model; model.protocol names the agents' classes for type checkers only (docs/ARCHITECTURE.md says
    why agents and model import each other at package level)."""
    graph, layers = import_graph(), architecture_layers()
    used = {t for name, targets in graph.items() if name.split(".")[0] == "agents"
            for t in targets if t.split(".")[0] == "model"}
    assert used and {t: layer_of(t, layers) for t in used} == dict.fromkeys(used, 1)
    tree = ast.parse((ROOT / "model" / "protocol.py").read_text(encoding="utf-8"))
    type_only = {id(node) for block in ast.walk(tree)
                 if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
                 for node in ast.walk(block)}
    of_agents = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                 and (node.module or "").split(".")[0] == "agents"]
    assert of_agents and all(id(node) in type_only for node in of_agents)


def test_the_package_check_can_fail() -> None:
    graph = {"model.model": {"scenarios", "model.errors"}, "model.runner": {"scenarios.posterior"},
             "scenarios.loader": {"model.parameters"}}
    assert importers_of("scenarios", graph, within="model") == {"model.model", "model.runner"}
    assert importers_of("storage", graph, within="model") == set()


def test_the_cycle_check_can_fail() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_model_satisfies_what_its_parts_need() -> None:
    """Mechanisms, reporters and the record are typed against model.protocol.StreetModel; the model
    has every name it lists."""
    model = CoGovernanceModel("baseline", seed=1, warmup_weeks=0, weeks=2)
    assert isinstance(model, StreetModel)
    model.remove()


def test_one_declaration_whatever_is_imported_first() -> None:
    """Importing the mechanisms before model.parameters gives the same parameters in the same order
    (core first): the order of sample_priors' draws depends on it."""
    code = "import model.mechanisms, model.parameters as p; print('\\n'.join(p.PARAMETERS))"
    names = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert names.stdout.split() == list(PARAMETERS)
    assert list(PARAMETERS)[:2] == ["weeks", "warmup_weeks"] and "points.enabled" in PARAMETERS
