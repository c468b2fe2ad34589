"""Helpers shared by the road tests: cut-out boxes, engine list, cut-out writer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from daliz.roads import BBox
from daliz.roads.source import RawGraph

# Peshawar - Islamabad - Rawalpindi, with the Khyber approach: about 600 nodes.
PESHAWAR_BBOX = BBox(70.5, 33.0, 73.5, 35.0)
# Almaty - Bishkek - Tashkent - Shymkent: about 900 nodes.
ALMATY_BBOX = BBox(68.0, 41.0, 80.0, 45.0)


def has_cch() -> bool:
    try:
        import routingkit_cch  # noqa: F401
    except ImportError:
        return False
    return True


ENGINES = [
    "dijkstra",
    pytest.param("cch", marks=pytest.mark.skipif(not has_cch(), reason="no CCH")),
]


def write_cutout(raw: RawGraph, bbox: BBox, path: Path) -> Path:
    """Write the nodes inside bbox and the arcs between them as an scgraph .graphjson file."""
    inside = (
        (raw.lat >= bbox.min_lat)
        & (raw.lat <= bbox.max_lat)
        & (raw.lon >= bbox.min_lon)
        & (raw.lon <= bbox.max_lon)
    )
    ids = np.flatnonzero(inside)
    new_id = np.full(raw.node_count, -1)
    new_id[ids] = np.arange(ids.shape[0])
    keep = inside[raw.tail] & inside[raw.head]
    graph: list[dict[str, float]] = [{} for _ in range(ids.shape[0])]
    for t, h, w in zip(
        new_id[raw.tail[keep]].tolist(),
        new_id[raw.head[keep]].tolist(),
        raw.weight_km[keep].tolist(),
        strict=True,
    ):
        graph[t][str(h)] = w
    nodes = [[float(a), float(b)] for a, b in zip(raw.lat[ids], raw.lon[ids], strict=True)]
    path.write_text(json.dumps({"type": "GeoGraph", "graph": graph, "nodes": nodes}))
    return path
