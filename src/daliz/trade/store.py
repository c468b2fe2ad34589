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
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from daliz.errors import DalizError, DatasetError, Problem
from daliz.i18n import _
from daliz.trade import codes
from daliz.trade.formats import (
    KEY_COLUMNS,
    Mapping,
    SourceFile,
    TradeFormatError,
    detect_format,
    lean_comtrade_select,
    mapping_for,
    norm_column,
    open_source,
    quote_ident,
    raw_ident,
    reader_sql,
)

SCHEMA_VERSION = 1
ENV_DB = "DALIZ_TRADE_DB"
# Per-import revisions above this relative change are listed as "large" (vintages disagree:
# shared/trade-samples README, quirk 9).
LARGE_REVISION = 0.10
# Large Comtrade v1 CSVs go through a typed, lean reader first (formats.lean_comtrade_select);
# tests switch it off to check that both paths store identical rows.
LEAN_COMTRADE = True

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
    source VARCHAR,
    reporter VARCHAR,
    partner VARCHAR,
    partner2 VARCHAR,
    flow VARCHAR,
    freq VARCHAR,
    year SMALLINT,
    month TINYINT,
    period_start DATE,
    period_end DATE,
    hs_code VARCHAR,
    hs_level TINYINT,
    hs_edition VARCHAR,
    customs_code VARCHAR,
    mot_code VARCHAR,
    value_usd DOUBLE,
    valuation VARCHAR,
    net_kg DOUBLE,
    qty DOUBLE,
    qty_unit VARCHAR,
    is_estimated BOOLEAN,
    is_aggregate BOOLEAN,
    is_breakdown BOOLEAN,
    superseded_by INTEGER,
    problem VARCHAR  -- used while an import runs; committed rows always have NULL here
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
            _("No trade database at {path}.").format(path=path),
            hint=_(
                "Import data first: daliz trade import FILE (or pass --db / set DALIZ_TRADE_DB)."
            ),
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise TradeStoreError(
            _("Cannot open the trade database {path}: {error}").format(
                path=path, error=str(exc).splitlines()[0] if str(exc) else exc
            ),
            hint=_("Another daliz process may be importing into it; wait and retry."),
        ) from exc
    try:
        con.execute(f"SET memory_limit='{memory_limit}'")
        con.execute("SET enable_progress_bar=false")
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
        raise TradeStoreError(_("{path} is not a daliz trade database.").format(path=path)) from exc
    if row is None or int(row[0]) != SCHEMA_VERSION:
        raise TradeStoreError(
            _(
                "{path} has trade schema version {found}; this daliz reads version {version}."
            ).format(path=path, found=row[0] if row else "?", version=SCHEMA_VERSION)
        )


def _sql_str(text: str) -> str:
    return text.replace("'", "''")


def _sql_text(template: str, **values: str) -> str:
    """A (translated) message as a SQL text expression: the literal parts quoted, each
    ``{field}`` replaced by the SQL expression given for it."""
    parts = re.split(r"\{(\w+)\}", template)
    pieces = [
        values[part] if i % 2 else f"'{_sql_str(part)}'"
        for i, part in enumerate(parts)
        if i % 2 or part
    ]
    return " || ".join(pieces) or "''"


def _problem_sql(field_name: str, template: str, **values: str) -> str:
    """SQL for a row problem 'field|message' (split at the first '|' when read back)."""
    return _sql_text(field_name.replace("|", "/") + "|" + template, **values)


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
    """``_alias(key, iso3)``: every accepted spelling, keyed as ``upper(trim(code))``.

    Numeric codes appear plain and zero-padded to three digits ('4' and '004'), so the join
    key needs no per-row normalisation beyond upper/trim.
    """
    import pyarrow as pa

    aliases = dict(codes.code_aliases())
    for key, iso3 in list(aliases.items()):
        if key.isdigit():
            aliases.setdefault(key.zfill(3), iso3)
    tbl = pa.table({"key": list(aliases.keys()), "iso3": list(aliases.values())})
    con.register("_alias_arrow", tbl)
    con.execute("CREATE OR REPLACE TEMP TABLE _alias AS SELECT * FROM _alias_arrow")
    con.unregister("_alias_arrow")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _alias_num AS SELECT DISTINCT CAST(key AS INTEGER) AS code, "
        "iso3 FROM _alias WHERE regexp_full_match(key, '[0-9]{1,9}') AND key = ltrim(key, '0') "
        "OR key = '0'"
    )


