"""Matplotlib figures of the Explore page: the community map and the time-series charts (the
Compare page's figures are in ``viz.compare_figures``).

Pure functions of model state (or result tables) and a language code: no Solara here, so they can
be timed and tested alone. Figures are ``matplotlib.figure.Figure`` objects (no pyplot: no global
state, safe from the server's threads) and are turned into PNG bytes by :func:`png`.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import matplotlib
import numpy as np
import PIL.Image
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from experiments.fonts import figure_language, use_fonts
from model.reporters import METRIC_INFO
from viz.i18n import current, pick, tr

if TYPE_CHECKING:

    from model.model import CoGovernanceModel

__all__ = [
    "MAP_VARIABLES", "CHARTS", "MapGeometry", "map_geometry", "map_values", "map_colours", "MapRenderer",
    "ChartRenderer", "series", "nice_ceiling", "png", "encode_png", "metric_label", "week_axis_end", "MIN_FONT_PT",
]  # fmt: skip

# Chinese labels need a CJK font: found (and registered if matplotlib's cache predates it) at import
use_fonts()

DPI = 100
#: Smallest text in any figure, in points: ≥ 10 screen pixels at 100 dpi even when the browser
#: shrinks a figure to 80 % of its size (the browser tests check the shrink at 1280 × 800).
MIN_FONT_PT = 9.0
#: Map variable key -> UI-string key of its label.
MAP_VARIABLES: dict[str, str] = {
    "satisfaction": "var_satisfaction",
    "participation": "var_participation",
    "trust": "var_trust",
    "open_issues": "var_open_issues",
}
#: Chart key -> (UI-string key of its title, metrics drawn).
CHARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "satisfaction": ("chart_satisfaction", ("satisfaction_mean", "satisfied_share", "survey_satisfied_share")),
    "participation": ("chart_participation", ("participation_monthly",)),
    "issues": ("chart_issues", ("issues_open", "resolution_weeks_mean")),
    "fee": ("chart_fee", ("fee_collection_rate",)),
    "firm": ("chart_firm", ("firm_quality_mean",)),
}
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def metric_label(metric: str, lang: str | None = None) -> str:
    """A metric's label in ``lang`` from ``METRIC_INFO`` (the metric's key if it is not declared)."""
    zh, en, _unit = METRIC_INFO.get(metric, (metric, metric, ""))
    return pick(zh, en, lang)


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


# -- the community map --------------------------------------------------------------------------
@dataclass(frozen=True)
class MapGeometry:
    """Where every household, building, compound and community is drawn (in cell units)."""

    rows: np.ndarray  # (n_households,) row of each household's cell
    cols: np.ndarray  # (n_households,) column of each household's cell
    shape: tuple[int, int]  # (height, width) of the whole picture in cells
    buildings: np.ndarray  # (n_buildings, 4): x, y, width, height
    compounds: np.ndarray  # (n_grids, 4)
    communities: np.ndarray  # (n_communities, 4)


def _columns(n: int, w: int, h: int, gx: int, gy: int, aspect: float = 1.3) -> int:
    """Columns that lay ``n`` boxes of ``w`` × ``h`` (gaps ``gx``, ``gy``) out closest to ``aspect``
    (width / height), preferring full rows."""
    best, best_cost = 1, math.inf
    for c in range(1, n + 1):
        r = math.ceil(n / c)
        cost = abs(math.log((c * (w + gx)) / (r * (h + gy)) / aspect)) + 2.0 * (c * r - n) / n
        if cost < best_cost:
            best, best_cost = c, cost
    return best


def _place(n: int, w: int, h: int, gx: int, gy: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """x and y offsets of ``n`` boxes in rows, and the total width and height."""
    c = _columns(n, w, h, gx, gy)
    i = np.arange(n)
    x, y = (i % c) * (w + gx), (i // c) * (h + gy)
    return x, y, c * (w + gx) - gx, math.ceil(n / c) * (h + gy) - gy


@lru_cache(maxsize=16)
def map_geometry(n_communities: int, grids: int, buildings_per_grid: int, households_per_building: int) -> MapGeometry:
    """Lay the street out: households as cells in buildings (units × floors), buildings in
    compounds, compounds in communities. Household numbering follows ``StreetLayout``."""
    hpb = households_per_building
    units = max(1, round(math.sqrt(hpb / 2.5)))  # cells across a building; floors go down
    bw, bh = units, math.ceil(hpb / units)
    bx, by, gw, gh = _place(buildings_per_grid, bw, bh, 1, 1)  # buildings inside a compound
    gx, gy, cw, ch = _place(grids, gw + 2, gh + 2, 2, 3)  # compounds (1-cell margin; room for a label)
    cy_top = 3  # room for the first row's labels
    cx, cy, sw, sh = _place(n_communities, cw + 2, ch + 2 + cy_top, 3, 3)  # communities in the street
    n_g = n_communities * grids
    g_x = np.repeat(cx, grids) + 1 + np.tile(gx, n_communities) + 1  # compound interior origin
    g_y = np.repeat(cy, grids) + 1 + cy_top + np.tile(gy, n_communities) + 1
    b_x = np.repeat(g_x, buildings_per_grid) + np.tile(bx, n_g)
    b_y = np.repeat(g_y, buildings_per_grid) + np.tile(by, n_g)
    k = np.arange(hpb)
    cols = (np.repeat(b_x, hpb) + np.tile(k % units, b_x.size)).astype(np.int32)
    rows = (np.repeat(b_y, hpb) + np.tile(k // units, b_x.size)).astype(np.int32)
    buildings = np.column_stack([b_x, b_y, np.full(b_x.size, bw), np.full(b_x.size, bh)])
    compounds = np.column_stack([g_x - 1, g_y - 1, np.full(n_g, gw + 2), np.full(n_g, gh + 2)])
    communities = np.column_stack([cx, cy, np.full(n_communities, cw + 2), np.full(n_communities, ch + 2 + cy_top)])
    return MapGeometry(rows, cols, (sh, sw), buildings, compounds, communities)


def map_values(model: CoGovernanceModel, variable: str) -> np.ndarray:
    """One value per household for a map variable (see ``MAP_VARIABLES``)."""
    hh = model.households
    if variable == "satisfaction":
        return np.asarray(hh.satisfaction, dtype=float)
    if variable == "trust":
        return np.asarray(hh.trust_community, dtype=float)
    if variable == "participation":
        return hh.active_last_month(model.week).astype(float)
    if variable == "open_issues":
        return model.issues.open_by_household(model.layout.n_households).astype(float)
    raise ValueError(f"unknown map variable {variable!r}")


def _boxes(rects: np.ndarray, lw: float, colour: str) -> PatchCollection:
    return PatchCollection(
        [Rectangle((x - 0.5, y - 0.5), w, h) for x, y, w, h in rects],
        facecolor="none", edgecolor=colour, linewidth=lw,
    )  # fmt: skip


def _lut(variable: str) -> np.ndarray:
    """RGBA colours (uint8) for a map variable: 256 levels for [0, 1] values, else one per class."""
    if variable == "participation":
        return np.array([[217, 217, 217, 255], [31, 119, 180, 255]], dtype=np.uint8)
    if variable == "open_issues":
        return (np.array([matplotlib.colors.to_rgba(c) for c in OPEN_ISSUE_COLOURS]) * 255).astype(np.uint8)
    return (matplotlib.colormaps[LEVEL_COLOURMAP](np.linspace(0, 1, 256)) * 255).astype(np.uint8)


#: Colour map of [0, 1] map variables: perceptually uniform and readable with red–green colour blindness.
LEVEL_COLOURMAP = "viridis"
#: Households with 0, 1, 2, 3, ≥ 4 open issues (ColorBrewer YlOrRd: ordered by lightness, colour-blind safe).
OPEN_ISSUE_COLOURS = ("#ffffcc", "#fed976", "#fd8d3c", "#e31a1c", "#800026")


def _text_px(text: str, size_pt: float = MIN_FONT_PT) -> float:
    """About how wide ``text`` is drawn, in pixels (a Chinese character is twice a Latin letter)."""
    ems = sum(1.0 if ord(c) > 0x2E80 else 0.58 for c in text)
    return ems * size_pt * DPI / 72


def _map_unit(variable: str, lang: str) -> str:
    """What the colour bar's numbers are, after the variable's name."""
    if variable == "open_issues":
        return pick("（每户）", "(per household)", lang)
    return "(0–1)"


def map_colours(values: np.ndarray, variable: str) -> np.ndarray:
    """(n, 4) uint8 colours of household values for ``variable``."""
    lut = _lut(variable)
    if variable == "participation":
        idx = (values > 0.5).astype(np.intp)
    elif variable == "open_issues":
        idx = np.clip(values, 0, len(OPEN_ISSUE_COLOURS) - 1).astype(np.intp)
    else:
        idx = np.clip(np.nan_to_num(values, nan=0.5) * 255 + 0.5, 0, 255).astype(np.intp)
    return lut[idx]


def _canvas_rgba(fig: Figure) -> tuple[FigureCanvasAgg, np.ndarray]:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas, np.asarray(canvas.buffer_rgba()).copy()


def encode_png(rgba: np.ndarray) -> bytes:
    """PNG bytes of an (h, w, 4) uint8 array, opaque (fast, light compression)."""
    buf = io.BytesIO()
    PIL.Image.fromarray(np.ascontiguousarray(rgba[:, :, :3]), "RGB").save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


class MapRenderer:
    """The community map: thick outlines are compounds, thin ones buildings, cells households,
    coloured by a variable, with a colour bar (or a legend for yes/no).

    Everything but the household colours (outlines, labels, legend) is drawn once with matplotlib
    into a frame; each step only paints the household cells into a copy of it, which keeps a
    redraw to a few milliseconds. The frame is rebuilt when what it shows changes (layout,
    variable, language, which compounds are old or have no firm).
    """

    def __init__(self, width_in: float = 4.9) -> None:
        self.width_in = width_in
        self._key: tuple | None = None
        self._frame = np.zeros((1, 1, 4), np.uint8)
        self._pix: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.intp), np.zeros(0, np.intp))
        self._house = np.zeros(0, np.intp)

    def render(self, model: CoGovernanceModel, variable: str, lang: str | None = None) -> bytes:
        """PNG bytes of the map of ``model`` now."""
        return encode_png(self.rgba(model, variable, lang))

    def rgba(self, model: CoGovernanceModel, variable: str, lang: str | None = None) -> np.ndarray:
        """The map as an (h, w, 4) uint8 array."""
        lay = model.layout
        dims = (lay.n_communities, lay.grids, lay.buildings_per_grid, lay.households_per_building)
        absent = tuple(not f.present for f in model.firms)
        key = (dims, variable, figure_language(lang or current()), tuple(bool(x) for x in model.grid_old), absent)
        if key != self._key:
            self._build(model, variable, key[2], map_geometry(*dims), absent)
            self._key = key
        out = self._frame.copy()
        out[self._pix] = map_colours(map_values(model, variable), variable)[self._house]
        return out

    def _build(self, model: CoGovernanceModel, variable: str, lang: str, geo: MapGeometry,
               absent: tuple[bool, ...]) -> None:
        lay = model.layout
        h, w = geo.shape
        plot_h = min(6.5, max(2.2, (self.width_in - 1.1) * h / w))
        fig = Figure(figsize=(self.width_in, plot_h + 0.3), dpi=DPI)
        ax = fig.add_axes((0.01, 0.02, 0.72, 1 - 0.02 - 0.25 / (plot_h + 0.3)))
        ax.set_axis_off()
        ax.set_aspect("equal")
        box = ax.get_position()  # with equal aspect, one cell is this many pixels across
        cell_px = min(box.width * fig.get_figwidth() / w, box.height * fig.get_figheight() / h) * DPI
        if geo.buildings[0, 2] * cell_px >= 5:  # outlines only where buildings are big enough to see
            ax.add_collection(_boxes(geo.buildings, 0.3, "#777777"))
        ax.add_collection(_boxes(geo.compounds, 1.6 if geo.compounds[0, 2] * cell_px >= 20 else 0.6, "#222222"))
        if lay.n_communities > 1:
            ax.add_collection(_boxes(geo.communities, 2.4 if geo.communities[0, 2] * cell_px >= 60 else 1.0, "#1f3a93"))
        ax.set_xlim(-0.5, w - 0.5)
        ax.set_ylim(h - 0.5, -0.5)
        if geo.compounds[0, 2] * cell_px >= 80:  # names only where they fit
            tags = [[pick("老旧", "old", lang)] * bool(model.grid_old[g]) + [pick("无物业", "no firm", lang)] * absent[g]
                    for g in range(len(geo.compounds))]
            names = [" · ".join([f"{tr('compound', lang)} {g + 1}", *t]) for g, t in enumerate(tags)]
            if max(_text_px(n) for n in names) > geo.compounds[0, 2] * cell_px:  # would run into the next name
                names = [" · ".join([f"{g + 1}", *t]) for g, t in enumerate(tags)]  # numbers only, all alike
            for (x, y, _bw, _bh), name in zip(geo.compounds, names, strict=True):
                ax.text(x, y - 0.6, name, fontsize=MIN_FONT_PT, va="bottom", ha="left", color="#222222")
        cax = fig.add_axes((0.78, 0.06, 0.035, 0.72))  # the variable is named above its colour bar
        lut = _lut(variable) / 255.0
        if variable == "participation":
            cax.set_axis_off()
            handles = [Patch(color=lut[1], label=tr("active", lang)), Patch(color=lut[0], label=tr("inactive", lang))]
            cax.legend(handles=handles, loc="upper left", fontsize=MIN_FONT_PT, frameon=False,
                       title=textwrap.fill(tr(MAP_VARIABLES[variable], lang), 12), title_fontsize=MIN_FONT_PT + 0.5,
                       alignment="left", bbox_to_anchor=(-0.3, 1.12))
        elif variable == "open_issues":
            cmap = ListedColormap(lut)
            norm = BoundaryNorm(np.arange(-0.5, len(lut)), len(lut))
            cbar = fig.colorbar(ScalarMappable(norm, cmap), cax=cax)
            cbar.set_ticks(list(range(len(lut))), labels=[str(i) for i in range(len(lut) - 1)] + [f"≥{len(lut) - 1}"])
        else:
            cbar = fig.colorbar(ScalarMappable(matplotlib.colors.Normalize(0, 1), ListedColormap(lut)), cax=cax)
        if variable != "participation":
            cbar.ax.tick_params(labelsize=MIN_FONT_PT)
            cax.set_title(f"{textwrap.fill(tr(MAP_VARIABLES[variable], lang), 12)}\n{_map_unit(variable, lang)}", loc="left",
                          fontsize=MIN_FONT_PT + 0.5, pad=6)
        _canvas, frame = _canvas_rgba(fig)
        # which household each pixel of the map area shows: invert the data -> pixel transform
        bb = ax.get_window_extent()
        height = frame.shape[0]
        r0, r1 = max(0, int(height - bb.y1)), min(height, int(np.ceil(height - bb.y0)))
        c0, c1 = max(0, int(bb.x0)), min(frame.shape[1], int(np.ceil(bb.x1)))
        rr, cc = np.mgrid[r0:r1, c0:c1]
        disp = np.column_stack([cc.ravel() + 0.5, height - rr.ravel() - 0.5])
        data = ax.transData.inverted().transform(disp)
        col = np.floor(data[:, 0] + 0.5).astype(np.intp)
        row = np.floor(data[:, 1] + 0.5).astype(np.intp)
        inside = (col >= 0) & (col < w) & (row >= 0) & (row < h)
        index = np.full(geo.shape, -1, np.intp)
        index[geo.rows, geo.cols] = np.arange(geo.rows.size)
        house = np.full(col.size, -1, np.intp)
        house[inside] = index[row[inside], col[inside]]
        blank = (frame[rr.ravel(), cc.ravel(), :3] == 255).all(axis=1)  # keep outlines and text
        keep = (house >= 0) & blank
        self._pix = (rr.ravel()[keep], cc.ravel()[keep])
        self._house = house[keep]
        self._frame = frame


# -- time series ----------------------------------------------------------------------------------
def series(model: CoGovernanceModel, metric: str) -> np.ndarray:
    """A collected metric as an array, week 0 first (NaN where nothing was measured)."""
    return np.asarray(model.datacollector.model_vars[metric], dtype=float)


def _rolling_nanmean(y: np.ndarray, k: int) -> np.ndarray:
    """Mean of the last ``k`` non-NaN values at each week (NaN when all are NaN)."""
    ok = ~np.isnan(y)
    s = np.concatenate([[0.0], np.cumsum(np.where(ok, y, 0.0))])
    c = np.concatenate([[0], np.cumsum(ok)])
    idx = np.arange(y.size) + 1
    lo = np.maximum(idx - k, 0)
    n = c[idx] - c[lo]
    return np.where(n > 0, (s[idx] - s[lo]) / np.maximum(n, 1), np.nan)


def nice_ceiling(x: float, floor: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ ``x`` and ≥ ``floor``."""
    x = max(float(x) if np.isfinite(x) else 0.0, floor)
    base = 10.0 ** math.floor(math.log10(x))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * base >= x - 1e-12:
            return m * base
    return 10.0 * base


