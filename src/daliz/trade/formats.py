"""Trade file formats: open (gzip, zip, xlsx), detect the layout from the header, and map each
layout's columns onto daliz's canonical trade-flow columns as DuckDB SQL expressions.

Layouts (see docs/trade.md and shared TRADE-DATA.md §1): UN Comtrade API v1 / Comtrade+ (CSV or
JSON), legacy Comtrade CSV, WITS raw (long) and WITS partner/indicator tables (wide), CEPII BACI,
and daliz's national-statistics CSV. Column names match case-insensitively, ignoring spaces and
punctuation, with the aliases users' files really carry (``Prtner2Code``, ``reporterISO3``,
``year``).
"""

from __future__ import annotations

import csv
import gzip
import re
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree as ET

from daliz.errors import DalizError
from daliz.i18n import N_, _

FileKind = Literal["csv", "parquet", "json"]
FormatName = Literal["comtrade", "comtrade-legacy", "wits", "wits-wide", "baci", "national"]

# English descriptions (msgids: shown translated with `_()`).
FORMATS: dict[str, str] = {
    "comtrade": N_(
        "UN Comtrade API v1 / Comtrade+ (typeCode, reporterCode, flowCode, cmdCode, "
        "primaryValue, …)"
    ),
    "comtrade-legacy": N_(
        "legacy UN Comtrade CSV (Trade Flow Code, Reporter Code, Commodity Code, "
        "Trade Value (US$), …)"
    ),
    "wits": N_(
        "WITS raw Comtrade query (ReporterISO3, PartnerISO3, Year, TradeFlowName, ProductCode, "
        "TradeValue in 1000 USD)"
    ),
    "wits-wide": N_(
        "WITS partner/indicator table (Reporter Name, Partner Name, Trade Flow, "
        "Indicator, 1995, 1996, …)"
    ),
    "baci": "CEPII BACI (t, i, j, k, v, q)",
    "national": N_(
        "daliz national-statistics CSV (year, month, reporter, partner, flow, hs_code, "
        "value_usd, net_weight_kg, source)"
    ),
}


class TradeFormatError(DalizError):
    """A trade file cannot be opened or its layout is not one daliz reads."""


def norm_column(name: str) -> str:
    """Normalised column name: lower case, letters and digits only (BOM and quotes dropped)."""
    return re.sub(r"[^0-9a-z]", "", name.replace("\ufeff", "").lower())


# Aliases seen in real files → the normalised name daliz uses.
_ALIASES = {
    "prtner2code": "partner2code",  # Comtrade+ portal export typo (shared/trade-samples D)
    "reporteriso3": "reporteriso",
    "partneriso3": "partneriso",
    "partner2iso3": "partner2iso",
    "atlqty": "altqty",  # same portal export
    "year": "refyear",
    "month": "refmonth",
}

_NATIONAL_ALIASES = {"hs": "hscode", "netkg": "netweightkg", "netwgt": "netweightkg"}


@dataclass
class SourceFile:
    """A trade file made readable for DuckDB."""

    original: Path
    path: Path  # what DuckDB reads (the original, or a member extracted from a zip / xlsx)
    kind: FileKind
    compression: Literal["none", "gzip"]
    encoding: Literal["utf-8", "latin-1"]
    delimiter: str
    columns: list[str]  # header as written
    note: str = ""  # e.g. "zip member X"
    by_norm: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in self.columns:
            key = norm_column(name)
            key = _ALIASES.get(key, key)
            self.by_norm.setdefault(key, name)

    def has(self, *names: str) -> bool:
        return all(n in self.by_norm for n in names)

    def col(self, norm: str) -> str | None:
        """SQL identifier of the column with this normalised name, or None.

        Raw columns enter the staging query renamed with a ``__`` prefix (see ``raw_ident``)
        so a national file's ``reporter`` or ``flow`` never clashes with the canonical names.
        """
        name = self.by_norm.get(norm)
        return None if name is None else raw_ident(name)


def raw_ident(name: str) -> str:
    """Identifier under which a file's column appears in the staging query."""
    return '"__' + name.replace('"', '""') + '"'


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --------------------------------------------------------------------------------------------
# Opening files


