"""Benchmark: import of N synthetic Comtrade rows (default 10^7) — daliz vs a pandas baseline.

Both run in the same invocation, each in its own process so peak memory is measured per job:

* daliz: ``daliz.trade.store.import_file`` into a fresh DuckDB file (hash, read, check, write,
  one transaction).
* baseline: ``pandas.read_csv`` of the same file (cmdCode kept as text) + ``DataFrame.to_parquet``.

* floor: a bare DuckDB copy of the columns the import reads into a table — no type checks, no
  code mapping, no problem rows, no duplicate check, no hash. No importer that stores the data
  in DuckDB can beat it on this machine: it shows how much of daliz's time is the storage
  itself and how much is its checks.

Then a turnover-by-year query on the imported rows (median of 7). Prints times, ratios and peak
RSS. Goals (PRODUCT.md): 10^7 rows ≤ 30 s, ≥ 3× faster than the baseline, memory bounded (not
proportional to the file), turnover query ≤ 100 ms. Data are SYNTHETIC (daliz.trade.synth).

    python bench/trade_import.py --rows 10000000 [--workdir DIR] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DALIZ_JOB = """
import sys, time
from pathlib import Path
from daliz.trade import store
db, src = Path(sys.argv[1]), Path(sys.argv[2])
t = time.perf_counter()
with store.connect(db) as con:
    r = store.import_file(con, src)
print(f"{time.perf_counter() - t:.3f} {r.rows_added} {r.rows_rejected}")
"""

FLOOR_JOB = """
import sys, time
import duckdb
db, src = sys.argv[1], sys.argv[2]
cols = ("freqCode, refYear, refMonth, period, reporterCode, reporterDesc, partnerCode, "
        "partnerDesc, partner2Code, flowCode, classificationCode, cmdCode, aggrLevel, "
        "customsCode, motCode, qtyUnitAbbr, qty, netWgt, cifvalue, fobvalue, primaryValue, "
        "isReported, isAggregate")
t = time.perf_counter()
con = duckdb.connect(db)
con.execute("SET preserve_insertion_order=false")
con.execute("SET enable_progress_bar=false")
reader = f"read_csv('{src}', types={{'cmdCode': 'VARCHAR'}})"
con.execute(f"CREATE TABLE copy AS SELECT {cols} FROM {reader}")
n = con.execute("SELECT count(*) FROM copy").fetchone()[0]
con.close()
print(f"{time.perf_counter() - t:.3f} {n} 0")
"""

PANDAS_JOB = """
import sys, time
import pandas as pd
src, out = sys.argv[1], sys.argv[2]
t = time.perf_counter()
df = pd.read_csv(src, dtype={"cmdCode": str})
df.to_parquet(out)
print(f"{time.perf_counter() - t:.3f} {len(df)} 0")
"""


def run_job(code: str, *args: str) -> tuple[float, int, float]:
    """(seconds, rows, peak RSS MiB) of a child process."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"job failed ({status}): {out}")
    seconds, rows, _bad = out.split()
    return float(seconds), int(rows), usage.ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated file and outputs")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args()

    from daliz.trade import analytics, store, synth

    work = args.workdir or Path(tempfile.mkdtemp(prefix="daliz-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"synthetic-comtrade-{args.rows}.csv"
    if not src.exists():
        t = time.perf_counter()
        s = synth.write_comtrade_csv(src, rows=args.rows, seed=42)
        print(f"generated {s.rows:,} SYNTHETIC rows, {s.bytes / 2**20:,.0f} MiB "
              f"in {time.perf_counter() - t:.1f} s")  # fmt: skip
    size_mib = src.stat().st_size / 2**20
    db = work / "bench.duckdb"
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)

    d_s, d_rows, d_rss = run_job(DALIZ_JOB, str(db), str(src))
    print(f"daliz import:    {d_s:7.2f} s  {d_rows / d_s / 1e6:5.2f} M rows/s  "
          f"peak RSS {d_rss:,.0f} MiB  (file {size_mib:,.0f} MiB)")  # fmt: skip
    results: dict[str, float | int | None] = {
        "rows": d_rows, "file_mib": size_mib, "daliz_s": d_s, "daliz_rss_mib": d_rss,
    }  # fmt: skip
    if not args.skip_baseline:
        pq = work / "baseline.parquet"
        p_s, p_rows, p_rss = run_job(PANDAS_JOB, str(src), str(pq))
        print(f"pandas baseline: {p_s:7.2f} s  {p_rows / p_s / 1e6:5.2f} M rows/s  "
              f"peak RSS {p_rss:,.0f} MiB")  # fmt: skip
        print(f"ratio: daliz is {p_s / d_s:.2f}x faster; uses {d_rss / p_rss:.2f}x the memory")
        results.update(pandas_s=p_s, pandas_rss_mib=p_rss, speedup=p_s / d_s)
        if not args.keep:
            pq.unlink(missing_ok=True)
        floor_db = work / "floor.duckdb"
        floor_db.unlink(missing_ok=True)
        f_s, _f_rows, f_rss = run_job(FLOOR_JOB, str(floor_db), str(src))
        floor_db.unlink(missing_ok=True)
        print(f"floor (bare DuckDB copy, no checks): {f_s:7.2f} s  peak RSS {f_rss:,.0f} MiB  "
              f"= {p_s / f_s:.2f}x pandas; daliz takes {d_s / f_s:.2f}x the floor")  # fmt: skip
        results.update(floor_s=f_s, floor_speedup=p_s / f_s, daliz_over_floor=d_s / f_s)

    with store.connect(db, read_only=True) as con:
        reporter = str(store.scalar(con, "SELECT any_value(reporter) FROM trade_flow"))
        sql = (
            "SELECT year, sum(value_usd) FILTER (flow = 'X') AS x, "
            "sum(value_usd) FILTER (flow = 'M') AS m FROM trade_flow "
            "WHERE reporter = ? AND superseded_by IS NULL GROUP BY year ORDER BY year"
        )
        times, api_times = [], []
        for _ in range(7):
            t = time.perf_counter()
            con.execute(sql, [reporter]).fetchall()
            times.append(time.perf_counter() - t)
            t = time.perf_counter()
            analytics.annual_series(con, reporter, "WLD", source="synthetic")
            api_times.append(time.perf_counter() - t)
    q_ms, api_ms = statistics.median(times) * 1e3, statistics.median(api_times) * 1e3
    print(f"turnover by year ({reporter}, {d_rows:,} rows stored): SQL {q_ms:.1f} ms, "
          f"analytics.annual_series {api_ms:.1f} ms (median of 7)")  # fmt: skip
    results.update(turnover_sql_ms=q_ms, turnover_api_ms=api_ms)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    if not args.keep and args.workdir is None:
        for p in work.iterdir():
            p.unlink()
        work.rmdir()


if __name__ == "__main__":
    main()
