"""The label-setting search against brute force and networkx on random small networks."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daliz.costs.pricing import price_arcs
from daliz.costs.shipment import CargoType, Shipment
from daliz.network.compile import compile_network
from daliz.network.model import (
    CargoUnit,
    CargoUnitKind,
    DatasetInfo,
    EmissionFactor,
    Link,
    Mode,
    Network,
    Place,
    PlaceKind,
    Range,
    Sourcing,
    Status,
    Tariff,
    Transfer,
)
from daliz.routing.search import Start, pareto_search

SRC = Sourcing(("test",))
DEPART = dt.datetime(2027, 3, 1, 8)


def _network(
    n_places: int, edges: list[tuple[int, int, int, float, float, float]], transfer_at: list[int]
) -> Network:
    """A one-country network: road and rail (1520) links, rail↔road transfers at some places."""
    places = {
        f"p{i}": Place(
            f"p{i}", PlaceKind.CITY, "KZ", 45.0 + i * 0.1, 70.0, {"en": f"P{i}"}, sourcing=SRC
        )
        for i in range(n_places)
    }
    links = {}
    for index, (a, b, is_rail, km, rate, speed) in enumerate(edges):
        mode = Mode.RAIL if is_rail else Mode.ROAD
        unit = CargoUnitKind.WAGON if is_rail else CargoUnitKind.TRUCK
        links[f"l{index}"] = Link(
            id=f"l{index}",
            from_place=f"p{a}",
            to_place=f"p{b}",
            mode=mode,
            gauge_mm=1520 if is_rail else None,
            distance_km=km,
            distance_km_range=Range.point(km),
            status=Status.OPERATING,
            bidirectional=True,
            speed_kmh=Range.point(speed),
            speed_profile="s",
            tariff_profile="t",
            tariffs={unit: Tariff(unit, "per_km", Range.point(rate), None, SRC)},
            sourcing=SRC,
        )
    transfers = [
        Transfer(
            f"p{i}",
            "transshipment",
            Mode.RAIL,
            1520,
            Mode.ROAD,
            None,
            Range.point(5.0 + i),
            Range.point(3.0),
            CargoUnitKind.TONNE,
            True,
            SRC,
        )
        for i in transfer_at
    ]
    return Network(
        info=DatasetInfo("random", "1", "", "", "x" * 64, ()),
        places=places,
        links=links,
        border_crossings={},
        transfers=transfers,
        services={},
        closures=[],
        emission_factors={
            Mode.ROAD: EmissionFactor(Mode.ROAD, "diesel", Range.point(80), "WTW", SRC),
            Mode.RAIL: EmissionFactor(Mode.RAIL, "diesel", Range.point(20), "WTW", SRC),
        },
        cargo_units={
            CargoUnitKind.TRUCK: CargoUnit(CargoUnitKind.TRUCK, Range.point(20), 0, SRC),
            CargoUnitKind.WAGON: CargoUnit(CargoUnitKind.WAGON, Range.point(60), 0, SRC),
            CargoUnitKind.TEU: CargoUnit(CargoUnitKind.TEU, Range.point(20), 1, SRC),
        },
        corridors=[],
        sources={},
    )


@st.composite
def random_networks(draw: st.DrawFn) -> Network:
    n = draw(st.integers(3, 6))
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=2, max_size=9))
    edges = []
    for a, b in chosen:
        is_rail = draw(st.integers(0, 1))
        km = draw(st.floats(20, 900).map(lambda x: round(x, 1)))
        rate = draw(st.floats(0.5, 3.0).map(lambda x: round(x, 2)))
        speed = draw(st.floats(15, 70).map(lambda x: round(x, 1)))
        edges.append((a, b, is_rail, km, rate, speed))
    transfer_at = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    return _network(n, edges, transfer_at)


def _setup(network: Network):  # type: ignore[no-untyped-def]
    cn = compile_network(network)
    shipment = Shipment(tonnes=100.0, cargo_type=CargoType.BULK)
    prices = price_arcs(cn, shipment)
    last = f"p{len(network.places) - 1}"

    def nodes(place: str) -> list[int]:
        pi = cn.place_index[place]
        return [cn.node_of[(pi, c)] for c in (0, 1) if (pi, c) in cn.node_of]

    return cn, prices, nodes("p0"), set(nodes(last))


def _brute_force(cn, prices, starts, targets) -> set[tuple[float, float, float]]:  # type: ignore[no-untyped-def]
    graph = nx.MultiDiGraph()
    for arc in range(cn.arc_count):
        graph.add_edge(int(cn.arc_tail[arc]), int(cn.arc_head[arc]), arc=arc)
    vectors = []
    for s, t in itertools.product(starts, targets):
        if s == t or s not in graph or t not in graph:
            continue
        for path in nx.all_simple_edge_paths(graph, s, t):
            arcs = [graph.edges[e]["arc"] for e in path]
            vectors.append(
                tuple(
                    sum(float(a[i]) for i in arcs)
                    for a in (prices.cost_usd, prices.time_h, prices.co2e_kg)
                )
            )
    front = {
        v
        for v in vectors
        if not any(all(w[i] <= v[i] for i in range(3)) and w != v for w in vectors)
    }
    return {tuple(round(x, 6) for x in v) for v in front}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_networks())
def test_pareto_set_equals_brute_force(network: Network) -> None:
    cn, prices, starts, targets = _setup(network)
    result = pareto_search(
        cn, prices, [Start(s) for s in starts], targets, departure=DEPART, prune_factor=math.inf
    )
    # The search keeps the best labels of every target node (road and rail arrival); the
    # network-wide Pareto set is the non-dominated subset of those.
    vectors = [
        (result.labels.cost[f], result.labels.time[f], result.labels.co2[f]) for f in result.finals
    ]
    front = {
        tuple(round(x, 6) for x in v)
        for v in vectors
        if not any(all(w[i] <= v[i] for i in range(3)) and w != v for w in vectors)
    }
    assert front == _brute_force(cn, prices, starts, targets)


@settings(max_examples=60, deadline=None)
@given(random_networks(), st.integers(0, 2))
def test_single_criterion_matches_networkx_dijkstra(network: Network, criterion: int) -> None:
    cn, prices, starts, targets = _setup(network)
    weights = (prices.cost_usd, prices.time_h, prices.co2e_kg)[criterion]
    graph = nx.DiGraph()
    for arc in range(cn.arc_count):
        u, v, w = int(cn.arc_tail[arc]), int(cn.arc_head[arc]), float(weights[arc])
        if not graph.has_edge(u, v) or graph.edges[u, v]["w"] > w:
            graph.add_edge(u, v, w=w)
    best = math.inf
    for s, t in itertools.product(starts, targets):
        if s in graph and t in graph and s != t and nx.has_path(graph, s, t):
            best = min(best, nx.dijkstra_path_length(graph, s, t, weight="w"))
    result = pareto_search(
        cn, prices, [Start(s) for s in starts], targets, departure=DEPART, prune_factor=math.inf
    )
    values = (result.labels.cost, result.labels.time, result.labels.co2)[criterion]
    found = min((values[f] for f in result.finals), default=math.inf)
    if math.isinf(best):
        assert math.isinf(found)
    else:
        assert math.isclose(found, best, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(random_networks(), st.integers(0, 2))
def test_compiled_dijkstra_matches_networkx(network: Network, criterion: int) -> None:
    from daliz.routing.fast import ShortestPathQuery, distances_to

    cn, prices, starts, targets = _setup(network)
    weights = (prices.cost_usd, prices.time_h, prices.co2e_kg)[criterion]
    graph = nx.DiGraph()
    for arc in range(cn.arc_count):
        u, v, w = int(cn.arc_tail[arc]), int(cn.arc_head[arc]), float(weights[arc])
        if not graph.has_edge(u, v) or graph.edges[u, v]["w"] > w:
            graph.add_edge(u, v, w=w)
    best = math.inf
    for s, t in itertools.product(starts, targets):
        if s in graph and t in graph and s != t and nx.has_path(graph, s, t):
            best = min(best, nx.dijkstra_path_length(graph, s, t, weight="w"))
    found = ShortestPathQuery(cn, weights, prices.usable).run(starts, targets)
    starts_in_targets = bool(set(starts) & targets)
    if found is None:
        assert math.isinf(best) and not starts_in_targets
        return
    assert math.isclose(found.value, 0.0 if starts_in_targets else best, abs_tol=1e-9)
    assert sum(float(weights[a]) for a in found.arcs) == pytest.approx(found.value)
    # reverse distances agree with networkx on the reversed graph
    to_target = distances_to(cn, weights, targets, prices.usable)
    expected = nx.multi_source_dijkstra_path_length(graph.reverse(), targets, weight="w")
    for node, value in expected.items():
        assert to_target[node] == pytest.approx(value)
