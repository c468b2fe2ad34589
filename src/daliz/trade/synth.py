"""Synthetic UN Comtrade files for tests and benchmarks — **not real data**.

Rows follow the Comtrade API v1 / Comtrade+ layout (47 columns) with realistic codes (Comtrade
area codes, HS2022 subheadings, monthly or annual periods, FOB exports and CIF imports, unit
values that vary by product). Every reporter and partner description ends in ``(SYNTHETIC)``,
and daliz's importer labels such rows with source ``synthetic`` so they can never pass for
published statistics. Generation runs inside DuckDB, so 10^7 rows take seconds, not minutes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import duckdb

from daliz.trade import codes

COMTRADE_COLUMNS = [
    "typeCode",
    "freqCode",
    "refPeriodId",
    "refYear",
    "refMonth",
    "period",
    "reporterCode",
    "reporterISO",
    "reporterDesc",
    "flowCode",
    "flowDesc",
    "partnerCode",
    "partnerISO",
    "partnerDesc",
    "partner2Code",
    "partner2ISO",
    "partner2Desc",
    "classificationCode",
    "classificationSearchCode",
    "isOriginalClassification",
    "cmdCode",
    "cmdDesc",
    "aggrLevel",
    "isLeaf",
    "customsCode",
    "customsDesc",
    "mosCode",
    "motCode",
    "motDesc",
    "qtyUnitCode",
    "qtyUnitAbbr",
    "qty",
    "isQtyEstimated",
    "altQtyUnitCode",
    "altQtyUnitAbbr",
    "altQty",
    "isAltQtyEstimated",
    "netWgt",
    "isNetWgtEstimated",
    "grossWgt",
    "isGrossWgtEstimated",
    "cifvalue",
    "fobvalue",
    "primaryValue",
    "legacyEstimationFlag",
    "isReported",
    "isAggregate",
]

# Economies of the region first (reporters are taken from the head of this list).
DEFAULT_AREAS = [
    "KAZ",
    "PAK",
    "UZB",
    "AFG",
    "CHN",
    "RUS",
    "IRN",
    "TKM",
    "KGZ",
    "TJK",
    "TUR",
    "ARE",
    "IND",
    "USA",
    "DEU",
    "AZE",
    "GEO",
    "SAU",
    "ITA",
    "NLD",
    "KOR",
    "JPN",
    "GBR",
    "FRA",
    "BLR",
    "UKR",
    "OMN",
    "QAT",
    "BGD",
    "LKA",
    "MYS",
    "IDN",
    "THA",
    "VNM",
    "EGY",
    "POL",
    "ESP",
    "BEL",
    "CHE",
    "NOR",
]


@dataclass(frozen=True)
class SynthSummary:
    """What the generator wrote."""

    path: str
    rows: int
    reporters: list[str]
    partners: int
    periods: int
    hs_codes: int
    bytes: int


def _coprime_multiplier(total: int) -> int:
    m = 2654435761  # Knuth's multiplicative-hash prime: spreads consecutive i over the key space
    while math.gcd(m, total) != 1:
        m += 2
    return m


def write_comtrade_csv(
    path: Path,
    *,
    rows: int,
    seed: int = 1,
    reporters: int = 8,
    partners: int = 40,
    first_year: int = 2015,
    last_year: int = 2024,
    monthly: bool = True,
    threads: int | None = None,
) -> SynthSummary:
    """Write ``rows`` synthetic Comtrade v1 records (distinct natural keys) to a CSV file.

    A ``.gz`` suffix writes gzip. Values: lognormal trade values (median ≈ USD 50 k) and net
    weights from a per-product unit value (USD 0.2–200 per kg).
    """
    areas = list(DEFAULT_AREAS[: max(partners, reporters)])
    reporters = min(reporters, len(areas))
    country = codes.countries()
    hs6 = sorted(c for c, e in codes.hs_entries().items() if e.level == 6)
    n_periods = (last_year - first_year + 1) * (12 if monthly else 1)
    n_partners = len(areas) - 1  # a reporter never trades with itself
    total = reporters * n_partners * 2 * n_periods * len(hs6)
    if rows > total:
        raise ValueError(f"at most {total} distinct rows with these settings, asked for {rows}")
    mult = _coprime_multiplier(total)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar=false")
        if threads:
            con.execute(f"SET threads={int(threads)}")
        con.execute(
            "CREATE TEMP TABLE area (pos INTEGER, iso3 VARCHAR, code INTEGER, name VARCHAR)"
        )
        con.executemany(
            "INSERT INTO area VALUES (?, ?, ?, ?)",
            [
                [i, a, country[a].comtrade_code, f"{country[a].name_en} (SYNTHETIC)"]
                for i, a in enumerate(areas)
            ],
        )
        con.execute("CREATE TEMP TABLE hs (pos INTEGER, code VARCHAR)")
        con.executemany("INSERT INTO hs VALUES (?, ?)", [[i, c] for i, c in enumerate(hs6)])
        per = 12 if monthly else 1
        query = f"""
        WITH idx AS (
            SELECT i, CAST((CAST(i AS HUGEINT) * {mult}) % {total} AS BIGINT) AS k
            FROM range({rows}) t(i)
        ), parts AS (
            SELECT i,
                k % {len(hs6)} AS hs_pos,
                (k // {len(hs6)}) % {n_periods} AS per_pos,
                (k // {len(hs6) * n_periods}) % 2 AS flow_pos,
                (k // {len(hs6) * n_periods * 2}) % {n_partners} AS p_raw,
                (k // {len(hs6) * n_periods * 2 * n_partners}) AS r_pos
            FROM idx
        ), draws AS (
            SELECT *,
                CASE WHEN p_raw >= r_pos THEN p_raw + 1 ELSE p_raw END AS p_pos,
                {first_year} + per_pos // {per} AS year,
                CASE WHEN {int(monthly)} = 1 THEN per_pos % 12 + 1 ELSE 52 END AS month,
                (hash(i, {seed}, 1) % 1000000 + 0.5) / 1000000.0 AS u1,
                (hash(i, {seed}, 2) % 1000000 + 0.5) / 1000000.0 AS u2,
                (hash(hs_pos, {seed}, 3) % 1000000 + 0.5) / 1000000.0 AS u3
            FROM parts
        ), v AS (
            SELECT d.*, h.code AS cmd, r.code AS rcode, r.iso3 AS riso, r.name AS rname,
                p.code AS pcode, p.iso3 AS piso, p.name AS pname,
                round(exp(10.8 + 2.0 * sqrt(-2 * ln(u1)) * cos(2 * pi() * u2)), 2) AS value,
                exp(ln(0.2) + u3 * ln(1000.0)) AS usd_per_kg
            FROM draws d JOIN hs h ON h.pos = d.hs_pos
            JOIN area r ON r.pos = d.r_pos JOIN area p ON p.pos = d.p_pos
        )
        SELECT
            'C' AS typeCode,
            '{"M" if monthly else "A"}' AS freqCode,
            CAST(year * 10000 + (CASE WHEN month = 52 THEN 1 ELSE month END) * 100 + 1 AS VARCHAR)
                AS refPeriodId,
            year AS refYear,
            month AS refMonth,
            CASE WHEN month = 52 THEN CAST(year AS VARCHAR)
                 ELSE CAST(year * 100 + month AS VARCHAR) END AS period,
            rcode AS reporterCode, riso AS reporterISO, rname AS reporterDesc,
            CASE flow_pos WHEN 0 THEN 'X' ELSE 'M' END AS flowCode,
            CASE flow_pos WHEN 0 THEN 'Export' ELSE 'Import' END AS flowDesc,
            pcode AS partnerCode, piso AS partnerISO, pname AS partnerDesc,
            0 AS partner2Code, 'W00' AS partner2ISO, 'World' AS partner2Desc,
            'H6' AS classificationCode, 'HS' AS classificationSearchCode,
            'true' AS isOriginalClassification,
            cmd AS cmdCode, 'SYNTHETIC ' || cmd AS cmdDesc, 6 AS aggrLevel, 'true' AS isLeaf,
            'C00' AS customsCode, 'TOTAL CPC' AS customsDesc, 0 AS mosCode, 0 AS motCode,
            'TOTAL MOT' AS motDesc, 8 AS qtyUnitCode, 'kg' AS qtyUnitAbbr,
            round(value / usd_per_kg, 1) AS qty, 'false' AS isQtyEstimated,
            -1 AS altQtyUnitCode, 'N/A' AS altQtyUnitAbbr, NULL AS altQty,
            'false' AS isAltQtyEstimated,
            round(value / usd_per_kg, 1) AS netWgt, 'false' AS isNetWgtEstimated,
            round(value / usd_per_kg * 1.04, 1) AS grossWgt, 'false' AS isGrossWgtEstimated,
            CASE flow_pos WHEN 1 THEN value END AS cifvalue,
            CASE flow_pos WHEN 0 THEN value END AS fobvalue,
            value AS primaryValue,
            0 AS legacyEstimationFlag, 'true' AS isReported, 'false' AS isAggregate
        FROM v
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        comp = "gzip" if path.suffix == ".gz" else "none"
        target = str(path).replace("'", "''")
        con.execute(f"COPY ({query}) TO '{target}' (HEADER, DELIMITER ',', COMPRESSION {comp})")
    finally:
        con.close()
    return SynthSummary(
        str(path), rows, areas[:reporters], n_partners, n_periods, len(hs6), path.stat().st_size
    )
