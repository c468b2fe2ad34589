"""A static map of plan alternatives as inline SVG: country outlines, routes, places.

Drawn without any network access: the country outlines are the offline basemap the web page
uses (Natural Earth admin-0, see `basemap_path`), the routes are the GeoJSON LineStrings of the
plan's legs. Projection: equirectangular, x scaled by cos(middle latitude), so shapes in the
corridor region (25–55° N) keep their proportions.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from daliz.i18n import current_language, name_in
from daliz.planning.result import Alternative, PlanResult
from daliz.reports.html import esc

# Okabe–Ito colours (distinguishable with colour-blindness), in rank order.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
# Dash pattern of each mode, so the map reads in black and white too.
MODE_DASH = {"road": "", "rail": "7 3", "sea": "2 3", "ferry": "2 3"}

WIDTH = 760.0
MAX_HEIGHT = 620.0
MARGIN_DEG = 1.6


def colour(rank: int) -> str:
    """The colour of the alternative ranked `rank` (1-based), as on the map and charts."""
    return PALETTE[(rank - 1) % len(PALETTE)]


def basemap_path() -> Path | None:
    """The offline country outlines the web page ships (read-only), if present."""
    path = Path(str(resources.files("daliz") / "service" / "static" / "basemap"))
    candidate = path / "countries.geojson"
    return candidate if candidate.is_file() else None


@lru_cache(maxsize=2)
def _basemap(path: str) -> list[dict[str, Any]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return list(data.get("features", []))


@dataclass(frozen=True)
class _View:
    """The map window (degrees) and its projection onto the SVG canvas (pixels)."""

    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float

    @property
    def kx(self) -> float:
        return math.cos(math.radians((self.lat_min + self.lat_max) / 2))

    @property
    def scale(self) -> float:
        return WIDTH / ((self.lon_max - self.lon_min) * self.kx)

    @property
    def height(self) -> float:
        return (self.lat_max - self.lat_min) * self.scale

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            (lon - self.lon_min) * self.kx * self.scale,
            (self.lat_max - lat) * self.scale,
        )

    def intersects(self, box: tuple[float, float, float, float]) -> bool:
        lo_x, lo_y, hi_x, hi_y = box
        return not (
            hi_x < self.lon_min or lo_x > self.lon_max or hi_y < self.lat_min or lo_y > self.lat_max
        )


def _view(points: list[tuple[float, float]]) -> _View:
    lons = [p[0] for p in points] or [60.0, 75.0]
    lats = [p[1] for p in points] or [25.0, 50.0]
    lon_min, lon_max = min(lons) - MARGIN_DEG, max(lons) + MARGIN_DEG
    lat_min, lat_max = min(lats) - MARGIN_DEG, max(lats) + MARGIN_DEG
    view = _View(lon_min, lon_max, lat_min, lat_max)
    if view.height > MAX_HEIGHT:  # too tall: widen the longitude span around its middle
        mid = (lon_min + lon_max) / 2
        half = (lat_max - lat_min) * (WIDTH / MAX_HEIGHT) / view.kx / 2
        view = _View(mid - half, mid + half, lat_min, lat_max)
    return view


def _path(rings: list[list[list[float]]], view: _View) -> str:
    parts = []
    for ring in rings:
        coords = [view.xy(lon, lat) for lon, lat in ring]
        if len(coords) < 3:
            continue
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + "Z")
    return "".join(parts)


def _bbox(rings: list[list[list[float]]]) -> tuple[float, float, float, float]:
    xs = [p[0] for ring in rings for p in ring]
    ys = [p[1] for ring in rings for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _countries(view: _View, lang: str) -> tuple[str, str]:
    """(outline paths, country labels) of the basemap inside the view."""
    path = basemap_path()
    if path is None:
        return "", ""
    shapes, labels = [], []
    for feature in _basemap(str(path)):
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        rings = [ring for polygon in polygons for ring in polygon]
        if not rings or not view.intersects(_bbox(rings)):
            continue
        shapes.append(f'<path d="{_path(rings, view)}"/>')
        props = feature.get("properties") or {}
        label = props.get("label")
        if not str(props.get("iso2") or "").isalpha():
            continue  # outlines without a country code (disputed areas) get no label
        if label and view.intersects((label[0], label[1], label[0], label[1])):
            x, y = view.xy(label[0], label[1])
            name = name_in(props.get("names") or {}, str(props.get("name", "")), lang)
            labels.append(f'<text x="{x:.1f}" y="{y:.1f}" class="country">{esc(name)}</text>')
    return "".join(shapes), "".join(labels)


def _line(coords: list[list[float]], view: _View) -> str:
    return " ".join("{:.1f},{:.1f}".format(*view.xy(float(c[0]), float(c[1]))) for c in coords)


def _alternative_paths(alt: Alternative, view: _View) -> str:
    out = []
    stroke = colour(alt.rank)
    width = 3.4 if alt.rank == 1 else 2.4
    for leg in alt.legs:
        coords = leg.geometry.get("coordinates") or []
        if len(coords) < 2:
            continue
        dash = MODE_DASH.get(leg.mode, "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<polyline points="{_line(coords, view)}" stroke="{stroke}" '
            f'stroke-width="{width}"{dash_attr}/>'
        )
    return f'<g class="route" data-rank="{alt.rank}">{"".join(out)}</g>'


def plan_map(result: PlanResult, *, lang: str | None = None) -> str:
    """An inline SVG map of every alternative of `result`."""
    lang = lang or current_language()
    points: list[tuple[float, float]] = []
    for alt in result.alternatives:
        for leg in alt.legs:
            for coord in leg.geometry.get("coordinates") or []:
                points.append((float(coord[0]), float(coord[1])))
    view = _view(points)
    height = view.height
    outlines, country_labels = _countries(view, lang)
    routes = "".join(
        _alternative_paths(alt, view) for alt in sorted(result.alternatives, key=lambda a: -a.rank)
    )
    marks = []
    seen: set[str] = set()
    ends: dict[str, tuple[float, float, str]] = {}
    for alt in result.alternatives:
        if alt.legs:
            first, last = alt.legs[0], alt.legs[-1]
            first_xy = first.geometry["coordinates"][0]
            last_xy = last.geometry["coordinates"][-1]
            ends.setdefault("origin", (float(first_xy[0]), float(first_xy[1]), first.from_name))
            ends.setdefault("destination", (float(last_xy[0]), float(last_xy[1]), last.to_name))
        for leg in alt.legs:
            coords = leg.geometry.get("coordinates") or []
            if not coords or leg.to in seen or leg is alt.legs[-1]:
                continue
            seen.add(leg.to)
            x, y = view.xy(float(coords[-1][0]), float(coords[-1][1]))
            marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" class="stop"/>')
            if leg.to.startswith("bcp-") or any(
                e.place == leg.to and e.kind == "border_crossing" for e in alt.events
            ):
                marks.append(
                    f'<text x="{x + 4:.1f}" y="{y - 4:.1f}" class="place small">'
                    f"{esc(leg.to_name)}</text>"
                )
    for role, (lon, lat, name) in ends.items():
        x, y = view.xy(lon, lat)
        marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" class="end {role}"/>')
        marks.append(
            f'<text x="{x + 8:.1f}" y="{y + 4:.1f}" class="place end-label">{esc(name)}</text>'
        )
    style = (
        "<style>"
        ".land path{fill:#f3f1ea;stroke:#b9b3a3;stroke-width:.7}"
        ".route polyline{fill:none;stroke-linecap:round;stroke-linejoin:round;opacity:.92}"
        "text{font-family:inherit;paint-order:stroke;stroke:#fff;stroke-width:3px}"
        ".country{font-size:11px;fill:#8a8270;text-anchor:middle;letter-spacing:.04em}"
        ".place{font-size:10.5px;fill:#1d2430}"
        ".small{font-size:9px;fill:#333}"
        ".end-label{font-size:12.5px;font-weight:700}"
        ".stop{fill:#fff;stroke:#333;stroke-width:1}"
        ".end{fill:#1d2430;stroke:#fff;stroke-width:2}"
        "</style>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {height:.0f}" '
        f'role="img" direction="ltr">{style}'
        f'<rect width="100%" height="100%" fill="#dfeaf3"/>'
        f'<g class="land">{outlines}</g>{country_labels}{routes}{"".join(marks)}</svg>'
    )


def legend(result: PlanResult, mode_names: dict[str, str]) -> str:
    """An HTML legend: one swatch per alternative, one dash sample per mode used."""
    items = [
        f'<span class="swatch" style="background:{colour(alt.rank)}"></span>'
        f"#{alt.rank} {esc(alt.corridor)}"
        for alt in result.alternatives
    ]
    used = sorted({leg.mode for alt in result.alternatives for leg in alt.legs})
    for mode in used:
        dash = MODE_DASH.get(mode, "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(
            '<svg class="key" width="28" height="8" style="vertical-align:middle">'
            f'<line x1="1" y1="4" x2="27" y2="4" stroke="#333" stroke-width="2"{dash_attr}/></svg> '
            + esc(mode_names.get(mode, mode))
        )
    return '<div class="caption">' + " &nbsp; ".join(items) + "</div>"