def _magic(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(8)


def _sniff_text(sample: bytes) -> tuple[Literal["utf-8", "latin-1"], str]:
    """Encoding and decoded text of a sample (cut at the last newline to keep characters whole)."""
    cut = sample.rfind(b"\n")
    if cut > 0:
        sample = sample[: cut + 1]
    try:
        return "utf-8", sample.decode("utf-8")
    except UnicodeDecodeError:
        # Comtrade+ and WITS downloads re-saved on Windows are cp1252; DuckDB reads latin-1,
        # which differs only in 0x80–0x9F (curly quotes, €) and only in descriptive names.
        return "latin-1", sample.decode("latin-1")


def _header(text: str) -> tuple[str, list[str]]:
    lines = text.lstrip("\ufeff").splitlines()  # a lone BOM leaves no line at all
    first = lines[0] if lines and text.strip() else ""
    if not first:
        return ",", []
    delim = max([",", ";", "\t", "|"], key=first.count)
    row = next(csv.reader([first], delimiter=delim))
    # A trailing delimiter adds an empty name: drop it (Comtrade+ rows end with a comma).
    while row and not row[-1].strip():
        row.pop()
    return delim, [c.strip() for c in row]


@contextmanager
def open_source(path: Path, tmp_dir: Path) -> Iterator[SourceFile]:
    """Make a trade file readable for DuckDB: unzip, convert xlsx, sniff encoding and header.

    Raises TradeFormatError for missing files, empty files and archives with no single data file.
    """
    if not path.is_file():
        raise TradeFormatError(_("{file}: no such file.").format(file=path))
    magic = _magic(path)
    if not magic:
        raise TradeFormatError(_("{file}: the file is empty.").format(file=path))
    if magic.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise TradeFormatError(
                _("{file}: cannot read the file ({error}).").format(file=path, error=exc)
            ) from None
        with archive as zf:
            names = zf.namelist()
            if "xl/workbook.xml" in names:
                out = tmp_dir / (path.stem + ".csv")
                _xlsx_to_csv(zf, out, path)
                with _plain(path, out, note=_("xlsx sheet")) as src:
                    yield src
                return
            members = [
                n for n in names if (not n.endswith("/") and not n.startswith("__MACOSX") and
                not n.lower().endswith((".txt", ".md", ".pdf"))) or n.lower().endswith(".csv.txt")
            ]  # fmt: skip
            if len(members) != 1:
                raise TradeFormatError(
                    _(
                        "{file}: a zip archive must hold exactly one data file; it holds "
                        "{count}: {members}."
                    ).format(file=path, count=len(members), members=", ".join(members[:10]) or "—")
                )
            out = tmp_dir / Path(members[0]).name
            with zf.open(members[0]) as src_fh, out.open("wb") as dst:
                shutil.copyfileobj(src_fh, dst, 1 << 20)
        with _plain(path, out, note=_("zip member {name}").format(name=members[0])) as src:
            yield src
        return
    with _plain(path, path) as src:
        yield src


@contextmanager
def _plain(original: Path, path: Path, note: str = "") -> Iterator[SourceFile]:
    magic = _magic(path)
    compression: Literal["none", "gzip"] = "gzip" if magic.startswith(b"\x1f\x8b") else "none"
    if magic.startswith(b"PAR1"):
        import pyarrow.parquet as pq

        try:
            names = list(pq.read_schema(path).names)
        except Exception as exc:  # pyarrow's ArrowInvalid/OSError on a damaged file
            raise TradeFormatError(
                _("{file}: cannot read the file ({error}).").format(
                    file=original, error=str(exc).splitlines()[0]
                )
            ) from None
        yield SourceFile(original, path, "parquet", "none", "utf-8", ",", names, note)
        return
    opener = gzip.open if compression == "gzip" else open
    try:
        with opener(path, "rb") as fh:
            sample = fh.read(1 << 16)
    except (OSError, EOFError) as exc:
        raise TradeFormatError(
            _("{file}: cannot read the file ({error}).").format(file=original, error=exc)
        ) from exc
    encoding, text = _sniff_text(sample)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        yield SourceFile(original, path, "json", compression, "utf-8", ",", [], note)
        return
    delim, columns = _header(text)
    if not columns:
        raise TradeFormatError(_("{file}: the file has no header line.").format(file=original))
    yield SourceFile(original, path, "csv", compression, encoding, delim, columns, note)


# --------------------------------------------------------------------------------------------
# xlsx (WITS downloads): a small reader of the first sheet with data; no extra dependency.

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RNS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _col_index(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref)
    if letters is None:
        raise ValueError(ref)
    n = 0
    for ch in letters.group(0):
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _xml(zf: zipfile.ZipFile, name: str) -> ET.Element:
    return ET.fromstring(zf.read(name).lstrip(b"\xef\xbb\xbf"))  # WITS parts start with a BOM


def _xlsx_to_csv(zf: zipfile.ZipFile, out: Path, original: Path) -> None:
    """Write the first non-empty worksheet as CSV.

    Cells may omit their ``r`` reference (WITS writes one only after a gap), so the column
    position is tracked while reading.
    """
    shared: list[str] = []
    if "xl/sharedStrings.xml" in zf.namelist():
        for si in _xml(zf, "xl/sharedStrings.xml").iter(f"{_NS}si"):
            shared.append("".join(t.text or "" for t in si.iter(f"{_NS}t")))
    book = _xml(zf, "xl/workbook.xml")
    rels = _xml(zf, "xl/_rels/workbook.xml.rels")
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    sheets = []
    for s in book.iter(f"{_NS}sheet"):
        tgt = target.get(s.get(f"{_RNS}id"), "")
        tgt = tgt.lstrip("/")
        sheets.append(tgt if tgt.startswith("xl/") else "xl/" + tgt)
    for sheet in sheets:
        rows: list[list[str]] = []
        for row in _xml(zf, sheet).iter(f"{_NS}row"):
            values: list[str] = []
            pos = -1
            for c in row.iter(f"{_NS}c"):
                ref = c.get("r")
                pos = _col_index(ref) if ref else pos + 1
                v = c.find(f"{_NS}v")
                if c.get("t") == "inlineStr":
                    text = "".join(t.text or "" for t in c.iter(f"{_NS}t"))
                elif v is None or v.text is None:
                    text = ""
                elif c.get("t") == "s":
                    text = shared[int(v.text)]
                else:
                    text = v.text
                values.extend([""] * (pos + 1 - len(values)))
                values[pos] = text
            rows.append(values)
        if any(any(v.strip() for v in r) for r in rows):
            width = max(len(r) for r in rows)
            with out.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                for r in rows:
                    writer.writerow(r + [""] * (width - len(r)))
            return
    raise TradeFormatError(_("{file}: the workbook has no sheet with data.").format(file=original))


# --------------------------------------------------------------------------------------------
# Detection


def detect_format(src: SourceFile) -> FormatName:
    """The layout of a file from its column names; raises TradeFormatError listing what is known."""
    if src.has("primaryvalue", "flowcode", "cmdcode") and (
        src.has("reportercode") or src.has("reporteriso")
    ):
        return "comtrade"
    if src.has("tradevalueus", "commoditycode", "tradeflowcode"):
        return "comtrade-legacy"
    if src.has("tradevaluein1000usd", "productcode") and src.has("reporteriso"):
        return "wits"
    years = [c for c in src.columns if re.fullmatch(r"\s*\d{4}\s*", c)]
    if src.has("reportername", "partnername", "tradeflow") and years:
        return "wits-wide"
    if {"t", "i", "j", "k", "v"} <= set(src.by_norm):
        return "baci"
    norm = {_NATIONAL_ALIASES.get(k, k) for k in src.by_norm}
    if {"refyear", "reporter", "partner", "flow", "hscode", "valueusd"} <= norm:
        return "national"
    known = "\n".join(f"  - {k}: {_(v)}" for k, v in FORMATS.items())
    shown = ", ".join(src.columns[:12]) + (" …" if len(src.columns) > 12 else "")
    raise TradeFormatError(
        _("{file}: unrecognised trade file layout (columns: {columns}).").format(
            file=src.original, columns=shown
        ),
        hint=_("daliz reads these layouts:") + "\n" + known,
    )


# --------------------------------------------------------------------------------------------
# Reading SQL


def reader_sql(src: SourceFile, encoding: str | None = None) -> str:
    """DuckDB table function reading the file, every column as text."""
    p = "'" + str(src.path).replace("'", "''") + "'"
    if src.kind == "parquet":
        return f"read_parquet({p})"
    if src.kind == "json":
        return f"read_json({p}, format='auto', compression='{_duck_compression(src)}')"
    enc = encoding or src.encoding
    delim = src.delimiter.replace("'", "''")
    return (
        f"read_csv({p}, header=true, all_varchar=true, delim='{delim}', quote='\"', "
        f"escape='\"', encoding='{enc}', compression='{_duck_compression(src)}', "
        "strict_mode=false, null_padding=true, auto_detect=false, "
        f"columns={_columns_struct(src)})"
    )


def _duck_compression(src: SourceFile) -> str:
    return "gzip" if src.compression == "gzip" else "none"


def _columns_struct(src: SourceFile) -> str:
    """Explicit column list (header names, all VARCHAR) so DuckDB never guesses types."""
    seen: dict[str, int] = {}
    parts = []
    for name in src.columns:
        n = seen.get(name, 0)
        seen[name] = n + 1
        unique = name if n == 0 else f"{name}_{n}"
        parts.append("'" + unique.replace("'", "''") + "': 'VARCHAR'")
    return "{" + ", ".join(parts) + "}"


# --------------------------------------------------------------------------------------------
# Canonical mapping

# Natural key of a flow: one value per key and vintage.
KEY_COLUMNS = (
    "source",
    "reporter",
    "partner",
    "partner2",
    "flow",
    "freq",
    "period_start",
    "period_end",
    "hs_code",
    "customs_code",
    "mot_code",
)


@dataclass(frozen=True)
class Mapping:
    """SQL expressions over the raw (all-text, ``__``-prefixed) columns for each canonical column.

    ``freq``, ``value_usd`` and ``valuation`` are evaluated one step later and may use the
    computed ``flow``, ``year``, ``month``, ``pstart`` and ``source`` columns. The ``*_raw``
    message expressions are evaluated only for rows with a problem.
    """

    source: str
    reporter_raw: str
    partner_raw: str
    partner2_raw: str
    flow_raw: str
    flow: str  # canonical flow code or NULL
    freq: str  # 'A' | 'M' | 'P' or NULL when invalid
    year: str
    month: str
    pstart: str  # 'YYYY-MM' for freq P
    pend: str
    period_raw: str
    hs_raw: str
    hs_code: str
    hs_edition: str
    customs_code: str
    mot_code: str
    value_raw: str
    value_usd: str
    valuation: str
    net_kg: str
    qty: str
    qty_unit: str
    is_estimated: str
    is_aggregate: str
    fields: dict[str, str]  # canonical name → column name shown in problems
    helpers: dict[str, str] = field(default_factory=dict)  # computed first, used by the others
    relation: str = ""  # FROM clause (set by the importer)


def _t(expr: str | None) -> str:
    """Trimmed text or NULL."""
    return "NULL" if expr is None else f"NULLIF(trim({expr}), '')"


def _num(expr: str | None) -> str:
    # DuckDB's cast ignores surrounding blanks and gives NULL for '' under TRY_CAST.
    return "NULL" if expr is None else f"TRY_CAST({expr} AS DOUBLE)"


def _bool(expr: str | None) -> str:
    if expr is None:
        return "NULL"
    return (
        f"(CASE lower(trim({expr})) WHEN 'true' THEN true WHEN '1' THEN true "
        "WHEN 'false' THEN false WHEN '0' THEN false ELSE NULL END)"
    )


def _flow_words(expr: str, helpers: dict[str, str]) -> str:
    """Flow names and codes → X, M, RX, RM (and Comtrade's other codes kept as they are).

    The normalised word is a helper column (``_fw``) so the CASE compares a computed value
    instead of re-evaluating the string functions for every WHEN.
    """
    helpers["_fw"] = f"upper(replace(replace(replace(trim({expr}), '-', ''), ' ', ''), '_', ''))"
    return (
        "(CASE _fw WHEN 'X' THEN 'X' WHEN 'M' THEN 'M' WHEN 'RX' THEN 'RX' WHEN 'RM' THEN 'RM' "
        "WHEN 'EXPORT' THEN 'X' WHEN 'EXPORTS' THEN 'X' WHEN 'IMPORT' THEN 'M' "
        "WHEN 'IMPORTS' THEN 'M' WHEN 'REEXPORT' THEN 'RX' WHEN 'REEXPORTS' THEN 'RX' "
        "WHEN 'REIMPORT' THEN 'RM' WHEN 'REIMPORTS' THEN 'RM' "
        "WHEN 'GROSSEXPORTS' THEN 'GX' WHEN 'GROSSEXP' THEN 'GX' WHEN 'GROSSIMPORTS' THEN 'GM' "
        "WHEN 'GROSSIMP' THEN 'GM' "
        "WHEN 'DX' THEN 'DX' WHEN 'FM' THEN 'FM' WHEN 'MIP' THEN 'MIP' WHEN 'XIP' THEN 'XIP' "
        "WHEN 'MOP' THEN 'MOP' WHEN 'XOP' THEN 'XOP' ELSE NULL END)"
    )


def _hs(code: str, level: str | None, helpers: dict[str, str]) -> str:
    """HS code text: 'TOTAL' for totals, digits with leading zeros restored.

    Excel re-saves drop leading zeros ('805' for 0805); an odd digit count is padded to the
    next even length, or to the declared aggregation level when the file has one.
    """
    helpers["_hst"] = f"upper(trim({code}))"
    c = "_hst"
    even = f"lpad({c}, CAST(length({c}) + length({c}) % 2 AS INTEGER), '0')"
    pad = even
    if level:
        helpers["_hsl"] = f"TRY_CAST({level} AS INTEGER)"
        pad = (
            f"(CASE WHEN (_hsl = 2 OR _hsl = 4 OR _hsl = 6 OR _hsl = 8 OR _hsl = 10) "
            f"AND length({c}) < _hsl THEN lpad({c}, _hsl, '0') ELSE {even} END)"
        )
    return (
        f"(CASE WHEN length({c}) BETWEEN 1 AND 10 AND translate({c}, '0123456789', '') = '' "
        f"THEN {pad} WHEN {c} = 'TOTAL' OR {c} = 'ALL' OR {c} = 'ALL PRODUCTS' THEN 'TOTAL' "
        "ELSE NULL END)"
    )


def _period_parts(
    period: str | None, year: str | None, month: str | None, helpers: dict[str, str]
) -> tuple[str, str]:
    """(year, month) SQL from a 'YYYY'/'YYYYMM'/'YYYY-MM' period column, or year/month columns."""
    if period is not None:
        helpers["_pd"] = f"replace(replace(trim({period}), '-', ''), '/', '')"
        y = (
            "(CASE WHEN length(_pd) = 4 OR length(_pd) = 6 "
            "THEN TRY_CAST(substr(_pd, 1, 4) AS INTEGER) END)"
        )
        m = "(CASE WHEN length(_pd) = 6 THEN TRY_CAST(substr(_pd, 5, 2) AS INTEGER) END)"
        return y, m
    y = f"TRY_CAST({year} AS INTEGER)" if year else "NULL"
    if month is None:
        return y, "NULL"
    # Comtrade writes refMonth 52 (or 99) for annual rows.
    helpers["_mm"] = f"TRY_CAST({month} AS INTEGER)"
    return y, "(CASE WHEN _mm = 52 OR _mm = 99 OR _mm = 0 THEN NULL ELSE _mm END)"


def _valuation_default(flow: str) -> str:
    # Explicit ORs: DuckDB turns long IN lists into joins.
    cif = " OR ".join(f"{flow} = '{f}'" for f in ("M", "RM", "GM", "FM", "MIP", "MOP"))
    return f"(CASE WHEN {cif} THEN 'CIF' ELSE 'FOB' END)"


def _synthetic(source: str, *desc: str | None) -> str:
    """Rows written by daliz's generator say so in their names: keep them labelled 'synthetic'."""
    cols = [d for d in desc if d]
    if not cols:
        return f"'{source}'"
    cond = " OR ".join(f"contains(coalesce({d}, ''), 'SYNTHETIC')" for d in cols)
    return f"(CASE WHEN {cond} THEN 'synthetic' ELSE '{source}' END)"


def mapping_for(fmt: FormatName, src: SourceFile, source_override: str | None) -> Mapping:
    """Canonical column expressions for a detected layout."""
    helpers: dict[str, str] = {}
    m = _mapping_for(fmt, src, source_override, helpers)
    return replace(m, helpers=helpers)


def _mapping_for(
    fmt: FormatName, src: SourceFile, source_override: str | None, h: dict[str, str]
) -> Mapping:
    c = src.col
    if fmt == "comtrade":
        flow_raw = c("flowcode") or "NULL"
        flow = _flow_words(flow_raw, h)
        y, m = _period_parts(c("period"), c("refyear"), c("refmonth"), h)
        freq = c("freqcode")
        freq_sql = (
            f"(CASE WHEN upper(trim({freq})) IN ('A', 'M') THEN upper(trim({freq})) END)"
            if freq
            else "(CASE WHEN month IS NULL THEN 'A' ELSE 'M' END)"
        )
        primary = _num(c("primaryvalue"))
        value = (
            f"coalesce({primary}, CASE WHEN flow IN ('X','RX') THEN {_num(c('fobvalue'))} "
            f"ELSE {_num(c('cifvalue'))} END)"
        )
        reporter = c("reportercode") or c("reporteriso")
        partner = c("partnercode") or c("partneriso")
        unit = c("qtyunitabbr")
        return Mapping(
            source=f"'{source_override}'"
            if source_override
            else _synthetic("comtrade", c("reporterdesc"), c("partnerdesc")),
            reporter_raw=f"coalesce({_t(reporter)}, {_t(c('reporteriso'))})",
            partner_raw=f"coalesce({_t(partner)}, {_t(c('partneriso'))})",
            partner2_raw=_t(c("partner2code") or c("partner2iso")),
            flow_raw=_t(flow_raw),
            flow=flow,
            freq=freq_sql,
            year=y,
            month=m,
            pstart="NULL",
            pend="NULL",
            period_raw=_t(c("period") or c("refyear")),
            hs_raw=_t(c("cmdcode")),
            hs_code=_hs(c("cmdcode") or "NULL", c("aggrlevel"), h),
            hs_edition=_t(c("classificationcode")),
            customs_code=_t(c("customscode")),
            mot_code=_t(c("motcode")),
            value_raw=f"coalesce({_t(c('primaryvalue'))}, '')",
            value_usd=value,
            valuation=_valuation_default("flow"),
            net_kg=f"NULLIF({_num(c('netwgt'))}, 0)",
            qty=f"NULLIF({_num(c('qty'))}, 0)",
            qty_unit=f"NULLIF({_t(unit)}, 'N/A')" if unit else "NULL",
            is_estimated=f"NOT {_bool(c('isreported'))}" if c("isreported") else "NULL",
            is_aggregate=_bool(c("isaggregate")),
            fields={
                "reporter": src.by_norm.get("reportercode", "reporterISO"),
                "partner": src.by_norm.get("partnercode", "partnerISO"),
                "flow": src.by_norm.get("flowcode", "flowCode"),
                "period": src.by_norm.get("period", "refYear"),
                "hs_code": src.by_norm.get("cmdcode", "cmdCode"),
                "value": src.by_norm.get("primaryvalue", "primaryValue"),
            },
        )
    if fmt == "comtrade-legacy":
        code = c("tradeflowcode") or "NULL"
        flow = (
            f"(CASE trim({code}) WHEN '1' THEN 'M' WHEN '2' THEN 'X' WHEN '3' THEN 'RX' "
            "WHEN '4' THEN 'RM' ELSE NULL END)"
        )
        y, m = _period_parts(c("period") or c("refyear"), None, None, h)
        return Mapping(
            source=f"'{source_override}'"
            if source_override
            else _synthetic("comtrade-legacy", c("reporter"), c("partner")),
            reporter_raw=f"coalesce({_t(c('reportercode'))}, {_t(c('reporteriso'))})",
            partner_raw=f"coalesce({_t(c('partnercode'))}, {_t(c('partneriso'))})",
            partner2_raw=_t(c("2ndpartnercode")),
            flow_raw=_t(code),
            flow=flow,
            freq="(CASE WHEN year IS NULL THEN NULL WHEN month IS NULL THEN 'A' ELSE 'M' END)",
            year=y,
            month=m,
            pstart="NULL",
            pend="NULL",
            period_raw=_t(c("period")),
            hs_raw=_t(c("commoditycode")),
            hs_code=_hs(c("commoditycode") or "NULL", c("aggregatelevel"), h),
            hs_edition=_t(c("classification")),
            customs_code=_t(c("customsproccode")),
            mot_code=_t(c("modeoftransportcode")),
            value_raw=f"coalesce({_t(c('tradevalueus'))}, '')",
            value_usd=_num(c("tradevalueus")),
            valuation=_valuation_default("flow"),
            net_kg=f"NULLIF({_num(c('netweightkg'))}, 0)",
            qty=f"NULLIF({_num(c('qty'))}, 0)",
            qty_unit=_t(c("qtyunit")),
            is_estimated="NULL",
            is_aggregate="NULL",
            fields={
                "reporter": "Reporter Code",
                "partner": "Partner Code",
                "flow": "Trade Flow Code",
                "period": "Period",
                "hs_code": "Commodity Code",
                "value": "Trade Value (US$)",
            },
        )
    if fmt == "wits":
        flow_col = c("tradeflowname") or c("tradeflowcode") or "NULL"
        flow = _flow_words(flow_col, h)
        y, m = _period_parts(None, c("refyear"), None, h)
        return Mapping(
            source=f"'{source_override or 'wits'}'",
            reporter_raw=_t(c("reporteriso")),
            partner_raw=_t(c("partneriso")),
            partner2_raw="NULL",
            flow_raw=_t(flow_col),
            flow=flow,
            freq="(CASE WHEN year IS NULL THEN NULL ELSE 'A' END)",
            year=y,
            month="NULL",
            pstart="NULL",
            pend="NULL",
            period_raw=_t(c("refyear")),
            hs_raw=_t(c("productcode")),
            hs_code=_hs(c("productcode") or "NULL", None, h),
            hs_edition=_t(c("nomenclature")),
            customs_code="NULL",
            mot_code="NULL",
            value_raw=f"coalesce({_t(c('tradevaluein1000usd'))}, '')",
            value_usd=f"{_num(c('tradevaluein1000usd'))} * 1000",  # WITS: thousands of USD
            valuation=_valuation_default("flow"),
            net_kg=f"NULLIF({_num(c('netweightinkgm'))}, 0)",
            qty=f"NULLIF({_num(c('quantity'))}, 0)",
            qty_unit=_t(c("qtyunit")),
            is_estimated="NULL",
            is_aggregate="NULL",
            fields={
                "reporter": "ReporterISO3",
                "partner": "PartnerISO3",
                "flow": "TradeFlowName",
                "period": "Year",
                "hs_code": "ProductCode",
                "value": "TradeValue in 1000 USD",
            },
        )
    if fmt == "wits-wide":
        # The importer unpivots the year columns into (year_col, cell) first.
        flow = _flow_words(c("tradeflow") or "NULL", h)
        ind = c("indicator") or c("measure")
        ind_l = f"lower(coalesce({ind}, ''))" if ind else "''"
        no_indicator = _("(no indicator)").replace("'", "''")
        scale = (
            f"(CASE WHEN contains({ind_l}, '%') OR contains({ind_l}, 'share') THEN NULL "
            f"WHEN contains({ind_l}, 'thousand') THEN 1000.0 "
            f"WHEN contains({ind_l}, 'mil') THEN 1000000.0 "
            f"WHEN contains({ind_l}, 'us$') OR contains({ind_l}, 'usd') THEN 1.0 "
            "ELSE NULL END)"
        )
        product = c("productgroup")
        hs = "'TOTAL'" if product is None else _hs(product, None, h)
        return Mapping(
            source=f"'{source_override or 'wits'}'",
            reporter_raw=_t(c("reportername")),
            partner_raw=_t(c("partnername")),
            partner2_raw="NULL",
            flow_raw=_t(c("tradeflow")),
            flow=flow,
            freq="'A'",
            year="TRY_CAST(year_col AS INTEGER)",
            month="NULL",
            pstart="NULL",
            pend="NULL",
            period_raw="year_col",
            hs_raw="'TOTAL'" if product is None else _t(product),
            hs_code=hs,
            hs_edition="NULL",
            customs_code="NULL",
            mot_code="NULL",
            value_raw=(
                f"year_col || ': ' || coalesce({_t('cell')}, '') || ' ' "
                f"|| coalesce({_t(ind)}, '{no_indicator}')"
            ),
            value_usd=f"{_num('cell')} * {scale}",
            valuation=_valuation_default("flow"),
            net_kg="NULL",
            qty="NULL",
            qty_unit="NULL",
            is_estimated="NULL",
            is_aggregate="NULL",
            fields={
                "reporter": "Reporter Name",
                "partner": "Partner Name",
                "flow": "Trade Flow",
                "period": _("year column"),
                "hs_code": "Product Group",
                "value": src.by_norm.get("indicator", "Indicator"),
            },
        )
    if fmt == "baci":
        edition = re.search(r"HS(\d\d)", src.original.name.upper())
        label = f"baci-HS{edition.group(1)}" if edition else "baci"
        return Mapping(
            source=f"'{source_override or label}'",
            reporter_raw=_t(c("i")),
            partner_raw=_t(c("j")),
            partner2_raw="NULL",
            flow_raw="'X'",
            flow="'X'",
            freq="(CASE WHEN year IS NULL THEN NULL ELSE 'A' END)",
            year=f"TRY_CAST({c('t')} AS INTEGER)",
            month="NULL",
            pstart="NULL",
            pend="NULL",
            period_raw=_t(c("t")),
            hs_raw=_t(c("k")),
            hs_code=f"lpad(trim({c('k')}), 6, '0')",
            hs_edition=f"'HS{edition.group(1)}'" if edition else "NULL",
            customs_code="NULL",
            mot_code="NULL",
            value_raw=f"coalesce({_t(c('v'))}, '')",
            value_usd=f"{_num(c('v'))} * 1000",  # BACI: thousands of USD, FOB
            valuation="'FOB'",
            net_kg=f"{_num(c('q'))} * 1000" if c("q") else "NULL",  # metric tons → kg
            qty="NULL",
            qty_unit="NULL",
            is_estimated="NULL",
            is_aggregate="NULL",
            fields={
                "reporter": "i",
                "partner": "j",
                "flow": "-",
                "period": "t",
                "hs_code": "k",
                "value": "v",
            },
        )

    # national
    def nc(name: str) -> str | None:
        for k, v in _NATIONAL_ALIASES.items():
            if v == name and src.col(k):
                return src.col(k)
        return src.col(name)

    flow = _flow_words(nc("flow") or "NULL", h)
    y, m = _period_parts(None, nc("refyear"), nc("refmonth"), h)
    ps = nc("periodstart")
    pe = nc("periodend")
    has_span = ps is not None and pe is not None
    pstart = _t(ps) if has_span else "NULL"
    pend = _t(pe) if has_span else "NULL"
    freq = (
        "(CASE WHEN pstart IS NOT NULL THEN 'P' WHEN year IS NULL THEN NULL "
        "WHEN month IS NULL THEN 'A' ELSE 'M' END)"
    )
    src_col = nc("source")
    source_sql = (
        f"'{source_override}'"
        if source_override
        else (f"lower({_t(src_col)})" if src_col else "'national'")
    )
    val_col = nc("valuation")
    valuation = (
        f"coalesce(upper({_t(val_col)}), {_valuation_default('flow')})"
        if val_col
        else f"(CASE WHEN source = 'pk-sbp' THEN 'FOB' ELSE {_valuation_default('flow')} END)"
    )
    return Mapping(
        source=source_sql,
        reporter_raw=_t(nc("reporter")),
        partner_raw=_t(nc("partner")),
        partner2_raw="NULL",
        flow_raw=_t(nc("flow")),
        flow=flow,
        freq=freq,
        year=y,
        month=m,
        pstart=pstart,
        pend=pend,
        period_raw=(
            f"coalesce({pstart} || '..' || {pend}, CAST({y} AS VARCHAR) || "
            f"coalesce('-' || lpad(CAST({m} AS VARCHAR), 2, '0'), ''), {_t(nc('refyear'))})"
        ),
        hs_raw=_t(nc("hscode")),
        hs_code=_hs(nc("hscode") or "NULL", None, h),
        hs_edition=_t(nc("hsedition")),
        customs_code="NULL",
        mot_code="NULL",
        value_raw=f"coalesce({_t(nc('valueusd'))}, '')",
        value_usd=_num(nc("valueusd")),
        valuation=valuation,
        net_kg=_num(nc("netweightkg")),
        qty="NULL",
        qty_unit="NULL",
        is_estimated=_bool(nc("isestimated")) if nc("isestimated") else "NULL",
        is_aggregate="NULL",
        fields={
            "reporter": "reporter",
            "partner": "partner",
            "flow": "flow",
            "period": "year/month" if not has_span else "period_start/period_end",
            "hs_code": "hs_code",
            "value": "value_usd",
        },
    )


# --------------------------------------------------------------------------------------------
# Lean path for large Comtrade v1 files

# Columns the lean reader types itself (the CSV parser converts them, which is much cheaper
# than text followed by casts); any value that does not convert makes DuckDB raise, and the
# importer then falls back to the tolerant all-text path that reports row numbers.
_LEAN_TYPES = {
    "refyear": "INTEGER",
    "refmonth": "INTEGER",
    "period": "INTEGER",
    "reportercode": "INTEGER",
    "partnercode": "INTEGER",
    "partner2code": "INTEGER",
    "motcode": "INTEGER",
    "aggrlevel": "INTEGER",
    "primaryvalue": "DOUBLE",
    "cifvalue": "DOUBLE",
    "fobvalue": "DOUBLE",
    "netwgt": "DOUBLE",
    "qty": "DOUBLE",
}
_LEAN_NEEDED = (
    "freqcode", "refyear", "refmonth", "period", "reportercode", "partnercode", "flowcode",
    "cmdcode", "primaryvalue",
)  # fmt: skip


def lean_comtrade_select(src: SourceFile, source_override: str | None) -> str | None:
    """A cheap SELECT of canonical columns for a clean Comtrade v1 CSV, or None if the file
    lacks a column it relies on.

    It assumes what clean Comtrade files guarantee (numeric area codes, refYear/refMonth that
    agree with period, HS codes with their leading zeros) and sets ``bad`` on any row where
    that does not hold; the importer then re-reads the file on the tolerant path, so stored
    rows are identical either way. Country codes join ``_alias_num`` (integer code → ISO3).
    """
    if src.kind != "csv" or not src.has(*_LEAN_NEEDED):
        return None

    def c(norm: str) -> str:
        name = src.by_norm.get(norm)
        return "NULL" if name is None else "r." + quote_ident(name)

    types = {}
    for norm, typ in _LEAN_TYPES.items():
        if norm in src.by_norm:
            types[src.by_norm[norm]] = typ
    cols = []
    seen: dict[str, int] = {}
    for name in src.columns:
        n = seen.get(name, 0)
        seen[name] = n + 1
        unique = name if n == 0 else f"{name}_{n}"
        cols.append("'" + unique.replace("'", "''") + "': '" + types.get(name, "VARCHAR") + "'")
    p = "'" + str(src.path).replace("'", "''") + "'"
    comp = "gzip" if src.compression == "gzip" else "none"
    delim = src.delimiter.replace("'", "''")
    reader = (
        f"read_csv({p}, header=true, auto_detect=false, delim='{delim}', quote='\"', "
        f"escape='\"', encoding='{src.encoding}', compression='{comp}', strict_mode=false, "
        f"null_padding=true, columns={{{', '.join(cols)}}})"
    )
    if source_override:
        source = f"'{source_override}'"
    else:
        desc = [c(d) for d in ("reporterdesc", "partnerdesc") if d in src.by_norm]
        cond = " OR ".join(f"contains(coalesce({d}, ''), 'SYNTHETIC')" for d in desc) or "false"
        source = f"CASE WHEN {cond} THEN 'synthetic' ELSE 'comtrade' END"
    flow = c("flowcode")
    month = f"CASE WHEN {c('refmonth')} IN (52, 99, 0) THEN NULL ELSE {c('refmonth')} END"
    cmd = c("cmdcode")
    lv = c("aggrlevel")
    cif_flows = " OR ".join(f"{flow} = '{f}'" for f in ("M", "RM", "FM", "MIP", "MOP"))
    known_flows = " OR ".join(
        f"flow = '{f}'" for f in ("X", "M", "RX", "RM", "DX", "FM", "MIP", "XIP", "MOP", "XOP")
    )
    value = (
        f"coalesce({c('primaryvalue')}, CASE WHEN {flow} = 'X' OR {flow} = 'RX' "
        f"THEN {c('fobvalue')} ELSE {c('cifvalue')} END)"
    )
    boolean = (
        "CASE {0} WHEN 'true' THEN true WHEN 'TRUE' THEN true WHEN 'True' THEN true "
        "WHEN '1' THEN true WHEN 'false' THEN false WHEN 'FALSE' THEN false "
        "WHEN 'False' THEN false WHEN '0' THEN false END"
    )
    is_est = f"NOT ({boolean.format(c('isreported'))})" if "isreported" in src.by_norm else "NULL"
    is_agg = boolean.format(c("isaggregate")) if "isaggregate" in src.by_norm else "NULL"
    unit = (
        f"NULLIF(NULLIF(trim({c('qtyunitabbr')}), ''), 'N/A')"
        if "qtyunitabbr" in src.by_norm
        else "NULL"
    )
    customs = c("customscode")
    p2 = c("partner2code")
    mot = c("motcode")
    return f"""
    WITH l AS (
        SELECT {source} AS source,
            ra.iso3 AS reporter, pa.iso3 AS partner,
            CASE WHEN {p2} IS NULL OR {p2} = 0 THEN '' ELSE coalesce(p2.iso3, '?') END
                AS partner2,
            {flow} AS flow, {c("freqcode")} AS freq, {c("refyear")} AS year,
            {month} AS month, {cmd} AS hs_code,
            CASE WHEN {cmd} = 'TOTAL' THEN 0 ELSE length({cmd}) END AS hs_level,
            NULLIF({c("classificationcode")}, '') AS hs_edition,
            CASE WHEN {customs} IS NULL OR {customs} = 'C00' OR {customs} = '' THEN ''
                 ELSE {customs} END AS customs_code,
            CASE WHEN {mot} IS NULL OR {mot} = 0 THEN '' ELSE CAST({mot} AS VARCHAR) END
                AS mot_code,
            {value} AS value_usd,
            CASE WHEN {cif_flows} THEN 'CIF' ELSE 'FOB' END AS valuation,
            NULLIF({c("netwgt")}, 0) AS net_kg, NULLIF({c("qty")}, 0) AS qty,
            {unit} AS qty_unit, {is_est} AS is_estimated, {is_agg} AS is_aggregate,
            {c("period")} AS period_num, {lv} AS aggr_level
        FROM {reader} r
        LEFT JOIN _alias_num ra ON ra.code = {c("reportercode")}
        LEFT JOIN _alias_num pa ON pa.code = {c("partnercode")}
        LEFT JOIN _alias_num p2 ON p2.code = {p2}
    ), d AS (
        SELECT *,
            CASE WHEN freq = 'A' THEN make_date(year, 1, 1)
                 WHEN freq = 'M' AND month BETWEEN 1 AND 12 THEN make_date(year, month, 1)
            END AS period_start,
            CASE WHEN freq = 'A' THEN make_date(year, 12, 31)
                 WHEN freq = 'M' AND month BETWEEN 1 AND 12
                 THEN last_day(make_date(year, month, 1)) END AS period_end
        FROM l
    )
    SELECT source, reporter, partner, partner2, flow, freq, year, month, period_start,
        period_end, hs_code, hs_level, hs_edition, customs_code, mot_code, value_usd,
        valuation, net_kg, qty, qty_unit, is_estimated, is_aggregate,
        (partner2 <> '' OR customs_code <> '' OR mot_code <> '') AS is_breakdown,
        CASE WHEN reporter IS NULL OR partner IS NULL OR partner2 = '?'
                  OR NOT ({known_flows}) OR period_start IS NULL
                  OR year < 1900 OR year > 2100
                  OR NOT (period_num = year AND freq = 'A'
                          OR period_num = year * 100 + month AND freq = 'M')
                  OR hs_code IS NULL OR NOT (hs_code = 'TOTAL' AND hs_level = 0
                      OR hs_level % 2 = 0 AND hs_level BETWEEN 2 AND 10
                         AND translate(hs_code, '0123456789', '') = ''
                         AND (aggr_level IS NULL OR aggr_level = hs_level))
                  OR value_usd IS NULL OR isnan(value_usd) OR value_usd < 0
                  OR net_kg < 0
             THEN 'lean' END AS problem
    FROM d
    """
