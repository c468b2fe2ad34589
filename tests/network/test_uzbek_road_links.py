"""The A380/M39 roads of southern and western Uzbekistan in the bundled dataset: Termez – Guzar
– Bukhara – Nukus, so trucks from Afghanistan reach Karakalpakstan and Kazakhstan's Caspian coast
without the detour through Tashkent."""

from __future__ import annotations

import heapq

import pytest

from daliz.network import Mode, Status, load_network
from daliz.network.model import Network
from daliz.planning import plan

TASHKENT = "uz-tashkent"
NEW_PLACES = ("uz-guzar", "uz-bukhara")
NEW_LINKS = {
    "road-termez-guzar": {"uz-termez", "uz-guzar"},
    "road-guzar-bukhara": {"uz-guzar", "uz-bukhara"},
    "road-bukhara-nukus": {"uz-bukhara", "uz-nukus"},
}


def shortest_road_km(
    network: Network, start: str, goal: str, avoid: frozenset[str] = frozenset()
) -> tuple[float, list[str]] | None:
    """Length (km, typical) and places of the shortest operating road path, skipping `avoid`."""
    adjacent: dict[str, list[tuple[str, float]]] = {}
    for link in network.links.values():
        if link.mode != Mode.ROAD or link.status != Status.OPERATING:
            continue
        adjacent.setdefault(link.from_place, []).append((link.to_place, link.distance_km))
        if link.bidirectional:
            adjacent.setdefault(link.to_place, []).append((link.from_place, link.distance_km))
    queue: list[tuple[float, str, list[str]]] = [(0.0, start, [start])]
    done: set[str] = set()
    while queue:
        km, here, path = heapq.heappop(queue)
        if here == goal:
            return km, path
        if here in done:
            continue
        done.add(here)
        for there, step_km in adjacent.get(here, []):
            if there not in done and there not in avoid:
                heapq.heappush(queue, (km + step_km, there, [*path, there]))
    return None


@pytest.mark.parametrize("place_id", NEW_PLACES)
def test_new_places_are_sourced_uzbek_cities(place_id: str) -> None:
    network = load_network()
    place = network.places[place_id]
    assert place.country == "UZ"
    assert place.sourcing.sources
    assert all(s in network.sources for s in place.sourcing.sources)


@pytest.mark.parametrize("link_id", sorted(NEW_LINKS))
def test_new_links_are_uzbek_roads_with_sourced_or_estimated_distances(link_id: str) -> None:
    network = load_network()
    link = network.links[link_id]
    assert set(link.ends()) == NEW_LINKS[link_id]
    assert link.mode == Mode.ROAD and link.status == Status.OPERATING and link.bidirectional
    # same speed and tariff conventions as the other Uzbek road links
    assert link.speed_profile == network.links["road-tashkent-termez"].speed_profile
    assert link.tariff_profile == network.links["road-tashkent-termez"].tariff_profile
    assert link.sourcing.sources, link_id
    assert all(s in network.sources for s in link.sourcing.sources)
    span = link.distance_km_range
    if link.sourcing.is_estimate:
        assert span.min < link.distance_km < span.max
    else:
        assert span.min <= link.distance_km <= span.max
    assert link.distance_km > 0


def test_termez_reaches_bukhara_and_nukus_by_road_without_tashkent() -> None:
    network = load_network()
    direct = shortest_road_km(network, "uz-termez", "uz-nukus", avoid=frozenset({TASHKENT}))
    assert direct is not None
    direct_km, path = direct
    assert "uz-bukhara" in path
    # the southern road must beat the old way round through Tashkent
    via_tashkent_km = (
        network.links["road-tashkent-termez"].distance_km
        + network.links["road-tashkent-nukus"].distance_km
    )
    assert direct_km < via_tashkent_km
    best = shortest_road_km(network, "uz-termez", "uz-nukus")
    assert best is not None and TASHKENT not in best[1]


def test_planner_drives_termez_to_bukhara_on_the_new_road() -> None:
    network = load_network()
    result = plan(
        origin="Termez",
        destination="Bukhara",
        commodity="textiles",
        tonnes=20,
        date="2027-03-01",
        avoid_modes=["rail"],
        draws=0,
    )
    assert result.alternatives
    best = result.alternatives[0]
    travelled = [link for leg in best.legs for link in leg.links]
    assert {"road-termez-guzar", "road-guzar-bukhara"} <= set(travelled)
    passed = {place for link in travelled for place in network.links[link].ends()}
    assert TASHKENT not in passed