def _stage_select(m: Mapping, *, with_row_no: bool) -> str:
    """SELECT giving canonical columns, ISO codes, the first problem per row and the key hash.

    One streaming pass over the relation, in steps so each expression is computed once.
    Message texts quoting raw values are evaluated only for rows with a problem (DuckDB
    evaluates CASE branches selectively). The country joins have a tiny build side.
    """
    f = m.fields
    p = _problem_sql
    # The first problem of a row, in the current language (message texts that quote raw values
    # are evaluated only for rows with a problem: DuckDB evaluates CASE branches selectively).
    checks = (
        ("reporter_raw IS NULL", p(f["reporter"], _("missing reporter"))),
        (
            "reporter IS NULL",
            p(f["reporter"], _("unknown reporter code '{code}'"), code="reporter_raw"),
        ),
        ("partner_raw IS NULL", p(f["partner"], _("missing partner"))),
        (
            "partner IS NULL",
            p(f["partner"], _("unknown partner code '{code}'"), code="partner_raw"),
        ),
        (
            "flow IS NULL",
            p(
                f["flow"],
                _("unknown trade flow '{flow}' (expected X, M, RX, RM or export/import)"),
                flow=f"coalesce({m.flow_raw}, '')",
            ),
        ),
        (
            "freq IS NULL OR year IS NULL OR period_start IS NULL OR period_end IS NULL "
            "OR year < 1900 OR year > 2100 OR period_end < period_start",
            p(f["period"], _("invalid period '{period}'"), period=f"coalesce({m.period_raw}, '')"),
        ),
        (
            "hs_code IS NULL OR hs_level % 2 = 1 OR hs_level > 10",
            p(
                f["hs_code"],
                _("invalid HS code '{code}' (expected TOTAL or 2–10 digits)"),
                code=f"coalesce({m.hs_raw}, '')",
            ),
        ),
        (
            "value_usd IS NULL OR isnan(value_usd) OR isinf(value_usd)",
            p(
                f["value"],
                _("missing or non-numeric value '{value}'"),
                value=f"coalesce({m.value_raw}, '')",
            ),
        ),
        (
            "value_usd < 0",
            p(f["value"], _("negative value {value}"), value="CAST(value_usd AS VARCHAR)"),
        ),
        ("net_kg < 0", p(_("net weight"), _("negative net weight"))),
    )
    problems = "CASE " + " ".join(f"WHEN {when} THEN {then}" for when, then in checks) + " END"
    key = ", ".join(KEY_COLUMNS)
    helpers = "".join(f", {expr} AS {name}" for name, expr in m.helpers.items())
    row_no = "row_no, " if with_row_no else ""
    return f"""
    WITH l0 AS (
        SELECT *{helpers} FROM {m.relation}
    ), l1 AS (
        SELECT *,
            {m.source} AS source,
            upper({m.reporter_raw}) AS reporter_raw,
            upper({m.partner_raw}) AS partner_raw,
            upper({m.partner2_raw}) AS partner2_raw,
            {m.flow} AS flow,
            {m.year} AS year,
            {m.month} AS month,
            {m.pstart} AS pstart,
            {m.pend} AS pend,
            {m.hs_code} AS hs_code,
            {m.hs_edition} AS hs_edition,
            {m.customs_code} AS customs_raw,
            {m.mot_code} AS mot_raw,
            {m.net_kg} AS net_kg,
            {m.qty} AS qty,
            {m.qty_unit} AS qty_unit,
            {m.is_estimated} AS is_estimated,
            {m.is_aggregate} AS is_aggregate
        FROM l0
    ), l2 AS (
        SELECT *, {m.freq} AS freq, {m.value_usd} AS value_usd, {m.valuation} AS valuation
        FROM l1
    ), l3 AS (
        SELECT l2.*,
            ra.iso3 AS reporter,
            pa.iso3 AS partner,
            CASE WHEN partner2_raw IS NULL OR partner2_raw = '0' OR partner2_raw = 'W00'
                      OR partner2_raw = 'WLD' THEN ''
                 ELSE coalesce(p2.iso3, partner2_raw) END AS partner2,
            CASE WHEN customs_raw IS NULL OR upper(customs_raw) = 'C00' THEN ''
                 ELSE customs_raw END AS customs_code,
            CASE WHEN mot_raw IS NULL OR mot_raw = '0' THEN '' ELSE mot_raw END AS mot_code,
            CASE WHEN freq = 'A' THEN make_date(year, 1, 1)
                 WHEN freq = 'M' AND month BETWEEN 1 AND 12 THEN make_date(year, month, 1)
                 WHEN freq = 'P' THEN TRY_CAST(pstart || '-01' AS DATE) END AS period_start,
            CASE WHEN freq = 'A' THEN make_date(year, 12, 31)
                 WHEN freq = 'M' AND month BETWEEN 1 AND 12
                      THEN last_day(make_date(year, month, 1))
                 WHEN freq = 'P' THEN last_day(TRY_CAST(pend || '-01' AS DATE)) END
                 AS period_end,
            CASE WHEN hs_code = 'TOTAL' THEN 0 ELSE length(hs_code) END AS hs_level
        FROM l2
        LEFT JOIN _alias ra ON ra.key = l2.reporter_raw
        LEFT JOIN _alias pa ON pa.key = l2.partner_raw
        LEFT JOIN _alias p2 ON p2.key = l2.partner2_raw
    )
    SELECT {row_no}source, reporter, partner, partner2, flow, freq, year, month, period_start,
        period_end, hs_code, hs_level, hs_edition, customs_code, mot_code, value_usd,
        valuation, net_kg, qty, qty_unit, is_estimated, is_aggregate,
        (partner2 <> '' OR customs_code <> '' OR mot_code <> '') AS is_breakdown,
        hash({key}) AS key_hash,
        {problems} AS problem
    FROM l3
    """


