"""Value types of the road engine: regions, closures, speed assumptions and the route result."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any

from daliz.errors import RequestError
from daliz.i18n import _


@dataclass(frozen=True, slots=True)
class BBox:
    """A longitude/latitude box in degrees, in GeoJSON order (west, south, east, north)."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def __post_init__(self) -> None:
        values = (self.min_lon, self.min_lat, self.max_lon, self.max_lat)
        if not all(math.isfinite(v) for v in values):
            raise RequestError(
                _("Region {values} has a value that is not a finite number.").format(values=values)
            )
        if not (-180.0 <= self.min_lon < self.max_lon <= 180.0):
            raise RequestError(
                _(
                    "Region longitudes must satisfy -180 <= west < east <= 180; "
                    "got west={west}, east={east}."
                ).format(west=self.min_lon, east=self.max_lon)
            )
        if not (-90.0 <= self.min_lat < self.max_lat <= 90.0):
            raise RequestError(
                _(
                    "Region latitudes must satisfy -90 <= south < north <= 90; "
                    "got south={south}, north={north}."
                ).format(south=self.min_lat, north=self.max_lat)
            )

    @classmethod
    def parse(cls, text: str) -> BBox:
        """Read 'west,south,east,north' in degrees (e.g. '44,20,90,56') or the name 'corridor'."""
        if text.strip().lower() == "corridor":
            return CORRIDOR_BBOX
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 4:
            raise RequestError(
                _(
                    "Region '{region}' must have four numbers 'west,south,east,north' in degrees."
                ).format(region=text),
                hint=_("Example: --region 44,20,90,56 (or --region corridor)."),
            )
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError:
            raise RequestError(
                _("Region '{region}' has a value that is not a number.").format(region=text),
                hint=_("Example: --region 44,20,90,56 (or --region corridor)."),
            ) from None
        return cls(west, south, east, north)

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point (degrees) lies inside the box or on its edge."""
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon

    def key(self) -> str:
        """A stable text key for cache folders, e.g. 'bbox_44_20_90_56'."""
        return "bbox_" + "_".join(
            f"{v:.6f}".rstrip("0").rstrip(".").replace("-", "m")
            for v in (self.min_lon, self.min_lat, self.max_lon, self.max_lat)
        )

    def as_list(self) -> list[float]:
        """[west, south, east, north] as in GeoJSON."""
        return [self.min_lon, self.min_lat, self.max_lon, self.max_lat]


# The Kazakhstan–Pakistan corridor with its neighbours (Caspian to western China, Gulf to Siberia).
CORRIDOR_BBOX = BBox(44.0, 20.0, 90.0, 56.0)


@dataclass(frozen=True, slots=True)
class Circle:
    """A disc on the ground: centre in degrees and radius in km (e.g. a closed pass or bridge)."""

    lat: float
    lon: float
    radius_km: float

    def __post_init__(self) -> None:
        check_lat_lon(self.lat, self.lon, what="closure centre")
        if not (math.isfinite(self.radius_km) and self.radius_km > 0.0):
            raise RequestError(
                _("Closure radius must be a positive number of km; got {radius}.").format(
                    radius=self.radius_km
                )
            )


Closure = BBox | Circle


@dataclass(frozen=True, slots=True)
class SpeedEstimate:
    """An assumed average speed in km/h with its plausible range and why it was chosen."""

    typical_kmh: float
    min_kmh: float
    max_kmh: float
    reason: str


# The scgraph-data highway graph has no road class or speed per arc, so one truck speed is
# assumed for every arc. Estimate, not a measured figure: the range spans single-carriageway
# trunk roads in mountains (about 35 km/h) to plains motorways (about 65 km/h, speed limits for
# heavy goods vehicles in Kazakhstan and Pakistan are 70-90 km/h); it means moving speed without
# border or rest stops (CAREC CPMM calls this "speed without delay").
ROAD_SPEED = SpeedEstimate(
    typical_kmh=50.0,
    min_kmh=35.0,
    max_kmh=65.0,
    reason="estimate: graph has no road classes; moving truck speed on trunk roads of the region",
)

# Access legs run from a point to its snapped graph node on roads the graph does not hold
# (village roads, yards, tracks). Estimate: slow local roads, and the straight snap line
# understates the real path, which the low speed absorbs.
ACCESS_SPEED = SpeedEstimate(
    typical_kmh=25.0,
    min_kmh=15.0,
    max_kmh=40.0,
    reason="estimate: local roads off the highway graph, straight snap line shorter than the road",
)


@dataclass(frozen=True, slots=True)
class RoadRoute:
    """A door-to-door road leg.

    distance_km is measured along the road graph between the two snapped nodes (what networkx or
    scipy return on the same graph); the access legs from each point to its node are the
    straight-line snap distances snap_origin_km and snap_destination_km. duration_h covers the
    whole door-to-door trip: graph distance at the road speed plus access legs at the access
    speed. geometry is (lon, lat) pairs from the origin point, along the road nodes, to the
    destination point; node_path holds node ids of the loaded graph (see RoadNetwork).
    """

    distance_km: float
    duration_h: float
    geometry: list[tuple[float, float]]
    snap_origin_km: float
    snap_destination_km: float
    node_path: list[int]
    speed_kmh: float = ROAD_SPEED.typical_kmh
    access_speed_kmh: float = ACCESS_SPEED.typical_kmh
    attribution: str = field(default="", repr=False)

    @property
    def access_km(self) -> float:
        """Straight-line km of both access legs together."""
        return self.snap_origin_km + self.snap_destination_km

    @property
    def total_km(self) -> float:
        """Door-to-door km: graph distance plus both access legs."""
        return self.distance_km + self.access_km

    def to_geojson(self) -> dict[str, Any]:
        """The route as a GeoJSON Feature (LineString) with its figures as properties."""
        return {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [list(p) for p in self.geometry]},
            "properties": {
                "distance_km": round(self.distance_km, 3),
                "total_km": round(self.total_km, 3),
                "duration_h": round(self.duration_h, 3),
                "snap_origin_km": round(self.snap_origin_km, 3),
                "snap_destination_km": round(self.snap_destination_km, 3),
                "speed_kmh": self.speed_kmh,
                "access_speed_kmh": self.access_speed_kmh,
                "attribution": self.attribution,
            },
        }


def point_label(what: str) -> str:
    """The name of a point a message is about ('origin', 'destination' …), in the current
    language; other names stay as given."""
    names = {
        "point": _("point"),
        "origin": _("origin"),
        "destination": _("destination"),
        "closure centre": _("closure centre"),
    }
    return names.get(what, what)


def check_lat_lon(lat: float, lon: float, *, what: str = "point") -> None:
    """Raise RequestError unless lat is in [-90, 90] and lon in [-180, 180] (degrees)."""
    # numbers.Real also admits numpy scalars, which callers holding arrays pass.
    if not (isinstance(lat, numbers.Real) and isinstance(lon, numbers.Real)):
        raise RequestError(
            _("The {what} must be numbers (lat, lon); got ({lat!r}, {lon!r}).").format(
                what=point_label(what), lat=lat, lon=lon
            )
        )
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise RequestError(
            _("The {what} latitude {lat} is outside -90..90 degrees.").format(
                what=point_label(what), lat=lat
            )
        )
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise RequestError(
            _("The {what} longitude {lon} is outside -180..180 degrees.").format(
                what=point_label(what), lon=lon
            ),
            hint=_("Coordinates are (latitude, longitude); did you swap them?"),
        )
