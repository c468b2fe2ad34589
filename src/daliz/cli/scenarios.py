"""`daliz compare`, `daliz batch` and `daliz scenarios list|show|validate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.console import Console, JustifyMethod
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from daliz.cli.data import DatasetOption
from daliz.cli.plan import ObjectiveOpt, PlanOptions, plan_options
from daliz.i18n import N_
from daliz.i18n import gettext_ as _
from daliz.i18n import ngettext_ as ngettext

console = Console(soft_wrap=True)
app = typer.Typer(help=N_("Scenario files: list, show and validate."), no_args_is_help=True)

ScenarioOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--scenario",
        "-s",
        help=N_("Scenario file or bundled scenario name (repeatable); the base is always shown."),
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help=N_("Print JSON."))]


def _money(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "–"


def _days(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "–"


def _signed(value: float | None, fmt: str) -> str:
    return "" if value is None else f" ({format(value, fmt)})"


# --------------------------------------------------------------------------- compare
@plan_options(omit=("max_alternatives", "include_blocked"))  # one best route per scenario
def compare_command(
    *,  # keyword-only: `shipment` (no default) follows `scenario`, listed first in --help
    scenario: ScenarioOpt = None,
    shipment: PlanOptions,  # origin, destination, --commodity … --draws, as `daliz plan`
    dataset: DatasetOption = None,
    png: Annotated[
        Path | None, typer.Option(help=N_("Write a chart of the comparison (PNG) here."))
    ] = None,
    html: Annotated[
        Path | None, typer.Option(help=N_("Write a self-contained HTML page here."))
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Compare a shipment across scenarios: best route, cost, median and P90 days, CO2e."""
    from daliz.scenarios.charts import write_html, write_png
    from daliz.scenarios.compare import compare

    comparison = compare(shipment.request(), scenario or [], dataset=dataset)
    written = []
    if png is not None:
        written.append(write_png(comparison, png))
    if html is not None:
        written.append(write_html(comparison, html))
    if as_json:
        typer.echo(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2))
        return
    table = Table(title=_("Scenario comparison"), title_justify="left")
    for column, justify in (
        (_("scenario"), "left"),
        (_("best route"), "left"),
        (_("cost USD (Δ)"), "right"),
        (_("median days (Δ)"), "right"),
        (_("P90 days"), "right"),
        (_("t CO2e"), "right"),
    ):
        table.add_column(column, justify=cast(JustifyMethod, justify))
    base = comparison.base
    for row in comparison.rows:
        is_base = row is base
        table.add_row(
            row.scenario,
            row.corridor or f"[red]{row.error or _('no route')}[/]",
            _money(row.cost_usd)
            + ("" if is_base else _signed(comparison.delta(row, "cost_usd"), "+,.0f")),
            _days(row.median_days)
            + ("" if is_base else _signed(comparison.delta(row, "median_days"), "+.1f")),
            _days(row.days_p90),
            f"{row.co2e_kg / 1000:,.1f}" if row.co2e_kg is not None else "–",
        )
    console.print(table)
    for row in comparison.rows[1:]:
        console.print(f"[bold]{row.scenario}[/] — {row.title}", highlight=False)
        for change in row.changes:
            console.print(f"  • {change}", highlight=False, markup=False)
    for path in written:
        console.print(_("written {path}").format(path=path), highlight=False)


