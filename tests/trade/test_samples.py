"""Imports of the real downloads in shared/trade-samples, checked against their own figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from daliz.trade import analytics, store
from daliz.trade.formats import TradeFormatError

C = "comtradeplus/TradeData_world-2014-2023__KAZ_PAK_USA.csv"
D = "comtradeplus/TradeData_all-world-16-20__KAZ_PAK_USA.csv"
A = "wits/Kazakhstan-WITS-Partner-Timeseries.csv"
A_XLSX = "wits/Kazakhstan-WITS-Partner-Timeseries.xlsx"
B = "wits/WITS-Partner-Timeseries__reporters_KAZ_PAK.csv"
E = "comtrade-legacy/comtrade.csv"


def _value(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> float:
    return float(store.scalar(con, sql, params))


def test_comtradeplus_camelcase_cp1252_trailing_comma(
    con: duckdb.DuckDBPyConnection, samples: Path
) -> None:
    r = store.import_file(con, samples / C)
    assert (r.format, r.rows_read, r.rows_added, r.rows_rejected) == ("comtrade", 70, 70, 0)
    # README quirk 9: KZ imports 2020 = 22,158 m and 2021 = 27,752 m in this file.
    rows = {
        x.value.year: x.value for x in analytics.annual_series(con, "KZ", "WLD", source="comtrade")
    }
    assert rows[2020].imports_usd == pytest.approx(22_157.9e6, rel=1e-4)
    assert rows[2021].imports_usd == pytest.approx(27_751.6e6, rel=1e-4)
    # USA is 842 in Comtrade files, ISO numeric 840: both must land on USA.
    assert store.scalar(con, "SELECT count(*) FROM trade_flow WHERE reporter = 'USA'") > 0
    # Côte d'Ivoire rows (cp1252 name) import too.
    assert store.scalar(con, "SELECT count(*) FROM trade_flow WHERE reporter = 'CIV'") == 2


def test_comtradeplus_pascalcase_excel_resave(
    con: duckdb.DuckDBPyConnection, samples: Path
) -> None:
    r = store.import_file(con, samples / D)
    assert (r.format, r.rows_read, r.rows_rejected) == ("comtrade", 32, 0)
    v = _value(
        con,
        "SELECT value_usd FROM trade_flow WHERE reporter='KAZ' AND flow='M' AND year=2020",
        [],
    )
    assert v == pytest.approx(38_081.4e6, rel=1e-4)  # README quirk 9
    # E-notation values (USA X 2016 1.45091E+12) parse.
    usa = _value(
        con,
        "SELECT value_usd FROM trade_flow WHERE reporter='USA' AND flow='X' AND year=2016",
        [],
    )
    assert usa == pytest.approx(1.45091e12)


def test_vintages_disagree_and_the_newer_wins(
    con: duckdb.DuckDBPyConnection, samples: Path
) -> None:
    store.import_file(con, samples / C, vintage=dt.date(2025, 1, 1))
    r = store.import_file(con, samples / D, vintage=dt.date(2021, 6, 1))
    assert r.rows_revised > 0 and r.large_revisions  # 38,081 m vs 22,158 m: flagged
    cur = _value(
        con,
        "SELECT value_usd FROM trade_flow WHERE reporter='KAZ' AND flow='M' AND year=2020 "
        "AND partner='WLD' AND superseded_by IS NULL",
        [],
    )
    assert cur == pytest.approx(22_157.9e6, rel=1e-4)  # the 2025 vintage stays current
    n = store.scalar(
        con, "SELECT count(*) FROM trade_flow WHERE reporter='KAZ' AND flow='M' AND year=2020", []
    )
    assert n == 2  # the older vintage is kept as history


def test_wits_wide_thousands_and_partner_sum(con: duckdb.DuckDBPyConnection, samples: Path) -> None:
    r = store.import_file(con, samples / A)
    assert r.format == "wits-wide" and r.rows_rejected == 0
    rows = {x.value.year: x.value for x in analytics.annual_series(con, "KZ", source="wits")}
    # README quirk 9: the partner sum is 38,928 m (2020) and 41,415 m (2021).
    assert rows[2020].imports_usd == pytest.approx(38_928e6, rel=1e-4)
    assert rows[2021].imports_usd == pytest.approx(41_415e6, rel=1e-4)
    assert rows[2021].partner_basis == "sum of partners"
    # Kazakhstan's imports from Pakistan (the KZ-reported PK→KZ flow), thousand USD × 1000.
    pk = {x.value.year: x.value for x in analytics.annual_series(con, "KZ", "PK")}
    assert pk[2021].imports_usd == pytest.approx(29_202_639.39)
    assert pk[1995].imports_usd == pytest.approx(
        float(_raw_cell(samples / A, "Pakistan", "1995")) * 1000
    )


def _raw_cell(path: Path, partner: str, year: str) -> str:
    import csv

    with path.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["Partner Name"] == partner:
                return row[year]
    raise AssertionError(partner)


def test_wits_xlsx_matches_its_csv(con: duckdb.DuckDBPyConnection, samples: Path) -> None:
    a = store.import_file(con, samples / A)
    x = store.import_file(con, samples / A_XLSX)
    assert x.format == "wits-wide" and x.note == "xlsx sheet"
    # Same values (CSV at Excel display precision): every row unchanged, nothing added.
    assert (x.rows_added, x.rows_unchanged, x.rows_revised) == (0, a.rows_added, 0)


def test_wits_share_table_is_refused_with_a_reason(
    con: duckdb.DuckDBPyConnection, samples: Path
) -> None:
    with pytest.raises(TradeFormatError, match="Import Partner Share"):
        store.import_file(con, samples / B)
    assert store.scalar(con, "SELECT count(*) FROM trade_import") == 0


def test_legacy_comtrade(con: duckdb.DuckDBPyConnection, samples: Path) -> None:
    r = store.import_file(con, samples / E)
    assert (r.format, r.rows_read, r.rows_added, r.rows_rejected) == (
        "comtrade-legacy",
        288,
        288,
        0,
    )
    flows = store.scalar(con, "SELECT string_agg(DISTINCT flow, ',' ORDER BY flow) FROM trade_flow")
    assert flows == "M,RM,RX,X"  # legacy codes 1 M, 2 X, 3 RX, 4 RM
    assert store.scalar(con, "SELECT count(*) FROM trade_flow WHERE reporter='IND'") == 2  # 699


def test_reimport_changes_nothing(con: duckdb.DuckDBPyConnection, samples: Path) -> None:
    store.import_file(con, samples / C)
    before = store.scalar(con, "SELECT count(*) FROM trade_flow")
    again = store.import_file(con, samples / C)
    assert again.import_id is None and again.already_imported_as == 1
    assert store.scalar(con, "SELECT count(*) FROM trade_flow") == before
    assert store.scalar(con, "SELECT count(*) FROM trade_import") == 1
