"""Apply a scenario: a new Network and RuleBook built from a base, which stays untouched.

Every change is checked against the base (unknown ids, missing sources, a border crossing with
no row for a mode, gauges that meet without a gauge change …); problems are collected and raised
together as one `DatasetError`, so nothing is half-applied. The result is stamped with its own
dataset name and hash (base + scenario), so plans say which scenario produced them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from daliz.errors import DatasetError, Problem
from daliz.network.load import _check_network
from daliz.network.model import (
    LANGUAGES,
    WEEKDAYS,
    BorderCrossing,
    CargoUnitKind,
    Closure,
    DatasetInfo,
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
from daliz.rules.chain import with_status
from daliz.rules.model import RuleBook
from daliz.scenarios.load import shared_sources
from daliz.scenarios.model import (
    AddBorderCrossingChange,
    AddClosureRiskChange,
    AddLinkChange,
    AddPlaceChange,
    AddServiceChange,
    AddTransferChange,
    AgreementChange,
    Change,
    CloseBorderChange,
    CloseLinkChange,
    Dated,
    ExchangeRateChange,
    FuelPriceChange,
    LinkFields,
    OpenLinkChange,
    RangeSpec,
    ScaleBorderChange,
    Scenario,
    Sourced,
)

# Share of fuel in the cost behind a tariff, by mode, used by `fuel_price` when a scenario does
# not give its own (sources and ranges in daliz/data/scenarios/sources.csv, docs/scenarios.md):
# road haulage ~30 % (IRU / ATRI cost surveys: 24–38 %), rail ~15 % (diesel traction share of
# operating cost, 10–20 %), sea ~35 % (bunkers in feeder operating cost, 25–50 %), ferry ~30 %.
DEFAULT_FUEL_SHARES: dict[str, float] = {"road": 0.30, "rail": 0.15, "sea": 0.35, "ferry": 0.30}


@dataclass
class AppliedScenario:
    """A scenario applied to a base: the new network and rule book, and what changed."""

    scenario: Scenario
    network: Network
    rules: RuleBook
    summary: list[str] = field(default_factory=list)  # one line per change, in order

    @property
    def name(self) -> str:
        """The scenario's id."""
        return self.scenario.id


def _range(spec: RangeSpec) -> Range:
    return Range(spec.min, spec.typ, spec.max)