# --------------------------------------------------------------------------- batch
def batch_command(
    flows: Annotated[
        Path,
        typer.Argument(
            help=N_("Flows file, CSV or Parquet: origin, destination, commodity, tonnes[, date]")
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help=N_("Results file: .parquet or .csv."))],
    scenario: ScenarioOpt = None,
    dataset: DatasetOption = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help=N_("Address of a running Dask scheduler (default: a local cluster).")),
    ] = None,
    workers: Annotated[int, typer.Option(help=N_("Workers of the local cluster."))] = 2,
    threads: Annotated[
        bool, typer.Option(help=N_("Local workers as threads instead of processes."))
    ] = False,
    objective: ObjectiveOpt = "balanced",
    draws: Annotated[
        int, typer.Option(help=N_("Reliability draws per plan (median and P90 days)."))
    ] = 1000,
    date: Annotated[
        str | None, typer.Option(help=N_("Departure of flows without a date (YYYY-MM-DD)."))
    ] = None,
    summary: Annotated[
        Path | None, typer.Option(help=N_("Also write the summary as JSON here."))
    ] = None,
    screen: Annotated[
        bool,
        typer.Option(
            help=N_(
                "Fast approximate screening: best corridor by a one-criterion search on static "
                "prices (no schedules, closures by date, rules or draws)."
            )
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=N_("Print the summary as JSON."))] = False,
) -> None:
    """Plan many flows under scenarios on Dask; best route per flow, corridor shares."""
    from daliz.errors import RequestError
    from daliz.scenarios.batch import BatchOptions, read_flows, run_batch, write_rows

    if out.suffix.lower() not in (".parquet", ".pq", ".csv"):
        raise RequestError(
            _("--out {path!r}: use a .parquet or .csv file name.").format(path=str(out))
        )
    if objective not in ("cheapest", "fastest", "greenest", "balanced", "reliable"):
        raise RequestError(_("Unknown objective {objective!r}.").format(objective=objective))
    flow_list = read_flows(flows)
    options = BatchOptions(objective=objective, draws=draws, default_date=date or "", screen=screen)
    progress = Progress(
        TextColumn("[bold]planning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=as_json,
    )
    with progress:
        task = progress.add_task("plans", total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = run_batch(
            flow_list,
            scenario or [],
            dataset=dataset,
            options=options,
            scheduler=scheduler,
            workers=workers,
            processes=not threads,
            progress=update,
        )
    path = write_rows(result, out)
    if summary is not None:
        summary.write_text(json.dumps(result.summary, ensure_ascii=False, indent=2), "utf-8")
    if as_json:
        typer.echo(json.dumps(result.summary, ensure_ascii=False, indent=2))
        return
    rate = result.evaluations / result.seconds if result.seconds else 0.0
    console.print(
        _(
            "{flows} flows × {variants} variants = {plans} plans on {workers} workers in "
            "{seconds} s ({rate} plans/s); {failed} failed (see the error column). Written {path}"
        ).format(
            flows=result.flows,
            variants=len(result.scenarios),
            plans=result.evaluations,
            workers=result.workers,
            seconds=f"{result.seconds:.1f}",
            rate=f"{rate:.1f}",
            failed=result.failed,
            path=path,
        ),
        highlight=False,
    )
    _print_summary(result.summary)


def _print_summary(summary: dict[str, Any]) -> None:
    table = Table(title=_("Corridor shares by commodity (share of tonnes)"), title_justify="left")
    table.add_column(_("scenario"))
    table.add_column(_("commodity"))
    table.add_column(_("corridors"))
    for scenario, by_commodity in summary["shares"].items():
        for commodity, shares in by_commodity.items():
            text = "; ".join(f"{corridor} {share:.0%}" for corridor, share in shares.items())
            table.add_row(scenario, commodity, text)
    console.print(table)
    if not summary["changes"]:
        return
    changes = Table(title=_("What each scenario changes (against the base)"), title_justify="left")
    columns = (
        _("scenario"),
        _("flows"),
        _("corridor changed"),
        _("gained"),
        _("lost"),
        _("Δ USD/t"),
        _("Δ days"),
    )
    for column in columns:
        changes.add_column(column)
    for scenario, change in summary["changes"].items():
        d_cost = change["mean_delta_cost_usd_per_tonne"]
        d_days = change["mean_delta_median_days"]
        changes.add_row(
            scenario,
            str(change["flows"]),
            str(change["corridor_changed"]),
            str(change["gained_a_route"]),
            str(change["lost_the_route"]),
            f"{d_cost:+.1f}" if d_cost is not None else "–",
            f"{d_days:+.1f}" if d_days is not None else "–",
        )
    console.print(changes)
    for scenario, change in summary["changes"].items():
        for move, count in change["main_moves"].items():
            flows = ngettext("{count} flow", "{count} flows", count).format(count=count)
            console.print(f"  {scenario}: {move} ({flows})", highlight=False)


# --------------------------------------------------------------------------- scenarios
@app.command("list")
def list_command(as_json: JsonOpt = False) -> None:
    """List the bundled scenarios."""
    from daliz.scenarios.load import bundled_names, load_scenario

    items: list[dict[str, str]] = []
    for name in bundled_names():
        scenario = load_scenario(name)
        items.append({"name": name, "title": scenario.title, "changes": str(len(scenario.changes))})
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    table = Table(_("name"), _("title"), _("changes"))
    for item in items:
        table.add_row(item["name"], item["title"], item["changes"])
    console.print(table)


@app.command("show")
def show_command(
    scenario: Annotated[str, typer.Argument(help=N_("Scenario file or bundled name."))],
    dataset: DatasetOption = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a scenario: its assumptions, sources and what it changes on the dataset."""
    from daliz.scenarios.load import resolve_scenario
    from daliz.scenarios.variants import base_variant, scenario_variant

    path = resolve_scenario(scenario)
    variant = scenario_variant(base_variant(dataset), scenario)
    assert variant.applied is not None
    parsed = variant.applied.scenario
    if as_json:
        data = parsed.model_dump(mode="json", by_alias=True)
        data["file"] = str(path)
        data["summary"] = variant.changes
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{parsed.id}[/] — {parsed.title}  [dim]{path}[/]", highlight=False)
    if parsed.description:
        console.print(parsed.description.strip(), highlight=False)
    console.print("[bold]" + _("Changes") + "[/]")
    for line in variant.changes:
        console.print(f"  • {line}", highlight=False, markup=False)
    if parsed.assumptions:
        console.print("[bold]" + _("Assumptions") + "[/]")
        for assumption in parsed.assumptions:
            cited = ", ".join(assumption.source)
            why = (
                (" — " + _("estimate: {reason}").format(reason=assumption.estimate))
                if assumption.estimate
                else ""
            )
            console.print(f"  • {assumption.text} [{cited}]{why}", highlight=False, markup=False)
    sources = {s.id: s for s in parsed.sources}
    cited_ids = {i for c in parsed.changes for i in c.source} | {
        i for a in parsed.assumptions for i in a.source
    }
    if cited_ids:
        console.print("[bold]" + _("Sources") + "[/]")
        network_sources = variant.network.sources
        for source_id in sorted(cited_ids):
            source = sources.get(source_id) or network_sources.get(source_id)
            if source is not None:
                console.print(
                    f"  {source_id}: {source.title}, {source.publisher} {source.url}",
                    highlight=False,
                )


@app.command("validate")
def validate_command(
    scenarios: Annotated[list[str], typer.Argument(help=N_("Scenario files or bundled names."))],
    dataset: DatasetOption = None,
) -> None:
    """Check scenarios against a dataset; list every problem (file, change, field)."""
    from daliz.errors import DalizError
    from daliz.scenarios.variants import base_variant, scenario_variant

    base = base_variant(dataset)
    failed = 0
    for text in scenarios:
        try:
            variant = scenario_variant(base, text)
        except DalizError as exc:
            failed += 1
            console.print(f"[red]✗[/] {text}: {exc}", highlight=False)
            continue
        console.print(
            "[green]✓[/] "
            + _("{name}: {count} changes apply cleanly").format(
                name=text, count=len(variant.changes)
            ),
            highlight=False,
        )
    if failed:
        raise typer.Exit(2)


def register(main_app: typer.Typer) -> None:
    """Add `compare`, `batch` and the `scenarios` group to the main app."""
    main_app.command("compare")(compare_command)
    main_app.command("batch")(batch_command)
    main_app.add_typer(app, name="scenarios")
