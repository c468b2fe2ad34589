"""Scenarios: what-if changes to the network, rules and prices; comparisons; batch runs.

Public API (see docs/scenarios.md)::

    scenario = load_scenario("trans-afghan-railway")        # a file path or a bundled name
    applied = apply_scenario(scenario, network, rules)       # a new Network and RuleBook
    comparison = compare(request, ["trans-afghan-railway"])   # base vs scenarios, best routes
    result = run_batch(read_flows("flows.csv"), ["kz-pk-transit-agreement"])  # on Dask
"""

from __future__ import annotations

from daliz.scenarios.apply import DEFAULT_FUEL_SHARES, AppliedScenario, apply_scenario
from daliz.scenarios.load import bundled_names, load_scenario, parse_scenario, resolve_scenario
from daliz.scenarios.model import Scenario

__all__ = [
    "DEFAULT_FUEL_SHARES",
    "AppliedScenario",
    "Scenario",
    "apply_scenario",
    "bundled_names",
    "load_scenario",
    "parse_scenario",
    "resolve_scenario",
]