KEY_HASH = "hash(" + ", ".join(KEY_COLUMNS) + ")"

_FLOW_COLUMNS = (
    "source, reporter, partner, partner2, flow, freq, year, month, period_start, period_end, "
    "hs_code, hs_level, hs_edition, customs_code, mot_code, value_usd, valuation, net_kg, qty, "
    "qty_unit, is_estimated, is_aggregate, is_breakdown"
)


def _same(a: str, b: str) -> str:
    """SQL: two stored measures are equal up to float noise (a cent, or 1e-9 relative)."""
    return f"(({a} IS NULL AND {b} IS NULL) OR abs({a} - {b}) <= greatest(0.01, 1e-9 * abs({a})))"


def _raw_projection(src: SourceFile, m: Mapping | None, *, keep: set[str] | None = None) -> str:
    """``"col" AS "__col"`` for the file columns the mapping reads (all when ``m`` is None).

    Columns in ``keep`` pass under their own name (the year columns of WITS wide tables).
    """
    text = "" if m is None else " ".join(str(v) for v in m.__dict__.values())
    parts = []
    for c in src.columns:
        if keep and c in keep:
            parts.append(quote_ident(c))
        elif m is None or raw_ident(c) in text:
            parts.append(f"{quote_ident(c)} AS {raw_ident(c)}")
    return ", ".join(parts)


def _check_wits_indicator(con: duckdb.DuckDBPyConnection, src: SourceFile) -> None:
    """Refuse WITS tables whose indicator is not a value in US$ (shares, growth rates, …)."""
    col = src.by_norm.get("indicator") or src.by_norm.get("measure")
    if col is None:
        raise TradeFormatError(
            _("{file}: this WITS table has no Indicator column, so its unit is unknown.").format(
                file=src.original
            )
        )
    found = [
        str(r[0]) for r in con.execute(f"SELECT DISTINCT {quote_ident(col)} FROM _raw").fetchall()
    ]
    money = [i for i in found if ("us$" in i.lower() or "usd" in i.lower()) and "%" not in i]
    if not money:
        raise TradeFormatError(
            _("{file}: this WITS table holds {indicators}, not trade values.").format(
                file=src.original, indicators=", ".join(repr(i) for i in found[:3])
            ),
            hint=_(
                "daliz imports values in US$ (e.g. 'Import (US$ Thousand)'); download the "
                "trade-value indicator instead of shares or growth rates."
            ),
        )


