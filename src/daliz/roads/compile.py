"""Compile a raw graph into CSR arrays: self-loops and parallel arcs removed, region cut out,
lengths in whole metres, connected components labelled."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from daliz.errors import DatasetError, Problem
from daliz.i18n import _
from daliz.roads.model import BBox
from daliz.roads.source import RawGraph

# RoutingKit treats 2**31 - 1 as "no arc"; keep every real arc, and every route sum, far below.
INF_WEIGHT_M = 2**31 - 1
MAX_ARC_M = 100_000_000  # 100 000 km: longer than any real arc; larger values are data errors

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CompiledGraph:
    """A directed graph in CSR form (arcs sorted by tail) with node coordinates.

    Arrays may be read-only memory maps. Node ids are 0..node_count-1 of this (possibly cut-out)
    graph; source_node maps them back to ids of the source file. weight_m holds arc lengths in
    whole metres; component labels weakly connected components.
    """

    lat: FloatArray
    lon: FloatArray
    indptr: npt.NDArray[np.int64]
    head: IntArray
    weight_m: IntArray
    component: IntArray
    source_node: IntArray
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def node_count(self) -> int:
        return int(self.lat.shape[0])

    @property
    def arc_count(self) -> int:
        return int(self.head.shape[0])

    def tail(self) -> IntArray:
        """Tail node of every arc (derived from indptr)."""
        counts = np.diff(self.indptr)
        return np.repeat(np.arange(self.node_count, dtype=np.int32), counts)

    def component_sizes(self) -> npt.NDArray[np.int64]:
        """Node count of every component label."""
        return np.bincount(self.component).astype(np.int64)

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The arrays by file stem, as the cache stores them."""
        return {
            "lat": self.lat,
            "lon": self.lon,
            "indptr": self.indptr,
            "head": self.head,
            "weight_m": self.weight_m,
            "component": self.component,
            "source_node": self.source_node,
        }


def compile_graph(raw: RawGraph, *, region: BBox | None = None, file: str = "") -> CompiledGraph:
    """Build the CSR graph from raw arrays, keeping only nodes inside region (if given)."""
    tail = raw.tail
    head = raw.head
    weight_m = np.rint(raw.weight_km * 1000.0)
    too_long = np.flatnonzero(weight_m > MAX_ARC_M)
    if too_long.size:
        arc = int(too_long[0])
        raise DatasetError(
            [
                Problem(
                    file,
                    None,
                    "graph",
                    _(
                        "arc {tail} -> {head} is {km} km long; lengths must be km below {most}"
                    ).format(
                        tail=int(tail[arc]),
                        head=int(head[arc]),
                        km=raw.weight_km[arc],
                        most=MAX_ARC_M // 1000,
                    ),
                )
            ],
            what="road graph file",
        )
    keep_arc = tail != head  # self-loops carry no route
    node_ids = np.arange(raw.node_count, dtype=np.int64)
    if region is not None:
        inside = (
            (raw.lat >= region.min_lat)
            & (raw.lat <= region.max_lat)
            & (raw.lon >= region.min_lon)
            & (raw.lon <= region.max_lon)
        )
        keep_arc &= inside[tail] & inside[head]
        node_ids = np.flatnonzero(inside)
        new_id = np.full(raw.node_count, -1, dtype=np.int64)
        new_id[node_ids] = np.arange(node_ids.shape[0])
        tail = new_id[tail[keep_arc]]
        head = new_id[head[keep_arc]]
    else:
        tail = tail[keep_arc]
        head = head[keep_arc]
    weight_m = weight_m[keep_arc].astype(np.int64)
    n = int(node_ids.shape[0])

    # Sort arcs by (tail, head, length) and keep the shortest of parallel arcs.
    order = np.lexsort((weight_m, head, tail))
    tail, head, weight_m = tail[order], head[order], weight_m[order]
    first = np.ones(tail.shape[0], dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    tail, head, weight_m = tail[first], head[first], weight_m[first]

    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    head32 = head.astype(np.int32)
    adjacency = csr_matrix((np.ones(head32.shape[0], dtype=np.int8), head32, indptr), shape=(n, n))
    _count, labels = connected_components(adjacency, directed=True, connection="weak")
    return CompiledGraph(
        lat=np.ascontiguousarray(raw.lat[node_ids]),
        lon=np.ascontiguousarray(raw.lon[node_ids]),
        indptr=indptr,
        head=head32,
        weight_m=weight_m.astype(np.int32),
        component=labels.astype(np.int32),
        source_node=node_ids.astype(np.int32),
    )
