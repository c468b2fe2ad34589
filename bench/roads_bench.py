"""Road-leg routing on the world highway graph: daliz (RoutingKit CCH) against networkx, scipy
and scgraph on the same graph and the same pairs, in one run, with medians and ratios; plus
preprocessing time, and ready time and RSS of fresh processes loading the cached graph.

    .venv/bin/python bench/roads_bench.py                 # about 2-4 minutes on 2 cores
    .venv/bin/python bench/roads_bench.py --pairs 100 --nx-pairs 30 --json out/roads_bench.json

Pairs: Almaty -> Karachi plus --pairs random pairs of road nodes in the corridor region
(lon 44-90, lat 20-56) on the main road network, seeded. Node-to-node timings include the
path; "route" timings start from latitude/longitude and include snapping (and geometry).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from daliz.roads import CORRIDOR_BBOX, RoadNetwork, load_road_network
from daliz.roads.engine import CCHEngine, DijkstraEngine

ALMATY = (43.238, 76.946)
KARACHI = (24.861, 67.010)

Pair = tuple[int, int]


def median_ms(samples_s: list[float]) -> float:
    return statistics.median(samples_s) * 1000.0


def time_each(
    fn: Callable[[int, int], float | None], pairs: list[Pair], repeat: int
) -> list[float]:
    """Seconds per call for every pair (mean of `repeat` calls), after one warm-up call."""
    fn(*pairs[0])
    out = []
    for s, t in pairs:
        started = time.perf_counter()
        for _ in range(repeat):
            fn(s, t)
        out.append((time.perf_counter() - started) / repeat)
    return out


def pick_pairs(net: RoadNetwork, count: int, seed: int) -> list[Pair]:
    """Almaty -> Karachi, then random pairs of the largest component inside the corridor box."""
    lat = np.asarray(net.graph.lat)
    lon = np.asarray(net.graph.lon)
    first = net.snap(*ALMATY)[0], net.snap(*KARACHI)[0]
    main = net.graph.component[first[0]]
    nodes = net.snapper.nodes
    inside = nodes[
        (net.graph.component[nodes] == main)
        & (lat[nodes] >= CORRIDOR_BBOX.min_lat)
        & (lat[nodes] <= CORRIDOR_BBOX.max_lat)
        & (lon[nodes] >= CORRIDOR_BBOX.min_lon)
        & (lon[nodes] <= CORRIDOR_BBOX.max_lon)
    ]
    rng = np.random.default_rng(seed)
    chosen = rng.choice(inside, size=(count, 2))
    return [first] + [(int(a), int(b)) for a, b in chosen.tolist()]


def fresh_process(code: str) -> dict[str, Any]:
    """Run code in a new interpreter that prints one JSON line; return it."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=os.environ
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


MEMORY = """
def memory_mb():
    fields = {}
    with open('/proc/self/status') as fh:
        for line in fh:
            key, _, value = line.partition(':')
            fields[key] = value
    return int(fields['VmRSS'].split()[0]) / 1024, int(fields['VmHWM'].split()[0]) / 1024
"""

LOAD_CODE = (
    MEMORY
    + """
import json, time
t0 = time.perf_counter()
import numpy, scipy.sparse, scipy.spatial
t1 = time.perf_counter()
from daliz.roads import load_road_network
net = load_road_network(REGION)
t2 = time.perf_counter()
leg = net.route(43.238, 76.946, 24.861, 67.010)
t3 = time.perf_counter()
rss, peak = memory_mb()
print(json.dumps({"imports_s": t1 - t0, "load_s": t2 - t1, "first_route_s": t3 - t2,
                  "rss_mb": rss, "peak_mb": peak, "km": leg.distance_km}))
"""
)

