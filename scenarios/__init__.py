"""Scenarios as TOML data files, and the code that loads and validates them."""

from scenarios.loader import SCENARIO_DIR, Scenario, as_scenario, list_scenarios, load_scenario, make_scenario

__all__ = ["SCENARIO_DIR", "Scenario", "as_scenario", "list_scenarios", "load_scenario", "make_scenario"]
