"""The compiled label search returns exactly what the Python reference loop returns.

On the bundled dataset (services with weekly timetables, borders closed on weekends, seasonal
and dated closures, corridor keys) for many origins, destinations, dates, shipments and
constraints, and on random networks. Exact: every label's figures to the last bit, the same
order, the same corridor keys and the same refusal reasons in the same order.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from test_search_property import DEPART, _setup, random_networks

from daliz.costs.pricing import price_arcs
from daliz.costs.shipment import CargoType, Shipment
from daliz.network.compile import CompiledNetwork
from daliz.planning import planning_context
from daliz.planning.planner import EPSILON, LAND_CLASSES, PRUNE_FACTOR
from daliz.routing import search
from daliz.routing.search import SearchResult, Start, pareto_search, pareto_search_reference


@pytest.fixture(scope="module")
def cn() -> CompiledNetwork:
    return planning_context(None).compiled


def _land_nodes(cn: CompiledNetwork, place: str) -> list[int]:
    pi = cn.place_index[place]
    return [cn.node_of[(pi, c)] for c in LAND_CLASSES if (pi, c) in cn.node_of]


def _assert_same(got: SearchResult, want: SearchResult) -> None:
    assert got.labels == want.labels  # every label: figures, node, key, parent, arc, wait, tag
    assert got.finals == want.finals
    assert got.keys == want.keys
    assert list(got.refused.items()) == list(want.refused.items())
    assert got.settled == want.settled
    # the final labels' paths, arcs and waits (the kernel builds them from its arrays)
    assert (got.paths, got.path_arcs, got.path_waits) == (
        want.paths,
        want.path_arcs,
        want.path_waits,
    )
    assert got.paths == [got.labels.path(final) for final in got.finals]


PAIRS = [
    ("almaty", "karachi", CargoType.BULK, 300.0),
    ("kostanay", "gwadar", CargoType.BAGGED, 3000.0),
    ("karachi", "kashgar", CargoType.CONTAINER, 20.0),
    ("tashkent", "peshawar", CargoType.BAGGED, 80.0),
    ("karachi", "almaty", CargoType.REEFER, 200.0),
    ("lahore", "aktau", CargoType.CONTAINER, 40.0),
]
DATES = [dt.date(2026, 12, 21) + dt.timedelta(days=17 * k) for k in range(22)]  # into 2028


@pytest.mark.parametrize(("origin", "destination", "cargo", "tonnes"), PAIRS)
def test_kernel_matches_reference_through_the_year(
    cn: CompiledNetwork, origin: str, destination: str, cargo: CargoType, tonnes: float
) -> None:
    prices = price_arcs(cn, Shipment(tonnes=tonnes, cargo_type=cargo))
    starts = [Start(n) for n in _land_nodes(cn, _place(cn, origin))]
    targets = set(_land_nodes(cn, _place(cn, destination)))
    compared = 0
    for day in DATES:
        departure = dt.datetime.combine(day, dt.time(8))
        options = {
            "departure": departure,
            "weights": (1.0 / (tonnes * 100), 1.0 / 240.0, 1.0 / (tonnes * 150)),
            "prune_factor": PRUNE_FACTOR,
            "epsilon": EPSILON,
        }
        want = pareto_search_reference(cn, prices, starts, targets, **options)
        got = pareto_search(cn, prices, starts, targets, **options)
        _assert_same(got, want)
        compared += len(want.labels.cost)
    assert compared > 1000  # the comparison covered real searches, not empty ones


def _place(cn: CompiledNetwork, word: str) -> str:
    """The place id of the dataset that `word` names (ids differ from names in places)."""
    from daliz.network.places import resolve_place

    return resolve_place(cn.network, word).id


def test_kernel_matches_reference_under_constraints(cn: CompiledNetwork) -> None:
    prices = price_arcs(cn, Shipment(tonnes=300.0, cargo_type=CargoType.BULK))
    starts = [Start(n, 120.0, 6.0, 40.0, 0) for n in _land_nodes(cn, _place(cn, "almaty"))]
    targets = set(_land_nodes(cn, _place(cn, "karachi")))
    af = [i for i, c in enumerate(cn.place_country) if c == "AF"]
    node_ok = ~np.isin(cn.node_place, af)
    arc_ok = np.ones(cn.arc_count, dtype=bool)
    arc_ok[::7] = False
    cases = [
        {"max_time_h": 12 * 24.0},
        {"max_time_h": 48.0},  # nothing arrives: every refusal reason counted
        {"node_allowed": node_ok},
        {"arc_allowed": arc_ok, "prune_factor": math.inf, "epsilon": 0.0},
    ]
    results = []
    for case in cases:
        options = {"departure": dt.datetime(2027, 6, 1, 8), "prune_factor": 1.3, **case}
        want = pareto_search_reference(cn, prices, starts, targets, **options)
        got = pareto_search(cn, prices, starts, targets, **options)
        _assert_same(got, want)
        results.append(want)
    assert results[0].finals and results[2].finals and results[3].finals
    assert not results[1].finals and results[1].refused["longer than the maximum days"] > 0


def test_a_search_longer_than_the_closure_calendar_is_rerun(
    cn: CompiledNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One day of calendar: every search runs past it and must be redone with a longer one.
    monkeypatch.setattr(search, "SEARCH_WINDOW_DAYS", 1)
    prices = price_arcs(cn, Shipment(tonnes=20.0, cargo_type=CargoType.CONTAINER))
    starts = [Start(n) for n in _land_nodes(cn, _place(cn, "karachi"))]
    targets = set(_land_nodes(cn, _place(cn, "kashgar")))
    departure = dt.datetime(2027, 12, 30, 8)  # the calendar spans two years
    want = pareto_search_reference(cn, prices, starts, targets, departure=departure)
    got = pareto_search(cn, prices, starts, targets, departure=departure)
    _assert_same(got, want)
    assert want.finals


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_networks())
def test_kernel_matches_reference_on_random_networks(network: object) -> None:
    cn, prices, starts, targets = _setup(network)
    for prune_factor, epsilon in ((math.inf, 0.0), (1.3, 0.02)):
        options = {"departure": DEPART, "prune_factor": prune_factor, "epsilon": epsilon}
        want = pareto_search_reference(cn, prices, [Start(s) for s in starts], targets, **options)
        got = pareto_search(cn, prices, [Start(s) for s in starts], targets, **options)
        _assert_same(got, want)
