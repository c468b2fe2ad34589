"""A small offline table of ISO 3166-1 alpha-2 codes the rules data may name (no network lookups).

It covers the corridor region and the parties of the conventions in the register; add a code here
(with its English name) when a dataset needs one more.
"""

from __future__ import annotations

COUNTRIES: dict[str, str] = {
    "AE": "United Arab Emirates",
    "AF": "Afghanistan",
    "AM": "Armenia",
    "AZ": "Azerbaijan",
    "BD": "Bangladesh",
    "BG": "Bulgaria",
    "BY": "Belarus",
    "CN": "China",
    "DE": "Germany",
    "EE": "Estonia",
    "EG": "Egypt",
    "FR": "France",
    "GB": "United Kingdom",
    "GE": "Georgia",
    "HU": "Hungary",
    "IN": "India",
    "IQ": "Iraq",
    "IR": "Iran",
    "KG": "Kyrgyzstan",
    "KP": "North Korea",
    "KR": "South Korea",
    "KW": "Kuwait",
    "KZ": "Kazakhstan",
    "LK": "Sri Lanka",
    "LT": "Lithuania",
    "LV": "Latvia",
    "MD": "Moldova",
    "MN": "Mongolia",
    "OM": "Oman",
    "PK": "Pakistan",
    "PL": "Poland",
    "QA": "Qatar",
    "RU": "Russia",
    "SA": "Saudi Arabia",
    "SK": "Slovakia",
    "TJ": "Tajikistan",
    "TM": "Turkmenistan",
    "TR": "Türkiye",
    "UA": "Ukraine",
    "US": "United States",
    "UZ": "Uzbekistan",
    "VN": "Viet Nam",
}


def is_country(code: str) -> bool:
    """True for a known ISO alpha-2 code (upper case)."""
    return code in COUNTRIES
