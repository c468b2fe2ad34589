"""Plain, frozen, typed records of the rules engine: register, catalogue, facts and results.

Everything a planner passes in (``RouteFacts``) or gets back (``RouteRules``) is here; every result
record has ``to_dict()`` returning JSON-serialisable data (dates as ISO strings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["proposed", "negotiated", "signed", "ratified", "in_force", "suspended", "expired"]
STATUSES: tuple[str, ...] = (
    "proposed",
    "negotiated",
    "signed",
    "ratified",
    "in_force",
    "suspended",
    "expired",
)
AgreementKind = Literal[
    "multilateral_convention",
    "transit_trade_agreement",
    "framework_agreement",
    "memorandum",
    "protocol",
    "action_plan",
    "investment_platform",
    "sps_arrangement",
]
AGREEMENT_KINDS: tuple[str, ...] = (
    "multilateral_convention",
    "transit_trade_agreement",
    "framework_agreement",
    "memorandum",
    "protocol",
    "action_plan",
    "investment_platform",
    "sps_arrangement",
)
MODES: tuple[str, ...] = ("road", "rail", "sea", "ferry")
CARGO_TYPES: tuple[str, ...] = ("bulk", "bagged", "container", "reefer", "dangerous")
DIRECTIONS: tuple[str, ...] = ("kz_to_pk", "pk_to_kz", "both")
# What an agreement's scope grants (or, for a regime, what it is): see docs/rules.md.
# Carriage/customs regimes an agreement can *be* (scope.regime) …
CARRIAGE_REGIMES: tuple[str, ...] = ("TIR", "CMR", "SMGS", "CIM")
# … and every regime name a leg can carry (requirements.csv `regime`): the carriage regimes, the
# common CIM/SMGS note, sea carriage, national rail, and the short names of transit agreements.
REGIMES: tuple[str, ...] = (
    *CARRIAGE_REGIMES,
    "CIM/SMGS",
    "sea",
    "national rail",
    "QTTA",
    "APTTA",
    "AUPTT",
    "KPTTA",
    "TTFA",
)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


@dataclass(frozen=True)
class Names:
    """A name in the four languages of the product (English, Kazakh, Russian, Urdu)."""

    en: str
    kk: str
    ru: str
    ur: str

    def all(self) -> tuple[str, str, str, str]:
        return (self.en, self.kk, self.ru, self.ur)

    def to_dict(self) -> dict[str, str]:
        return {"en": self.en, "kk": self.kk, "ru": self.ru, "ur": self.ur}


@dataclass(frozen=True)
class StatusEvent:
    """One step of an agreement's history: it reached ``status`` on ``date`` (per ``sources``)."""

    status: str
    date: dt.date
    sources: tuple[str, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "date": self.date.isoformat(),
            "sources": list(self.sources),
            "note": self.note,
        }


@dataclass(frozen=True)
class PartyStatus:
    """A party's own participation in a multilateral convention (accession, entry into force)."""

    country: str
    status: str
    since: dt.date | None  # date the status took effect for this party; None = date not sourced
    operational: dt.date | None  # first real operation under it, where that differs from `since`
    sources: tuple[str, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "status": self.status,
            "since": _iso(self.since),
            "operational": _iso(self.operational),
            "sources": list(self.sources),
            "note": self.note,
        }


@dataclass(frozen=True)
class TransitRight:
    """``country`` lets traffic of the ``for_countries`` pass through it by ``modes``.

    ``"*"`` stands for "every party of the agreement" in either field.
    """

    country: str
    for_countries: tuple[str, ...]
    modes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"country": self.country, "for": list(self.for_countries), "modes": list(self.modes)}


@dataclass(frozen=True)
class VehicleAccess:
    """Vehicles registered in ``vehicles_of`` may carry goods into/through ``country`` by ``modes``
    (no reloading onto local vehicles at the border)."""

    vehicles_of: str
    country: str
    modes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"vehicles_of": self.vehicles_of, "country": self.country, "modes": list(self.modes)}


