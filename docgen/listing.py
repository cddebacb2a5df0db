"""What the command line prints about the declarations: `run.py list` (the shipped scenarios and every
mechanism, `list_lines`) and `run.py describe` (a scenario's resolved parameters, `describe_lines`),
and the order in which readers see the parameters, shared with docs/ODD.md's parameter tables
(`parameter_groups`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["parameter_groups", "list_lines", "describe_lines"]


def parameter_groups() -> list[tuple[str, list[str]]]:
    """The declared parameters by group, in the order readers see them: the core groups in the order
    of model.parameters.GROUPS, then the mechanisms' groups by key; empty groups left out."""
    from model.parameters import GROUPS, PARAMETERS

    order = list(GROUPS) + sorted({p.group for p in PARAMETERS.values()} - set(GROUPS))
    grouped = [(group, [n for n, p in PARAMETERS.items() if p.group == group]) for group in order]
    return [(group, names) for group, names in grouped if names]


def list_lines() -> list[str]:
    """`run.py list`: every shipped scenario and every mechanism, in 中文 and English."""
    from model.mechanisms import MECHANISMS
    from scenarios import list_scenarios, load_scenario

    lines = ["Scenarios 情景"]
    for name in list_scenarios():
        s = load_scenario(name)
        mechs = ", ".join(s.mechanisms) or "—"
        lines += [f"  {name:24s} {s.label_zh} / {s.label_en}", f"  {'':24s} {s.description}  [mechanisms: {mechs}]"]
    lines.append("\nMechanisms 机制")
    for key, cls in MECHANISMS.items():
        lines += [f"  {key:26s} {cls.name_zh} / {cls.name_en}", f"  {'':26s} {cls.summary}"]
    return lines


def describe_lines(scen: Any, params: Mapping[str, Any], overridden: set[str], show_all: bool) -> list[str]:
    """`run.py describe`: every parameter of scenario `scen` with its resolved value (`params`), unit,
    range, what set it (the default, the scenario or ``--set`` for the names in `overridden`) and its
    labels; parameters of mechanisms that are off only with `show_all`, which adds priors and sources."""
    from model.parameters import GROUPS, PARAMETERS, provenance_counts

    lines = [f"{scen.name}: {scen.label_zh} / {scen.label_en}"]
    if scen.description:
        lines.append(scen.description)
    lines += [f"mechanisms on: {', '.join(scen.mechanisms) or '—'}\n",
              f"{'parameter':40s} {'value':>12s}  {'unit':22s} {'range':18s} {'set by':14s} label"]
    for group, names in parameter_groups():
        mech = group.split(":", 1)[1] if group.startswith("mechanism:") else None
        if mech and not params[f"{mech}.enabled"] and not show_all:
            continue
        zh, en = GROUPS.get(group, (group, group))
        lines.append(f"\n[{en} · {zh}]")
        for name in names:
            p = PARAMETERS[name]
            value = params[name]
            shown = str(value).lower() if isinstance(value, bool) else f"{value:g}"
            rng = "" if p.kind is bool else f"[{p.low:g}, {p.high:g}]"
            source = "--set" if name in overridden else scen.source_of.get(name, "default")
            source = "default" if source == "default" else ("--set" if source == "--set" else f"scenario:{source}")
            lines.append(f"{name:40s} {shown:>12s}  {p.unit:22s} {rng:18s} {source:14s} {p.label_zh} / {p.label_en}")
            if show_all:
                prior = "none (switch)" if p.kind is bool else str(p.prior) if p.prior else "none (structural)"
                lines.append(f"{'':4s}prior {prior}; {p.basis}")
    if not show_all:
        lines.append("\n(mechanisms that are off are hidden; --all shows every parameter with its prior and source)")
    else:
        c = provenance_counts()
        lines.append(f"\n{len(PARAMETERS)} parameters: {c['sourced']} sourced, {c['calibrated']} calibrated, "
                     f"{c['assumed']} assumed, {c['undocumented']} undocumented; {c['with_prior']} with a prior")
    return lines
