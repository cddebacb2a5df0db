"""The Compare page: scenarios × replicates with common random numbers, run in a background
thread (the page stays responsive) with a progress bar; bands, a difference table, a CSV download.

State lives in per-tab reactive variables, so a comparison keeps running, and its result stays,
while the researcher looks at the Explore page.
"""

from __future__ import annotations

import html
import logging
import math
import threading
from pathlib import Path
from typing import Any

import solara

from experiments.report_numbers import HIGHER_IS_BETTER, LOWER_IS_BETTER, fmt_value
from model.errors import UserError
from model.parameters import PARAMETERS
from model.units import unit_text
from scenarios import list_scenarios, load_scenario
from viz.compare_figures import bands_figure, fit_figure
from viz.compare_runs import (
    BAND_METRICS,
    MAX_HOUSEHOLD_WEEKS,
    MAX_RUNS,
    TABLE_METRICS,
    Cancelled,
    CompareOutcome,
    run_in_memory,
    tidy_csv,
    work_size,
)
from viz.figures import png
from viz.i18n import current, pick, tr
from viz.params import format_value, parse_seed, parse_value

__all__ = ["ComparePage", "MAX_REPS", "DEFAULT_SCENARIOS"]

log = logging.getLogger(__name__)
MAX_REPS = 200
DEFAULT_SCENARIOS = ("baseline", "points", "three_party_linkage")

# per-tab state (Solara scopes reactive variables per kernel)
chosen: solara.Reactive[list[str]] = solara.reactive([n for n in DEFAULT_SCENARIOS if n in list_scenarios()])
reference: solara.Reactive[str] = solara.reactive("baseline")
reps_text = solara.reactive("5")
weeks_text = solara.reactive("104")
seed_text = solara.reactive("1")
status: solara.Reactive[dict[str, Any]] = solara.reactive({"state": "idle"})
outcome: solara.Reactive[CompareOutcome | None] = solara.reactive(None)
cancel_event: solara.Reactive[threading.Event | None] = solara.reactive(None)
calibration_text = solara.reactive("")
#: The loaded calibration (``scenarios.posterior.Posterior``), or None.
calibration: solara.Reactive[Any] = solara.reactive(None)
#: Why the last folder did not load (the loader's one line; worded in the current language where shown).
calibration_error = solara.reactive("")
#: Replicate r of every scenario runs under the calibration's posterior draw r.
under_posterior = solara.reactive(False)


def _reps(text: str) -> tuple[int | None, tuple[str, dict] | None]:
    try:
        n = int(text.strip())
    except ValueError:
        n = -1
    return (n, None) if 2 <= n <= MAX_REPS else (None, ("err_reps", {"max": MAX_REPS}))


def _work(context: Any, event: threading.Event, args: dict[str, Any]) -> None:
    """Thread body: run the comparison inside the tab's kernel context, reporting progress."""
    def progress(done: int, total: int) -> None:
        status.value = {"state": "running", "done": done, "total": total}

    with context:
        try:
            result = run_in_memory(**args, on_progress=progress, cancelled=event.is_set)
        except Cancelled:
            status.value = {"state": "cancelled"}
        except UserError as exc:
            status.value = {"state": "failed", "error": str(exc)}
        except Exception as exc:  # a bug must not take the server down: show it, log it
            log.exception("comparison failed")
            status.value = {"state": "failed", "error": f"{type(exc).__name__}: {exc}"}
        else:  # the status first: the results never show under a "running" line
            status.value = {"state": "done", "total": result.runs, "seconds": result.seconds}
            outcome.value = result
        finally:
            if cancel_event.peek() is event:
                cancel_event.value = None


def start(names: list[str], ref: str, reps: int, weeks: int, seed: int, posterior: str | None = None) -> None:
    """Start a comparison in a background thread of this tab."""
    import solara.server.kernel_context as kc

    event = threading.Event()
    cancel_event.value = event
    outcome.value = None  # the previous results are not this comparison's
    status.value = {"state": "running", "done": 0, "total": len(names) * reps}
    args = {"scenarios": names, "reference": ref, "reps": reps, "weeks": weeks, "seed": seed, "posterior": posterior}
    context = kc.get_current_context()
    context.on_close(event.set)  # a closed tab stops its comparison after the run under way
    threading.Thread(target=_work, args=(context, event, args), daemon=True, name="cogov-compare").start()