def _json_source(con: duckdb.DuckDBPyConnection, src: SourceFile) -> SourceFile:
    """Load a Comtrade JSON file (a list of records, or an object whose ``data`` is one)."""
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _json AS SELECT * FROM {reader_sql(src)}")
    except duckdb.Error as exc:
        raise TradeFormatError(
            _("{file}: invalid JSON: {error}").format(
                file=src.original, error=str(exc).splitlines()[0]
            )
        ) from exc
    cols = [r[0] for r in con.execute("DESCRIBE _json").fetchall()]
    if "data" in cols and len(cols) <= 6:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _json AS "
            "SELECT unnest(d, recursive := true) FROM (SELECT unnest(data) AS d FROM _json)"
        )
        cols = [r[0] for r in con.execute("DESCRIBE _json").fetchall()]
    if not cols:
        raise TradeFormatError(
            _("{file}: the JSON file holds no records.").format(file=src.original)
        )
    casts = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident(c)}" for c in cols)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _raw AS "
        f"SELECT row_number() OVER () AS __row_no, {casts} FROM _json"
    )
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
        raise DalizError(
            _("Invalid source label '{source}': use letters, digits, '-' or '_'.").format(
                source=source
            )
        )
    if not path.is_file():
        raise TradeFormatError(_("{file}: no such file.").format(file=path))
    size = path.stat().st_size
    # Same bytes means same size: hash first only when a stored file has this size (the
    # re-import case); otherwise hash in a thread while DuckDB reads the file.
    pool = ThreadPoolExecutor(max_workers=1)
    sha_future = pool.submit(file_sha256, path)
    pool.shutdown(wait=False)
    if scalar(con, "SELECT count(*) FROM trade_import WHERE file_bytes = ?", [size]):
        say("hash")
        sha = sha_future.result()
        prev = first_row(
            con, "SELECT import_id, format, sources FROM trade_import WHERE file_sha256 = ?", [sha]
        )
        if prev is not None:
            return ImportResult(
                str(path), str(prev[1]), sha, None, int(prev[0]), 0, 0, 0, 0, 0,
                str(prev[2]).split(","), seconds=time.perf_counter() - t0,
                note=_("already imported as import #{number}; nothing changed").format(
                    number=prev[0]
                ),
            )  # fmt: skip
    vintage = vintage or dt.date.fromtimestamp(path.stat().st_mtime)
    with (
        tempfile.TemporaryDirectory(prefix="daliz-trade-") as tmp,
        open_source(path, Path(tmp)) as src,
    ):
        job = _Job(
            con, src, sha=sha_future, size=size, strict=strict, source=source,
            vintage=vintage, max_problems=max_problems, say=say,
        )  # fmt: skip
        try:
            result = job.run()
        except duckdb.Error as exc:
            # Whatever DuckDB could not read (the paths above roll back their transaction) is
            # a clean error naming the file, not a traceback.
            raise TradeFormatError(
                _("{file}: cannot be imported: {error}").format(
                    file=path, error=str(exc).splitlines()[0]
                ),
                hint=_("Check the file's CSV quoting and line breaks, or save it again as UTF-8."),
            ) from None
        finally:
            for t in ("_raw", "_json", "_checked", "_match", "_alias", "_alias_num"):
                con.execute(f"DROP TABLE IF EXISTS {t}")
    result.seconds = time.perf_counter() - t0
    return result


