"""Mirror analysis: what one side reported against what its partner reported for the same flow.

A's exports to B (FOB, by last known destination) rarely equal B's imports from A (CIF, by
origin): freight and insurance (IMF DOTS uses a flat CIF/FOB factor of 1.06), partner
attribution through transit countries, timing, trade systems, confidentiality and
classification all differ (UN IMTS 2010 ch. 9; WITS mirror help; shared TRADE-DATA.md §1.6).
Both numbers are kept side by side, each labelled with the side, source and valuation that
published it; the gap is ``mirror − reported`` with the mirror also shown converted to FOB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import duckdb

from daliz.errors import RequestError
from daliz.i18n import N_, _, format_number
from daliz.trade import analytics, codes, indices

CIF_FOB_FACTOR = 1.06  # IMF Direction of Trade Statistics convention

# English texts (the msgids); `caveats()` gives them in the current language.
_CAVEATS = (
    N_(
        "Imports are valued CIF (with freight and insurance), exports FOB; the mirror is also "
        "shown divided by {factor} (IMF DOTS) to compare like with like."
    ),
    N_(
        "Importers record the country of origin, exporters the last known destination: goods "
        "crossing Afghanistan, Uzbekistan, Iran, China or the UAE may be credited to those "
        "countries by one side."
    ),
    N_(
        "Timing (shipped in December, recorded in January), general vs special trade systems, "
        "confidential lines and classification differences also open gaps."
    ),
    N_(
        "Pakistan's SBP series are payment records (fiscal year July–June, both flows FOB), not "
        "customs data; PBS customs imports were under-reported in 2017–2025 and are being "
        "revised."
    ),
)


def caveats() -> tuple[str, ...]:
    """Why the two sides' figures differ, in the current language."""
    factor = format_number(CIF_FOB_FACTOR, digits=2)
    return tuple(_(text).format(factor=factor) for text in _CAVEATS)


CAVEATS = tuple(text.format(factor=CIF_FOB_FACTOR) for text in _CAVEATS)  # English


@dataclass(frozen=True)
class MirrorRow:
    """One flow seen from both sides (one year, or one product in one year)."""

    year: int
    direction: str  # e.g. "KAZ→PAK"
    hs_code: str  # "TOTAL" or a product code
    description: str
    reported_by: str  # the exporter
    reported_source: str
    reported_valuation: str  # FOB
    reported_usd: float | None
    mirror_by: str  # the importer
    mirror_source: str
    mirror_valuation: str  # CIF
    mirror_usd: float | None

    @property
    def mirror_fob_usd(self) -> float | None:
        if self.mirror_usd is None:
            return None
        if self.mirror_valuation == "CIF":
            return indices.mirror_fob(self.mirror_usd, CIF_FOB_FACTOR)
        return self.mirror_usd

    @property
    def gap_usd(self) -> float | None:
        """Mirror (as published) − reported."""
        if self.mirror_usd is None or self.reported_usd is None:
            return None
        return self.mirror_usd - self.reported_usd

    @property
    def gap_fob_usd(self) -> float | None:
        """Mirror converted to FOB − reported."""
        m = self.mirror_fob_usd
        if m is None or self.reported_usd is None:
            return None
        return m - self.reported_usd

    @property
    def ratio(self) -> float:
        """Mirror / reported (as published)."""
        if not self.mirror_usd or not self.reported_usd:
            return math.nan
        return self.mirror_usd / self.reported_usd


@dataclass(frozen=True)
class MirrorReport:
    a: str
    b: str
    source_a: str
    source_b: str
    rows: list[MirrorRow]
    caveats: tuple[str, ...] = CAVEATS
    notes: list[str] = field(default_factory=list)


