"""Scenarios as TOML data files, and the code that loads and validates them."""

from scenarios.loader import SCENARIO_DIR, Scenario, list_scenarios, load_scenario

__all__ = ["SCENARIO_DIR", "Scenario", "list_scenarios", "load_scenario"]
