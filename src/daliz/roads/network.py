"""RoadNetwork: a loaded road (or rail) graph with snapping and fast point-to-point routing."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from daliz.errors import NoRouteError, RequestError
from daliz.i18n import _
from daliz.roads.cache import cache_root, load_or_compile
from daliz.roads.compile import INF_WEIGHT_M, CompiledGraph
from daliz.roads.engine import CCHEngine, DijkstraEngine, PathEngine, cch_available
from daliz.roads.geo import haversine_km
from daliz.roads.model import (
    ACCESS_SPEED,
    ROAD_SPEED,
    BBox,
    Circle,
    Closure,
    RoadRoute,
    SpeedEstimate,
    check_lat_lon,
    point_label,
)
from daliz.roads.snapping import DEFAULT_MIN_COMPONENT_NODES, SnapIndex
from daliz.roads.source import attribution_text, find_source

DEFAULT_MAX_SNAP_KM = 50.0

# Rail graphs: freight train moving speed. Estimate (no per-line data in the graph): broad-gauge
# freight in the region moves at roughly 30-60 km/h between stops.
RAIL_SPEED = SpeedEstimate(
    typical_kmh=40.0,
    min_kmh=25.0,
    max_kmh=60.0,
    reason="estimate: graph has no line speeds; freight train moving speed between stops",
)


class RoadNetwork:
    """A compiled graph with a snap index and a shortest-path engine.

    Node ids (snap results, RoadRoute.node_path) are ids of the loaded, possibly cut-out, graph;
    `graph.source_node[id]` gives the id in the source file. Instances are safe to share between
    threads; `with_closures` and `with_arc_lengths` return new networks sharing the graph.
    """

    def __init__(
        self,
        graph: CompiledGraph,
        engine: PathEngine,
        snapper: SnapIndex,
        *,
        region: BBox | None = None,
        max_snap_km: float = DEFAULT_MAX_SNAP_KM,
        speed_kmh: float = ROAD_SPEED.typical_kmh,
        access_speed_kmh: float = ACCESS_SPEED.typical_kmh,
        weight_m: npt.NDArray[np.int32] | None = None,
    ) -> None:
        if not (max_snap_km > 0 and speed_kmh > 0 and access_speed_kmh > 0):
            raise RequestError(
                _(
                    "max_snap_km, speed_kmh and access_speed_kmh must be positive; got "
                    "{max_snap_km}, {speed_kmh}, {access_speed_kmh}."
                ).format(
                    max_snap_km=max_snap_km, speed_kmh=speed_kmh, access_speed_kmh=access_speed_kmh
                )
            )
        self.graph = graph
        self.engine = engine
        self.snapper = snapper
        self.region = region
        self.max_snap_km = float(max_snap_km)
        self.speed_kmh = float(speed_kmh)
        self.access_speed_kmh = float(access_speed_kmh)
        self._weight_m = graph.weight_m if weight_m is None else weight_m
        # Messages name what the graph holds: roads, or railways (for a rail graph).
        self._rail = graph.meta.get("mode") == "rail"

    # ---- facts -------------------------------------------------------------------------
    @property
    def attribution(self) -> str:
        """Licence attribution to show wherever routes or their geometry are shown."""
        return attribution_text(str(self.graph.meta.get("attribution", "")))

    @property
    def engine_name(self) -> str:
        """'cch' or 'dijkstra'."""
        return self.engine.name

    @property
    def node_count(self) -> int:
        return self.graph.node_count

    @property
    def arc_count(self) -> int:
        return self.graph.arc_count

    def info(self) -> dict[str, Any]:
        """Figures about the loaded graph, for `daliz roads info` and the service."""
        sizes = self.graph.component_sizes()
        return {
            "source": self.graph.meta.get("source"),
            "mode": self.graph.meta.get("mode"),
            "region": self.region.as_list() if self.region else None,
            "nodes": self.node_count,
            "arcs": self.arc_count,
            "components": int(sizes.shape[0]),
            "largest_component_nodes": int(sizes.max()) if sizes.size else 0,
            "snappable_nodes": self.snapper.size,
            "engine": self.engine_name,
            "max_snap_km": self.max_snap_km,
            "speed_kmh": self.speed_kmh,
            "access_speed_kmh": self.access_speed_kmh,
            "cache_dir": self.graph.meta.get("cache_dir"),
            "source_sha256": self.graph.meta.get("source_sha256"),
            "attribution": self.attribution,
        }

    # ---- snapping ----------------------------------------------------------------------
    def snap(self, lat: float, lon: float, *, what: str = "point") -> tuple[int, float]:
        """The nearest routable node to (lat, lon) in degrees and its distance in km.

        Raises RequestError if the point is invalid, outside the loaded region, or farther than
        max_snap_km from every road (at sea, or where the graph has no roads).
        """
        ((node, km),) = self._snap_points([(lat, lon, what)])
        return node, km

    def _snap_points(self, points: Sequence[tuple[float, float, str]]) -> list[tuple[int, float]]:
        """Snap several named points with one index query; errors name the point."""
        for lat, lon, what in points:
            self._check_point(lat, lon, what)
        if self.snapper.size == 0:
            raise RequestError(_("The road graph has no node to snap to."))
        nodes, dists = self.snapper.nearest_each([p[0] for p in points], [p[1] for p in points])
        for (lat, lon, what), km in zip(points, dists, strict=True):
            if km > self.max_snap_km:
                if self._rail:
                    message = _(
                        "No railway within {max_km} km of the {what} ({lat}, {lon}): the nearest "
                        "railway of the graph is {km} km away."
                    )
                    hint = _(
                        "The point may be at sea or where the graph has no railways; move it "
                        "onto land near a railway, or allow a larger max_snap_km."
                    )
                else:
                    message = _(
                        "No road within {max_km} km of the {what} ({lat}, {lon}): the nearest "
                        "road of the graph is {km} km away."
                    )
                    hint = _(
                        "The point may be at sea or where the graph has no roads; move it onto "
                        "land near a road, or allow a larger max_snap_km."
                    )
                raise RequestError(
                    message.format(
                        max_km=f"{self.max_snap_km:g}",
                        what=point_label(what),
                        lat=f"{lat:.5f}",
                        lon=f"{lon:.5f}",
                        km=f"{km:.1f}",
                    ),
                    hint=hint,
                )
        return list(zip(nodes, dists, strict=True))

    def _check_point(self, lat: float, lon: float, what: str) -> None:
        check_lat_lon(lat, lon, what=what)
        if self.region is not None and not self.region.contains(lat, lon):
            west, south, east, north = self.region.as_list()
            if self._rail:
                message = _(
                    "The {what} ({lat}, {lon}) is outside the loaded railway region "
                    "(lon {west}..{east}, lat {south}..{north})."
                )
            else:
                message = _(
                    "The {what} ({lat}, {lon}) is outside the loaded road region "
                    "(lon {west}..{east}, lat {south}..{north})."
                )
            raise RequestError(
                message.format(
                    what=point_label(what),
                    lat=f"{lat:.5f}",
                    lon=f"{lon:.5f}",
                    west=west,
                    east=east,
                    south=south,
                    north=north,
                ),
                hint=_(
                    "Load a larger region, or the whole graph (region=None; "
                    "`daliz roads prepare` without --region)."
                ),
            )

    # ---- routing -----------------------------------------------------------------------
    def route(
        self,
        origin_lat: float,
        origin_lon: float,
        dest_lat: float,
        dest_lon: float,
        *,
        geometry: bool = True,
    ) -> RoadRoute:
        """The shortest road route between two points (degrees), door to door.

        Each point is snapped to its nearest road node (RequestError if it cannot be); the
        route runs between the two nodes (NoRouteError if they are not connected, e.g. a road
        closure or an island). With geometry=False, geometry and node_path stay empty (faster).
        """
        (o_node, o_km), (d_node, d_km) = self._snap_points(
            [(origin_lat, origin_lon, "origin"), (dest_lat, dest_lon, "destination")]
        )
        component = self.graph.component
        if component[o_node] != component[d_node]:
            o_node, o_km, d_node, d_km = self._same_component(
                (origin_lat, origin_lon, o_node, o_km), (dest_lat, dest_lon, d_node, d_km)
            )
        result = self.engine.shortest([(o_node, 0)], [(d_node, 0)], with_path=geometry)
        if result is None:
            if self._rail:
                message = _(
                    "No railway route from ({origin}) to ({destination}): the snapped railways "
                    "are not connected (closures in this scenario cut every path)."
                )
            else:
                message = _(
                    "No road route from ({origin}) to ({destination}): the snapped roads are not "
                    "connected (closures in this scenario cut every path)."
                )
            raise NoRouteError(
                message.format(
                    origin=f"{origin_lat:.5f}, {origin_lon:.5f}",
                    destination=f"{dest_lat:.5f}, {dest_lon:.5f}",
                )
            )
        coords: list[tuple[float, float]] = []
        if geometry:
            coords = self._geometry(result.node_path)
            if o_km > 0:
                coords.insert(0, (float(origin_lon), float(origin_lat)))
            if d_km > 0:
                coords.append((float(dest_lon), float(dest_lat)))
        return self._make_route(result.distance_m, o_km, d_km, result.node_path, coords)

    def route_nodes(self, origin_node: int, dest_node: int) -> RoadRoute:
        """The shortest route between two node ids of this graph (no snapping)."""
        for node in (origin_node, dest_node):
            if not (0 <= node < self.node_count):
                raise RequestError(
                    _("Node id {node} is outside 0..{last}.").format(
                        node=node, last=self.node_count - 1
                    )
                )
        result = self.engine.shortest([(origin_node, 0)], [(dest_node, 0)])
        if result is None:
            message = (
                _("No railway route from node {origin} to node {destination}.")
                if self._rail
                else _("No road route from node {origin} to node {destination}.")
            )
            raise NoRouteError(message.format(origin=origin_node, destination=dest_node))
        coords = self._geometry(result.node_path)
        return self._make_route(result.distance_m, 0.0, 0.0, result.node_path, coords)

    def distance_km(
        self, origin_lat: float, origin_lon: float, dest_lat: float, dest_lon: float
    ) -> float:
        """Road distance in km between the snapped nodes of two points (no geometry built)."""
        return self.route(origin_lat, origin_lon, dest_lat, dest_lon, geometry=False).distance_km

    def _same_component(
        self,
        origin: tuple[float, float, int, float],
        dest: tuple[float, float, int, float],
    ) -> tuple[int, float, int, float]:
        """Snap one end into the other end's road network when they differ (e.g. a fragment cut
        at the region edge), choosing the option with the smaller extra snap distance."""
        o_lat, o_lon, o_node, o_km = origin
        d_lat, d_lon, d_node, d_km = dest
        component = self.graph.component
        options: list[tuple[float, int, float, int, float]] = []
        moved_d = self.snapper.nearest_in_component(
            d_lat, d_lon, int(component[o_node]), self.max_snap_km
        )
        if moved_d is not None:
            options.append((o_km + moved_d[1], o_node, o_km, moved_d[0], moved_d[1]))
        moved_o = self.snapper.nearest_in_component(
            o_lat, o_lon, int(component[d_node]), self.max_snap_km
        )
        if moved_o is not None:
            options.append((moved_o[1] + d_km, moved_o[0], moved_o[1], d_node, d_km))
        if not options:
            if self._rail:
                message = _(
                    "No railway route from ({origin}) to ({destination}): the two points lie on "
                    "railway networks the graph does not connect (for example an island, or a "
                    "region cut too tight)."
                )
            else:
                message = _(
                    "No road route from ({origin}) to ({destination}): the two points lie on road "
                    "networks the graph does not connect (for example an island, or a region cut "
                    "too tight)."
                )
            raise NoRouteError(
                message.format(
                    origin=f"{o_lat:.5f}, {o_lon:.5f}", destination=f"{d_lat:.5f}, {d_lon:.5f}"
                )
            )
        _extra_km, o_node, o_km, d_node, d_km = min(options)
        return o_node, o_km, d_node, d_km

    def _geometry(self, node_path: Sequence[int]) -> list[tuple[float, float]]:
        index = np.asarray(node_path, dtype=np.int64)
        return list(
            zip(self.graph.lon[index].tolist(), self.graph.lat[index].tolist(), strict=True)
        )

    def _make_route(
        self,
        distance_m: int,
        o_km: float,
        d_km: float,
        node_path: list[int],
        coords: list[tuple[float, float]],
    ) -> RoadRoute:
        distance_km = distance_m / 1000.0
        duration_h = distance_km / self.speed_kmh + (o_km + d_km) / self.access_speed_kmh
        return RoadRoute(
            distance_km=distance_km,
            duration_h=duration_h,
            geometry=coords,
            snap_origin_km=float(o_km),
            snap_destination_km=float(d_km),
            node_path=node_path,
            speed_kmh=self.speed_kmh,
            access_speed_kmh=self.access_speed_kmh,
            attribution=self.attribution,
        )

    # ---- scenarios ---------------------------------------------------------------------
    def arc_lengths_m(self) -> npt.NDArray[np.int32]:
        """Current arc lengths in metres (INF_WEIGHT_M marks a closed arc), aligned with
        graph.head; a copy to edit and pass to with_arc_lengths."""
        return np.array(self._weight_m, dtype=np.int32)

    def with_arc_lengths(self, weight_m: npt.NDArray[np.int32]) -> RoadNetwork:
        """A network sharing graph and snap index, routing with other arc lengths (metres).

        With CCH only the customisation is redone (well under a second for the world graph).
        """
        weights = np.asarray(weight_m)
        if weights.shape != (self.arc_count,):
            raise RequestError(
                _("Arc lengths must have one value per arc ({count}); got shape {shape}.").format(
                    count=self.arc_count, shape=weights.shape
                )
            )
        if weights.size and (int(weights.min()) < 0 or int(weights.max()) > INF_WEIGHT_M):
            raise RequestError(
                _("Arc lengths must be whole metres in 0..{most}.").format(most=INF_WEIGHT_M)
            )
        weights = weights.astype(np.int32)
        return RoadNetwork(
            self.graph,
            self.engine.with_weights(weights),
            self.snapper,
            region=self.region,
            max_snap_km=self.max_snap_km,
            speed_kmh=self.speed_kmh,
            access_speed_kmh=self.access_speed_kmh,
            weight_m=weights,
        )

    def closed_arcs(self, closures: Iterable[Closure]) -> npt.NDArray[np.bool_]:
        """Mask of arcs with an end inside any closure (box or circle)."""
        lat = np.asarray(self.graph.lat)
        lon = np.asarray(self.graph.lon)
        closed_node = np.zeros(self.node_count, dtype=bool)
        for closure in closures:
            if isinstance(closure, BBox):
                closed_node |= (
                    (lat >= closure.min_lat)
                    & (lat <= closure.max_lat)
                    & (lon >= closure.min_lon)
                    & (lon <= closure.max_lon)
                )
            elif isinstance(closure, Circle):
                closed_node |= haversine_km(closure.lat, closure.lon, lat, lon) <= closure.radius_km
            else:
                raise RequestError(
                    _("Unknown closure {closure!r}: use a BBox or a Circle.").format(
                        closure=closure
                    )
                )
        tail = self.graph.tail()
        return np.asarray(closed_node[tail] | closed_node[np.asarray(self.graph.head)])

    def with_closures(self, closures: Iterable[Closure]) -> RoadNetwork:
        """A network where every arc touching a closure (box or circle) is closed."""
        weights = self.arc_lengths_m()
        weights[self.closed_arcs(closures)] = INF_WEIGHT_M
        return self.with_arc_lengths(weights)


# ---- loading ---------------------------------------------------------------------------
_LOADED: dict[tuple[Any, ...], RoadNetwork] = {}
_LOAD_LOCK = threading.Lock()


def load_road_network(
    region: BBox | Sequence[float] | str | None = None,
    *,
    source: str | Path = "world_highways",
    engine: str = "auto",
    max_snap_km: float = DEFAULT_MAX_SNAP_KM,
    min_component_nodes: int = DEFAULT_MIN_COMPONENT_NODES,
    speed_kmh: float | None = None,
    access_speed_kmh: float = ACCESS_SPEED.typical_kmh,
    cache_dir: str | Path | None = None,
) -> RoadNetwork:
    """Load (compiling and caching on first use) a road or rail graph, ready to route.

    Parameters
    ----------
    region: None for the whole graph, a BBox, (west, south, east, north) degrees, or
        'corridor' (lon 44..90, lat 20..56); only nodes inside are kept.
    source: 'world_highways' (default), 'world_railways' (scgraph-data), or a graph file path
        (.py in scgraph-data layout or scgraph .graphjson).
    engine: 'auto' (CCH if routingkit-cch is installed, else Dijkstra), 'cch' or 'dijkstra'.
    max_snap_km: farthest a point may be from the graph's nearest road node.
    min_component_nodes: smallest connected network that points may snap to.
    speed_kmh: graph speed (default: ROAD_SPEED or RAIL_SPEED estimate by the source's mode).
    access_speed_kmh: speed on the straight access legs to and from the graph.
    cache_dir: cache base folder (default $DALIZ_CACHE_DIR, else ~/.cache/daliz).

    Returns a RoadNetwork; the same arguments in one process return the same shared instance.
    """
    bbox = _as_bbox(region)
    if engine not in ("auto", "cch", "dijkstra"):
        raise RequestError(
            _("Unknown road engine '{engine}'.").format(engine=engine),
            suggestions=["auto", "cch", "dijkstra"],
        )
    graph_source = find_source(source)
    root = Path(cache_dir).expanduser() / "roads" if cache_dir is not None else cache_root()
    key = (
        str(graph_source.path),
        bbox,
        engine,
        max_snap_km,
        min_component_nodes,
        speed_kmh,
        access_speed_kmh,
        str(root),
    )
    with _LOAD_LOCK:
        cached = _LOADED.get(key)
        if cached is not None:
            return cached
        graph = load_or_compile(graph_source, bbox, root=root)
        use_cch = engine == "cch" or (engine == "auto" and cch_available())
        path_engine: PathEngine = CCHEngine.build(graph) if use_cch else DijkstraEngine(graph)
        snapper = SnapIndex(
            graph.lat, graph.lon, graph.component, min_component_nodes=min_component_nodes
        )
        default_speed = RAIL_SPEED if graph_source.mode == "rail" else ROAD_SPEED
        network = RoadNetwork(
            graph,
            path_engine,
            snapper,
            region=bbox,
            max_snap_km=max_snap_km,
            speed_kmh=speed_kmh if speed_kmh is not None else default_speed.typical_kmh,
            access_speed_kmh=access_speed_kmh,
        )
        _LOADED[key] = network
        return network


def _as_bbox(region: BBox | Sequence[float] | str | None) -> BBox | None:
    if region is None or isinstance(region, BBox):
        return region
    if isinstance(region, str):
        return BBox.parse(region)
    values = list(region)
    if len(values) != 4:
        raise RequestError(
            _("A region needs four numbers (west, south, east, north); got {count}.").format(
                count=len(values)
            )
        )
    return BBox(*(float(v) for v in values))
