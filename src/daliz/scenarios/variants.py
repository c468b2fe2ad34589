"""The base network and scenario variants of it, ready to plan on.

A `Variant` is a network with its rule book: the base dataset ("base"), or the base with a
scenario applied. `plan_variant` plans a request on one, with the variant's own rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from daliz.network.model import Network
from daliz.planning.context import planning_context
from daliz.planning.planner import plan
from daliz.planning.request import PlanRequest
from daliz.planning.result import PlanResult
from daliz.rules.model import RuleBook
from daliz.scenarios.apply import AppliedScenario, apply_scenario
from daliz.scenarios.load import load_scenario, resolve_scenario
from daliz.scenarios.model import Scenario

BASE = "base"


@dataclass
class Variant:
    """A network and rule book to plan on: the base, or the base under a scenario."""

    name: str  # "base" or the scenario's id
    title: str
    network: Network
    rules: RuleBook
    applied: AppliedScenario | None = None
    changes: list[str] = field(default_factory=list)


def base_variant(dataset: str | Path | None = None) -> Variant:
    """The dataset as it is."""
    ctx = planning_context(dataset)
    return Variant(BASE, "Base (no changes)", ctx.network, ctx.rules)


_APPLIED: dict[tuple[str, str], Variant] = {}


def scenario_variant(base: Variant, scenario: str | Path | Scenario, file: str = "") -> Variant:
    """The base with a scenario applied (a file path, a bundled name or a parsed Scenario).

    Cached per process by the base's hash and the scenario's content.
    """
    if not isinstance(scenario, Scenario):
        path = resolve_scenario(scenario)
        file = file or str(path)
        scenario = load_scenario(path)
    key = (base.network.info.content_hash, scenario.model_dump_json())
    cached = _APPLIED.get(key)
    if cached is not None:
        return cached
    applied = apply_scenario(scenario, base.network, base.rules, file=file or None)
    variant = Variant(
        applied.scenario.id,
        applied.scenario.title,
        applied.network,
        applied.rules,
        applied,
        list(applied.summary),
    )
    if len(_APPLIED) > 32:
        _APPLIED.clear()
    _APPLIED[key] = variant
    return variant


def variants(dataset: str | Path | None, scenarios: list[str]) -> list[Variant]:
    """The base followed by each scenario applied to it (in the order given)."""
    base = base_variant(dataset)
    out = [base]
    seen = {BASE}
    for text in scenarios:
        variant = scenario_variant(base, text)
        if variant.name in seen:
            continue
        seen.add(variant.name)
        out.append(variant)
    return out


def plan_variant(variant: Variant, request: PlanRequest) -> PlanResult:
    """Plan `request` on a variant, with the variant's rule book."""
    planning_context(network=variant.network, rules=variant.rules)
    return plan(request, network=variant.network)
