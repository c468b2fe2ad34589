"""Road-graph fixtures: small real cut-outs of the scgraph-data world highway graph.

The cut-outs are written at test time from the installed scgraph-data package (OpenStreetMap
contributors, ODbL) as scgraph .graphjson files, so no OSM-derived data is committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from roads_helpers import ALMATY_BBOX, PESHAWAR_BBOX, write_cutout

from daliz.roads.source import RawGraph, find_source, read_graph


@pytest.fixture(scope="session")
def world_raw() -> RawGraph:
    """The world highway graph as read from scgraph-data (about 2 s, once per session)."""
    pytest.importorskip("scgraph_data")
    return read_graph(find_source("world_highways"))


@pytest.fixture(scope="session")
def peshawar_file(world_raw: RawGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_cutout(world_raw, PESHAWAR_BBOX, tmp_path_factory.mktemp("cut") / "pesh.graphjson")


@pytest.fixture(scope="session")
def almaty_file(world_raw: RawGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_cutout(world_raw, ALMATY_BBOX, tmp_path_factory.mktemp("cut") / "alm.graphjson")


@pytest.fixture(scope="session")
def road_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache base folder shared by the session's tests (compiled once per graph)."""
    return tmp_path_factory.mktemp("daliz-cache")


@pytest.fixture(autouse=True)
def _isolated_cache(monkeypatch: pytest.MonkeyPatch, road_cache: Path) -> Iterator[None]:
    """Never write the user's real cache from tests."""
    monkeypatch.setenv("DALIZ_CACHE_DIR", str(road_cache))
    yield
