"""Decide the legal side of one route: regime per leg, documents checklist, blockers and warnings.

``evaluate_route`` reads only the ``RuleBook`` and the planner's ``RouteFacts``; see docs/rules.md
for each decision and the assumptions it makes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from daliz.i18n import _, current_language, data_text, format_date, name_in
from daliz.rules.model import (
    Agreement,
    AgreementUse,
    BorderFact,
    Commodity,
    DocumentItem,
    Finding,
    LegFact,
    LegRegime,
    Requirement,
    RouteFacts,
    RouteRules,
    RuleBook,
)

# A closure starting or ending within this many days of the date a place is reached is worth a
# warning: the planner's transit-time ranges are a few days wide, so a closure two weeks out can
# still be hit (an engine assumption, stated in docs/rules.md).
CLOSURE_WARNING_DAYS = 14

# HS chapters the SPS arrangements are about: plant products (phytosanitary) and animal products
# (veterinary). Used only to tell whether a pending SPS arrangement matters for a commodity when
# the arrangement itself lists no goods.
_PLANT_CHAPTERS = tuple(f"{c:02d}" for c in range(6, 15))
_ANIMAL_CHAPTERS = tuple(f"{c:02d}" for c in range(1, 6))


def _hs_match(commodity: Commodity, prefixes: Iterable[str]) -> bool:
    """True when one of the commodity's HS codes falls under one of ``prefixes``."""
    prefixes = tuple(prefixes)
    return any(
        code.startswith(p) or p.startswith(code) for code in commodity.hs_codes for p in prefixes
    )


def _hs_within(commodity: Commodity, prefixes: Iterable[str]) -> bool:
    """True when every HS code of the commodity lies inside one of ``prefixes``."""
    prefixes = tuple(prefixes)
    return all(any(code.startswith(p) for p in prefixes) for code in commodity.hs_codes)


class _BookIndex:
    """What every evaluation asks of a rule book, sorted out once per book (in book order).

    Kept in `_INDEXES` by the book's id, with the book itself (so the id is not reused while the
    entry lives); at most `_INDEXES_SIZE` books (a `rules chain` what-if makes one book per
    agreement), oldest dropped. Assumes a RuleBook's dicts are not changed after it is built
    (scenarios and `with_status` build new books). The lists are read-only once built; answers
    per commodity (keyed by what they read), regime parties per (regime, countries, date) and
    checklist lines are remembered, each memo cleared when it reaches its bound
    (`_COMMODITIES_SIZE`, `_PARTIES_SIZE`, `_DOCUMENTS_SIZE`). Threads may race to fill a memo:
    both compute the same value.
    """

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        agreements = list(book.agreements.values())
        self.by_regime: dict[str | None, tuple[Agreement, ...]] = {}
        for a in agreements:
            self.by_regime[a.scope.regime] = (*self.by_regime.get(a.scope.regime, ()), a)
        # `_grants_transit` needs transit rights; `vehicle_access` needs vehicle-access rights.
        self.transit = tuple(a for a in agreements if a.affects_routing and a.scope.transit_rights)
        self.vehicle_access = tuple(a for a in agreements if a.scope.vehicle_access)
        self.rail = tuple(
            a
            for a in agreements
            if a.affects_routing
            and "rail" in a.scope.modes
            and a.kind in ("transit_trade_agreement", "multilateral_convention")
        )
        self.sps = tuple(a for a in agreements if a.kind == "sps_arrangement")
        self._requirements: dict[tuple[tuple[str, ...], str], tuple[Requirement, ...]] = {}
        self._sps_goods: dict[tuple[str, tuple[str, ...]], bool] = {}
        self._parties: dict[tuple[str, tuple[str, ...], dt.date], Agreement | None] = {}
        self._documents: dict[tuple[str, str, str, str], DocumentItem] = {}

    def regime(self, regime: str) -> tuple[Agreement, ...]:
        """The agreements that are the carriage/customs regime ``regime``."""
        return self.by_regime.get(regime, ())

    def requirements(self, commodity: Commodity) -> tuple[Requirement, ...]:
        """The requirements whose goods (HS prefixes, cargo types) include ``commodity``."""
        key = (commodity.hs_codes, commodity.cargo_type)  # all that `_matches` reads
        found = self._requirements.get(key)
        if found is None:
            found = tuple(r for r in self.book.requirements.values() if _matches(r, commodity))
            if len(self._requirements) >= _COMMODITIES_SIZE:
                self._requirements.clear()
            self._requirements[key] = found
        return found

    def party(self, regime: str, countries: tuple[str, ...], day: dt.date) -> Agreement | None:
        """The agreement providing ``regime`` that binds every one of ``countries`` on ``day``
        (remembered: routes of one plan ask the same few questions)."""
        key = (regime, countries, day)
        if key in self._parties:
            return self._parties[key]
        found = None
        for a in self.regime(regime):
            if all(a.party_on(c, day) for c in countries):
                found = a
                break
        if len(self._parties) >= _PARTIES_SIZE:
            self._parties.clear()
        self._parties[key] = found
        return found

    def sps_goods(self, a: Agreement, commodity: Commodity) -> bool:
        """Whether the SPS arrangement ``a`` is about ``commodity``'s goods."""
        key = (a.id, commodity.hs_codes)
        found = self._sps_goods.get(key)
        if found is None:
            found = _hs_match(
                commodity, a.scope.hs_prefixes or (_PLANT_CHAPTERS + _ANIMAL_CHAPTERS)
            )
            if len(self._sps_goods) >= _COMMODITIES_SIZE:
                self._sps_goods.clear()
            self._sps_goods[key] = found
        return found

    def document(self, req: Requirement, place: str, country: str) -> DocumentItem:
        """The checklist line of ``req`` at ``place`` in the current language (immutable, so
        shared between evaluations; at most `_DOCUMENTS_SIZE` kept per book)."""
        lang = current_language()
        key = (lang, req.id, place, country)
        item = self._documents.get(key)
        if item is None:
            item = DocumentItem(
                document=data_text(req.document),
                place=place,
                country=country,
                issued_by=data_text(req.issued_by),
                checked_at=req.checked_at,
                reason=data_text(req.reason),
                sources=req.sources,
                requirement_id=req.id,
            )
            if len(self._documents) >= _DOCUMENTS_SIZE:
                self._documents.clear()
            self._documents[key] = item
        return item


