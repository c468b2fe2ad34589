"""Which trucks may drive on across a border, as the bundled register says (dataset 2026.11.4).

Uzbek and Kazakh trucks: the 2006 Kazakhstan–Uzbekistan road transport agreement (bilateral and
transit carriage without permits) lets them deliver into each other's country, so a road route
Uzbekistan → Kazakhstan is not told to reload at the border. Chinese trucks: neither the QTTA
(transit only) nor anything else in the register lets them drive on into Pakistan, because in
practice they stop at Sost dry port and the cargo is reloaded onto Pakistani trucks.
"""

from __future__ import annotations

import datetime as dt

import pytest

from daliz.planning import plan
from daliz.rules import RouteFacts, RuleBook, evaluate_route
from daliz.rules.model import LegFact, RouteRules

DAY = dt.date(2027, 3, 1)


def _evaluate(book: RuleBook, legs: list[LegFact], commodity: str = "wheat") -> RouteRules:
    route = RouteFacts.from_legs(legs)
    return evaluate_route(book, route, book.find_commodity(commodity), DAY)


def _kinds(rules: RouteRules) -> set[str]:
    return {w.kind for w in rules.warnings} | {b.kind for b in rules.blockers}


def _tashkent_to(book: RuleBook, border: str, destination: str) -> RouteRules:
    return _evaluate(
        book,
        [
            LegFact("road", "uz-tashkent", border, "UZ", "KZ"),
            LegFact("road", border, destination, "KZ", "KZ"),
        ],
    )


def test_the_kazakhstan_uzbekistan_road_agreement_is_registered(book: RuleBook) -> None:
    a = book.agreements["kz-uz-road-transport"]
    assert set(a.parties) == {"KZ", "UZ"}
    assert a.affects_routing and a.scope.modes == ("road",)
    assert a.in_force_on(dt.date(2007, 1, 8)) and a.in_force_on(DAY)
    assert not a.in_force_on(dt.date(2007, 1, 7))  # ratified, not yet in force
    access = {(v.vehicles_of, v.country) for v in a.scope.vehicle_access}
    assert access == {("UZ", "KZ"), ("KZ", "UZ")}
    transit = {(t.country, tuple(t.for_countries)) for t in a.scope.transit_rights}
    assert transit == {("KZ", ("UZ",)), ("UZ", ("KZ",))}
    for lang in ("en", "kk", "ru", "ur"):
        assert getattr(a.names, lang).strip()
    assert all(s in book.sources for s in a.sources)


@pytest.mark.parametrize(
    ("border", "destination"),
    [("bcp-zhibek-zholy", "kz-shymkent"), ("bcp-tazhen-daut-ata", "kz-aktau-port")],
)
def test_uzbek_trucks_deliver_into_kazakhstan_without_reloading(
    book: RuleBook, border: str, destination: str
) -> None:
    rules = _tashkent_to(book, border, destination)
    assert "transload_at_border" not in _kinds(rules)
    assert not rules.blocked
    used = {u.id: u for u in rules.agreements_relied_on}
    assert used["kz-uz-road-transport"].status == "in_force"
    # the leg's carriage regime stays TIR + CMR (both countries are parties)
    assert {"TIR", "CMR"} <= set(rules.regimes[0].regimes)


def test_kazakh_trucks_deliver_into_uzbekistan_too(book: RuleBook) -> None:
    rules = _evaluate(
        book,
        [
            LegFact("road", "kz-shymkent", "bcp-zhibek-zholy", "KZ", "KZ"),
            LegFact("road", "bcp-zhibek-zholy", "uz-tashkent", "KZ", "UZ"),
        ],
    )
    assert "transload_at_border" not in _kinds(rules)
    assert "kz-uz-road-transport" in {u.id for u in rules.agreements_relied_on}


