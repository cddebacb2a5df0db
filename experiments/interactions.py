"""Pattern P7 as it comes out: the interaction of every pair of mechanisms within each seed package.

For each package (a scenario with several mechanisms), every mechanism alone, every pair and none of
them are run over the same seeds (common random numbers: week 0 is the same post-warm-up state). The
effect of a set S on satisfaction is mean satisfaction over the last `window` weeks with S on minus
with none of the package's mechanisms on (the package's other parameters kept). The interaction of a
pair is effect(A+B) − effect(A) − effect(B), paired by seed, with a 95 % t interval: sub-additive when
the interval lies below 0, super-additive above 0, otherwise not distinguishable from additive.

    python -m experiments.interactions --seeds 20 --out docs/interactions.md [--tables DIR]

writes the table (markdown) that docs/ODD.md §1 refers to; nothing is asserted about the signs. With
``--tables DIR`` each package's rows are kept in DIR as they are finished, and a second call reads them
instead of running them again (a long measurement can be stopped and resumed).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from experiments.one_run import run_scenario
from scenarios import load_scenario
from storage.outputs import atomic_write

__all__ = ["PACKAGES", "pair_interactions", "classify", "render_markdown", "main"]

#: The five seed packages (scenarios built from the source documents).
PACKAGES = ("qingyang_2018", "nanan_2021", "xiangyang_2024", "hangzhou_node_city", "qiaokou_shangcheng")
METRIC = "satisfaction_mean"


def _level(job: tuple[str, tuple[str, ...], tuple[str, ...], int, int, int, tuple[tuple[str, Any], ...]]) -> float:
    """Mean satisfaction over the last `window` weeks of the package with only `on` switched on."""
    package, mechanisms, on, seed, weeks, window, extra = job
    overrides = {**dict(extra), **{f"{key}.enabled": key in on for key in mechanisms}}
    frame = run_scenario(package, seed=seed, weeks=weeks, overrides=overrides)
    return float(frame[METRIC].iloc[-window:].mean())


def classify(low: float, high: float) -> str:
    """'sub-additive' / 'super-additive' when the interval excludes 0, else 'additive (n.s.)'."""
    return "sub-additive" if high < 0 else "super-additive" if low > 0 else "additive (n.s.)"


def pair_interactions(packages: Iterable[str] = PACKAGES, seeds: Iterable[int] = range(1, 21), weeks: int = 156,
                      window: int = 26, workers: int = 1, overrides: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """One row per package and pair: each effect alone, together, the interaction and its interval.

    `overrides` (core parameters, e.g. ``{"warmup_weeks": 0}``) apply to every run alike."""
    seeds = list(seeds)
    extra = tuple(sorted((overrides or {}).items()))
    jobs, keys = [], []
    plan: dict[str, tuple[tuple[str, ...], list[tuple[str, ...]]]] = {}
    for package in packages:
        mechanisms = tuple(load_scenario(package).mechanisms)
        sets = [()] + [(m,) for m in mechanisms] + list(itertools.combinations(mechanisms, 2))
        plan[package] = (mechanisms, sets)
        for on in sets:
            for seed in seeds:
                jobs.append((package, mechanisms, on, seed, weeks, window, extra))
                keys.append((package, on, seed))
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            values = list(pool.map(_level, jobs, chunksize=4))
    else:
        values = [_level(job) for job in jobs]
    level = dict(zip(keys, values, strict=True))
    rows = []
    for package, (mechanisms, _sets) in plan.items():
        none = np.array([level[(package, (), s)] for s in seeds])

        def effect(on: tuple[str, ...], none: np.ndarray = none, package: str = package) -> np.ndarray:
            return np.array([level[(package, on, s)] for s in seeds]) - none

        for a, b in itertools.combinations(mechanisms, 2):
            ea, eb, eab = effect((a,)), effect((b,)), effect((a, b))
            inter = eab - ea - eb
            half = stats.t.ppf(0.975, len(seeds) - 1) * inter.std(ddof=1) / np.sqrt(len(seeds))
            rows.append({"package": package, "a": a, "b": b, "effect_a": ea.mean(), "effect_b": eb.mean(),
                         "effect_ab": eab.mean(), "interaction": inter.mean(), "low": inter.mean() - half,
                         "high": inter.mean() + half, "verdict": classify(inter.mean() - half, inter.mean() + half)})
    return pd.DataFrame(rows)


def render_markdown(table: pd.DataFrame, seeds: int, weeks: int, window: int, commit: str = "") -> str:
    """The table and its counts as markdown."""
    counts = table["verdict"].value_counts()
    lines = [
        "# Pattern P7: mechanism interactions as they come out",
        "",
        "<!-- generated by `python -m experiments.interactions`; edits here are overwritten -->",
        "",
        f"Every pair of mechanisms within each of the five seed packages, {seeds} paired seeds, {weeks} weeks "
        f"after the warm-up; effects on mean satisfaction over the last {window} weeks, against the package "
        "with none of its mechanisms on. Interaction = effect(A+B) − effect(A) − effect(B), 95 % t interval "
        "over seeds (seed noise only, not parameter uncertainty)" + (f"; model at commit {commit}." if commit else "."),
        "",
        f"Pairs: {len(table)}; sub-additive {counts.get('sub-additive', 0)}, super-additive "
        f"{counts.get('super-additive', 0)}, not distinguishable from additive {counts.get('additive (n.s.)', 0)}.",
        "",
        "| Package | A | B | effect A | effect B | effect A+B | interaction [95 % CI] | |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for r in table.itertuples():
        lines.append(f"| {r.package} | `{r.a}` | `{r.b}` | {r.effect_a:+.4f} | {r.effect_b:+.4f} | {r.effect_ab:+.4f} | "
                     f"{r.interaction:+.4f} [{r.low:+.4f}, {r.high:+.4f}] | {r.verdict} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.interactions", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="paired seeds 1..N (default 20)")
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--window", type=int, default=26, help="weeks averaged at the end (default 26)")
    parser.add_argument("--packages", nargs="*", default=list(PACKAGES))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--commit", default="", help="the commit measured, for the header")
    parser.add_argument("--out", default="docs/interactions.md")
    parser.add_argument("--tables", default="", help="a folder that keeps each package's table (CSV) once it is "
                        "measured; a package already there (same seeds, weeks, window) is read, not run again")
    args = parser.parse_args(argv)
    if args.seeds < 2 or args.weeks < args.window or args.window < 1:
        print("interactions: need --seeds ≥ 2 and 1 ≤ --window ≤ --weeks", file=sys.stderr)
        return 2
    for package in args.packages:
        load_scenario(package)  # unknown names fail before any run
    tables = []
    for package in args.packages:  # one package at a time, so a stopped measurement keeps what it finished
        saved = Path(args.tables) / f"{package}-seeds{args.seeds}-weeks{args.weeks}-window{args.window}.csv"
        if args.tables and saved.exists():
            tables.append(pd.read_csv(saved))
            continue
        table = pair_interactions([package], range(1, args.seeds + 1), args.weeks, args.window, args.workers)
        if args.tables:
            saved.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(saved, lambda tmp, table=table: table.to_csv(tmp, index=False))
        tables.append(table)
    table = pd.concat(tables, ignore_index=True)
    text = render_markdown(table, args.seeds, args.weeks, args.window, args.commit)
    atomic_write(Path(args.out), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
