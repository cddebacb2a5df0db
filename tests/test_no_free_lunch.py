"""No free lunch: every mechanism's effect flows from the resources it spends.

Each mechanism declares which of its parameters are resources (``MechParam(..., resource=True)``:
hours, yuan, slots, staff). Generated over the registry, so a new mechanism is checked without a
new test: switched on with every resource at zero, a mechanism must leave satisfaction and
participation where the baseline has them. Paired on common seeds (the same seed with and
without the mechanism), 20 seeds, 104 weeks from a cold start (``warmup_weeks=0``: the claim is about
what a mechanism adds, not about the baseline's level, and the mechanisms act from week 0 either
way; the warm-up would double the cost), weekly metrics averaged over the last 26 weeks; the
claim holds when the 95 % interval of the mean paired difference contains 0 and the mean is
below a small bound (0.005 satisfaction on its 0–1 scale, 0.5 percentage points participation).
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pytest
from scipy import stats

from model.mechanisms import MECHANISMS
from model.model import CoGovernanceModel
from model.parameters import PARAMETERS

SEEDS = tuple(range(1, 21))
WEEKS = 104
WARMUP = 0  # a cold start: see the module docstring
LAST = 26
METRICS = {"satisfaction_mean": 0.005, "participation_monthly": 0.005}


def resources(key: str) -> list[str]:
    return [mp.name for mp in MECHANISMS[key].parameters if mp.resource]


@cache
def _outcome(overrides: tuple[tuple[str, object], ...], seed: int) -> tuple[float, ...]:
    m = CoGovernanceModel("baseline", seed=seed, warmup_weeks=WARMUP, **dict(overrides))
    m.run(WEEKS)
    frame = m.datacollector.get_model_vars_dataframe().iloc[-LAST:]
    return tuple(float(frame[name].mean()) for name in METRICS)


def outcomes(overrides: dict[str, object]) -> np.ndarray:
    key = tuple(sorted(overrides.items()))
    return np.array([_outcome(key, s) for s in SEEDS])


@pytest.mark.parametrize("key", sorted(MECHANISMS))
def test_every_mechanism_declares_resources_with_zero_in_range(key: str) -> None:
    names = resources(key)
    assert names, f"{key} declares no resource it spends"
    for name in names:
        param = PARAMETERS[f"{key}.{name}"]
        assert param.kind is not bool and param.low is not None and param.low <= 0.0 <= (param.high or np.inf), name


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(MECHANISMS))
def test_mechanism_without_its_resources_has_no_effect(key: str) -> None:
    zero = {f"{key}__enabled": True, **{f"{key}__{name}": 0 for name in resources(key)}}
    diff = outcomes(zero) - outcomes({})
    for j, (metric, bound) in enumerate(METRICS.items()):
        d = diff[:, j]
        if np.all(d == 0):
            continue
        mean = d.mean()
        half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
        assert mean - half <= 0.0 <= mean + half, f"{key}: {metric} moved {mean:+.4f} ± {half:.4f} with no resources"
        assert abs(mean) < bound, f"{key}: {metric} moved {mean:+.4f} with no resources"


@pytest.mark.slow
def test_the_check_can_fail() -> None:
    """The same comparison finds the effect of a mechanism that does spend its resources."""
    diff = outcomes({"volunteer_linkage__enabled": True}) - outcomes({})
    d = diff[:, 1]
    assert d.mean() - stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size) > 0.0


def _source_without_declarations(text: str) -> str:
    """A module's text with its MechParam(...) declarations cut out."""
    out, i = [], 0
    while (j := text.find("MechParam(", i)) >= 0:
        out.append(text[i:j])
        depth, k = 0, j + len("MechParam")
        while True:
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            k += 1
            if depth == 0:
                break
        i = k
    out.append(text[i:])
    return "".join(out)


@pytest.mark.parametrize("key", sorted(MECHANISMS))
def test_every_mechanism_parameter_is_read(key: str) -> None:
    """A declared parameter that nothing reads is a knob that does nothing."""
    import inspect

    body = _source_without_declarations(inspect.getsource(inspect.getmodule(MECHANISMS[key])))
    unread = [mp.name for mp in MECHANISMS[key].parameters if f'"{mp.name}"' not in body]
    assert not unread, f"{key}: declared but never read: {unread}"


def test_every_core_parameter_is_read() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    text = "".join(path.read_text(encoding="utf-8") for folder in ("model", "agents", "scenarios")
                   for path in (root / folder).rglob("*.py") if path.name != "parameters.py")
    built = tuple(re.findall(r'f"([a-z_]+)\{', text))  # names built in f-strings: p[f"issue_share_{kind}"]
    unread = [name for name in PARAMETERS if "." not in name and f'"{name}"' not in text and not name.startswith(built)]
    assert not unread, f"declared but never read: {unread}"