_INDEXES: dict[int, _BookIndex] = {}
_INDEXES_SIZE = 16
_COMMODITIES_SIZE = 1024
_DOCUMENTS_SIZE = 8192
_PARTIES_SIZE = 8192


def _index(book: RuleBook) -> _BookIndex:
    index = _INDEXES.get(id(book))
    if index is None or index.book is not book:
        index = _BookIndex(book)
        while len(_INDEXES) >= _INDEXES_SIZE:
            try:
                del _INDEXES[next(iter(_INDEXES))]  # the oldest book
            except (KeyError, StopIteration, RuntimeError):  # another thread changed it
                break
        _INDEXES[id(book)] = index
    return index


def _matches(req: Requirement, c: Commodity) -> bool:
    """Whether ``req`` is about the goods ``c`` (HS prefixes and cargo types; empty = any)."""
    if req.hs_prefixes and not _hs_match(c, req.hs_prefixes):
        return False
    return not (req.cargo_types and c.cargo_type not in req.cargo_types)


class _Route:
    """Derived views of a RouteFacts: dates, entry/exit points, transit countries."""

    def __init__(self, route: RouteFacts, departure: dt.date) -> None:
        self.route = route
        self.departure = departure
        self.origin = route.origin_country
        self.destination = route.destination_country
        self.transit = tuple(
            dict.fromkeys(c for c in route.countries if c not in (self.origin, self.destination))
        )
        self.modes = tuple(dict.fromkeys(leg.mode for leg in route.legs))
        self.places = {leg.from_place for leg in route.legs} | {leg.to_place for leg in route.legs}
        self.places |= {b.place for b in route.border_crossings}
        # Each leg's date: the date of the last border reached before it, else the departure.
        self.leg_dates: list[dt.date] = []
        day = departure
        borders = list(route.border_crossings)
        for leg in route.legs:
            for b in borders:
                if b.place in (leg.from_place,) and b.reached_on is not None:
                    day = max(day, b.reached_on)
            self.leg_dates.append(day)
            for b in borders:
                if b.place == leg.to_place and b.reached_on is not None and leg.mode != "sea":
                    day = max(day, b.reached_on)
        self._crossings: list[tuple[str, str, str, str, dt.date]] | None = None
        self._legs_in: dict[str, list[tuple[int, LegFact]]] = {}

    def crossings(self) -> list[tuple[str, str, str, str, dt.date]]:
        """Every point where the route changes country: (place, from, to, mode, date)."""
        if self._crossings is None:
            self._crossings = self._find_crossings()
        return self._crossings

    def _find_crossings(self) -> list[tuple[str, str, str, str, dt.date]]:
        out: list[tuple[str, str, str, str, dt.date]] = []
        for b in self.route.border_crossings:
            out.append((b.place, b.from_country, b.to_country, b.mode, self.date_of(b)))
        for i, leg in enumerate(self.route.legs):
            if leg.mode in ("sea", "ferry") and leg.from_country != leg.to_country:
                out.append(
                    (leg.from_place, leg.from_country, leg.to_country, leg.mode, self.leg_dates[i])
                )
        return out

    def date_of(self, border: BorderFact) -> dt.date:
        return border.reached_on or self.departure

    def exit_of(self, country: str) -> str | None:
        for b in self.route.border_crossings:
            if b.from_country == country:
                return b.place
        for leg in self.route.legs:
            if leg.mode in ("sea", "ferry") and leg.from_country == country != leg.to_country:
                return leg.from_place
        return None

    def entry_of(self, country: str) -> str | None:
        for b in self.route.border_crossings:
            if b.to_country == country:
                return b.place
        for leg in self.route.legs:
            if leg.mode in ("sea", "ferry") and leg.to_country == country != leg.from_country:
                return leg.to_place
        return None

    def day_in(self, country: str) -> dt.date:
        """The first date the route is in ``country`` (when its entry border's date is known)."""
        for b in self.route.border_crossings:
            if b.to_country == country and b.reached_on is not None:
                return b.reached_on
        for i, leg in enumerate(self.route.legs):
            if country in (leg.from_country, leg.to_country):
                return self.leg_dates[i]
        return self.departure

    def legs_in(self, country: str) -> list[tuple[int, LegFact]]:
        """The legs (with their index) that start or end in ``country``."""
        legs = self._legs_in.get(country)
        if legs is None:
            legs = [
                (i, leg)
                for i, leg in enumerate(self.route.legs)
                if country in (leg.from_country, leg.to_country)
            ]
            self._legs_in[country] = legs
        return legs


