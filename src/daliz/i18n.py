"""Languages: gettext catalogs (en, kk, ru, ur) and Babel formatting of numbers, money and dates.

The language is chosen by, in order: `use_language()` (the CLI's `--lang`, the API's
Accept-Language), the `DALIZ_LANG` environment variable, the system locale, English.
Catalogs live in `daliz/locale/<lang>/LC_MESSAGES/<domain>.po` and are compiled to `.mo` on first
use when the compiled file is missing or older (so a source checkout works without a build step).

Two domains: `daliz` holds the messages of the code (extracted from the sources by Babel);
`daliz_data` holds the English texts of the bundled datasets that have no per-language column
(document names, issuing bodies, advisories), translated through `data_text()`.
Messages are translated when they are made (a raised error carries the text of the language in
force at raise time), so wrap work in `use_language()` rather than translating afterwards.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gettext
import locale
import os
import re
from collections.abc import Iterator, Mapping
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
DATA_DOMAIN = "daliz_data"
DOMAINS: tuple[str, ...] = (DOMAIN, DATA_DOMAIN)

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
    chosen = _current.get()
    if chosen:
        return chosen
    # Called for every message: the environment is read once per distinct value, not parsed.
    env = os.environ
    return _environment_language(
        env.get("DALIZ_LANG"), env.get("LC_ALL"), env.get("LC_MESSAGES"), env.get("LANG")
    )


@lru_cache(maxsize=16)
def _environment_language(
    daliz_lang: str | None, lc_all: str | None, lc_messages: str | None, lang: str | None
) -> str:
    return normalise_language(daliz_lang) or _system_language() or "en"


def _unknown_language(lang: str) -> Exception:
    from daliz.errors import DalizError

    return DalizError(
        gettext_("Unknown language {lang!r}.").format(lang=lang),
        hint=gettext_("Use one of: {languages}.").format(languages=", ".join(LANGUAGES)),
    )


def check_language(lang: str) -> str:
    """Our code for a language tag ('kk_KZ' → 'kk'); DalizError naming the choices otherwise."""
    code = normalise_language(lang)
    if code is None:
        raise _unknown_language(lang)
    return code


def set_language(lang: str | None) -> None:
    """Set the language for this context (None: back to environment and system)."""
    if lang is not None and normalise_language(lang) is None:
        raise _unknown_language(lang)
    _current.set(normalise_language(lang))


@contextlib.contextmanager
def use_language(lang: str | None) -> Iterator[None]:
    """Temporarily use `lang` (e.g. for one API request); None or an unknown tag: environment
    and system."""
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


def _compile_if_needed(lang: str, domain: str = DOMAIN) -> Path | None:
    folder = locale_dir() / lang / "LC_MESSAGES"
    po = folder / f"{domain}.po"
    mo = folder / f"{domain}.mo"
    if not po.is_file():
        return None
    if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        try:
            with mo.open("wb") as out:
                write_mo(out, catalog)  # fuzzy entries are left out: they fall back to English
        except OSError:
            return None  # read-only install: fall through to whatever .mo exists
    return mo


@lru_cache(maxsize=16)
def _translations(lang: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    mo = _compile_if_needed(lang, domain)
    if mo is None or not mo.is_file():
        return gettext.NullTranslations()
    with mo.open("rb") as fh:
        return gettext.GNUTranslations(fh)


def reload_catalogs() -> None:
    """Forget loaded catalogs (after editing a .po file in a running process)."""
    _translations.cache_clear()


def gettext_(message: str) -> str:
    """Translate `message` into the current language."""
    return _translations(current_language()).gettext(message)


def ngettext_(singular: str, plural: str, n: int) -> str:
    """Translate with the current language's plural rules."""
    return _translations(current_language()).ngettext(singular, plural, n)


def pgettext_(context: str, message: str) -> str:
    """Translate a short word whose meaning depends on `context` (e.g. 'mode', 'road')."""
    return _translations(current_language()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now (translate later with `_`)."""
    return message


_ = gettext_


def data_text(text: str) -> str:
    """A dataset's English text (a document, an issuing body, an advisory) in the current
    language, from the `daliz_data` catalog; the English text when it has no translation."""
    if not text:
        return text
    return _translations(current_language(), DATA_DOMAIN).gettext(text)


def name_in(names: Mapping[str, str], fallback: str = "", lang: str | None = None) -> str:
    """The name for the current language from a {language: name} mapping, else English."""
    return names.get(lang or current_language()) or names.get("en") or fallback


def country_name(code: str, lang: str | None = None) -> str:
    """A country's short name (CLDR, via Babel) in the language, or the code when unknown."""
    try:
        return str(_babel_locale(lang).territories.get(code.upper(), code))
    except (ValueError, TypeError):
        return code


def is_rtl(lang: str | None = None) -> bool:
    """Whether a language is written right to left."""
    return (lang or current_language()) in RTL_LANGUAGES


def text_direction(lang: str | None = None) -> str:
    """'rtl' or 'ltr', for HTML `dir` attributes."""
    return "rtl" if is_rtl(lang) else "ltr"


def _babel_locale(lang: str | None) -> Locale:
    return _parsed_locale(lang or current_language())


@lru_cache(maxsize=8)
def _parsed_locale(lang: str) -> Locale:
    return Locale.parse(lang)


def format_number(value: float, *, digits: int = 0, lang: str | None = None) -> str:
    """A number with the locale's grouping and decimal signs."""
    return _formatted_number(value, digits, lang or current_language())


@lru_cache(maxsize=4096)
def _formatted_number(value: float, digits: int, lang: str) -> str:
    # Plans format the same tariffs and fees over and over: babel is slow, so remember.
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(value, format=fmt, locale=_parsed_locale(lang))


def format_money(value: float, currency: str = "USD", *, lang: str | None = None) -> str:
    """An amount of money, rounded to whole units, in the locale's style ($89,607; 89 607 $)."""
    loc = _babel_locale(lang)
    pattern = re.sub(r"\.[0#]+", "", loc.currency_formats["standard"].pattern)
    return numbers.format_currency(
        round(value), currency, format=pattern, locale=loc, currency_digits=False
    )


def format_percent(value: float, *, lang: str | None = None) -> str:
    """A share (0.25 → 25 %) in the locale's style."""
    return numbers.format_percent(value, locale=_babel_locale(lang))


def format_date(value: dt.date, *, lang: str | None = None) -> str:
    """A date in the locale's medium format."""
    return babel_dates.format_date(value, format="medium", locale=_babel_locale(lang))


def format_datetime(value: dt.datetime, *, lang: str | None = None) -> str:
    """A date and time in the locale's medium format."""
    return babel_dates.format_datetime(value, format="medium", locale=_babel_locale(lang))


def install_toolkit_gettext(lang: str | None = None) -> None:
    """Let Click and Typer's own texts ("Usage:", "Missing argument …") use our catalogs.

    They call the standard library's global `gettext.gettext`, which reads the process-wide
    text domain and the LANGUAGE variable; only the command-line entry point calls this.
    """
    lang = lang or current_language()
    for domain_lang in LANGUAGES:
        if domain_lang != "en":
            _compile_if_needed(domain_lang)
    gettext.bindtextdomain(DOMAIN, str(locale_dir()))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = lang
