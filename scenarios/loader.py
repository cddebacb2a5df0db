"""Load and validate scenarios (TOML data files in this folder).

A scenario file::

    [scenario]
    name = "points"                       # = the file name
    label_zh = "积分制"
    label_en = "Points-based incentives"
    description = "One line."
    description_zh = "一句话。"            # optional: the description in 中文 (the app shows one language)
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
    note = "..."                          # optional: what the model does with it (default: the mechanism's summary)
    note_zh = "..."                       # the note in 中文 (reports in 中文 show it)
    [[gaps]]                              # measures the model does not represent
    phrase = "..."
    note = "..."
    note_zh = "..."

Every key is checked against the parameter declaration; errors name the file, the key and what
was expected, with the nearest valid key.

In Python, the same structure as a dict goes through the same checks (``Scenario.from_dict``), and
``make_scenario`` is the short form::

    from scenarios import make_scenario
    s = make_scenario(base="baseline", mechanisms={"points": {"crowding": 0.3}}, owner_share=0.5)
    s2 = s.with_params(buck_pass_prob=0.2)      # a new, validated scenario

A ``Scenario`` is immutable and validates its parameters when it is made, so
``dataclasses.replace(s, params=...)`` cannot skip the checks either.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.errors import UserError, one_line, shown
from model.mechanisms import MECHANISMS
from model.parameters import PARAMETERS, check_constraints, defaults, kwarg_to_name, suggest, validate_value
from model.run_inputs import PYTHON_SWITCH, check_mechanisms_on
from storage.inputs import check_name, read_toml
from storage.toml_fields import SCENARIO_FORM, Fields, check_keys, section

__all__ = ["Scenario", "load_scenario", "list_scenarios", "make_scenario", "as_scenario", "SCENARIO_DIR"]

SCENARIO_DIR = Path(__file__).resolve().parent
GROUP_SECTIONS = ("population", "compounds")
TOP_KEYS = ("scenario", "population", "compounds", "parameters", "mechanisms", "measures", "gaps")
HEADER_KEYS = ("name", "label_zh", "label_en", "description", "description_zh", "base", "sources")
DOC_KEYS = ("phrase", "mechanism", "parameter", "note", "note_zh", "source")


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: every parameter's value and where it came from.

    Immutable; every way of making one (a TOML file, :meth:`from_dict`, :func:`make_scenario`,
    :meth:`with_params`, ``dataclasses.replace``) validates its parameters.
    """

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
    description_zh: str = ""  # the description in 中文 ("" when the file gives none)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise UserError(f"scenario: 'name' expected a non-empty string, got {self.name!r}")
        object.__setattr__(self, "params", checked_params(self.params, where=f"scenario '{self.name}'"))
        for name in ("source_of", "measures", "gaps", "sources"):
            value = getattr(self, name)
            object.__setattr__(self, name, dict(value) if isinstance(value, Mapping) else list(value))

    @property
    def mechanisms(self) -> list[str]:
        """Keys of the mechanisms this scenario switches on."""
        return sorted(n[: -len(".enabled")] for n, v in self.params.items() if n.endswith(".enabled") and v)

    def with_params(self, **params: Any) -> Scenario:
        """A new scenario with some parameters changed (``points__crowding=0.3`` or, through a dict,
        ``**{"points.crowding": 0.3}``), validated; the name and labels stay."""
        names = {kwarg_to_name(key): value for key, value in params.items()}
        for name, value in names.items():
            names[name] = validate_value(name, value, where=f"scenario '{self.name}'")
        check_mechanisms_on(names, {**self.params, **names}, self.params, self.name, f"scenario '{self.name}'",
                            PYTHON_SWITCH)
        return dataclasses.replace(self, params={**self.params, **names},
                                   source_of={**self.source_of, **dict.fromkeys(names, "python")})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "Scenario.from_dict",
                  path: Path | None = None, _chain: tuple[Path, ...] = ()) -> Scenario:
        """A scenario from a dict with the structure of a scenario file (``{"scenario": {"name": ...,
        "base": "baseline"}, "parameters": {...}, "mechanisms": {"points": {"crowding": 0.3}}}``).
        ``base`` may also be a Scenario. Errors name `where`, the section and the key."""
        return _from_dict(data, where, path, _chain)