#: Colours of a clear difference: better / worse (blue–orange: readable with red–green colour blindness).
VERDICT_COLOUR = {"better": "#1565c0", "worse": "#e65100"}


#: Units of counted things (issues, firms...): shown with one decimal, as means over replicates.
COUNT_UNITS = frozenset({"issues", "firms", "compounds", "cumulative", "projects", "points"})


def number_text(value: float, unit: str, lang: str, signed: bool = False) -> str:
    """A level or a signed difference with fixed decimals for its unit (``experiments.report_numbers``'s
    rules: shares in % and differences of shares in percentage points, money in whole yuan)."""
    if unit in COUNT_UNITS:  # counts averaged over replicates: one decimal
        text = "—" if not math.isfinite(value) else f"{value:{'+' if signed else ''}.1f}"
    else:
        text = fmt_value(value, unit, signed=signed)
    if unit == "share" and signed:
        text = text.removesuffix(" pp") + " " + tr("pp", lang)
    return text


def _cell(mean: float, lo: float, hi: float, unit: str, lang: str, signed: bool = False,
          metric: str = "") -> str:
    """A value with its 95 % interval (left out when there is no spread); a difference whose
    interval excludes 0 is bold and, for a metric with a better direction, marked better / worse."""
    if not math.isfinite(mean):
        return "—"
    text = number_text(mean, unit, lang, signed)
    spread = math.isfinite(lo) and math.isfinite(hi) and hi > lo
    if spread:
        text += f" [{number_text(lo, unit, lang, signed)}, {number_text(hi, unit, lang, signed)}]"
    out = html.escape(text)
    if not (signed and spread and (lo > 0 or hi < 0)):
        return out
    up = lo > 0
    verdict = ("better" if up else "worse") if metric in HIGHER_IS_BETTER else (
        ("worse" if up else "better") if metric in LOWER_IS_BETTER else "")
    if not verdict:
        return f"<b>{out}</b>"
    arrow = "▲" if up else "▼"
    return (f"<b class='cogov-{verdict}' style='color:{VERDICT_COLOUR[verdict]}'>{out} {arrow} "
            f"{html.escape(tr(verdict, lang))}</b>")


def metric_heading(label: str, unit: str, lang: str) -> str:
    """A metric's label with its unit (shares and 0–1 levels need none: % and decimals say it)."""
    if unit in ("", "share", "0–1") or unit in label.lower():
        return label
    return f"{label}（{unit_text(unit, lang)}）" if lang == "zh" else f"{label} ({unit})"


