"""Finding places by id, name or alias in English, Kazakh, Russian or Urdu, with suggestions."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass

from daliz.errors import RequestError
from daliz.i18n import _, current_language
from daliz.network.model import Network, Place

# Kazakh letters outside Russian's alphabet fold to their nearest Russian letter, and Cyrillic
# ё to е, so "Қостанай", "Костанай" and "Kostanay" aliases match however a user types them.
_FOLD = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ё": "е",
        "й": "и",
        "ъ": "",
        "ь": "",
        "-": " ",
        "_": " ",
        "'": "",
        "’": "",
        "ʼ": "",
        ".": "",
        ",": " ",
    }
)


def normalise(text: str) -> str:
    """Case-, diacritic- and punctuation-insensitive form of a name for matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # NFKD splits й into и + breve and ё into е + diaeresis; recompose what _FOLD expects.
    folded = unicodedata.normalize("NFC", stripped).translate(_FOLD)
    return " ".join(folded.split())


@dataclass(frozen=True)
class PlaceMatch:
    """A place found by a query, with the name that matched and how well."""

    place: Place
    matched: str
    score: float  # 1.0 exact, lower for prefix and fuzzy matches


def _index(network: Network) -> dict[str, list[tuple[str, Place]]]:
    """Normalised name → (name as written, place), built once per network."""
    cached = network.derived.get("name_index")
    if isinstance(cached, dict):
        return cached
    index: dict[str, list[tuple[str, Place]]] = {}
    for place in network.places.values():
        names = {place.id, *place.names.values(), *place.aliases}
        if place.unlocode:
            names.add(place.unlocode)
        for name in names:
            index.setdefault(normalise(name), []).append((name, place))
    network.derived["name_index"] = index
    return index


# Cities and ports before border posts and stations when scores tie.
_KIND_RANK = {"city": 0, "sea_port": 1, "dry_port": 2, "terminal": 3, "rail_station": 4}


def find_places(network: Network, query: str, *, limit: int = 10) -> list[PlaceMatch]:
    """Places whose id, name (en/kk/ru/ur), alias or UN/LOCODE match `query`, best first.

    Exact matches come first, then names that start with the query, then fuzzy matches.
    """
    key = normalise(query)
    if not key:
        return []
    index = _index(network)
    found: dict[str, PlaceMatch] = {}

    def add(name: str, place: Place, score: float) -> None:
        best = found.get(place.id)
        if best is None or score > best.score:
            found[place.id] = PlaceMatch(place, name, score)

    for name, place in index.get(key, []):
        add(name, place, 1.0)
    if found and limit <= len(found):
        return sorted(found.values(), key=lambda m: m.place.id)[:limit]
    for norm, entries in index.items():
        if norm != key and (norm.startswith(key) or f" {key}" in f" {norm}"):
            for name, place in entries:
                add(name, place, 0.9 if norm.startswith(key) else 0.8)
    for norm in difflib.get_close_matches(key, list(index), n=limit, cutoff=0.72):
        ratio = difflib.SequenceMatcher(None, key, norm).ratio()
        for name, place in index[norm]:
            add(name, place, 0.7 * ratio)
    ordered = sorted(
        found.values(),
        key=lambda m: (-m.score, _KIND_RANK.get(m.place.kind.value, 9), m.place.id),
    )
    return ordered[:limit]


def resolve_place(network: Network, query: str) -> Place:
    """The one place a query names; RequestError with suggestions when unknown.

    An exact match on several places (e.g. a city and its station share a name) prefers the
    city, then the sea port.
    """
    named = _index(network).get(normalise(query), [])
    if named:  # exact matches: no need for the fuzzy search
        return min(
            (place for _name, place in named),
            key=lambda place: (_KIND_RANK.get(place.kind.value, 9), place.id),
        )
    matches = find_places(network, query, limit=8)
    exact = [m for m in matches if m.score == 1.0]
    if exact:
        return exact[0].place
    lang = current_language()
    suggestions = [f"{m.place.name_in(lang)} ({m.place.id})" for m in matches[:5]]
    raise RequestError(
        _("Unknown place {query!r}.").format(query=query),
        hint=_(
            "Use a place id, a name in English, Kazakh, Russian or Urdu, or 'lat,lon'. "
            "`daliz places QUERY` searches."
        ),
        suggestions=suggestions,
    )
