"""Naming the corridor a route follows, from the dataset's corridor table or its countries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from daliz.i18n import name_in
from daliz.network.countries import country_name
from daliz.network.model import Mode, Network
from daliz.planning.labels import mode_label

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
    network: Network, steps: Sequence[tuple[str, Mode | None]]
) -> tuple[str | None, str]:
    """(corridor id, name in the current language) of a route given as (place, mode used to
    reach it) steps.

    The first row of `corridors.csv` names the route when the route passes all its `via` places,
    uses all its `modes`, and between its first and last `via` place uses no other mode (so a
    road route through Kabul and Peshawar is not taken for the planned railway). Otherwise a name
    is built from the countries and modes, e.g. "Kazakhstan–Uzbekistan–Afghanistan (road + rail)".
    """
    places = [place for place, _ in steps]
    modes = {mode for _, mode in steps if mode is not None}
    position = {place: index for index, place in enumerate(places)}
    for corridor in network.corridors:
        if not all(v in position for v in corridor.via) or not corridor.modes <= modes:
            continue
        if corridor.modes and len(corridor.via) > 1:
            first = min(position[v] for v in corridor.via)
            last = max(position[v] for v in corridor.via)
            between = {mode for _, mode in steps[first + 1 : last + 1] if mode is not None}
            if not between <= corridor.modes:
                continue
        return corridor.id, name_in(corridor.names, corridor.id)
    names = "–".join(country_name(c) for c in countries_along(network, places))
    used = " + ".join(mode_label(m.value) for m in MODE_ORDER if m in modes)
    return None, f"{names} ({used})"
