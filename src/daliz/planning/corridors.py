"""Naming the corridor a route follows, from the dataset's corridor table or its countries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from daliz.network.countries import country_name
from daliz.network.model import Mode, Network

MODE_ORDER = (Mode.ROAD, Mode.RAIL, Mode.FERRY, Mode.SEA)


def countries_along(network: Network, places: Iterable[str]) -> list[str]:
    """Country codes in the order a route passes them (consecutive repeats merged)."""
    out: list[str] = []
    for place_id in places:
        code = network.places[place_id].country
        if not out or out[-1] != code:
            out.append(code)
    return out


def corridor_of(
    network: Network, places: Sequence[str], modes: set[Mode]
) -> tuple[str | None, str]:
    """(corridor id, English name) of a route through `places` using `modes`.

    The first row of `corridors.csv` whose `via` places are all passed and whose `modes` are all
    used names the route; otherwise a name is built from its countries and modes, e.g.
    "Kazakhstan–Uzbekistan–Afghanistan–Pakistan (road + rail)".
    """
    passed = set(places)
    for corridor in network.corridors:
        if set(corridor.via) <= passed and corridor.modes <= modes:
            return corridor.id, corridor.name
    names = "–".join(country_name(c) for c in countries_along(network, places))
    used = " + ".join(m.value for m in MODE_ORDER if m in modes)
    return None, f"{names} ({used})"