class _Applier:
    def __init__(self, scenario: Scenario, network: Network, rules: RuleBook, file: str) -> None:
        self.scenario = scenario
        self.base = network
        self.file = file
        self.problems: list[Problem] = []
        self.summary: list[str] = []
        self.places = dict(network.places)
        self.links = dict(network.links)
        self.borders = dict(network.border_crossings)
        self.transfers = list(network.transfers)
        self.services = dict(network.services)
        self.closures = list(network.closures)
        self.rules = rules
        self.sources = dict(network.sources)
        known_rules_sources = {
            sid: src for sid, src in rules.sources.items() if sid not in self.sources
        }
        for sid, rule_source in known_rules_sources.items():
            self.sources[sid] = Source(
                sid,
                rule_source.title,
                rule_source.publisher,
                rule_source.url,
                rule_source.published,
                rule_source.accessed,
                rule_source.note,
            )
        for source in [*shared_sources().values(), *scenario.sources]:
            self.sources[source.id] = Source(
                source.id,
                source.title,
                source.publisher,
                source.url,
                source.published,
                source.accessed,
                source.note,
            )
        # Profiles as the links of the base use them (a profile is known by the links it prices).
        self.speed_profiles: dict[str, Range] = {}
        self.tariff_profiles: dict[str, dict[CargoUnitKind, Tariff]] = {}
        for link in network.links.values():
            self.speed_profiles.setdefault(link.speed_profile, link.speed_kmh)
            self.tariff_profiles.setdefault(link.tariff_profile, link.tariffs)
        self.row = 0

    # -- helpers --------------------------------------------------------------------------
    def problem(self, field_name: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, self.row, field_name, message))

    def unknown(self, field_name: str, what: str, value: str, known: Iterable[str]) -> None:
        close = difflib.get_close_matches(value, list(known), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        self.problem(field_name, f"unknown {what} {value!r}{hint}")

    def sourcing(self, change: Sourced, *, numbers: bool) -> Sourcing:
        """The change's sourcing; numbers need a source or an estimate reason."""
        for source_id in change.source:
            if source_id not in self.sources:
                self.unknown("source", "source id", source_id, self.sources)
        if numbers and not change.has_sourcing():
            self.problem(
                "source", "numbers need a source id, or an 'estimate' reason with a min/max range"
            )
        return Sourcing(tuple(change.source), change.estimate.strip())

    def place(self, field_name: str, place_id: str) -> Place | None:
        place = self.places.get(place_id)
        if place is None:
            self.unknown(field_name, "place id", place_id, self.places)
        return place

    def border_rows(self, place: str, mode: str | None) -> list[tuple[str, Mode]]:
        if self.place("place", place) is None:
            return []
        keys = [
            key
            for key in self.borders
            if key[0] == place and (mode is None or key[1].value == mode)
        ]
        if not keys:
            what = f"{mode} " if mode else ""
            self.problem("place", f"{place} has no {what}border crossing row")
        return keys

    def closure(self, target: str, change: Dated, sourcing: Sourcing) -> Closure:
        season = change.season
        start = end = None
        if season is not None:
            start = (int(season[0][:2]), int(season[0][3:]))
            end = (int(season[1][:2]), int(season[1][3:]))
        return Closure(
            target=target,
            kind="seasonal" if season else "period",
            season_start=start,
            season_end=end,
            valid_from=change.from_,
            valid_to=change.to,
            probability=None,
            sourcing=sourcing,
            note=f"scenario {self.scenario.id}",
        )

    def speed(self, change: LinkFields, default: Range | None) -> tuple[Range, str] | None:
        if change.speed_kmh is not None:
            return _range(change.speed_kmh), f"scenario:{self.scenario.id}"
        if change.speed_profile is not None:
            if change.speed_profile not in self.speed_profiles:
                self.unknown(
                    "speed_profile", "speed profile", change.speed_profile, self.speed_profiles
                )
                return None
            return self.speed_profiles[change.speed_profile], change.speed_profile
        return (default, "") if default is not None else None

    def tariffs(
        self, change: LinkFields, sourcing: Sourcing, link_id: str
    ) -> tuple[dict[CargoUnitKind, Tariff], str] | None:
        if change.tariffs is not None:
            rows: dict[CargoUnitKind, Tariff] = {}
            for spec in change.tariffs:
                unit = CargoUnitKind(spec.unit)
                if unit in rows:
                    self.problem("tariffs", f"two rows for unit {spec.unit}")
                rows[unit] = Tariff(unit, spec.basis, _range(spec.usd), None, sourcing)
            return rows, f"scenario:{self.scenario.id}:{link_id}"
        if change.tariff_profile is not None:
            if change.tariff_profile not in self.tariff_profiles:
                self.unknown(
                    "tariff_profile", "tariff profile", change.tariff_profile, self.tariff_profiles
                )
                return None
            return self.tariff_profiles[change.tariff_profile], change.tariff_profile
        return None

    def distance(self, change: LinkFields, base: Link | None) -> tuple[float, Range] | None:
        if change.distance_km is None:
            return (base.distance_km, base.distance_km_range) if base else None
        typ = change.distance_km
        low = change.distance_km_min if change.distance_km_min is not None else typ
        high = change.distance_km_max if change.distance_km_max is not None else typ
        if change.estimate and low == high:
            self.problem(
                "distance_km_min", "an estimated distance needs distance_km_min and distance_km_max"
            )
        return typ, Range(low, typ, high)

    # -- changes --------------------------------------------------------------------------
    def apply(self, change: Change) -> None:
        handler = getattr(self, f"do_{change.action}")
        handler(change)

    def do_open_link(self, change: OpenLinkChange) -> None:
        link = self.links.get(change.link)
        if link is None:
            self.unknown("link", "link id", change.link, self.links)
            return
        numbers = any(
            v is not None
            for v in (change.distance_km, change.speed_kmh, change.tariffs, change.gauge_mm)
        )
        sourcing = self.sourcing(change, numbers=numbers)
        distance = self.distance(change, link)
        speed = self.speed(change, link.speed_kmh)
        tariffs = self.tariffs(change, sourcing, link.id)
        if distance is None or speed is None:
            return
        if change.gauge_mm is not None and link.mode != Mode.RAIL:
            self.problem("gauge_mm", f"{link.id} is a {link.mode.value} link: it has no gauge")
        self.links[link.id] = dataclasses.replace(
            link,
            status=Status.OPERATING,
            distance_km=distance[0],
            distance_km_range=distance[1],
            gauge_mm=change.gauge_mm or link.gauge_mm,
            speed_kmh=speed[0],
            speed_profile=speed[1] or link.speed_profile,
            tariffs=tariffs[0] if tariffs else link.tariffs,
            tariff_profile=tariffs[1] if tariffs else link.tariff_profile,
            sourcing=_merge(link.sourcing, sourcing) if change.has_sourcing() else link.sourcing,
            note=change.note or link.note,
        )
        was = link.status.value
        self.summary.append(
            f"opens {link.id} ({link.from_place}–{link.to_place}, {link.mode.value}"
            f"{f' {link.gauge_mm} mm' if link.gauge_mm else ''}, {distance[0]:g} km; was {was})"
        )

    def do_add_link(self, change: AddLinkChange) -> None:
        if change.id in self.links:
            self.problem("id", f"link {change.id} already exists (use open_link to change it)")
            return
        ends = [self.place("from", change.from_place), self.place("to", change.to_place)]
        sourcing = self.sourcing(change, numbers=True)
        distance = self.distance(change, None)
        speed = self.speed(change, None)
        tariffs = self.tariffs(change, sourcing, change.id)
        if None in ends or distance is None or speed is None or tariffs is None:
            return
        mode = Mode(change.mode)
        self.links[change.id] = Link(
            id=change.id,
            from_place=change.from_place,
            to_place=change.to_place,
            mode=mode,
            gauge_mm=change.gauge_mm,
            distance_km=distance[0],
            distance_km_range=distance[1],
            status=Status.OPERATING,
            bidirectional=change.bidirectional,
            speed_kmh=speed[0],
            speed_profile=speed[1],
            tariff_profile=tariffs[1],
            tariffs=tariffs[0],
            road_class=change.road_class,
            sourcing=sourcing,
            note=change.note,
        )
        self.summary.append(
            f"adds {mode.value} link {change.id} ({change.from_place}–{change.to_place}, "
            f"{distance[0]:g} km)"
        )

    def do_add_place(self, change: AddPlaceChange) -> None:
        if change.id in self.places:
            self.problem("id", f"place {change.id} already exists")
            return
        sourcing = self.sourcing(change, numbers=False)
        names = {
            lang: text
            for lang in LANGUAGES
            if (text := getattr(change, f"name_{lang}", "").strip())
        }
        self.places[change.id] = Place(
            id=change.id,
            kind=PlaceKind(change.kind),
            country=change.country.upper(),
            lat=change.lat,
            lon=change.lon,
            names=names,
            aliases=tuple(change.aliases),
            unlocode=change.unlocode,
            sourcing=sourcing,
            note=change.note,
        )
        self.summary.append(f"adds {change.kind.replace('_', ' ')} {change.name_en}")

    def do_add_border_crossing(self, change: AddBorderCrossingChange) -> None:
        place = self.place("place", change.place)
        sourcing = self.sourcing(change, numbers=True)
        if place is None:
            return
        if place.kind != PlaceKind.BORDER_CROSSING:
            self.problem("place", f"{change.place} is a {place.kind.value}, not a border crossing")
        key = (change.place, Mode(change.mode))
        if key in self.borders:
            self.problem("mode", f"{change.place} already has a {change.mode} row (scale_border)")
            return
        self.borders[key] = BorderCrossing(
            place=change.place,
            mode=Mode(change.mode),
            countries=(change.country_a.upper(), change.country_b.upper()),
            clearance_h=_range(change.clearance_h),
            cost_usd=_range(change.cost_usd),
            cost_unit=change.cost_unit,
            open_days=frozenset(WEEKDAYS.index(day) for day in change.open_days),
            status=Status.OPERATING,
            sourcing=sourcing,
            note=change.note,
        )
        self.summary.append(
            f"adds {change.mode} border crossing at {change.place} "
            f"({change.clearance_h.typ:g} h typical clearance)"
        )

    def do_add_transfer(self, change: AddTransferChange) -> None:
        place = self.place("place", change.place)
        sourcing = self.sourcing(change, numbers=True)
        if place is None:
            return
        for mode, gauge, name in (
            (change.from_mode, change.from_gauge_mm, "from_gauge_mm"),
            (change.to_mode, change.to_gauge_mm, "to_gauge_mm"),
        ):
            if (mode == "rail") != (gauge is not None):
                self.problem(name, "rail ends need a gauge; other modes have none")
        self.transfers.append(
            Transfer(
                place=change.place,
                kind=change.kind,
                from_mode=Mode(change.from_mode),
                from_gauge_mm=change.from_gauge_mm,
                to_mode=Mode(change.to_mode),
                to_gauge_mm=change.to_gauge_mm,
                time_h=_range(change.time_h),
                cost_usd=_range(change.cost_usd),
                cost_unit=CargoUnitKind(change.cost_unit),
                bidirectional=change.bidirectional,
                sourcing=sourcing,
                note=change.note,
            )
        )
        self.summary.append(f"adds {change.kind.replace('_', ' ')} at {change.place}")

    def do_add_service(self, change: AddServiceChange) -> None:
        if change.id in self.services:
            self.problem("id", f"service {change.id} already exists")
            return
        sourcing = self.sourcing(change, numbers=True)
        if any(self.place("stops", stop) is None for stop in change.stops):
            return
        days = frozenset(WEEKDAYS.index(day) for day in change.days)
        self.services[change.id] = Service(
            id=change.id,
            name=change.name,
            mode=Mode(change.mode),
            stops=tuple(change.stops),
            days=days,
            frequency_per_week=change.frequency_per_week or float(len(days)),
            transit_h=change.transit_h,
            operator=change.operator,
            status=Status.OPERATING,
            sourcing=sourcing,
            note=change.note,
        )
        self.summary.append(f"adds service {change.name} ({' > '.join(change.stops)})")

    def do_close_link(self, change: CloseLinkChange) -> None:
        link = self.links.get(change.link)
        sourcing = self.sourcing(change, numbers=False)
        if link is None:
            self.unknown("link", "link id", change.link, self.links)
            return
        if change.dated:
            self.closures.append(self.closure(link.id, change, sourcing))
            self.summary.append(f"closes {link.id} {_when(change)}")
        else:
            self.links[link.id] = dataclasses.replace(link, status=Status.SUSPENDED)
            self.summary.append(f"closes {link.id} for good")

    def do_close_border(self, change: CloseBorderChange) -> None:
        sourcing = self.sourcing(change, numbers=False)
        keys = self.border_rows(change.place, change.mode)
        if not keys:
            return
        if change.dated:
            self.closures.append(self.closure(change.place, change, sourcing))
            self.summary.append(f"closes border crossing {change.place} {_when(change)}")
            return
        for key in keys:
            self.borders[key] = dataclasses.replace(self.borders[key], status=Status.SUSPENDED)
        modes = ", ".join(key[1].value for key in keys)
        self.summary.append(f"closes border crossing {change.place} ({modes}) for good")

    def do_add_closure_risk(self, change: AddClosureRiskChange) -> None:
        sourcing = self.sourcing(change, numbers=True)
        if change.target not in self.links and change.target not in self.places:
            self.unknown("target", "link or place id", change.target, [*self.links, *self.places])
            return
        self.closures.append(
            Closure(
                target=change.target,
                kind="risk",
                season_start=None,
                season_end=None,
                valid_from=change.from_,
                valid_to=change.to,
                probability=change.probability,
                sourcing=sourcing,
                note=f"scenario {self.scenario.id}",
            )
        )
        self.summary.append(
            f"closure risk {change.probability:.1%} per crossing at {change.target}"
        )

    def do_scale_border(self, change: ScaleBorderChange) -> None:
        sourcing = self.sourcing(change, numbers=True)
        for key in self.border_rows(change.place, change.mode):
            border = self.borders[key]
            self.borders[key] = dataclasses.replace(
                border,
                clearance_h=border.clearance_h.scaled(change.clearance_factor),
                cost_usd=border.cost_usd.scaled(change.cost_factor),
                sourcing=_merge(border.sourcing, sourcing),
            )
            self.summary.append(
                f"{key[0]} ({key[1].value}): clearance × {change.clearance_factor:g} "
                f"({border.clearance_h.typ:.1f} → "
                f"{border.clearance_h.typ * change.clearance_factor:.1f} h typical), "
                f"fees × {change.cost_factor:g}"
            )

    def do_agreement(self, change: AgreementChange) -> None:
        self.sourcing(change, numbers=False)
        if change.agreement not in self.rules.agreements:
            self.unknown("agreement", "agreement id", change.agreement, self.rules.agreements)
            return
        before = self.rules.agreements[change.agreement].status_on(dt.date.today())
        self.rules = with_status(
            self.rules,
            change.agreement,
            change.status,
            change.from_,
            source=f"scenario:{self.scenario.id}",
        )
        since = "" if change.from_ == dt.date(1900, 1, 1) else f" from {change.from_}"
        was = before.status if before else "not yet"
        self.summary.append(f"agreement {change.agreement}: {change.status}{since} (was {was})")

    def do_fuel_price(self, change: FuelPriceChange) -> None:
        self.sourcing(change, numbers=True)
        shares = change.shares if change.shares is not None else DEFAULT_FUEL_SHARES
        factors = {
            Mode(mode): 1.0 + share * (change.factor - 1.0) for mode, share in shares.items()
        }
        scaled = self._scale_tariffs(lambda link: factors.get(link.mode, 1.0))
        self.summary.append(
            f"fuel price × {change.factor:g}: tariffs "
            + ", ".join(f"{m.value} × {f:.3f}" for m, f in factors.items())
            + f" ({scaled} links)"
        )

    def do_exchange_rate(self, change: ExchangeRateChange) -> None:
        self.sourcing(change, numbers=True)
        country = change.country.upper()
        if country not in {p.country for p in self.places.values()}:
            self.problem("country", f"no place of the network is in {country}")
            return
        share = change.local_share

        def multiplier(weight: float) -> float:
            return 1.0 - share * weight + share * weight / change.factor

        def weight(link: Link) -> float:
            ends = [self.places[end].country == country for end in link.ends()]
            return sum(ends) / 2.0

        scaled = self._scale_tariffs(lambda link: multiplier(weight(link)))
        for key, border in list(self.borders.items()):
            if country in border.countries:
                self.borders[key] = dataclasses.replace(
                    border, cost_usd=border.cost_usd.scaled(multiplier(0.5))
                )
        self.transfers = [
            dataclasses.replace(t, cost_usd=t.cost_usd.scaled(multiplier(1.0)))
            if self.places[t.place].country == country
            else t
            for t in self.transfers
        ]
        self.summary.append(
            f"{change.currency} per USD × {change.factor:g}: costs in {country} paid in "
            f"{change.currency} ({share:.0%}) × {multiplier(1.0):.3f} ({scaled} links)"
        )

    def _scale_tariffs(self, factor_of: object) -> int:
        assert callable(factor_of)
        done: dict[tuple[int, float], dict[CargoUnitKind, Tariff]] = {}
        count = 0
        for link_id, link in list(self.links.items()):
            factor = float(factor_of(link))
            if abs(factor - 1.0) < 1e-12:
                continue
            key = (id(link.tariffs), factor)
            if key not in done:
                done[key] = {
                    unit: dataclasses.replace(tariff, usd=tariff.usd.scaled(factor))
                    for unit, tariff in link.tariffs.items()
                }
            self.links[link_id] = dataclasses.replace(link, tariffs=done[key])
            count += 1
        return count

    # -- result ---------------------------------------------------------------------------
    def network(self) -> Network:
        info = self.base.info
        digest = hashlib.sha256(
            f"{info.content_hash}\0{self.scenario.model_dump_json()}".encode()
        ).hexdigest()
        return Network(
            info=DatasetInfo(
                name=f"{info.name}+{self.scenario.id}",
                version=info.version,
                title=f"{info.title} — scenario: {self.scenario.title}",
                description=info.description,
                content_hash=digest,
                directories=info.directories,
            ),
            places=self.places,
            links=self.links,
            border_crossings=self.borders,
            transfers=self.transfers,
            services=self.services,
            closures=self.closures,
            emission_factors=dict(self.base.emission_factors),
            cargo_units=dict(self.base.cargo_units),
            corridors=list(self.base.corridors),
            sources=self.sources,
            number_counts=dict(self.base.number_counts),
        )


def _merge(old: Sourcing, new: Sourcing) -> Sourcing:
    sources = tuple(dict.fromkeys((*old.sources, *new.sources)))
    return Sourcing(sources, new.estimate or old.estimate)


def _when(change: Dated) -> str:
    parts = []
    if change.season:
        parts.append(f"every year {change.season[0]} to {change.season[1]}")
    if change.from_:
        parts.append(f"from {change.from_}")
    if change.to:
        parts.append(f"until {change.to}")
    return " ".join(parts)


def apply_scenario(
    scenario: Scenario, network: Network, rules: RuleBook, *, file: str | None = None
) -> AppliedScenario:
    """The network and rule book with the scenario's changes (the base is not modified).

    Parameters
    ----------
    scenario : a parsed scenario (`load_scenario`)
    network, rules : the base network and rule book
    file : the scenario's file, for error messages

    Raises
    ------
    DatasetError listing every problem: file, change number (as row), field, message.
    """
    applier = _Applier(scenario, network, rules, file or f"scenario {scenario.id}")
    for index, change in enumerate(scenario.changes, start=1):
        applier.row = index
        applier.apply(change)
    applier.row = 0
    for assumption in scenario.assumptions:
        for source_id in assumption.source:
            if source_id not in applier.sources:
                applier.problem("assumptions", f"unknown source id {source_id!r}")
    if applier.problems:
        raise DatasetError(applier.problems, what="scenario")
    whole: list[Problem] = []
    _check_network(
        applier.places,
        applier.links,
        applier.borders,
        applier.transfers,
        applier.services,
        whole,
    )
    # Problems the base already has are not the scenario's doing.
    base_problems: list[Problem] = []
    _check_network(
        network.places,
        network.links,
        network.border_crossings,
        network.transfers,
        network.services,
        base_problems,
    )
    known = {p.message for p in base_problems}
    new = [
        Problem(applier.file, None, p.field, f"after the changes: {p.message}")
        for p in whole
        if p.message not in known
    ]
    if new:
        raise DatasetError(new, what="scenario")
    return AppliedScenario(scenario, applier.network(), applier.rules, applier.summary)