@dataclass(frozen=True)
class Scope:
    """What an agreement governs."""

    modes: tuple[str, ...] = ()
    cargo_types: tuple[str, ...] = ()  # empty = all cargo types
    hs_prefixes: tuple[str, ...] = ()  # goods it covers (SPS arrangements); empty = all goods
    excluded_hs: tuple[str, ...] = ()  # HS prefixes the agreement does not cover
    transit_rights: tuple[TransitRight, ...] = ()
    vehicle_access: tuple[VehicleAccess, ...] = ()
    places: tuple[str, ...] = ()  # border crossings / ports it names
    links: tuple[str, ...] = ()
    corridors: tuple[str, ...] = ()
    regime: str | None = None  # the carriage/customs regime it *is* (TIR, SMGS, CMR, CIM)
    sps_countries: tuple[str, ...] = ()  # SPS arrangements: the trade pair it eases

    def to_dict(self) -> dict[str, Any]:
        return {
            "modes": list(self.modes),
            "cargo_types": list(self.cargo_types),
            "hs_prefixes": list(self.hs_prefixes),
            "excluded_hs": list(self.excluded_hs),
            "transit_rights": [t.to_dict() for t in self.transit_rights],
            "vehicle_access": [v.to_dict() for v in self.vehicle_access],
            "places": list(self.places),
            "links": list(self.links),
            "corridors": list(self.corridors),
            "regime": self.regime,
        }


@dataclass(frozen=True)
class Agreement:
    """One entry of the register: a convention, transit agreement, memorandum, plan …"""

    id: str
    names: Names
    short: str
    kind: str
    parties: tuple[str, ...]
    history: tuple[StatusEvent, ...]  # in date order
    party_status: tuple[PartyStatus, ...]
    scope: Scope
    affects_routing: bool
    sources: tuple[str, ...]
    note: str = ""

    def status_on(self, day: dt.date) -> StatusEvent | None:
        """The last history event on or before ``day`` (None: nothing had happened yet)."""
        current: StatusEvent | None = None
        for event in self.history:
            if event.date <= day:
                current = event
        return current

    def in_force_on(self, day: dt.date) -> bool:
        event = self.status_on(day)
        return event is not None and event.status == "in_force"

    def party_on(self, country: str, day: dt.date) -> bool:
        """Whether ``country`` is bound by the agreement on ``day``.

        A per-party record decides when there is one; otherwise the agreement's own status does.
        """
        if country not in self.parties:
            return False
        for ps in self.party_status:
            if ps.country == country:
                if ps.status != "in_force":
                    return False
                if ps.since is not None and ps.since > day:
                    return False
                return self.in_force_on(day) or not self.history
        return self.in_force_on(day)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "names": self.names.to_dict(),
            "short": self.short,
            "kind": self.kind,
            "parties": list(self.parties),
            "history": [e.to_dict() for e in self.history],
            "party_status": [p.to_dict() for p in self.party_status],
            "scope": self.scope.to_dict(),
            "affects_routing": self.affects_routing,
            "sources": list(self.sources),
            "note": self.note,
        }


@dataclass(frozen=True)
class Advisory:
    """A sourced warning on countries/places for a period: security, sanctions, payment, closure."""

    id: str
    kind: str  # security | sanctions | payment | closure
    countries: tuple[str, ...]
    places: tuple[str, ...]
    modes: tuple[str, ...]
    valid_from: dt.date | None
    valid_to: dt.date | None
    severity: str  # warning | blocker
    message: str
    sources: tuple[str, ...]

    def active_on(self, day: dt.date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "countries": list(self.countries),
            "places": list(self.places),
            "modes": list(self.modes),
            "valid_from": _iso(self.valid_from),
            "valid_to": _iso(self.valid_to),
            "severity": self.severity,
            "message": self.message,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class Commodity:
    """A good of the catalogue (or a generic one built from an HS chapter)."""

    id: str
    hs_codes: tuple[str, ...]
    names: Names
    aliases: tuple[str, ...]
    direction: str
    cargo_type: str
    temp_c_min: float | None
    temp_c_max: float | None
    max_transit_days: float | None
    value_usd_per_tonne: float | None
    value_usd_per_tonne_min: float | None
    value_usd_per_tonne_max: float | None
    stowage_t_per_teu: float | None
    dg_class: str | None
    sources: tuple[str, ...]
    estimate: str
    note: str
    generic: bool = False

    @property
    def perishable(self) -> bool:
        return self.max_transit_days is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "hs_codes": list(self.hs_codes),
            "names": self.names.to_dict(),
            "aliases": list(self.aliases),
            "direction": self.direction,
            "cargo_type": self.cargo_type,
            "temp_c_min": self.temp_c_min,
            "temp_c_max": self.temp_c_max,
            "max_transit_days": self.max_transit_days,
            "value_usd_per_tonne": self.value_usd_per_tonne,
            "value_usd_per_tonne_min": self.value_usd_per_tonne_min,
            "value_usd_per_tonne_max": self.value_usd_per_tonne_max,
            "stowage_t_per_teu": self.stowage_t_per_teu,
            "dg_class": self.dg_class,
            "sources": list(self.sources),
            "estimate": self.estimate,
            "note": self.note,
            "generic": self.generic,
        }


