"""Compiled one-criterion shortest paths on a compiled network (numba, cached on disk).

Used for the lower bounds that steer the multi-criteria search, and for single-objective
queries where thousands of flows are evaluated (batch runs). Arc values are static: waits for
services and border opening days are not modelled here (they are in `routing.search`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from daliz.network.compile import CompiledNetwork

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@njit(cache=True, nogil=True)
def _query(
    start: npt.NDArray[np.int32],
    head: npt.NDArray[np.int32],
    tail: npt.NDArray[np.int32],
    arc_index: npt.NDArray[np.int32],
    weight: FloatArray,
    arc_ok: BoolArray,
    node_ok: BoolArray,
    sources: IntArray,
    source_value: FloatArray,
    targets: IntArray,
    is_target: BoolArray,
) -> tuple[float, IntArray, int]:
    """One query: mark targets, search to the first, unmark, and return (value, arcs, target)."""
    for t in targets:
        is_target[t] = True
    dist, pred, hit = _dijkstra(
        start, head, arc_index, weight, arc_ok, node_ok, sources, source_value, is_target, True
    )
    for t in targets:
        is_target[t] = False
    if hit < 0:
        return np.inf, np.empty(0, dtype=np.int64), -1
    count = 0
    node = hit
    while pred[node] >= 0:
        count += 1
        node = tail[pred[node]]
    arcs = np.empty(count, dtype=np.int64)
    node = hit
    while pred[node] >= 0:
        count -= 1
        arcs[count] = pred[node]
        node = tail[pred[node]]
    return dist[hit], arcs, hit


@njit(cache=True, nogil=True)
def _dijkstra(
    start: npt.NDArray[np.int32],
    head: npt.NDArray[np.int32],
    arc_index: npt.NDArray[np.int32],
    weight: FloatArray,
    arc_ok: BoolArray,
    node_ok: BoolArray,
    sources: IntArray,
    source_value: FloatArray,
    is_target: BoolArray,
    stop_at_target: bool,
) -> tuple[FloatArray, IntArray, int]:
    """Multi-source Dijkstra with a binary heap; returns (dist, predecessor arc, target hit)."""
    n = start.shape[0] - 1
    dist = np.full(n, np.inf)
    pred = np.full(n, -1, dtype=np.int64)
    done = np.zeros(n, dtype=np.bool_)
    heap_key = np.empty(head.shape[0] + sources.shape[0] + 1)
    heap_node = np.empty(head.shape[0] + sources.shape[0] + 1, dtype=np.int64)
    size = 0
    for i in range(sources.shape[0]):
        s = sources[i]
        if source_value[i] < dist[s] and node_ok[s]:
            dist[s] = source_value[i]
            # push
            j = size
            size += 1
            while j > 0:
                parent = (j - 1) >> 1
                if heap_key[parent] <= source_value[i]:
                    break
                heap_key[j] = heap_key[parent]
                heap_node[j] = heap_node[parent]
                j = parent
            heap_key[j] = source_value[i]
            heap_node[j] = s
    hit = -1
    while size > 0:
        d = heap_key[0]
        u = heap_node[0]
        # pop
        size -= 1
        last_key = heap_key[size]
        last_node = heap_node[size]
        j = 0
        while True:
            c = 2 * j + 1
            if c >= size:
                break
            if c + 1 < size and heap_key[c + 1] < heap_key[c]:
                c += 1
            if heap_key[c] >= last_key:
                break
            heap_key[j] = heap_key[c]
            heap_node[j] = heap_node[c]
            j = c
        heap_key[j] = last_key
        heap_node[j] = last_node
        if done[u] or d > dist[u]:
            continue
        done[u] = True
        if is_target[u]:
            hit = u
            if stop_at_target:
                break
        for k in range(start[u], start[u + 1]):
            a = arc_index[k]
            if not arc_ok[a]:
                continue
            v = head[k]
            if done[v] or not node_ok[v]:
                continue
            nd = d + weight[a]
            if nd < dist[v]:
                dist[v] = nd
                pred[v] = a
                j = size
                size += 1
                while j > 0:
                    parent = (j - 1) >> 1
                    if heap_key[parent] <= nd:
                        break
                    heap_key[j] = heap_key[parent]
                    heap_node[j] = heap_node[parent]
                    j = parent
                heap_key[j] = nd
                heap_node[j] = v
    return dist, pred, hit


@dataclass(frozen=True)
class _Csr:
    start: npt.NDArray[np.int32]
    head: npt.NDArray[np.int32]
    arc_index: npt.NDArray[np.int32]


def _forward(cn: CompiledNetwork) -> _Csr:
    """The network's own arcs, sorted by tail (kept on the compiled network)."""
    csr = cn.derived.get("fast_forward")
    if not isinstance(csr, _Csr):
        csr = _Csr(cn.arc_start, cn.arc_head, np.arange(cn.arc_count, dtype=np.int32))
        cn.derived["fast_forward"] = csr
    return csr


