"""The trade store: one DuckDB file, its schema, and atomic, idempotent imports.

An import reads the file into a staging table with DuckDB's CSV/Parquet/JSON readers, maps and
checks every row in SQL (no Python row loops), and then, in **one transaction**, appends the good
rows and records the file. A process killed before the commit leaves the store as it was.
Importing the same bytes again changes nothing (the file's SHA-256 is recorded); a different
file carrying the same flows with the same values changes nothing either, while a different
value for the same natural key supersedes the stored one (kept as history, reported as a
revision).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from daliz.errors import DalizError, DatasetError, Problem
from daliz.trade import codes
from daliz.trade.formats import (
    KEY_COLUMNS,
    FormatName,
    Mapping,
    SourceFile,
    TradeFormatError,
    detect_format,
    mapping_for,
    norm_column,
    open_source,
    reader_sql,
)

SCHEMA_VERSION = 1
ENV_DB = "DALIZ_TRADE_DB"
# Per-import revisions above this relative change are listed as "large" (vintages disagree:
# shared/trade-samples README, quirk 9).
LARGE_REVISION = 0.10

Progress = Callable[[str], None]


class TradeStoreError(DalizError):
    """The trade store cannot be opened or used."""


def default_db_path() -> Path:
    """``$DALIZ_TRADE_DB``, else ``trade.duckdb`` in the user's data folder.

    Linux: ``$XDG_DATA_HOME/daliz`` (``~/.local/share/daliz``); macOS:
    ``~/Library/Application Support/daliz``; Windows: ``%LOCALAPPDATA%\\daliz``.
    """
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "daliz" / "trade.duckdb"


_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS trade_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS trade_import (
    import_id INTEGER PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL UNIQUE,
    file_bytes BIGINT NOT NULL,
    format VARCHAR NOT NULL,
    sources VARCHAR NOT NULL,
    vintage DATE,
    imported_at TIMESTAMP NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_added BIGINT NOT NULL,
    rows_unchanged BIGINT NOT NULL,
    rows_revised BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    strict BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS trade_problem (
    import_id INTEGER NOT NULL,
    row_no BIGINT,
    field VARCHAR,
    message VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS trade_flow (
    import_id INTEGER NOT NULL,
    row_no BIGINT NOT NULL,
    source VARCHAR NOT NULL,
    reporter VARCHAR NOT NULL,
    partner VARCHAR NOT NULL,
    partner2 VARCHAR NOT NULL,
    flow VARCHAR NOT NULL,
    freq VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    month TINYINT,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    hs_code VARCHAR NOT NULL,
    hs_level TINYINT NOT NULL,
    hs_edition VARCHAR,
    customs_code VARCHAR NOT NULL,
    mot_code VARCHAR NOT NULL,
    value_usd DOUBLE NOT NULL,
    valuation VARCHAR NOT NULL,
    net_kg DOUBLE,
    qty DOUBLE,
    qty_unit VARCHAR,
    is_estimated BOOLEAN,
    is_aggregate BOOLEAN,
    is_breakdown BOOLEAN NOT NULL,
    key_hash UBIGINT NOT NULL,
    superseded_by INTEGER
);
INSERT OR IGNORE INTO trade_meta VALUES ('schema_version', '{SCHEMA_VERSION}');
"""


