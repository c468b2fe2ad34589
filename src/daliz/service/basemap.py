"""Build the page's offline country basemap from Natural Earth admin-0 (world-atlas TopoJSON).

Source: the npm package `world-atlas` 2.0.2 (ISC licence, © Michael Bostock), a TopoJSON
redistribution of Natural Earth 1:50m Admin 0 – Countries, version 4.1.0 (public domain,
https://www.naturalearthdata.com/). Countries are decoded, clipped to the corridor region and
rounded to 0.01° (about 1 km), which keeps the shipped file small.

Regenerate (the package is fetched from the npm registry into a temporary directory):

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m daliz.service.basemap /tmp/package/countries-50m.json
"""

from __future__ import annotations

import csv
import itertools
import json
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

# Corridor region: eastern Mediterranean and the Gulf in the west to central China (degrees).
REGION_LON = (20.0, 120.0)
REGION_LAT = (0.0, 60.0)
DECIMALS = 2
OUTPUT = Path(__file__).parent / "static" / "basemap" / "countries.geojson"

Point = tuple[float, float]
Ring = list[Point]


def _decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Absolute coordinates of every arc (delta-decoded and de-quantized)."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        points: list[Point] = []
        x = y = 0.0
        for position in arc:
            if transform:
                x += position[0]
                y += position[1]
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((float(position[0]), float(position[1])))
        arcs.append(points)
    return arcs


def _ring(indexes: Sequence[int], arcs: list[list[Point]]) -> Ring:
    ring: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(arc if not ring else arc[1:])  # consecutive arcs share an end point
    return ring


def decode(topology: dict[str, Any], name: str) -> list[tuple[str, str, list[list[Ring]]]]:
    """(id, name, polygons) of each geometry of a TopoJSON object; polygons are ring lists."""
    arcs = _decode_arcs(topology)
    out = []
    for geometry in topology["objects"][name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [[_ring(r, arcs) for r in geometry["arcs"]]]
        elif kind == "MultiPolygon":
            polygons = [[_ring(r, arcs) for r in p] for p in geometry["arcs"]]
        else:
            continue
        props = geometry.get("properties") or {}
        out.append((str(geometry.get("id", "")), str(props.get("name", "")), polygons))
    return out


def _clip_edge(points: Ring, axis: int, bound: float, keep_above: bool) -> Ring:
    """Clip a ring (without its closing point) to one side of the line `axis == bound`."""

    def inside(p: Point) -> bool:
        return p[axis] >= bound if keep_above else p[axis] <= bound

    def crossing(a: Point, b: Point) -> Point:
        t = (bound - a[axis]) / (b[axis] - a[axis])
        other = 1 - axis
        value = a[other] + t * (b[other] - a[other])
        return (bound, value) if axis == 0 else (value, bound)

    clipped: Ring = []
    previous = points[-1]
    for current in points:
        if inside(current):
            if not inside(previous):
                clipped.append(crossing(previous, current))
            clipped.append(current)
        elif inside(previous):
            clipped.append(crossing(previous, current))
        previous = current
    return clipped


def clip_ring(ring: Ring, lon: tuple[float, float], lat: tuple[float, float]) -> Ring:
    """Sutherland–Hodgman clip of a closed ring to a lon/lat rectangle (closed result or [])."""
    points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    for axis, bound, keep_above in (
        (0, lon[0], True),
        (0, lon[1], False),
        (1, lat[0], True),
        (1, lat[1], False),
    ):
        if not points:
            break
        points = _clip_edge(points, axis, bound, keep_above)
    if len(points) < 3:
        return []
    return [*points, points[0]]


def _rounded(ring: Ring) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    if len(out) >= 2 and out[0] != out[-1]:
        out.append(out[0])
    return out


def ring_area_centroid(ring: Sequence[Sequence[float]]) -> tuple[float, Point]:
    """Absolute planar area (degrees²) and centroid of a closed ring."""
    area2 = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area2 += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area2 == 0:
        return 0.0, (float(ring[0][0]), float(ring[0][1]))
    return abs(area2) / 2, (cx / (3 * area2), cy / (3 * area2))


def numeric_to_alpha2() -> dict[str, str]:
    """ISO 3166-1 numeric code ('004') → alpha-2 ('AF'), from daliz's offline code table."""
    table = resources.files("daliz") / "data" / "trade" / "countries.csv"
    with table.open(encoding="utf-8") as fh:
        return {
            row["iso_numeric"].zfill(3): row["iso2"]
            for row in csv.DictReader(fh)
            if row.get("iso_numeric") and row.get("iso2")
        }


def country_names(iso2: str, fallback: str) -> dict[str, str]:
    """A country's name in en/kk/ru/ur from CLDR (Babel); Natural Earth's name otherwise."""
    from babel import Locale

    names = {}
    for lang in ("en", "kk", "ru", "ur"):
        territories: dict[str, str] = dict(Locale.parse(lang).territories)
        names[lang] = territories.get(iso2, fallback) if iso2 else fallback
    return names


def build(topology: dict[str, Any]) -> dict[str, Any]:
    """The clipped, rounded FeatureCollection.

    Properties: iso2, name (Natural Earth), names (en/kk/ru/ur, CLDR), label ([lon, lat] of
    the centroid of the largest part, where the page writes the name).
    """
    alpha2 = numeric_to_alpha2()
    features: list[dict[str, Any]] = []
    for code, name, polygons in decode(topology, "countries"):
        kept: list[list[list[list[float]]]] = []
        for polygon in polygons:
            outer = _rounded(clip_ring(polygon[0], REGION_LON, REGION_LAT))
            if len(outer) < 4:
                continue
            holes = [_rounded(clip_ring(h, REGION_LON, REGION_LAT)) for h in polygon[1:]]
            kept.append([outer, *(h for h in holes if len(h) >= 4)])
        if not kept:
            continue
        largest = max(kept, key=lambda p: ring_area_centroid(p[0])[0])
        _area, (lx, ly) = ring_area_centroid(largest[0])
        iso2 = alpha2.get(code.zfill(3), "") if code else ""
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "iso2": iso2,
                    "name": name,
                    "names": country_names(iso2, name),
                    "label": [round(lx, 2), round(ly, 2)],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": kept},
            }
        )
    features.sort(key=lambda f: str(f["properties"]["name"]))
    return {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:50m Admin 0 – Countries v4.1.0 (public domain), via the npm "
        "package world-atlas 2.0.2 (ISC); names from Unicode CLDR via Babel; clipped to the "
        "corridor region by daliz",
        "bbox": [REGION_LON[0], REGION_LAT[0], REGION_LON[1], REGION_LAT[1]],
        "features": features,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Write static/basemap/countries.geojson from a world-atlas countries-50m.json."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print(__doc__)
        return 2
    topology = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    collection = build(topology)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    print(f"{OUTPUT}: {len(collection['features'])} countries, {OUTPUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
