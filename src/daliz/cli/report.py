"""`daliz report`: shareable HTML and PDF reports of a plan or of the trade monitor."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from daliz.cli.data import DatasetOption
from daliz.cli.plan import PlanOptions, plan_options
from daliz.i18n import N_, _, check_language, current_language

app = typer.Typer(
    help=N_("Write a report (HTML or PDF) of a plan or of trade."), no_args_is_help=True
)
console = Console(soft_wrap=True)

OutOption = Annotated[
    Path,
    typer.Option(
        "--out",
        "-o",
        help=N_("Report file: .html (self-contained) or .pdf (printed by headless Chromium)."),
    ),
]
ReportLangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help=N_("Language of the report: en, kk, ru or ur (default: the global language)."),
        metavar="LANG",
        show_default=False,
    ),
]


def _language(lang: str | None) -> str:
    return check_language(lang) if lang is not None else current_language()


@plan_options()
def report_plan(
    out: OutOption,
    shipment: PlanOptions,  # origin, destination, --commodity … --draws, as `daliz plan`
    dataset: DatasetOption = None,
    lang: ReportLangOption = None,
) -> None:
    """Plan a shipment and write its report: map, comparison, legs, costs, documents, sources."""
    from daliz.i18n import use_language
    from daliz.reports import FORMATS, plan_report, write_report

    language = _language(lang)
    with use_language(language):
        if out.suffix.lower() not in FORMATS:
            write_report("", out)  # raises the clear "not .html or .pdf" error
        _result, html = plan_report(shipment.request(), dataset=dataset, lang=language)
        written = write_report(html, out)
        console.print(_("Report written to {path}").format(path=written), markup=False)


def report_trade(
    out: OutOption,
    reporter: Annotated[
        str, typer.Option("--reporter", "-r", help=N_("Reporting country (code or name)."))
    ] = "KZ",
    partner: Annotated[
        str, typer.Option("--partner", "-p", help=N_("Partner country (code or name)."))
    ] = "PK",
    target_usd: Annotated[
        float, typer.Option("--target-usd", help=N_("Turnover target, USD."))
    ] = 1e9,
    by_year: Annotated[
        int, typer.Option("--by-year", help=N_("Year by which to reach the target."))
    ] = 2030,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="DALIZ_TRADE_DB",
            help=N_("Trade database (default: the trade monitor's, when it exists)."),
        ),
    ] = None,
    top: Annotated[int, typer.Option(help=N_("Products to list each way."))] = 10,
    lang: ReportLangOption = None,
) -> None:
    """Write the trade report: published figures, target progress, imported statistics."""
    from daliz.i18n import use_language
    from daliz.reports import FORMATS, write_report
    from daliz.reports.trade import TradeReportOptions, trade_report_html

    language = _language(lang)
    with use_language(language):
        if out.suffix.lower() not in FORMATS:
            write_report("", out)  # raises the clear "not .html or .pdf" error
        options = TradeReportOptions(
            reporter=reporter,
            partner=partner,
            target_usd=target_usd,
            target_year=by_year,
            db_path=db,
            top=top,
        )
        html = trade_report_html(options, lang=language)
        written = write_report(html, out)
        console.print(_("Report written to {path}").format(path=written), markup=False)


def register(main_app: typer.Typer) -> None:
    """Add the `report` command group to the main app."""
    app.command("plan", help=PLAN_HELP)(report_plan)
    app.command("trade", help=TRADE_HELP)(report_trade)
    main_app.add_typer(app, name="report")


TRADE_HELP = N_("Write the trade report: published figures, target progress, imported statistics.")


PLAN_HELP = N_(
    "Plan a shipment and write its report: map, comparison, legs, costs, documents, sources."
)
