"""Legal rules of a route: the agreements register, the commodity catalogue, document requirements,
and the engine that turns them into regimes, checklists, blockers and warnings for a planned route.

Public API (see docs/rules.md)::

    book = load_rules([dataset_dir, overlay_dir])
    wheat = book.find_commodity("бидай")          # id, name/alias in en/kk/ru/ur, or HS code
    rules = evaluate_route(book, route_facts, wheat, date(2026, 3, 1), transit_days_p90=19.5)
    rules.to_dict()                               # JSON for the plan result
    rules_chain(book, wheat, [route_a, route_b], date(2026, 3, 1)).to_dict()
"""

from __future__ import annotations

from daliz.rules.chain import ChainReport, PlanAlternatives, rules_chain, with_status
from daliz.rules.evaluate import evaluate_route
from daliz.rules.load import load_rules
from daliz.rules.model import (
    Agreement,
    BorderFact,
    ClosureFact,
    Commodity,
    DocumentItem,
    Finding,
    LegFact,
    RouteFacts,
    RouteRules,
    RuleBook,
)

__all__ = [
    "Agreement",
    "BorderFact",
    "ChainReport",
    "ClosureFact",
    "Commodity",
    "DocumentItem",
    "Finding",
    "LegFact",
    "PlanAlternatives",
    "RouteFacts",
    "RouteRules",
    "RuleBook",
    "evaluate_route",
    "load_rules",
    "rules_chain",
    "with_status",
]
