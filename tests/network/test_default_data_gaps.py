"""Facts of the bundled dataset that closed two gaps: the reload at Sost on the Khunjerab route,
and the road from Uzbekistan via Daut-Ata/Tazhen and Beineu to Aktau."""

from __future__ import annotations

from collections import deque

import pytest

from daliz.network import Mode, Status, load_network
from daliz.network.model import Network, PlaceKind
from daliz.planning import plan

KHUNJERAB = "bcp-khunjerab"
SOST = "pk-sost"
TAZHEN = "bcp-tazhen-daut-ata"
NEW_ROAD_LINKS = (
    "road-tashkent-nukus",
    "road-nukus-kungrad",
    "road-kungrad-tazhen",
    "road-beineu-tazhen",
    "road-beineu-aktau",
)


def road_neighbours(network: Network, place_id: str) -> set[str]:
    """Places one operating road link away from `place_id`."""
    found: set[str] = set()
    for link in network.links.values():
        if link.mode != Mode.ROAD or link.status != Status.OPERATING:
            continue
        if link.from_place == place_id:
            found.add(link.to_place)
        elif link.to_place == place_id and link.bidirectional:
            found.add(link.from_place)
    return found


def road_path(network: Network, start: str, goal: str, avoid: frozenset[str]) -> list[str] | None:
    """A shortest-hop path over operating road links that avoids the places in `avoid`."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if here == goal:
            path = [here]
            while (back := previous[path[-1]]) is not None:
                path.append(back)
            return path[::-1]
        for there in sorted(road_neighbours(network, here) - avoid):
            if there not in previous:
                previous[there] = here
                queue.append(there)
    return None


# --- Sost: where Chinese trucks hand over to Pakistani trucks --------------------------------


def test_khunjerab_leads_only_to_sost_on_the_pakistani_side() -> None:
    network = load_network()
    sost = network.places[SOST]
    assert sost.kind == PlaceKind.DRY_PORT and sost.country == "PK"
    pakistani_side = {
        p for p in road_neighbours(network, KHUNJERAB) if network.places[p].country == "PK"
    }
    # every road crossing of the pass reaches the Sost dry port next, where the reload happens
    assert pakistani_side == {SOST}


def test_khunjerab_border_row_carries_the_sost_reload() -> None:
    network = load_network()
    row = network.border_crossings[(KHUNJERAB, Mode.ROAD)]
    assert set(row.countries) == {"CN", "PK"}
    assert row.status == Status.OPERATING
    reload_sources = {"dawn-khunjerab-cargo-2017", "tribune-sost-destuff-2020"}
    assert reload_sources <= set(row.sourcing.sources)
    assert all(s in network.sources for s in row.sourcing.sources)
    assert "reload" in row.note and "Sost" in row.note
    assert "reload" in row.sourcing.estimate.lower()
    # the minimum is a TIR through-truck that is not reloaded; the typical crossing includes
    # de-stuffing for examination and loading onto Pakistani trucks, which takes longer and
    # costs more than clearing papers alone
    assert row.clearance_h.min < row.clearance_h.typ <= row.clearance_h.max
    assert row.cost_usd.min < row.cost_usd.typ <= row.cost_usd.max
    assert row.clearance_h.typ >= 12.0  # a reload with customs examination is not done in hours
    assert row.cost_unit == "truck"


def test_plan_over_khunjerab_pays_and_waits_for_the_reload() -> None:
    network = load_network()
    row = network.border_crossings[(KHUNJERAB, Mode.ROAD)]
    result = plan(
        origin="Kashgar",
        destination="Islamabad",
        commodity="textiles",
        tonnes=20,
        date="2027-06-01",
        draws=0,
    )
    via = [a for a in result.alternatives if KHUNJERAB in a.border_crossings]
    assert via, "no alternative crosses the Khunjerab in June 2027"
    for alternative in via:
        passed = {
            place
            for leg in alternative.legs
            for link in leg.links
            for place in network.links[link].ends()
        }
        assert SOST in passed
        events = [
            e for e in alternative.events if e.place == KHUNJERAB and e.kind == "border_crossing"
        ]
        assert len(events) == 1
        assert events[0].hours == pytest.approx(row.clearance_h.typ)
        assert events[0].cost_usd >= row.cost_usd.typ  # at least one truck


# --- Uzbekistan – Daut-Ata/Tazhen – Beineu – Aktau -----------------------------------------


def test_tazhen_is_a_kazakh_uzbek_road_crossing_open_every_day() -> None:
    network = load_network()
    place = network.places[TAZHEN]
    assert place.kind == PlaceKind.BORDER_CROSSING
    row = network.border_crossings[(TAZHEN, Mode.ROAD)]
    assert set(row.countries) == {"KZ", "UZ"}
    assert row.status == Status.OPERATING
    assert len(row.open_days) == 7
    assert row.clearance_h.min <= row.clearance_h.typ <= row.clearance_h.max
    assert row.cost_usd.min <= row.cost_usd.typ <= row.cost_usd.max
    countries = {network.places[p].country for p in road_neighbours(network, TAZHEN)}
    assert countries == {"KZ", "UZ"}


def test_road_from_tashkent_to_aktau_via_tazhen_and_beineu() -> None:
    network = load_network()
    # avoid the older way in through Turkmenistan so the path must use the new road
    path = road_path(network, "uz-tashkent", "kz-aktau-port", avoid=frozenset({"bcp-temirbaba"}))
    assert path is not None
    assert TAZHEN in path and "kz-beineu" in path
    assert path.index(TAZHEN) < path.index("kz-beineu")


@pytest.mark.parametrize("link_id", NEW_ROAD_LINKS)
def test_new_road_links_follow_the_country_conventions(link_id: str) -> None:
    network = load_network()
    link = network.links[link_id]
    assert link.mode == Mode.ROAD and link.status == Status.OPERATING
    # the country the road runs in: a border crossing point takes the country of the other end
    ends = [network.places[p] for p in link.ends()]
    inland = [p for p in ends if p.kind != PlaceKind.BORDER_CROSSING]
    country = inland[0].country.lower()
    assert link.tariff_profile == f"road-{country}"
    assert link.speed_profile == f"speed-road-{country}"
    assert link.sourcing.sources, link_id
    assert all(s in network.sources for s in link.sourcing.sources)
    if link.sourcing.is_estimate:
        span = link.distance_km_range
        assert span.min < link.distance_km < span.max


def test_tashkent_aktau_plan_can_use_the_new_road() -> None:
    result = plan(
        origin="Tashkent",
        destination="Aktau",
        commodity="wheat",
        tonnes=100,
        date="2027-03-01",
        draws=0,
        max_alternatives=10,
    )
    via = [a for a in result.alternatives if TAZHEN in a.border_crossings]
    assert via
    assert via[0].corridor_id == "cor-uz-kz-beineu"
    travelled = {link for leg in via[0].legs for link in leg.links}
    assert {"road-kungrad-tazhen", "road-beineu-tazhen", "road-beineu-aktau"} <= travelled
