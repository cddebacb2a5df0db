"""The header a sweep file and a calibration file share (`SpecHeader`, read by `read_header`).

Both files name, in their first table (``[sweep]`` or ``[calibration]``), the scenario held fixed, the
weeks, a seed, a name and a description, and may hold parameters at one value in ``[fixed]``; their
formats are described in `experiments.sweep_file` and `experiments.calibration.spec`. `SweepSpec` and
`CalibrationSpec` are `SpecHeader`s with what only their file says (the design; the observations, free
parameters and ABC settings). Each has its own ``method``: a design's name, or the ABC settings.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from model.errors import UserError
from model.run_inputs import MAX_SEED
from storage.toml_fields import Fields, section

__all__ = ["SpecHeader", "read_header", "param_names", "resolve_scenario"]


@dataclass
class SpecHeader:
    """The validated header of a sweep or calibration file, and the file itself."""

    path: Path
    sha256: str  # of the file's bytes as read
    text: str
    name: str
    description: str
    scenario: str  # what workers load: a scenario name, or the absolute path of a scenario file
    scenario_name: str
    scenario_params: dict[str, Any]
    weeks: int
    seed: int
    fixed: dict[str, Any]  # [fixed], each value checked against its declaration

    def header(self) -> dict[str, Any]:
        """The header's fields by name (to build a `SweepSpec` or `CalibrationSpec` from it)."""
        return {f.name: getattr(self, f.name) for f in fields(SpecHeader)}


def resolve_scenario(text: str, spec_path: Path) -> str:
    """A scenario name stays a name; a path is made absolute (relative paths: from the spec's file)."""
    if text.endswith(".toml") or "/" in text or "\\" in text:
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = spec_path.parent / path
        return str(path.resolve())
    return text


def param_names(table: dict[str, Any], where: str, section_name: str, head: str) -> dict[str, Any]:
    """Flatten a table of parameters: ``"points.crowding"``, ``points__crowding`` or ``[..points]`` tables.

    Every name must be declared; ``weeks`` is refused (the file sets it in its `head` table, e.g. ``[sweep]``).
    """
    from model.mechanisms import MECHANISMS
    from model.parameters import PARAMETERS, kwarg_to_name, suggest

    flat: dict[str, Any] = {}
    items: list[tuple[str, Any]] = []
    for key, value in table.items():
        name = kwarg_to_name(key)
        if name in MECHANISMS and name not in PARAMETERS and isinstance(value, dict):
            items.extend((f"{name}.{kwarg_to_name(k)}", v) for k, v in value.items())
        else:
            items.append((name, value))
    for name, value in items:
        if name not in PARAMETERS:
            raise UserError(f"{where}: {section_name} unknown parameter '{name}'{suggest(name)}")
        if name == "weeks":
            raise UserError(f"{where}: {section_name} 'weeks' is set in {head} (weeks = N), not as a parameter")
        if name in flat:
            raise UserError(f"{where}: {section_name} parameter '{name}' given twice")
        flat[name] = value
    return flat


def read_header(path: Path, raw: bytes, data: dict[str, Any], head: Fields, head_name: str) -> SpecHeader:
    """Read the header table (`head`, e.g. ``[sweep]``, its keys checked by the caller) and ``[fixed]`` of
    the file at `path` (its bytes `raw`, parsed `data`); load the scenario and check that the scenario with
    the fixed values keeps the joint constraints. A problem is one `UserError` line."""
    from model.model import check_consistency
    from model.parameters import PARAMETERS
    from scenarios import load_scenario

    where = str(path)
    name = head.string("name", path.stem)
    scenario = resolve_scenario(head.string("scenario", "baseline"), path)
    try:
        scen = load_scenario(scenario)
    except UserError as exc:
        raise UserError(f"{head.where} 'scenario': {exc}") from None
    weeks = head.integer("weeks", int(scen.params["weeks"]), 1, int(PARAMETERS["weeks"].high))
    seed = head.integer("seed", 1, 0, MAX_SEED)
    description = head.string("description", "")
    fixed_raw = param_names(section(data, "fixed", where), where, "[fixed]", head_name)
    fixed = {n: PARAMETERS[n].check(v, f"{where}: [fixed] {n}") for n, v in fixed_raw.items()}
    check_consistency({**scen.params, **fixed}, f"{where}: [fixed]")
    return SpecHeader(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        text=raw.decode("utf-8"),
        name=name,
        description=description,
        scenario=scenario,
        scenario_name=scen.name,
        scenario_params=dict(scen.params),
        weeks=weeks,
        seed=seed,
        fixed=fixed,
    )
