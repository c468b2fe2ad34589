"""Rich renderings of plan results for the terminal, in the current language."""

from __future__ import annotations

from typing import cast

from rich.console import Console, JustifyMethod
from rich.markup import escape
from rich.table import Table

from daliz.i18n import _, format_number, format_percent, ngettext_
from daliz.planning.labels import cargo_label, cost_label, event_label, mode_label
from daliz.planning.result import Alternative, PlanResult


def _money(value: float) -> str:
    return format_number(value)


def _days(alt: Alternative) -> str:
    t = alt.totals
    if t.days_p50 is not None and t.days_p90 is not None:
        return _("{median} (P90 {p90})").format(
            median=format_number(t.days_p50, digits=1), p90=format_number(t.days_p90, digits=1)
        )
    return format_number(t.days, digits=1)


def _header(result: PlanResult) -> str:
    req = result.request.get("resolved", {})
    return (
        _(
            "{commodity}, {tonnes} t ({cargo_type}): {origin} → {destination}, departing {date}"
        ).format(
            commodity="[bold]" + escape(str(req.get("commodity_name", ""))) + "[/]",
            tonnes=f"{req.get('tonnes', 0):g}",
            cargo_type=cargo_label(str(req.get("cargo_type", ""))),
            origin=req.get("origin_name") or req.get("origin"),
            destination=req.get("destination_name") or req.get("destination"),
            date=str(req.get("departure", ""))[:10],
        )
        + "  [dim]"
        + _("dataset {name} {version} #{hash}").format(
            name=result.dataset.name, version=result.dataset.version, hash=result.dataset.hash[:10]
        )
        + "[/]"
    )


def _summary_table(result: PlanResult) -> Table:
    table = Table(title=_("Alternatives"), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column(_("corridor"))
    table.add_column(_("days"), justify="right")
    table.add_column(_("cost USD"), justify="right")
    table.add_column(_("USD/t"), justify="right")
    table.add_column(_("t CO2e"), justify="right")
    table.add_column(_("borders"))
    table.add_column(_("note"))
    for alt in result.alternatives:
        notes = []
        if alt.pareto:
            notes.append(_("Pareto"))
        if alt.blocked:
            notes.append("[red]" + _("BLOCKED") + "[/]")
        if alt.warnings:
            count = len(alt.warnings)
            notes.append(
                ngettext_("{count} warning", "{count} warnings", count).format(count=count)
            )
        table.add_row(
            str(alt.rank),
            alt.corridor,
            _days(alt),
            _money(alt.totals.cost_usd),
            format_number(alt.totals.cost_usd_per_tonne, digits=1),
            format_number(alt.totals.co2e_kg / 1000, digits=1),
            str(len(alt.border_crossings)),
            ", ".join(notes),
        )
    return table


def _legs_table(alt: Alternative) -> Table:
    legs = Table(show_edge=False, pad_edge=False)
    columns = (
        (_("mode"), "left"),
        (_("from → to"), "left"),
        (_("km"), "right"),
        (_("hours"), "right"),
        ("USD", "right"),
        (_("kg CO2e"), "right"),
        (_("how priced"), "left"),
    )
    for title, justify in columns:
        legs.add_column(title, justify=cast(JustifyMethod, justify))
    for leg in alt.legs:
        mode = mode_label(leg.mode) + (f" {leg.gauge_mm}" if leg.gauge_mm else "")
        if leg.service:
            mode += f" ({leg.service})"
        legs.add_row(
            mode,
            f"{leg.from_name} → {leg.to_name}",
            format_number(leg.distance_km),
            format_number(leg.hours, digits=1),
            _money(leg.cost_usd),
            format_number(leg.co2e_kg),
            ("~ " if leg.estimate else "") + leg.tariff,
        )
    return legs


def print_alternative(console: Console, alt: Alternative, names: dict[str, str]) -> None:
    """One alternative leg by leg: places, totals, reliability, rules and documents."""
    console.rule(f"#{alt.rank} {alt.corridor}")
    console.print(_legs_table(alt))
    if alt.events:
        console.print("[bold]" + _("At places:") + "[/]")
        for event in alt.events:
            console.print(
                "  • "
                + _("{place}: {what} — {hours} h, USD {cost} ({detail})").format(
                    place=event.place_name,
                    what=event_label(event.kind),
                    hours=format_number(event.hours, digits=1),
                    cost=_money(event.cost_usd),
                    detail=event.detail,
                ),
                highlight=False,
            )
    breakdown = ", ".join(f"{cost_label(k)} {_money(v)}" for k, v in alt.cost_breakdown.items())
    t = alt.totals
    console.print(
        "[bold]"
        + _("Total:")
        + "[/] "
        + _("USD {cost} ({breakdown}); {days} days; {km} km; {co2e} t CO2e").format(
            cost=_money(t.cost_usd),
            breakdown=breakdown,
            days=format_number(t.days, digits=1),
            km=format_number(t.distance_km),
            co2e=format_number(t.co2e_kg / 1000, digits=1),
        ),
        highlight=False,
    )
    if t.days_p90 is not None:
        line = _("median {p50} d, P90 {p90} d, P95 {p95} d; stability index {stability}").format(
            p50=format_number(t.days_p50 or 0.0, digits=1),
            p90=format_number(t.days_p90, digits=1),
            p95=format_number(t.days_p95 or 0.0, digits=1),
            stability=format_number(t.stability_index or 0.0, digits=2),
        )
        if t.on_time_probability is not None:
            line += "; " + _("on time {share}").format(share=format_percent(t.on_time_probability))
        console.print("[bold]" + _("Reliability:") + "[/] " + line, highlight=False)
    rules = alt.rules or {}
    for blocker in rules.get("blockers", []):
        console.print(f"  [red]✗ {escape(str(blocker.get('message')))}[/]", highlight=False)
    for warning in alt.warnings:
        console.print(f"  [yellow]! {escape(warning)}[/]", highlight=False)
    docs = rules.get("documents") or {}
    if docs:
        console.print("[bold]" + _("Documents checklist:") + "[/]")
        for place, items in docs.items():
            console.print(f"  [bold]{names.get(place, place)}[/]", highlight=False)
            for doc in items:
                console.print(
                    "    ☐ "
                    + _("{document} — issued by {issuer}").format(
                        document=doc.get("document"), issuer=doc.get("issued_by")
                    ),
                    highlight=False,
                )
    regimes = rules.get("regimes") or []
    if regimes:
        console.print(
            "[bold]"
            + _("Regimes:")
            + "[/] "
            + "; ".join(
                f"{names.get(r.get('from_place', ''), r.get('from_place', ''))}→"
                f"{names.get(r.get('to_place', ''), r.get('to_place', ''))}: "
                + (", ".join(r.get("regimes", [])) or "—")
                for r in regimes
            ),
            highlight=False,
        )


def print_plan(console: Console, result: PlanResult, *, details: bool = True) -> None:
    """Print the ranked alternatives and, if `details`, each one leg by leg."""
    console.print(_header(result))
    console.print(_summary_table(result))
    if details:
        names = result.place_names()
        for alt in result.alternatives:
            print_alternative(console, alt, names)
    for note in result.notes:
        console.print(f"[dim]{escape(note)}[/]", highlight=False)