def checked_params(params: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Every declared parameter with a valid value, and the joint constraints hold; else UserError."""
    if not isinstance(params, Mapping):
        raise UserError(f"{where}: 'params' expected a mapping of parameter -> value, got {type(params).__name__}")
    known = defaults()
    missing = [name for name in known if name not in params]
    if missing:
        raise UserError(f"{where}: {len(missing)} parameter(s) missing, e.g. '{missing[0]}'; "
                        f"build scenarios with Scenario.from_dict or make_scenario, which start from the defaults")
    checked = {}
    for name, value in params.items():
        checked[name] = validate_value(name, value, where=where)
    check_constraints(checked, where)
    return checked


def make_scenario(base: str | Path | Scenario = "baseline",
                  mechanisms: Mapping[str, Mapping[str, Any]] | Iterable[str] | None = None, *,
                  name: str | None = None, label_zh: str | None = None, label_en: str | None = None,
                  description: str = "", **params: Any) -> Scenario:
    """A validated scenario built in Python.

    ``base``: a scenario name, a .toml path or a Scenario to start from. ``mechanisms``: the
    mechanisms to switch on, as ``{"points": {"crowding": 0.3}}`` or ``["points"]``
    (``{"points": {"enabled": False}}`` switches one off). ``**params``: any other parameter, with
    ``__`` for ``.`` (``owner_share=0.5``, ``hotline__overtime_hours=5.0``).

    >>> s = make_scenario(base="baseline", mechanisms={"points": {"crowding": 0.3}}, owner_share=0.5)
    >>> s.name, s.mechanisms, s.params["points.crowding"], s.params["owner_share"]
    ('baseline+points,owner_share=0.5', ['points'], 0.3, 0.5)
    """
    if mechanisms is None:
        mech_tables: dict[str, Any] = {}
    elif isinstance(mechanisms, Mapping):
        mech_tables = {key: dict(table) if isinstance(table, Mapping) else table for key, table in mechanisms.items()}
    elif isinstance(mechanisms, str):
        raise UserError(f"make_scenario: mechanisms expected a list or dict of mechanism keys, got {mechanisms!r}")
    else:
        mech_tables = {key: {} for key in mechanisms}
    names = {kwarg_to_name(key): value for key, value in params.items()}
    core = {k: v for k, v in names.items() if "." not in k}
    flat_mech = {k: v for k, v in names.items() if "." in k}
    base_name = base.name if isinstance(base, Scenario) else Path(str(base)).stem
    default_name = base_name + "".join(f"+{key}" for key in mech_tables) + "".join(
        f",{key}={value}" for key, value in names.items())
    header: dict[str, Any] = {"name": name or default_name, "base": base, "description": description}
    if label_zh is not None:
        header["label_zh"] = label_zh
    if label_en is not None:
        header["label_en"] = label_en
    scen = _from_dict({"scenario": header, "parameters": core, "mechanisms": mech_tables}, "make_scenario", None, ())
    return scen.with_params(**flat_mech) if flat_mech else scen


def as_scenario(scenario: str | Path | Scenario | Mapping[str, Any], where: str = "scenario") -> Scenario:
    """A Scenario from a name, a .toml path, a Scenario (returned as is) or a dict (:meth:`Scenario.from_dict`)."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, Mapping):
        return Scenario.from_dict(scenario, where=where)
    if isinstance(scenario, str | Path):
        return load_scenario(scenario)
    raise UserError(f"{where}: expected a scenario name, a .toml path, a Scenario or a dict, got "
                    f"{type(scenario).__name__}")


def list_scenarios() -> list[str]:
    """Names of the scenarios shipped in this folder."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


#: Longest chain of `base` scenarios followed (a longer one is surely a mistake).
MAX_BASE_CHAIN = 32


def _path_for(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """The file of a scenario name or path; a relative path in a `base` is looked up beside the file
    that names it first, then from the working folder."""
    text = str(name_or_path)
    if text.endswith(".toml") or "/" in text or "\\" in text:
        path = Path(text).expanduser()
        if relative_to is not None and not path.is_absolute() and (relative_to / path).is_file():
            path = relative_to / path
        if not path.is_file():
            raise UserError(f"{one_line(text)}: scenario file not found")
        return path
    if not text or len(text) > 200 or not text.isprintable():
        raise UserError(f"scenario: {shown(text)} is not a scenario name; known: {', '.join(list_scenarios())}")
    path = SCENARIO_DIR / f"{text}.toml"
    if not path.is_file():
        raise UserError(f"scenario: unknown scenario '{text}'{suggest(text, list_scenarios())}; "
                        f"known: {', '.join(list_scenarios())}")
    return path


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml(path, "scenario file")[1]


def load_scenario(name_or_path: str | Path, _chain: tuple[Path, ...] = ()) -> Scenario:
    """Load a scenario by name (``baseline``) or path (``my/scenario.toml``) and validate it.

    `_chain`: the resolved files of the scenarios whose `base` led here; cycles are found by file,
    not by name (``./a.toml``, ``a.toml`` and ``sub/../a.toml`` are one file)."""
    path = _path_for(name_or_path, relative_to=_chain[-1].parent if _chain else None)
    resolved = path.resolve()
    if resolved in _chain:
        cycle = " -> ".join(p.name for p in (*_chain[_chain.index(resolved):], resolved))
        raise UserError(f"{one_line(str(_chain[-1]))}: [scenario] base makes a cycle ({one_line(cycle)})")
    if len(_chain) >= MAX_BASE_CHAIN:
        raise UserError(f"{one_line(str(path))}: [scenario] base chain is more than {MAX_BASE_CHAIN} files long")
    data = _read_toml(path)
    where = one_line(str(path.relative_to(SCENARIO_DIR.parent)) if path.is_relative_to(SCENARIO_DIR.parent)
                     else str(path))
    return _from_dict(data, where, path, _chain)


def _from_dict(data: Mapping[str, Any], where: str, path: Path | None, _chain: tuple[Path, ...]) -> Scenario:
    """The one constructor behind files, dicts and make_scenario: check every section and key."""
    if not isinstance(data, Mapping):
        raise UserError(f"{where}: expected a mapping with sections {', '.join(TOP_KEYS)}, got {type(data).__name__}")
    check_keys(data, TOP_KEYS, f"{where}:", unknown="unknown section '{key}'")
    header_table = section(data, "scenario", where)
    check_keys(header_table, HEADER_KEYS, f"{where}: [scenario]", listed=False)
    header = Fields(header_table, f"{where}: [scenario]", SCENARIO_FORM)
    stem = path.stem if path is not None else "custom"
    name = check_name(header.string("name", stem), header.where)
    base_value = header_table.get("base", "")
    if isinstance(base_value, Scenario):
        params, source_of = dict(base_value.params), dict(base_value.source_of)
    else:
        base_name = header.string("base", "")
        if base_name:
            base = load_scenario(base_name, _chain + ((path.resolve(),) if path is not None else ()))
            params, source_of = dict(base.params), dict(base.source_of)
        else:
            params, source_of = defaults(), {}

    def put(param: str, value: Any, table: str) -> None:
        params[param] = validate_value(param, value, where=f"{where}: [{table}]")
        source_of[param] = name

    for group in GROUP_SECTIONS:
        group_names = [n for n, p in PARAMETERS.items() if p.group == group]
        for key, value in section(data, group, where).items():
            if key not in group_names:
                raise UserError(f"{where}: [{group}] unknown key '{key}'{suggest(key, group_names)}; "
                                f"expected a {group} parameter")
            put(key, value, group)
    core = [n for n, p in PARAMETERS.items() if p.mechanism is None]
    for key, value in section(data, "parameters", where).items():
        if key not in core:
            raise UserError(f"{where}: [parameters] unknown key '{key}'{suggest(key, core)}")
        put(key, value, "parameters")
    for key, table in section(data, "mechanisms", where).items():
        if key not in MECHANISMS:
            raise UserError(f"{where}: [mechanisms] unknown mechanism '{key}'{suggest(key, list(MECHANISMS))}")
        if not isinstance(table, Mapping):
            raise UserError(f"{where}: [mechanisms.{key}] expected a table of parameters, got {shown(table)}")
        names = ["enabled"] + [mp.name for mp in MECHANISMS[key].parameters]
        put(f"{key}.enabled", table.get("enabled", True), f"mechanisms.{key}")
        for pkey, value in table.items():
            if pkey not in names:
                raise UserError(f"{where}: [mechanisms.{key}] unknown key '{pkey}'{suggest(pkey, names)}")
            if pkey != "enabled" and not params[f"{key}.enabled"]:
                raise UserError(f"{where}: [mechanisms.{key}] sets '{pkey}' but switches the mechanism off "
                                "(enabled = false); remove the setting, or remove enabled = false to switch it on")
            put(f"{key}.{pkey}", value, f"mechanisms.{key}")
    measures = _doc_list(data, "measures", where)
    gaps = _doc_list(data, "gaps", where)
    check_constraints(params, where)
    sources = header_table.get("sources", [])
    return Scenario(
        name=name,
        label_zh=header.string("label_zh", name),
        label_en=header.string("label_en", name),
        description=header.string("description", ""),
        path=path, params=params, source_of=source_of, measures=measures, gaps=gaps,
        sources=list(sources) if isinstance(sources, list) else [str(sources)],
        description_zh=header.string("description_zh", ""),
    )


def _doc_list(data: Mapping[str, Any], key: str, where: str) -> list[dict[str, str]]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise UserError(f"{where}: [[{key}]] expected an array of tables")
    for item in items:
        fields = Fields(item, f"{where}: [[{key}]]", SCENARIO_FORM)
        check_keys(item, DOC_KEYS, fields.where, listed=False)
        for k in item:
            fields.string(k)
        mech = item.get("mechanism", "")
        for m in filter(None, (s.strip() for s in mech.split(","))):
            if m not in MECHANISMS and m != "model":
                raise UserError(f"{where}: [[{key}]] unknown mechanism '{m}'{suggest(m, list(MECHANISMS))}")
        param = item.get("parameter", "")
        for pname in filter(None, (s.strip() for s in param.split(","))):
            if pname not in PARAMETERS:
                raise UserError(f"{where}: [[{key}]] unknown parameter '{pname}'{suggest(pname)}")
    return items
