"""Real road (and rail) graphs for door-to-door legs: compiled, cached, snapped and routed.

    from daliz.roads import load_road_network
    net = load_road_network(region="corridor")            # or None for the whole world graph
    leg = net.route(43.238, 76.946, 24.861, 67.010)       # Almaty -> Karachi
    leg.distance_km, leg.duration_h, leg.geometry, net.attribution

Data: OpenStreetMap contributors (ODbL 1.0) via the scgraph-data package; see docs/roads.md.
"""

from daliz.roads.compile import INF_WEIGHT_M, CompiledGraph
from daliz.roads.model import (
    ACCESS_SPEED,
    CORRIDOR_BBOX,
    ROAD_SPEED,
    BBox,
    Circle,
    Closure,
    RoadRoute,
    SpeedEstimate,
)
from daliz.roads.network import RAIL_SPEED, RoadNetwork, load_road_network
from daliz.roads.source import OSM_ATTRIBUTION

__all__ = [
    "ACCESS_SPEED",
    "CORRIDOR_BBOX",
    "INF_WEIGHT_M",
    "OSM_ATTRIBUTION",
    "RAIL_SPEED",
    "ROAD_SPEED",
    "BBox",
    "Circle",
    "Closure",
    "CompiledGraph",
    "RoadNetwork",
    "RoadRoute",
    "SpeedEstimate",
    "load_road_network",
]