@dataclass(frozen=True)
class Requirement:
    """A rule of requirements.csv: a document (or a prohibition) that applies to some shipments.

    It applies when the shipment's commodity matches ``hs_prefixes``/``cargo_types`` (empty = any),
    the route touches ``country`` in ``role`` (export, import, transit; ``*`` = any country), uses
    one of ``modes`` (empty = any) and, if ``regime`` is set, a leg is carried under that regime.
    """

    id: str
    document: str
    effect: str  # document | prohibited
    role: str  # export | import | transit | carriage
    country: str  # ISO alpha-2 or "*"
    regime: str | None
    modes: tuple[str, ...]
    hs_prefixes: tuple[str, ...]
    cargo_types: tuple[str, ...]
    issued_by: str
    checked_at: str  # origin | exit | entry | destination | every_border | port
    reason: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    sources: tuple[str, ...]
    estimate: str
    note: str

    def active_on(self, day: dt.date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)


@dataclass(frozen=True)
class Source:
    """A row of a sources table."""

    id: str
    title: str
    publisher: str
    url: str
    published: dt.date | None
    accessed: dt.date | None
    note: str


# --------------------------------------------------------------------------------------------
# What the planner passes in


@dataclass(frozen=True)
class LegFact:
    """One leg of a route as the planner found it."""

    mode: str
    from_place: str
    to_place: str
    from_country: str
    to_country: str
    link_id: str | None = None
    gauge_mm: int | None = None


@dataclass(frozen=True)
class BorderFact:
    """A land border crossing on the route and (optionally) the date it is reached."""

    place: str
    from_country: str
    to_country: str
    mode: str
    reached_on: dt.date | None = None


@dataclass(frozen=True)
class ClosureFact:
    """A closure of a link or place on the route that the planner knows about (from the network)."""

    target: str
    start: dt.date
    end: dt.date
    sources: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class RouteFacts:
    """The legal-relevant facts of one route alternative."""

    origin_country: str
    destination_country: str
    countries: tuple[str, ...]
    legs: tuple[LegFact, ...]
    border_crossings: tuple[BorderFact, ...] = ()
    corridor: str = ""
    closures: tuple[ClosureFact, ...] = ()
    # (place id, name) pairs in the language of the plan, for messages; ids are shown otherwise
    place_names: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_legs(
        cls,
        legs: list[LegFact] | tuple[LegFact, ...],
        *,
        corridor: str = "",
        border_dates: dict[str, dt.date] | None = None,
        closures: tuple[ClosureFact, ...] = (),
        place_names: dict[str, str] | None = None,
    ) -> RouteFacts:
        """Derive countries and land border crossings from the legs.

        A land leg whose countries differ crosses a border at the end that is a ``bcp-`` place
        (else at its ``to_place``); ``border_dates`` maps such place ids to the date reached.
        """
        legs = tuple(legs)
        if not legs:
            raise ValueError("a route needs at least one leg")
        countries: list[str] = []
        for leg in legs:
            for c in (leg.from_country, leg.to_country):
                if not countries or countries[-1] != c:
                    countries.append(c)
        borders: list[BorderFact] = []
        dates = border_dates or {}
        for leg in legs:
            if leg.from_country != leg.to_country and leg.mode in ("road", "rail"):
                place = leg.from_place if leg.from_place.startswith("bcp-") else leg.to_place
                borders.append(
                    BorderFact(place, leg.from_country, leg.to_country, leg.mode, dates.get(place))
                )
        return cls(
            origin_country=legs[0].from_country,
            destination_country=legs[-1].to_country,
            countries=tuple(countries),
            legs=legs,
            border_crossings=tuple(borders),
            corridor=corridor,
            closures=closures,
            place_names=tuple(sorted((place_names or {}).items())),
        )


