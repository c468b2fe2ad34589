"""The bundled dataset: valid, complete for the seed's corridors, and plannable end to end."""

from __future__ import annotations

import pytest

from daliz.network import Mode, Status, great_circle_km, load_network, validate_dataset
from daliz.planning import plan

REQUIRED_PLACES = [
    "Astana",
    "Almaty",
    "Shymkent",
    "Kostanay",
    "Karaganda",
    "Pavlodar",
    "Aktobe",
    "Tashkent",
    "Bishkek",
    "Karachi",
    "Port Qasim",
    "Gwadar",
    "Lahore",
    "Islamabad",
    "Peshawar",
    "Quetta",
    "Faisalabad",
    "Sialkot",
    "Multan",
    "Sargodha",
    "Kashgar",
    "Urumqi",
    "Tehran",
    "Mashhad",
    "Termez",
    "Hairatan",
    "Mazar-i-Sharif",
    "Kabul",
    "Torkham",
    "Chaman",
    "Kandahar",
    "Bandar Abbas",
    "Jebel Ali",
    "Khunjerab",
    "Sost",
    "Khorgos",
    "Aktau",
    "Turkmenbashi",
    "Zahedan",
    "Taftan",
    "Sarakhs",
]


def test_default_dataset_is_valid() -> None:
    assert validate_dataset() == []


@pytest.mark.parametrize("name", REQUIRED_PLACES)
def test_required_places_exist(name: str) -> None:
    from daliz.network import find_places

    matches = find_places(load_network(), name, limit=3)
    assert matches and matches[0].score >= 0.9, name


def test_distances_agree_with_great_circle() -> None:
    network = load_network()
    for link in network.links.values():
        a, b = network.places[link.from_place], network.places[link.to_place]
        gc = great_circle_km(a.lat, a.lon, b.lat, b.lon)
        if gc < 30:
            continue
        factor = link.distance_km / gc
        upper = 4.0 if link.mode == Mode.SEA else 3.0
        assert 0.97 <= factor <= upper, f"{link.id}: {factor:.2f}× great-circle"


def test_planned_trans_afghan_railway_is_present_but_not_operating() -> None:
    network = load_network()
    planned = [
        link
        for link in network.links.values()
        if link.status == Status.PLANNED
        and link.mode == Mode.RAIL
        and {"af-kabul", "pk-peshawar"} & set(link.ends())
    ]
    assert planned


def test_khunjerab_winter_closure_history() -> None:
    network = load_network()
    import datetime as dt

    regimes = network.closures_of("bcp-khunjerab")
    assert any(c.closes(dt.date(2024, 1, 15)) for c in regimes)  # seasonal closure then
    assert not any(c.closes(dt.date(2027, 1, 15)) for c in regimes)  # open all year since


def test_kostanay_karachi_has_three_distinct_corridors() -> None:
    result = plan(
        origin="Kostanay",
        destination="Karachi",
        commodity="wheat",
        tonnes=500,
        date="2027-03-01",
        draws=0,
    )
    assert len({a.corridor for a in result.alternatives}) >= 3
    countries = {tuple(a.countries) for a in result.alternatives}
    assert ("KZ", "UZ", "AF", "PK") in countries
    assert any("IR" in c or "CN" in c for c in countries)


def test_issue_examples_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DALIZ_ROADS", "off")  # the road-graph variant is a slow test
    reefer = plan(
        origin="Сарғодха",
        destination="Almaty",
        commodity="citrus",
        unit="reefer-40",
        count=10,
        avoid_countries=["IR"],
        draws=0,
    )
    assert reefer.alternatives
    assert all("IR" not in a.countries for a in reefer.alternatives)
    steel = plan(
        origin="43.25,76.95", destination="Gwadar", hs="7308", tonnes=120, max_days=25, draws=0
    )
    assert steel.alternatives and steel.alternatives[0].legs[0].access
    assert all(a.totals.days <= 25 for a in steel.alternatives)


def test_khunjerab_corridor_depends_on_the_date() -> None:
    def kkh(date: str) -> bool:
        result = plan(
            origin="Kashgar",
            destination="Islamabad",
            commodity="wheat",
            tonnes=40,
            date=date,
            draws=0,
            max_alternatives=10,
            include_blocked=True,
        )
        return any("bcp-khunjerab" in a.border_crossings for a in result.alternatives)

    assert not kkh("2024-01-15")  # closed in winter before December 2024
    assert kkh("2027-01-15")


@pytest.mark.slow
def test_door_to_door_example_on_the_road_graph() -> None:
    pytest.importorskip("routingkit_cch")
    result = plan(
        origin="52.9,63.1", destination="31.42,73.08", commodity="wheat", tonnes=60, draws=0
    )
    best = result.alternatives[0]
    first, last = best.legs[0], best.legs[-1]
    assert first.access and last.access
    assert last.snap_km is not None and not last.estimate  # routed on real roads
    assert len(last.geometry["coordinates"]) > 2
