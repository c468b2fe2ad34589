"""`daliz rules` commands: the agreements register, the commodity catalogue and the chain."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from daliz.errors import DalizError, RequestError
from daliz.network.load import resolve_dataset
from daliz.rules import PlanAlternatives, load_rules, rules_chain
from daliz.rules.model import STATUSES, Commodity, RouteFacts, RuleBook
from daliz.rules.reference import reference_alternatives

app = typer.Typer(help="Legal rules: agreements, commodities, the chain.", no_args_is_help=True)
console = Console(soft_wrap=True)

DatasetOption = Annotated[
    Path | None,
    typer.Option(
        "--dataset",
        envvar="DALIZ_DATASET",
        help="Dataset directory (complete, or an overlay with `base: default`).",
        show_default="bundled default",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]

# The planner connects here: a function (origin, destination, commodity, departure) returning
# route alternatives as RouteFacts. Until it is set, `chain` uses the hand-built reference
# corridors of daliz.rules.reference and says so.
plan_alternatives: PlanAlternatives | None = None


def set_plan_alternatives(fn: PlanAlternatives | None) -> None:
    """Connect (or disconnect) the planner used by `daliz rules chain`."""
    global plan_alternatives
    plan_alternatives = fn


def _book(dataset: Path | None) -> RuleBook:
    return load_rules(resolve_dataset(dataset))


def _today() -> dt.date:
    return dt.date.today()


@app.command("agreements")
def agreements(
    party: Annotated[
        list[str] | None, typer.Option("--party", help="Only agreements with this party (ISO).")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help=f"Only this status: {', '.join(STATUSES)}.")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--date", help="Status on this date (YYYY-MM-DD).")
    ] = None,
    dataset: DatasetOption = None,
    as_json: JsonOption = False,
) -> None:
    """List and filter the register of agreements."""
    day = _parse_date(on)
    if status is not None and status not in STATUSES:
        raise RequestError(f"Unknown status {status!r}.", suggestions=list(STATUSES))
    book = _book(dataset)
    wanted = [p.upper() for p in party or []]
    rows = []
    for a in book.agreements.values():
        if wanted and not all(p in a.parties for p in wanted):
            continue
        ev = a.status_on(day)
        current = ev.status if ev else "not yet"
        if status is not None and current != status:
            continue
        rows.append((a, current, ev.date if ev else None))
    if as_json:
        out = [
            {**a.to_dict(), "status_on_date": s, "status_date": d.isoformat() if d else None}
            for a, s, d in rows
        ]
        print(json.dumps({"date": day.isoformat(), "agreements": out}, ensure_ascii=False))
        return
    table = Table(title=f"Agreements (status on {day.isoformat()})")
    for col in ("id", "name", "kind", "parties", "status", "since", "routing"):
        table.add_column(col)
    for a, s, d in rows:
        table.add_row(
            a.id,
            a.names.en,
            a.kind,
            " ".join(a.parties),
            s,
            d.isoformat() if d else "",
            "yes" if a.affects_routing else "register only",
        )
    console.print(table)


@app.command("commodities")
def commodities(dataset: DatasetOption = None, as_json: JsonOption = False) -> None:
    """List the commodity catalogue."""
    book = _book(dataset)
    if as_json:
        items = [c.to_dict() for c in book.commodities.values()]
        print(json.dumps({"commodities": items}, ensure_ascii=False))
        return
    table = Table(title="Commodity catalogue")
    for col in ("id", "HS", "en", "kk", "ru", "ur", "direction", "cargo", "°C", "max days"):
        table.add_column(col)
    for c in book.commodities.values():
        temp = (
            f"{c.temp_c_min:g}…{c.temp_c_max:g}"
            if c.temp_c_min is not None and c.temp_c_max is not None
            else ""
        )
        days = f"{c.max_transit_days:g}" if c.max_transit_days is not None else ""
        table.add_row(
            c.id,
            " ".join(c.hs_codes),
            c.names.en,
            c.names.kk,
            c.names.ru,
            c.names.ur,
            c.direction,
            c.cargo_type,
            temp,
            days,
        )
    console.print(table)


# Countries of a few seed cities, used only when no network dataset can resolve the place.
_FALLBACK_CITIES = {
    "kostanay": "KZ",
    "almaty": "KZ",
    "astana": "KZ",
    "shymkent": "KZ",
    "aktau": "KZ",
    "karachi": "PK",
    "lahore": "PK",
    "islamabad": "PK",
    "peshawar": "PK",
    "gwadar": "PK",
    "sargodha": "PK",
    "quetta": "PK",
}


def _country_of(query: str, dataset: Path | None) -> str:
    text = query.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    try:
        from daliz.network import load_network
        from daliz.network.places import resolve_place

        return str(resolve_place(load_network(dataset), text).country)
    except RequestError:
        raise
    except DalizError:
        pass  # no usable network dataset: fall back to the seed cities below
    key = text.casefold()
    if key in _FALLBACK_CITIES:
        return _FALLBACK_CITIES[key]
    raise RequestError(
        f"Cannot tell the country of {query!r} without a network dataset.",
        hint="Give a country code (KZ, PK) or one of: " + ", ".join(sorted(_FALLBACK_CITIES)),
    )


def chain_report(
    book: RuleBook,
    commodity: Commodity,
    origin: str,
    destination: str,
    departure: dt.date,
    *,
    planner: PlanAlternatives | None,
    dataset: Path | None = None,
) -> dict[str, object]:
    """The chain as JSON-ready data: planned alternatives when a planner is connected, else the
    reference corridors for the two countries."""
    alternatives: list[RouteFacts]
    if planner is not None:
        alternatives = list(planner(origin, destination, commodity, departure))
        note = "alternatives from the planner"
    else:
        oc, dc = _country_of(origin, dataset), _country_of(destination, dataset)
        alternatives = reference_alternatives(oc, dc)
        if not alternatives:
            raise RequestError(
                f"No reference corridors {oc}→{dc}; only KZ↔PK are built in until the planner "
                "is connected."
            )
        note = (
            "reference corridors (hand-built sequences of countries, modes and borders; "
            "not planned routes)"
        )
    report = rules_chain(book, commodity, alternatives, departure, note=note)
    return {"origin": origin, "destination": destination, **report.to_dict()}


@app.command("chain")
def chain(
    commodity: Annotated[str, typer.Option("--commodity", help="Commodity id, name or HS code.")],
    origin: Annotated[str, typer.Option("--from", help="Origin place (or country code).")],
    destination: Annotated[str, typer.Option("--to", help="Destination place (or country code).")],
    on: Annotated[str | None, typer.Option("--date", help="Departure date (YYYY-MM-DD).")] = None,
    dataset: DatasetOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which agreements each corridor of a flow depends on, and what pending ones would unlock."""
    day = _parse_date(on)
    book = _book(dataset)
    good = book.find_commodity(commodity)
    data = chain_report(
        book, good, origin, destination, day, planner=plan_alternatives, dataset=dataset
    )
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
        return
    console.print(
        f"[bold]{good.names.en}[/] {origin} → {destination}, departing {day.isoformat()}"
        f"\n[dim]{data['note']}[/]"
    )
    corridors = data["corridors"]
    assert isinstance(corridors, list)
    for c in corridors:
        mark = "[red]BLOCKED[/]" if c["blocked"] else "[green]open[/]"
        console.print(f"\n[bold]{c['corridor']}[/] — {mark}")
        for a in c["depends_on"]:
            console.print(f"  relies on {a['short']} ({a['status']}): {a['needed_for']}")
        for b in c["blockers"]:
            console.print(f"  [red]blocker[/] {b['kind']}: {b['message']}")
        for w in c["warnings"]:
            console.print(f"  [yellow]warning[/] {w['kind']}: {w['message']}")
        for p in c["pending"]:
            effect = []
            if p["would_unblock"]:
                effect.append(f"unblocks {len(p['would_unblock'])}")
            if p["would_clear"]:
                effect.append(f"clears {len(p['would_clear'])} warning(s)")
            label = "; ".join(effect) or "changes nothing on this corridor"
            console.print(f"  pending {p['short']} ({p['status']}): in force it {label}")


def _parse_date(text: str | None) -> dt.date:
    if text is None:
        return _today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RequestError(f"{text!r} is not a date (YYYY-MM-DD).") from None
