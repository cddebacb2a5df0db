"""Load and validate scenarios (TOML data files in this folder).

A scenario file::

    [scenario]
    name = "points"                       # = the file name
    label_zh = "积分制"
    label_en = "Points-based incentives"
    description = "One line."
    base = "baseline"                     # optional: start from another scenario

    [population]                          # keys of the 'population' parameter group
    owner_share = 0.7
    [compounds]                           # keys of the 'compounds' group
    [parameters]                          # any other core parameter
    buck_pass_prob = 0.35
    [mechanisms.points]                   # switches the mechanism on (enabled = false switches off)
    crowding = 0.3

    [[measures]]                          # documentation: what a source document says, mapped
    phrase = "积分+"
    mechanism = "points"
    note = "..."
    [[gaps]]                              # measures the model does not represent
    phrase = "..."
    note = "..."

Every key is checked against the parameter declaration; errors name the file, the key and what
was expected, with the nearest valid key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.errors import UserError
from model.parameters import PARAMETERS, defaults, suggest, validate_value

__all__ = ["Scenario", "load_scenario", "list_scenarios", "SCENARIO_DIR"]

SCENARIO_DIR = Path(__file__).resolve().parent
GROUP_SECTIONS = ("population", "compounds")
TOP_KEYS = ("scenario", "population", "compounds", "parameters", "mechanisms", "measures", "gaps")
HEADER_KEYS = ("name", "label_zh", "label_en", "description", "base", "sources")
DOC_KEYS = ("phrase", "mechanism", "parameter", "note", "source")


@dataclass
class Scenario:
    """A resolved scenario: every parameter's value and where it came from."""

    name: str
    label_zh: str
    label_en: str
    description: str
    path: Path | None
    params: dict[str, Any]
    source_of: dict[str, str] = field(default_factory=dict)  # name -> scenario that set it
    measures: list[dict[str, str]] = field(default_factory=list)
    gaps: list[dict[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def mechanisms(self) -> list[str]:
        """Keys of the mechanisms this scenario switches on."""
        return sorted(n[: -len(".enabled")] for n, v in self.params.items() if n.endswith(".enabled") and v)


def list_scenarios() -> list[str]:
    """Names of the scenarios shipped in this folder."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def _path_for(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if text.endswith(".toml") or "/" in text or "\\" in text:
        path = Path(text)
        if not path.is_file():
            raise UserError(f"{text}: scenario file not found")
        return path
    path = SCENARIO_DIR / f"{text}.toml"
    if not path.is_file():
        raise UserError(f"scenario: unknown scenario '{text}'{suggest(text, list_scenarios())}; "
                        f"known: {', '.join(list_scenarios())}")
    return path


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: malformed TOML: {exc}") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None


def load_scenario(name_or_path: str | Path, _chain: tuple[str, ...] = ()) -> Scenario:
    """Load a scenario by name (``baseline``) or path (``my/scenario.toml``) and validate it."""
    import model.mechanisms  # noqa: F401  (declares mechanism parameters)
    from model.mechanisms import MECHANISMS

    path = _path_for(name_or_path)
    data = _read_toml(path)
    where = str(path.relative_to(SCENARIO_DIR.parent)) if path.is_relative_to(SCENARIO_DIR.parent) else str(path)
    for key in data:
        if key not in TOP_KEYS:
            raise UserError(f"{where}: unknown section '{key}'{suggest(key, list(TOP_KEYS))}; "
                            f"expected one of {', '.join(TOP_KEYS)}")
    header = _table(data, "scenario", where)
    for key in header:
        if key not in HEADER_KEYS:
            raise UserError(f"{where}: [scenario] unknown key '{key}'{suggest(key, list(HEADER_KEYS))}")
    name = header.get("name", path.stem)
    _expect_str(header, "name", where, default=path.stem)
    base_name = _expect_str(header, "base", where, default="")
    if base_name:
        if base_name in _chain or base_name == name:
            raise UserError(f"{where}: [scenario] base '{base_name}' makes a cycle")
        base = load_scenario(base_name, _chain + (name,))
        params, source_of = dict(base.params), dict(base.source_of)
    else:
        params, source_of = defaults(), {}

    def put(param: str, value: Any, section: str) -> None:
        params[param] = validate_value(param, value, where=f"{where}: [{section}]")
        source_of[param] = name

    for section in GROUP_SECTIONS:
        group_names = [n for n, p in PARAMETERS.items() if p.group == section]
        for key, value in _table(data, section, where).items():
            if key not in group_names:
                raise UserError(f"{where}: [{section}] unknown key '{key}'{suggest(key, group_names)}; "
                                f"expected a {section} parameter")
            put(key, value, section)
    core = [n for n, p in PARAMETERS.items() if p.mechanism is None]
    for key, value in _table(data, "parameters", where).items():
        if key not in core:
            raise UserError(f"{where}: [parameters] unknown key '{key}'{suggest(key, core)}")
        put(key, value, "parameters")
    for key, table in _table(data, "mechanisms", where).items():
        if key not in MECHANISMS:
            raise UserError(f"{where}: [mechanisms] unknown mechanism '{key}'{suggest(key, list(MECHANISMS))}")
        if not isinstance(table, dict):
            raise UserError(f"{where}: [mechanisms.{key}] expected a table of parameters, got {table!r}")
        names = ["enabled"] + [mp.name for mp in MECHANISMS[key].parameters]
        put(f"{key}.enabled", table.get("enabled", True), f"mechanisms.{key}")
        for pkey, value in table.items():
            if pkey not in names:
                raise UserError(f"{where}: [mechanisms.{key}] unknown key '{pkey}'{suggest(pkey, names)}")
            put(f"{key}.{pkey}", value, f"mechanisms.{key}")
    measures = _doc_list(data, "measures", where)
    gaps = _doc_list(data, "gaps", where)
    from model.model import check_consistency

    check_consistency(params, where)
    sources = header.get("sources", [])
    return Scenario(
        name=name,
        label_zh=_expect_str(header, "label_zh", where, default=name),
        label_en=_expect_str(header, "label_en", where, default=name),
        description=_expect_str(header, "description", where, default=""),
        path=path, params=params, source_of=source_of, measures=measures, gaps=gaps,
        sources=list(sources) if isinstance(sources, list) else [str(sources)],
    )


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise UserError(f"{where}: [{key}] expected a table, got {type(value).__name__}")
    return value


def _expect_str(table: dict[str, Any], key: str, where: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise UserError(f"{where}: [scenario] '{key}' expected a string, got {value!r}")
    return value


def _doc_list(data: dict[str, Any], key: str, where: str) -> list[dict[str, str]]:
    from model.mechanisms import MECHANISMS

    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise UserError(f"{where}: [[{key}]] expected an array of tables")
    for item in items:
        for k, v in item.items():
            if k not in DOC_KEYS:
                raise UserError(f"{where}: [[{key}]] unknown key '{k}'{suggest(k, list(DOC_KEYS))}")
            if not isinstance(v, str):
                raise UserError(f"{where}: [[{key}]] '{k}' expected a string, got {v!r}")
        mech = item.get("mechanism", "")
        for m in filter(None, (s.strip() for s in mech.split(","))):
            if m not in MECHANISMS and m != "model":
                raise UserError(f"{where}: [[{key}]] unknown mechanism '{m}'{suggest(m, list(MECHANISMS))}")
        param = item.get("parameter", "")
        for pname in filter(None, (s.strip() for s in param.split(","))):
            if pname not in PARAMETERS:
                raise UserError(f"{where}: [[{key}]] unknown parameter '{pname}'{suggest(pname)}")
    return items
