"""The Explore page's parameter card: scenario, seed, mechanisms and parameters, generated from
the parameter declaration, bilingual, and refusing bad values in place.

:func:`CogovInputs` stands in for Mesa's ``UserInputs`` (see ``viz.mesa_shim``): Mesa's
``ModelCreator`` still owns the dictionary Reset passes to ``Model(**params)``; a value reaches it
only once it is valid on its own and together with the others.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import solara

from model.errors import UserError
from model.mechanisms import MECHANISMS
from model.parameters import GROUPS, Param
from scenarios import list_scenarios, load_scenario
from viz import mesa_shim, session
from viz.i18n import current, pick, tr
from viz.params import (
    Refusal,
    combination_refusal,
    format_value,
    main_core,
    mechanism_keys,
    mechanism_params,
    other_groups,
    parse_seed,
    parse_value,
    range_text,
)

__all__ = ["CogovInputs", "ParamField", "SeedField", "ScenarioPicker", "ScenarioFile", "refusal_text"]

Commit = Callable[[str, Any], Refusal | None]


def refusal_text(refusal: Refusal, kept: Any, param: Param | None = None) -> str:
    """The in-place message of a refused value, in the current language (a range is quoted with
    ``param``'s unit in that language, whichever language the refusal was made in)."""
    key, values = refusal
    if param is not None and "range" in values:
        values = {**values, "range": range_text(param, current())}
    return f"{tr(key, **values)} · {tr('refused_kept', value=format_value(kept))}"


@solara.component
def ParamField(param: Param, value: Any, commit: Commit) -> None:
    """A typed field for one numeric parameter: label in the current language, the declared range
    and unit below it; a bad value is refused with a message."""
    text, set_text = solara.use_state(format_value(value))
    refusal, set_refusal = solara.use_state(None)

    def on_text(new: str | None) -> None:
        new = new or ""
        set_text(new)
        parsed, why = parse_value(param, new, current())
        if why is None:
            why = commit(param.kwarg, parsed)
        set_refusal(why)

    solara.InputText(
        pick(param.label_zh, param.label_en), value=text, on_value=on_text, continuous_update=False,
        error=refusal_text(refusal, value, param) if refusal else False, message=range_text(param, current()),
        classes=["cogov-param", f"cogov-param-{param.kwarg}"],
    )  # fmt: skip


@solara.component
def SeedField(value: int, commit: Commit) -> None:
    """The run's seed: a whole number ≥ 0."""
    text, set_text = solara.use_state(str(value))
    refusal, set_refusal = solara.use_state(None)

    def on_text(new: str | None) -> None:
        new = new or ""
        set_text(new)
        seed, why = parse_seed(new)
        if why is None:
            why = commit("seed", seed)
        set_refusal(why)

    solara.InputText(
        tr("seed"), value=text, on_value=on_text, continuous_update=False,
        error=refusal_text(refusal, value) if refusal else False, message=tr("seed_hint"),
        classes=["cogov-seed"],
    )  # fmt: skip


@solara.component
def ScenarioPicker() -> None:
    """Scenario select: loads the chosen scenario at once (week 0), with its description."""
    names = list_scenarios()
    scenarios = {n: load_scenario(n) for n in names}
    chosen = session.scenario.value
    if chosen not in scenarios:  # a scenario file the researcher loaded (checked when loaded)
        with contextlib.suppress(UserError):
            scenarios[chosen] = load_scenario(chosen)
    items = [{"text": f"{pick(s.label_zh, s.label_en)} ({Path(n).name})", "value": n} for n, s in scenarios.items()]

    def choose(name: str | None) -> None:
        if name and name in scenarios and name != session.scenario.value:
            session.load(name)

    solara.v.Select(label=tr("scenario"), items=items, v_model=chosen, on_v_model=choose, dense=True,
                    hint=tr("scenario_hint"), persistent_hint=True, class_="cogov-scenario")
    scen = scenarios.get(chosen)
    description = scen and pick(scen.description_zh or scen.description, scen.description)
    if description:
        solara.Text(description, style={"font-size": "0.8em", "color": "#555"}, classes=["cogov-scenario-description"])


MAX_SCENARIO_FILE_BYTES = 1_000_000


@solara.component
def ScenarioFile() -> None:
    """Start Explore from a scenario file: a path typed in, or a .toml dropped here (a calibration's
    ``calibrated.toml`` or the researcher's own). A file that does not load is refused in place with
    the loader's one-line reason; the page keeps the scenario it had."""
    path_text, set_path_text = solara.use_state("")
    error, set_error = solara.use_state("")
    upload_dir = solara.use_memo(lambda: tempfile.mkdtemp(prefix="cogov-upload-"), [])

    def load(path: str) -> None:
        set_error("")
        try:
            session.load(path)  # remounts the sidebar (this component included) with the file's values
        except UserError as exc:
            set_error(tr("cannot_load", detail=str(exc)))

    def load_typed() -> None:
        path = path_text.strip()
        if not path.lower().endswith(".toml"):
            set_error(tr("err_toml_only"))
            return
        load(str(Path(path).expanduser().resolve()))

    def dropped(info: Any) -> None:
        name = Path(str(info.get("name", ""))).name
        data = info.get("data") or b""
        if not name.lower().endswith(".toml") or len(data) > MAX_SCENARIO_FILE_BYTES:
            set_error(tr("err_toml_only"))
            return
        target = Path(upload_dir) / name
        target.write_bytes(data)
        load(str(target))

    with solara.Row(gap="6px", style={"align-items": "flex-start"}):
        solara.InputText(tr("scenario_file"), value=path_text, on_value=set_path_text, message=tr("scenario_file_hint"),
                         error=error or False, classes=["cogov-scenario-file"])
        solara.Button(tr("load"), on_click=load_typed, small=True, outlined=True, classes=["cogov-scenario-file-load"],
                      style={"margin-top": "12px"})
    solara.FileDrop(label=tr("drop_scenario"), on_file=dropped, lazy=False)


def Switch(label: str, value: bool, on_value: Callable[[bool], Any]) -> Any:
    """A compact checkbox (one widget, no Solara wrapper: the sidebar has dozens)."""
    return solara.v.Checkbox(label=label, v_model=value, on_v_model=lambda v: on_value(bool(v)), dense=True,
                             hide_details=True, class_="mt-1")


def _heading(text: str) -> None:
    solara.Text(text, style={"font-weight": "bold", "margin-top": "10px", "display": "block"})


@solara.component
def CogovInputs(user_params: dict[str, Any], on_change: Callable[[str, Any], None] | None = None) -> None:
    """Mesa ``UserInputs`` replacement for ``type: "cogov"`` entries (others go to Mesa's own)."""
    if not user_params or any(not (isinstance(v, dict) and v.get("type") == "cogov") for v in user_params.values()):
        return mesa_shim.original("UserInputs")(user_params, on_change=on_change)
    return ParameterCard(user_params, on_change)


@solara.component
def ParameterCard(user_params: dict[str, Any], on_change: Callable[[str, Any], None] | None) -> None:
    """Scenario, seed, mechanisms (with their main parameters), main parameters, and on request
    every other parameter by group. The values Mesa's Reset will use are the tab's
    ``session.setup`` (so they survive a visit to Compare and a language switch)."""
    accepted = session.setup

    def commit(kwarg: str, value: Any) -> Refusal | None:
        trial = {**(accepted.value or {k: v["value"] for k, v in user_params.items()}), kwarg: value}
        refusal = combination_refusal({k: v for k, v in trial.items() if k != "seed"})
        if refusal is not None:
            return refusal
        accepted.value = trial
        if on_change is not None:
            on_change(kwarg, value)
        return None

    def sync_reset() -> None:
        """Mesa's Reset dictionary follows the tab's scenario and set-up (Mesa fills it only when its
        own parameter card first mounts, which a scenario loaded from a file does not always cause)."""
        if on_change is not None and accepted.value:
            on_change("scenario", session.scenario.value)
            for kwarg, value in accepted.value.items():
                on_change(kwarg, value)

    solara.use_effect(sync_reset, [session.generation.value])
    show_all, set_show_all = solara.use_state(False)
    values = accepted.value or {k: v["value"] for k, v in user_params.items()}
    pending = session.pending_changes(values, session.model.value)

    with solara.Column(gap="2px", style={"max-width": "352px"}):  # labels wrap; the drawer keeps its width
        ScenarioPicker()
        ScenarioFile()
        SeedField(values["seed"], commit)
        solara.Text(tr("apply_on_reset") + (" " + tr("pending_changes", n=pending) if pending else ""),
                    style={"font-size": "0.8em", "color": "#b35900" if pending else "#555"},
                    classes=["cogov-pending"])
        _heading(tr("mechanisms"))
        for key in mechanism_keys():
            cls = MECHANISMS[key]
            kw = f"{key}__enabled"
            Switch(pick(cls.name_zh, cls.name_en), bool(values[kw]), lambda v, kw=kw: commit(kw, v))
            if values[kw]:
                with solara.Column(style={"padding-left": "24px"}, gap="0px"):
                    for p in mechanism_params(key, main=True):
                        ParamField(p, values[p.kwarg], commit).key(p.kwarg)
        _heading(tr("main_parameters"))
        for p in main_core():
            ParamField(p, values[p.kwarg], commit).key(p.kwarg)
        solara.Button(tr("hide_all") if show_all else tr("show_all"), text=True, small=True,
                      on_click=lambda: set_show_all(not show_all), classes=["cogov-show-all"])
        if show_all:
            for group, params in other_groups():
                if group.startswith("mechanism:"):
                    cls = MECHANISMS[group.split(":", 1)[1]]
                    title = pick(cls.name_zh, cls.name_en)
                else:
                    title = pick(*GROUPS.get(group, (group, group)))
                _heading(title)
                for p in params:
                    if p.kind is bool:
                        Switch(pick(p.label_zh, p.label_en), bool(values[p.kwarg]),
                               lambda v, kw=p.kwarg: commit(kw, v))
                    else:
                        ParamField(p, values[p.kwarg], commit).key(p.kwarg)