NAIVE_CODE = (
    MEMORY
    + """
import json, sys, time, types
# scgraph-data's modules start with `from scgraph.core import GeoGraph`, which scgraph 3 moved;
# this puts scgraph's own GeoGraph (or, without scgraph, a holder of the literals) under the old
# name, so the import runs as it would with a compatible scgraph.
t0 = time.perf_counter()
core = types.ModuleType("scgraph.core")
try:
    from scgraph import GeoGraph
    kind = "scgraph.GeoGraph"
except ImportError:
    class GeoGraph:
        def __init__(self, graph, nodes):
            self.graph, self.nodes = graph, nodes
    kind = "literals only"
core.GeoGraph = GeoGraph
sys.modules["scgraph.core"] = core
import scgraph_data.world_highways as module
t1 = time.perf_counter()
rss, peak = memory_mb()
print(json.dumps({"load_s": t1 - t0, "rss_mb": rss, "peak_mb": peak, "as": kind,
                  "nodes": len(module.world_highways_geograph.nodes)}))
"""
)


def arcs_km(net: RoadNetwork) -> tuple[list[int], list[int], list[float]]:
    """Arc tails, heads and lengths in km as Python lists, for the peers' own graph types."""
    graph = net.graph
    weight_km = np.asarray(graph.weight_m, dtype=np.float64) / 1000.0
    return graph.tail().tolist(), np.asarray(graph.head).tolist(), weight_km.tolist()


def bench_scgraph(
    net: RoadNetwork,
    pairs: list[Pair],
    points: dict[int, tuple[float, float]],
    results: dict[str, list[float]],
    distances: dict[str, list[float | None]],
    figures: dict[str, Any],
) -> None:
    """scgraph's compiled Graph searches and its GeoGraph lat/lon query on the same arcs."""
    try:
        import scgraph
    except ImportError:
        print("  scgraph not installed: skipped")
        return
    from importlib.metadata import version

    figures["scgraph_version"] = version("scgraph")
    print(f"timing scgraph {figures['scgraph_version']} …", flush=True)
    adjacency: list[dict[int, float]] = [{} for _ in range(net.node_count)]
    for a, b, w in zip(*arcs_km(net), strict=True):
        adjacency[a][b] = w
    sc_graph = scgraph.Graph(adjacency)
    figures["scgraph_backend"] = type(sc_graph).__module__

    def sc_bidir(s: int, t: int) -> float | None:
        return float(sc_graph.bidirectional_dijkstra(origin_id=s, destination_id=t)["length"])

    def sc_buckets(s: int, t: int) -> float | None:
        return float(sc_graph.bidirectional_buckets(origin_id=s, destination_id=t)["length"])

    results["scgraph bidirectional_dijkstra"] = time_each(sc_bidir, pairs, 3)
    results["scgraph bidirectional_buckets (its default)"] = time_each(sc_buckets, pairs, 3)
    distances["scgraph"] = [sc_bidir(s, t) for s, t in pairs]
    lat = np.asarray(net.graph.lat).tolist()
    lon = np.asarray(net.graph.lon).tolist()
    geo = scgraph.GeoGraph(graph=adjacency, nodes=[[a, b] for a, b in zip(lat, lon, strict=True)])

    def sc_geo(s: int, t: int) -> float:
        (la1, lo1), (la2, lo2) = points[s], points[t]
        out = geo.get_shortest_path(
            origin_node={"latitude": la1, "longitude": lo1},
            destination_node={"latitude": la2, "longitude": lo2},
        )
        return float(out["length"])

    results["scgraph GeoGraph lat/lon (snap+path)"] = time_each(sc_geo, pairs, 1)


