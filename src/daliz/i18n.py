"""Languages: gettext catalogs (en, kk, ru, ur) and Babel formatting of numbers, money and dates.

The language is chosen by, in order: `use_language()` (the CLI's `--lang`, the API's
Accept-Language), the `DALIZ_LANG` environment variable, the system locale, English.
Catalogs live in `daliz/locale/<lang>/LC_MESSAGES/daliz.po` and are compiled to `.mo` on first
use when the compiled file is missing or older (so a source checkout works without a build step).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gettext
import locale
import os
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources
from pathlib import Path

from babel import Locale, numbers
from babel import dates as babel_dates

LANGUAGES: tuple[str, ...] = ("en", "kk", "ru", "ur")
LANGUAGE_NAMES = {"en": "English", "kk": "Қазақша", "ru": "Русский", "ur": "اردو"}
RTL_LANGUAGES = frozenset({"ur"})
DOMAIN = "daliz"

_current: ContextVar[str | None] = ContextVar("daliz_language", default=None)


def locale_dir() -> Path:
    """Directory holding the gettext catalogs."""
    return Path(str(resources.files("daliz") / "locale"))


def normalise_language(tag: str | None) -> str | None:
    """'kk_KZ.UTF-8', 'ru-RU', 'UR' → 'kk', 'ru', 'ur'; None when not one of ours."""
    if not tag:
        return None
    code = tag.replace("-", "_").split(".")[0].split("_")[0].strip().lower()
    return code if code in LANGUAGES else None


def _system_language() -> str | None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        found = normalise_language(os.environ.get(var))
        if found:
            return found
    with contextlib.suppress(ValueError):
        return normalise_language(locale.getlocale()[0])
    return None


def current_language() -> str:
    """The language in force for this context."""
    return (
        _current.get()
        or normalise_language(os.environ.get("DALIZ_LANG"))
        or _system_language()
        or "en"
    )


def set_language(lang: str | None) -> None:
    """Set the language for this context (None: back to environment and system)."""
    if lang is not None and normalise_language(lang) is None:
        from daliz.errors import DalizError

        raise DalizError(
            f"Unknown language {lang!r}.", hint=f"Use one of: {', '.join(LANGUAGES)}."
        )
    _current.set(normalise_language(lang))


@contextlib.contextmanager
def use_language(lang: str | None) -> Iterator[None]:
    """Temporarily use `lang` (e.g. for one API request)."""
    token = _current.set(normalise_language(lang))
    try:
        yield
    finally:
        _current.reset(token)


def best_match(accept_language: str | None) -> str:
    """The best of our languages for an HTTP Accept-Language header (default English)."""
    if not accept_language:
        return "en"
    choices: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        piece = part.strip().split(";")
        lang = normalise_language(piece[0])
        quality = 1.0
        for param in piece[1:]:
            if param.strip().startswith("q="):
                with contextlib.suppress(ValueError):
                    quality = float(param.strip()[2:])
        if lang:
            choices.append((quality, lang))
    return max(choices)[1] if choices else "en"


def _compile_if_needed(lang: str) -> Path | None:
    folder = locale_dir() / lang / "LC_MESSAGES"
    po = folder / f"{DOMAIN}.po"
    mo = folder / f"{DOMAIN}.mo"
    if not po.is_file():
        return None
    if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        try:
            with mo.open("wb") as out:
                write_mo(out, catalog)
        except OSError:
            return None  # read-only install: fall through to whatever .mo exists
    return mo


@lru_cache(maxsize=8)
def _translations(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    mo = _compile_if_needed(lang)
    if mo is None or not mo.is_file():
        return gettext.NullTranslations()
    with mo.open("rb") as fh:
        return gettext.GNUTranslations(fh)


def gettext_(message: str) -> str:
    """Translate `message` into the current language."""
    return _translations(current_language()).gettext(message)


def ngettext_(singular: str, plural: str, n: int) -> str:
    """Translate with the current language's plural rules."""
    return _translations(current_language()).ngettext(singular, plural, n)


_ = gettext_


def is_rtl(lang: str | None = None) -> bool:
    """Whether a language is written right to left."""
    return (lang or current_language()) in RTL_LANGUAGES


def _babel_locale(lang: str | None) -> Locale:
    return Locale.parse(lang or current_language())


def format_number(value: float, *, digits: int = 0, lang: str | None = None) -> str:
    """A number with the locale's grouping and decimal signs."""
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(value, format=fmt, locale=_babel_locale(lang))


def format_money(value: float, currency: str = "USD", *, lang: str | None = None) -> str:
    """An amount of money, rounded to whole units, in the locale's style."""
    return numbers.format_currency(
        round(value), currency, format="¤#,##0", locale=_babel_locale(lang), currency_digits=False
    )


def format_percent(value: float, *, lang: str | None = None) -> str:
    """A share (0.25 → 25 %) in the locale's style."""
    return numbers.format_percent(value, locale=_babel_locale(lang))


def format_date(value: dt.date, *, lang: str | None = None) -> str:
    """A date in the locale's medium format."""
    return babel_dates.format_date(value, format="medium", locale=_babel_locale(lang))
