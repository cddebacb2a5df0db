"""Calibration (run.py calibrate): file validation, reproducibility across workers, resume, recovery of
known parameters, and comparisons under a posterior."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import run
from experiments.calibration import load_calibration, load_posterior, run_calibration
from experiments.calibration.generations import load_generations, weighted_quantile
from model.errors import UserError

TINY_METHOD = """
[method]
population = 8
seeds_per_particle = 2
max_simulations = 64
max_generations = 3
predictive_draws = 10
"""


#: [fixed] lines for a cold start (no warm-up): for tests whose claim is the calibration machinery (same
#: posterior whatever the workers, resume, budget, hold-out), where the warm-up would be 104 of 117 weeks.
COLD = "warmup_weeks = 0\n"


def write_calibration(folder: Path, *, parameters: str = "issue_rate_per_year = { low = 1.0, high = 4.0 }\n",
                      observations: str | None = None, method: str = TINY_METHOD, weeks: int = 13,
                      head_extra: str = "", obs_extra: str = "default_sd = 0.02\n", seed: int = 5,
                      fixed: str = "") -> Path:
    """A small calibration file (and its observation file) in ``folder``; `fixed`: lines of [fixed]."""
    folder.mkdir(parents=True, exist_ok=True)
    if observations is None:
        observations = "metric,week,value,sd\nsatisfaction_mean,6,0.52,\nsatisfaction_mean,13,0.53,\nissues_open,13,20,10\n"
    (folder / "obs.csv").write_text(observations, encoding="utf-8")
    text = textwrap.dedent(f"""\
        [calibration]
        name = "tiny"
        scenario = "baseline"
        weeks = {weeks}
        seed = {seed}
        {head_extra}
        [observations]
        file = "obs.csv"
        {obs_extra}
        """) + (f"[fixed]\n{fixed}" if fixed else "") + "[parameters]\n" + parameters + method
    path = folder / "tiny.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"observations": "metric,week,value,sd\nsatisfaction_meen,6,0.5,0.02\n"}, "unknown metric 'satisfaction_meen'"),
        ({"parameters": "issue_rate_per_yeer = {}\n"}, "unknown parameter 'issue_rate_per_yeer'"),
        ({"observations": "metric,week,value,sd\nsatisfaction_mean,30,0.5,0.02\n"}, "week 30 is past the calibration's horizon"),
        ({"observations": "metric,week,value,sd\nsatisfaction_mean,6,0.5,-0.02\n"}, "negative sd"),
        ({"parameters": "buck_pass_prob = { low = 0.5, high = 1.5 }\n"}, "outside the declared range"),
        ({"observations": ""}, "empty observation file"),
        ({"observations": "metric,week,value,sd\n"}, "empty observation file"),
        ({"method": "[method]\npopulation = 1\n"}, "'population': expected an integer in [2"),
        ({"method": "[method]\nseeds_per_particle = 1\n"}, "'seeds_per_particle'"),
        ({"method": "[method]\npopulation = 100\nmax_simulations = 50\n"}, "less than one generation"),
        ({"method": "[method]\nquantile = 0\n"}, "'quantile'"),
        ({"method": "[method]\npopulaton = 10\n"}, "unknown key 'populaton'"),
        ({"method": "[method]\nlookahead = 0\n"}, "'lookahead': expected an integer in [1"),
        ({"obs_extra": ""}, "no 'sd' for satisfaction_mean"),
        ({"parameters": "\"points.enabled\" = {}\n"}, "true/false switch cannot be calibrated"),
        ({"parameters": "\"hotline.report_cost_reduction\" = {}\n"}, "which is off in scenario 'baseline'"),
    ],
)
def test_bad_calibration_file_is_one_line_exit_2_nothing_written(tmp_path, capsys, change, message):
    path = write_calibration(tmp_path / "in", **change)
    out = tmp_path / "out"
    status = run.main(["calibrate", str(path), "--out", str(out), "--jobs", "1", "--quiet"])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err, err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not out.exists()


def test_valid_file_resolves_priors_and_observations(tmp_path):
    spec = load_calibration(write_calibration(tmp_path, parameters="issue_rate_per_year = { low = 1.0, high = 4.0 }\n"
                                                                   "buck_pass_prob = {}\n"))
    assert spec.names == ["issue_rate_per_year", "buck_pass_prob"]
    assert spec.parameters[0].prior.support == (1.0, 4.0) and spec.parameters[0].narrowed
    from model.parameters import PARAMETERS

    assert spec.parameters[1].prior == PARAMETERS["buck_pass_prob"].prior and not spec.parameters[1].narrowed
    assert list(spec.observations["sd"]) == [10.0, 0.02, 0.02]  # sorted by metric, week; default sd filled in


def test_holdout_after_splits_the_observations(tmp_path):
    path = write_calibration(tmp_path)
    spec = load_calibration(path, holdout_after=6)
    assert spec.fitted["week"].max() == 6 and len(spec.fitted) == 1
    with pytest.raises(UserError, match="no observation at or before week 5"):
        load_calibration(path, holdout_after=5)
    with pytest.raises(UserError, match=r"--holdout-after 13: expected a week in \[0, 12\]"):
        load_calibration(path, holdout_after=13)


def test_weighted_quantile_matches_unweighted_median():
    x = np.array([3.0, 1.0, 2.0])
    assert weighted_quantile(x, np.ones(3), 0.5) == pytest.approx(2.0)


# --------------------------------------------------------------------------- the sampler


@pytest.fixture(scope="module")
def tiny_runs(tmp_path_factory):
    """The same tiny calibration with 1 and with 2 workers, and once killed after generation 1 and resumed."""
    base = tmp_path_factory.mktemp("calib")
    path = write_calibration(base / "in", parameters="issue_rate_per_year = { low = 1.0, high = 4.0 }\n"
                                                     "buck_pass_prob = {}\n", fixed=COLD)
    one = run_calibration(path, base / "one", jobs=1, progress=False)
    two = run_calibration(path, base / "two", jobs=2, progress=False)
    # a kill after generation 0 was written leaves the manifest, gen_000.json and perhaps a temporary file
    import shutil

    (base / "resumed" / "generations").mkdir(parents=True)
    for name in ("manifest.json", "gen_000.json"):
        shutil.copy(base / "two" / "generations" / name, base / "resumed" / "generations" / name)
    (base / "resumed" / "generations" / ".gen_001.json.x1.tmp").write_text("{half")
    assert len(load_generations(base / "resumed")) == 1
    resumed = run_calibration(path, base / "resumed", jobs=2, progress=False, resume=True)
    return {"path": path, "one": one, "two": two, "resumed": resumed, "base": base}


def test_same_posterior_bit_for_bit_with_1_and_2_workers(tiny_runs):
    a = pd.read_parquet(tiny_runs["one"]["out"] / "posterior.parquet")
    b = pd.read_parquet(tiny_runs["two"]["out"] / "posterior.parquet")
    assert len(tiny_runs["one"]["result"].generations) >= 2
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    ga = [g.to_json() for g in tiny_runs["one"]["result"].generations]
    gb = [g.to_json() for g in tiny_runs["two"]["result"].generations]
    for x, y in zip(ga, gb, strict=True):
        x.pop("seconds"), y.pop("seconds")
        assert x == y


def test_runs_past_a_full_population_are_not_handed_out_and_the_posterior_stays_the_same_for_any_workers(tiny_runs, tmp_path):
    """A batch ends at the proposal that completes the population: at most `lookahead` - 1 particles after it
    were handed to the workers (and charged), the same number with 1 or 2 workers; which particles are accepted
    does not depend on it (only the runs charged, and so what the budget leaves, do)."""
    text = tiny_runs["path"].read_text().replace("[method]\n", "[method]\nlookahead = 2\n")
    path = tiny_runs["path"].with_name("ahead.toml")
    path.write_text(text)
    one = run_calibration(path, tmp_path / "one", jobs=1, progress=False)
    two = run_calibration(path, tmp_path / "two", jobs=2, progress=False)
    gens_one, gens_two = one["result"].generations, two["result"].generations
    for x, y in zip(gens_one, gens_two, strict=True):
        a, b = x.to_json(), y.to_json()
        a.pop("seconds"), b.pop("seconds")
        assert a == b
    assert one["result"].simulations == two["result"].simulations
    for g in gens_one[1:]:
        assert 0 <= g.past_full <= (2 - 1) * 2  # (lookahead - 1) particles x 2 seeds
    assert sum(g.past_full for g in gens_one) > 0
    default = tiny_runs["one"]["result"].generations  # lookahead 8: more handed out, the same particles accepted
    for x, y in zip(gens_one[:2], default[:2], strict=True):
        np.testing.assert_array_equal(x.particles, y.particles)
        np.testing.assert_array_equal(x.distances, y.distances)
        assert x.simulations - x.past_full == y.simulations - y.past_full


def test_early_rejection_accepts_exactly_what_full_runs_accept(tmp_path):
    """Runs stopped as soon as the partial distance exceeds the tolerance: the same particles, weights,
    distances and posterior, bit for bit, as running every run to the end; and fewer weeks simulated."""
    rows = "metric,week,value,sd\nissues_new,4,30,0\nissues_new,8,30,0\nissues_open,13,20,5\n"
    path = write_calibration(tmp_path / "in", observations=rows, fixed=COLD,
                             parameters="issue_rate_per_year = { low = 0.5, high = 5.0 }\nbuck_pass_prob = {}\n")
    early = run_calibration(path, tmp_path / "early", jobs=2, progress=False)
    full = run_calibration(path, tmp_path / "full", jobs=1, progress=False, early_rejection=False)
    pd.testing.assert_frame_equal(pd.read_parquet(early["out"] / "posterior.parquet"),
                                  pd.read_parquet(full["out"] / "posterior.parquet"), check_exact=True)
    a_gens, b_gens = early["result"].generations, full["result"].generations
    assert len(a_gens) >= 2
    for x, y in zip(a_gens, b_gens, strict=True):
        a, b = x.to_json(), y.to_json()
        for key in ("seconds", "run_weeks", "stopped_early"):
            a.pop(key), b.pop(key)
        assert a == b
        np.testing.assert_array_equal(x.distances, y.distances)  # the accepted particles' distances, exactly
    assert early["result"].simulations == full["result"].simulations
    assert early["result"].stop_reason == full["result"].stop_reason
    assert sum(g.stopped_early for g in a_gens) > 0 and sum(g.stopped_early for g in b_gens) == 0
    # every run up to the particle that completed a population was simulated, to the end without early rejection
    past_full = sum(g.past_full for g in b_gens)
    assert sum(g.run_weeks for g in a_gens) < sum(g.run_weeks for g in b_gens) == (full["result"].simulations - past_full) * 13
    pd.testing.assert_frame_equal(pd.read_parquet(early["out"] / "predictive.parquet"),
                                  pd.read_parquet(full["out"] / "predictive.parquet"), check_exact=True)


def test_a_particles_runs_side_by_side_give_each_seeds_own_values():
    from experiments.calibration.simulate import observed_values, simulate_particle
    from experiments.one_run import run_scenario

    targets = (("satisfaction_mean", 6, 0), ("issues_new", 13, 4), ("hotline_resolution_rate", 13, 13))
    args = ("baseline", 13, {"warmup_weeks": 0, "issue_rate_per_year": 3.0})
    values, weeks = simulate_particle(args[0], (7, 8), args[1], args[2], targets)
    assert weeks == 13
    metrics = tuple(dict.fromkeys(metric for metric, _week, _window in targets))
    alone = [observed_values(run_scenario(args[0], seed=s, weeks=args[1], overrides=args[2], record=metrics), targets)
             for s in (7, 8)]
    np.testing.assert_array_equal(values, np.stack(alone))


def test_the_partial_distance_a_worker_judges_by_is_the_full_runs_distance_with_later_terms_zero():
    """Early rejection reads each observation once, as soon as its last week is simulated: at every observed
    week the values known so far and the partial distance equal, bit for bit, those of the full runs with the
    later observations counted 0; at the horizon the distance is the full one; a particle beyond the tolerance
    stops at the first observed week that shows it."""
    import math

    from experiments.calibration.distance import EarlyRejection, distances, particle_means
    from experiments.calibration.simulate import simulate_particle

    targets = (("issues_new", 4, 0), ("satisfaction_mean", 8, 0), ("issues_open", 13, 0),
               ("hotline_resolution_rate", 8, 8), ("issues_new", 13, 13))
    observed, sigma = np.array([30.0, 0.5, 20.0, 0.5, 25.0]), np.array([3.0, 0.02, 5.0, 0.05, 2.0])
    fitted, weeks = np.array([True, True, True, False, True]), np.array([4, 8, 13, 8, 13])
    seen: list[tuple[int, np.ndarray, float]] = []

    class Watched(EarlyRejection):
        def rejected(self, runs: np.ndarray, week: int) -> bool:
            seen.append((week, runs.copy(), self.partial(runs, week)))
            return super().rejected(runs, week)

    for rate in (1.0, 3.0):
        overrides = {"warmup_weeks": 0, "issue_rate_per_year": rate}
        full, ran = simulate_particle("baseline", (3, 4), 13, overrides, targets)
        assert ran == 13 and np.isfinite(full[:, fitted]).all()
        full_distance = distances(particle_means(full[None]), observed, sigma, fitted)[0]
        seen.clear()
        never = Watched(math.inf, observed, sigma, fitted, weeks)
        again, ran = simulate_particle("baseline", (3, 4), 13, overrides, targets, never)
        np.testing.assert_array_equal(again, full)
        assert [week for week, _, _ in seen] == [4, 8] and ran == 13
        for week, runs, partial in seen:
            known = weeks <= week
            np.testing.assert_array_equal(runs[:, known], full[:, known])
            assert np.isnan(runs[:, ~known]).all()  # later weeks not read yet
            assert partial == distances(particle_means(full[None]), observed, sigma, fitted, known)[0]
            assert partial <= full_distance
        assert never.partial(full, 13) == full_distance
        first = seen[0][2]
        stopped, ran = simulate_particle("baseline", (3, 4), 13, overrides, targets,
                                         EarlyRejection(first * 0.5, observed, sigma, fitted, weeks))
        assert ran == 4 and np.isnan(stopped).all()


def test_partial_distance_never_exceeds_the_full_distance():
    """The bound early rejection rests on, in floating point: observations not yet known count 0."""
    from experiments.calibration.distance import distances

    rng = np.random.default_rng(3)
    for m in (1, 3, 9, 40):  # short arrays and pairwise-summed long ones
        stats = rng.normal(0.0, 10.0 ** rng.uniform(-8, 8, (500, m)))
        observed, sigma = rng.normal(0.0, 1.0, m), 10.0 ** rng.uniform(-6, 2, m)
        fitted, known = rng.random(m) < 0.8, rng.random(m) < 0.5
        full = distances(stats, observed, sigma, fitted)
        assert (distances(stats, observed, sigma, fitted, known) <= full).all()
        assert (distances(stats, observed, sigma, fitted, np.ones(m, bool)) == full).all()


def test_resume_after_a_kill_gives_the_uninterrupted_posterior(tiny_runs):
    a = pd.read_parquet(tiny_runs["one"]["out"] / "posterior.parquet")
    c = pd.read_parquet(tiny_runs["resumed"]["out"] / "posterior.parquet")
    pd.testing.assert_frame_equal(a, c, check_exact=True)
    assert tiny_runs["resumed"]["result"].resumed_from == 1


def test_outputs_are_complete_and_loadable(tiny_runs):
    out = tiny_runs["one"]["out"]
    for name in ("posterior.parquet", "summary.csv", "fit.png", "fit.svg", "posterior.png", "report.md",
                 "calibrated.toml", "calibration.json", "predictive.parquet", "coverage.csv", "observations.csv"):
        assert (out / name).is_file(), name
    summary = pd.read_csv(out / "summary.csv")
    assert {"parameter", "prior", "median", "q05", "q95", "contraction"} <= set(summary.columns)
    settings = json.loads((out / "calibration.json").read_text())
    assert settings["seed"] == 5 and "git_commit" in settings["versions"] or "cogov" in settings["versions"]
    post = load_posterior(out)
    assert post.parameters == ["issue_rate_per_year", "buck_pass_prob"]
    assert post.draw(3) == post.draw(3)
    assert set(post.predictive.columns) >= {"metric", "week", "q05", "q50", "q95"}
    report = (out / "report.md").read_text()
    assert "identified" in report and "Model runs" in report
    from scenarios import load_scenario

    scen = load_scenario(out / "calibrated.toml")
    assert scen.params["issue_rate_per_year"] == pytest.approx(summary.set_index("parameter").loc["issue_rate_per_year", "median"])


def test_non_empty_out_without_resume_is_refused(tiny_runs, capsys):
    status = run.main(["calibrate", str(tiny_runs["path"]), "--out", str(tiny_runs["one"]["out"]), "--jobs", "1", "--quiet"])
    assert status == 2
    assert "--resume" in capsys.readouterr().err


def test_a_folder_another_calibration_is_writing_is_refused_and_left_alone(tmp_path, capsys):
    from storage.outputs import folder_lock

    path = write_calibration(tmp_path / "in")
    out = tmp_path / "busy"
    with folder_lock(out, what="calibration"):  # another driver holds the folder
        status = run.main(["calibrate", str(path), "--out", str(out), "--jobs", "1", "--quiet"])
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1
    assert "another calibration is already writing" in err
    assert [p.name for p in out.iterdir()] == [".lock"]  # nothing of the refused calibration


# --------------------------------------------------------------------------- comparisons under the posterior


def test_run_scenario_under_a_posterior_draw(tiny_runs):
    from experiments.one_run import run_scenario

    out = tiny_runs["one"]["out"]
    post = load_posterior(out)
    a = run_scenario("baseline", seed=4, weeks=6, posterior=out, draw=2)
    b = run_scenario("baseline", seed=4, weeks=6, overrides=post.draw(2))
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    with pytest.raises(UserError, match="needs posterior"):
        run_scenario("baseline", seed=4, weeks=2, draw=1)


def test_compare_with_posterior_pairs_draws_and_seeds_and_says_so(tiny_runs, tmp_path, capsys):
    post_dir = tiny_runs["one"]["out"]
    out = tmp_path / "cmp"
    status = run.main(["compare", "baseline", "points", "--posterior", str(post_dir), "--reps", "3", "--weeks", "8",
                       "--jobs", "1", "--quiet", "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    meta = json.loads((out / "compare.json").read_text())
    post = load_posterior(post_dir)
    assert meta["posterior"]["draws"] == [post.draw(r) for r in range(3)]
    runs = pd.read_parquet(out / "runs.parquet")
    # replicate r of baseline is exactly the single run under draw r and seed r
    seed0 = int(runs[runs["replicate"] == 0]["seed"].iloc[0])
    from experiments.one_run import run_scenario

    alone = run_scenario("baseline", seed=seed0, weeks=8, posterior=post, draw=0)
    mine = runs[(runs["scenario"] == "baseline") & (runs["replicate"] == 0) & (runs["metric"] == "satisfaction_mean")]
    assert mine["value"].to_numpy().tolist() == alone["satisfaction_mean"].tolist()
    report = (out / "report.md").read_text()
    assert "Parameter uncertainty (calibration posterior)" in report and "90 % range over posterior draws" in report
    assert {"diff_q05", "diff_q95"} <= set(pd.read_csv(out / "summary.csv").columns)


def test_compare_refuses_a_scenario_that_sets_a_calibrated_parameter(tiny_runs, tmp_path, capsys):
    scen = tmp_path / "other.toml"
    scen.write_text('[scenario]\nname = "other"\nbase = "baseline"\n[parameters]\nbuck_pass_prob = 0.7\n')
    status = run.main(["compare", "baseline", str(scen), "--posterior", str(tiny_runs["one"]["out"]), "--reps", "2",
                       "--weeks", "4", "--jobs", "1", "--quiet", "--out", str(tmp_path / "cmp")])
    err = capsys.readouterr().err
    assert status == 2 and "sets 'buck_pass_prob'" in err
    assert not (tmp_path / "cmp").exists()


def test_a_drawn_parameter_of_a_mechanism_that_is_off_is_left_out_and_said(tiny_runs, tmp_path, capsys):
    """A posterior fitted with the hotline on (as the Chengdu example) applies its hotline parameter only to
    scenarios that switch the hotline on; the compare report names what it left out where."""
    import shutil

    from experiments.one_run import run_scenario
    from model.parameters import PARAMETERS
    from scenarios.posterior import not_applied

    defaults = {n: p.default for n, p in PARAMETERS.items()}
    folder = tmp_path / "post"
    shutil.copytree(tiny_runs["one"]["out"], folder)
    settings = json.loads((folder / "calibration.json").read_text())
    settings["parameters"].append({**settings["parameters"][0], "name": "hotline.overtime_hours"})
    settings["fixed"] = {"hotline.enabled": True}
    (folder / "calibration.json").write_text(json.dumps(settings))
    frame = pd.read_parquet(folder / "posterior.parquet").assign(**{"hotline.overtime_hours": 25.0})
    frame.to_parquet(folder / "posterior.parquet")
    assert not_applied(["hotline.overtime_hours", "buck_pass_prob"], defaults) == ["hotline.overtime_hours"]
    assert not_applied(["hotline.overtime_hours"], {**defaults, "hotline__enabled": True}) == []
    post = load_posterior(folder)
    drawn = {n: v for n, v in post.draw(1).items() if n != "hotline.overtime_hours"}
    pd.testing.assert_frame_equal(run_scenario("baseline", seed=5, weeks=4, posterior=folder, draw=1),
                                  run_scenario("baseline", seed=5, weeks=4, overrides=drawn), check_exact=True)
    on = {"hotline.enabled": True}
    pd.testing.assert_frame_equal(run_scenario("baseline", seed=5, weeks=4, posterior=folder, draw=1, overrides=on),
                                  run_scenario("baseline", seed=5, weeks=4, overrides={**post.draw(1), **on}))
    status = run.main(["compare", "baseline", "baseline:hotline.enabled=true", "--posterior", str(folder),
                       "--reps", "2", "--weeks", "4", "--jobs", "1", "--quiet", "--out", str(tmp_path / "cmp")])
    assert status == 0, capsys.readouterr().err
    meta = json.loads((tmp_path / "cmp" / "compare.json").read_text())
    assert meta["posterior"]["not_applied"] == {"baseline": ["hotline.overtime_hours"]}
    assert "Not applied to" in (tmp_path / "cmp" / "report.md").read_text()


# --------------------------------------------------------------------------- recovery of known parameters


def _recovery(folder: Path, truth: float, truth_seed: int, calib_seed: int) -> pd.Series:
    """Observations simulated at issue_rate_per_year = truth, calibrated back; the parameter's summary row.
    Both from a cold start (``warmup_weeks = 0`` in the run and in [fixed]): the claim is about the method,
    and the warm-up would be 104 of every 117 weeks simulated."""
    from experiments.calibration.simulate import target_value
    from experiments.one_run import run_scenario

    frame = run_scenario("baseline", seed=truth_seed, weeks=13, overrides={"issue_rate_per_year": truth, "warmup_weeks": 0})
    rows = ["metric,week,value,sd"]
    for week in (4, 8, 13):
        rows.append(f"issues_new,{week},{target_value('issues_new', frame['issues_new'].to_numpy(float), week, 0)!r},0")
    rows.append(f"issues_open,13,{float(frame['issues_open'].iloc[13])!r},0")
    path = write_calibration(folder, parameters="issue_rate_per_year = { low = 0.5, high = 5.0 }\n",
                             observations="\n".join(rows) + "\n", seed=calib_seed, fixed=COLD,
                             method=TINY_METHOD.replace("max_simulations = 64", "max_simulations = 96"))
    done = run_calibration(path, folder / "out", jobs=2, progress=False)
    return done["summary"].set_index("parameter").loc["issue_rate_per_year"]


def test_recovery_the_90_interval_covers_the_true_value(tmp_path):
    row = _recovery(tmp_path, truth=2.5, truth_seed=123, calib_seed=1)
    assert row["q05"] <= 2.5 <= row["q95"], row
    assert row["contraction"] > 0.5, row  # the data identify it: the posterior is much narrower than U(0.5, 5)


@pytest.mark.slow
def test_recovery_coverage_over_repeated_trials(tmp_path):
    truths = (1.0, 1.8, 2.6, 3.4, 4.2)
    covered = [(lambda r: r["q05"] <= t <= r["q95"])(_recovery(tmp_path / f"t{i}", t, 200 + i, 10 + i))
               for i, t in enumerate(truths)]
    # ABC at a finite tolerance is conservative; a 90 % interval should miss at most one truth in five
    assert sum(covered) >= 4, covered


@pytest.mark.slow
def test_dask_cluster_gives_the_same_posterior(tiny_runs, dask_scheduler, tmp_path):
    done = run_calibration(tiny_runs["path"], tmp_path / "dask", scheduler=dask_scheduler, progress=False)
    a = pd.read_parquet(tiny_runs["one"]["out"] / "posterior.parquet")
    pd.testing.assert_frame_equal(a, pd.read_parquet(done["out"] / "posterior.parquet"), check_exact=True)


# --------------------------------------------------------------------------- the shipped example


def test_shipped_example_is_valid_and_every_figure_is_cited():
    folder = Path(run.ROOT) / "scenarios" / "calibration"
    for path in sorted(folder.glob("*.toml")):
        spec = load_calibration(path)
        assert len(spec.parameters) >= 1 and len(spec.observations) >= 2
    spec = load_calibration(folder / "chengdu_hotline.toml")
    sources = pd.read_csv(folder / "chengdu_hotline_sources.csv")
    assert sources["source_url"].str.startswith("http").all() and sources["quote"].str.len().gt(0).all()
    published = {round(float(v) / 100, 4) for v in sources["value"] if not str(v).startswith(">")}
    for value in spec.observations["value"]:
        assert round(value, 4) in published, value  # every observation is a cited published figure
    assert (spec.observations["sd"] >= 0.03).all()  # a few percentage points at least


def test_holdout_after_reports_predictive_coverage_of_later_observations(tmp_path, capsys):
    path = write_calibration(tmp_path / "in", method=TINY_METHOD.replace("max_simulations = 64", "max_simulations = 16"),
                             fixed=COLD)
    out = tmp_path / "out"
    status = run.main(["calibrate", str(path), "--out", str(out), "--jobs", "1", "--quiet", "--holdout-after", "6"])
    assert status == 0, capsys.readouterr().err
    coverage = pd.read_csv(out / "coverage.csv")
    held = coverage[~coverage["fitted"]]
    assert sorted(held["week"]) == [13, 13] and coverage["fitted"].sum() == 1
    assert held["predictive_q05"].le(held["predictive_q95"]).all()
    report = (out / "report.md").read_text()
    assert "Held-out observations (after week 6)" in report
    assert json.loads((out / "calibration.json").read_text())["holdout_after"] == 6
    # --resume with a different --holdout-after is refused: its generations fit other observations
    status = run.main(["calibrate", str(path), "--out", str(out), "--jobs", "1", "--quiet", "--resume"])
    assert status == 2 and "--holdout-after differs" in capsys.readouterr().err


def test_unreachable_scheduler_is_one_line_exit_2_nothing_written(tmp_path, capsys):
    path = write_calibration(tmp_path / "in")
    status = run.main(["calibrate", str(path), "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9",
                       "--quiet"])
    err = capsys.readouterr().err
    assert status == 2 and "cannot reach the Dask scheduler" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def _budget_method(budget: int, quantile: float) -> str:
    return (f"[method]\npopulation = 40\nseeds_per_particle = 2\nmax_simulations = {budget}\nmax_generations = 3\n"
            f"predictive_draws = 10\nquantile = {quantile}\n")


def test_a_generation_the_budget_cuts_short_is_kept_as_a_smaller_weighted_population(tmp_path):
    path = write_calibration(tmp_path / "in", method=_budget_method(180, 0.5), fixed=COLD)
    first = run_calibration(path, tmp_path / "out", jobs=2, progress=False)
    result = first["result"]
    assert result.simulations == 180 and result.discarded_simulations == 0  # the whole budget, all of it kept
    last = result.last
    assert last.index == 1 and last.partial and 20 <= len(last.weights) < 40  # at least half the population
    assert last.weights.sum() == pytest.approx(1.0) and (last.weights > 0).all()
    assert (last.distances <= last.tolerance).all()
    assert "ran out during generation 1" in result.stop_reason and "final population" in result.stop_reason
    assert len(pd.read_parquet(tmp_path / "out" / "posterior.parquet")) == len(last.weights)
    assert "(budget ran out)" in (tmp_path / "out" / "report.md").read_text()
    assert json.loads((tmp_path / "out" / "calibration.json").read_text())["generations"][-1]["partial"] is True
    # killed after generation 0 and resumed: the same smaller final generation, bit for bit
    run_calibration(path, tmp_path / "killed", jobs=1, progress=False, stop_after=1)
    again = run_calibration(path, tmp_path / "killed", jobs=1, progress=False, resume=True)
    assert again["result"].stop_reason == result.stop_reason and again["result"].simulations == 180
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "killed" / "posterior.parquet"),
                                  outputs_posterior(first), check_exact=True)


def test_a_generation_that_cannot_reach_half_the_population_is_not_kept_and_resume_does_not_redo_it(tmp_path):
    # the rate expected of generation 1 (0.25) says 160 runs would give it 20 particles; it accepts fewer
    path = write_calibration(tmp_path / "in", method=_budget_method(240, 0.25), fixed=COLD)
    first = run_calibration(path, tmp_path / "out", jobs=1, progress=False)
    result = first["result"]
    assert result.simulations <= 240  # never past the budget, not even within a generation
    # generation 1 accepted too few for a final population: it stopped, and its runs were not kept
    assert "would not give generation 1" in result.stop_reason and result.discarded_simulations > 0
    assert len(result.generations) == 1 and not result.last.partial
    again = run_calibration(path, tmp_path / "out", jobs=1, progress=False, resume=True)
    assert again["result"].stop_reason == result.stop_reason
    assert again["result"].simulations == result.simulations
    assert len(again["result"].generations) == len(result.generations)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out" / "posterior.parquet"),
                                  outputs_posterior(first), check_exact=True)


def outputs_posterior(done: dict) -> pd.DataFrame:
    """The posterior frame of a finished `run_calibration` result (as posterior.parquet holds it)."""
    from experiments.calibration.outputs import posterior_frame

    return posterior_frame(done["spec"], done["result"])


def test_the_last_generation_starts_when_the_budget_can_give_it_a_final_population(tmp_path):
    """Budget 140 at population 40 x 2 seeds: after generation 0 (80 runs) the 60 left cannot complete generation
    1, but can give it the 20 particles a final population needs at the rate expected: it runs, the whole budget
    is used and what it accepted is the posterior (before, those 60 runs were left unused)."""
    from experiments.calibration.abc import expected_acceptance

    path = write_calibration(tmp_path / "in", method=_budget_method(140, 0.9), fixed=COLD)
    result = run_calibration(path, tmp_path / "out", jobs=2, progress=False)["result"]
    assert result.simulations == 140 and result.discarded_simulations == 0
    last = result.last
    assert last.index == 1 and last.partial and 20 <= len(last.weights) < 40
    assert expected_acceptance(result.generations[:1], 0.9) == 0.9  # generation 0 keeps all: it counts as the quantile
    # a fall in the acceptance rate is expected to go on: 0.9 -> 0.6 gives 0.6 x 0.6 / 0.9
    rates = [result.generations[0], last]
    object.__setattr__(last, "proposals", round(len(last.weights) / 0.6))
    assert expected_acceptance(rates, 0.9) == pytest.approx(len(last.weights) / last.proposals * min(
        1.0, len(last.weights) / last.proposals / 0.9))
