"""`daliz trade`, `daliz roads`, `daliz serve` and `daliz users` in Kazakh, Russian and Urdu:
help texts, tables and errors carry no English sentence (proper names and codes stay), and the
trade and road messages made by the library follow the language in force."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from daliz.cli import _register, app
from daliz.cli.translate import build_command
from daliz.errors import DalizError, RequestError
from daliz.i18n import use_language
from daliz.roads.model import BBox, check_lat_lon
from daliz.roads.source import OSM_ATTRIBUTION, USER_ATTRIBUTION, attribution_text
from daliz.trade import analytics, charts, mirror, store

HEADER = "year,month,reporter,partner,flow,hs_code,value_usd,net_weight_kg,source\n"


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DALIZ_LANG", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "DALIZ_TRADE_DB")
    }
    clean.update({"DALIZ_ROADS": "off", "COLUMNS": "200", **env})
    return subprocess.run(
        [sys.executable, "-m", "daliz", *args],
        capture_output=True,
        text=True,
        env=clean,
        check=False,
        timeout=120,
    )


def _monthly_csv(path: Path) -> Path:
    """Two years and two months of KZ–PK flows, monthly, national-statistics layout."""
    rows = [HEADER]
    for year, months in ((2023, range(1, 13)), (2024, range(1, 13)), (2025, range(1, 3))):
        for month in months:
            rows.append(f"{year},{month},KZ,PK,X,1001,{1_000_000 + month * 1000},3000,kz-bns\n")
            rows.append(f"{year},{month},KZ,PK,M,0805,{400_000 + year},900,kz-bns\n")
    path.write_text("".join(rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trade_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("trade")
    db = folder / "trade.duckdb"
    with store.connect(db) as con:
        store.import_file(con, _monthly_csv(folder / "kzpk.csv"))
    yield db


def _command(path: list[str]) -> Any:
    if not any(group.name == "trade" for group in app.registered_groups):
        _register()
    with use_language("en"):
        command = build_command(app)
    for name in path:
        command = command.commands[name]
    return command


def _english_help(path: list[str]) -> list[str]:
    """The English help texts (command and options) of a command and its subcommands."""
    texts: list[str] = []

    def walk(command: Any) -> None:
        if command.help:
            texts.append(command.help)
        for param in command.params:
            if getattr(param, "help", None) and param.name != "help":
                texts.append(param.help)
        for sub in (getattr(command, "commands", None) or {}).values():
            walk(sub)

    walk(_command(path))
    return texts


def _no_english(output: str, english: list[str]) -> None:
    # A text's first words are enough: rich may wrap the rest onto the next line.
    for text in english:
        head = " ".join(text.split()[:5])
        assert head not in output, f"English left in the output: {head!r}"


@pytest.mark.parametrize(
    ("lang", "path", "translated"),
    [
        ("ur", ["serve"], "JSON API اور نقشے کا صفحہ پیش کریں"),
        ("ru", ["users"], "Ключи API: добавление пользователей"),
        ("kk", ["trade"], "Сауда мониторы"),
        ("ur", ["trade", "summary"], "رپورٹ کرنے والا ملک"),
        ("kk", ["roads"], "Нақты жол (және теміржол) графы"),
        ("ur", ["roads", "route"], "دو نقاط کے درمیان سب سے چھوٹا سڑک کا راستہ"),
    ],
)
def test_help_has_no_english_sentence(lang: str, path: list[str], translated: str) -> None:
    english = _english_help(path)
    assert len(english) >= 3
    out = run("--lang", lang, *path, "--help")
    assert out.returncode == 0, out.stderr
    assert translated in out.stdout
    _no_english(out.stdout, english)
    # the English help really shows those texts, so the check above can fail
    english_out = run("--lang", "en", *path, "--help").stdout
    assert any(" ".join(t.split()[:5]) in english_out for t in english)


def test_trade_summary_in_kazakh_and_english(trade_db: Path) -> None:
    kk = run(
        "--lang", "kk", "trade", "summary", "-r", "KZ", "-p", "PK", DALIZ_TRADE_DB=str(trade_db)
    )
    assert kk.returncode == 0, kk.stderr
    assert "KAZ–PAK саудасы, млн USD (KAZ деректері бойынша)" in kk.stdout
    assert "тауар айналымы" in kk.stdout and "сальдо" in kk.stdout
    assert "2025 ж. қаң.–ақп." in kk.stdout and "жылдан жылға" in kk.stdout
    for english in ("trade, USD million", "reported by", "turnover", "balance", "y/y", "Jan"):
        assert english not in kk.stdout
    en = run("trade", "summary", "-r", "KZ", "-p", "PK", DALIZ_TRADE_DB=str(trade_db))
    assert "KAZ–PAK trade, USD million (as reported by KAZ)" in en.stdout
    assert "Jan–Feb 2025 (kz-bns, reported by KAZ)" in en.stdout


def test_trade_errors_and_import_problems_in_kazakh_and_urdu(tmp_path: Path) -> None:
    missing = run("--lang", "kk", "trade", "summary", "-r", "KZ", "--db", str(tmp_path / "no.db"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "қате:" in missing.stderr and "сауда дерекқоры жоқ" in missing.stderr
    assert "No trade database" not in missing.stderr and "Import data first" not in missing.stderr

    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "2024,1,KZ,XX,X,1001,100,1,kz-bns\n2024,2,KZ,PK,Q,1001,100,1,kz-bns\n"
        "2024,3,KZ,PK,X,1001,200,1,kz-bns\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "t.duckdb")
    kk = run("--lang", "kk", "trade", "import", str(bad), "--db", db)
    assert kk.returncode == 0, kk.stderr
    assert "белгісіз серіктес коды 'XX'" in kk.stdout and "1-жол" in kk.stdout
    assert "белгісіз сауда ағыны 'Q'" in kk.stdout
    assert "unknown" not in kk.stdout and "row " not in kk.stdout

    strict = run("--lang", "ur", "trade", "import", str(bad), "--db", db + "2", "--strict")
    assert strict.returncode == 2 and "Traceback" not in strict.stderr
    assert "خرابی:" in strict.stderr and "تجارتی فائل bad.csv" in strict.stderr
    assert "شراکت دار کا نامعلوم کوڈ 'XX'" in strict.stderr
    assert "nothing imported" not in strict.stderr and "unknown" not in strict.stderr


def test_roads_errors_in_urdu_and_kazakh() -> None:
    point = run("--lang", "ur", "roads", "route", "43.2,76.9", "abc")
    assert point.returncode == 2 and "Traceback" not in point.stderr
    assert "'abc'" in point.stderr and "منزل" in point.stderr
    assert "must be" not in point.stderr and "negative first number" not in point.stderr
    region = run("--lang", "kk", "roads", "route", "43.2,76.9", "41.3,69.2", "--region", "1,2,3")
    assert region.returncode == 2
    assert "'1,2,3' аймағында градуспен төрт сан" in region.stderr
    assert "Example" not in region.stderr and "must have" not in region.stderr


# ---- the library's texts follow the language in force ---------------------------------


def test_year_to_date_labels(trade_db: Path) -> None:
    with store.connect(trade_db, read_only=True) as con:
        with use_language("ru"):
            ru = analytics.ytd(con, "KZ", "PK")
            labels = (ru.period_label, ru.ratio_label, ru.growth_label)
        en = analytics.ytd(con, "KZ", "PK")
        english = (en.period_label, en.ratio_label, en.growth_label)
    assert labels[0] == "янв.–февр. 2025 г."
    assert labels[1].endswith("от янв.–февр. 2024 г.") and "," in labels[1]
    assert labels[2].endswith("г/г")
    assert english[0] == "Jan–Feb 2025" and english[1].endswith("% of Jan–Feb 2024")
    with use_language("ur"):
        assert analytics.months_label(2025, 1) == "جنوری 2025"


def test_trade_errors_are_made_in_the_language(trade_db: Path) -> None:
    with store.connect(trade_db, read_only=True) as con, use_language("kk"):
        with pytest.raises(RequestError) as flow:
            analytics.composition(con, "KZ", "PK", flow="Z")
        with pytest.raises(DalizError) as country:
            analytics.annual_series(con, "KZ", "Atlantis")
    assert flow.value.message == "Белгісіз ағын 'Z'."
    assert flow.value.hint == "X (экспорт) немесе M (импорт) қолданыңыз."
    assert "Белгісіз ел немесе аумақ коды 'Atlantis'." in str(country.value)


def test_charts_and_caveats_in_the_language(trade_db: Path, tmp_path: Path) -> None:
    with store.connect(trade_db, read_only=True) as con:
        rows = analytics.annual_series(con, "KZ", "PK")
    with use_language("ur"):
        chart = charts.turnover_chart(rows)
        caveats = mirror.caveats()
    assert chart.lang == "ur" and chart.y_label == "ملین USD"
    assert [s.name for s in chart.series] == ["برآمدات", "درآمدات", "تجارتی حجم"]
    page = charts.to_html(chart)
    assert '<html lang="ur" dir="rtl">' in page and "قدریں ملین USD میں" in page
    assert len(caveats) == len(mirror.CAVEATS)
    assert all(c != e for c, e in zip(caveats, mirror.CAVEATS, strict=True))
    assert "1.06" in caveats[0] and "1.06" in mirror.CAVEATS[0]
    png = charts.save(chart, tmp_path / "t.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_road_messages_and_attribution_in_the_language() -> None:
    with use_language("ru"), pytest.raises(RequestError) as lat:
        check_lat_lon(95.0, 10.0, what="origin")
    assert lat.value.message == "Широта 95.0 (пункт отправления) вне диапазона -90..90 градусов."
    with use_language("kk"), pytest.raises(RequestError) as box:
        BBox(10.0, 0.0, 5.0, 1.0)
    assert box.value.message.startswith("Аймақ бойлықтары")
    with use_language("ur"):
        osm = attribution_text(OSM_ATTRIBUTION)
        user = attribution_text(USER_ATTRIBUTION.format(name="alm.graphjson"))
        unknown = attribution_text("Some other licence")
    assert "OpenStreetMap" in osm and osm != OSM_ATTRIBUTION and "Open Database License" in osm
    assert "alm.graphjson" in user and "User-supplied" not in user
    assert unknown == "Some other licence"
    assert attribution_text(OSM_ATTRIBUTION) == OSM_ATTRIBUTION  # English outside
