"""`daliz trade` commands: import trade statistics and analyse them (see docs/trade.md)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from daliz.errors import DalizError
from daliz.trade import (
    analytics,
    charts,
    codes,
    indices,
    mirror,
    published,
    store,
    synth,
    target,
)

app = typer.Typer(
    help="Trade monitor: import Comtrade/WITS/BACI/national files, analyse turnover, "
    "composition, concentration, mirror gaps and the USD 1 bn target.",
    no_args_is_help=True,
)
console = Console()

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar=store.ENV_DB,
        help="Trade database file (default: ~/.local/share/daliz/trade.duckdb).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
ReporterOpt = Annotated[str, typer.Option("--reporter", "-r", help="Reporter (KZ, KAZ, 398).")]
PartnerOpt = Annotated[str, typer.Option("--partner", "-p", help="Partner (PK, PAK, 586, WLD).")]
SourceOpt = Annotated[
    str | None, typer.Option("--source", help="Source label (comtrade, wits, kz-bns, …).")
]
YearOpt = Annotated[int | None, typer.Option("--year", help="Year (default: latest).")]


class LevelChoice(StrEnum):
    section = "section"
    chapter = "chapter"
    heading = "heading"
    subheading = "subheading"


class ByChoice(StrEnum):
    product = "product"
    partner = "partner"


# ------------------------------------------------------------------------------------------
# Output helpers


def _jsonable(obj: Any) -> Any:
    """Dataclasses (with their properties), dates and NaN → JSON-ready values."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        for name in dir(type(obj)):
            if isinstance(getattr(type(obj), name, None), property):
                out[name] = _jsonable(getattr(obj, name))
        return out
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, dt.date | dt.datetime):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    return obj


def _print_json(obj: Any) -> None:
    typer.echo(json.dumps(_jsonable(obj), ensure_ascii=False, indent=2))


def _m(value: float | None) -> str:
    """USD as millions with one decimal."""
    return "—" if value is None or math.isnan(value) else f"{value / 1e6:,.1f}"


