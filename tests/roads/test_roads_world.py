"""The whole world highway graph (slow: the first run compiles it and computes the CCH order,
about 20 s; the session cache keeps them for the other tests)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from daliz.errors import NoRouteError, RequestError
from daliz.roads import CORRIDOR_BBOX, RoadNetwork, load_road_network
from daliz.roads.engine import DijkstraEngine

pytestmark = pytest.mark.slow

ALMATY = (43.238, 76.946)
KARACHI = (24.861, 67.010)
NEAR_KOSTANAY = (52.9, 63.1)
FAISALABAD = (31.42, 73.08)


@pytest.fixture(scope="module")
def world(road_cache: Path) -> RoadNetwork:
    pytest.importorskip("scgraph_data")
    # Module-scoped: set up before the per-test cache isolation, so name the cache explicitly.
    return load_road_network(cache_dir=road_cache)


def test_world_graph_loads_with_its_documented_size(world: RoadNetwork) -> None:
    assert world.node_count == 560_282
    assert world.arc_count > 1_600_000
    assert "OpenStreetMap" in world.attribution


def test_almaty_karachi_matches_scipy_dijkstra_on_the_same_graph(world: RoadNetwork) -> None:
    leg = world.route(*ALMATY, *KARACHI)
    assert 2500 < leg.distance_km < 3600
    reference = DijkstraEngine(world.graph).shortest(
        [(leg.node_path[0], 0)], [(leg.node_path[-1], 0)], with_path=False
    )
    assert reference is not None
    assert leg.distance_km == reference.distance_m / 1000.0


def test_random_pairs_in_the_corridor_match_scipy(world: RoadNetwork) -> None:
    reference = DijkstraEngine(world.graph)
    rng = np.random.default_rng(11)
    lat = np.asarray(world.graph.lat)
    lon = np.asarray(world.graph.lon)
    nodes = world.snapper.nodes
    inside = nodes[
        (lat[nodes] >= CORRIDOR_BBOX.min_lat)
        & (lat[nodes] <= CORRIDOR_BBOX.max_lat)
        & (lon[nodes] >= CORRIDOR_BBOX.min_lon)
        & (lon[nodes] <= CORRIDOR_BBOX.max_lon)
    ]
    for source, target in rng.choice(inside, size=(5, 2)).tolist():
        expected = reference.shortest([(source, 0)], [(target, 0)], with_path=False)
        got = world.engine.shortest([(source, 0)], [(target, 0)], with_path=False)
        assert (got is None) == (expected is None)
        if got is not None and expected is not None:
            assert got.distance_m == expected.distance_m


def test_issue_example_kostanay_to_faisalabad(world: RoadNetwork) -> None:
    leg = world.route(*NEAR_KOSTANAY, *FAISALABAD)
    assert 2800 < leg.distance_km < 4200
    assert leg.snap_origin_km < 50 and leg.snap_destination_km < 50


def test_sea_point_is_refused(world: RoadNetwork) -> None:
    with pytest.raises(RequestError, match="No road within 50 km"):
        world.route(20.0, 65.0, *KARACHI)  # Arabian Sea


def test_corridor_cutout_gives_the_same_route(world: RoadNetwork) -> None:
    corridor = load_road_network(region="corridor")
    assert corridor.node_count < world.node_count // 10
    assert corridor.route(*ALMATY, *KARACHI).distance_km == pytest.approx(
        world.route(*ALMATY, *KARACHI).distance_km
    )


def test_rail_graph_has_no_link_from_kazakhstan_into_pakistan_proper() -> None:
    pytest.importorskip("scgraph_data")
    rail = load_road_network(source="world_railways", region="corridor")
    quetta = rail.route(*ALMATY, 30.18, 66.99)  # reached only through Iran
    assert any(lon < 61.0 and lat < 38.0 for lon, lat in quetta.geometry)
    with pytest.raises(NoRouteError, match="railway networks the graph does not connect"):
        rail.route(*ALMATY, 31.55, 74.34)  # Lahore
