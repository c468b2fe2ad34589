"""Road and rail graph sources: find the scgraph-data files and read them without importing scgraph.

scgraph-data 2.0 ships each world graph as a Python module whose first line imports
`scgraph.core`, which newer scgraph releases removed; importing it also builds 560 k Python dicts
(about 0.9 GB RSS, 3 s). daliz reads the module's two literals (`graph=[{...}, ...]` and
`nodes=[[lat, lon], ...]`) as text with numpy instead, once, and compiles them to arrays.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from daliz.errors import DalizError, DatasetError, Problem
from daliz.i18n import N_, _

# Attributions are stored in English (cache metadata); `attribution_text` shows them translated.
OSM_ATTRIBUTION = N_(
    "Road and rail graphs © OpenStreetMap contributors, available under the Open Database "
    "License (ODbL 1.0, https://www.openstreetmap.org/copyright); simplified graph from the "
    "scgraph-data package (MIT licence, Connor Makowski)."
)
USER_ATTRIBUTION = N_("User-supplied graph {name} (state its licence when you publish).")
_USER_ATTRIBUTION = re.compile(
    re.escape(USER_ATTRIBUTION).replace(re.escape("{name}"), "(?P<name>.+)"), re.DOTALL
)


def attribution_text(attribution: str) -> str:
    """A graph's attribution in the current language (a text we do not know stays as is)."""
    if attribution == OSM_ATTRIBUTION:
        return _(OSM_ATTRIBUTION)
    user = _USER_ATTRIBUTION.fullmatch(attribution)
    if user:
        return _(USER_ATTRIBUTION).format(name=user.group("name"))
    return attribution


class RoadDataMissingError(DalizError):
    """The road graph data (the optional `roads` extra) is not installed or a file is missing."""


@dataclass(frozen=True, slots=True)
class GraphSource:
    """Where a graph comes from: a name, its file, the mode it serves and its attribution."""

    name: str
    path: Path
    mode: str  # "road" or "rail"
    attribution: str


@dataclass(frozen=True, slots=True)
class RawGraph:
    """A graph as read from its source: node coordinates (degrees) and arcs with lengths in km."""

    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    tail: npt.NDArray[np.int64]
    head: npt.NDArray[np.int64]
    weight_km: npt.NDArray[np.float64]

    @property
    def node_count(self) -> int:
        return int(self.lat.shape[0])

    @property
    def arc_count(self) -> int:
        return int(self.tail.shape[0])


# Built-in graphs of the scgraph-data package: name -> (module file, mode).
BUILTIN_SOURCES: dict[str, tuple[str, str]] = {
    "world_highways": ("world_highways.py", "road"),
    "world_railways": ("world_railways.py", "rail"),
}


def find_source(name_or_path: str | Path) -> GraphSource:
    """Resolve a built-in graph name ('world_highways', 'world_railways') or a graph file path.

    A file may be an scgraph-data style module (.py with `graph=` and `nodes=` literals) or an
    scgraph `.graphjson` file saved by `GeoGraph.save_as_graphjson`.
    """
    text = str(name_or_path)
    if text in BUILTIN_SOURCES:
        file_name, mode = BUILTIN_SOURCES[text]
        spec = importlib.util.find_spec("scgraph_data")  # finds the folder, imports nothing
        if spec is None or not spec.submodule_search_locations:
            raise RoadDataMissingError(
                _(
                    "The road graph '{name}' needs the scgraph-data package, which is not "
                    "installed."
                ).format(name=text),
                hint=_("Install the roads extra: pip install 'daliz[roads]'."),
            )
        path = Path(next(iter(spec.submodule_search_locations))) / file_name
        if not path.is_file():
            raise RoadDataMissingError(
                _("The scgraph-data package has no file {file} (looked in {folder}).").format(
                    file=file_name, folder=path.parent
                ),
                hint=_("Reinstall it: pip install --force-reinstall 'scgraph-data==2.0.0'."),
            )
        return GraphSource(name=text, path=path, mode=mode, attribution=OSM_ATTRIBUTION)
    path = Path(text).expanduser()
    if not path.is_file():
        known = ", ".join(sorted(BUILTIN_SOURCES))
        raise RoadDataMissingError(
            _(
                "Graph source '{source}' is neither a built-in graph ({known}) nor an existing "
                "file."
            ).format(source=text, known=known),
        )
    if path.suffix not in (".py", ".graphjson", ".json"):
        raise RoadDataMissingError(
            _("Graph file {path} must be an scgraph-style .py module or a .graphjson file.").format(
                path=path
            ),
        )
    return GraphSource(
        name=path.stem,
        path=path.resolve(),
        mode="road",
        attribution=USER_ATTRIBUTION.format(name=path.name),
    )


