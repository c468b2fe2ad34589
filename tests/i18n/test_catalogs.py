"""The catalogs cover every message the code uses and every text of the bundled dataset.

The code's messages are extracted with Babel into a temporary .pot (as scripts/i18n.sh does)
and compared, msgid by msgid, with each language's .po: nothing missing, nothing fuzzy or
empty, and every translation keeps the {named} fields its message is formatted with.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from daliz import i18n_tools
from daliz.i18n import DATA_DOMAIN, DOMAIN, locale_dir
from daliz.i18n_tools import check_catalog, placeholders, write_templates

TRANSLATED = ("kk", "ru", "ur")


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Catalog]:
    out = tmp_path_factory.mktemp("pot")
    paths = write_templates(out)
    loaded = {}
    for path in paths:
        with path.open("rb") as fh:
            loaded[path.stem] = read_po(fh)
    return loaded


def _ids(catalog: Catalog) -> set[object]:
    return {m.id for m in catalog if m.id}


def _po(lang: str, domain: str) -> Catalog:
    path = locale_dir() / lang / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=domain)


def _short(ids: set[object]) -> list[str]:
    return sorted(str(i)[:90] for i in ids)[:40]


def test_templates_hold_the_messages_we_know(templates: dict[str, Catalog]) -> None:
    code = _ids(templates[DOMAIN])
    assert len(code) > 500
    # one message from each layer: errors, CLI, planner, rules, reports, the toolkit's texts
    for msgid in (
        "Did you mean: {suggestions}?",
        "Alternatives",
        "No route from {origin} to {destination} under the constraints.",
        "rail waybill (SMGS)",
        "Sources of the numbers",
        "Usage:",
    ):
        assert msgid in code
    assert "TIR carnet" in _ids(templates[DATA_DOMAIN])


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("domain", [DOMAIN, DATA_DOMAIN])
def test_catalog_has_every_message(templates: dict[str, Catalog], lang: str, domain: str) -> None:
    wanted = _ids(templates[domain])
    present = _ids(_po(lang, domain))
    missing = wanted - present
    assert not missing, (
        f"{lang}/{domain}.po misses {len(missing)} message(s) the code or the bundled dataset "
        f"uses; run scripts/i18n.sh and translate them: {_short(missing)}"
    )


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("domain", [DOMAIN, DATA_DOMAIN])
def test_no_fuzzy_empty_or_broken_translation(
    templates: dict[str, Catalog], lang: str, domain: str
) -> None:
    problems = check_catalog(templates[domain], lang, domain)
    assert not problems, "\n".join(str(p) for p in problems[:40])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_plural_forms_follow_cldr(lang: str) -> None:
    catalog = _po(lang, DOMAIN)
    assert catalog.num_plurals == Catalog(locale=lang).num_plurals
    plurals = [m for m in catalog if m.id and isinstance(m.id, tuple)]
    assert plurals
    for message in plurals:
        assert len(message.string) == catalog.num_plurals
        assert all(message.string)


def test_check_catalog_reports_a_missing_and_a_broken_translation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The checker itself must fail on what it is meant to catch.
    template = Catalog(domain=DOMAIN)
    template.add("Hello {name}")
    template.add("Only in the template")
    assert placeholders("Hello {name!r}, {count:,} and {{literal}}") == {"name", "count"}

    broken = Catalog(locale="ru", domain=DOMAIN)
    broken.add("Hello {name}", "Привет {имя}")
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / f"{DOMAIN}.po").open("wb") as fh:
        write_po(fh, broken)
    monkeypatch.setattr(i18n_tools, "locale_dir", lambda: tmp_path)
    problems = {p.problem.split(" ")[0] for p in check_catalog(template, "ru", DOMAIN)}
    assert problems == {"missing", "placeholders"}
