"""Routing on real cut-outs of the world highway graph: distances agree with networkx, snapping
finds the true nearest node, errors are clear, closures re-customise the metric."""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from roads_helpers import ALMATY_BBOX, ENGINES

from daliz.errors import NoRouteError, RequestError
from daliz.roads import (
    INF_WEIGHT_M,
    BBox,
    Circle,
    RoadNetwork,
    RoadRoute,
    load_road_network,
)
from daliz.roads.geo import haversine_km

HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def reference_graph(path: Path) -> nx.DiGraph:
    """networkx graph read straight from the cut-out file (independent of daliz's compile)."""
    doc = json.loads(path.read_text())
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(doc["nodes"])))
    for tail, adjacency in enumerate(doc["graph"]):
        for head, km in adjacency.items():
            if int(head) != tail:
                graph.add_edge(tail, int(head), weight=km)
    return graph


@pytest.fixture(scope="module")
def almaty_nx(almaty_file: Path) -> nx.DiGraph:
    return reference_graph(almaty_file)


def net_for(path: Path, engine: str) -> RoadNetwork:
    return load_road_network(source=path, engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_distances_agree_with_networkx(
    almaty_file: Path, almaty_nx: nx.DiGraph, engine: str
) -> None:
    net = net_for(almaty_file, engine)
    n = net.node_count
    assert n == almaty_nx.number_of_nodes() > 500

    @HYPOTHESIS
    @given(st.integers(0, n - 1), st.integers(0, n - 1))
    def check(source: int, target: int) -> None:
        try:
            expected = nx.dijkstra_path_length(almaty_nx, source, target, weight="weight")
        except nx.NetworkXNoPath:
            with pytest.raises(NoRouteError):
                net.route_nodes(source, target)
            return
        leg = net.route_nodes(source, target)
        assert leg.distance_km == pytest.approx(expected, abs=1e-6 * (1 + len(leg.node_path)))
        # The path is made of graph arcs whose lengths add up to the distance.
        path = leg.node_path
        assert path[0] == source and path[-1] == target
        total = sum(almaty_nx.edges[a, b]["weight"] for a, b in itertools.pairwise(path))
        assert total == pytest.approx(leg.distance_km, abs=1e-6 * (1 + len(path)))

    check()


@pytest.mark.skipif("not __import__('importlib').util.find_spec('routingkit_cch')")
def test_cch_and_dijkstra_agree_on_the_same_pairs(peshawar_file: Path) -> None:
    cch = net_for(peshawar_file, "cch")
    dij = net_for(peshawar_file, "dijkstra")
    rng = np.random.default_rng(7)
    nodes = cch.snapper.nodes
    for source, target in rng.choice(nodes, size=(80, 2)).tolist():
        assert cch.route_nodes(source, target).distance_km == pytest.approx(
            dij.route_nodes(source, target).distance_km, abs=1e-9
        )


@pytest.mark.parametrize("engine", ENGINES)
def test_snap_finds_the_true_nearest_routable_node(almaty_file: Path, engine: str) -> None:
    net = net_for(almaty_file, engine)
    lat = np.asarray(net.graph.lat)[net.snapper.nodes]
    lon = np.asarray(net.graph.lon)[net.snapper.nodes]

    @HYPOTHESIS
    @given(
        st.floats(ALMATY_BBOX.min_lat, ALMATY_BBOX.max_lat),
        st.floats(ALMATY_BBOX.min_lon, ALMATY_BBOX.max_lon),
    )
    def check(p_lat: float, p_lon: float) -> None:
        brute = haversine_km(p_lat, p_lon, lat, lon)
        best = float(brute.min())
        if best > net.max_snap_km:
            with pytest.raises(RequestError, match="No road within"):
                net.snap(p_lat, p_lon)
            return
        node, km = net.snap(p_lat, p_lon)
        assert km == pytest.approx(best, abs=1e-6)
        assert haversine_km(p_lat, p_lon, net.graph.lat[node], net.graph.lon[node]) == (
            pytest.approx(km, abs=1e-6)
        )

    check()


def test_route_between_points_is_door_to_door(almaty_file: Path) -> None:
    net = net_for(almaty_file, "auto")
    almaty = (43.238, 76.946)
    tashkent = (41.311, 69.280)
    leg = net.route(*almaty, *tashkent)
    assert isinstance(leg, RoadRoute)
    o_node, o_km = net.snap(*almaty)
    d_node, d_km = net.snap(*tashkent)
    assert leg.node_path[0] == o_node and leg.node_path[-1] == d_node
    assert (leg.snap_origin_km, leg.snap_destination_km) == (o_km, d_km)
    assert 700 < leg.distance_km < 1100  # Almaty-Tashkent by road is about 800-900 km
    assert leg.distance_km >= haversine_km(*almaty, *tashkent) - leg.access_km
    # Geometry: (lon, lat), from the origin point along the nodes to the destination point.
    assert leg.geometry[0] == (almaty[1], almaty[0])
    assert leg.geometry[-1] == (tashkent[1], tashkent[0])
    assert leg.geometry[1] == (float(net.graph.lon[o_node]), float(net.graph.lat[o_node]))
    assert len(leg.geometry) == len(leg.node_path) + 2
    expected_h = leg.distance_km / leg.speed_kmh + leg.access_km / leg.access_speed_kmh
    assert leg.duration_h == pytest.approx(expected_h)
    assert leg.total_km == pytest.approx(leg.distance_km + o_km + d_km)
    feature = leg.to_geojson()
    assert feature["geometry"]["type"] == "LineString"
    assert feature["geometry"]["coordinates"][0] == [almaty[1], almaty[0]]
    # Without geometry: same figures, nothing else built.
    light = net.route(*almaty, *tashkent, geometry=False)
    assert light.distance_km == leg.distance_km and light.geometry == [] == light.node_path
    assert net.distance_km(*almaty, *tashkent) == leg.distance_km


def test_a_point_five_km_off_the_road_is_snapped(almaty_file: Path) -> None:
    net = net_for(almaty_file, "auto")
    lat = np.asarray(net.graph.lat)[net.snapper.nodes]
    lon = np.asarray(net.graph.lon)[net.snapper.nodes]
    # Walk north from a node until the nearest road is 5 km away.
    base_lat, base_lon = 43.238, 76.946
    for step in np.arange(0.0, 1.0, 0.002):
        p_lat = base_lat + step
        if float(haversine_km(p_lat, base_lon, lat, lon).min()) >= 5.0:
            break
    else:  # pragma: no cover - depends on the data
        pytest.fail("no point 5 km from every road north of Almaty")
    leg = net.route(p_lat, base_lon, 41.311, 69.280)
    assert 5.0 <= leg.snap_origin_km < 5.5
    assert leg.geometry[0] == (base_lon, p_lat)


@pytest.mark.parametrize(
    ("point", "kwargs", "needle"),
    [
        ((50.0, 70.0), {}, "outside the loaded road region"),
        ((95.0, 70.0), {}, "latitude 95.0 is outside"),
        ((43.0, 190.0), {}, "longitude 190.0 is outside"),
        ((float("nan"), 70.0), {}, "latitude nan"),
    ],
)
def test_bad_points_raise_request_errors(
    almaty_file: Path, point: tuple[float, float], kwargs: dict[str, object], needle: str
) -> None:
    net = load_road_network(region=ALMATY_BBOX, source=almaty_file)
    with pytest.raises(RequestError, match=needle):
        net.route(*point, 43.238, 76.946)
    with pytest.raises(RequestError, match=needle):
        net.route(43.238, 76.946, *point)


def test_point_far_from_any_road_is_refused(almaty_file: Path) -> None:
    strict = load_road_network(source=almaty_file, max_snap_km=1.0)
    lat = np.asarray(strict.graph.lat)[strict.snapper.nodes]
    lon = np.asarray(strict.graph.lon)[strict.snapper.nodes]
    # A grid point whose nearest road is more than 1 km away.
    grid = [(a, b) for a in np.arange(41.5, 44.5, 0.1) for b in np.arange(69.0, 79.0, 0.1)]
    far = next(p for p in grid if float(haversine_km(p[0], p[1], lat, lon).min()) > 2.0)
    with pytest.raises(RequestError, match=r"No road within 1 km of the destination") as info:
        strict.route(float(lat[0]), float(lon[0]), *far)
    assert "at sea" in str(info.value)


def test_region_bbox_with_the_builtin_source(tmp_path: Path) -> None:
    pytest.importorskip("scgraph_data")
    net = load_road_network(region="71,33.5,73.5,34.5", cache_dir=tmp_path)
    assert net.region == BBox(71, 33.5, 73.5, 34.5)
    assert "OpenStreetMap" in net.attribution
    leg = net.route(34.008, 71.578, 33.684, 73.048)  # Peshawar -> Islamabad
    assert 150 < leg.distance_km < 220
    assert (tmp_path / "roads").is_dir()


@pytest.mark.parametrize("engine", ENGINES)
def test_closures_reroute_or_cut(almaty_file: Path, engine: str) -> None:
    net = net_for(almaty_file, engine)
    leg = net.route(43.238, 76.946, 41.311, 69.280)
    # Close a 1 km disc around path nodes, from the middle outwards, until one leaves a detour
    # (on a single road the closure cuts every route instead: that must be NoRouteError).
    detours = 0
    path = leg.node_path
    for node in path[len(path) // 4 : 3 * len(path) // 4]:
        closure = Circle(float(net.graph.lat[node]), float(net.graph.lon[node]), 1.0)
        closed = net.with_closures([closure])
        try:
            detour = closed.route(43.238, 76.946, 41.311, 69.280)
        except NoRouteError:
            continue
        detours += 1
        assert detour.distance_km > leg.distance_km
        near = haversine_km(closure.lat, closure.lon, net.graph.lat, net.graph.lon) <= 1.0
        assert not any(near[n] for n in detour.node_path)
        if detours >= 3:
            break
    assert detours >= 1
    # The original network is unchanged.
    assert net.route(43.238, 76.946, 41.311, 69.280).distance_km == leg.distance_km
    # Closing everything around the origin cuts every route.
    boxed = net.with_closures([BBox(76.5, 42.9, 77.5, 43.6)])
    with pytest.raises(NoRouteError, match="No road route"):
        boxed.route(43.238, 76.946, 41.311, 69.280)


def test_arc_lengths_must_match_the_graph(almaty_file: Path) -> None:
    net = net_for(almaty_file, "auto")
    with pytest.raises(RequestError, match="one value per arc"):
        net.with_arc_lengths(np.zeros(3, dtype=np.int32))
    doubled = net.with_arc_lengths(net.arc_lengths_m() * 2)
    a = net.route_nodes(0, 5) if _connected(net, 0, 5) else None
    if a is not None:
        assert doubled.route_nodes(0, 5).distance_km == pytest.approx(2 * a.distance_km)
    assert int(net.arc_lengths_m().max()) < INF_WEIGHT_M


def _connected(net: RoadNetwork, a: int, b: int) -> bool:
    return bool(net.graph.component[a] == net.graph.component[b])


def test_points_on_disconnected_networks_give_no_route(tmp_path: Path) -> None:
    path = tmp_path / "islands.py"
    # Two separate two-node roads 100 km apart.
    path.write_text(
        "graph=[{1: 1.0}, {0: 1.0}, {3: 1.0}, {2: 1.0}]\n"
        "nodes=[[0.0, 0.0], [0.0, 0.009], [0.0, 0.9], [0.0, 0.909]]\n"
    )
    net = load_road_network(source=path, min_component_nodes=1, max_snap_km=20)
    with pytest.raises(NoRouteError, match="does not connect"):
        net.route(0.0, 0.0, 0.0, 0.9)
    # A point within max_snap_km of the other network is moved onto it instead.
    leg = net.route(0.0, 0.0, 0.0, 0.12)
    assert leg.node_path == [0, 1]
    assert leg.snap_destination_km == pytest.approx(
        float(haversine_km(0.0, 0.12, 0.0, 0.009)), abs=1e-6
    )


def test_routing_is_safe_from_several_threads(almaty_file: Path) -> None:
    net = net_for(almaty_file, "auto")
    expected = net.route(43.238, 76.946, 41.311, 69.280).distance_km
    results: list[float] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(50):
                results.append(net.route(43.238, 76.946, 41.311, 69.280).distance_km)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [expected] * 200


def test_loading_twice_returns_the_shared_instance(almaty_file: Path) -> None:
    assert net_for(almaty_file, "auto") is net_for(almaty_file, "auto")
    with pytest.raises(RequestError, match="Unknown road engine"):
        load_road_network(source=almaty_file, engine="astar")


def test_region_arguments_are_validated() -> None:
    with pytest.raises(RequestError, match="four numbers"):
        load_road_network(region=(1.0, 2.0, 3.0))
    with pytest.raises(RequestError, match="west < east"):
        BBox(10, 0, 5, 1)
    with pytest.raises(RequestError, match="not a number"):
        BBox.parse("a,b,c,d")
    assert BBox.parse("corridor") == BBox(44, 20, 90, 56)
    with pytest.raises(RequestError, match="radius"):
        Circle(0, 0, -1)


def test_numpy_scalars_are_accepted_and_strings_refused(almaty_file: Path) -> None:
    net = net_for(almaty_file, "auto")
    lats = np.array([43.238, 41.311], dtype=np.float32)
    lons = np.array([76.946, 69.280], dtype=np.float32)
    plain = net.route(float(lats[0]), float(lons[0]), float(lats[1]), float(lons[1]))
    leg = net.route(lats[0], lons[0], lats[1], lons[1])
    assert leg.distance_km == plain.distance_km
    assert leg.geometry[0] == plain.geometry[0]
    with pytest.raises(RequestError, match="must be numbers"):
        net.route("43.2", 76.9, 41.3, 69.3)
