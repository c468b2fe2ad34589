"""Finding commodities by id, name or alias in four languages, and by HS code."""

from __future__ import annotations

import pytest

from daliz.errors import RequestError
from daliz.rules import RuleBook


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("wheat", "wheat"),
        ("WHEAT", "wheat"),
        ("Бидай", "wheat"),  # Kazakh
        ("пшеница", "wheat"),  # Russian
        ("گندم", "wheat"),  # Urdu
        ("Қарақұмық", "buckwheat"),
        ("каракумык", "buckwheat"),  # Kazakh letters typed as Russian ones
        ("гречка", "buckwheat"),  # alias
        ("Овес", "oats"),  # ё typed as е
        ("kinnow", "citrus-kinnow"),
        ("کینو", "citrus-kinnow"),
        ("лекарства", "medicines"),
        ("ادویات", "medicines"),
        ("лук репчатый", "onion"),
    ],
)
def test_names_in_four_languages(book: RuleBook, query: str, expected: str) -> None:
    assert book.find_commodity(query).id == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("1001", "wheat"),
        ("100199", "wheat"),  # longest prefix: 1001
        ("1001.99", "wheat"),
        ("HS 0805.21", "citrus-kinnow"),
        ("070310", "onion"),
        ("070320", "garlic"),
        ("070390", "vegetables-other"),  # 0703 other than onion/garlic
        ("100810", "buckwheat"),
        ("100829", "millet"),
        ("1008", "cereals-other"),
        ("720851", "flat-rolled-steel"),
        ("7304", "ferrous-metal-products"),
        ("300490", "medicines"),
    ],
)
def test_hs_codes_use_the_longest_matching_prefix(
    book: RuleBook, query: str, expected: str
) -> None:
    assert book.find_commodity(query).id == expected


def test_hs_code_outside_the_catalogue_gives_a_generic_commodity(book: RuleBook) -> None:
    fish = book.find_commodity("0302")
    assert fish.generic and fish.id == "hs-0302" and fish.cargo_type == "reefer"
    assert fish.names.ru.startswith("ТН ВЭД 0302")
    fuel = book.find_commodity("2710")
    assert fuel.cargo_type == "dangerous" and fuel.dg_class == "3"
    assert book.find_commodity("8471").cargo_type == "container"


def test_invalid_chapter_is_an_error(book: RuleBook) -> None:
    with pytest.raises(RequestError):
        book.find_commodity("7700")


def test_unknown_name_suggests_close_matches(book: RuleBook) -> None:
    with pytest.raises(RequestError) as info:
        book.find_commodity("wheet")
    assert "wheat" in info.value.suggestions
    assert "Did you mean" in str(info.value)
