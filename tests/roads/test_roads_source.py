"""Reading graph files: the scgraph-data module layout (without scgraph) and .graphjson."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from daliz.errors import DatasetError
from daliz.roads.source import (
    OSM_ATTRIBUTION,
    GraphSource,
    RoadDataMissingError,
    find_source,
    read_graph,
)

MODULE = """
from scgraph.core import GeoGraph
graph=[{1: 1.5, 2: 0.25}, {0: 1.5}, {0: 0.25, 2: 0.0}]
nodes=[[43.25, 76.95], [43.3, 77.0], [-10.5, -70.125]]
tiny_geograph = GeoGraph(graph=graph, nodes=nodes)
"""


def source_for(path: Path) -> GraphSource:
    return find_source(str(path))


def test_module_layout_is_read_without_importing_scgraph(tmp_path: Path) -> None:
    path = tmp_path / "tiny.py"
    path.write_text(MODULE)
    raw = read_graph(source_for(path))
    assert raw.lat.tolist() == [43.25, 43.3, -10.5]
    assert raw.lon.tolist() == [76.95, 77.0, -70.125]
    assert raw.tail.tolist() == [0, 0, 1, 2, 2]
    assert raw.head.tolist() == [1, 2, 0, 0, 2]
    assert raw.weight_km.tolist() == [1.5, 0.25, 1.5, 0.25, 0.0]


def test_empty_adjacency_keeps_node_numbering(tmp_path: Path) -> None:
    path = tmp_path / "gap.py"
    path.write_text("graph=[{}, {2: 1.0}, {1: 1.0}]\nnodes=[[0, 0], [1, 1], [2, 2]]\n")
    raw = read_graph(source_for(path))
    assert raw.tail.tolist() == [1, 2]
    assert raw.head.tolist() == [2, 1]


def test_graphjson_is_read(tmp_path: Path) -> None:
    path = tmp_path / "tiny.graphjson"
    doc = {"type": "GeoGraph", "graph": [{"1": 2.0}, {"0": 2.0}], "nodes": [[1.0, 2.0], [3, 4]]}
    path.write_text(json.dumps(doc))
    raw = read_graph(source_for(path))
    assert raw.tail.tolist() == [0, 1]
    assert raw.head.tolist() == [1, 0]
    assert raw.weight_km.tolist() == [2.0, 2.0]
    assert raw.lat.tolist() == [1.0, 3.0]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("nodes=[[0, 0]]\n", "no line starting with 'graph=['"),
        ("graph=[{}]\n", "no line starting with 'nodes=['"),
        ("graph=[{1: 1.0}]\nnodes=[[0, 0], [1, 1]]\n", "1 adjacency entries but nodes has 2"),
        ("graph=[{1: 1.0}, {0: x}]\nnodes=[[0, 0], [1, 1]]\n", "not a number"),
        ("graph=[{5: 1.0}, {}]\nnodes=[[0, 0], [1, 1]]\n", "neighbour id outside 0..1"),
        ("graph=[{1: -1.0}, {}]\nnodes=[[0, 0], [1, 1]]\n", "finite number of km >= 0"),
        ("graph=[{1.5: 1.0}, {}]\nnodes=[[0, 0], [1, 1]]\n", "is not whole"),
        ("graph=[{}, {}]\nnodes=[[0, 0], [95, 1]]\n", "latitude outside -90..90"),
        ("graph=[{}, {}]\nnodes=[[0, 0], [1, 200]]\n", "longitude outside -180..180"),
    ],
)
def test_broken_module_files_name_the_file_and_the_problem(
    tmp_path: Path, text: str, needle: str
) -> None:
    path = tmp_path / "broken.py"
    path.write_text(text)
    with pytest.raises(DatasetError) as info:
        read_graph(source_for(path))
    message = str(info.value)
    assert needle in message
    assert str(path) in message


@pytest.mark.parametrize(
    ("doc", "needle"),
    [
        ("{not json", "cannot read as JSON"),
        (json.dumps({"graph": {}}), "expected an object with 'graph'"),
        (json.dumps({"graph": [{"1": 1}], "nodes": 3}), "expected 'nodes'"),
        (json.dumps({"graph": [{"a": 1}], "nodes": [[0, 0]]}), "is not 'node id: km'"),
        (json.dumps({"graph": [{}], "nodes": [[0, 0], [1, 1]]}), "1 adjacency entries"),
    ],
)
def test_broken_graphjson_files_are_reported(tmp_path: Path, doc: str, needle: str) -> None:
    path = tmp_path / "broken.graphjson"
    path.write_text(doc)
    with pytest.raises(DatasetError, match=r"broken\.graphjson") as info:
        read_graph(source_for(path))
    assert needle in str(info.value)


def test_unknown_source_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RoadDataMissingError, match="neither a built-in graph"):
        find_source("atlantis_highways")
    other = tmp_path / "graph.csv"
    other.write_text("a,b\n")
    with pytest.raises(RoadDataMissingError, match=r"\.graphjson"):
        find_source(other)


def test_builtin_world_graphs_resolve_to_package_files() -> None:
    pytest.importorskip("scgraph_data")
    road = find_source("world_highways")
    rail = find_source("world_railways")
    assert road.path.name == "world_highways.py" and road.path.is_file()
    assert rail.mode == "rail"
    assert road.attribution == OSM_ATTRIBUTION
    assert "OpenStreetMap" in OSM_ATTRIBUTION and "ODbL" in OSM_ATTRIBUTION


def test_world_highway_graph_has_the_documented_size(world_raw: object) -> None:
    from daliz.roads.source import RawGraph

    assert isinstance(world_raw, RawGraph)
    assert world_raw.node_count == 560_282
    assert world_raw.arc_count == 1_652_213
    assert np.isfinite(world_raw.weight_km).all()