def bench_networkx(
    net: RoadNetwork,
    pairs: list[Pair],
    results: dict[str, list[float]],
    distances: dict[str, list[float | None]],
) -> None:
    """networkx single-source Dijkstra with a target (stops when the target is settled)."""
    import networkx as nx

    print("building the networkx graph …", flush=True)
    nx_graph = nx.DiGraph()
    nx_graph.add_weighted_edges_from(zip(*arcs_km(net), strict=True))
    print(f"timing networkx Dijkstra on {len(pairs)} pairs …", flush=True)

    def nx_path(s: int, t: int) -> float | None:
        try:
            length, _path = nx.single_source_dijkstra(nx_graph, s, t, weight="weight")
        except nx.NetworkXNoPath:
            return None
        return float(length)

    results["networkx dijkstra"] = time_each(nx_path, pairs, 1)
    distances["networkx"] = [nx_path(s, t) for s, t in pairs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100, help="random pairs (plus Almaty-Karachi)")
    parser.add_argument("--nx-pairs", type=int, default=30, help="pairs timed with networkx")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=200, help="calls per pair for fast engines")
    parser.add_argument("--skip-preprocess", action="store_true", help="do not time the CCH order")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    figures: dict[str, Any] = {"pairs": args.pairs + 1}

    print("loading the world highway graph (compiled on first use) …", flush=True)
    started = time.perf_counter()
    net = load_road_network()
    figures["load_in_bench_s"] = time.perf_counter() - started
    graph = net.graph
    print(f"  {graph.node_count:,} nodes, {graph.arc_count:,} arcs, engine {net.engine_name}")
    if not isinstance(net.engine, CCHEngine):
        sys.exit("routingkit-cch is not installed: pip install 'daliz[roads]'")
    pairs = pick_pairs(net, args.pairs, args.seed)
    tail = graph.tail()
    head = np.asarray(graph.head)
    weight_km = np.asarray(graph.weight_m, dtype=np.float64) / 1000.0

    # ---- preprocessing -----------------------------------------------------------------
    if not args.skip_preprocess:
        import routingkit_cch

        rk: Any = routingkit_cch  # its stubs ask for lists; numpy arrays work and save memory
        print("timing CCH preprocessing (order, hierarchy, customisation) …", flush=True)
        t0 = time.perf_counter()
        order = rk.compute_order_inertial(
            graph.node_count,
            tail,
            head,
            np.asarray(graph.lat).tolist(),
            np.asarray(graph.lon).tolist(),
        )
        t1 = time.perf_counter()
        cch = rk.CCH(np.asarray(order, dtype=np.int32), tail, head, False)
        t2 = time.perf_counter()
        CCHEngine(cch, graph.weight_m)
        t3 = time.perf_counter()
        figures["cch_order_s"] = t1 - t0
        figures["cch_build_s"] = t2 - t1
        figures["cch_customise_s"] = t3 - t2
        del cch
    t0 = time.perf_counter()
    closed = net.with_closures([])  # a full re-customisation with new weights (scenario)
    figures["recustomise_s"] = time.perf_counter() - t0
    del closed

    # ---- daliz ---------------------------------------------------------------------------
    engine = net.engine
    results: dict[str, list[float]] = {}
    distances: dict[str, list[float | None]] = {}

    def cch_path(s: int, t: int) -> float | None:
        r = engine.shortest([(s, 0)], [(t, 0)])
        return None if r is None else r.distance_m / 1000.0

    def cch_dist(s: int, t: int) -> float | None:
        r = engine.shortest([(s, 0)], [(t, 0)], with_path=False)
        return None if r is None else r.distance_m / 1000.0

    lat = np.asarray(graph.lat)
    lon = np.asarray(graph.lon)
    points = {n: (float(lat[n]), float(lon[n])) for pair in pairs for n in pair}

    def route_geometry(s: int, t: int) -> float:
        return float(net.route(*points[s], *points[t]).distance_km)

    def route_light(s: int, t: int) -> float:
        return float(net.route(*points[s], *points[t], geometry=False).distance_km)

    print("timing daliz CCH …", flush=True)
    results["daliz CCH node->node (path)"] = time_each(cch_path, pairs, args.repeat)
    results["daliz CCH node->node (distance)"] = time_each(cch_dist, pairs, args.repeat)
    results["daliz route lat/lon (snap+path+geometry)"] = time_each(
        route_geometry, pairs, args.repeat
    )
    results["daliz route lat/lon (snap, no geometry)"] = time_each(route_light, pairs, args.repeat)
    distances["daliz"] = [cch_path(s, t) for s, t in pairs]

    # ---- scipy ---------------------------------------------------------------------------
    print("timing scipy one-source Dijkstra …", flush=True)
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    matrix = csr_matrix((weight_km, head, np.asarray(graph.indptr)), shape=(graph.node_count,) * 2)

    def scipy_path(s: int, t: int) -> float | None:
        dist, _pred = dijkstra(matrix, indices=s, return_predecessors=True)
        d = float(dist[t])
        return d if np.isfinite(d) else None

    results["scipy dijkstra one-source"] = time_each(scipy_path, pairs, 1)
    distances["scipy"] = [scipy_path(s, t) for s, t in pairs]
    fallback = DijkstraEngine(graph)
    results["daliz fallback (scipy, path)"] = time_each(
        lambda s, t: fallback.shortest([(s, 0)], [(t, 0)]) and 0.0, pairs[: args.nx_pairs], 1
    )

    # ---- scgraph and networkx -------------------------------------------------------------
    bench_scgraph(net, pairs, points, results, distances, figures)
    bench_networkx(net, pairs[: args.nx_pairs], results, distances)

    # ---- agreement -------------------------------------------------------------------------
    agreement: dict[str, int] = {}
    for name, values in distances.items():
        mismatches = 0
        for ours, theirs in zip(distances["daliz"], values, strict=False):
            if (ours is None) != (theirs is None) or (
                ours is not None and theirs is not None and abs(ours - theirs) > 1e-6 * ours + 1e-6
            ):
                mismatches += 1
        agreement[name] = mismatches
    figures["distance_mismatches_vs_daliz"] = agreement
    figures["almaty_karachi_km"] = distances["daliz"][0]

    # ---- fresh processes: ready time and RSS -----------------------------------------------
    print("measuring fresh processes (cached graph) …", flush=True)
    figures["process_world"] = fresh_process(LOAD_CODE.replace("REGION", "None"))
    figures["process_corridor"] = fresh_process(LOAD_CODE.replace("REGION", "'corridor'"))
    figures["process_naive_scgraph_data_import"] = fresh_process(NAIVE_CODE)

    # ---- report ----------------------------------------------------------------------------
    reference = median_ms(results["daliz CCH node->node (path)"])
    route_ref = median_ms(results["daliz route lat/lon (snap+path+geometry)"])
    figures["timings_ms"] = {}
    print()
    print(f"{'engine':46} {'pairs':>5} {'median ms':>11} {'A->K ms':>10} {'x CCH path':>11}")
    for name, samples in results.items():
        med = median_ms(samples)
        first = samples[0] * 1000.0
        ratio = med / reference
        figures["timings_ms"][name] = {
            "median": med,
            "p90": float(np.percentile(samples, 90)) * 1000.0,
            "almaty_karachi": first,
            "pairs": len(samples),
            "ratio_to_cch_path": ratio,
        }
        print(f"{name:46} {len(samples):5d} {med:11.4f} {first:10.4f} {ratio:11.1f}")
    if "scgraph GeoGraph lat/lon (snap+path)" in results:
        sc = median_ms(results["scgraph GeoGraph lat/lon (snap+path)"])
        print(f"\nlat/lon to lat/lon with snapping: scgraph / daliz route = {sc / route_ref:,.0f}x")
        figures["ratio_scgraph_geograph_to_daliz_route"] = sc / route_ref
    if "networkx dijkstra" in results:
        nxm = median_ms(results["networkx dijkstra"])
        print(f"networkx / daliz route (lat/lon incl. snapping) = {nxm / route_ref:,.0f}x")
        figures["ratio_networkx_to_daliz_route"] = nxm / route_ref
    print()
    for key in ("cch_order_s", "cch_build_s", "cch_customise_s", "recustomise_s"):
        if key in figures:
            print(f"{key:24} {figures[key]:8.3f} s")
    print(f"distance mismatches vs daliz: {agreement}")
    print(f"Almaty -> Karachi: {figures['almaty_karachi_km']:.1f} km")
    for key in ("process_world", "process_corridor", "process_naive_scgraph_data_import"):
        print(f"{key:36} {json.dumps(figures[key])}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
