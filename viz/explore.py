"""The Explore page: one run, live, on Mesa's SolaraViz.

SolaraViz supplies the sidebar (Step / Play / Pause / Reset, the parameter card, the week) and the
grid of components; cogov supplies the components — headline figures, the community map, five
charts, the event log — and the generated parameter inputs (``viz.controls``, via ``viz.mesa_shim``).
Every component re-renders on Mesa's ``update_counter`` (bumped after each step) and on the
language switch.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter
from solara.alias import rw

from model.event_log import EVENT_KINDS, Event
from model.mechanisms import MECHANISMS
from viz import mesa_shim, session
from viz.controls import CogovInputs
from viz.figures import CHARTS, MAP_VARIABLES, ChartRenderer, MapRenderer, metric_label, series
from viz.i18n import current, pick, tr
from viz.params import explore_model_params

__all__ = ["ExplorePage", "KPIS", "kpi_figures", "COMPONENTS", "event_text"]

#: Headline figures: (metric, kind of number, +1 if higher is better, -1 if lower is better).
KPIS: tuple[tuple[str, str, int], ...] = (
    ("satisfaction_mean", "level", 1),
    ("satisfied_share", "share", 1),
    ("participation_monthly", "share", 1),
    ("issues_open", "count", -1),
    ("resolution_weeks_mean", "weeks", -1),
    ("fee_collection_rate", "share", 1),
    ("firm_quality_mean", "level", 1),
    ("trust_community_mean", "level", 1),
)
EVENTS_SHOWN = 60


def _latest(y: np.ndarray, metric: str) -> float:
    """The metric now: the last value, or for time to resolve the mean of the last 4 weeks."""
    if metric == "resolution_weeks_mean":
        tail = y[-4:]
        tail = tail[np.isfinite(tail)]
        return float(tail.mean()) if tail.size else math.nan
    return float(y[-1])


def _fmt(kind: str, value: float, lang: str, delta: bool = False) -> str:
    if not math.isfinite(value):
        return "—"
    sign = "+" if delta and value > 0 else ""
    if kind == "share":
        return f"{sign}{value * 100:.1f}" + (pick(" 个百分点", " pp", lang) if delta else "%")
    if kind == "count":
        return f"{sign}{value:.0f}"
    if kind == "weeks":
        return f"{sign}{value:.1f}" + pick(" 周", " wk", lang)
    return f"{sign}{value:.3f}"


def kpi_figures(model: Any, lang: str) -> list[dict[str, Any]]:
    """Headline figures now and their change since week 0 (label, value, delta, good/bad)."""
    out = []
    for metric, kind, better in KPIS:
        y = series(model, metric)
        now, start = _latest(y, metric), float(y[0])
        change = now - start if math.isfinite(now) and math.isfinite(start) else math.nan
        tone = "flat" if not math.isfinite(change) or abs(change) < 1e-9 else ("good" if change * better > 0 else "bad")
        out.append({"metric": metric, "label": metric_label(metric, lang), "value": _fmt(kind, now, lang),
                    "delta": _fmt(kind, change, lang, delta=True), "tone": tone})
    return out


TONE_COLOUR = {"good": "#2e7d32", "bad": "#c62828", "flat": "#666666"}


def kpi_html(model: Any, lang: str) -> str:
    """The KPI panel as one HTML block (one widget to update per step, not forty)."""
    mechs = [pick(MECHANISMS[k].name_zh, MECHANISMS[k].name_en, lang) for k in model.mechanisms if k in MECHANISMS]
    scen = model.scenario
    e = html.escape
    head = (
        f"<div style='display:flex;gap:18px;align-items:baseline;flex-wrap:wrap'>"
        f"<span class='cogov-week' style='font-size:1.35em;font-weight:bold'>{e(tr('week_n', lang, n=model.week))}</span>"
        f"<span style='color:#666'>{e(tr('of_weeks', lang, n=model.p['weeks']))}</span>"
        f"<span class='cogov-scenario-name'>{e(tr('scenario', lang))}: {e(pick(scen.label_zh, scen.label_en, lang))}</span>"
        f"<span class='cogov-mechanisms-on'>{e(tr('mechanisms_on', lang))}: "
        f"{e(pick('、', ', ', lang).join(mechs) if mechs else tr('none', lang))}</span>"
        f"<span style='color:#888;font-size:0.8em'>Δ = {e(tr('since_week0', lang))}</span></div>"
    )
    cards = "".join(
        f"<div class='cogov-kpi cogov-kpi-{k['metric']}' style='border:1px solid #ddd;border-radius:6px;padding:4px 8px'>"
        f"<div style='font-size:0.78em;color:#555'>{e(k['label'])}</div>"
        f"<div class='cogov-kpi-value' style='font-size:1.2em;font-weight:bold'>{e(k['value'])}</div>"
        f"<div style='font-size:0.75em;color:{TONE_COLOUR[k['tone']]}'>Δ {e(k['delta'])}</div></div>"
        for k in kpi_figures(model, lang)
    )
    grid = (f"<div style='display:grid;gap:6px;margin-top:6px;"
            f"grid-template-columns:repeat(auto-fill,minmax(104px,1fr))'>{cards}</div>")
    return head + grid


@solara.component
def KpiPanel(model: Any) -> None:
    """Week, scenario, mechanisms on, and the headline figures with their change since week 0."""
    update_counter.get()
    solara.HTML(tag="div", unsafe_innerHTML=kpi_html(model, current()), classes=["cogov-kpis"],
                style="padding: 8px 12px")


def _image(data: bytes, css_class: str) -> Any:
    return rw.Image(value=data, format="png", _dom_classes=[css_class, "cogov-figure"],
                                   layout={"max_width": "100%", "height": "auto", "margin": "0"})


@solara.component
def MapPanel(model: Any) -> None:
    """The community map coloured by the chosen variable, with its legend."""
    update_counter.get()
    lang = current()
    renderer = solara.use_memo(MapRenderer, [])
    variable = session.map_variable.value
    items = [{"text": tr(label, lang), "value": key} for key, label in MAP_VARIABLES.items()]
    with solara.Column(gap="2px", style={"padding": "4px 10px"}):
        with solara.Row(style={"align-items": "center", "margin-top": "6px"}):
            solara.Text(tr("map_title"), style={"font-weight": "bold", "font-size": "1.05em", "min-width": "80px"})
            solara.v.Select(label=tr("map_colour_by"), items=items, v_model=variable, dense=True, hide_details=True,
                            on_v_model=lambda v: session.map_variable.set(v) if v in MAP_VARIABLES else None,
                            style_="max-width: 240px", class_="cogov-map-variable")
        _image(renderer.render(model, variable, lang), "cogov-map")
        solara.Text(tr("map_legend_note"), style={"font-size": "0.75em", "color": "#555"})


def _chart_component(key: str) -> Callable[..., Any]:
    title_key = CHARTS[key][0]

    @solara.component
    def Chart(model: Any) -> None:
        update_counter.get()
        lang = current()
        renderer = solara.use_memo(lambda: ChartRenderer(key), [])
        _image(renderer.render(model, lang), f"cogov-chart-{key}")

    Chart.__doc__ = f"Chart: {title_key}."
    return Chart


CHART_COMPONENTS = {key: _chart_component(key) for key in ("satisfaction", "participation", "issues", "fee", "firm")}


def event_text(event: Event, lang: str) -> str:
    """An event's detail in one language, from its kind's declared texts (model.event_log), places
    numbered from 1 as on the map; the English view without the Chinese terms."""
    text = event.describe(lang, first_place=1, chinese_terms=False)
    return text if lang == "zh" else text[:1].upper() + text[1:]


def events_html(events: list[Event], lang: str, limit: int = EVENTS_SHOWN) -> str:
    """The event log as an HTML table, newest first."""
    if not events:
        return f"<p style='color:#666'>{html.escape(tr('no_events', lang))}</p>"
    rows = []
    for ev in list(reversed(events))[:limit]:
        kind = EVENT_KINDS.get(ev.kind)
        label = pick(kind.name_zh, kind.name_en, lang) if kind else ev.kind
        rows.append(f"<tr><td style='text-align:right;padding-right:8px'>{ev.week}</td>"
                    f"<td style='padding-right:8px;white-space:nowrap'>{html.escape(label)}</td>"
                    f"<td>{html.escape(event_text(ev, lang) if kind else ev.text)}</td></tr>")
    more = len(events) - limit
    tail = f"<p style='color:#666'>{html.escape(tr('events_more', lang, n=more))}</p>" if more > 0 else ""
    head = "".join(f"<th style='text-align:left'>{html.escape(tr(k, lang))}</th>"
                   for k in ("col_week", "col_event", "col_detail"))
    return (f"<table class='cogov-events' style='font-size:0.8em;border-collapse:collapse'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{tail}")


@solara.component
def EventLog(model: Any) -> None:
    """Firm exits, replacements, completed projects, points stopped... newest first."""
    update_counter.get()
    lang = current()
    with solara.Column(gap="4px", style={"padding": "4px 10px", "height": "100%"}):
        solara.Text(tr("events_title"), style={"font-weight": "bold", "font-size": "1.05em"})
        solara.HTML(tag="div", unsafe_innerHTML=events_html(model.events, lang),
                    style="overflow-y: auto; max-height: 240px", classes=["cogov-event-log"])


#: Mesa's tab bar has a single tab ("Page 0"): hidden, so the headline figures sit right above the grid.
EXPLORE_CSS = ".cogov-explore .v-tabs:not(.cogov-keep) { display: none; }"

#: The Explore components in the order of ``viz.mesa_shim.EXPLORE_LAYOUT``.
COMPONENTS: list[tuple[Any, int]] = [
    (MapPanel, 0),
    (CHART_COMPONENTS["satisfaction"], 0),
    (CHART_COMPONENTS["participation"], 0),
    (CHART_COMPONENTS["issues"], 0),
    (CHART_COMPONENTS["fee"], 0),
    (CHART_COMPONENTS["firm"], 0),
    (EventLog, 0),
]


@solara.component
def ExplorePage() -> None:
    """SolaraViz over the tab's model; remounted when the scenario changes."""
    mesa_shim.install(CogovInputs)
    mesa_shim.sidebar_key = lambda: session.generation.value
    model = session.ensure_model()
    lang = current()

    def release() -> Callable[[], None]:
        current_model = model
        return lambda: current_model.remove() if session.model.peek() is not current_model else None

    solara.use_effect(release, [model])
    # the tab's set-up as edited so far, so a remount (back from Compare) shows what Reset will build
    params = solara.use_memo(lambda: explore_model_params(session.scenario.value, model.seed, session.setup.peek()),
                             [session.scenario.value, session.generation.value])
    with solara.Column(gap="0px", classes=["cogov-explore"]):
        solara.Style(EXPLORE_CSS)
        KpiPanel(model)  # above Mesa's grid of fixed-height boxes: its height follows its content
        SolaraViz(
            session.model, components=list(COMPONENTS), model_params=params, name=tr("app_title", lang),
            play_interval=150,
        ).key(f"explore-{session.generation.value}")