def read_graph(source: GraphSource) -> RawGraph:
    """Read a graph file into arrays; raises DatasetError naming the file and what is wrong."""
    if source.path.suffix == ".py":
        raw = _read_scgraph_module(source.path)
    else:
        raw = _read_graphjson(source.path)
    _validate(raw, source.path)
    return raw


_SEPARATORS = bytes.maketrans(b"{}[]:,", b"      ")


def _literal(data: bytes, name: bytes, path: Path) -> bytes:
    """The text of the one-line literal `name=[...]` in an scgraph module."""
    match = re.search(rb"^" + name + rb"\s*=\s*\[", data, re.MULTILINE)
    if match is None:
        raise DatasetError(
            [
                Problem(
                    str(path),
                    None,
                    name.decode(),
                    _("no line starting with '{name}=['").format(name=name.decode()),
                )
            ],
            what="road graph file",
        )
    end = data.find(b"\n", match.end())
    return data[match.end() - 1 : end if end >= 0 else len(data)]


def _numbers(text: bytes, path: Path, field_name: str) -> npt.NDArray[np.float64]:
    try:
        return np.array(text.translate(_SEPARATORS).split(), dtype=np.float64)
    except ValueError as exc:
        raise DatasetError(
            [
                Problem(
                    str(path),
                    None,
                    field_name,
                    _("a value is not a number ({error})").format(error=exc),
                )
            ],
            what="road graph file",
        ) from None


def _read_scgraph_module(path: Path) -> RawGraph:
    data = path.read_bytes()
    graph_text = _literal(data, b"graph", path)
    nodes_text = _literal(data, b"nodes", path)
    del data
    chars = np.frombuffer(graph_text, dtype=np.uint8)
    opens = np.flatnonzero(chars == ord("{"))
    colons = np.flatnonzero(chars == ord(":"))
    del chars
    # Each "key: value" pair belongs to the adjacency dict opened last before its colon.
    tail = np.searchsorted(opens, colons, side="right").astype(np.int64) - 1
    values = _numbers(graph_text, path, "graph")
    if values.shape[0] != 2 * colons.shape[0]:
        raise DatasetError(
            [
                Problem(
                    str(path),
                    None,
                    "graph",
                    _("expected {pairs} 'node: km' pairs but read {numbers} numbers").format(
                        pairs=colons.shape[0], numbers=values.shape[0]
                    ),
                )
            ],
            what="road graph file",
        )
    head_f = values[0::2]
    if not np.all(head_f == np.floor(head_f)):
        bad = int(np.flatnonzero(head_f != np.floor(head_f))[0])
        raise DatasetError(
            [
                Problem(
                    str(path),
                    None,
                    "graph",
                    _("node {node}: neighbour id {neighbour} is not whole").format(
                        node=tail[bad], neighbour=head_f[bad]
                    ),
                )
            ],
            what="road graph file",
        )
    coords = _numbers(nodes_text, path, "nodes")
    if coords.shape[0] % 2:
        raise DatasetError(
            [Problem(str(path), None, "nodes", _("node list is not a list of [lat, lon] pairs"))],
            what="road graph file",
        )
    coords = coords.reshape(-1, 2)
    if opens.shape[0] != coords.shape[0]:
        raise DatasetError(
            [
                Problem(
                    str(path),
                    None,
                    "graph",
                    _(
                        "graph has {entries} adjacency entries but nodes has {coordinates} "
                        "coordinates"
                    ).format(entries=opens.shape[0], coordinates=coords.shape[0]),
                )
            ],
            what="road graph file",
        )
    return RawGraph(
        lat=np.ascontiguousarray(coords[:, 0]),
        lon=np.ascontiguousarray(coords[:, 1]),
        tail=tail,
        head=head_f.astype(np.int64),
        weight_km=np.ascontiguousarray(values[1::2]),
    )


