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
from babel.numbers import format_decimal
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from daliz.errors import DalizError
from daliz.i18n import (
    N_,
    _,
    current_language,
    data_text,
    format_date,
    format_number,
    format_percent,
    ngettext_,
)
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
    help=N_(
        "Trade monitor: import Comtrade/WITS/BACI/national files, analyse turnover, "
        "composition, concentration, mirror gaps and the USD 1 bn target."
    ),
    no_args_is_help=True,
)
console = Console()

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar=store.ENV_DB,
        help=N_("Trade database file (default: ~/.local/share/daliz/trade.duckdb)."),
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help=N_("Print JSON for machines."))]
ReporterOpt = Annotated[str, typer.Option("--reporter", "-r", help=N_("Reporter (KZ, KAZ, 398)."))]
PartnerOpt = Annotated[
    str, typer.Option("--partner", "-p", help=N_("Partner (PK, PAK, 586, WLD)."))
]
SourceOpt = Annotated[
    str | None, typer.Option("--source", help=N_("Source label (comtrade, wits, kz-bns, …)."))
]
YearOpt = Annotated[int | None, typer.Option("--year", help=N_("Year (default: latest)."))]
FlowOpt = Annotated[str, typer.Option("--flow", help=N_("X (exports) or M (imports)."))]
LEVEL_HELP = N_("HS level: section, chapter, heading or subheading.")
# `--lang` before or after a command chooses the language of everything (daliz.cli); a trade
# command's own `--hs-lang` chooses only the language of the HS descriptions.
HsLangOpt = Annotated[
    str | None,
    typer.Option(
        "--hs-lang",
        "--lang",
        help=N_("HS descriptions: en or ru (default: Russian for kk and ru, else English)."),
        show_default=False,
    ),
]


class LevelChoice(StrEnum):
    section = "section"
    chapter = "chapter"
    heading = "heading"
    subheading = "subheading"


class ByChoice(StrEnum):
    product = "product"
    partner = "partner"


LevelOpt = Annotated[LevelChoice, typer.Option("--level", help=LEVEL_HELP)]


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
    """USD as millions with one decimal, in the current language's digits."""
    return "—" if value is None or math.isnan(value) else format_number(value / 1e6, digits=1)


def _millions(value: float | None) -> str:
    """'12.3 m' (USD millions) in the current language."""
    return _("{value} m").format(value=_m(value))