def _pct(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else indices.format_growth(value)


def _share(value: float) -> str:
    return "—" if math.isnan(value) else f"{value * 100:.1f} %"


def _db(db: Path | None) -> Path:
    return db or store.default_db_path()


# ------------------------------------------------------------------------------------------
# Import and store


@app.command("import")
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="Trade files (.csv, .gz, .zip, .json, …).")],
    db: DbOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse a file with any row-level problem.")
    ] = False,
    source: Annotated[
        str | None, typer.Option("--source", help="Override the source label (e.g. kz-bns).")
    ] = None,
    vintage: Annotated[
        str | None,
        typer.Option("--vintage", help="Download/publication date YYYY-MM-DD (default: mtime)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import trade files into the store (atomic per file; re-importing changes nothing)."""
    when = None
    if vintage:
        try:
            when = dt.date.fromisoformat(vintage)
        except ValueError as exc:
            raise DalizError(f"Invalid --vintage '{vintage}': use YYYY-MM-DD.") from exc
    results = []
    with store.connect(_db(db)) as con:
        for f in files:
            if as_json:
                r = store.import_file(con, f, strict=strict, source=source, vintage=when)
            else:
                with console.status(f"importing {f.name}…") as status:

                    def show(step: str, name: str = f.name, st: Any = status) -> None:
                        st.update(f"{name}: {step}…")

                    r = store.import_file(
                        con, f, strict=strict, source=source, vintage=when, progress=show
                    )
            results.append(r)
    if as_json:
        _print_json(results)
        return
    table = Table(title=f"Imported into {_db(db)}")
    for col in ("file", "format", "sources", "read", "added", "unchanged", "revised", "rejected"):
        table.add_column(
            col, justify="right" if col not in ("file", "format", "sources") else "left"
        )
    for r in results:
        table.add_row(
            Path(r.file).name, r.format, ",".join(r.sources), f"{r.rows_read:,}",
            f"{r.rows_added:,}", f"{r.rows_unchanged:,}", f"{r.rows_revised:,}",
            f"{r.rows_rejected:,}",
        )  # fmt: skip
    console.print(table)
    for r in results:
        if r.note:
            console.print(f"[dim]{Path(r.file).name}: {r.note}[/]")
        for p in r.problems[:20]:
            console.print(f"[yellow]  {p}[/]", highlight=False)
        if r.rows_rejected > 20:
            console.print(f"  … {r.rows_rejected - 20} more rows with problems")
        for rev in r.large_revisions[:5]:
            console.print(
                f"[yellow]  revised {rev.key}: {_m(rev.old_value_usd)} → "
                f"{_m(rev.new_value_usd)} m ({_pct(rev.change)})[/]"
            )


@app.command("imports")
def imports_cmd(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """List imported files (import log)."""
    with store.connect(_db(db), read_only=True) as con:
        rows = store.list_imports(con)
    if as_json:
        _print_json(rows)
        return
    table = Table(title="Imports")
    for col in ("#", "file", "format", "sources", "vintage", "added", "revised", "rejected"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r.import_id), r.file_name, r.format, ",".join(r.sources), str(r.vintage),
            f"{r.rows_added:,}", f"{r.rows_revised:,}", f"{r.rows_rejected:,}",
        )  # fmt: skip
    console.print(table)


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Argument(help="Parquet file to write.")],
    db: DbOpt = None,
    reporter: Annotated[str | None, typer.Option("--reporter", "-r")] = None,
    partner: Annotated[str | None, typer.Option("--partner", "-p")] = None,
    all_vintages: Annotated[
        bool, typer.Option("--all-vintages", help="Include superseded values.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Export stored flows to Parquet."""
    rep = codes.resolve_country(reporter) if reporter else None
    par = codes.resolve_country(partner) if partner else None
    with store.connect(_db(db), read_only=True) as con:
        n = store.export_parquet(
            con, out, reporter=rep, partner=par, include_superseded=all_vintages
        )
    if as_json:
        _print_json({"file": str(out), "rows": n})
    else:
        console.print(f"wrote {n:,} rows to {out}")


# ------------------------------------------------------------------------------------------
# Analyses


@app.command("summary")
def summary_cmd(
    reporter: ReporterOpt,
    partner: PartnerOpt = "WLD",
    source: SourceOpt = None,
    db: DbOpt = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write a turnover chart (.png or .html).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Exports, imports, turnover and balance by year, with growth; the latest YTD comparison."""
    with store.connect(_db(db), read_only=True) as con:
        rows = analytics.annual_series(con, reporter, partner, source=source)
        ytds = []
        for src in sorted({r.value.source for r in rows}):
            with contextlib.suppress(DalizError):
                ytds.append(analytics.ytd(con, reporter, partner, source=src))
    if not rows:
        raise DalizError(
            f"No data for {codes.resolve_country(reporter)}–{codes.resolve_country(partner)}.",
            hint="Import files with `daliz trade import`.",
        )
    if chart:
        srcs = sorted({r.value.source for r in rows})
        charts.save(charts.turnover_chart([r for r in rows if r.value.source == srcs[0]]), chart)
    if as_json:
        _print_json({"years": rows, "ytd": ytds, "chart": str(chart) if chart else None})
        return
    v0 = rows[0].value
    table = Table(
        title=f"{v0.reporter}–{v0.partner} trade, USD million (as reported by {v0.reporter})"
    )
    for col in (
        "source",
        "year",
        "months",
        "exports",
        "imports",
        "turnover",
        "balance",
        "turnover y/y",
    ):
        table.add_column(col, justify="left" if col == "source" else "right")
    for r in rows:
        v = r.value
        table.add_row(
            v.source, str(v.year), str(v.months), _m(v.exports_usd), _m(v.imports_usd),
            _m(v.turnover_usd), _m(v.balance_usd), _pct(r.turnover_growth),
        )  # fmt: skip
    console.print(table)
    if any(r.value.partner_basis == "sum of partners" for r in rows):
        console.print("[dim]World = sum of the partner rows (no World total in the data).[/]")
    for y in ytds:
        _print_ytd(y)
    if chart:
        console.print(f"chart: {chart}")


def _print_ytd(y: analytics.YtdComparison) -> None:
    console.print(
        f"{y.period_label} ({y.source}, reported by {y.reporter}): turnover "
        f"{_m(y.turnover_usd)} m = [bold]{y.ratio_label}[/] = [bold]{y.growth_label}[/]"
        + (f" (prior {_m(y.prior_turnover_usd)} m)" if y.prior_turnover_usd else "")
    )


@app.command("ytd")
def ytd_cmd(
    reporter: ReporterOpt,
    partner: PartnerOpt = "WLD",
    year: YearOpt = None,
    through_month: Annotated[int | None, typer.Option("--through-month", min=1, max=12)] = None,
    source: SourceOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Year to date vs the same months a year earlier: "x % of" and "+x %" both shown."""
    with store.connect(_db(db), read_only=True) as con:
        y = analytics.ytd(
            con, reporter, partner, year=year, through_month=through_month, source=source
        )
    if as_json:
        _print_json(y)
    else:
        _print_ytd(y)


@app.command("composition")
def composition_cmd(
    reporter: ReporterOpt,
    partner: PartnerOpt = "WLD",
    flow: Annotated[str, typer.Option("--flow", help="X (exports) or M (imports).")] = "X",
    year: YearOpt = None,
    level: Annotated[LevelChoice, typer.Option("--level")] = LevelChoice.chapter,
    lang: Annotated[str, typer.Option("--lang", help="Descriptions: en or ru.")] = "en",
    source: SourceOpt = None,
    db: DbOpt = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write a chart (.png/.html).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Composition by HS section, chapter, heading or subheading."""
    with store.connect(_db(db), read_only=True) as con:
        c = analytics.composition(
            con, reporter, partner, flow=flow, year=year, level=level.value, source=source
        )
    if chart:
        charts.save(charts.composition_chart(c), chart)
    if as_json:
        _print_json(c)
        return
    _print_composition(c, lang)


def _print_composition(c: analytics.Composition, lang: str, limit: int | None = None) -> None:
    flow = {"X": "exports to", "M": "imports from"}.get(c.flow, c.flow)
    table = Table(
        title=f"{c.reporter} {flow} {c.partner}, {c.year}, by {c.level} "
        f"(source {c.source}, reported by {c.reporter}; HS{c.data_level} data)"
    )
    for col in ("code", "description", "USD m", "share"):
        table.add_column(col, justify="right" if col in ("USD m", "share") else "left")
    for i in c.items[:limit]:
        desc = i.description_ru if lang == "ru" and i.description_ru else i.description_en
        table.add_row(i.code, desc[:70], _m(i.value_usd), _share(i.share))
    console.print(table)
    extra = f" (file's TOTAL row: {_m(c.reported_total_usd)} m)" if c.reported_total_usd else ""
    console.print(f"total {_m(c.total_usd)} m{extra}")


@app.command("top")
def top_cmd(
    reporter: ReporterOpt,
    partner: PartnerOpt = "WLD",
    year: YearOpt = None,
    n: Annotated[int, typer.Option("-n", help="How many products each way.")] = 10,
    level: Annotated[LevelChoice, typer.Option("--level")] = LevelChoice.heading,
    lang: Annotated[str, typer.Option("--lang")] = "en",
    source: SourceOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Top-N products each way."""
    with store.connect(_db(db), read_only=True) as con:
        out = analytics.top_products(
            con, reporter, partner, year=year, n=n, level=level.value, source=source
        )
    if as_json:
        _print_json(out)
        return
    for c in out.values():
        _print_composition(c, lang)


@app.command("changes")
def changes_cmd(
    reporter: ReporterOpt,
    from_year: Annotated[int, typer.Option("--from-year")],
    to_year: Annotated[int, typer.Option("--to-year")],
    partner: PartnerOpt = "WLD",
    flow: Annotated[str, typer.Option("--flow")] = "X",
    level: Annotated[LevelChoice, typer.Option("--level")] = LevelChoice.heading,
    source: SourceOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """New and lost products between two years."""
    with store.connect(_db(db), read_only=True) as con:
        ch = analytics.product_changes(
            con, reporter, partner, flow=flow, from_year=from_year, to_year=to_year,
            level=level.value, source=source,
        )  # fmt: skip
    if as_json:
        _print_json(ch)
        return
    for title, items, year_ in (("New", ch.new, ch.to_year), ("Lost", ch.lost, ch.from_year)):
        table = Table(
            title=f"{title} products ({ch.reporter}→{ch.partner} flow {ch.flow}, "
            f"{ch.from_year}→{ch.to_year}, {ch.level}, source {ch.source}): value in {year_}"
        )
        for col in ("code", "description", "USD m"):
            table.add_column(col)
        for i in items:
            table.add_row(i.code, i.description_en[:70], _m(i.value_usd))
        console.print(table)
    console.print(f"{ch.kept} products in both years")


@app.command("concentration")
def concentration_cmd(
    reporter: ReporterOpt,
    partner: PartnerOpt = "WLD",
    flow: Annotated[str, typer.Option("--flow")] = "X",
    year: YearOpt = None,
    by: Annotated[ByChoice, typer.Option("--by")] = ByChoice.product,
    digits: Annotated[int, typer.Option("--digits", help="HS level for --by product.")] = 6,
    n_lines: Annotated[
        int | None, typer.Option("--n-lines", help="N: possible lines (default: HS2022/ISO).")
    ] = None,
    source: SourceOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Number of products, HHI (plain, normalised), UNCTAD concentration and Theil index."""
    with store.connect(_db(db), read_only=True) as con:
        c = analytics.concentration(
            con, reporter, partner=partner, flow=flow, year=year, by=by.value, digits=digits,
            n_lines=n_lines, source=source,
        )  # fmt: skip
    if as_json:
        _print_json(c)
        return
    table = Table(
        title=f"Concentration of {c.reporter} flow {c.flow} {c.year} by {c.by} "
        f"({c.level}, N = {c.n_lines}; source {c.source})"
    )
    table.add_column("indicator")
    table.add_column("value", justify="right")
    table.add_column("definition")
    rows = [
        ("active lines n", f"{c.n_active}", "lines with value > 0"),
        ("HHI", f"{c.hhi:.4f}", "Σ s² (WITS), 1/n..1"),
        ("HHI normalised", f"{c.hhi_normalized:.4f}", "(H − 1/N)/(1 − 1/N)"),
        ("UNCTAD concentration", f"{c.unctad_concentration:.4f}", "(√H − √(1/N))/(1 − √(1/N))"),
        ("Theil", f"{c.theil:.4f}", "Σ s ln(s N), 0..ln N"),
        ("  within (intensive)", f"{c.theil_within:.4f}", "Σ s ln(s n)"),
        ("  between (extensive)", f"{c.theil_between:.4f}", "ln(N/n)"),
        ("total", f"{_m(c.total_usd)} m", "USD"),
    ]
    for r in rows:
        table.add_row(*r)
    console.print(table)
    for note in c.notes:
        console.print(f"[yellow]note: {note}[/]")


@app.command("mirror")
def mirror_cmd(
    a: Annotated[str, typer.Argument(help="First country (e.g. KZ).")],
    b: Annotated[str, typer.Argument(help="Second country (e.g. PK).")],
    source_a: Annotated[str | None, typer.Option("--source-a")] = None,
    source_b: Annotated[str | None, typer.Option("--source-b")] = None,
    year: YearOpt = None,
    digits: Annotated[
        int | None, typer.Option("--digits", help="By product at HS 2/4/6 (needs --year).")
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Each side's declaration of the same flows, side by side, with the gap and caveats."""
    with store.connect(_db(db), read_only=True) as con:
        rep = mirror.mirror(
            con, a, b, source_a=source_a, source_b=source_b, year=year, digits=digits
        )
    if as_json:
        _print_json(rep)
        return
    table = Table(title=f"Mirror {rep.a}–{rep.b}, USD million")
    for col in (
        "year", "direction", "code", "exporter says (FOB)", "importer says", "importer ÷1.06",
        "gap", "ratio",
    ):  # fmt: skip
        table.add_column(col, justify="left" if col in ("direction", "code") else "right")
    for r in rep.rows:
        table.add_row(
            str(r.year), r.direction, r.hs_code,
            f"{_m(r.reported_usd)} [{r.reported_by}, {r.reported_source}]",
            f"{_m(r.mirror_usd)} {r.mirror_valuation} [{r.mirror_by}, {r.mirror_source}]",
            _m(r.mirror_fob_usd), _m(r.gap_usd),
            "—" if math.isnan(r.ratio) else f"{r.ratio:.2f}",
        )  # fmt: skip
    console.print(table)
    for note in rep.notes:
        console.print(f"[yellow]note: {note}[/]")
    for c in rep.caveats:
        console.print(f"[dim]• {c}[/]")


@app.command("published")
def published_cmd(
    side: Annotated[str | None, typer.Option("--side", help="KZ or PK.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Bundled published KZ–PK figures, each with its side, basis, source and date."""
    figs = [f for f in published.figures() if side is None or f.side == side.upper()]
    if as_json:
        _print_json(figs)
        return
    table = Table(title="Published Kazakhstan–Pakistan figures (as published; never merged)")
    for col in ("side", "basis", "period", "indicator", "USD m", "growth", "source", "date"):
        table.add_column(col, justify="right" if col == "USD m" else "left")
    for f in figs:
        table.add_row(
            f.side, f.basis, f.period_label, f.indicator, _m(f.value_usd),
            f.growth_as_published, f"{f.source.source_id} {f.source.publisher}",
            str(f.source.published or "undated"),
        )  # fmt: skip
    console.print(table)
    console.print(
        "[dim]KZ: customs statistics, calendar years. PK: State Bank exchange records, fiscal "
        "years July–June, both flows FOB. They differ 2–4×.[/]"
    )


@app.command("target")
def target_cmd(
    by_year: Annotated[int, typer.Option("--by-year", help="Year to reach the target.")],
    reporter: Annotated[str, typer.Option("--reporter", "-r")] = "KZ",
    partner: Annotated[str, typer.Option("--partner", "-p")] = "PK",
    target_usd: Annotated[float, typer.Option("--target-usd")] = target.DEFAULT_TARGET_USD,
    from_published: Annotated[
        bool,
        typer.Option(
            "--published", help="Start from the latest bundled published turnover (KZ side)."
        ),
    ] = False,
    side: Annotated[str, typer.Option("--side", help="With --published: KZ or PK.")] = "KZ",
    source: SourceOpt = None,
    db: DbOpt = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Projection chart (.png/.html).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Growth per year needed to reach the target, against the recent trend."""
    if from_published:
        fig = published.latest_turnover(side.upper())
        hist = [
            (f.period_start.year, f.value_usd)
            for f in published.figures()
            if f.side == fig.side and f.indicator == "turnover" and f.months == 12
        ]
        t = target.from_published(fig, target_year=by_year, target_usd=target_usd, history=hist)
    else:
        with store.connect(_db(db), read_only=True) as con:
            t = target.from_store(
                con, reporter, partner, target_year=by_year, target_usd=target_usd, source=source
            )
    if chart:
        charts.save(charts.target_chart(t), chart)
    if as_json:
        _print_json(t)
        return
    console.print(f"base: {t.label}", highlight=False)
    console.print(
        f"{_m(t.base_usd)} m in {t.base_year} = {t.progress * 100:.1f} % of the "
        f"USD {_m(t.target_usd)} m target"
    )
    console.print(
        f"required: [bold]{indices.format_growth(t.required_cagr)} per year[/] for "
        f"{t.years_left} year(s) to {t.target_year}"
    )
    if t.trend_cagr is not None:
        reach = (
            f"reaches the target in {t.trend_reaches_target_in:.1f}"
            if t.trend_reaches_target_in
            else "never reaches the target"
        )
        console.print(
            f"trend {t.trend_years}: {indices.format_growth(t.trend_cagr)} per year; at that "
            f"pace turnover {reach}"
        )
    if chart:
        console.print(f"chart: {chart}")


@app.command("hs")
def hs_cmd(
    code: Annotated[str, typer.Argument(help="HS code (2–10 digits) or section numeral.")],
    lang: Annotated[str, typer.Option("--lang")] = "en",
    as_json: JsonOpt = False,
) -> None:
    """Describe an HS code (English or Russian, offline)."""
    desc = codes.hs_description(code, lang)
    if not desc:
        raise DalizError(f"Unknown HS code '{code}'.")
    section = codes.section_of_chapter(code[:2]) if code[:2].isdigit() else code
    if as_json:
        _print_json({"code": code, "description": desc, "section": section, "lang": lang})
    else:
        console.print(f"{code} (section {section}): {desc}", highlight=False)


@app.command("synth")
def synth_cmd(
    out: Annotated[Path, typer.Argument(help="CSV to write (.gz for gzip).")],
    rows: Annotated[int, typer.Option("--rows")] = 100_000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    annual: Annotated[bool, typer.Option("--annual", help="Annual instead of monthly.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write a SYNTHETIC Comtrade-format file (for tests and benchmarks; not real data)."""
    s = synth.write_comtrade_csv(out, rows=rows, seed=seed, monthly=not annual)
    if as_json:
        _print_json(s)
    else:
        console.print(f"wrote {s.rows:,} SYNTHETIC rows ({s.bytes / 1e6:,.1f} MB) to {out}")


@app.command("burden")
def burden_cmd(
    reporter: ReporterOpt,
    partner: PartnerOpt,
    year: YearOpt = None,
    flow: Annotated[str, typer.Option("--flow", help="X (exports) or M (imports).")] = "X",
    n: Annotated[int, typer.Option("-n", help="How many top products.")] = 10,
    level: Annotated[LevelChoice, typer.Option("--level")] = LevelChoice.heading,
    origin_place: Annotated[
        str | None, typer.Option("--origin-place", help="Place standing for the origin country.")
    ] = None,
    destination_place: Annotated[
        str | None,
        typer.Option("--destination-place", help="Place standing for the destination country."),
    ] = None,
    dataset: Annotated[
        Path | None, typer.Option("--dataset", envvar="DALIZ_DATASET", help="Corridor dataset.")
    ] = None,
    source: SourceOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Logistics burden: the cheapest corridor's cost per tonne as a share of unit value."""
    from daliz.network import load_network, resolve_place
    from daliz.planning.burden import CorridorCost
    from daliz.trade import burden

    cost = CorridorCost(dataset=dataset)
    network = load_network(dataset)
    exporter, importer = (
        (reporter, partner) if flow.upper().startswith("X") else (partner, reporter)
    )
    for text, country in ((origin_place, exporter), (destination_place, importer)):
        if text:
            place = resolve_place(network, text)
            cost.places[burden_alpha2(country)] = place.id
    with store.connect(_db(db), read_only=True) as con:
        rows = burden.logistics_burden(
            con,
            reporter,
            partner,
            cost,
            flow=flow.upper(),
            year=year,
            top_n=n,
            level=level.value,
            source=source,
        )
    if as_json:
        _print_json(
            [
                {
                    **dataclasses.asdict(r),
                    "burden_share": None if math.isnan(r.burden_share) else r.burden_share,
                }
                for r in rows
            ]
        )
        return
    table = Table(title=f"Logistics burden, {reporter} → {partner} ({flow.upper()})")
    for column in ("HS", "product", "value USD m", "USD/t", "corridor USD/t", "burden"):
        table.add_column(column, justify="left" if column in ("HS", "product") else "right")
    for r in rows:
        table.add_row(
            r.hs_code,
            r.description[:40],
            _m(r.value_usd),
            f"{r.unit_value_usd_per_t:,.0f}" if r.unit_value_usd_per_t else "—",
            f"{r.cost_per_tonne_usd:,.0f}" if r.cost_per_tonne_usd else "—",
            "—" if math.isnan(r.burden_share) else f"{r.burden_share:.0%}",
        )
    console.print(table)
    for key, note in cost.notes.items():
        console.print(f"[dim]{key[0]} {key[1]}→{key[2]}: {note}[/]", highlight=False)


def burden_alpha2(country: str) -> str:
    """ISO alpha-2 of a reporter/partner code as the corridor planner names countries."""
    found = codes.countries().get(codes.resolve_country(country))
    return found.iso2 if found is not None and found.iso2 else country.upper()