def _reverse(cn: CompiledNetwork) -> _Csr:
    """The arcs reversed (sorted by head), for distances *to* targets."""
    csr = cn.derived.get("fast_reverse")
    if not isinstance(csr, _Csr):
        order = np.argsort(cn.arc_head, kind="stable").astype(np.int32)
        start = np.zeros(cn.node_count + 1, dtype=np.int32)
        np.add.at(start, cn.arc_head.astype(np.int64) + 1, 1)
        csr = _Csr(np.cumsum(start).astype(np.int32), cn.arc_tail[order].astype(np.int32), order)
        cn.derived["fast_reverse"] = csr
    return csr


def distances_to(
    cn: CompiledNetwork,
    weight: FloatArray,
    targets: set[int],
    arc_ok: BoolArray,
    node_ok: BoolArray | None = None,
) -> FloatArray:
    """Least total `weight` from every node to the nearest target (inf when unreachable)."""
    csr = _reverse(cn)
    nodes = node_ok if node_ok is not None else np.ones(cn.node_count, dtype=np.bool_)
    sources = np.fromiter(sorted(targets), dtype=np.int64, count=len(targets))
    dist, _, _ = _dijkstra(
        csr.start,
        csr.head,
        csr.arc_index,
        np.ascontiguousarray(weight, dtype=np.float64),
        arc_ok,
        nodes,
        sources,
        np.zeros(len(sources)),
        np.zeros(cn.node_count, dtype=np.bool_),
        False,
    )
    return dist


class ShortestPathQuery:
    """One-criterion queries against fixed arc weights, prepared once for many flows.

    >>> query = ShortestPathQuery(cn, prices.cost_usd, prices.usable)
    >>> best = query.run([origin_node], {target_node})
    """

    def __init__(
        self,
        cn: CompiledNetwork,
        weight: FloatArray,
        arc_ok: BoolArray,
        node_ok: BoolArray | None = None,
    ) -> None:
        self.cn = cn
        self._csr = _forward(cn)
        self._weight = np.ascontiguousarray(weight, dtype=np.float64)
        self._arc_ok = np.ascontiguousarray(arc_ok, dtype=np.bool_)
        self._node_ok = (
            np.ones(cn.node_count, dtype=np.bool_)
            if node_ok is None
            else np.ascontiguousarray(node_ok, dtype=np.bool_)
        )
        self._is_target = np.zeros(cn.node_count, dtype=np.bool_)
        self._tail = np.ascontiguousarray(cn.arc_tail, dtype=np.int32)
        self._zero_cache: dict[int, FloatArray] = {}

    def _zeros(self, n: int) -> FloatArray:
        if n not in self._zero_cache:
            self._zero_cache[n] = np.zeros(n)
        return self._zero_cache[n]

    def run(
        self,
        sources: npt.NDArray[np.int64] | list[int],
        targets: npt.NDArray[np.int64] | list[int] | set[int],
        source_values: FloatArray | None = None,
    ) -> ShortestPath | None:
        """Best path from any source to any target (None when none exists)."""
        src = sources if isinstance(sources, np.ndarray) else np.asarray(sources, dtype=np.int64)
        values = self._zeros(len(src)) if source_values is None else source_values
        if isinstance(targets, np.ndarray):
            marks = targets
        else:
            marks = np.asarray(list(targets), dtype=np.int64)
        value, arcs, hit = _query(
            self._csr.start,
            self._csr.head,
            self._tail,
            self._csr.arc_index,
            self._weight,
            self._arc_ok,
            self._node_ok,
            src,
            values,
            marks,
            self._is_target,
        )
        if hit < 0:
            return None
        return ShortestPath(float(value), arcs.tolist(), int(hit))


@dataclass(frozen=True)
class ShortestPath:
    """The best path by one criterion: its value and the arcs it uses, in order."""

    value: float
    arcs: list[int]
    target: int


def shortest_path(
    cn: CompiledNetwork,
    weight: FloatArray,
    sources: dict[int, float],
    targets: set[int],
    arc_ok: BoolArray,
    node_ok: BoolArray | None = None,
) -> ShortestPath | None:
    """Best path from any source (with its starting value) to any target by `weight`.

    Parameters
    ----------
    weight : per-arc value of the criterion (e.g. cost in USD, or a weighted sum), ≥ 0
    sources : start node → value already incurred there (e.g. an access leg's cost)
    targets : nodes where the path may end
    arc_ok, node_ok : masks of usable arcs and nodes
    """
    query = ShortestPathQuery(cn, weight, arc_ok, node_ok)
    values = np.fromiter(sources.values(), dtype=np.float64, count=len(sources))
    return query.run(list(sources), targets, values)