@dataclass
class _Job:
    """One file's import: read and check in SQL, then write in a single transaction."""

    con: duckdb.DuckDBPyConnection
    src: SourceFile
    sha: Future[str]
    size: int
    strict: bool
    source: str | None
    vintage: dt.date
    max_problems: int
    say: Progress

    def run(self) -> ImportResult:
        con = self.con
        _alias_table(con)
        # DuckDB cannot estimate a CSV's row count and would build the country-code hash joins
        # on the file side (slow, memory-hungry): keep the joins as written (file probes the
        # small code table).
        con.execute("SET disabled_optimizers='join_order,build_side_probe_side'")
        try:
            return self._run()
        finally:
            con.execute("RESET disabled_optimizers")
            con.execute("RESET preserve_insertion_order")

    def _run(self) -> ImportResult:
        con, src = self.con, self.src
        staged = False  # rows sit in _raw (JSON, WITS wide tables): always the careful path
        if src.kind == "json":
            src = self.src = _json_source(con, src)
            staged = True
        self.fmt = detect_format(src)
        self.mapping = mapping_for(self.fmt, src, self.source)
        if self.fmt == "wits-wide" and not staged:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _raw AS "
                f"SELECT row_number() OVER () AS __row_no, * FROM {reader_sql(src)}"
            )
            staged = True
            _check_wits_indicator(con, src)
        self.say("read")
        if staged:
            return self._careful(self._staged_relation())
        if self.fmt == "comtrade" and LEAN_COMTRADE:
            lean = lean_comtrade_select(src, self.source)
            if lean is not None and self._direct([lean]):
                return self._finish()
        encodings: list[str] = [str(src.encoding)]
        if src.encoding == "utf-8":
            encodings.append("latin-1")
        selects = [
            _stage_select(
                self._mapping_on(self._file_relation(enc, row_numbers=False)), with_row_no=False
            )
            for enc in encodings
        ]
        if self._direct(selects, encodings):
            return self._finish()
        return self._careful(self._file_relation(self.src.encoding, row_numbers=True))

    # -- relations --------------------------------------------------------------------------

    def _staged_relation(self) -> str:
        src, m = self.src, self.mapping
        if self.fmt == "wits-wide":
            years = {c for c in src.columns if c.strip().isdigit()}
            year_cols = ", ".join(quote_ident(c) for c in src.columns if c in years)
            proj = _raw_projection(src, None, keep=years)
            return (
                f"(UNPIVOT (SELECT __row_no AS row_no, {proj} FROM _raw) ON {year_cols} "
                "INTO NAME year_col VALUE cell) WHERE NULLIF(trim(cell), '') IS NOT NULL"
            )
        return f"(SELECT __row_no AS row_no, {_raw_projection(src, m)} FROM _raw)"

    def _file_relation(self, encoding: str, *, row_numbers: bool) -> str:
        # row_number() OVER () numbers rows in file order (DuckDB keeps insertion order), at
        # the cost of a sequential pipeline: only the careful path asks for it.
        rn = "row_number() OVER () AS row_no, " if row_numbers else ""
        proj = _raw_projection(self.src, self.mapping)
        return f"(SELECT {rn}{proj} FROM {reader_sql(self.src, encoding)})"

    def _mapping_on(self, relation: str) -> Mapping:
        return replace(self.mapping, relation=relation)

    # -- direct paths: stream the file straight into trade_flow ------------------------------

    def _direct(self, selects: list[str], encodings: Sequence[str] | None = None) -> bool:
        """Insert every row in one parallel pass; keep it only if no row has a problem.

        ``selects`` are alternatives tried in turn when reading fails on the text encoding
        (``encodings`` names them). Returns False when a value does not convert, a row has a
        problem or a key repeats: the transaction is rolled back (nothing of this pass
        remains) and the caller takes the next, more tolerant path.
        """
        con = self.con
        # Row order does not matter here; not keeping it lets DuckDB write in parallel within
        # the memory limit.
        con.execute("SET preserve_insertion_order=false")
        for i, select in enumerate(selects):
            con.execute("BEGIN TRANSACTION")
            self.import_id = int(
                scalar(con, "SELECT coalesce(max(import_id), 0) + 1 FROM trade_import")
            )
            try:
                con.execute(
                    f"INSERT INTO trade_flow SELECT {self.import_id}, {_FLOW_COLUMNS}, NULL, "
                    f"problem FROM ({select})"
                )
            except (duckdb.ConversionException, duckdb.InvalidInputException) as exc:
                con.execute("ROLLBACK")
                text = str(exc).lower()
                if i + 1 < len(selects) and ("unicode" in text or "utf" in text):
                    continue
                if encodings is None:  # the lean reader met a value it cannot type: fall back
                    return False
                raise self._unreadable(exc) from exc
            except BaseException:
                con.execute("ROLLBACK")
                raise
            if encodings is not None:
                self.src.encoding = encodings[i]  # type: ignore[assignment]
            break
        else:
            return False
        self.say("check")
        counts = first_row(
            con,
            "SELECT count(*), count(problem) FROM trade_flow WHERE import_id = ?",
            [self.import_id],
        )
        assert counts is not None
        self.rows_read, n_bad = int(counts[0]), int(counts[1])
        dup = (
            0
            if n_bad
            else scalar(
                con,
                f"SELECT count(*) FROM (SELECT {KEY_HASH} AS h FROM trade_flow "
                "WHERE import_id = ? GROUP BY h HAVING count(*) > 1)",
                [self.import_id],
            )
        )
        if n_bad or dup or self.rows_read == 0:
            con.execute("ROLLBACK")
            return False
        self.n_bad = 0
        self.problems: list[Problem] = []
        return True

    # -- careful path: row numbers for every problem ----------------------------------------

    def _careful(self, relation: str) -> ImportResult:
        con, name = self.con, self.src.original.name
        con.execute("SET preserve_insertion_order=true")  # row_number() must follow the file
        select = _stage_select(self._mapping_on(relation), with_row_no=True)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _checked AS {select}")
        except duckdb.InvalidInputException as exc:
            raise self._unreadable(exc) from exc
        self.say("check")
        self.rows_read = int(
            scalar(con, "SELECT count(*) FROM _raw")
            if self.fmt == "wits-wide" or self.src.kind == "json" or self._has_raw()
            else scalar(con, "SELECT count(*) FROM _checked")
        )
        if self.rows_read == 0:
            raise DatasetError(
                [Problem(name, None, None, _("the file has a header but no data rows"))],
                what=_("trade file {name}").format(name=name),
            )
        self._mark_duplicates()
        self.n_bad = int(scalar(con, "SELECT count(*) FROM _checked WHERE problem IS NOT NULL"))
        self.problems = [
            Problem(name, int(r), *str(p).split("|", 1))
            for r, p in con.execute(
                "SELECT row_no, problem FROM _checked WHERE problem IS NOT NULL "
                "ORDER BY row_no LIMIT ?",
                [self.max_problems],
            ).fetchall()
        ]
        if self.strict and self.n_bad:
            raise DatasetError(
                self.problems,
                what=_("trade file {name} (--strict: nothing imported)").format(name=name),
            )
        if self.n_bad == int(scalar(con, "SELECT count(*) FROM _checked")):
            raise DatasetError(
                self.problems,
                what=_("trade file {name} (no row could be imported)").format(name=name),
            )
        con.execute("BEGIN TRANSACTION")
        try:
            self.import_id = int(
                scalar(con, "SELECT coalesce(max(import_id), 0) + 1 FROM trade_import")
            )
            con.execute(
                f"INSERT INTO trade_flow SELECT {self.import_id}, {_FLOW_COLUMNS}, NULL, NULL "
                "FROM _checked WHERE problem IS NULL"
            )
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return self._finish()

    def _unreadable(self, exc: Exception) -> TradeFormatError:
        return TradeFormatError(
            _("{file}: cannot read as {format} file: {error}").format(
                file=self.src.original, format=self.fmt, error=str(exc).splitlines()[0]
            )
        )

    def _has_raw(self) -> bool:
        return bool(
            scalar(
                self.con,
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_raw' AND temporary",
            )
        )

    def _mark_duplicates(self) -> None:
        """A key repeated in one file: the first row wins, later ones are problems."""
        con = self.con
        n = scalar(
            con,
            "SELECT count(*) FROM (SELECT key_hash FROM _checked WHERE problem IS NULL "
            "GROUP BY key_hash HAVING count(*) > 1)",
        )
        if not n:
            return
        keys = ", ".join(KEY_COLUMNS)
        on = " AND ".join(f"c.{k} IS NOT DISTINCT FROM d.{k}" for k in KEY_COLUMNS)
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _dups AS
            WITH rows AS (
                SELECT * FROM _checked WHERE problem IS NULL AND key_hash IN (
                    SELECT key_hash FROM _checked WHERE problem IS NULL
                    GROUP BY key_hash HAVING count(*) > 1)
            ), firsts AS (
                SELECT {keys}, min(row_no) AS first_row FROM rows GROUP BY ALL
                HAVING count(*) > 1
            )
            SELECT c.row_no, d.first_row FROM rows c JOIN firsts d ON {on}
            WHERE c.row_no <> d.first_row
            """
        )
        message = _problem_sql(
            _("key"),
            _("same reporter, partner, flow, period and HS code as row {row}"),
            row="CAST(d.first_row AS VARCHAR)",
        )
        con.execute(
            f"""
            UPDATE _checked SET problem = {message}
            FROM _dups d WHERE _checked.row_no = d.row_no
            """
        )
        con.execute("DROP TABLE _dups")

    # -- both paths: compare with stored vintages, record, commit -----------------------------

    def _finish(self) -> ImportResult:
        """Inside the open transaction: reconcile with stored rows, log the import, commit."""
        con, iid = self.con, self.import_id
        try:
            self.say("compare")
            others = scalar(
                con,
                "SELECT count(*) FROM (SELECT 1 FROM trade_flow WHERE import_id <> ? LIMIT 1)",
                [iid],
            )
            n_same = n_revised = 0
            large: list[Revision] = []
            if others:
                on = " AND ".join(f"t.{k} = n.{k}" for k in KEY_COLUMNS)
                con.execute(
                    f"""
                    CREATE OR REPLACE TEMP TABLE _match AS
                    SELECT n.rowid AS new_rowid, t.rowid AS old_rowid, t.import_id AS old_import,
                        i.vintage AS old_vintage, t.value_usd AS old_value,
                        n.value_usd AS new_value,
                        ({_same("t.value_usd", "n.value_usd")} AND {_same("t.net_kg", "n.net_kg")}
                         AND {_same("t.qty", "n.qty")}) AS same,
                        {" || '/' || ".join("n." + k + "::VARCHAR" for k in KEY_COLUMNS[:9])}
                            AS key_text
                    FROM trade_flow n JOIN trade_flow t
                      ON t.superseded_by IS NULL
                         AND t.import_id <> n.import_id AND {on}
                    JOIN trade_import i ON i.import_id = t.import_id
                    WHERE n.import_id = {iid}
                    """
                )
                stats = first_row(
                    con, "SELECT count(*) FILTER (same), count(*) FILTER (NOT same) FROM _match"
                )
                assert stats is not None
                n_same, n_revised = int(stats[0]), int(stats[1])
                large = [
                    Revision(str(k), float(o), float(n))
                    for k, o, n in con.execute(
                        "SELECT key_text, old_value, new_value FROM _match WHERE NOT same AND "
                        "(old_value = 0 OR abs(new_value / old_value - 1) > ?) "
                        "ORDER BY abs(new_value - old_value) DESC LIMIT 20",
                        [LARGE_REVISION],
                    ).fetchall()
                ]
                # Same values as stored: nothing to add. Different values: the newest
                # vintage is current, an older vintage arriving later is kept as history.
                con.execute(
                    "DELETE FROM trade_flow WHERE rowid IN "
                    "(SELECT new_rowid FROM _match WHERE same)"
                )
                con.execute(
                    "UPDATE trade_flow SET superseded_by = ? WHERE rowid IN "
                    "(SELECT old_rowid FROM _match WHERE NOT same AND old_vintage <= ?)",
                    [iid, self.vintage],
                )
                con.execute(
                    "UPDATE trade_flow SET superseded_by = m.old_import FROM _match m "
                    "WHERE trade_flow.rowid = m.new_rowid AND NOT m.same AND m.old_vintage > ?",
                    [self.vintage],
                )
            self.say("write")
            n_added = int(scalar(con, "SELECT count(*) FROM trade_flow WHERE import_id = ?", [iid]))
            sources = [
                str(r[0])
                for r in con.execute(
                    "SELECT DISTINCT source FROM trade_flow WHERE import_id = ? ORDER BY 1", [iid]
                ).fetchall()
            ]
            if not sources:  # every row was already stored with the same value
                sources = [str(r[0]) for r in con.execute(
                    "SELECT DISTINCT t.source FROM _match m JOIN trade_flow t "
                    "ON t.rowid = m.old_rowid ORDER BY 1"
                ).fetchall()]  # fmt: skip
            sha = self.sha.result()
            con.execute(
                "INSERT INTO trade_import VALUES (?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?)",
                [
                    iid, self.src.original.name, sha, self.size, self.fmt,
                    ",".join(sources), self.vintage, self.rows_read, n_added, n_same, n_revised,
                    self.n_bad, self.strict,
                ],
            )  # fmt: skip
            if self.problems:
                con.executemany(
                    "INSERT INTO trade_problem VALUES (?, ?, ?, ?)",
                    [[iid, p.row, p.field, p.message] for p in self.problems],
                )
            self.say("commit")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return ImportResult(
            str(self.src.original), self.fmt, sha, iid, None, self.rows_read, n_added,
            n_same, n_revised, self.n_bad, sources, self.problems, large, 0.0, self.src.note,
        )  # fmt: skip


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
        "SELECT f.* EXCLUDE (problem), i.file_name, i.vintage FROM trade_flow f "
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
