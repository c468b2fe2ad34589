"""Catalog tooling: extract the messages of the code and the texts of the bundled dataset, and
check every catalog against them (used by `scripts/i18n.sh` and by the tests).

Two templates:
- `daliz.pot`: every `_()`, `N_()`, `gettext_()`, `ngettext_()` message of the package's code;
- `daliz_data.pot`: the English texts of the bundled default dataset that have no column per
  language — document names, issuing bodies and reasons (requirements.csv), advisories
  (agreements.yaml), closure notes (closures.csv), and the statistical basis of the trade
  monitor's published figures (data/trade/published_figures.csv).

Run `python -m daliz.i18n_tools extract DIR` to write both templates into DIR, and
`python -m daliz.i18n_tools check` to list what any catalog misses.
"""

from __future__ import annotations

import csv
import re
import sys
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from daliz.i18n import DATA_DOMAIN, DOMAIN, LANGUAGES, locale_dir

# The functions that mark messages, with the positions of their message arguments.
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "N_": None,
    "gettext_": None,
    "ngettext_": (1, 2),
    "pgettext_": ((1, "c"), 2),  # type: ignore[dict-item]
}
PACKAGE_DIR = Path(__file__).parent
DATASET_DIR = PACKAGE_DIR / "data" / "default"
TRADE_DATA_DIR = PACKAGE_DIR / "data" / "trade"
_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


def code_catalog(package_dir: Path = PACKAGE_DIR) -> Catalog:
    """The messages of the code (extracted by Babel from every .py file of the package)."""
    catalog = Catalog(project="daliz", domain=DOMAIN)
    for path in sorted(package_dir.rglob("*.py")):
        relative = path.relative_to(package_dir).as_posix()
        try:
            found = extract_from_file(
                "python",
                str(path),
                keywords=KEYWORDS,
                comment_tags=("TRANSLATORS:",),
                strip_comment_tags=True,
            )
        except (SyntaxError, tokenize.TokenError) as exc:
            raise RuntimeError(f"cannot extract messages from {relative}: {exc}") from exc
        for lineno, message, comments, context in found:
            catalog.add(
                message, None, [(relative, lineno)], auto_comments=comments, context=context
            )
    return catalog


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=1):
            yield number, {k: (v or "").strip() for k, v in row.items() if k}


def dataset_texts(directory: Path = DATASET_DIR) -> list[tuple[str, str]]:
    """(text, where) of every dataset text shown to users that has no column per language."""
    found: list[tuple[str, str]] = []
    for number, row in _rows(directory / "requirements.csv"):
        for column in ("document", "issued_by", "reason"):
            if row.get(column):
                found.append((row[column], f"requirements.csv:{number}:{column}"))
    for number, row in _rows(directory / "closures.csv"):
        if row.get("note"):
            found.append((row["note"], f"closures.csv:{number}:note"))
    if directory == DATASET_DIR:  # the trade monitor's bundled figures: their statistical basis
        seen: set[str] = set()
        for number, row in _rows(TRADE_DATA_DIR / "published_figures.csv"):
            basis = row.get("basis", "")
            if basis and basis not in seen:
                seen.add(basis)
                found.append((basis, f"trade/published_figures.csv:{number}:basis"))
    agreements = directory / "agreements.yaml"
    if agreements.is_file():
        data = yaml.safe_load(agreements.read_text(encoding="utf-8")) or {}
        for number, advisory in enumerate(data.get("advisories") or [], start=1):
            message = str(advisory.get("message") or "").strip()
            if message:
                found.append((message, f"agreements.yaml:advisories[{number}]"))
    return found


def data_catalog(directory: Path = DATASET_DIR) -> Catalog:
    """The template of the dataset texts."""
    catalog = Catalog(project="daliz", domain=DATA_DOMAIN)
    for text, where in dataset_texts(directory):
        catalog.add(text, None, [(where, 0)])
    return catalog


def templates() -> dict[str, Catalog]:
    """Both templates, by domain."""
    return {DOMAIN: code_catalog(), DATA_DOMAIN: data_catalog()}


def write_templates(out_dir: Path) -> list[Path]:
    """Write `daliz.pot` and `daliz_data.pot` into `out_dir`; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for domain, catalog in templates().items():
        path = out_dir / f"{domain}.pot"
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=False)
        written.append(path)
    return written


def placeholders(text: str) -> set[str]:
    """Names of the `{named}` fields of a str.format template ('{count}' → {'count'})."""
    return {m.group(1) for m in _PLACEHOLDER.finditer(text)}


@dataclass(frozen=True)
class CatalogProblem:
    """Something a catalog lacks or gets wrong for one message."""

    language: str
    domain: str
    msgid: str
    problem: str

    def __str__(self) -> str:
        short = self.msgid if len(self.msgid) <= 70 else self.msgid[:67] + "…"
        return f"{self.language}/{self.domain}.po: {self.problem}: {short!r}"


def _msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def read_catalog(lang: str, domain: str) -> Catalog | None:
    """The .po catalog of a language and domain, or None when the file is missing."""
    path = locale_dir() / lang / "LC_MESSAGES" / f"{domain}.po"
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=domain)


def check_catalog(template: Catalog, lang: str, domain: str) -> list[CatalogProblem]:
    """What the catalog of `lang` misses or gets wrong against `template`."""
    catalog = read_catalog(lang, domain)
    if catalog is None:
        return [CatalogProblem(lang, domain, "", "catalog file is missing")]
    problems = []
    for message in template:
        if not message.id:
            continue
        msgid = _msgid(message)
        found = catalog.get(message.id, context=message.context)
        if found is None:
            problems.append(CatalogProblem(lang, domain, msgid, "missing"))
            continue
        if found.fuzzy:
            problems.append(CatalogProblem(lang, domain, msgid, "fuzzy"))
        strings = found.string if isinstance(found.string, tuple | list) else (found.string,)
        if not all(strings):
            problems.append(CatalogProblem(lang, domain, msgid, "empty translation"))
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        wanted: set[str] = set().union(*(placeholders(i or "") for i in ids))
        for string in strings:
            got = placeholders(string or "")
            # A plural form may leave out {count} (e.g. Russian "one" for 21); never add names.
            if not got <= wanted or (len(strings) == 1 and got != wanted):
                problems.append(
                    CatalogProblem(
                        lang,
                        domain,
                        msgid,
                        f"placeholders {sorted(got)} differ from {sorted(wanted)}",
                    )
                )
                break
    return problems


def check_all() -> list[CatalogProblem]:
    """Problems of every catalog (kk, ru, ur; both domains) against fresh templates."""
    problems: list[CatalogProblem] = []
    for domain, template in templates().items():
        for lang in LANGUAGES:
            if lang != "en":
                problems += check_catalog(template, lang, domain)
    return problems


def main(argv: list[str]) -> int:
    """`extract DIR` writes the templates; `check` prints catalog problems (exit 1 on any)."""
    if len(argv) == 2 and argv[0] == "extract":
        for path in write_templates(Path(argv[1])):
            print(path)
        return 0
    if argv == ["check"]:
        problems = check_all()
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s)")
        return 1 if problems else 0
    print("usage: python -m daliz.i18n_tools extract DIR | check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
