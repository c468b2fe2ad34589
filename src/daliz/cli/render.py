"""Rich renderings of plan results for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from daliz.planning.result import Alternative, PlanResult


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _days(alt: Alternative) -> str:
    t = alt.totals
    if t.days_p50 is not None and t.days_p90 is not None:
        return f"{t.days_p50:.1f} (P90 {t.days_p90:.1f})"
    return f"{t.days:.1f}"


def print_plan(console: Console, result: PlanResult, *, details: bool = True) -> None:
    """Print the ranked alternatives and, if `details`, each one leg by leg."""
    req = result.request.get("resolved", {})
    console.print(
        f"[bold]{req.get('commodity_name', '')}[/], {req.get('tonnes', 0):g} t "
        f"({req.get('cargo_type', '')}): {req.get('origin')} → {req.get('destination')}, "
        f"departing {str(req.get('departure', ''))[:10]}  "
        f"[dim]dataset {result.dataset.name} {result.dataset.version} "
        f"#{result.dataset.hash[:10]}[/]"
    )
    table = Table(title="Alternatives", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("corridor")
    table.add_column("days", justify="right")
    table.add_column("cost USD", justify="right")
    table.add_column("USD/t", justify="right")
    table.add_column("t CO2e", justify="right")
    table.add_column("borders")
    table.add_column("note")
    for alt in result.alternatives:
        notes = []
        if alt.pareto:
            notes.append("Pareto")
        if alt.blocked:
            notes.append("[red]BLOCKED[/]")
        if alt.warnings:
            notes.append(f"{len(alt.warnings)} warning{'s' if len(alt.warnings) > 1 else ''}")
        table.add_row(
            str(alt.rank),
            alt.corridor,
            _days(alt),
            _money(alt.totals.cost_usd),
            f"{alt.totals.cost_usd_per_tonne:,.1f}",
            f"{alt.totals.co2e_kg / 1000:,.1f}",
            str(len(alt.border_crossings)),
            ", ".join(notes),
        )
    console.print(table)
    if not details:
        return
    for alt in result.alternatives:
        console.rule(f"#{alt.rank} {alt.corridor}")
        legs = Table(show_edge=False, pad_edge=False)
        for column in ("mode", "from → to", "km", "hours", "USD", "kg CO2e", "how priced"):
            legs.add_column(
                column, justify="right" if column in ("km", "hours", "USD", "kg CO2e") else "left"
            )
        for leg in alt.legs:
            mode = leg.mode + (f" {leg.gauge_mm}" if leg.gauge_mm else "")
            if leg.service:
                mode += f" ({leg.service})"
            legs.add_row(
                mode,
                f"{leg.from_name} → {leg.to_name}",
                f"{leg.distance_km:,.0f}",
                f"{leg.hours:,.1f}",
                _money(leg.cost_usd),
                f"{leg.co2e_kg:,.0f}",
                ("~ " if leg.estimate else "") + leg.tariff,
            )
        console.print(legs)
        if alt.events:
            console.print("[bold]At places:[/]")
            for event in alt.events:
                console.print(
                    f"  • {event.place_name}: {event.kind.replace('_', ' ')} — "
                    f"{event.hours:,.1f} h, USD {_money(event.cost_usd)} ({event.detail})",
                    highlight=False,
                )
        breakdown = ", ".join(
            f"{k.replace('_', ' ')} {_money(v)}" for k, v in alt.cost_breakdown.items()
        )
        t = alt.totals
        console.print(
            f"[bold]Total:[/] USD {_money(t.cost_usd)} ({breakdown}); {t.days:.1f} days; "
            f"{t.distance_km:,.0f} km; {t.co2e_kg / 1000:,.1f} t CO2e",
            highlight=False,
        )
        if t.days_p90 is not None:
            console.print(
                f"[bold]Reliability:[/] median {t.days_p50:.1f} d, P90 {t.days_p90:.1f} d, "
                f"P95 {t.days_p95:.1f} d; stability index {t.stability_index:.2f}"
                + (
                    f"; on time {t.on_time_probability:.0%}"
                    if t.on_time_probability is not None
                    else ""
                ),
                highlight=False,
            )
        rules = alt.rules or {}
        for blocker in rules.get("blockers", []):
            console.print(f"  [red]✗ {blocker.get('message')}[/]", highlight=False)
        for warning in alt.warnings:
            console.print(f"  [yellow]! {warning}[/]", highlight=False)
        docs = rules.get("documents") or {}
        if docs:
            console.print("[bold]Documents checklist:[/]")
            for place, items in docs.items():
                console.print(f"  [bold]{place}[/]", highlight=False)
                for doc in items:
                    console.print(
                        f"    ☐ {doc.get('document')} — issued by {doc.get('issued_by')}",
                        highlight=False,
                    )
        regimes = rules.get("regimes") or []
        if regimes:
            console.print(
                "[bold]Regimes:[/] "
                + "; ".join(
                    f"{r.get('from_place', '')}→{r.get('to_place', '')}: "
                    + (", ".join(r.get("regimes", [])) or "—")
                    for r in regimes
                ),
                highlight=False,
            )
    for note in result.notes:
        console.print(f"[dim]{note}[/]", highlight=False)