def _pick_source(
    con: duckdb.DuckDBPyConnection, reporter: str, partner: str, source: str | None
) -> str:
    found = analytics.sources_for(con, reporter, partner)
    if source:
        if source not in found:
            raise RequestError(
                _("No {source} data reported by {reporter} for partner {partner}.").format(
                    source=source, reporter=reporter, partner=partner
                ),
                hint=analytics.sources_present(found),
            )
        return source
    if not found:
        raise RequestError(
            _(
                "No data reported by {reporter} for partner {partner}: a mirror comparison "
                "needs both sides' declarations."
            ).format(reporter=reporter, partner=partner),
            hint=_(
                "Import {reporter}'s own data (e.g. a Comtrade download with reporter "
                "{reporter} and partner {partner})."
            ).format(reporter=reporter, partner=partner),
        )
    if len(found) > 1:
        raise RequestError(
            _(
                "{reporter} has {partner} data from {sources}; choose one per side "
                "(--source-a / --source-b)."
            ).format(reporter=reporter, partner=partner, sources=", ".join(found))
        )
    return found[0]


def _totals(
    con: duckdb.DuckDBPyConnection, reporter: str, partner: str, flow: str, source: str
) -> dict[int, tuple[float, str]]:
    """Annual value (TOTAL, else the sum at one HS level) and valuation, by year."""
    out: dict[int, tuple[float, str]] = {}
    for row in analytics.annual_series(con, reporter, partner, source=source):
        v = row.value
        val = v.exports_usd if flow == "X" else v.imports_usd
        if val is not None and v.months == 12:
            out[v.year] = (val, "FOB" if flow == "X" else _valuation(con, source, flow))
    return out


def _valuation(con: duckdb.DuckDBPyConnection, source: str, flow: str) -> str:
    rows = con.execute(
        f"SELECT any_value(valuation) FROM {analytics.flows_sql(con)} "
        "WHERE source = ? AND flow = ?",
        [source, flow],
    ).fetchall()
    return str(rows[0][0]) if rows and rows[0][0] else ("CIF" if flow == "M" else "FOB")


def mirror(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    *,
    source_a: str | None = None,
    source_b: str | None = None,
    year: int | None = None,
    digits: int | None = None,
) -> MirrorReport:
    """Both directions between ``a`` and ``b`` by year; or by product (``digits`` 2/4/6) for
    one ``year``. Each row pairs the exporter's declaration with the importer's."""
    a, b = codes.resolve_country(a), codes.resolve_country(b)
    sa = _pick_source(con, a, b, source_a)
    sb = _pick_source(con, b, a, source_b)
    rows: list[MirrorRow] = []
    notes: list[str] = []
    for exporter, importer, s_exp, s_imp in ((a, b, sa, sb), (b, a, sb, sa)):
        direction = f"{exporter}→{importer}"
        if digits is None:
            rep = _totals(con, exporter, importer, "X", s_exp)
            mir = _totals(con, importer, exporter, "M", s_imp)
            for y in sorted(rep.keys() | mir.keys()):
                if year is not None and y != year:
                    continue
                r, m = rep.get(y), mir.get(y)
                rows.append(
                    MirrorRow(
                        y, direction, "TOTAL", "All products", exporter, s_exp,
                        r[1] if r else "FOB", r[0] if r else None, importer, s_imp,
                        m[1] if m else "CIF", m[0] if m else None,
                    )
                )  # fmt: skip
        else:
            if year is None:
                raise RequestError(_("A product-level mirror needs --year."))
            rep_p = _products(con, exporter, importer, "X", year, s_exp, digits, notes)
            mir_p = _products(con, importer, exporter, "M", year, s_imp, digits, notes)
            val_m = _valuation(con, s_imp, "M")
            for code in sorted(rep_p.keys() | mir_p.keys()):
                rows.append(
                    MirrorRow(
                        year, direction, code, codes.hs_description(code), exporter, s_exp,
                        "FOB", rep_p.get(code), importer, s_imp, val_m, mir_p.get(code),
                    )
                )  # fmt: skip
    return MirrorReport(a, b, sa, sb, rows, caveats=caveats(), notes=notes)


def _products(
    con: duckdb.DuckDBPyConnection,
    reporter: str,
    partner: str,
    flow: str,
    year: int,
    source: str,
    digits: int,
    notes: list[str],
) -> dict[str, float]:
    try:
        comp = analytics.composition(
            con, reporter, partner, flow=flow, year=year, source=source,
            level={2: "chapter", 4: "heading", 6: "subheading"}[digits],  # type: ignore[arg-type]
        )  # fmt: skip
    except RequestError as exc:
        notes.append(exc.message)
        return {}
    return {i.code: i.value_usd for i in comp.items}