class _Evaluation:
    def __init__(
        self, book: RuleBook, route: RouteFacts, commodity: Commodity, departure: dt.date
    ) -> None:
        self.book = book
        self.index = _index(book)
        self.r = _Route(route, departure)
        self.place_names = dict(route.place_names)
        self.commodity = commodity
        self.blockers: list[Finding] = []
        self.warnings: list[Finding] = []
        self.used: dict[str, AgreementUse] = {}
        self.leg_regimes: list[list[str]] = [[] for _ in route.legs]
        self.leg_agreements: list[list[str]] = [[] for _ in route.legs]
        self.leg_notes: list[list[str]] = [[] for _ in route.legs]

    # -- helpers ------------------------------------------------------------------------------
    def _status(self, a: Agreement, day: dt.date) -> tuple[str, dt.date | None, tuple[str, ...]]:
        ev = a.status_on(day)
        if ev is None:
            first = a.history[0] if a.history else None
            if first is None:
                return ("unknown", None, a.sources)
            return (f"not yet {first.status} (from {first.date.isoformat()})", None, first.sources)
        return (ev.status, ev.date, ev.sources)

    def _status_text(self, a: Agreement, day: dt.date) -> str:
        """The agreement's status on ``day`` in words of the current language, for messages."""
        ev = a.status_on(day)
        if ev is None:
            first = a.history[0] if a.history else None
            if first is None:
                return _("status unknown")
            return _("not yet {status} (from {date})").format(
                status=_status_word(first.status), date=format_date(first.date)
            )
        return _status_word(ev.status)

    def _place_name(self, place_id: str) -> str:
        return self.place_names.get(place_id, place_id)

    def _commodity_name(self) -> str:
        return name_in(self.commodity.names.to_dict(), self.commodity.id, current_language())

    def _use(self, a: Agreement, day: dt.date, needed_for: str) -> None:
        """Record that the route relies on ``a`` (the first use counts)."""
        if a.id not in self.used:
            status, when, _ = self._status(a, day)
            self.used[a.id] = AgreementUse(a.id, a.short, status, when, needed_for)

    def _covers_cargo(self, a: Agreement) -> bool:
        scope = a.scope
        if scope.cargo_types and self.commodity.cargo_type not in scope.cargo_types:
            return False
        return not (scope.excluded_hs and _hs_within(self.commodity, scope.excluded_hs))

    def _regime_agreements(self, regime: str) -> tuple[Agreement, ...]:
        return self.index.regime(regime)

    def _party(self, regime: str, countries: Iterable[str], day: dt.date) -> Agreement | None:
        """The agreement providing ``regime`` that binds every one of ``countries`` on ``day``."""
        return self.index.party(regime, tuple(countries), day)

    def _on_its_routes(self, a: Agreement) -> bool:
        """An agreement that names its border places applies only to routes through one of them."""
        return not a.scope.places or any(p in self.r.places for p in a.scope.places)

    def _grants_transit(self, a: Agreement, country: str, mode: str) -> bool:
        o, d = self.r.origin, self.r.destination
        if not self._on_its_routes(a):
            return False
        for tr in a.scope.transit_rights:
            if not (tr.country == country or (tr.country == "*" and country in a.parties)):
                continue
            if mode not in tr.modes:
                continue
            for b in (o, d):
                if b == country:
                    continue
                if b in tr.for_countries or ("*" in tr.for_countries and b in a.parties):
                    return True
        return False

    # -- decisions ----------------------------------------------------------------------------
    def regimes(self) -> None:
        """Carriage regime per leg: TIR/CMR on road, SMGS/CIM on rail, bill of lading by sea."""
        tir_missing: set[str] = set()
        for i, leg in enumerate(self.r.route.legs):
            day = self.r.leg_dates[i]
            countries = tuple(dict.fromkeys((leg.from_country, leg.to_country)))
            if leg.mode in ("sea", "ferry"):
                self.leg_regimes[i].append("sea")
                continue
            if leg.mode == "road":
                tir = self._party("TIR", countries, day)
                if tir is not None:
                    self.leg_regimes[i].append("TIR")
                    self.leg_agreements[i].append(tir.id)
                    if tir.id not in self.used:  # (the first use is recorded: skip the text)
                        self._use(tir, day, _("customs transit of sealed road cargo (TIR carnet)"))
                    for ps in tir.party_status:
                        if ps.country in countries and ps.operational and ps.operational > day:
                            self.warnings.append(
                                Finding(
                                    "tir_not_operational",
                                    _(
                                        "TIR is in force for {country} but its first TIR "
                                        "operation is recorded on {date}; expect national "
                                        "transit procedures instead."
                                    ).format(country=ps.country, date=format_date(ps.operational)),
                                    ps.sources,
                                    (tir.id,),
                                    country=ps.country,
                                )
                            )
                elif leg.from_country != leg.to_country or self.r.origin != self.r.destination:
                    tir_missing.update(c for c in countries)
                # CMR governs the road carriage contract when the taking-over or delivery country
                # is a party (CMR art. 1).
                cmr = None
                for a in self._regime_agreements("CMR"):
                    if a.party_on(self.r.origin, day) or a.party_on(self.r.destination, day):
                        cmr = a
                        break
                if cmr is not None and self.r.origin != self.r.destination:
                    self.leg_regimes[i].append("CMR")
                    self.leg_agreements[i].append(cmr.id)
                    if cmr.id not in self.used:
                        self._use(cmr, day, _("road consignment note (CMR)"))
            elif leg.mode == "rail":
                smgs = self._party("SMGS", countries, day)
                cim = self._party("CIM", countries, day)
                if smgs is not None:
                    self.leg_regimes[i].append("SMGS")
                    self.leg_agreements[i].append(smgs.id)
                    if smgs.id not in self.used:
                        self._use(smgs, day, _("rail waybill (SMGS)"))
                elif cim is not None:
                    self.leg_regimes[i].append("CIM")
                    self.leg_agreements[i].append(cim.id)
                    if cim.id not in self.used:
                        self._use(cim, day, _("rail consignment note (CIM)"))
                elif leg.from_country != leg.to_country:
                    # Each side in one of the two rail laws: the common CIM/SMGS note bridges them.
                    mixed = all(
                        self._party("SMGS", (c,), day) or self._party("CIM", (c,), day)
                        for c in countries
                    )
                    if mixed:
                        self.leg_regimes[i].append("CIM/SMGS")
                        self.leg_notes[i].append(_("common CIM/SMGS consignment note"))
                    else:
                        self._rail_gap(i, leg, day)
                else:
                    self.leg_regimes[i].append("national rail")
            if leg.gauge_mm:
                self.leg_notes[i].append(_("{gauge} mm gauge").format(gauge=leg.gauge_mm))
        for c in sorted(tir_missing):
            if not self._party("TIR", (c,), self.r.departure):
                tir_any = self._regime_agreements("TIR")
                self.warnings.append(
                    Finding(
                        "no_tir",
                        _(
                            "{country} is not bound by the TIR Convention on these dates: road "
                            "cargo is cleared under national transit procedures (guarantee, "
                            "escort or transloading) at its borders."
                        ).format(country=c),
                        tuple(s for a in tir_any for s in a.sources),
                        tuple(a.id for a in tir_any),
                        country=c,
                    )
                )

    def _rail_gap(self, i: int, leg: LegFact, day: dt.date) -> None:
        """A cross-border rail leg between networks with no common rail law: needs an agreement."""
        pair = {leg.from_country, leg.to_country}
        covering = [a for a in self.index.rail if pair <= set(a.parties)]
        in_force = [a for a in covering if a.in_force_on(day)]
        if in_force:
            a = in_force[0]
            self.leg_regimes[i].append(a.short)
            self.leg_agreements[i].append(a.id)
            self._use(
                a,
                day,
                _("cross-border rail {a}-{b}").format(a=leg.from_country, b=leg.to_country),
            )
            self.leg_notes[i].append(_("no common SMGS/CIM law: carried under a bilateral regime"))
            return
        self.blockers.append(
            Finding(
                "no_rail_regime",
                _(
                    "No rail convention or agreement in force covers rail carriage {a}→{b} at "
                    "{place}: {reason}"
                ).format(
                    a=leg.from_country,
                    b=leg.to_country,
                    place=leg.to_place,
                    reason=(
                        _("pending: {agreements}").format(
                            agreements=", ".join(
                                f"{_label(a)} ({self._status_text(a, day)})" for a in covering
                            )
                        )
                        if covering
                        else _("neither SMGS nor CIM binds both sides")
                    ),
                ),
                tuple(s for a in covering for s in self._status(a, day)[2]),
                tuple(a.id for a in covering),
                place=leg.to_place,
            )
        )

    def transit(self) -> None:
        """Every transit country needs an agreement in force giving this traffic transit there."""
        for country in self.r.transit:
            modes = tuple(
                dict.fromkeys(
                    leg.mode for _, leg in self.r.legs_in(country) if leg.mode in ("road", "rail")
                )
            )
            day = self.r.day_in(country)
            for mode in modes:
                candidates = [
                    a for a in self.index.transit if self._grants_transit(a, country, mode)
                ]
                usable = [
                    a
                    for a in candidates
                    if a.party_on(country, day)
                    and any(a.party_on(b, day) for b in (self.r.origin, self.r.destination))
                    and a.in_force_on(day)
                ]
                covering = [a for a in usable if self._covers_cargo(a)]
                if covering:
                    for a in covering:
                        if a.id not in self.used:
                            self._use(
                                a,
                                day,
                                _("transit through {country} by {mode}").format(
                                    country=country, mode=_mode_word(mode)
                                ),
                            )
                        for i, leg in self.r.legs_in(country):
                            if leg.mode == mode and a.short not in self.leg_regimes[i]:
                                self.leg_regimes[i].append(a.short)
                                self.leg_agreements[i].append(a.id)
                    continue
                if usable:
                    self.blockers.append(
                        Finding(
                            "cargo_excluded",
                            _(
                                "{commodity} is outside the scope of {agreements} (the "
                                "agreements giving transit through {country} by {mode})."
                            ).format(
                                commodity=self._commodity_name(),
                                agreements=", ".join(_label(a) for a in usable),
                                country=country,
                                mode=_mode_word(mode),
                            ),
                            tuple(s for a in usable for s in a.sources),
                            tuple(a.id for a in usable),
                            country=country,
                        )
                    )
                elif candidates:
                    described = ", ".join(
                        f"{_label(a)} ({self._status_text(a, day)})" for a in candidates
                    )
                    self.blockers.append(
                        Finding(
                            "transit_agreement_not_in_force",
                            _(
                                "Transit of {origin}→{destination} cargo through {country} by "
                                "{mode} needs an agreement in force on {date}; none is: "
                                "{agreements}."
                            ).format(
                                origin=self.r.origin,
                                destination=self.r.destination,
                                country=country,
                                mode=_mode_word(mode),
                                date=format_date(day),
                                agreements=described,
                            ),
                            tuple(s for a in candidates for s in self._status(a, day)[2]),
                            tuple(a.id for a in candidates),
                            country=country,
                        )
                    )
                else:
                    self.warnings.append(
                        Finding(
                            "no_transit_agreement_registered",
                            _(
                                "The register holds no agreement giving {origin}→{destination} "
                                "cargo transit through {country} by {mode}; check bilateral "
                                "arrangements before relying on this route."
                            ).format(
                                origin=self.r.origin,
                                destination=self.r.destination,
                                country=country,
                                mode=_mode_word(mode),
                            ),
                            country=country,
                        )
                    )

    def vehicle_access(self) -> None:
        """A truck from the origin entering the destination country needs a vehicle-access right;
        without one the cargo is transloaded onto local trucks at the border (a warning)."""
        o, d = self.r.origin, self.r.destination
        legs = self.r.route.legs
        if not legs or legs[0].mode != "road":
            return
        for b in self.r.route.border_crossings:
            if b.mode != "road" or b.to_country != d:
                continue
            # only if the road run from the origin is unbroken up to this border
            unbroken = True
            for leg in legs:
                if leg.mode != "road":
                    unbroken = False
                    break
                if b.place in (leg.from_place, leg.to_place):
                    break
            if not unbroken:
                return
            day = self.r.date_of(b)
            grants = [
                a
                for a in self.index.vehicle_access
                if self._on_its_routes(a)
                and any(
                    va.vehicles_of == o and va.country == d and "road" in va.modes
                    for va in a.scope.vehicle_access
                )
            ]
            live = [a for a in grants if a.in_force_on(day)]
            if live:
                for a in live:
                    self._use(
                        a,
                        day,
                        _("{vehicles_of} trucks may deliver into {country}").format(
                            vehicles_of=o, country=d
                        ),
                    )
                return
            pending = ", ".join(f"{_label(a)} ({self._status_text(a, day)})" for a in grants)
            self.warnings.append(
                Finding(
                    "transload_at_border",
                    (
                        _(
                            "No agreement in force lets {vehicles_of}-registered trucks carry "
                            "goods into {country}: the cargo is reloaded onto {country} trucks "
                            "at {place}; pending: {agreements}."
                        )
                        if pending
                        else _(
                            "No agreement in force lets {vehicles_of}-registered trucks carry "
                            "goods into {country}: the cargo is reloaded onto {country} trucks "
                            "at {place}."
                        )
                    ).format(
                        vehicles_of=o,
                        country=d,
                        place=self._place_name(b.place),
                        agreements=pending,
                    ),
                    tuple(s for a in grants for s in self._status(a, day)[2]),
                    tuple(a.id for a in grants),
                    country=d,
                    place=b.place,
                )
            )
            return

    def sps(self) -> None:
        """Phytosanitary / veterinary arrangements between origin and destination."""
        pair = {self.r.origin, self.r.destination}
        for a in self.index.sps:
            if set(a.scope.sps_countries or a.parties) != pair:
                continue
            if not self.index.sps_goods(a, self.commodity):
                continue
            day = self.r.day_in(self.r.destination)
            if a.in_force_on(day):
                self._use(a, day, _("agreed quarantine / veterinary conditions"))
                continue
            status = self._status(a, day)
            self.warnings.append(
                Finding(
                    "sps_arrangement_pending",
                    _(
                        "{agreement} is {status}: {commodity} is checked under each country's "
                        "general quarantine rules (import permit, pest risk analysis, inspection "
                        "at entry); expect delays and possible rejection."
                    ).format(
                        agreement=_label(a),
                        status=self._status_text(a, day),
                        commodity=self._commodity_name(),
                    ),
                    status[2],
                    (a.id,),
                    country=self.r.destination,
                )
            )

    def requirements(self) -> list[DocumentItem]:
        items: list[tuple[Requirement, str, str]] = []  # (requirement, place, country)
        seen: set[tuple[str, str]] = set()
        for req in self.index.requirements(self.commodity):
            for country, place, day in self._targets(req):
                if not req.active_on(day):
                    continue
                key = (req.id, place)
                if key in seen:
                    continue
                seen.add(key)
                if req.effect == "prohibited":
                    self.blockers.append(
                        Finding(
                            "cargo_prohibited",
                            f"{data_text(req.document)} ({country}): {data_text(req.reason)}",
                            req.sources,
                            country=country,
                            place=place,
                        )
                    )
                    continue
                items.append((req, place, country))
        order = {p: i for i, p in enumerate(self._place_order())}
        items.sort(key=lambda it: (order.get(it[1], len(order)), it[0].document))
        # Translated after sorting, so the checklist's order is the same in every language.
        return [self.index.document(req, place, country) for req, place, country in items]

    def _place_order(self) -> list[str]:
        order: list[str] = [self.r.route.legs[0].from_place]
        for leg in self.r.route.legs:
            for p in (leg.from_place, leg.to_place):
                if p not in order:
                    order.append(p)
        return order

    def _targets(self, req: Requirement) -> list[tuple[str, str, dt.date]]:
        """(country, place, date) triples where ``req`` (about this commodity) applies here."""
        r = self.r
        legs = r.route.legs
        out: list[tuple[str, str, dt.date]] = []

        def where(country: str) -> str | None:
            if req.checked_at == "origin":
                return legs[0].from_place
            if req.checked_at == "destination":
                return legs[-1].to_place
            if req.checked_at == "exit":
                return r.exit_of(country)
            if req.checked_at == "entry":
                return r.entry_of(country)
            return None

        def mode_ok(country: str) -> bool:
            if not req.modes:
                return True
            used = {leg.mode for _, leg in r.legs_in(country)}
            return bool(used & set(req.modes))

        if req.role in ("export", "import", "transit"):
            if req.role == "export":
                countries = [r.origin]
            elif req.role == "import":
                countries = [r.destination]
            else:
                countries = list(r.transit)
            for country in countries:
                if req.country not in ("*", country) or not mode_ok(country):
                    continue
                if req.regime and not any(
                    req.regime in self.leg_regimes[i] for i, _ in r.legs_in(country)
                ):
                    continue
                if req.checked_at in ("every_border", "port"):
                    for place, f, t, mode, day in r.crossings():
                        if country in (f, t) and (
                            req.checked_at != "port" or mode in ("sea", "ferry")
                        ):
                            out.append((country, place, day))
                    continue
                at = where(country)
                if at is None:
                    continue
                out.append((country, at, r.day_in(country)))
            return out
        # carriage: every leg carried under the regime (and mode), where the checks happen
        for i, leg in enumerate(legs):
            regime_ok = req.regime is None or req.regime in self.leg_regimes[i]
            if not regime_ok or (req.modes and leg.mode not in req.modes):
                continue
            if req.country not in ("*", leg.from_country, leg.to_country):
                continue
            day = r.leg_dates[i]
            if req.checked_at == "every_border":
                for place, f, t, _mode, bday in r.crossings():
                    if place in (leg.from_place, leg.to_place) and (f, t) == (
                        leg.from_country,
                        leg.to_country,
                    ):
                        out.append((leg.to_country, place, bday))
            elif req.checked_at == "port":
                if leg.mode in ("sea", "ferry"):
                    out.append((leg.from_country, leg.from_place, day))
            elif req.checked_at == "origin":
                out.append((leg.from_country, leg.from_place, day))
            elif req.checked_at == "destination":
                out.append((leg.to_country, leg.to_place, day))
            elif req.checked_at in ("entry", "exit") and leg.from_country != leg.to_country:
                place = leg.to_place if req.checked_at == "entry" else leg.from_place
                out.append((leg.to_country, place, day))
        return out

    def advisories(self) -> None:
        countries = set(self.r.route.countries)
        for adv in self.book.advisories.values():
            hit_country = [c for c in adv.countries if c in countries]
            hit_place = [p for p in adv.places if p in self.r.places]
            if not hit_country and not hit_place:
                continue
            if adv.modes and not set(adv.modes) & set(self.r.modes):
                continue
            day = self.r.day_in(hit_country[0]) if hit_country else self.r.departure
            if not adv.active_on(day):
                continue
            finding = Finding(
                adv.kind,
                data_text(adv.message),
                adv.sources,
                country=hit_country[0] if hit_country else None,
                place=hit_place[0] if hit_place else None,
            )
            (self.blockers if adv.severity == "blocker" else self.warnings).append(finding)

    def closures(self) -> None:
        margin = dt.timedelta(days=CLOSURE_WARNING_DAYS)
        reach: dict[str, dt.date] = {}
        for i, leg in enumerate(self.r.route.legs):
            if leg.link_id:
                reach.setdefault(leg.link_id, self.r.leg_dates[i])
            reach.setdefault(leg.from_place, self.r.leg_dates[i])
            reach.setdefault(leg.to_place, self.r.leg_dates[i])
        for b in self.r.route.border_crossings:
            reach[b.place] = self.r.date_of(b)
        for cl in self.r.route.closures:
            day = reach.get(cl.target, self.r.departure)
            if cl.start - margin <= day <= cl.end + margin:
                inside = cl.start <= day <= cl.end
                self.warnings.append(
                    Finding(
                        "closure_on_date" if inside else "closure_near_date",
                        (
                            _("{target} is closed {start} to {end} and is reached on {date}")
                            if inside
                            else _(
                                "{target} is closed {start} to {end}; it is reached on {date}, "
                                "within {days} days"
                            )
                        ).format(
                            target=self._place_name(cl.target),
                            start=format_date(cl.start),
                            end=format_date(cl.end),
                            date=format_date(day),
                            days=CLOSURE_WARNING_DAYS,
                        )
                        + (f" ({data_text(cl.note)})" if cl.note else "")
                        + ".",
                        cl.sources,
                        place=cl.target,
                    )
                )

    def shelf_life(self, transit_days_p90: float | None) -> None:
        c = self.commodity
        if c.max_transit_days is None:
            return
        if transit_days_p90 is None:
            self.warnings.append(
                Finding(
                    "shelf_life_unchecked",
                    _(
                        "{commodity} keeps about {days} days; no P90 transit time was given to "
                        "check it against."
                    ).format(commodity=self._commodity_name(), days=f"{c.max_transit_days:g}"),
                    c.sources,
                )
            )
            return
        if transit_days_p90 > c.max_transit_days:
            self.blockers.append(
                Finding(
                    "shelf_life_exceeded",
                    (
                        _(
                            "P90 transit time {p90} days exceeds the {days} days {commodity} "
                            "keeps at {temperature} °C."
                        )
                        if c.temp_c_min is not None and c.temp_c_max is not None
                        else _(
                            "P90 transit time {p90} days exceeds the {days} days {commodity} keeps."
                        )
                    ).format(
                        p90=f"{transit_days_p90:.1f}",
                        days=f"{c.max_transit_days:g}",
                        commodity=self._commodity_name(),
                        temperature=f"{c.temp_c_min:g}…{c.temp_c_max:g}",
                    ),
                    c.sources,
                )
            )

    def result(self, documents: list[DocumentItem]) -> RouteRules:
        legs = self.r.route.legs
        regimes = tuple(
            LegRegime(
                i,
                leg.mode,
                leg.from_place,
                leg.to_place,
                tuple(self.leg_regimes[i]),
                tuple(dict.fromkeys(self.leg_agreements[i])),
                "; ".join(self.leg_notes[i]),
            )
            for i, leg in enumerate(legs)
        )
        return RouteRules(
            commodity=self.commodity.id,
            corridor=self.r.route.corridor,
            departure=self.r.departure,
            regimes=regimes,
            documents=tuple(documents),
            blockers=_dedupe(self.blockers),
            warnings=_dedupe(self.warnings),
            agreements_relied_on=tuple(self.used.values()),
        )