def test_before_the_agreement_uzbek_cargo_was_reloaded(book: RuleBook) -> None:
    # The same route before entry into force: the engine falls back to the reload warning, which
    # names the agreement and its status (so the test above is not passing by accident).
    route = RouteFacts.from_legs(
        [
            LegFact("road", "uz-tashkent", "bcp-zhibek-zholy", "UZ", "KZ"),
            LegFact("road", "bcp-zhibek-zholy", "kz-shymkent", "KZ", "KZ"),
        ]
    )
    rules = evaluate_route(book, route, book.find_commodity("wheat"), dt.date(2006, 6, 1))
    reload = [w for w in rules.warnings if w.kind == "transload_at_border"]
    assert len(reload) == 1
    assert reload[0].agreements == ("kz-uz-road-transport",)


def test_qtta_does_not_let_chinese_trucks_into_pakistan(book: RuleBook) -> None:
    qtta = book.agreements["qtta"]
    access = {(v.vehicles_of, v.country) for v in qtta.scope.vehicle_access}
    assert ("CN", "PK") not in access
    # Pakistani trucks do run into China (NLC under TIR since 2023), Kazakh/Kyrgyz ones may transit
    assert {("PK", "CN"), ("KZ", "PK"), ("PK", "KZ")} <= access
    assert qtta.history[0].date == dt.date(1995, 3, 9)
    assert "Sost" in qtta.note
    # nothing else in the register lets Chinese trucks deliver into Pakistan
    assert not [
        a.id
        for a in book.agreements.values()
        if any(v.vehicles_of == "CN" and v.country == "PK" for v in a.scope.vehicle_access)
    ]


def test_khunjerab_road_route_says_the_cargo_is_reloaded(book: RuleBook) -> None:
    rules = _evaluate(
        book,
        [
            LegFact("road", "cn-kashgar", "bcp-khunjerab", "CN", "PK"),
            LegFact("road", "bcp-khunjerab", "pk-islamabad", "PK", "PK"),
        ],
        commodity="textiles",
    )
    reload = [w for w in rules.warnings if w.kind == "transload_at_border"]
    assert len(reload) == 1
    assert reload[0].place == "bcp-khunjerab" and reload[0].country == "PK"
    assert not rules.blocked


def test_kazakh_trucks_via_khunjerab_still_rely_on_the_qtta(book: RuleBook) -> None:
    rules = _evaluate(
        book,
        [
            LegFact("road", "kz-almaty", "bcp-khorgos", "KZ", "CN"),
            LegFact("road", "bcp-khorgos", "cn-kashgar", "CN", "CN"),
            LegFact("road", "cn-kashgar", "bcp-khunjerab", "CN", "PK"),
            LegFact("road", "bcp-khunjerab", "pk-islamabad", "PK", "PK"),
        ],
    )
    assert "transload_at_border" not in _kinds(rules)
    assert "qtta" in {u.id for u in rules.agreements_relied_on}


def test_plans_carry_the_new_warnings() -> None:
    """The planner on the bundled dataset: UZ → KZ road without, CN → PK road with a reload."""
    tashkent = plan(
        origin="Tashkent",
        destination="Almaty",
        commodity="onion",
        tonnes=20,
        date="2027-03-01",
        draws=0,
    )
    road = [a for a in tashkent.alternatives if a.rules and "road" in a.corridor.lower()]
    assert road
    for alt in road:
        assert alt.rules is not None
        assert all(w["kind"] != "transload_at_border" for w in alt.rules["warnings"])
    kashgar = plan(
        origin="Kashgar",
        destination="Islamabad",
        commodity="textiles",
        tonnes=20,
        date="2027-06-01",
        draws=0,
    )
    via_khunjerab = [a for a in kashgar.alternatives if a.rules is not None]
    assert via_khunjerab
    for alt in via_khunjerab:
        assert alt.rules is not None
        places = {w["place"] for w in alt.rules["warnings"] if w["kind"] == "transload_at_border"}
        assert places == {"bcp-khunjerab"}
