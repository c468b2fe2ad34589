"""Planning speed on a dataset: one full plan (p50/p90), and the search alone against networkx.

Run:  .venv/bin/python bench/plan_bench.py [--dataset DIR] [--repeat 50]

Prints, in one run:
- a full plan (resolve → price → Pareto search → explain → rules), p50 and p90 in ms;
- single-criterion shortest path on the same compiled graph: daliz's compiled Dijkstra
  (`routing.fast`, numba) vs networkx's Dijkstra (baseline), and the ratio;
- the multi-criteria (cost, time, CO2e) corridor search alone: compiled (`routing.kernel`) vs
  the same search in plain Python (`pareto_search_reference`, baseline), and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import networkx as nx
import numpy as np

from daliz.costs.pricing import price_arcs
from daliz.costs.shipment import CargoType, Shipment
from daliz.network.places import resolve_place
from daliz.planning import plan, planning_context
from daliz.planning.planner import EPSILON, PRUNE_FACTOR
from daliz.routing.fast import ShortestPathQuery
from daliz.routing.search import Start, pareto_search, pareto_search_reference

PAIRS = [
    ("Kostanay", "Karachi", "wheat", 500.0),
    ("Almaty", "Lahore", "wheat", 120.0),
    ("Astana", "Karachi", "buckwheat", 60.0),
    ("Karachi", "Almaty", "citrus", 200.0),
    ("Tashkent", "Peshawar", "onion", 80.0),
    ("Shymkent", "Karachi", "wheat", 500.0),
    ("Tashkent", "Karachi", "wheat", 100.0),
]


def _ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p50 = statistics.median(samples)
    p90 = samples[int(0.9 * (len(samples) - 1))]
    return f"p50 {p50 * 1000:8.3f} ms   p90 {p90 * 1000:8.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", default=None)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--draws", type=int, default=0, help="reliability draws per plan")
    args = parser.parse_args()
    ctx = planning_context(args.dataset)
    cn = ctx.compiled
    print(
        f"dataset {ctx.network.info.name} {ctx.network.info.version}: "
        f"{cn.node_count} nodes, {cn.arc_count} arcs"
    )

    pairs = []
    for origin, destination, commodity, tonnes in PAIRS:
        try:
            plan(
                origin=origin,
                destination=destination,
                commodity=commodity,
                tonnes=tonnes,
                dataset=args.dataset,
                draws=args.draws,
                date="2027-03-01",
            )
            pairs.append((origin, destination, commodity, tonnes))
        except Exception as exc:  # a pair the dataset cannot serve is reported, not fatal
            print(f"skip {origin} → {destination}: {exc}")
    if not pairs:
        raise SystemExit("no pair could be planned on this dataset")

    full: list[float] = []
    counts: list[int] = []
    for _ in range(args.repeat):
        for origin, destination, commodity, tonnes in pairs:
            start = time.perf_counter()
            result = plan(
                origin=origin,
                destination=destination,
                commodity=commodity,
                tonnes=tonnes,
                dataset=args.dataset,
                draws=args.draws,
                date="2027-03-01",
            )
            full.append(time.perf_counter() - start)
            counts.append(len(result.alternatives))
    print(
        f"full plan ({args.draws} draws), {len(full)} plans, "
        f"{statistics.mean(counts):.1f} alternatives on average:  {_ms(full)}"
    )

    # Search alone, same compiled graph: single criterion vs networkx Dijkstra.
    shipment = Shipment(tonnes=500.0, cargo_type=CargoType.BULK)
    prices = price_arcs(cn, shipment)
    graph = nx.DiGraph()
    for arc in range(cn.arc_count):
        u, v, w = int(cn.arc_tail[arc]), int(cn.arc_head[arc]), float(prices.cost_usd[arc])
        if prices.usable[arc] and (not graph.has_edge(u, v) or graph.edges[u, v]["w"] > w):
            graph.add_edge(u, v, w=w)
    departure = dt.datetime(2027, 3, 1, 8)
    net = ctx.network
    ours: list[float] = []
    multi: list[float] = []
    reference: list[float] = []  # the same search in plain Python (routing.search's reference)
    query = ShortestPathQuery(cn, prices.cost_usd, prices.usable)
    theirs: list[float] = []
    for origin, destination, _, _ in pairs:
        a, b = resolve_place(net, origin), resolve_place(net, destination)
        src = [
            cn.node_of[(cn.place_index[a.id], c)]
            for c in (0, 1, 2, 3)
            if (cn.place_index[a.id], c) in cn.node_of
        ]
        dst = {
            cn.node_of[(cn.place_index[b.id], c)]
            for c in (0, 1, 2, 3)
            if (cn.place_index[b.id], c) in cn.node_of
        }
        graph.add_node("S")
        for s in src:
            graph.add_edge("S", s, w=0.0)
        for t in dst:
            graph.add_edge(t, "T", w=0.0)
        src_array = np.asarray(src, dtype=np.int64)
        dst_array = np.asarray(sorted(dst), dtype=np.int64)
        # Each method in its own loop, so one's garbage does not land in another's timing.
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            nx.dijkstra_path_length(graph, "S", "T", weight="w")
            theirs.append(time.perf_counter() - t0)
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            best = query.run(src_array, dst_array)
            ours.append(time.perf_counter() - t0)
            assert best is not None
        for search, samples in ((pareto_search, multi), (pareto_search_reference, reference)):
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                search(
                    cn,
                    prices,
                    [Start(s) for s in src],
                    dst,
                    departure=departure,
                    weights=(1.0 / 50_000, 1.0 / 240, 1.0 / 75_000),
                    prune_factor=PRUNE_FACTOR,
                    epsilon=EPSILON,
                )
                samples.append(time.perf_counter() - t0)
        graph.remove_node("S")
        graph.remove_node("T")
    print(f"networkx Dijkstra (baseline, cost only):   {_ms(theirs)}")
    print(f"daliz compiled Dijkstra (cost only):       {_ms(ours)}")
    ratio = statistics.median(theirs) / statistics.median(ours)
    print(f"ratio networkx / daliz, one criterion:     {ratio:.1f}×")
    print(f"corridor search, Python reference (baseline): {_ms(reference)}")
    print(f"corridor search, compiled (cost/time/CO2e):   {_ms(multi)}")
    ratio = statistics.median(reference) / statistics.median(multi)
    print(f"ratio reference / compiled, corridor search:  {ratio:.1f}×")


if __name__ == "__main__":
    main()
