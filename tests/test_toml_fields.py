"""The typed TOML-field readers that scenario, sweep and calibration files share (storage/toml_fields.py):
what each accepts, what it refuses, and the one line it refuses with."""

from __future__ import annotations

import math

import pytest

from model.errors import UserError
from storage.toml_fields import CALIBRATION_FORM, SCENARIO_FORM, SWEEP_FORM, Fields, check_keys, section

WHERE = "my.toml: [sweep]"


def refused(read) -> str:
    with pytest.raises(UserError) as caught:
        read()
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_present_value_is_returned_and_an_absent_one_takes_the_default() -> None:
    fields = Fields({"name": "grid", "weeks": 26, "crn": True, "share": 1}, WHERE)
    assert fields.string("name", "x") == "grid" and fields.string("label", "x") == "x"
    assert fields.integer("weeks", 1, 1, 520) == 26 and fields.integer("seed", 7, 0, 10) == 7
    assert fields.boolean("crn", False) is True and fields.boolean("auto", False) is False
    share = fields.number("share", 0.5, 0, 1)
    assert share == 1.0 and isinstance(share, float)


@pytest.mark.parametrize(("read", "message"), [
    (lambda f: f.string("name"), "my.toml: [sweep]: missing 'name' (a string)"),
    (lambda f: f.integer("weeks", None, 1, 520), "my.toml: [sweep]: missing 'weeks' (an integer in [1, 520])"),
    (lambda f: f.boolean("crn"), "my.toml: [sweep]: missing 'crn' (true or false)"),
    (lambda f: f.number("low", None), "my.toml: [sweep]: missing 'low' (a number)"),
])
def test_a_required_key_that_is_absent_is_named_with_what_it_should_be(read, message) -> None:
    assert refused(lambda: read(Fields({}, WHERE))) == message


@pytest.mark.parametrize("value", [True, 2.0, "3", 0, 521, [1]])
def test_an_integer_is_a_whole_toml_integer_within_its_bounds(value) -> None:
    message = refused(lambda: Fields({"weeks": value}, WHERE).integer("weeks", 1, 1, 520))
    assert message.startswith("my.toml: [sweep]: 'weeks' expected an integer in [1, 520], got ")


@pytest.mark.parametrize("value", [True, "0.5", math.nan, -0.1, 1.5])
def test_a_number_is_not_a_switch_text_or_nan_and_stays_in_its_interval(value) -> None:
    message = refused(lambda: Fields({"share": value}, WHERE).number("share", 0.5, 0, 1))
    assert message.startswith("my.toml: [sweep]: 'share' expected a number in [0, 1], got ")


def test_open_bounds_leave_the_bound_out() -> None:
    fields = Fields({"q": 0.0, "c": 1.0}, WHERE)
    assert "'q' expected a number in (0, 1], got 0.0" in refused(lambda: fields.number("q", 0.5, 0.0, 1.0, open_low=True))
    assert "'c' expected a number in [0.5, 1), got 1.0" in refused(lambda: fields.number("c", 0.9, 0.5, 1, open_high=True))
    assert Fields({"q": 1.0}, WHERE).number("q", 0.5, 0.0, 1.0, open_low=True) == 1.0


def test_whole_bounds_print_in_full_and_others_short() -> None:
    assert "[0, 9223372036854775807]" in refused(lambda: Fields({"seed": -1}, WHERE).integer("seed", 1, 0, 2**63 - 1))
    assert "[0, 1e+12]" in refused(lambda: Fields({"tol": -1}, WHERE).number("tol", 0.0, 0.0, 1e12))


@pytest.mark.parametrize("value", [1, "true", 0])
def test_a_switch_is_true_or_false_only(value) -> None:
    assert refused(lambda: Fields({"auto": value}, WHERE).boolean("auto", True)) == (
        f"my.toml: [sweep]: 'auto' expected true or false, got {value!r}")


def test_each_kind_of_file_keeps_where_its_colon_stands() -> None:
    def message(where: str, form: str) -> str:
        return refused(lambda: Fields({"name": 5}, where, form).string("name"))

    assert message("s.toml: [sweep]", SWEEP_FORM) == "s.toml: [sweep]: 'name' expected a string, got 5"
    assert message("c.toml: [method]", CALIBRATION_FORM) == "c.toml: [method] 'name': expected a string, got 5"
    assert message("x.toml: [scenario]", SCENARIO_FORM) == "x.toml: [scenario] 'name' expected a string, got 5"


def test_a_long_or_multi_line_value_is_shown_short_on_one_line() -> None:
    message = refused(lambda: Fields({"name": "a\nb" * 100}, WHERE).integer("name", 1, 1, 2))
    assert message.endswith("…") and len(message) < 140


def test_a_section_is_a_table_when_present() -> None:
    data = {"fixed": {"grids": 2}, "design": 3}
    assert section(data, "fixed", "f.toml") == {"grids": 2}
    assert section(data, "sensitivity", "f.toml") == {}
    assert refused(lambda: section(data, "outcomes", "f.toml", required=True)) == "f.toml: missing section [outcomes]"
    assert refused(lambda: section(data, "design", "f.toml")) == "f.toml: [design] expected a table, got int"


def test_an_unknown_key_gets_the_nearest_known_one_and_the_list() -> None:
    keys = ("name", "weeks", "seed")
    check_keys({"weeks": 1, "seed": 2}, keys, WHERE)
    assert refused(lambda: check_keys({"wekes": 1}, keys, WHERE)) == (
        "my.toml: [sweep] unknown key 'wekes' (did you mean 'weeks'?); expected one of name, weeks, seed")
    assert refused(lambda: check_keys({"zzz": 1}, keys, "f.toml:", unknown="unknown section [{key}]",
                                      listed=False)) == "f.toml: unknown section [zzz]"
