"""Import guarantees on fixture files: row-level problems, --strict, compression, JSON,
duplicates, idempotency and atomicity (a killed import leaves the store as it was)."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest
from trade_fixtures import NATIONAL_HEADER, write

from daliz.errors import DatasetError
from daliz.trade import store, synth
from daliz.trade.formats import TradeFormatError

GOOD = [
    "2024,,KZ,PK,X,1001,1000000,4000000,kz-bns",
    "2024,,KZ,PK,X,0713,500000,600000,kz-bns",
    "2024,,398,586,M,0805,250000,300000,kz-bns",
]


def test_row_problems_are_reported_with_row_numbers(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = [
        *GOOD,
        "2024,,KZ,XX,X,1001,1,1,kz-bns",  # row 4: unknown partner
        "2024,,KZ,PK,Z,1001,1,1,kz-bns",  # row 5: unknown flow
        "2024,13,KZ,PK,X,1002,1,1,kz-bns",  # row 6: month 13
        "2024,,KZ,PK,X,10A1,1,1,kz-bns",  # row 7: bad HS code
        "2024,,KZ,PK,X,1003,abc,1,kz-bns",  # row 8: value not a number
        "2024,,KZ,PK,X,1004,-5,1,kz-bns",  # row 9: negative
        "2024,,KZ,PK,X,1001,7,1,kz-bns",  # row 10: same key as row 1
    ]
    f = write(tmp_path / "nat.csv", NATIONAL_HEADER + "\n".join(rows) + "\n")
    r = store.import_file(con, f)
    assert r.format == "national"
    assert (r.rows_read, r.rows_added, r.rows_rejected) == (10, 3, 7)
    got = {(p.row, p.field) for p in r.problems}
    assert got == {
        (4, "partner"),
        (5, "flow"),
        (6, "year/month"),
        (7, "hs_code"),
        (8, "value_usd"),
        (9, "value_usd"),
        (10, "key"),
    }
    msgs = {p.row: p.message for p in r.problems}
    assert "'XX'" in msgs[4] and "row 1" in msgs[10] and "'abc'" in msgs[8]
    # The first of the repeated keys is kept.
    assert store.scalar(con, "SELECT value_usd FROM trade_flow WHERE hs_code = '1001'") == 1e6
    stored = store.scalar(con, "SELECT count(*) FROM trade_problem")
    assert stored == 7


def test_strict_refuses_and_changes_nothing(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    f = write(tmp_path / "n.csv", NATIONAL_HEADER + "\n".join([*GOOD, "2024,,KZ,PK,X,x,1,1,a"]))
    with pytest.raises(DatasetError) as err:
        store.import_file(con, f, strict=True)
    assert "row 4" in str(err.value) and "--strict" in str(err.value)
    assert store.scalar(con, "SELECT count(*) FROM trade_flow") == 0
    assert store.scalar(con, "SELECT count(*) FROM trade_import") == 0


def test_gzip_zip_and_leading_zero_codes(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = NATIONAL_HEADER + "\n".join(GOOD) + "\n"
    gz = tmp_path / "n.csv.gz"
    gz.write_bytes(gzip.compress(text.replace("0713", "713").encode()))
    r = store.import_file(con, gz)
    assert r.rows_added == 3
    # '713' (leading zero lost by a spreadsheet) is restored to 0713.
    assert store.scalar(con, "SELECT count(*) FROM trade_flow WHERE hs_code = '0713'") == 1
    z = tmp_path / "n.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("data/n.csv", text)
    r2 = store.import_file(con, z)
    # Same flows, same values: nothing new.
    assert (r2.rows_added, r2.rows_unchanged) == (0, 3)


def test_zip_with_two_data_files_is_refused(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    z = tmp_path / "two.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a.csv", "x")
        zf.writestr("b.csv", "y")
    with pytest.raises(TradeFormatError, match="exactly one data file"):
        store.import_file(con, z)


def test_comtrade_json_api_response(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    recs = [
        {"typeCode": "C", "freqCode": "A", "refYear": 2023, "refMonth": 52, "period": "2023",
         "reporterCode": 398, "reporterISO": "KAZ", "flowCode": "X", "partnerCode": 586,
         "partnerISO": "PAK", "partner2Code": 0, "cmdCode": "0713", "aggrLevel": 4,
         "customsCode": "C00", "motCode": 0, "netWgt": 1000.0, "primaryValue": 5000.5,
         "isReported": True, "isAggregate": False},
        {"typeCode": "C", "freqCode": "A", "refYear": 2023, "refMonth": 52, "period": "2023",
         "reporterCode": 398, "reporterISO": "KAZ", "flowCode": "M", "partnerCode": 586,
         "partnerISO": "PAK", "partner2Code": 0, "cmdCode": "0805", "aggrLevel": 4,
         "customsCode": "C00", "motCode": 0, "netWgt": 0, "primaryValue": 7000,
         "isReported": False, "isAggregate": False},
    ]  # fmt: skip
    f = tmp_path / "api.json"
    f.write_text(json.dumps({"elements": 2, "data": recs}))
    r = store.import_file(con, f)
    assert (r.format, r.rows_added) == ("comtrade", 2)
    row = con.execute(
        "SELECT value_usd, net_kg, valuation, is_estimated FROM trade_flow WHERE flow='M'"
    ).fetchall()[0]
    assert row == (7000.0, None, "CIF", True)  # netWgt 0 = unknown; isReported false


def test_unknown_layout_names_the_known_ones(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    f = write(tmp_path / "x.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(TradeFormatError) as err:
        store.import_file(con, f)
    assert "unrecognised" in err.value.message and "national" in str(err.value)


def test_fiscal_year_rows_and_sbp_valuation(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = (
        "year,period_start,period_end,reporter,partner,flow,hs_code,value_usd,source\n"
        "2025,2024-07,2025-06,PK,KZ,X,TOTAL,97960000,pk-sbp\n"
        "2025,2024-07,2025-06,PK,KZ,M,TOTAL,129630000,pk-sbp\n"
    )
    r = store.import_file(con, write(tmp_path / "sbp.csv", text))
    assert r.rows_added == 2 and r.sources == ["pk-sbp"]
    rows = con.execute(
        "SELECT freq, period_start, period_end, valuation FROM trade_flow ORDER BY flow"
    ).fetchall()
    assert [(f, str(s), str(e), v) for f, s, e, v in rows] == [
        ("P", "2024-07-01", "2025-06-30", "FOB"),  # SBP records both flows FOB
        ("P", "2024-07-01", "2025-06-30", "FOB"),
    ]


def test_revised_value_supersedes_and_keeps_history(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    import datetime as dt

    store.import_file(
        con, write(tmp_path / "v1.csv", NATIONAL_HEADER + GOOD[0]), vintage=dt.date(2025, 1, 1)
    )
    new = GOOD[0].replace("1000000", "1200000")
    r = store.import_file(
        con, write(tmp_path / "v2.csv", NATIONAL_HEADER + new), vintage=dt.date(2025, 6, 1)
    )
    assert r.rows_revised == 1 and r.large_revisions[0].change == pytest.approx(0.2)
    current = con.execute("SELECT value_usd FROM trade_flow WHERE superseded_by IS NULL").fetchall()
    assert current == [(1_200_000.0,)]
    assert store.scalar(con, "SELECT count(*) FROM trade_flow") == 2


def test_synthetic_rows_are_labelled(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    synth.write_comtrade_csv(f, rows=2000, seed=3)
    r = store.import_file(con, f)
    assert r.rows_added == 2000 and r.sources == ["synthetic"]


_CHILD = """
import sys
from pathlib import Path
from daliz.trade import store
with store.connect(Path(sys.argv[1])) as con:
    def say(step):
        print(step, flush=True)
    store.import_file(con, Path(sys.argv[2]), progress=say)
