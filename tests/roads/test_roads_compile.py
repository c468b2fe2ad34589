"""Compiling raw graphs to CSR arrays and caching them on disk, memory-mapped."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from daliz.errors import DatasetError
from daliz.roads import BBox
from daliz.roads.cache import ORDER_FILE, cache_root, graph_dir, load_or_compile
from daliz.roads.compile import compile_graph
from daliz.roads.source import RawGraph, find_source


def raw(coords: list[tuple[float, float]], arcs: list[tuple[int, int, float]]) -> RawGraph:
    return RawGraph(
        lat=np.array([c[0] for c in coords], dtype=np.float64),
        lon=np.array([c[1] for c in coords], dtype=np.float64),
        tail=np.array([a[0] for a in arcs], dtype=np.int64),
        head=np.array([a[1] for a in arcs], dtype=np.int64),
        weight_km=np.array([a[2] for a in arcs], dtype=np.float64),
    )


SQUARE = raw(
    [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (5.0, 5.0)],
    [
        (0, 1, 1.0),
        (1, 0, 1.0),
        (1, 2, 2.0),
        (2, 1, 2.0),
        (2, 2, 0.0),  # self-loop
        (0, 3, 3.5),
        (0, 3, 3.25),  # parallel arc, shorter
        (3, 0, 3.25),
        (2, 4, 9.0),
    ],
)


def test_csr_drops_self_loops_and_keeps_shortest_parallel_arc() -> None:
    g = compile_graph(SQUARE)
    assert g.node_count == 5
    assert g.indptr.tolist() == [0, 2, 4, 6, 7, 7]
    tail = g.tail().tolist()
    arcs = sorted(zip(tail, g.head.tolist(), g.weight_m.tolist(), strict=True))
    assert arcs == [
        (0, 1, 1000),
        (0, 3, 3250),
        (1, 0, 1000),
        (1, 2, 2000),
        (2, 1, 2000),
        (2, 4, 9000),
        (3, 0, 3250),
    ]
    # Weakly connected: 4 is reachable only one way, still the same component.
    assert len(set(g.component.tolist())) == 1


def test_region_keeps_inside_nodes_renumbered() -> None:
    g = compile_graph(SQUARE, region=BBox(0.5, -0.5, 1.5, 1.5))  # lon 0.5..1.5: nodes 1 and 2
    assert g.source_node.tolist() == [1, 2]
    assert g.lat.tolist() == [0.0, 1.0]
    assert sorted(zip(g.tail().tolist(), g.head.tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_split_region_gives_two_components() -> None:
    g = compile_graph(SQUARE, region=BBox(-0.5, -0.5, 0.5, 1.5))  # nodes 0 and 3, arc kept
    assert g.node_count == 2 and g.arc_count == 2
    g2 = compile_graph(SQUARE, region=BBox(-0.5, -0.5, 1.5, 0.5))  # nodes 0 and 1
    assert g2.arc_count == 2
    g3 = compile_graph(raw([(0, 0), (0, 1), (3, 3)], [(0, 1, 1.0)]))
    assert g3.component[0] == g3.component[1] != g3.component[2]


def test_absurd_arc_length_is_a_data_error() -> None:
    with pytest.raises(DatasetError, match="km long"):
        compile_graph(raw([(0, 0), (0, 1)], [(0, 1, 2e6)]), file="x.py")


def test_cache_compiles_once_and_loads_memory_mapped(peshawar_file: Path, tmp_path: Path) -> None:
    source = find_source(peshawar_file)
    first = load_or_compile(source, None, root=tmp_path)
    folder = Path(first.meta["cache_dir"])
    assert folder.parent.name.startswith("pesh-") and folder.name == "all"
    assert folder.parent.parent == tmp_path
    for array in first.arrays().values():
        assert isinstance(array.base, np.memmap)  # file-backed, not read into memory
    stamp = (folder / "meta.json").stat().st_mtime_ns
    second = load_or_compile(source, None, root=tmp_path)
    assert (folder / "meta.json").stat().st_mtime_ns == stamp
    assert np.array_equal(second.weight_m, first.weight_m)
    index = json.loads((tmp_path / "sources.json").read_text())
    assert next(iter(index.values())).startswith(folder.parent.name.rsplit("-", 1)[1])


def test_changed_source_file_gets_a_new_cache_folder(tmp_path: Path) -> None:
    path = tmp_path / "g.py"
    path.write_text("graph=[{1: 1.0}, {0: 1.0}]\nnodes=[[0, 0], [0, 1]]\n")
    root = tmp_path / "cache"
    g1 = load_or_compile(find_source(path), None, root=root)
    path.write_text("graph=[{1: 2.0}, {0: 2.0}]\nnodes=[[0, 0], [0, 1]]\n")
    os.utime(path, ns=(1, 1))  # a different mtime too, as an edit would give
    g2 = load_or_compile(find_source(path), None, root=root)
    assert g1.meta["cache_dir"] != g2.meta["cache_dir"]
    assert g2.weight_m.tolist() == [2000, 2000]


def test_outdated_cache_format_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "g.py"
    path.write_text("graph=[{1: 1.0}, {0: 1.0}]\nnodes=[[0, 0], [0, 1]]\n")
    root = tmp_path / "cache"
    g1 = load_or_compile(find_source(path), BBox(-1, -1, 2, 2), root=root)
    meta_file = Path(g1.meta["cache_dir"]) / "meta.json"
    meta = json.loads(meta_file.read_text())
    meta["format"] = -1
    meta_file.write_text(json.dumps(meta))
    g2 = load_or_compile(find_source(path), BBox(-1, -1, 2, 2), root=root)
    assert json.loads(meta_file.read_text())["format"] != -1
    assert g2.weight_m.tolist() == [1000, 1000]


def test_cache_root_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DALIZ_CACHE_DIR", str(tmp_path / "c"))
    assert cache_root() == tmp_path / "c" / "roads"
    monkeypatch.delenv("DALIZ_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert cache_root() == tmp_path / "x" / "daliz" / "roads"


def test_region_key_names_the_cache_folder(peshawar_file: Path, tmp_path: Path) -> None:
    folder = graph_dir(find_source(peshawar_file), BBox(71, 33.5, 72.5, 34.5), root=tmp_path)
    assert folder.name == "bbox_71_33.5_72.5_34.5"
    assert BBox(-1.25, -2, 3, 4).key() == "bbox_m1.25_m2_3_4"


def test_cch_order_is_cached_beside_the_graph(peshawar_file: Path, tmp_path: Path) -> None:
    pytest.importorskip("routingkit_cch")
    from daliz.roads.engine import compute_order

    graph = load_or_compile(find_source(peshawar_file), None, root=tmp_path)
    order = compute_order(graph)
    assert sorted(order.tolist()) == list(range(graph.node_count))
    order_file = Path(graph.meta["cache_dir"]) / ORDER_FILE
    assert order_file.is_file()
    assert np.array_equal(np.load(order_file), order)
    assert np.array_equal(compute_order(graph), order)
