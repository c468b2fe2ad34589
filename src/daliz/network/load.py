"""Load and validate a corridor dataset directory into a `Network`.

`load_network()` reads every table, checks every row and every reference, and either returns a
complete Network or raises `DatasetError` listing every problem with file, row and field.
Nothing is ever half-loaded.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from daliz.errors import DalizError, DatasetError, Problem
from daliz.i18n import _
from daliz.network.countries import ISO_ALPHA2
from daliz.network.model import (
    GAUGES_MM,
    LANGUAGES,
    WEEKDAYS,
    BorderCrossing,
    CargoUnit,
    CargoUnitKind,
    Closure,
    Corridor,
    DatasetInfo,
    EmissionFactor,
    Link,
    Mode,
    Network,
    Place,
    PlaceKind,
    Range,
    Service,
    Source,
    Sourcing,
    Status,
    Tariff,
    Transfer,
)
from daliz.network.tables import Fields, Row, read_table

DATASET_ENV = "DALIZ_DATASET"
SOURCING_COLUMNS = ("source", "estimate")

# Plausible detour factors of a route length over the great-circle distance between its ends.
# Below 1 is impossible; above the maximum is almost certainly a typo (km vs miles, wrong place).
MIN_DETOUR = 0.97  # 3 % slack for coordinate rounding of short links
MAX_DETOUR = {Mode.ROAD: 3.0, Mode.RAIL: 3.0, Mode.SEA: 4.0, Mode.FERRY: 3.0}
SHORT_LINK_KM = 30.0  # below this, coordinate rounding dominates: detour is not checked


def bundled_dataset_dir() -> Path:
    """The directory of the default dataset shipped with daliz."""
    return Path(str(resources.files("daliz") / "data" / "default"))


def resolve_dataset(dataset: str | Path | None = None) -> list[Path]:
    """The stack of dataset directories to read, base first.

    Parameters
    ----------
    dataset : a directory, or None for `$DALIZ_DATASET`, or the bundled default

    Returns
    -------
    list of directories; an overlay (`base:` in its dataset.yaml) comes after its base.
    """
    if dataset is None:
        dataset = os.environ.get(DATASET_ENV) or None
    if dataset is None or str(dataset) == "default":
        return [bundled_dataset_dir()]
    path = Path(dataset).expanduser()
    if not path.is_dir():
        raise DalizError(
            _("Dataset directory {path!r} does not exist.").format(path=str(path)),
            hint=_(
                "Give a directory holding dataset.yaml and the CSV tables (see docs/dataset.md)."
            ),
        )
    stack: list[Path] = [path.resolve()]
    for _attempt in range(10):  # a base chain longer than this is surely a cycle
        meta = _read_meta(stack[0], [])
        base = meta.get("base")
        if not base:
            return stack
        base_dirs = (
            [bundled_dataset_dir()]
            if str(base) == "default"
            else [(stack[0] / str(base)).resolve()]
        )
        if not base_dirs[0].is_dir():
            raise DalizError(
                _("{file}: base {base!r} is not a directory.").format(
                    file=stack[0] / "dataset.yaml", base=base
                )
            )
        stack = base_dirs + stack
        if str(base) == "default":
            return stack
    raise DalizError(
        _("{file}: the chain of 'base' datasets is too long.").format(file=path / "dataset.yaml")
    )


def _read_meta(directory: Path, problems: list[Problem]) -> dict[str, Any]:
    path = directory / "dataset.yaml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(
            Problem(str(path), None, None, _("not valid YAML: {error}").format(error=exc))
        )
        return {}
    except RecursionError:  # e.g. 10,000 nested brackets
        problems.append(Problem(str(path), None, None, _("nested too deeply to be read")))
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(str(path), None, None, _("must be a mapping of key: value")))
        return {}
    return data


def content_hash(directories: Sequence[Path]) -> str:
    """sha256 over the relative names and bytes of every file in the stacked directories."""
    digest = hashlib.sha256()
    for index, directory in enumerate(directories):
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            digest.update(f"{index}:{path.relative_to(directory).as_posix()}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


@dataclass
class _Counts:
    sourced: int = 0  # as published in a cited source
    derived: int = 0  # estimated from cited sources (both a source and an estimate reason)
    estimated: int = 0  # estimated without a source (analogy, judgement), with a range

    def add(self, sourcing: Sourcing, numbers: int) -> None:
        if not sourcing.is_estimate:
            self.sourced += numbers
        elif sourcing.sources:
            self.derived += numbers
        else:
            self.estimated += numbers


@dataclass
class _Loader:
    directories: list[Path]
    problems: list[Problem] = field(default_factory=list)
    source_ids: set[str] = field(default_factory=set)
    counts: _Counts = field(default_factory=_Counts)
    cited: set[str] = field(default_factory=set)

    def table(
        self, name: str, *, key: Sequence[str], columns: Sequence[str], required: Sequence[str]
    ) -> list[Row]:
        return read_table(
            self.directories,
            name,
            key=key,
            columns=columns,
            required=required,
            problems=self.problems,
        ).rows

    def sourcing(self, f: Fields, *, has_range: bool = True) -> Sourcing:
        """Read `source` / `estimate` and enforce the sourcing rule on this row."""
        ids = f.items("source")
        estimate = f.text("estimate")
        for source_id in ids:
            if source_id not in self.source_ids:
                f.problem(
                    "source",
                    _("unknown source id {id!r} (not in sources.csv)").format(id=source_id),
                )
            self.cited.add(source_id)
        if not ids and not estimate:
            f.problem(
                "source",
                _("numbers need a source id, or an 'estimate' reason with a min/max range"),
            )
        if estimate and not has_range:
            f.problem("estimate", _("an estimate needs a min/max range in this row"))
        return Sourcing(ids, estimate)

    def range_of(self, f: Fields, stem: str, *, required: bool, minimum: float = 0) -> Range | None:
        """Read `<stem>_min`, `<stem>_typ`, `<stem>_max`; fill a missing end from `typ`."""
        typ = f.number(f"{stem}_typ", required=required, minimum=minimum)
        low = f.number(f"{stem}_min", minimum=minimum)
        high = f.number(f"{stem}_max", minimum=minimum)
        if typ is None:
            return None
        low = typ if low is None else low
        high = typ if high is None else high
        if not low <= typ <= high:
            f.problem(
                f"{stem}_typ",
                _("range must satisfy min ≤ typ ≤ max, got {values}").format(
                    values=f"{low:g}/{typ:g}/{high:g}"
                ),
            )
        return Range(low, typ, high)


PLACE_COLUMNS = (
    "id",
    "kind",
    "country",
    "lat",
    "lon",
    "unlocode",
    *(f"name_{lang}" for lang in LANGUAGES),
    "aliases",
    "status",
    "source",
    "estimate",
    "note",
)
LINK_COLUMNS = (
    "id",
    "from",
    "to",
    "mode",
    "gauge_mm",
    "distance_km",
    "distance_km_min",
    "distance_km_max",
    "status",
    "bidirectional",
    "speed_profile",
    "tariff_profile",
    "road_class",
    "source",
    "estimate",
    "note",
)
SPEED_COLUMNS = (
    "id",
    "mode",
    "speed_kmh_min",
    "speed_kmh_typ",
    "speed_kmh_max",
    "status",
    *SOURCING_COLUMNS,
    "note",
)
TARIFF_COLUMNS = (
    "id",
    "unit",
    "basis",
    "usd_min",
    "usd_typ",
    "usd_max",
    "valid_from",
    "status",
    *SOURCING_COLUMNS,
    "note",
)
BORDER_COLUMNS = (
    "place",
    "mode",
    "country_a",
    "country_b",
    "clearance_h_min",
    "clearance_h_typ",
    "clearance_h_max",
    "cost_usd_min",
    "cost_usd_typ",
    "cost_usd_max",
    "cost_unit",
    "open_days",
    "status",
    *SOURCING_COLUMNS,
    "note",
)
TRANSFER_COLUMNS = (
    "place",
    "kind",
    "from_mode",
    "from_gauge_mm",
    "to_mode",
    "to_gauge_mm",
    "time_h_min",
    "time_h_typ",
    "time_h_max",
    "cost_usd_min",
    "cost_usd_typ",
    "cost_usd_max",
    "cost_unit",
    "bidirectional",
    "status",
    *SOURCING_COLUMNS,
    "note",
)
SERVICE_COLUMNS = (
    "id",
    "name",
    "mode",
    "stops",
    "days",
    "frequency_per_week",
    "transit_h",
    "operator",
    "status",
    *SOURCING_COLUMNS,
    "note",
)
CLOSURE_COLUMNS = (
    "target",
    "kind",
    "season_start",
    "season_end",
    "valid_from",
    "valid_to",
    "probability",
    "status",
    *SOURCING_COLUMNS,
    "note",
)
EMISSION_COLUMNS = (
    "mode",
    "fuel",
    "co2e_g_per_tkm",
    "co2e_g_per_tkm_min",
    "co2e_g_per_tkm_max",
    "scope",
    "status",
    *SOURCING_COLUMNS,
    "note",
)
CARGO_UNIT_COLUMNS = (
    "unit",
    "payload_t_typ",
    "payload_t_max",
    "teu_equivalent",
    "status",
    *SOURCING_COLUMNS,
    "note",
)
CORRIDOR_COLUMNS = ("id", *(f"name_{lang}" for lang in LANGUAGES), "via", "modes", "status", "note")
SOURCE_COLUMNS = ("id", "title", "publisher", "url", "published", "accessed", "status", "note")

TRANSFER_KINDS = (
    "transshipment",
    "gauge_change",
    "bogie_exchange",
    "port_handling",
    "ferry_loading",
)
CLOSURE_KINDS = ("seasonal", "period", "risk")
BORDER_COST_UNITS = ("truck", "wagon", "teu", "consignment")


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of radius 6371.0088 km (IUGG mean radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _parse_days(f: Fields, name: str) -> frozenset[int]:
    days: set[int] = set()
    for item in f.items(name):
        if item not in WEEKDAYS:
            f.problem(
                name,
                _("{value!r} is not a weekday ({weekdays})").format(
                    value=item, weekdays=", ".join(WEEKDAYS)
                ),
            )
            continue
        days.add(WEEKDAYS.index(item))
    return frozenset(days)


def _status(f: Fields) -> Status:
    return Status(f.choice("status", [s.value for s in Status], default=Status.OPERATING.value))


def _gauge(f: Fields, name: str, mode: str) -> int | None:
    value = f.number(name)
    if mode == Mode.RAIL.value:
        if value is None:
            f.problem(name, _("a rail record needs a gauge (1520, 1435 or 1676)"))
            return None
        if int(value) not in GAUGES_MM:
            f.problem(
                name,
                _("{value} mm is not a gauge daliz knows (1520, 1435, 1676)").format(
                    value=f"{value:g}"
                ),
            )
            return None
        return int(value)
    if value is not None:
        f.problem(name, _("only rail has a gauge, this record's mode is {mode}").format(mode=mode))
    return None


def _load(directories: list[Path]) -> Network:
    ld = _Loader(directories)
    problems = ld.problems

    meta: dict[str, Any] = {}
    for directory in directories:
        meta.update({k: v for k, v in _read_meta(directory, problems).items() if k != "base"})
    if not any((d / "dataset.yaml").is_file() for d in directories):
        problems.append(Problem(str(directories[-1]), None, None, _("dataset.yaml is missing")))

    # --- sources -------------------------------------------------------------------------
    sources: dict[str, Source] = {}
    for row in ld.table("sources", key=("id",), columns=SOURCE_COLUMNS, required=("id", "title")):
        f = Fields(row, problems)
        title = f.text("title", required=True)
        url = f.text("url")
        published, accessed = f.date("published"), f.date("accessed")
        note = f.text("note")
        if url and not url.startswith(("http://", "https://")):
            f.problem("url", _("{value!r} is not an http(s) address").format(value=url))
        if not url and not note:
            f.problem("url", _("a source needs a url, or a note saying where to find it"))
        if published is None and accessed is None:
            f.problem("published", _("a source needs a publication or an access date"))
        sources[row.get("id")] = Source(
            row.get("id"), title, f.text("publisher"), url, published, accessed, note
        )
    ld.source_ids = set(sources)

    # --- places --------------------------------------------------------------------------
    places: dict[str, Place] = {}
    for row in ld.table(
        "places",
        key=("id",),
        columns=PLACE_COLUMNS,
        required=("id", "kind", "country", "lat", "lon", "name_en"),
    ):
        f = Fields(row, problems)
        kind = f.choice("kind", [k.value for k in PlaceKind])
        country = f.text("country", required=True)
        if country and country not in ISO_ALPHA2:
            f.problem(
                "country", _("{value!r} is not an ISO 3166-1 alpha-2 code").format(value=country)
            )
        lat = f.number("lat", required=True, minimum=-90, maximum=90)
        lon = f.number("lon", required=True, minimum=-180, maximum=180)
        names = {lang: f.text(f"name_{lang}") for lang in LANGUAGES if f.text(f"name_{lang}")}
        if "en" not in names:
            f.problem("name_en", _("is required"))
        unlocode = f.text("unlocode")
        if unlocode and not (len(unlocode) == 5 and unlocode[:2] == country and unlocode.isalnum()):
            f.problem(
                "unlocode",
                _("{value!r} is not a UN/LOCODE of {country} (e.g. PKKHI)").format(
                    value=unlocode, country=country
                ),
            )
        sourcing = ld.sourcing(f)  # coordinates: a range is not asked for
        if lat is not None and lon is not None:
            places[row.get("id")] = Place(
                id=row.get("id"),
                kind=PlaceKind(kind),
                country=country,
                lat=lat,
                lon=lon,
                names=names,
                aliases=f.items("aliases"),
                unlocode=unlocode,
                sourcing=sourcing,
                note=f.text("note"),
            )
            ld.counts.add(sourcing, 2)

    # --- speed and tariff profiles ---------------------------------------------------------
    speeds: dict[str, tuple[str, Range]] = {}
    for row in ld.table(
        "speeds", key=("id",), columns=SPEED_COLUMNS, required=("id", "mode", "speed_kmh_typ")
    ):
        f = Fields(row, problems)
        mode = f.choice("mode", [m.value for m in Mode])
        rng = ld.range_of(f, "speed_kmh", required=True, minimum=0.1)
        sourcing = ld.sourcing(f)
        if rng is not None:
            if rng.max > 120:
                f.problem(
                    "speed_kmh_max",
                    _("{value} km/h is not a plausible freight speed").format(value=f"{rng.max:g}"),
                )
            speeds[row.get("id")] = (mode, rng)
            ld.counts.add(sourcing, 3)

    tariffs: dict[str, dict[CargoUnitKind, Tariff]] = defaultdict(dict)
    for row in ld.table(
        "tariffs",
        key=("id", "unit"),
        columns=TARIFF_COLUMNS,
        required=("id", "unit", "basis", "usd_typ"),
    ):
        f = Fields(row, problems)
        unit = CargoUnitKind(f.choice("unit", [u.value for u in CargoUnitKind]))
        basis = f.choice("basis", ["per_km", "per_trip"])
        rng = ld.range_of(f, "usd", required=True)
        valid_from = f.date("valid_from")
        sourcing = ld.sourcing(f)
        if rng is not None:
            tariffs[row.get("id")][unit] = Tariff(unit, basis, rng, valid_from, sourcing)
            ld.counts.add(sourcing, 3)

    # --- geometry --------------------------------------------------------------------------
    geometry = _read_geometry(directories, problems)

    # --- links -----------------------------------------------------------------------------
    links: dict[str, Link] = {}
    for row in ld.table(
        "links",
        key=("id",),
        columns=LINK_COLUMNS,
        required=("id", "from", "to", "mode", "distance_km"),
    ):
        f = Fields(row, problems)
        mode = f.choice("mode", [m.value for m in Mode])
        gauge = _gauge(f, "gauge_mm", mode)
        a, b = f.text("from", required=True), f.text("to", required=True)
        for name, ref in (("from", a), ("to", b)):
            if ref and ref not in places:
                f.problem(name, _("unknown place id {id!r}").format(id=ref))
        if a and a == b:
            f.problem("to", _("a link must join two different places"))
        distance = f.number("distance_km", required=True, minimum=0.1, maximum=20000)
        dmin = f.number("distance_km_min", minimum=0)
        dmax = f.number("distance_km_max", minimum=0)
        status = _status(f)
        estimate = f.text("estimate")
        sourcing = ld.sourcing(f, has_range=not estimate or (dmin is not None and dmax is not None))
        speed_id = f.text("speed_profile", required=True)
        tariff_id = f.text("tariff_profile", required=True)
        speed = speeds.get(speed_id)
        if speed_id and speed is None:
            f.problem(
                "speed_profile",
                _("unknown speed profile {id!r} (not in speeds.csv)").format(id=speed_id),
            )
        elif speed is not None and speed[0] != mode:
            f.problem(
                "speed_profile",
                _("profile {id!r} is for {profile_mode}, the link is {mode}").format(
                    id=speed_id, profile_mode=speed[0], mode=mode
                ),
            )
        if tariff_id and tariff_id not in tariffs:
            f.problem(
                "tariff_profile",
                _("unknown tariff profile {id!r} (not in tariffs.csv)").format(id=tariff_id),
            )
        if distance is not None and a in places and b in places and a != b:
            pa, pb = places[a], places[b]
            gc = great_circle_km(pa.lat, pa.lon, pb.lat, pb.lon)
            if gc > SHORT_LINK_KM or distance > SHORT_LINK_KM:
                factor = distance / max(gc, 1e-6)
                if factor < MIN_DETOUR:
                    f.problem(
                        "distance_km",
                        _(
                            "{distance} km is shorter than the great-circle distance "
                            "{great_circle} km between {a} and {b}"
                        ).format(distance=f"{distance:g}", great_circle=f"{gc:.0f}", a=a, b=b),
                    )
                elif factor > MAX_DETOUR[Mode(mode)]:
                    f.problem(
                        "distance_km",
                        _(
                            "{distance} km is {factor}× the great-circle distance {great_circle} "
                            "km between {a} and {b} (over {limit}× is implausible)"
                        ).format(
                            distance=f"{distance:g}",
                            factor=f"{factor:.1f}",
                            great_circle=f"{gc:.0f}",
                            a=a,
                            b=b,
                            limit=f"{MAX_DETOUR[Mode(mode)]:g}",
                        ),
                    )
        if (
            distance is not None
            and dmin is not None
            and dmax is not None
            and not dmin <= distance <= dmax
        ):
            f.problem("distance_km", _("must lie within distance_km_min..distance_km_max"))
        road_class = f.text("road_class")
        if road_class and mode != Mode.ROAD.value:
            f.problem("road_class", _("only road links have a road class"))
        if f.ok and distance is not None and speed is not None:
            links[row.get("id")] = Link(
                id=row.get("id"),
                from_place=a,
                to_place=b,
                mode=Mode(mode),
                gauge_mm=gauge,
                distance_km=distance,
                distance_km_range=Range(dmin or distance, distance, dmax or distance),
                status=status,
                bidirectional=f.boolean("bidirectional", default=True),
                speed_kmh=speed[1],
                speed_profile=speed_id,
                tariff_profile=tariff_id,
                tariffs=dict(tariffs.get(tariff_id, {})),
                road_class=road_class,
                geometry=geometry.pop(row.get("id"), ()),
                sourcing=sourcing,
                note=f.text("note"),
            )
            ld.counts.add(sourcing, 1)
    for link_id in geometry:
        problems.append(
            Problem(
                "geometry.geojson", None, "link", _("unknown link id {id!r}").format(id=link_id)
            )
        )

    # --- border crossings ------------------------------------------------------------------
    borders: dict[tuple[str, Mode], BorderCrossing] = {}
    for row in ld.table(
        "border_crossings",
        key=("place", "mode"),
        columns=BORDER_COLUMNS,
        required=("place", "mode", "country_a", "country_b", "clearance_h_typ", "cost_usd_typ"),
    ):
        f = Fields(row, problems)
        place_id = f.text("place", required=True)
        place = places.get(place_id)
        if place is None:
            f.problem("place", _("unknown place id {id!r}").format(id=place_id))
        elif place.kind != PlaceKind.BORDER_CROSSING:
            f.problem(
                "place",
                _("{id!r} is a {kind}, not a border_crossing").format(
                    id=place_id, kind=place.kind.value
                ),
            )
        mode = f.choice("mode", [Mode.ROAD.value, Mode.RAIL.value])
        ca, cb = f.text("country_a", required=True), f.text("country_b", required=True)
        for name, code in (("country_a", ca), ("country_b", cb)):
            if code and code not in ISO_ALPHA2:
                f.problem(name, _("{value!r} is not an ISO 3166-1 alpha-2 code").format(value=code))
        if ca and ca == cb:
            f.problem("country_b", _("a border joins two different countries"))
        if place is not None and place.country not in (ca, cb):
            f.problem(
                "country_a",
                _("neither country is the place's country {country}").format(country=place.country),
            )
        clearance = ld.range_of(f, "clearance_h", required=True)
        cost = ld.range_of(f, "cost_usd", required=True)
        border_unit = f.choice("cost_unit", BORDER_COST_UNITS)
        days = _parse_days(f, "open_days") or frozenset(range(7))
        sourcing = ld.sourcing(f)
        if f.ok and clearance and cost:
            borders[(place_id, Mode(mode))] = BorderCrossing(
                place_id,
                Mode(mode),
                (ca, cb),
                clearance,
                cost,
                border_unit,
                days,
                _status(f),
                sourcing,
                f.text("note"),
            )
            ld.counts.add(sourcing, 6)

    # --- transfers -------------------------------------------------------------------------
    transfers: list[Transfer] = []
    for row in ld.table(
        "transfers",
        key=("place", "kind", "from_mode", "from_gauge_mm", "to_mode", "to_gauge_mm", "cost_unit"),
        columns=TRANSFER_COLUMNS,
        required=(
            "place",
            "kind",
            "from_mode",
            "to_mode",
            "time_h_typ",
            "cost_usd_typ",
            "cost_unit",
        ),
    ):
        f = Fields(row, problems)
        place_id = f.text("place", required=True)
        if place_id not in places:
            f.problem("place", _("unknown place id {id!r}").format(id=place_id))
        kind = f.choice("kind", TRANSFER_KINDS)
        m1 = f.choice("from_mode", [m.value for m in Mode])
        m2 = f.choice("to_mode", [m.value for m in Mode])
        g1 = _gauge(f, "from_gauge_mm", m1)
        g2 = _gauge(f, "to_gauge_mm", m2)
        if m1 == m2 and g1 == g2:
            f.problem("to_mode", _("a transfer must change the mode or the gauge"))
        time_h = ld.range_of(f, "time_h", required=True)
        cost = ld.range_of(f, "cost_usd", required=True)
        transfer_unit = f.choice("cost_unit", [u.value for u in CargoUnitKind])
        sourcing = ld.sourcing(f)
        if f.ok and time_h and cost:
            transfers.append(
                Transfer(
                    place_id,
                    kind,
                    Mode(m1),
                    g1,
                    Mode(m2),
                    g2,
                    time_h,
                    cost,
                    CargoUnitKind(transfer_unit),
                    f.boolean("bidirectional", default=True),
                    sourcing,
                    f.text("note"),
                )
            )
            ld.counts.add(sourcing, 6)

    # --- services --------------------------------------------------------------------------
    by_pair: dict[tuple[str, str, Mode], list[Link]] = defaultdict(list)
    for link in links.values():
        by_pair[(link.from_place, link.to_place, link.mode)].append(link)
        if link.bidirectional:
            by_pair[(link.to_place, link.from_place, link.mode)].append(link)
    services: dict[str, Service] = {}
    for row in ld.table(
        "services",
        key=("id",),
        columns=SERVICE_COLUMNS,
        required=("id", "name", "mode", "stops", "transit_h"),
    ):
        f = Fields(row, problems)
        mode = Mode(f.choice("mode", [m.value for m in Mode]))
        stops = f.items("stops", sep=">")
        if len(stops) < 2:
            f.problem("stops", _("a service needs at least two stops joined by '>'"))
        for stop in stops:
            if stop not in places:
                f.problem("stops", _("unknown place id {id!r}").format(id=stop))
        for a, b in itertools.pairwise(stops):
            if a in places and b in places and not by_pair.get((a, b, mode)):
                f.problem(
                    "stops", _("no {mode} link joins {a} and {b}").format(mode=mode.value, a=a, b=b)
                )
        days = _parse_days(f, "days")
        freq = f.number("frequency_per_week", minimum=0.01, maximum=100)
        if not days and freq is None:
            f.problem("frequency_per_week", _("give departure 'days' or a frequency_per_week"))
        transit = f.number("transit_h", required=True, minimum=0.1)
        sourcing = ld.sourcing(f)
        if f.ok and transit is not None:
            services[row.get("id")] = Service(
                row.get("id"),
                f.text("name"),
                mode,
                stops,
                days,
                freq or float(len(days)),
                transit,
                f.text("operator"),
                _status(f),
                sourcing,
                f.text("note"),
            )
            ld.counts.add(sourcing, 2)

    # --- closures --------------------------------------------------------------------------
    closures: list[Closure] = []
    for row in ld.table(
        "closures",
        key=("target", "kind", "valid_from"),
        columns=CLOSURE_COLUMNS,
        required=("target", "kind"),
    ):
        f = Fields(row, problems)
        target = f.text("target", required=True)
        if target not in links and target not in places:
            f.problem("target", _("unknown link or place id {id!r}").format(id=target))
        kind = f.choice("kind", CLOSURE_KINDS)
        start, end = f.month_day("season_start"), f.month_day("season_end")
        vfrom, vto = f.date("valid_from"), f.date("valid_to")
        prob = f.number("probability", minimum=0, maximum=1)
        if kind == "seasonal" and (start is None or end is None):
            f.problem(
                "season_start", _("a seasonal closure needs season_start and season_end (MM-DD)")
            )
        if kind == "period" and (vfrom is None or vto is None):
            f.problem("valid_from", _("a period closure needs valid_from and valid_to"))
        if kind == "risk" and prob is None:
            f.problem("probability", _("a closure risk needs a probability between 0 and 1"))
        if vfrom and vto and vto <= vfrom:
            f.problem("valid_to", _("must be after valid_from"))
        sourcing = ld.sourcing(f, has_range=True)
        if f.ok:
            closures.append(
                Closure(target, kind, start, end, vfrom, vto, prob, sourcing, f.text("note"))
            )
            ld.counts.add(sourcing, 1)

    # --- emission factors, cargo units, corridors --------------------------------------------
    emissions: dict[Mode, EmissionFactor] = {}
    for row in ld.table(
        "emission_factors",
        key=("mode",),
        columns=EMISSION_COLUMNS,
        required=("mode", "co2e_g_per_tkm"),
    ):
        f = Fields(row, problems)
        mode = Mode(f.choice("mode", [m.value for m in Mode]))
        typ = f.number("co2e_g_per_tkm", required=True, minimum=0, maximum=2000)
        low = f.number("co2e_g_per_tkm_min", minimum=0)
        high = f.number("co2e_g_per_tkm_max", minimum=0)
        sourcing = ld.sourcing(f)
        if f.ok and typ is not None:
            emissions[mode] = EmissionFactor(
                mode,
                f.text("fuel"),
                Range(low or typ, typ, high or typ),
                f.text("scope"),
                sourcing,
                f.text("note"),
            )
            ld.counts.add(sourcing, 1)

    cargo_units: dict[CargoUnitKind, CargoUnit] = {}
    for row in ld.table(
        "cargo_units",
        key=("unit",),
        columns=CARGO_UNIT_COLUMNS,
        required=("unit", "payload_t_typ"),
    ):
        f = Fields(row, problems)
        unit = CargoUnitKind(f.choice("unit", [u.value for u in CargoUnitKind]))
        typ = f.number("payload_t_typ", required=True, minimum=0.1, maximum=200)
        high = f.number("payload_t_max", minimum=0.1, maximum=200)
        teu = f.number("teu_equivalent", minimum=0) or 0.0
        sourcing = ld.sourcing(f)
        if f.ok and typ is not None:
            cargo_units[unit] = CargoUnit(
                unit, Range(typ, typ, high or typ), teu, sourcing, f.text("note")
            )
            ld.counts.add(sourcing, 2)

    corridors: list[Corridor] = []
    for row in ld.table(
        "corridors", key=("id",), columns=CORRIDOR_COLUMNS, required=("id", "name_en", "via")
    ):
        f = Fields(row, problems)
        via = f.items("via")
        for ref in via:
            if ref not in places:
                f.problem("via", _("unknown place id {id!r}").format(id=ref))
        modes: set[Mode] = set()
        for m in f.items("modes"):
            if m not in {x.value for x in Mode}:
                f.problem("modes", _("{value!r} is not a mode").format(value=m))
            else:
                modes.add(Mode(m))
        names = {lang: f.text(f"name_{lang}") for lang in LANGUAGES if f.text(f"name_{lang}")}
        if f.ok:
            corridors.append(Corridor(row.get("id"), names, via, frozenset(modes), f.text("note")))

    # --- whole-network checks --------------------------------------------------------------
    _check_network(places, links, borders, transfers, services, problems)
    for required_table in (
        "places",
        "links",
        "speeds",
        "tariffs",
        "emission_factors",
        "cargo_units",
    ):
        if not any(_has_table(d, required_table) for d in directories):
            problems.append(
                Problem(f"{required_table}.csv", None, None, _("table is missing from the dataset"))
            )

    if problems:
        raise DatasetError(problems)

    info = DatasetInfo(
        name=str(meta.get("name", directories[-1].name)),
        version=str(meta.get("version", "0")),
        title=str(meta.get("title", "")),
        description=str(meta.get("description", "")).strip(),
        content_hash=content_hash(directories),
        directories=tuple(str(d) for d in directories),
    )
    return Network(
        info=info,
        places=places,
        links=links,
        border_crossings=borders,
        transfers=transfers,
        services=services,
        closures=closures,
        emission_factors=emissions,
        cargo_units=cargo_units,
        corridors=corridors,
        sources=sources,
        number_counts={
            "sourced": ld.counts.sourced,
            "derived": ld.counts.derived,
            "estimated": ld.counts.estimated,
        },
    )


def _has_table(directory: Path, name: str) -> bool:
    return (directory / f"{name}.csv").is_file() or (directory / name).is_dir()


def _read_geometry(
    directories: Sequence[Path], problems: list[Problem]
) -> dict[str, tuple[tuple[float, float], ...]]:
    result: dict[str, tuple[tuple[float, float], ...]] = {}
    for directory in directories:
        path = directory / "geometry.geojson"
        if not path.is_file():
            continue
        shown = str(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            problems.append(
                Problem(shown, None, None, _("not valid JSON: {error}").format(error=exc))
            )
            continue
        except RecursionError:  # e.g. 100,000 nested brackets
            problems.append(Problem(shown, None, None, _("nested too deeply to be read")))
            continue
        features = data.get("features") if isinstance(data, dict) else None
        if not isinstance(features, list):
            problems.append(Problem(shown, None, None, _("must be a GeoJSON FeatureCollection")))
            continue
        for index, feature in enumerate(features, start=1):
            try:
                link_id = str(feature["properties"]["link"])
                geom = feature["geometry"]
                if geom["type"] != "LineString":
                    raise ValueError(_("geometry must be a LineString"))
                coords = tuple((float(x), float(y)) for x, y, *_ in geom["coordinates"])
                if len(coords) < 2:
                    raise ValueError(_("a LineString needs at least two points"))
                if not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in coords):
                    raise ValueError(_("coordinates out of range (lon, lat order?)"))
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(
                    Problem(shown, index, "geometry", _("bad feature: {error}").format(error=exc))
                )
                continue
            result[link_id] = coords
    return result


def _check_network(
    places: dict[str, Place],
    links: dict[str, Link],
    borders: dict[tuple[str, Mode], BorderCrossing],
    transfers: list[Transfer],
    services: dict[str, Service],
    problems: list[Problem],
) -> None:
    """Checks that need the whole network: gauges, borders, services on sea links."""
    rail_gauges: dict[str, set[int]] = defaultdict(set)
    modes_at: dict[str, set[Mode]] = defaultdict(set)
    for link in links.values():
        for end in link.ends():
            modes_at[end].add(link.mode)
            if link.mode == Mode.RAIL and link.gauge_mm:
                rail_gauges[end].add(link.gauge_mm)
    changes: set[tuple[str, int, int]] = set()
    for t in transfers:
        if (
            t.from_mode == Mode.RAIL
            and t.to_mode == Mode.RAIL
            and t.from_gauge_mm
            and t.to_gauge_mm
        ):
            changes.add((t.place, t.from_gauge_mm, t.to_gauge_mm))
            if t.bidirectional:
                changes.add((t.place, t.to_gauge_mm, t.from_gauge_mm))
    for place_id, gauges in rail_gauges.items():
        for g1 in gauges:
            for g2 in gauges:
                if g1 < g2 and not ((place_id, g1, g2) in changes or (place_id, g2, g1) in changes):
                    problems.append(
                        Problem(
                            "links.csv",
                            None,
                            "gauge_mm",
                            _(
                                "rail links of {g1} mm and {g2} mm meet at {place} but "
                                "transfers.csv has no gauge_change or bogie_exchange there"
                            ).format(g1=g1, g2=g2, place=place_id),
                        )
                    )
    for place in places.values():
        if place.kind != PlaceKind.BORDER_CROSSING:
            continue
        for mode in modes_at.get(place.id, set()):
            if mode in (Mode.ROAD, Mode.RAIL) and (place.id, mode) not in borders:
                problems.append(
                    Problem(
                        "border_crossings.csv",
                        None,
                        "place",
                        _(
                            "{mode} links reach border crossing {place} but it has no {mode} row"
                        ).format(mode=mode.value, place=place.id),
                    )
                )
    covered: set[frozenset[str]] = set()
    for service in services.values():
        for a, b in itertools.pairwise(service.stops):
            covered.add(frozenset((a, b)))
    for link in links.values():
        if (
            link.mode in (Mode.SEA, Mode.FERRY)
            and link.status == Status.OPERATING
            and frozenset(link.ends()) not in covered
        ):
            problems.append(
                Problem(
                    "services.csv",
                    None,
                    "stops",
                    _(
                        "{mode} link {id} ({a}–{b}) has no scheduled service; sea and ferry "
                        "links need one"
                    ).format(mode=link.mode.value, id=link.id, a=link.from_place, b=link.to_place),
                )
            )


# Loaded networks by (directories, file times), newest last. Bounded: a long-running service
# that validates and activates dataset after dataset would otherwise keep every one of them.
_CACHE: dict[tuple[tuple[str, ...], tuple[float, ...]], Network] = {}
LOADED_NETWORKS_KEPT = 4


def forget_loaded_networks() -> None:
    """Drop every network `load_network` keeps (e.g. in a process that loaded one only to
    check it, before it hands the serving over to worker processes)."""
    _CACHE.clear()


def _stamp(directories: Sequence[Path]) -> tuple[float, ...]:
    stamps: list[float] = []
    for directory in directories:
        for path in directory.rglob("*"):
            stamps.append(path.stat().st_mtime)
        stamps.append(float(len(stamps)))
    return tuple(stamps)


def load_network(dataset: str | Path | None = None) -> Network:
    """Load and validate a dataset (default: `$DALIZ_DATASET` or the bundled one).

    Results are cached per process by the directories and their files' modification times.

    Raises
    ------
    DatasetError listing every problem (file, row, field) when the dataset is invalid.
    """
    directories = resolve_dataset(dataset)
    key = (tuple(str(d) for d in directories), _stamp(directories))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    network = _load(directories)
    _CACHE[key] = network
    while len(_CACHE) > LOADED_NETWORKS_KEPT:
        del _CACHE[next(iter(_CACHE))]  # the oldest
    return network


def validate_dataset(dataset: str | Path | None = None) -> list[Problem]:
    """Every problem in a dataset (empty when it is valid); never raises for data faults."""
    try:
        _load(resolve_dataset(dataset))
    except DatasetError as exc:
        return exc.problems
    return []