print("done", flush=True)
"""


@pytest.mark.slow
def test_killed_import_leaves_store_as_before(db_path: Path, tmp_path: Path) -> None:
    base = write(tmp_path / "base.csv", NATIONAL_HEADER + "\n".join(GOOD) + "\n")
    with store.connect(db_path) as c:
        store.import_file(c, base)
    big = tmp_path / "big.csv"
    synth.write_comtrade_csv(big, rows=400_000, seed=5)
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(db_path), str(big)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == "read":  # the insert is under way inside the transaction
            break
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    with store.connect(db_path) as c:
        assert store.scalar(c, "SELECT count(*) FROM trade_flow") == 3
        assert store.scalar(c, "SELECT count(*) FROM trade_import") == 1
        # And the store still works: the same file imports fully afterwards.
        r = store.import_file(c, big)
        assert r.rows_added == 400_000


@pytest.mark.slow
def test_row_numbers_in_a_large_parallel_read(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    src = tmp_path / "s.csv"
    synth.write_comtrade_csv(src, rows=300_000, seed=7)
    lines = src.read_text().splitlines()
    bad_rows = [1, 123_457, 299_999]
    for r in bad_rows:
        cells = lines[r].split(",")
        cells[9] = "Q"  # flowCode
        lines[r] = ",".join(cells)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    r = store.import_file(con, bad)
    assert [p.row for p in r.problems] == bad_rows
    assert r.rows_added == 300_000 - 3


@pytest.mark.parametrize(
    "sample",
    [
        "comtradeplus/TradeData_world-2014-2023__KAZ_PAK_USA.csv",
        "comtradeplus/TradeData_all-world-16-20__KAZ_PAK_USA.csv",
    ],
)
def test_lean_and_tolerant_paths_store_identical_rows(
    samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample: str
) -> None:
    syn = tmp_path / "syn.csv"
    synth.write_comtrade_csv(syn, rows=3000, seed=11)
    tables = []
    for lean in (True, False):
        monkeypatch.setattr(store, "LEAN_COMTRADE", lean)
        with store.connect(tmp_path / f"{lean}.duckdb") as c:
            for f in (samples / sample, syn):
                store.import_file(c, f)
            tables.append(
                c.execute("SELECT * EXCLUDE (import_id) FROM trade_flow ORDER BY ALL").fetchall()
            )
    assert tables[0] == tables[1]
    assert len(tables[0]) > 3000


def test_baci_thousands_tonnes_and_importer_view(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from daliz.trade import analytics

    text = "t,i,j,k,v,q\n2022,398,586,071340,12.5,30\n2022,586,398,080521,4.25,\n"
    r = store.import_file(con, write(tmp_path / "BACI_HS17_Y2022_V202401.csv", text))
    assert (r.format, r.sources, r.rows_added) == ("baci", ["baci-HS17"], 2)
    row = con.execute(
        "SELECT reporter, partner, flow, value_usd, net_kg, valuation FROM trade_flow "
        "WHERE hs_code = '071340'"
    ).fetchall()[0]
    assert row == ("KAZ", "PAK", "X", 12_500.0, 30_000.0, "FOB")
    # Kazakhstan's imports from Pakistan come from Pakistan's export line (importer's view).
    kz = analytics.annual_series(con, "KZ", "PK")[0].value
    assert (kz.exports_usd, kz.imports_usd) == (12_500.0, 4_250.0)