# --------------------------------------------------------------------------------------------
# What the engine returns


@dataclass(frozen=True)
class LegRegime:
    """The legal regime(s) a leg is carried under and the agreements that provide them."""

    leg_index: int
    mode: str
    from_place: str
    to_place: str
    regimes: tuple[str, ...]
    agreements: tuple[str, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "leg_index": self.leg_index,
            "mode": self.mode,
            "from_place": self.from_place,
            "to_place": self.to_place,
            "regimes": list(self.regimes),
            "agreements": list(self.agreements),
            "note": self.note,
        }


@dataclass(frozen=True)
class DocumentItem:
    """One line of the documents checklist."""

    document: str
    place: str  # place id where it is checked, or "origin" / "destination" when no place applies
    country: str
    issued_by: str
    checked_at: str
    reason: str
    sources: tuple[str, ...]
    requirement_id: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "place": self.place,
            "country": self.country,
            "issued_by": self.issued_by,
            "checked_at": self.checked_at,
            "reason": self.reason,
            "sources": list(self.sources),
            "requirement_id": self.requirement_id,
        }


@dataclass(frozen=True)
class Finding:
    """A blocker or a warning, with the sources that back it."""

    kind: str
    message: str
    sources: tuple[str, ...] = ()
    agreements: tuple[str, ...] = ()
    country: str | None = None
    place: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "sources": list(self.sources),
            "agreements": list(self.agreements),
            "country": self.country,
            "place": self.place,
        }


@dataclass(frozen=True)
class AgreementUse:
    """An agreement the route relies on, with its status on the date it is needed."""

    id: str
    short: str
    status: str
    status_date: dt.date | None
    needed_for: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "short": self.short,
            "status": self.status,
            "status_date": _iso(self.status_date),
            "needed_for": self.needed_for,
        }


@dataclass(frozen=True)
class RouteRules:
    """Everything the rules engine decides for one route alternative."""

    commodity: str
    corridor: str
    departure: dt.date
    regimes: tuple[LegRegime, ...]
    documents: tuple[DocumentItem, ...]
    blockers: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    agreements_relied_on: tuple[AgreementUse, ...]
    dataset_note: str = field(default="")

    @property
    def blocked(self) -> bool:
        return bool(self.blockers)

    def documents_by_place(self) -> dict[str, list[DocumentItem]]:
        """The checklist grouped by the place each document is checked, in route order."""
        grouped: dict[str, list[DocumentItem]] = {}
        for item in self.documents:
            grouped.setdefault(item.place, []).append(item)
        return grouped

    def to_dict(self) -> dict[str, Any]:
        return {
            "commodity": self.commodity,
            "corridor": self.corridor,
            "departure": self.departure.isoformat(),
            "blocked": self.blocked,
            "regimes": [r.to_dict() for r in self.regimes],
            "documents": {
                place: [d.to_dict() for d in items]
                for place, items in self.documents_by_place().items()
            },
            "blockers": [b.to_dict() for b in self.blockers],
            "warnings": [w.to_dict() for w in self.warnings],
            "agreements_relied_on": [a.to_dict() for a in self.agreements_relied_on],
        }


@dataclass(frozen=True)
class RuleBook:
    """The loaded, validated register, catalogue and requirements (see ``daliz.rules.load``)."""

    agreements: dict[str, Agreement]
    advisories: dict[str, Advisory]
    commodities: dict[str, Commodity]
    requirements: dict[str, Requirement]
    sources: dict[str, Source]

    def find_commodity(self, query: str) -> Commodity:
        """A commodity by id, name or alias (any of 4 languages) or HS code; see catalogue."""
        from daliz.rules.catalogue import find_commodity

        return find_commodity(self, query)

    def agreement(self, agreement_id: str) -> Agreement:
        from daliz.errors import RequestError
        from daliz.i18n import _

        try:
            return self.agreements[agreement_id]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(agreement_id, list(self.agreements), n=5)
            raise RequestError(
                _("Unknown agreement '{id}'.").format(id=agreement_id), suggestions=close
            ) from None
