"""Choosing the language (use_language > DALIZ_LANG > system locale > English), Babel formats,
and messages translated when they are made."""

from __future__ import annotations

import datetime as dt

import pytest

from daliz.errors import DalizError, DatasetError, Problem, RequestError
from daliz.i18n import (
    _,
    best_match,
    check_language,
    country_name,
    current_language,
    data_text,
    format_date,
    format_money,
    format_number,
    is_rtl,
    ngettext_,
    set_language,
    use_language,
)


def test_precedence_chosen_then_environment_then_system(monkeypatch: pytest.MonkeyPatch) -> None:
    assert current_language() == "en"
    monkeypatch.setenv("LANG", "ur_PK.UTF-8")
    assert current_language() == "ur"
    monkeypatch.setenv("DALIZ_LANG", "ru")
    assert current_language() == "ru"
    with use_language("kk"):
        assert current_language() == "kk"
    assert current_language() == "ru"
    set_language("kk")
    assert current_language() == "kk"
    set_language(None)
    assert current_language() == "ru"


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(DalizError) as info:
        set_language("fr")
    assert "fr" in info.value.message and "kk" in str(info.value.hint)
    assert check_language("kk_KZ.UTF-8") == "kk"
    with use_language("ru"), pytest.raises(DalizError) as info:
        check_language("xx")
    assert "Неизвестный язык" in info.value.message


def test_accept_language() -> None:
    assert best_match("fr-FR, ru;q=0.8, en;q=0.5") == "ru"
    assert best_match("ur-PK") == "ur"
    assert best_match("de") == "en"
    assert best_match(None) == "en"


def test_messages_and_plurals_in_each_language() -> None:
    expected = {"en": "Alternatives", "kk": "Нұсқалар", "ru": "Варианты", "ur": "متبادل"}
    for lang, text in expected.items():
        with use_language(lang):
            assert _("Alternatives") == text
    with use_language("ru"):
        forms = [
            ngettext_("{count} warning", "{count} warnings", n).format(count=n) for n in (1, 3, 7)
        ]
    assert forms == ["1 предупреждение", "3 предупреждения", "7 предупреждений"]


def test_babel_formats_follow_the_locale() -> None:
    assert format_number(1234567.5, digits=1, lang="en") == "1,234,567.5"
    assert format_number(1234567.5, digits=1, lang="ru") == "1\xa0234\xa0567,5"
    assert format_money(89606.85, lang="en") == "$89,607"
    assert format_money(89606.85, lang="kk").startswith("89\xa0607")
    assert format_date(dt.date(2027, 3, 1), lang="ru") == "1 мар. 2027\u202fг."
    assert country_name("KZ", "kk") == "Қазақстан" and country_name("PK", "ur") == "پاکستان"
    assert is_rtl("ur") and not is_rtl("kk")


def test_dataset_texts_through_the_data_catalog() -> None:
    with use_language("ru"):
        assert data_text("TIR carnet") == "Книжка МДП (TIR)"
        assert data_text("a text no catalog knows") == "a text no catalog knows"
    assert data_text("TIR carnet") == "TIR carnet"


def test_errors_are_translated_when_raised() -> None:
    with use_language("kk"):
        error = RequestError("x", suggestions=["Karachi Port (pk-karachi-port)"])
        dataset_error = DatasetError([Problem("places.csv", 3, "lat", "is required")])
    # the language in force when the error was made, not when it is shown
    assert "Мүмкін, мынаны айтқыңыз келді" in str(error.hint)
    assert "3-жол" in dataset_error.message and "'lat' өрісі" in dataset_error.message
    assert "Тексеру (деректер жинағы): 1 мәселе табылды:" in dataset_error.message
