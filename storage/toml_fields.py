"""Typed fields of the TOML files a person writes: scenario, sweep and calibration files.

One reader for each kind of value a table holds (`Fields.string`, `Fields.integer`, `Fields.number`,
`Fields.boolean`), for a table inside a table (`section`) and for the keys a table may have
(`check_keys`). A wrong value is one `UserError` line naming the file, the table, the key, what was
expected and what was found (shown short, on one line), so the command exits with status 2 before it
writes anything.

Each kind of file keeps the wording its messages have always had; they differ only in where the colon
stands (`SWEEP_FORM`, `CALIBRATION_FORM`, `SCENARIO_FORM`):

>>> head = Fields({"weeks": 0}, "points.toml: [sweep]")
>>> head.integer("weeks", 26, 1, 520)
Traceback (most recent call last):
...
model.errors.UserError: points.toml: [sweep]: 'weeks' expected an integer in [1, 520], got 0
>>> Fields({}, "points.toml: [sweep]").integer("weeks", 26, 1, 520)
26
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from model.errors import UserError, shown
from model.parameter_registry import suggest

__all__ = ["Fields", "section", "check_keys", "SWEEP_FORM", "CALIBRATION_FORM", "SCENARIO_FORM"]

#: How a message names a key of the table at ``where`` (a format with ``{where}`` and ``{key}``), then
#: says "expected ...". Sweep files, like parameter checks: ``FILE: [sweep]: 'weeks' expected ...``.
SWEEP_FORM = "{where}: '{key}'"
#: Calibration files: ``FILE: [method] 'population': expected ...``.
CALIBRATION_FORM = "{where} '{key}':"
#: Scenario files: ``FILE: [scenario] 'label_zh' expected ...``.
SCENARIO_FORM = "{where} '{key}'"


def _bound(x: float) -> str:
    """A bound as a message prints it: whole numbers in full, others in short (``1e+12``)."""
    return str(x) if isinstance(x, int) else f"{x:g}"


def _interval(low: float, high: float, open_low: bool = False, open_high: bool = False) -> str:
    return f"{'(' if open_low else '['}{_bound(low)}, {_bound(high)}{')' if open_high else ']'}"


class Fields:
    """The typed values of one table of a person's TOML file.

    ``where`` names the file and the table as messages begin (``"sweep.toml: [design]"``); ``form`` is how
    a message names one of its keys (`SWEEP_FORM`, `CALIBRATION_FORM`, `SCENARIO_FORM`). A key that is
    absent takes the default; a default of None makes the key required.
    """

    __slots__ = ("table", "where", "form")

    def __init__(self, table: Mapping[str, Any], where: str, form: str = SWEEP_FORM) -> None:
        self.table = table
        self.where = where
        self.form = form

    def about(self, key: str) -> str:
        """How a message names `key`: ``FILE: [sweep]: 'weeks'`` (with the form of this kind of file)."""
        return self.form.format(where=self.where, key=key)

    def _get(self, key: str, default: Any, what: str) -> Any:
        value = self.table.get(key, default)
        if value is None:
            raise UserError(f"{self.where}: missing '{key}' ({what})")
        return value

    def _refuse(self, key: str, what: str, value: Any) -> UserError:
        return UserError(f"{self.about(key)} expected {what}, got {shown(value)}")

    def string(self, key: str, default: str | None = None) -> str:
        """A string."""
        value = self._get(key, default, "a string")
        if not isinstance(value, str):
            raise self._refuse(key, "a string", value)
        return value

    def boolean(self, key: str, default: bool | None = None) -> bool:
        """``true`` or ``false`` (nothing else stands for one)."""
        value = self._get(key, default, "true or false")
        if not isinstance(value, bool):
            raise self._refuse(key, "true or false", value)
        return value

    def integer(self, key: str, default: int | None, low: int, high: int) -> int:
        """A whole number in [low, high] (a TOML integer: not 2.0, not true)."""
        what = f"an integer in {_interval(low, high)}"
        value = self._get(key, default, what)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self._refuse(key, what, value)
        return value

    def number(self, key: str, default: float | None, low: float | None = None, high: float | None = None,
               *, open_low: bool = False, open_high: bool = False) -> float:
        """A number (integer or float, not NaN, not true), within [low, high] when they are given;
        ``open_low``/``open_high`` leave a bound out of the interval."""
        what = "a number" if low is None or high is None else f"a number in {_interval(low, high, open_low, open_high)}"
        value = self._get(key, default, what)
        ok = not isinstance(value, bool) and isinstance(value, int | float) and value == value
        if ok and low is not None and high is not None:
            ok = (low < value if open_low else low <= value) and (value < high if open_high else value <= high)
        if not ok:
            raise self._refuse(key, what, value)
        return float(value)


def section(data: Mapping[str, Any], key: str, where: str, required: bool = False) -> Mapping[str, Any]:
    """The table ``[key]`` of `data` (``{}`` when absent and not `required`)."""
    if key not in data:
        if required:
            raise UserError(f"{where}: missing section [{key}]")
        return {}
    value = data[key]
    if not isinstance(value, Mapping):
        raise UserError(f"{where}: [{key}] expected a table, got {type(value).__name__}")
    return value


def check_keys(table: Mapping[str, Any], keys: tuple[str, ...], prefix: str, unknown: str = "unknown key '{key}'",
               listed: bool = True) -> None:
    """Refuse a key of `table` that is not in `keys`, with the nearest known one.

    The message is `prefix`, then `unknown` (a format with ``{key}``, e.g. ``"unknown section [{key}]"``),
    the suggestion and, when `listed`, the keys expected: ``FILE: [sweep] unknown key 'wekes' (did you
    mean 'weeks'?); expected one of name, ...``.
    """
    for key in table:
        if key not in keys:
            expected = f"; expected one of {', '.join(keys)}" if listed else ""
            raise UserError(f"{prefix} {unknown.format(key=key)}{suggest(str(key), list(keys))}{expected}")