@contextlib.contextmanager
def connect(
    db_path: Path | None = None, *, read_only: bool = False, memory_limit: str = "1GB"
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open (creating if needed) the trade store; memory is capped so big imports spill to disk."""
    path = db_path or default_db_path()
    if read_only and not path.exists():
        raise TradeStoreError(
            f"No trade database at {path}.",
            hint="Import data first: daliz trade import FILE (or pass --db / set DALIZ_TRADE_DB).",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise TradeStoreError(
            f"Cannot open the trade database {path}: {exc}".splitlines()[0],
            hint="Another daliz process may be importing into it; wait and retry.",
        ) from exc
    try:
        con.execute(f"SET memory_limit='{memory_limit}'")
        tmp = path.parent / (path.name + ".tmp")
        con.execute(f"SET temp_directory='{_sql_str(str(tmp))}'")
        if not read_only:
            con.execute(_SCHEMA)
        else:
            _check_schema(con, path)
        yield con
    finally:
        con.close()


def _check_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    try:
        row = first_row(con, "SELECT value FROM trade_meta WHERE key='schema_version'")
    except duckdb.CatalogException as exc:
        raise TradeStoreError(f"{path} is not a daliz trade database.") from exc
    if row is None or int(row[0]) != SCHEMA_VERSION:
        raise TradeStoreError(
            f"{path} has trade schema version {row[0] if row else '?'}; "
            f"this daliz reads version {SCHEMA_VERSION}."
        )


def _sql_str(text: str) -> str:
    return text.replace("'", "''")


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> Any:
    """First column of the first row (None when no row); the result is fully consumed."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def first_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> tuple[Any, ...] | None:
    """First row (None when no row); the result is fully consumed."""
    rows = con.execute(sql, params or []).fetchall()
    return tuple(rows[0]) if rows else None


# --------------------------------------------------------------------------------------------
# Import


@dataclass
class Revision:
    """A stored value that a newer file changed."""

    key: str
    old_value_usd: float
    new_value_usd: float

    @property
    def change(self) -> float:
        return self.new_value_usd / self.old_value_usd - 1 if self.old_value_usd else float("inf")


@dataclass
class ImportResult:
    """What one file's import did."""

    file: str
    format: str
    sha256: str
    import_id: int | None  # None when nothing was recorded (already imported)
    already_imported_as: int | None
    rows_read: int
    rows_added: int
    rows_unchanged: int
    rows_revised: int
    rows_rejected: int
    sources: list[str]
    problems: list[Problem] = field(default_factory=list)
    large_revisions: list[Revision] = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def _alias_table(con: duckdb.DuckDBPyConnection) -> None:
    import pyarrow as pa

    aliases = codes.code_aliases()
    tbl = pa.table({"key": list(aliases.keys()), "iso3": list(aliases.values())})
    con.register("_alias_arrow", tbl)
    con.execute("CREATE OR REPLACE TEMP TABLE _alias AS SELECT * FROM _alias_arrow")
    con.unregister("_alias_arrow")


_KEY_NORM = (
    "CASE WHEN regexp_full_match(trim({x}), '[0-9]+') THEN CAST(TRY_CAST(trim({x}) AS BIGINT) "
    "AS VARCHAR) ELSE upper(regexp_replace(trim({x}), '\\s+', ' ', 'g')) END"
)


def _stage_sql(m: Mapping) -> str:
    """SQL creating ``_checked``: canonical columns plus the first problem found per row."""
    kn = _KEY_NORM.format
    stage = f"""
        SELECT row_no,
            {m.source} AS source,
            {m.reporter_raw} AS reporter_raw,
            {m.partner_raw} AS partner_raw,
            {m.partner2_raw} AS partner2_raw,
            {m.flow_raw} AS flow_raw,
            {m.flow} AS flow,
            {m.freq} AS freq,
            {m.year} AS year,
            {m.month} AS month,
            {m.pstart} AS pstart,
            {m.pend} AS pend,
            {m.period_raw} AS period_raw,
            {m.hs_raw} AS hs_raw,
            {m.hs_code} AS hs_code,
            {m.hs_edition} AS hs_edition,
            {m.customs_code} AS customs_raw,
            {m.mot_code} AS mot_raw,
            {m.value_raw} AS value_raw,
            {m.value_usd} AS value_usd,
            {m.valuation} AS valuation,
            {m.net_kg} AS net_kg,
            {m.qty} AS qty,
            {m.qty_unit} AS qty_unit,
            {m.is_estimated} AS is_estimated,
            {m.is_aggregate} AS is_aggregate
        FROM {m.relation}
    """
    f = m.fields
    q = _sql_str
    return f"""
    CREATE OR REPLACE TEMP TABLE _checked AS
    WITH s AS ({stage}),
    r AS (
        SELECT s.*,
            ra.iso3 AS reporter,
            pa.iso3 AS partner,
            CASE WHEN s.partner2_raw IS NULL OR s.partner2_raw IN ('0', 'W00', 'WLD') THEN ''
                 ELSE coalesce(p2.iso3, s.partner2_raw) END AS partner2,
            CASE WHEN s.customs_raw IS NULL OR upper(s.customs_raw) = 'C00' THEN ''
                 ELSE s.customs_raw END AS customs_code,
            CASE WHEN s.mot_raw IS NULL OR s.mot_raw = '0' THEN '' ELSE s.mot_raw END AS mot_code,
            CASE WHEN s.freq = 'A' THEN make_date(s.year, 1, 1)
                 WHEN s.freq = 'M' AND s.month BETWEEN 1 AND 12 THEN make_date(s.year, s.month, 1)
                 WHEN s.freq = 'P' THEN TRY_CAST(s.pstart || '-01' AS DATE) END AS period_start,
            CASE WHEN s.freq = 'A' THEN make_date(s.year, 12, 31)
                 WHEN s.freq = 'M' AND s.month BETWEEN 1 AND 12
                      THEN last_day(make_date(s.year, s.month, 1))
                 WHEN s.freq = 'P' THEN last_day(TRY_CAST(s.pend || '-01' AS DATE)) END
                 AS period_end,
            CASE WHEN s.hs_code = 'TOTAL' THEN 0 ELSE length(s.hs_code) END AS hs_level
        FROM s
        LEFT JOIN _alias ra ON ra.key = {kn(x="s.reporter_raw")}
        LEFT JOIN _alias pa ON pa.key = {kn(x="s.partner_raw")}
        LEFT JOIN _alias p2 ON p2.key = {kn(x="s.partner2_raw")}
    )
    SELECT r.*,
        CASE
            WHEN r.reporter_raw IS NULL THEN '{q(f["reporter"])}|missing reporter'
            WHEN r.reporter IS NULL THEN '{q(f["reporter"])}|unknown reporter code '''
                 || r.reporter_raw || ''''
            WHEN r.partner_raw IS NULL THEN '{q(f["partner"])}|missing partner'
            WHEN r.partner IS NULL THEN '{q(f["partner"])}|unknown partner code '''
                 || r.partner_raw || ''''
            WHEN r.flow IS NULL THEN '{q(f["flow"])}|unknown trade flow '''
                 || coalesce(r.flow_raw, '') || ''' (expected X, M, RX, RM or export/import)'
            WHEN r.freq IS NULL OR r.year IS NULL OR r.period_start IS NULL
                 OR r.period_end IS NULL OR r.year NOT BETWEEN 1900 AND 2100
                 OR r.period_end < r.period_start
                THEN '{q(f["period"])}|invalid period '''
                 || coalesce(r.period_raw, '') || ''''
            WHEN r.hs_code IS NULL OR r.hs_level NOT IN (0, 2, 4, 6, 8, 10)
                THEN '{q(f["hs_code"])}|invalid HS code '''
                 || coalesce(r.hs_raw, '') || ''' (expected TOTAL or 2–10 digits)'
            WHEN r.value_usd IS NULL OR isnan(r.value_usd) OR isinf(r.value_usd)
                THEN '{q(f["value"])}|missing or non-numeric value '''
                 || coalesce(r.value_raw, '') || ''''
            WHEN r.value_usd < 0 THEN '{q(f["value"])}|negative value '
                 || CAST(r.value_usd AS VARCHAR)
            WHEN r.net_kg < 0 THEN 'net weight|negative net weight'
        END AS problem,
        hash({", ".join("r." + k for k in KEY_COLUMNS)}) AS key_hash
    FROM r
    """


def _same(a: str, b: str) -> str:
    """SQL: two stored measures are equal up to float noise (a cent, or 1e-9 relative)."""
    return f"(({a} IS NULL AND {b} IS NULL) OR abs({a} - {b}) <= greatest(0.01, 1e-9 * abs({a})))"


def _problems(con: duckdb.DuckDBPyConnection, name: str, limit: int) -> tuple[int, list[Problem]]:
    total = int(scalar(con, "SELECT count(*) FROM _checked WHERE problem IS NOT NULL"))
    rows = con.execute(
        "SELECT row_no, problem FROM _checked WHERE problem IS NOT NULL ORDER BY row_no LIMIT ?",
        [limit],
    ).fetchall()
    out = []
    for row_no, problem in rows:
        fld, _, msg = str(problem).partition("|")
        out.append(Problem(name, int(row_no), fld, msg))
    return total, out


def _duplicates(con: duckdb.DuckDBPyConnection) -> None:
    """Mark rows repeating an earlier row's natural key (same flow twice in one file)."""
    keys = ", ".join(KEY_COLUMNS)
    on = " AND ".join(f"c.{k} IS NOT DISTINCT FROM d.{k}" for k in KEY_COLUMNS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _dups AS
        WITH cand AS (
            SELECT key_hash FROM _checked WHERE problem IS NULL
            GROUP BY key_hash HAVING count(*) > 1
        ), rows AS (
            SELECT c.* FROM _checked c SEMI JOIN cand USING (key_hash) WHERE c.problem IS NULL
        ), firsts AS (
            SELECT {keys}, min(row_no) AS first_row, count(*) AS n FROM rows GROUP BY ALL
            HAVING count(*) > 1
        )
        SELECT c.row_no, d.first_row FROM rows c JOIN firsts d ON {on}
        WHERE c.row_no <> d.first_row
        """
    )
    con.execute(
        """
        UPDATE _checked SET problem = 'key|same reporter, partner, flow, period and HS code '
            || 'as row ' || CAST(d.first_row AS VARCHAR)
        FROM _dups d WHERE _checked.row_no = d.row_no
        """
    )


def _relation(con: duckdb.DuckDBPyConnection, src: SourceFile, fmt: FormatName) -> SourceFile:
    """Create ``_raw`` (all text, file order kept, so rowid + 1 is the data row number)."""
    last_exc: Exception | None = None
    encodings = [src.encoding] + (["latin-1"] if src.encoding == "utf-8" else [])
    for enc in encodings:
        try:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _raw AS SELECT * FROM {reader_sql(src, enc)}"
            )
            src.encoding = enc  # type: ignore[assignment]
            return src
        except duckdb.InvalidInputException as exc:
            last_exc = exc
            if "unicode" not in str(exc).lower() and "utf" not in str(exc).lower():
                break
    msg = str(last_exc).splitlines()[0] if last_exc else "unreadable"
    raise TradeFormatError(f"{src.original}: cannot read as {fmt} CSV: {msg}")


def _check_wits_indicator(con: duckdb.DuckDBPyConnection, src: SourceFile) -> None:
    """Refuse WITS tables whose indicator is not a value in US$ (shares, growth rates, …)."""
    col = src.col("indicator") or src.col("measure")
    if col is None:
        raise TradeFormatError(
            f"{src.original}: this WITS table has no Indicator column, so its unit is unknown."
        )
    found = [str(r[0]) for r in con.execute(f"SELECT DISTINCT {col} FROM _raw").fetchall()]
    money = [i for i in found if ("us$" in i.lower() or "usd" in i.lower()) and "%" not in i]
    if not money:
        raise TradeFormatError(
            f"{src.original}: this WITS table holds {', '.join(repr(i) for i in found[:3])}, "
            "not trade values.",
            hint="daliz imports values in US$ (e.g. 'Import (US$ Thousand)'); download the "
            "trade-value indicator instead of shares or growth rates.",
        )


def _json_source(con: duckdb.DuckDBPyConnection, src: SourceFile) -> SourceFile:
    """Load a Comtrade JSON file (a list of records, or an object whose ``data`` is one)."""
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _json AS SELECT * FROM {reader_sql(src)}")
    except duckdb.Error as exc:
        raise TradeFormatError(f"{src.original}: invalid JSON: {str(exc).splitlines()[0]}") from exc
    cols = [r[0] for r in con.execute("DESCRIBE _json").fetchall()]
    if "data" in cols and len(cols) <= 6:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _json AS "
            "SELECT unnest(d, recursive := true) FROM (SELECT unnest(data) AS d FROM _json)"
        )
        cols = [r[0] for r in con.execute("DESCRIBE _json").fetchall()]
    casts = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in cols)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _raw AS SELECT {casts} FROM _json")
    con.execute("DROP TABLE _json")
    return SourceFile(src.original, src.path, "csv", src.compression, "utf-8", ",", cols, src.note)


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    strict: bool = False,
    source: str | None = None,
    vintage: dt.date | None = None,
    max_problems: int = 200,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one trade file into the store (see the module docstring for the guarantees).

    Parameters: ``strict`` refuses the whole file when any row has a problem (raises
    DatasetError); ``source`` overrides the source label (e.g. ``kz-bns``); ``vintage`` is the
    download or publication date of the data (default: the file's modification date).
    Returns an ImportResult with row counts and the first ``max_problems`` problems.
    """
    t0 = time.perf_counter()
    say = progress or (lambda _msg: None)
    path = Path(path)
    if source is not None and not source.replace("-", "").replace("_", "").isalnum():
        raise DalizError(f"Invalid source label '{source}': use letters, digits, '-' or '_'.")
    say("hash")
    if not path.is_file():
        raise TradeFormatError(f"{path}: no such file.")
    sha = file_sha256(path)
    size = path.stat().st_size
    prev = first_row(
        con,
        "SELECT import_id, format, sources, rows_added FROM trade_import WHERE file_sha256 = ?",
        [sha],
    )
    if prev is not None:
        return ImportResult(
            str(path),
            str(prev[1]),
            sha,
            None,
            int(prev[0]),
            0,
            0,
            0,
            0,
            0,
            str(prev[2]).split(","),
            seconds=time.perf_counter() - t0,
            note=f"already imported as import #{prev[0]}; nothing changed",
        )
    vintage = vintage or dt.date.fromtimestamp(path.stat().st_mtime)
    with (
        tempfile.TemporaryDirectory(prefix="daliz-trade-") as tmp,
        open_source(path, Path(tmp)) as src,
    ):
        say("read")
        if src.kind == "json":
            src = _json_source(con, src)
            fmt = detect_format(src)
        else:
            fmt = detect_format(src)
            src = _relation(con, src, fmt)
        return _import_staged(
            con,
            src,
            fmt,
            sha=sha,
            size=size,
            strict=strict,
            source=source,
            vintage=vintage,
            max_problems=max_problems,
            say=say,
            t0=t0,
        )


def _import_staged(
    con: duckdb.DuckDBPyConnection,
    src: SourceFile,
    fmt: FormatName,
    *,
    sha: str,
    size: int,
    strict: bool,
    source: str | None,
    vintage: dt.date,
    max_problems: int,
    say: Progress,
    t0: float,
) -> ImportResult:
    name = src.original.name
    m = mapping_for(fmt, src, source)
    if fmt == "wits-wide":
        year_cols = ", ".join(
            '"' + c.replace('"', '""') + '"' for c in src.columns if c.strip().isdigit()
        )
        relation = (
            f"(UNPIVOT (SELECT rowid + 1 AS row_no, * FROM _raw) ON {year_cols} "
            "INTO NAME year_col VALUE cell) WHERE NULLIF(trim(cell), '') IS NOT NULL"
        )
    else:
        relation = "(SELECT rowid + 1 AS row_no, * FROM _raw)"
    m = Mapping(**{**m.__dict__, "relation": relation})
    rows_read = int(scalar(con, "SELECT count(*) FROM _raw"))
    if fmt == "wits-wide":
        _check_wits_indicator(con, src)
    if rows_read == 0:
        raise DatasetError(
            [Problem(name, None, None, "the file has a header but no data rows")],
            what=f"trade file {name}",
        )
    say("check")
    _alias_table(con)
    con.execute(_stage_sql(m))
    con.execute("DROP TABLE _raw")
    _duplicates(con)
    n_bad, problems = _problems(con, name, max_problems)
    if strict and n_bad:
        raise DatasetError(problems, what=f"trade file {name} (--strict: nothing imported)")
    n_good = int(scalar(con, "SELECT count(*) FROM _checked WHERE problem IS NULL"))
    if n_good == 0:
        raise DatasetError(problems, what=f"trade file {name} (no row could be imported)")

    say("compare")
    on = " AND ".join(f"t.{k} = c.{k}" for k in KEY_COLUMNS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _match AS
        SELECT c.row_no, t.rowid AS old_rowid, t.import_id AS old_import, i.vintage AS old_vintage,
               t.value_usd AS old_value, c.value_usd AS new_value,
               ({_same("t.value_usd", "c.value_usd")} AND {_same("t.net_kg", "c.net_kg")}
                AND {_same("t.qty", "c.qty")}) AS same,
               {" || '/' || ".join("c." + k + "::VARCHAR" for k in KEY_COLUMNS[:9])} AS key_text
        FROM _checked c JOIN trade_flow t
          ON t.key_hash = c.key_hash AND t.superseded_by IS NULL AND {on}
        JOIN trade_import i ON i.import_id = t.import_id
        WHERE c.problem IS NULL
        """
    )
    stats = first_row(con, "SELECT count(*) FILTER (same), count(*) FILTER (NOT same) FROM _match")
    n_same, n_revised = (int(stats[0]), int(stats[1])) if stats else (0, 0)
    large = [
        Revision(str(k), float(o), float(n))
        for k, o, n in con.execute(
            "SELECT key_text, old_value, new_value FROM _match WHERE NOT same AND "
            "(old_value = 0 OR abs(new_value / old_value - 1) > ?) "
            "ORDER BY abs(new_value - old_value) DESC LIMIT 20",
            [LARGE_REVISION],
        ).fetchall()
    ]
    sources = [
        str(r[0])
        for r in con.execute(
            "SELECT DISTINCT source FROM _checked WHERE problem IS NULL ORDER BY 1"
        ).fetchall()
    ]

    say("write")
    con.execute("BEGIN TRANSACTION")
    try:
        import_id = int(scalar(con, "SELECT coalesce(max(import_id), 0) + 1 FROM trade_import"))
        # The newest vintage is current; an older vintage arriving later is kept as history.
        con.execute(
            "UPDATE trade_flow SET superseded_by = ? WHERE rowid IN "
            "(SELECT old_rowid FROM _match WHERE NOT same AND old_vintage <= ?)",
            [import_id, vintage],
        )
        con.execute(
            f"""
            INSERT INTO trade_flow
            SELECT {import_id}, c.row_no, source, reporter, partner, partner2, flow, freq, year,
                   month, period_start, period_end, hs_code, hs_level, hs_edition, customs_code,
                   mot_code, value_usd, valuation, net_kg, qty, qty_unit, is_estimated,
                   is_aggregate, (partner2 <> '' OR customs_code <> '' OR mot_code <> ''),
                   key_hash,
                   CASE WHEN m.old_vintage > ? THEN m.old_import END
            FROM _checked c LEFT JOIN _match m ON m.row_no = c.row_no
            WHERE c.problem IS NULL AND NOT coalesce(m.same, false)
            """,
            [vintage],
        )
        n_added = int(
            scalar(con, "SELECT count(*) FROM trade_flow WHERE import_id = ?", [import_id])
        )
        con.execute(
            "INSERT INTO trade_import VALUES (?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?)",
            [
                import_id,
                name,
                sha,
                size,
                fmt,
                ",".join(sources),
                vintage,
                rows_read,
                n_added,
                n_same,
                n_revised,
                n_bad,
                strict,
            ],
        )
        if problems:
            con.executemany(
                "INSERT INTO trade_problem VALUES (?, ?, ?, ?)",
                [[import_id, p.row, p.field, p.message] for p in problems],
            )
        say("commit")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for t in ("_checked", "_match", "_dups"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
    return ImportResult(
        str(src.original),
        fmt,
        sha,
        import_id,
        None,
        rows_read,
        n_added,
        n_same,
        n_revised,
        n_bad,
        sources,
        problems,
        large,
        time.perf_counter() - t0,
        src.note,
    )


@dataclass(frozen=True)
class ImportRecord:
    """One row of the import log."""

    import_id: int
    file_name: str
    format: str
    sources: list[str]
    vintage: dt.date | None
    imported_at: dt.datetime
    rows_read: int
    rows_added: int
    rows_unchanged: int
    rows_revised: int
    rows_rejected: int


def list_imports(con: duckdb.DuckDBPyConnection) -> list[ImportRecord]:
    """The import log, oldest first."""
    rows = con.execute(
        "SELECT import_id, file_name, format, sources, vintage, imported_at, rows_read, "
        "rows_added, rows_unchanged, rows_revised, rows_rejected FROM trade_import ORDER BY 1"
    ).fetchall()
    return [
        ImportRecord(
            int(r[0]),
            str(r[1]),
            str(r[2]),
            str(r[3]).split(","),
            r[4],
            r[5],
            int(r[6]),
            int(r[7]),
            int(r[8]),
            int(r[9]),
            int(r[10]),
        )
        for r in rows
    ]


def export_parquet(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    *,
    reporter: str | None = None,
    partner: str | None = None,
    include_superseded: bool = False,
) -> int:
    """Write stored flows (current values unless ``include_superseded``) to Parquet; row count."""
    where = ["true"] if include_superseded else ["superseded_by IS NULL"]
    if reporter:
        where.append(f"reporter = '{_sql_str(reporter)}'")
    if partner:
        where.append(f"partner = '{_sql_str(partner)}'")
    query = (
        "SELECT f.* EXCLUDE (key_hash), i.file_name, i.vintage FROM trade_flow f "
        f"JOIN trade_import i USING (import_id) WHERE {' AND '.join(where)} "
        "ORDER BY reporter, partner, flow, period_start, hs_code"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    # COPY streams the result to disk: memory stays bounded whatever the store's size.
    con.execute(f"COPY ({query}) TO '{_sql_str(str(tmp))}' (FORMAT parquet, COMPRESSION zstd)")
    tmp.replace(out)
    return int(scalar(con, f"SELECT count(*) FROM read_parquet('{_sql_str(str(out))}')"))


__all__ = [
    "ENV_DB",
    "ImportRecord",
    "ImportResult",
    "Revision",
    "TradeStoreError",
    "connect",
    "default_db_path",
    "export_parquet",
    "import_file",
    "list_imports",
    "norm_column",
]
