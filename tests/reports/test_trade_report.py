"""The trade report: published figures of both sides with sources, progress to the target, and
the imported statistics of the pair when a trade database holds them."""

from __future__ import annotations

from pathlib import Path

import pytest
from reports_helpers import visible_text

from daliz.reports.trade import TradeReportOptions, trade_report_html
from daliz.trade import published, store


@pytest.fixture(scope="module")
def trade_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trade database with three years of KZ-reported trade with PK, by HS heading."""
    folder = tmp_path_factory.mktemp("trade")
    rows = ["year,reporter,partner,flow,hs_code,value_usd,source"]
    for year, scale in ((2022, 1.0), (2023, 1.2), (2024, 1.5)):
        for code, value in (("1001", 6e6), ("7208", 3e6), ("0713", 1e6)):
            rows.append(f"{year},KZ,PK,X,{code},{value * scale:.0f},kz-bns")
        for code, value in (("0805", 2e6), ("3004", 1e6)):
            rows.append(f"{year},KZ,PK,M,{code},{value * scale:.0f},kz-bns")
    csv_path = folder / "kz-pk.csv"
    csv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = folder / "trade.duckdb"
    with store.connect(db) as con:
        result = store.import_file(con, csv_path)
    assert result.rows_added == 15, result
    return db


def test_published_figures_and_target_without_a_database(tmp_path: Path) -> None:
    html = trade_report_html(TradeReportOptions(db_path=tmp_path / "none.duckdb"), lang="en")
    text = visible_text(html)
    assert "Trade between Kazakhstan and Pakistan" in text
    assert "As published by Kazakhstan" in text and "As published by Pakistan" in text
    latest = published.latest_turnover("KZ")
    assert f"{latest.value_usd / 1e6:,.1f}" in text
    assert latest.source.url in html  # every figure cites its source
    assert "Progress to USD 1,000 million by 2030" in text
    assert "Growth needed per year" in text
    assert "No trade database found" in text
    assert html.count("<svg") >= 2  # a target chart for each side


def test_imported_statistics_of_the_pair(trade_db: Path) -> None:
    html = trade_report_html(TradeReportOptions(db_path=trade_db, target_year=2032), lang="en")
    text = " ".join(visible_text(html).split())
    assert "Kazakhstan–Pakistan trade as reported by Kazakhstan, USD million" in text
    # 2024: exports 10 m × 1.5 = 15.0, imports 3 m × 1.5 = 4.5, turnover 19.5, balance 10.5
    row_2024 = text[text.index("kz-bns 2024") :][:120].split()
    assert row_2024[:8] == ["kz-bns", "2024", "12", "15.0", "4.5", "19.5", "10.5", "+25%"]
    assert "+20%" in text  # turnover 2022 → 2023
    assert "Top products exported to Pakistan in 2024" in text
    assert "1001" in text and "7208" in text
    assert "Concentration of exports to Pakistan, 2024 (HS4)" in text
    assert "Progress to USD 1,000 million by 2032" in text


def test_trade_report_in_russian_and_urdu(trade_db: Path) -> None:
    russian = visible_text(trade_report_html(TradeReportOptions(db_path=trade_db), lang="ru"))
    assert "Торговля: Казахстан — Пакистан" in russian
    assert "Основные товары экспорта в Пакистан в 2024 году" in russian
    assert "Пшеница" in russian or "пшеница" in russian  # HS 1001 described in Russian
    assert "Published figures" not in russian and "Top products" not in russian
    urdu_html = trade_report_html(TradeReportOptions(db_path=trade_db), lang="ur")
    assert 'dir="rtl"' in urdu_html
    assert "قزاخستان اور پاکستان کے درمیان تجارت" in visible_text(urdu_html)