_CODE = re.compile(r"[A-Z0-9][A-Z0-9 /–-]*")


def _label(a: Agreement) -> str:
    """How messages name an agreement: its short code (TIR, APTTA, KPTTA …), or, when the short
    name is English words, its name in the current language."""
    lang = current_language()
    if lang == "en" or _CODE.fullmatch(a.short):
        return a.short
    return name_in(a.names.to_dict(), a.short, lang)


def _status_word(status: str) -> str:
    words = {
        "proposed": _("proposed"),
        "negotiated": _("negotiated"),
        "signed": _("signed"),
        "ratified": _("ratified"),
        "in_force": _("in force"),
        "suspended": _("suspended"),
        "expired": _("expired"),
    }
    return words.get(status, status)


def _mode_word(mode: str) -> str:
    # Only the word asked for is translated (this runs for every transit country of a route).
    if mode == "road":
        return _("road")
    if mode == "rail":
        return _("rail")
    if mode == "sea":
        return _("sea")
    if mode == "ferry":
        return _("ferry")
    return mode


def _dedupe(findings: list[Finding]) -> tuple[Finding, ...]:
    return tuple(dict.fromkeys(findings))


def evaluate_route(
    book: RuleBook,
    route: RouteFacts,
    commodity: Commodity,
    departure: dt.date,
    *,
    transit_days_p90: float | None = None,
) -> RouteRules:
    """The legal regime, documents checklist, blockers and warnings of one route alternative.

    Parameters: ``book`` – the loaded rules; ``route`` – the route's facts; ``commodity`` – from
    ``book.find_commodity``; ``departure`` – the date the shipment leaves; ``transit_days_p90`` –
    the route's 90th-percentile door-to-door time in days (checked against shelf life).
    Returns ``RouteRules`` (``to_dict()`` for JSON).
    """
    ev = _Evaluation(book, route, commodity, departure)
    ev.regimes()
    ev.transit()
    ev.vehicle_access()
    ev.sps()
    documents = ev.requirements()
    ev.advisories()
    ev.closures()
    ev.shelf_life(transit_days_p90)
    return ev.result(documents)
