"""Shortest-path engines on a compiled graph, both answering the same question:
the shortest path from any of some (node, offset_m) sources to any of some (node, offset_m)
targets, in whole metres.

- CCHEngine: Customizable Contraction Hierarchies from RoutingKit (package `routingkit-cch`).
  The node order (nested dissection, the slow step) is cached beside the graph; building the
  hierarchy and customising it with weights take well under a second for the world graph, and
  new weights (closures, scenarios) only need a new customisation.
- DijkstraEngine: scipy's compiled one-source Dijkstra; the fallback when routingkit-cch is
  not installed, and the reference the tests compare against.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from daliz.errors import DalizError
from daliz.i18n import _
from daliz.roads.cache import load_order, save_order
from daliz.roads.compile import INF_WEIGHT_M, CompiledGraph

Endpoint = tuple[int, int]  # (node id, offset in metres already travelled or still to travel)
WeightArray = npt.NDArray[np.int32]


class EngineUnavailableError(DalizError):
    """The requested routing engine cannot run here (its package is not installed)."""


@dataclass(frozen=True, slots=True)
class PathResult:
    """Length in metres (offsets included) and the node path, empty if not asked for."""

    distance_m: int
    node_path: list[int]


class PathEngine(Protocol):
    """What RoadNetwork needs from an engine."""

    name: str

    def shortest(
        self, sources: Sequence[Endpoint], targets: Sequence[Endpoint], *, with_path: bool = True
    ) -> PathResult | None:
        """Shortest path from any source to any target, or None if none is reachable."""
        ...

    def with_weights(self, weight_m: WeightArray) -> PathEngine:
        """A new engine on the same graph with other arc lengths (INF_WEIGHT_M closes an arc)."""
        ...


def cch_available() -> bool:
    """Whether the routingkit-cch package can be imported."""
    try:
        import routingkit_cch  # noqa: F401
    except ImportError:
        return False
    return True


class CCHEngine:
    """Queries on a RoutingKit Customizable Contraction Hierarchy (thread-safe: one query
    object per thread, the hierarchy and metric are shared read-only)."""

    name = "cch"

    def __init__(self, cch: Any, weight_m: WeightArray) -> None:
        import routingkit_cch as rk

        self._rk = rk
        self._cch = cch
        # RoutingKit copies the weights into its own buffers; numpy arrays are accepted as-is.
        self._metric = rk.CCHMetric(cch, _as_any(np.ascontiguousarray(weight_m, dtype=np.int32)))
        self._local = threading.local()

    @classmethod
    def build(cls, graph: CompiledGraph, weight_m: WeightArray | None = None) -> CCHEngine:
        """Build the hierarchy for graph (node order from the cache when present)."""
        try:
            import routingkit_cch as rk
        except ImportError:
            raise EngineUnavailableError(
                _("The CCH engine needs the routingkit-cch package, which is not installed."),
                hint=_(
                    "Install the roads extra (pip install 'daliz[roads]') or use engine='dijkstra'."
                ),
            ) from None
        order = compute_order(graph)
        tail = graph.tail()
        head = np.ascontiguousarray(graph.head, dtype=np.int32)
        # Passing numpy arrays (not lists) keeps peak memory low: no million-int Python lists.
        cch = rk.CCH(_as_any(order), _as_any(tail), _as_any(head), False)
        return cls(cch, graph.weight_m if weight_m is None else weight_m)

    def _query(self) -> Any:
        query = getattr(self._local, "query", None)
        if query is None:
            query = self._rk.CCHQuery(self._metric)
            self._local.query = query
        return query

    def shortest(
        self, sources: Sequence[Endpoint], targets: Sequence[Endpoint], *, with_path: bool = True
    ) -> PathResult | None:
        query = self._query()
        if len(sources) == 1 and len(targets) == 1 and sources[0][1] == 0 and targets[0][1] == 0:
            result = query.run(sources[0][0], targets[0][0])
        else:
            result = query.run_multi(list(sources), list(targets))
        try:
            distance = result.distance
            if distance is None or distance >= INF_WEIGHT_M:
                return None
            path = list(result.node_path) if with_path else []
        finally:
            # RoutingKit's result borrows the query; it must be gone before the next run.
            del result
        return PathResult(int(distance), path)

    def with_weights(self, weight_m: WeightArray) -> CCHEngine:
        return CCHEngine(self._cch, weight_m)


def compute_order(graph: CompiledGraph) -> npt.NDArray[np.int32]:
    """The CCH node order (inertial nested dissection), from the graph's cache folder if there;
    computed (the slow, weight-independent step) and stored there otherwise."""
    import routingkit_cch as rk

    folder = graph.meta.get("cache_dir")
    if folder:
        cached = load_order(Path(folder), graph.node_count)
        if cached is not None:
            return cached
    tail = graph.tail()
    order = np.asarray(
        rk.compute_order_inertial(
            graph.node_count,
            _as_any(tail),
            _as_any(np.ascontiguousarray(graph.head, dtype=np.int32)),
            np.asarray(graph.lat, dtype=np.float64).tolist(),
            np.asarray(graph.lon, dtype=np.float64).tolist(),
        ),
        dtype=np.int32,
    )
    if folder:
        save_order(Path(folder), order)
    return order


class DijkstraEngine:
    """scipy's one-source Dijkstra, one run per source endpoint."""

    name = "dijkstra"

    def __init__(self, graph: CompiledGraph, weight_m: WeightArray | None = None) -> None:
        weights = np.asarray(graph.weight_m if weight_m is None else weight_m)
        open_arc = weights < INF_WEIGHT_M
        counts = np.bincount(graph.tail()[open_arc], minlength=graph.node_count)
        indptr = np.zeros(graph.node_count + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        self._graph = graph
        self._matrix = csr_matrix(
            (
                weights[open_arc].astype(np.float64),
                np.asarray(graph.head)[open_arc],
                indptr,
            ),
            shape=(graph.node_count, graph.node_count),
        )

    def shortest(
        self, sources: Sequence[Endpoint], targets: Sequence[Endpoint], *, with_path: bool = True
    ) -> PathResult | None:
        best: tuple[float, int, npt.NDArray[np.int32]] | None = None
        target_nodes = np.array([t for t, _ in targets], dtype=np.int64)
        target_offsets = np.array([o for _, o in targets], dtype=np.float64)
        for source, offset in sources:
            dist, pred = dijkstra(self._matrix, indices=source, return_predecessors=True)
            totals = dist[target_nodes] + target_offsets + offset
            pick = int(np.argmin(totals))
            if np.isfinite(totals[pick]) and (best is None or totals[pick] < best[0]):
                best = (float(totals[pick]), int(target_nodes[pick]), pred)
        if best is None:
            return None
        total, target, pred = best
        path: list[int] = []
        if with_path:
            node = target
            while node >= 0:
                path.append(node)
                node = int(pred[node])
            path.reverse()
        return PathResult(round(total), path)

    def with_weights(self, weight_m: WeightArray) -> DijkstraEngine:
        return DijkstraEngine(self._graph, weight_m)


def _as_any(array: npt.NDArray[Any]) -> Any:
    """routingkit-cch's stubs say list[int]; its Rust side takes any sequence, numpy included."""
    return array