def difference_table_html(result: CompareOutcome, lang: str) -> str:
    """Rows: metrics (with units); columns: the reference's value, then each other scenario's
    paired difference from it with its 95 % interval, better / worse marked."""
    s = result.summary
    ref = result.spec.reference
    others = [n for n in result.spec.names if n != ref]
    labels = {sc.name: pick(sc.label_zh, sc.label_en, lang) for sc in result.spec.scenarios}
    head = [tr("col_metric", lang), f"{tr('reference_value', lang)}: {labels[ref]}"]
    head += [f"{tr('col_diff', lang)}: {labels[n]}" for n in others]
    rows = []
    for metric in TABLE_METRICS:
        part = s[s["metric"] == metric].set_index("scenario")
        if part.empty:
            continue
        unit = str(part["unit"].iloc[0])
        label = metric_heading(pick(part["metric_zh"].iloc[0], part["metric_en"].iloc[0], lang), unit, lang)
        r = part.loc[ref]
        cells = [html.escape(label), _cell(r["mean"], r["ci_low"], r["ci_high"], unit, lang)]
        cells += [_cell(part.loc[n, "diff"], part.loc[n, "diff_ci_low"], part.loc[n, "diff_ci_high"], unit, lang,
                        signed=True, metric=metric) for n in others]
        rows.append("<tr>" + "".join(f"<td style='padding:3px 14px 3px 0;white-space:nowrap'>{c}</td>"
                                     for c in cells) + "</tr>")
    thead = "".join(f"<th style='text-align:left;padding-right:14px'>{html.escape(h)}</th>" for h in head)
    return (f"<table class='cogov-diff-table' style='font-size:0.9em;border-collapse:collapse'>"
            f"<thead><tr>{thead}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def load_calibration(text: str) -> None:
    """Load the calibration folder ``text`` (a refusal is kept in ``calibration_error``, shown in place)."""
    from scenarios.posterior import load_posterior

    try:
        post = load_posterior(Path(text.strip()).expanduser(), flag="calibration folder")
    except UserError as exc:
        calibration_error.value = str(exc)
        return
    except OSError as exc:
        calibration_error.value = f"{text}: {exc.strerror or exc}"
        return
    calibration_error.value = ""
    calibration.value = post


@solara.component
def CalibrationPanel() -> None:
    """Load a calibration folder, see its fitted indicators against the observed figures, and choose
    to compare under its posterior."""
    lang = current()
    post = calibration.value

    def draw() -> bytes | None:
        return None if post is None else png(fit_figure(post.predictive, post.observations, lang))

    image = solara.use_memo(draw, [id(post), lang])
    solara.Text(tr("calibration_title"), style={"font-weight": "bold", "font-size": "1.05em"})
    with solara.Row(gap="12px", style={"align-items": "flex-start"}):
        solara.InputText(tr("calibration_folder"), value=calibration_text, error=tr("cannot_load", detail=calibration_error.value) if calibration_error.value else False,
                         style={"min-width": "420px"}, classes=["cogov-calibration-path"])
        solara.Button(tr("load"), outlined=True, on_click=lambda: load_calibration(calibration_text.value),
                      classes=["cogov-calibration-load"], style={"margin-top": "12px"})
    if post is None:
        return
    params = "、".join(pick(PARAMETERS[n].label_zh, PARAMETERS[n].label_en, lang) if n in PARAMETERS else n
                       for n in post.parameters) if lang == "zh" else ", ".join(
        PARAMETERS[n].label_en if n in PARAMETERS else n for n in post.parameters)
    solara.Text(tr("calibration_loaded", name=post.settings.get("name", post.path.name), scenario=post.scenario,
                   params=params, n=len(post.frame)), classes=["cogov-calibration-summary"])
    solara.Text(tr("fit_title"), style={"font-weight": "bold", "margin-top": "6px"})
    if image is not None:
        solara.Image(image, classes=["cogov-fit"], width="min(100%, 720px)")
    solara.v.Checkbox(label=tr("under_posterior"), v_model=under_posterior.value, class_="cogov-under-posterior",
                      on_v_model=lambda v: under_posterior.set(bool(v)), hide_details=True, dense=True)


@solara.component
def Results(result: CompareOutcome) -> None:
    """Bands, difference table and download of a finished comparison."""
    lang = current()
    labels = {sc.name: pick(sc.label_zh, sc.label_en, lang) for sc in result.spec.scenarios}

    def draw() -> bytes:
        level = result.series[result.series["kind"] == "level"].rename(columns={"ci_low": "low", "ci_high": "high"})
        return png(bands_figure(level, BAND_METRICS, labels, lang))

    image = solara.use_memo(draw, [id(result), lang])
    solara.Text(tr("bands_title"), style={"font-weight": "bold", "font-size": "1.05em"})
    post = getattr(result.spec, "posterior", None)
    if post is not None:
        solara.Text(tr("posterior_runs", name=post.settings.get("name", post.path.name)).strip(" （）()"),
                    classes=["cogov-posterior-note"])
    solara.Image(image, classes=["cogov-bands"], width="min(100%, 960px)")
    solara.Text(tr("diff_title", week=result.spec.weeks), style={"font-weight": "bold", "margin-top": "8px"})
    solara.HTML(tag="div", unsafe_innerHTML=difference_table_html(result, lang), style="overflow-x: auto")
    solara.FileDownload(lambda: tidy_csv(result), filename="cogov-compare.csv", label=tr("download_csv"),
                        mime_type="text/csv")


@solara.component
def ComparePage() -> None:
    """Choose scenarios, replicates, weeks and seed; run; see bands and differences; download."""
    lang = current()
    names = list_scenarios()
    scen = {n: load_scenario(n) for n in names}
    refusals, set_refusals = solara.use_state({})
    state = status.value
    running = state.get("state") == "running"
    items = [{"text": f"{pick(s.label_zh, s.label_en, lang)} ({n})", "value": n} for n, s in scen.items()]
    ref = reference.value if reference.value in chosen.value else (chosen.value[0] if chosen.value else "")

    def run() -> None:
        found: dict[str, tuple[str, dict]] = {}
        reps, why = _reps(reps_text.value)
        if why:
            found["reps"] = why
        weeks, why = parse_value(PARAMETERS["weeks"], weeks_text.value, lang)
        if why:
            found["weeks"] = why
        seed, why = parse_seed(seed_text.value)
        if why:
            found["seed"] = why
        picked = [n for n in chosen.value if n in scen]
        if not picked:
            found["scenarios"] = ("need_scenario", {})
        if not found:
            runs, hw = work_size(picked, reps, weeks)
            if runs > MAX_RUNS or hw > MAX_HOUSEHOLD_WEEKS:
                found["run"] = ("too_many_runs", {"runs": runs, "n": f"{hw:,}", "max_runs": MAX_RUNS,
                                                  "cap": f"{MAX_HOUSEHOLD_WEEKS:,}"})
        set_refusals(found)
        if not found:
            post = calibration.value if under_posterior.value else None
            start(picked, ref, reps, weeks, seed, posterior=str(post.path) if post is not None else None)

    def message(key: str) -> str | bool:
        r = refusals.get(key)
        return tr(r[0], **r[1]) if r else False

    with solara.Column(style={"padding": "12px", "max-width": "1100px"}, gap="10px"):
        solara.Text(tr("compare_title"), style={"font-size": "1.4em", "font-weight": "bold"})
        solara.Text(tr("compare_intro"), style={"color": "#555"})
        with solara.Row(gap="16px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            solara.v.Select(label=tr("scenarios"), items=items, v_model=chosen.value, multiple=True, chips=True,
                            small_chips=True, deletable_chips=True, on_v_model=lambda v: chosen.set(list(v or [])),
                            error_messages=[message("scenarios")] if message("scenarios") else [],
                            style_="min-width: 420px; max-width: 560px", class_="cogov-compare-scenarios")
            solara.v.Select(label=tr("reference"), items=[i for i in items if i["value"] in chosen.value],
                            v_model=ref, on_v_model=lambda v: reference.set(v) if v else None,
                            style_="max-width: 260px", class_="cogov-compare-reference")
        with solara.Row(gap="16px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            solara.InputText(tr("replicates"), value=reps_text, error=message("reps"), message="2–" + str(MAX_REPS),
                             style={"max-width": "160px"}, classes=["cogov-compare-reps"])
            solara.InputText(tr("weeks"), value=weeks_text, error=message("weeks"),
                             message=f"{format_value(PARAMETERS['weeks'].low)}–{format_value(PARAMETERS['weeks'].high)}",
                             style={"max-width": "160px"}, classes=["cogov-compare-weeks"])
            solara.InputText(tr("root_seed"), value=seed_text, error=message("seed"), message=tr("seed_hint"),
                             style={"max-width": "320px"}, classes=["cogov-compare-seed"])
        CalibrationPanel()
        with solara.Row(gap="12px", style={"align-items": "center"}):
            solara.Button(tr("run"), color="primary", on_click=run, disabled=running, classes=["cogov-compare-run"])
            if running and cancel_event.value is not None:
                solara.Button(tr("cancel"), on_click=lambda: cancel_event.value.set() if cancel_event.value else None,
                              outlined=True, classes=["cogov-compare-cancel"])
            if message("run"):
                solara.Error(message("run"))
        if running:
            done, total = state.get("done", 0), max(state.get("total", 1), 1)
            solara.ProgressLinear(value=100.0 * done / total, color="primary", classes=["cogov-compare-progress"])
            solara.Text(tr("running", done=done, total=total) if done < total else tr("summarising", total=total),
                        classes=["cogov-compare-status"])
        elif state.get("state") == "done":
            solara.Text(tr("finished", total=state["total"], seconds=state["seconds"]), classes=["cogov-compare-status"])
        elif state.get("state") == "cancelled":
            solara.Text(tr("cancelled"), classes=["cogov-compare-status"])
        elif state.get("state") == "failed":
            solara.Error(tr("failed", error=state.get("error", "")), classes=["cogov-compare-status"])
        result = outcome.value
        if result is not None:
            Results(result)
        elif not running:
            solara.Text(tr("no_results"), style={"color": "#666"})