def _peak(y: np.ndarray) -> float:
    return float(np.nanmax(y)) if np.isfinite(y).any() else 0.0


class ChartRenderer:
    """One Explore chart (``CHARTS``). Axes, labels and legend are drawn once into a background;
    each step restores it and draws only the lines (matplotlib blitting), so a redraw costs a few
    milliseconds. The background is rebuilt when the language, horizon or y-range changes."""

    def __init__(self, key: str, size: tuple[float, float] = (4.6, 2.7)) -> None:
        if key not in CHARTS:
            raise ValueError(f"unknown chart {key!r}")
        self.key, self.size = key, size
        self._state: tuple | None = None

    def _data(self, model: CoGovernanceModel) -> dict[str, np.ndarray]:
        data = {m: series(model, m) for m in CHARTS[self.key][1]}
        n = min(len(v) for v in data.values())  # Mesa's "use threads" may draw while a week is collected
        data = {m: v[:n] for m, v in data.items()}
        if self.key == "issues":
            data["resolution_rolling"] = _rolling_nanmean(data["resolution_weeks_mean"], 4)
        return data

    def _limits(self, data: dict[str, np.ndarray]) -> tuple[float, ...]:
        if self.key == "issues":
            return (nice_ceiling(_peak(data["issues_open"]) * 1.15, 10.0),
                    nice_ceiling(_peak(data["resolution_weeks_mean"]) * 1.1, 8.0))
        if self.key == "participation":
            return (min(1.0, nice_ceiling(_peak(data["participation_monthly"]) * 1.2, 0.25)),)
        return (1.0,)

    def render(self, model: CoGovernanceModel, lang: str | None = None) -> bytes:
        """PNG bytes of the chart up to the model's current week."""
        return encode_png(self.rgba(model, lang))

    def rgba(self, model: CoGovernanceModel, lang: str | None = None) -> np.ndarray:
        """The chart as an (h, w, 4) uint8 array."""
        data = self._data(model)
        weeks_run = len(next(iter(data.values()))) - 1
        state = (figure_language(lang or current()), week_axis_end(weeks_run, int(model.p["weeks"])),
                 self._limits(data))
        if state != self._state:
            self._build(*state)
            self._state = state
        self.canvas.restore_region(self._background)
        weeks = np.arange(len(next(iter(data.values()))))
        for name, (ax, artist) in self._artists.items():
            artist.set_data(weeks, data[name])
            ax.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba()).copy()

    def _build(self, lang: str, horizon: int, limits: tuple[float, ...]) -> None:
        title_key, metrics = CHARTS[self.key]
        fig = Figure(figsize=self.size, dpi=DPI)
        fs = MIN_FONT_PT
        ax = fig.add_axes((0.1, 0.16, 0.87 if self.key != "issues" else 0.8, 0.6))
        self._artists: dict[str, tuple[Axes, Line2D]] = {}
        if self.key == "issues":
            (line,) = ax.plot([], [], color=COLOURS[0], lw=1.4, label=metric_label("issues_open", lang))
            self._artists["issues_open"] = (ax, line)
            ax.set_ylim(0, limits[0])
            ax.tick_params(axis="y", colors=COLOURS[0], labelsize=fs)
            ax2 = ax.twinx()
            (dots,) = ax2.plot([], [], ".", ms=2, color=COLOURS[1], alpha=0.35)
            (mean4,) = ax2.plot([], [], color=COLOURS[1], lw=1.4,
                                label=f"{metric_label('resolution_weeks_mean', lang)} ({tr('rolling4', lang)})")
            self._artists["resolution_weeks_mean"] = (ax2, dots)
            self._artists["resolution_rolling"] = (ax2, mean4)
            ax2.set_ylim(0, limits[1])
            ax2.tick_params(axis="y", colors=COLOURS[1], labelsize=fs)
            handles = [line, mean4]
        else:
            for i, metric in enumerate(metrics):
                style = ({"lw": 1.2, "ls": "--", "drawstyle": "steps-post"} if metric == "survey_satisfied_share"
                         else {"lw": 1.4})  # the survey's last result, held until the next one
                (artist,) = ax.plot([], [], color=COLOURS[i], label=metric_label(metric, lang), **style)
                self._artists[metric] = (ax, artist)
            ax.set_ylim(0, limits[0])
            if all(METRIC_INFO.get(m, ("", "", ""))[2] == "share" for m in metrics):  # as the headline cards: %
                from matplotlib.ticker import PercentFormatter

                ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.tick_params(labelsize=fs)
            handles = [a for _ax, a in self._artists.values()] if len(metrics) > 1 else []
        if handles:  # one row under the title
            fig.legend(handles=handles, fontsize=fs, loc="upper left", bbox_to_anchor=(0.0, 0.9), ncol=len(handles),
                       frameon=False, borderaxespad=0.2, handlelength=1.2, columnspacing=0.9, handletextpad=0.4)
        ax.set_xlim(0, horizon)
        ax.tick_params(axis="x", labelsize=fs)
        ax.set_xlabel(tr("week_axis", lang), fontsize=fs, labelpad=1)
        ax.grid(alpha=0.25)
        fig.text(0.01, 0.98, tr(title_key, lang), fontsize=10.5, va="top", ha="left")
        for _ax, artist in self._artists.values():
            artist.set_animated(True)  # left out of the background; drawn per step
        self.canvas = FigureCanvasAgg(fig)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(fig.bbox)


def week_axis_end(weeks_run: int, horizon: int) -> int:
    """Right end of a chart's week axis: the first of 13, 26, 52, 104, 156, ... weeks that shows
    every week run so far (never past the horizon), so an early run is not a sliver at the left."""
    end = 13
    while end < weeks_run:
        end = 26 if end == 13 else (52 if end == 26 else end + 52)
    return max(1, min(end, horizon))