def _read_graphjson(path: Path) -> RawGraph:
    def fail(message: str, node: int | None = None, field_name: str = "graph") -> DatasetError:
        where = _("node {node}: ").format(node=node) if node is not None else ""
        return DatasetError(
            [Problem(str(path), None, field_name, where + message)], what="road graph file"
        )

    try:
        with path.open("r", encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise fail(_("cannot read as JSON: {error}").format(error=exc), field_name="file") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("graph"), list):
        raise fail(_("expected an object with 'graph' (list of {neighbour: km}) and 'nodes'"))
    nodes = doc.get("nodes")
    if not isinstance(nodes, list):
        raise fail(_("expected 'nodes' as a list of [lat, lon]"), field_name="nodes")
    tails: list[int] = []
    heads: list[int] = []
    weights: list[float] = []
    for row, adjacency in enumerate(doc["graph"]):
        if not isinstance(adjacency, dict):
            raise fail(_("adjacency entry is not an object {neighbour: km}"), row)
        for key, value in adjacency.items():
            try:
                heads.append(int(key))
                weights.append(float(value))
            except (TypeError, ValueError):
                raise fail(
                    _("arc {key!r}: {value!r} is not 'node id: km'").format(key=key, value=value),
                    row,
                ) from None
            tails.append(row)
    try:
        coords = np.asarray(nodes, dtype=np.float64).reshape(-1, 2)
    except (TypeError, ValueError):
        raise fail(_("nodes must be [lat, lon] number pairs"), field_name="nodes") from None
    if coords.shape[0] != len(doc["graph"]):
        raise fail(
            _("graph has {entries} adjacency entries but nodes has {coordinates}").format(
                entries=len(doc["graph"]), coordinates=coords.shape[0]
            )
        )
    return RawGraph(
        lat=np.ascontiguousarray(coords[:, 0]),
        lon=np.ascontiguousarray(coords[:, 1]),
        tail=np.asarray(tails, dtype=np.int64),
        head=np.asarray(heads, dtype=np.int64),
        weight_km=np.asarray(weights, dtype=np.float64),
    )


def _validate(raw: RawGraph, path: Path) -> None:
    """Check ids, coordinates and lengths; list up to a few problems per kind."""
    problems: list[Problem] = []
    n = raw.node_count

    def add(nodes: npt.NDArray[np.int64], field_name: str, message: str) -> None:
        # Problem rows are 1-based data rows; graph nodes are 0-based ids, so name them instead.
        for node in nodes[:5].tolist():
            problems.append(
                Problem(str(path), None, field_name, _("node {node}: ").format(node=node) + message)
            )

    if n == 0:
        problems.append(Problem(str(path), None, "nodes", _("the graph has no nodes")))
    bad_head = np.flatnonzero((raw.head < 0) | (raw.head >= n))
    add(raw.tail[bad_head], "graph", _("neighbour id outside 0..{last}").format(last=n - 1))
    bad_w = np.flatnonzero(~np.isfinite(raw.weight_km) | (raw.weight_km < 0))
    add(raw.tail[bad_w], "graph", _("arc length is not a finite number of km >= 0"))
    bad_lat = np.flatnonzero(~np.isfinite(raw.lat) | (np.abs(raw.lat) > 90))
    add(bad_lat.astype(np.int64), "nodes", _("latitude outside -90..90"))
    bad_lon = np.flatnonzero(~np.isfinite(raw.lon) | (np.abs(raw.lon) > 180))
    add(bad_lon.astype(np.int64), "nodes", _("longitude outside -180..180"))
    if problems:
        raise DatasetError(problems, what="road graph file")
