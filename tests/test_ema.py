"""The EMA Workbench adapter: uncertainties from the plausible ranges, levers from the mechanisms,
named outcomes; sequential and 2-process evaluators agree; bad parameter sets are ordinary errors."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ema_workbench")

from experiments.ema import OUTCOMES, build_model, default_uncertainties, simulate, simulate_case  # noqa: E402
from model.errors import UserError  # noqa: E402
from model.parameters import PARAMETERS, check_constraints, name_to_kwarg  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def test_model_parts_come_from_the_declaration() -> None:
    model = build_model(weeks=8, levers=["points", "hotline"])
    names = [u.name for u in model.uncertainties]
    assert names == [name_to_kwarg(n) for n in default_uncertainties()] and len(names) > 50
    for u in model.uncertainties:
        p = PARAMETERS[u.name.replace("__", ".")]
        assert (u.lower_bound, u.upper_bound) == pytest.approx(p.plausible)
        assert p.low is None or p.low <= u.lower_bound
    levers = [lever.name for lever in model.levers]
    assert levers[:1] == ["points__enabled"] and "hotline__enabled" in levers and "points__crowding" in levers
    assert [o.name for o in model.outcomes] == list(OUTCOMES)
    # the plausible ranges respect the joint constraints at their corners that matter
    worst = {n: PARAMETERS[n].plausible[1] for n in ("youth_share", "retired_share")}
    check_constraints(worst, "plausible corner")


def test_bad_parameter_sets_raise_an_ordinary_exception() -> None:
    with pytest.raises(UserError) as info:
        simulate(weeks=2, youth_share=0.8, retired_share=0.5)
    assert isinstance(info.value, Exception) and issubclass(UserError, Exception)
    from ema_workbench.util.ema_exceptions import CaseError

    with pytest.raises(CaseError):  # what EMA's evaluators record as a failed experiment (NaN outcomes)
        simulate_case(weeks=2, youth_share=0.8, retired_share=0.5)
    with pytest.raises(UserError, match="unknown outcome"):
        build_model(outcomes=["satisfaction_meen"])
    with pytest.raises(UserError, match="neither a mechanism nor a parameter"):
        build_model(levers=["pointz"])


SCRIPT = textwrap.dedent("""
    import pickle, sys
    from ema_workbench import MultiprocessingEvaluator, RealParameter, SequentialEvaluator
    from ema_workbench.em_framework.samplers import sample_levers, sample_uncertainties
    from experiments.ema import build_model

    if __name__ == "__main__":
        model = build_model(weeks=6, uncertainties=["buck_pass_prob", "part_base", "youth_share"],
                            levers=["points"], outcomes=["satisfaction_mean", "participation_monthly", "issues_open"],
                            seed=3)
        scenarios, policies = sample_uncertainties(model, 4), sample_levers(model, 2)
        with SequentialEvaluator(model) as ev:
            seq = ev.perform_experiments(scenarios=scenarios, policies=policies)
        with MultiprocessingEvaluator(model, n_processes=2) as ev:
            par = ev.perform_experiments(scenarios=scenarios, policies=policies)
        bad = build_model(weeks=2, uncertainties=[], levers=["points"], outcomes=["satisfaction_mean"])
        bad.uncertainties = [RealParameter("youth_share", 0.9, 0.95), RealParameter("retired_share", 0.5, 0.6)]
        refused = []
        for make in (lambda: SequentialEvaluator(bad), lambda: MultiprocessingEvaluator(bad, n_processes=2)):
            with make() as ev:
                refused.append(ev.perform_experiments(scenarios=2, policies=1)[1])
        pickle.dump({"seq": seq, "par": par, "refused": refused}, open(sys.argv[1], "wb"))
""")


@pytest.mark.slow
def test_sequential_and_two_process_evaluators_give_identical_results(tmp_path: Path) -> None:
    import pickle

    script = tmp_path / "ema_run.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, str(script), str(tmp_path / "out.pkl")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=480)
    assert result.returncode == 0, result.stderr[-3000:]
    data = pickle.loads((tmp_path / "out.pkl").read_bytes())
    (seq_x, seq_y), (par_x, par_y) = data["seq"], data["par"]
    assert len(seq_x) == len(par_x) == 8
    cols = [c for c in seq_x.columns if c not in ("model", "scenario", "policy")]  # names count up globally
    assert seq_x[cols].astype(str).equals(par_x[cols].astype(str))
    for metric, values in seq_y.items():
        np.testing.assert_array_equal(values, par_y[metric])
    assert np.ptp(seq_y["satisfaction_mean"]) > 0  # the experiments differ from each other
    # parameter sets breaking youth_share + retired_share <= 1: logged, outcomes NaN, no hung pool
    for outcomes in data["refused"]:
        assert np.isnan(outcomes.get("satisfaction_mean", np.array([np.nan]))).all()