def _pct(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else indices.format_growth(value)


def _share(value: float) -> str:
    return "—" if math.isnan(value) else format_number(value * 100, digits=1) + " %"


def _year_fraction(year: float) -> str:
    """A fractional year ('2033.9'), with the language's decimal sign and no grouping."""
    return format_decimal(year, format="0.0", locale=current_language())


def _count(value: int) -> str:
    return format_number(value)


def _db(db: Path | None) -> Path:
    return db or store.default_db_path()


def _flow_label(flow: str) -> str:
    return {"X": _("exports"), "M": _("imports")}.get(flow, flow)


def _indicator(indicator: str) -> str:
    words = {"turnover": _("turnover"), "exports": _("exports"), "imports": _("imports")}
    return words.get(indicator, indicator)


def _columns(table: Table, columns: list[tuple[str, bool]]) -> None:
    """Add columns (header, right-aligned)."""
    for header, right in columns:
        table.add_column(header, justify="right" if right else "left")


def _step(step: str) -> str:
    """An import step's name in the current language."""
    steps = {
        "hash": _("hash"),
        "read": _("read"),
        "check": _("check"),
        "compare": _("compare"),
        "write": _("write"),
        "commit": _("commit"),
    }
    return steps.get(step, step)


# ------------------------------------------------------------------------------------------
# Import and store


@app.command(
    "import",
    help=N_("Import trade files into the store (atomic per file; re-importing changes nothing)."),
)
def import_cmd(
    files: Annotated[
        list[Path], typer.Argument(help=N_("Trade files (.csv, .gz, .zip, .json, …)."))
    ],
    db: DbOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help=N_("Refuse a file with any row-level problem."))
    ] = False,
    source: Annotated[
        str | None,
        typer.Option("--source", help=N_("Override the source label (e.g. kz-bns).")),
    ] = None,
    vintage: Annotated[
        str | None,
        typer.Option(
            "--vintage", help=N_("Download/publication date YYYY-MM-DD (default: mtime).")
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import trade files into the store (atomic per file; re-importing changes nothing)."""
    when = None
    if vintage:
        try:
            when = dt.date.fromisoformat(vintage)
        except ValueError as exc:
            raise DalizError(
                _("Invalid --vintage '{value}': use YYYY-MM-DD.").format(value=vintage)
            ) from exc
    results = []
    with store.connect(_db(db)) as con:
        for f in files:
            if as_json:
                r = store.import_file(con, f, strict=strict, source=source, vintage=when)
            else:
                importing = _("importing {name}…").format(name=f.name)
                with console.status(escape(importing)) as status:

                    def show(step: str, name: str = f.name, st: Any = status) -> None:
                        st.update(escape(f"{name}: {_step(step)}…"))

                    r = store.import_file(
                        con, f, strict=strict, source=source, vintage=when, progress=show
                    )
            results.append(r)
    if as_json:
        _print_json(results)
        return
    table = Table(title=escape(_("Imported into {path}").format(path=_db(db))))
    _columns(
        table,
        [
            (_("file"), False),
            (_("format"), False),
            (_("sources"), False),
            (_("read"), True),
            (_("added"), True),
            (_("unchanged"), True),
            (_("revised"), True),
            (_("rejected"), True),
        ],
    )
    for r in results:
        table.add_row(
            escape(Path(r.file).name), r.format, ",".join(r.sources), _count(r.rows_read),
            _count(r.rows_added), _count(r.rows_unchanged), _count(r.rows_revised),
            _count(r.rows_rejected),
        )  # fmt: skip
    console.print(table)
    for r in results:
        if r.note:
            console.print(f"[dim]{escape(Path(r.file).name)}: {escape(r.note)}[/]")
        for p in r.problems[:20]:
            console.print(f"[yellow]  {escape(str(p))}[/]", highlight=False)
        if r.rows_rejected > 20:
            more = r.rows_rejected - 20
            console.print(
                "  "
                + ngettext_(
                    "… {count} more row with problems", "… {count} more rows with problems", more
                ).format(count=_count(more))
            )
        for rev in r.large_revisions[:5]:
            text = _("revised {key}: {old} → {new} ({change})").format(
                key=rev.key,
                old=_m(rev.old_value_usd),
                new=_millions(rev.new_value_usd),
                change=_pct(rev.change),
            )
            console.print(f"[yellow]  {escape(text)}[/]")


@app.command("imports", help=N_("List imported files (import log)."))
def imports_cmd(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """List imported files (import log)."""
    with store.connect(_db(db), read_only=True) as con:
        rows = store.list_imports(con)
    if as_json:
        _print_json(rows)
        return
    table = Table(title=_("Imports"))
    _columns(
        table,
        [
            ("#", False),
            (_("file"), False),
            (_("format"), False),
            (_("sources"), False),
            (_("vintage"), False),
            (_("added"), True),
            (_("revised"), True),
            (_("rejected"), True),
        ],
    )
    for r in rows:
        table.add_row(
            str(r.import_id), escape(r.file_name), r.format, ",".join(r.sources),
            format_date(r.vintage) if r.vintage else "—",
            _count(r.rows_added), _count(r.rows_revised), _count(r.rows_rejected),
        )  # fmt: skip
    console.print(table)


@app.command("export", help=N_("Export stored flows to Parquet."))
def export_cmd(
    out: Annotated[Path, typer.Argument(help=N_("Parquet file to write."))],
    db: DbOpt = None,
    reporter: Annotated[
        str | None, typer.Option("--reporter", "-r", help=N_("Only this reporter."))
    ] = None,
    partner: Annotated[
        str | None, typer.Option("--partner", "-p", help=N_("Only this partner."))
    ] = None,
    all_vintages: Annotated[
        bool, typer.Option("--all-vintages", help=N_("Include superseded values."))
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
        console.print(
            ngettext_("wrote {count} row to {path}", "wrote {count} rows to {path}", n).format(
                count=_count(n), path=out
            ),
            markup=False,
        )


# ------------------------------------------------------------------------------------------
# Analyses


@app.command(
    "summary",
    help=N_(
        "Exports, imports, turnover and balance by year, with growth; the latest YTD comparison."
    ),
)
def summary_cmd(
    reporter: ReporterOpt,
    partner: PartnerOpt = "WLD",
    source: SourceOpt = None,
    db: DbOpt = None,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help=N_("Write a turnover chart (.png or .html).")),
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
            _("No data for {reporter}–{partner}.").format(
                reporter=codes.resolve_country(reporter), partner=codes.resolve_country(partner)
            ),
            hint=_("Import files with `daliz trade import`."),
        )
    if chart:
        srcs = sorted({r.value.source for r in rows})
        charts.save(charts.turnover_chart([r for r in rows if r.value.source == srcs[0]]), chart)
    if as_json:
        _print_json({"years": rows, "ytd": ytds, "chart": str(chart) if chart else None})
        return
    v0 = rows[0].value
    table = Table(
        title=_("{reporter}–{partner} trade, USD million (as reported by {reporter})").format(
            reporter=v0.reporter, partner=v0.partner
        )
    )
    _columns(
        table,
        [
            (_("source"), False),
            (_("year"), True),
            (_("months"), True),
            (_("exports"), True),
            (_("imports"), True),
            (_("turnover"), True),
            (_("balance"), True),
            (_("turnover y/y"), True),
        ],
    )
    for r in rows:
        v = r.value
        table.add_row(
            v.source, str(v.year), str(v.months), _m(v.exports_usd), _m(v.imports_usd),
            _m(v.turnover_usd), _m(v.balance_usd), _pct(r.turnover_growth),
        )  # fmt: skip
    console.print(table)
    if any(r.value.partner_basis == "sum of partners" for r in rows):
        console.print(
            "[dim]"
            + escape(_("World = sum of the partner rows (no World total in the data)."))
            + "[/]"
        )
    for y in ytds:
        _print_ytd(y)
    if chart:
        console.print(_("chart: {path}").format(path=chart), markup=False)


def _print_ytd(y: analytics.YtdComparison) -> None:
    text = _(
        "{period} ({source}, reported by {reporter}): turnover {value} = {ratio} = {growth}"
    ).format(
        period=escape(y.period_label),
        source=escape(y.source),
        reporter=y.reporter,
        value=escape(_millions(y.turnover_usd)),
        ratio=f"[bold]{escape(y.ratio_label)}[/]",
        growth=f"[bold]{escape(y.growth_label)}[/]",
    )
    if y.prior_turnover_usd:
        text += " " + escape(_("(prior {value})").format(value=_millions(y.prior_turnover_usd)))
    console.print(text)


@app.command(
    "ytd",
    help=N_(
        'Year to date vs the same months a year earlier: the level ("208 %") and the change '
        '("+108 %") both shown.'
    ),
)
def ytd_cmd(
    reporter: ReporterOpt,
    partner: PartnerOpt = "WLD",
    year: YearOpt = None,
    through_month: Annotated[
        int | None,
        typer.Option(
            "--through-month",
            min=1,
            max=12,
            help=N_("Last month of the period (default: the latest month with data)."),
        ),
    ] = None,
    source: SourceOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Year to date vs the same months a year earlier: the level ("208 %") and the change
    ("+108 %") both shown."""
    with store.connect(_db(db), read_only=True) as con:
        y = analytics.ytd(
            con, reporter, partner, year=year, through_month=through_month, source=source
        )
    if as_json:
        _print_json(y)
    else:
        _print_ytd(y)


@app.command("composition", help=N_("Composition by HS section, chapter, heading or subheading."))
def composition_cmd(
    reporter: ReporterOpt,
    partner: PartnerOpt = "WLD",
    flow: FlowOpt = "X",
    year: YearOpt = None,
    level: LevelOpt = LevelChoice.chapter,
    lang: HsLangOpt = None,
    source: SourceOpt = None,
    db: DbOpt = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help=N_("Write a chart (.png/.html)."))
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


def _print_composition(
    c: analytics.Composition, lang: str | None, limit: int | None = None
) -> None:
    hs_lang = codes.hs_language(lang)
    if c.flow == "M":
        title = _(
            "{reporter} imports from {partner}, {year}, by {level} (source {source}, reported "
            "by {reporter}; HS{digits} data)"
        )
    else:
        title = _(
            "{reporter} exports to {partner}, {year}, by {level} (source {source}, reported "
            "by {reporter}; HS{digits} data)"
        )
    table = Table(
        title=escape(
            title.format(
                reporter=c.reporter,
                partner=c.partner,
                year=c.year,
                level=charts.level_label(c.level),
                source=c.source,
                digits=c.data_level,
            )
        )
    )
    _columns(
        table,
        [(_("code"), False), (_("description"), False), (_("USD m"), True), (_("share"), True)],
    )
    for i in c.items[:limit]:
        desc = i.description_ru if hs_lang == "ru" and i.description_ru else i.description_en
        table.add_row(i.code, escape(desc[:70]), _m(i.value_usd), _share(i.share))
    console.print(table)
    text = _("total {value}").format(value=_millions(c.total_usd))
    if c.reported_total_usd:
        text += " " + _("(file's TOTAL row: {value})").format(value=_millions(c.reported_total_usd))
    console.print(text, markup=False)


@app.command("top", help=N_("Top-N products each way."))
def top_cmd(
    reporter: ReporterOpt,
    partner: PartnerOpt = "WLD",
    year: YearOpt = None,
    n: Annotated[int, typer.Option("-n", help=N_("How many products each way."))] = 10,
    level: LevelOpt = LevelChoice.heading,
    lang: HsLangOpt = None,
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


@app.command("changes", help=N_("New and lost products between two years."))
def changes_cmd(
    reporter: ReporterOpt,
    from_year: Annotated[int, typer.Option("--from-year", help=N_("The earlier year."))],
    to_year: Annotated[int, typer.Option("--to-year", help=N_("The later year."))],
    partner: PartnerOpt = "WLD",
    flow: FlowOpt = "X",
    level: LevelOpt = LevelChoice.heading,
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
    hs_lang = codes.hs_language()
    titles = (
        (
            _(
                "New products ({reporter}→{partner} flow {flow}, {from_year}→{to_year}, {level}, "
                "source {source}): value in {year}"
            ),
            ch.new,
            ch.to_year,
        ),
        (
            _(
                "Lost products ({reporter}→{partner} flow {flow}, {from_year}→{to_year}, "
                "{level}, source {source}): value in {year}"
            ),
            ch.lost,
            ch.from_year,
        ),
    )
    for title, items, year_ in titles:
        table = Table(
            title=escape(
                title.format(
                    reporter=ch.reporter,
                    partner=ch.partner,
                    flow=ch.flow,
                    from_year=ch.from_year,
                    to_year=ch.to_year,
                    level=charts.level_label(ch.level),
                    source=ch.source,
                    year=year_,
                )
            )
        )
        _columns(table, [(_("code"), False), (_("description"), False), (_("USD m"), True)])
        for i in items:
            desc = i.description_ru if hs_lang == "ru" and i.description_ru else i.description_en
            table.add_row(i.code, escape(desc[:70]), _m(i.value_usd))
        console.print(table)
    console.print(
        ngettext_(
            "{count} product in both years", "{count} products in both years", ch.kept
        ).format(count=_count(ch.kept)),
        markup=False,
    )


@app.command(
    "concentration",
    help=N_("Number of products, HHI (plain, normalised), UNCTAD concentration and Theil index."),
)
def concentration_cmd(
    reporter: ReporterOpt,
    partner: PartnerOpt = "WLD",
    flow: FlowOpt = "X",
    year: YearOpt = None,
    by: Annotated[
        ByChoice, typer.Option("--by", help=N_("Shares by product or by partner."))
    ] = ByChoice.product,
    digits: Annotated[int, typer.Option("--digits", help=N_("HS level for --by product."))] = 6,
    n_lines: Annotated[
        int | None,
        typer.Option("--n-lines", help=N_("N: possible lines (default: HS2022/ISO).")),
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
    by_label = {"product": _("product"), "partner": _("partner")}.get(c.by, c.by)
    level = _("partners") if c.level == "partners" else c.level
    table = Table(
        title=escape(
            _(
                "Concentration of {reporter} flow {flow} {year} by {by} ({level}, N = {n}; "
                "source {source})"
            ).format(
                reporter=c.reporter,
                flow=c.flow,
                year=c.year,
                by=by_label,
                level=level,
                n=_count(c.n_lines),
                source=c.source,
            )
        )
    )
    _columns(table, [(_("indicator"), False), (_("value"), True), (_("definition"), False)])

    def four(value: float) -> str:
        return "—" if math.isnan(value) else format_number(value, digits=4)

    rows = [
        (_("active lines n"), _count(c.n_active), _("lines with value > 0")),
        ("HHI", four(c.hhi), "Σ s² (WITS), 1/n..1"),
        (_("HHI normalised"), four(c.hhi_normalized), "(H − 1/N)/(1 − 1/N)"),
        (
            _("UNCTAD concentration"),
            four(c.unctad_concentration),
            "(√H − √(1/N))/(1 − √(1/N))",
        ),
        (_("Theil"), four(c.theil), "Σ s ln(s N), 0..ln N"),
        ("  " + _("within (intensive)"), four(c.theil_within), "Σ s ln(s n)"),
        ("  " + _("between (extensive)"), four(c.theil_between), "ln(N/n)"),
        (_("total"), _millions(c.total_usd), "USD"),
    ]
    for r in rows:
        table.add_row(*(escape(cell) for cell in r))
    console.print(table)
    for note in c.notes:
        console.print("[yellow]" + escape(_("note: {note}").format(note=note)) + "[/]")


@app.command(
    "mirror",
    help=N_("Each side's declaration of the same flows, side by side, with the gap and caveats."),
)
def mirror_cmd(
    a: Annotated[str, typer.Argument(help=N_("First country (e.g. KZ)."))],
    b: Annotated[str, typer.Argument(help=N_("Second country (e.g. PK)."))],
    source_a: Annotated[
        str | None, typer.Option("--source-a", help=N_("Source of the first country's data."))
    ] = None,
    source_b: Annotated[
        str | None, typer.Option("--source-b", help=N_("Source of the second country's data."))
    ] = None,
    year: YearOpt = None,
    digits: Annotated[
        int | None,
        typer.Option("--digits", help=N_("By product at HS 2/4/6 (needs --year).")),
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
    table = Table(title=_("Mirror {a}–{b}, USD million").format(a=rep.a, b=rep.b))
    factor = format_number(mirror.CIF_FOB_FACTOR, digits=2)
    _columns(
        table,
        [
            (_("year"), True),
            (_("direction"), False),
            (_("code"), False),
            (_("exporter says (FOB)"), True),
            (_("importer says"), True),
            (_("importer ÷{factor}").format(factor=factor), True),
            (_("gap"), True),
            (_("ratio"), True),
        ],
    )
    for r in rep.rows:
        table.add_row(
            str(r.year), r.direction, r.hs_code,
            escape(f"{_m(r.reported_usd)} [{r.reported_by}, {r.reported_source}]"),
            escape(f"{_m(r.mirror_usd)} {r.mirror_valuation} [{r.mirror_by}, {r.mirror_source}]"),
            _m(r.mirror_fob_usd), _m(r.gap_usd),
            "—" if math.isnan(r.ratio) else format_number(r.ratio, digits=2),
        )  # fmt: skip
    console.print(table)
    for note in rep.notes:
        console.print("[yellow]" + escape(_("note: {note}").format(note=note)) + "[/]")
    for c in rep.caveats:
        console.print(f"[dim]• {escape(c)}[/]")


@app.command(
    "published",
    help=N_("Bundled published KZ–PK figures, each with its side, basis, source and date."),
)
def published_cmd(
    side: Annotated[str | None, typer.Option("--side", help=N_("KZ or PK."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """Bundled published KZ–PK figures, each with its side, basis, source and date."""
    figs = [f for f in published.figures() if side is None or f.side == side.upper()]
    if as_json:
        _print_json(figs)
        return
    table = Table(title=_("Published Kazakhstan–Pakistan figures (as published; never merged)"))
    _columns(
        table,
        [
            (_("side"), False),
            (_("basis"), False),
            (_("period"), False),
            (_("indicator"), False),
            (_("USD m"), True),
            (_("growth"), False),
            (_("source"), False),
            (_("date"), False),
        ],
    )
    for f in figs:
        table.add_row(
            f.side, escape(data_text(f.basis)), escape(f.period_text), _indicator(f.indicator),
            _m(f.value_usd), escape(f.growth_as_published),
            escape(f"{f.source.source_id} {f.source.publisher}"),
            format_date(f.source.published) if f.source.published else _("undated"),
        )  # fmt: skip
    console.print(table)
    console.print(
        "[dim]"
        + escape(
            _(
                "KZ: customs statistics, calendar years. PK: State Bank exchange records, fiscal "
                "years July–June, both flows FOB. They differ 2–4×."
            )
        )
        + "[/]"
    )


@app.command(
    "target", help=N_("Growth per year needed to reach the target, against the recent trend.")
)
def target_cmd(
    by_year: Annotated[int, typer.Option("--by-year", help=N_("Year to reach the target."))],
    reporter: Annotated[
        str, typer.Option("--reporter", "-r", help=N_("Reporter (KZ, KAZ, 398)."))
    ] = "KZ",
    partner: Annotated[
        str, typer.Option("--partner", "-p", help=N_("Partner (PK, PAK, 586, WLD)."))
    ] = "PK",
    target_usd: Annotated[
        float, typer.Option("--target-usd", help=N_("Turnover target, USD."))
    ] = target.DEFAULT_TARGET_USD,
    from_published: Annotated[
        bool,
        typer.Option(
            "--published",
            help=N_("Start from the latest bundled published turnover (KZ side)."),
        ),
    ] = False,
    side: Annotated[str, typer.Option("--side", help=N_("With --published: KZ or PK."))] = "KZ",
    source: SourceOpt = None,
    db: DbOpt = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help=N_("Projection chart (.png/.html)."))
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
    console.print(_("base: {label}").format(label=t.label), highlight=False, markup=False)
    console.print(
        _("{value} in {year} = {percent} of the USD {target} target").format(
            value=_millions(t.base_usd),
            year=t.base_year,
            percent=format_number(t.progress * 100, digits=1) + " %",
            target=_millions(t.target_usd),
        ),
        markup=False,
    )
    rate = (
        "[bold]"
        + escape(_("{rate} per year").format(rate=indices.format_growth(t.required_cagr)))
        + "[/]"
    )
    console.print(
        ngettext_(
            "required: {rate} for {count} year to {year}",
            "required: {rate} for {count} years to {year}",
            t.years_left,
        ).format(rate=rate, count=t.years_left, year=t.target_year)
    )
    if t.trend_cagr is not None:
        if t.trend_reaches_target_in:
            reach = _("at that pace turnover reaches the target in {year}").format(
                year=_year_fraction(t.trend_reaches_target_in)
            )
        else:
            reach = _("at that pace turnover never reaches the target")
        console.print(
            _("trend {years}: {rate} per year; {reach}").format(
                years=t.trend_years, rate=indices.format_growth(t.trend_cagr), reach=reach
            ),
            markup=False,
        )
    if chart:
        console.print(_("chart: {path}").format(path=chart), markup=False)


@app.command("hs", help=N_("Describe an HS code (English or Russian, offline)."))
def hs_cmd(
    code: Annotated[str, typer.Argument(help=N_("HS code (2–10 digits) or section numeral."))],
    lang: HsLangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Describe an HS code (English or Russian, offline)."""
    hs_lang = codes.hs_language(lang)
    desc = codes.hs_description(code, hs_lang)
    if not desc:
        raise DalizError(_("Unknown HS code '{code}'.").format(code=code))
    section = codes.section_of_chapter(code[:2]) if code[:2].isdigit() else code
    if as_json:
        _print_json({"code": code, "description": desc, "section": section, "lang": hs_lang})
    else:
        console.print(
            _("{code} (section {section}): {description}").format(
                code=code, section=section, description=desc
            ),
            highlight=False,
            markup=False,
        )


@app.command(
    "synth",
    help=N_("Write a SYNTHETIC Comtrade-format file (for tests and benchmarks; not real data)."),
)
def synth_cmd(
    out: Annotated[Path, typer.Argument(help=N_("CSV to write (.gz for gzip)."))],
    rows: Annotated[int, typer.Option("--rows", help=N_("How many rows."))] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help=N_("Random seed."))] = 1,
    annual: Annotated[
        bool, typer.Option("--annual", help=N_("Annual instead of monthly."))
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write a SYNTHETIC Comtrade-format file (for tests and benchmarks; not real data)."""
    s = synth.write_comtrade_csv(out, rows=rows, seed=seed, monthly=not annual)
    if as_json:
        _print_json(s)
    else:
        console.print(
            ngettext_(
                "wrote {count} SYNTHETIC row ({size} MB) to {path}",
                "wrote {count} SYNTHETIC rows ({size} MB) to {path}",
                s.rows,
            ).format(count=_count(s.rows), size=format_number(s.bytes / 1e6, digits=1), path=out),
            markup=False,
        )


@app.command(
    "burden",
    help=N_("Logistics burden: the cheapest corridor's cost per tonne as a share of unit value."),
)
def burden_cmd(
    reporter: ReporterOpt,
    partner: PartnerOpt,
    year: YearOpt = None,
    flow: FlowOpt = "X",
    n: Annotated[int, typer.Option("-n", help=N_("How many top products."))] = 10,
    level: LevelOpt = LevelChoice.heading,
    origin_place: Annotated[
        str | None,
        typer.Option("--origin-place", help=N_("Place standing for the origin country.")),
    ] = None,
    destination_place: Annotated[
        str | None,
        typer.Option("--destination-place", help=N_("Place standing for the destination country.")),
    ] = None,
    dataset: Annotated[
        Path | None,
        typer.Option("--dataset", envvar="DALIZ_DATASET", help=N_("Corridor dataset.")),
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
    table = Table(
        title=escape(
            _("Logistics burden, {reporter} → {partner} ({flow})").format(
                reporter=reporter, partner=partner, flow=flow.upper()
            )
        )
    )
    _columns(
        table,
        [
            ("HS", False),
            (_("product"), False),
            (_("value USD m"), True),
            (_("USD/t"), True),
            (_("corridor USD/t"), True),
            (_("burden"), True),
        ],
    )
    hs_lang = codes.hs_language()
    for r in rows:
        description = codes.hs_description(r.hs_code, hs_lang) or r.description
        table.add_row(
            r.hs_code,
            escape(description[:40]),
            _m(r.value_usd),
            format_number(r.unit_value_usd_per_t) if r.unit_value_usd_per_t else "—",
            format_number(r.cost_per_tonne_usd) if r.cost_per_tonne_usd else "—",
            "—" if math.isnan(r.burden_share) else format_percent(r.burden_share),
        )
    console.print(table)
    for key, note in cost.notes.items():
        console.print(f"[dim]{key[0]} {key[1]}→{key[2]}: {escape(note)}[/]", highlight=False)


def burden_alpha2(country: str) -> str:
    """ISO alpha-2 of a reporter/partner code as the corridor planner names countries."""
    found = codes.countries().get(codes.resolve_country(country))
    return found.iso2 if found is not None and found.iso2 else country.upper()
