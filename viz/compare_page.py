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
from typing import Any

import solara

from model.errors import UserError
from model.parameters import PARAMETERS
from scenarios import list_scenarios, load_scenario
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
from viz.figures import bands_figure, png
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
        else:
            outcome.value = result
            status.value = {"state": "done", "total": result.runs, "seconds": result.seconds}
        finally:
            if cancel_event.peek() is event:
                cancel_event.value = None


def start(names: list[str], ref: str, reps: int, weeks: int, seed: int) -> None:
    """Start a comparison in a background thread of this tab."""
    import solara.server.kernel_context as kc

    event = threading.Event()
    cancel_event.value = event
    status.value = {"state": "running", "done": 0, "total": len(names) * reps}
    args = {"scenarios": names, "reference": ref, "reps": reps, "weeks": weeks, "seed": seed}
    context = kc.get_current_context()
    context.on_close(event.set)  # a closed tab stops its comparison after the run under way
    threading.Thread(target=_work, args=(context, event, args), daemon=True, name="cogov-compare").start()


def _cell(mean: float, lo: float, hi: float, signed: bool = False) -> str:
    if not math.isfinite(mean):
        return "—"
    fmt = "{:+.3g}" if signed else "{:.3g}"
    text = fmt.format(mean)
    if math.isfinite(lo) and math.isfinite(hi):
        text += f" [{lo:.3g}, {hi:.3g}]"
    bold = signed and math.isfinite(lo) and math.isfinite(hi) and (lo > 0 or hi < 0)
    return f"<b>{html.escape(text)}</b>" if bold else html.escape(text)


def difference_table_html(result: CompareOutcome, lang: str) -> str:
    """Rows: metrics; columns: the reference's value, then each other scenario's paired difference."""
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
        label = pick(part["metric_zh"].iloc[0], part["metric_en"].iloc[0], lang)
        r = part.loc[ref]
        cells = [html.escape(label), _cell(r["mean"], r["ci_low"], r["ci_high"])]
        cells += [_cell(part.loc[n, "diff"], part.loc[n, "diff_ci_low"], part.loc[n, "diff_ci_high"], signed=True)
                  for n in others]
        rows.append("<tr>" + "".join(f"<td style='padding:2px 10px 2px 0'>{c}</td>" for c in cells) + "</tr>")
    thead = "".join(f"<th style='text-align:left;padding-right:10px'>{html.escape(h)}</th>" for h in head)
    return (f"<table class='cogov-diff-table' style='font-size:0.85em;border-collapse:collapse'>"
            f"<thead><tr>{thead}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


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
        weeks, why = parse_value(PARAMETERS["weeks"], weeks_text.value)
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
            start(picked, ref, reps, weeks, seed)

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
            solara.Text(tr("running", done=done, total=total), classes=["cogov-compare-status"])
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
