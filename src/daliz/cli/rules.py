"""`daliz rules` commands: the agreements register, the commodity catalogue and the chain."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from daliz.errors import DalizError, RequestError
from daliz.i18n import N_, _, current_language, name_in, ngettext_
from daliz.network.load import resolve_dataset
from daliz.planning.labels import cargo_label, status_label
from daliz.rules import PlanAlternatives, load_rules, rules_chain
from daliz.rules.model import STATUSES, Commodity, RouteFacts, RuleBook
from daliz.rules.reference import reference_alternatives

app = typer.Typer(help=N_("Legal rules: agreements, commodities, the chain."), no_args_is_help=True)
console = Console(soft_wrap=True)

DatasetOption = Annotated[
    Path | None,
    typer.Option(
        "--dataset",
        envvar="DALIZ_DATASET",
        help=N_("Dataset directory (complete, or an overlay with `base: default`)."),
        show_default=N_("bundled default"),
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help=N_("Print JSON."))]
STATUS_HELP = N_(
    "Only this status: proposed, negotiated, signed, ratified, in_force, suspended, expired."
)

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


@app.command("agreements", help=N_("List and filter the register of agreements."))
def agreements(
    party: Annotated[
        list[str] | None, typer.Option("--party", help=N_("Only agreements with this party (ISO)."))
    ] = None,
    status: Annotated[str | None, typer.Option("--status", help=STATUS_HELP)] = None,
    on: Annotated[
        str | None, typer.Option("--date", help=N_("Status on this date (YYYY-MM-DD)."))
    ] = None,
    dataset: DatasetOption = None,
    as_json: JsonOption = False,
) -> None:
    """List and filter the register of agreements."""
    day = _parse_date(on)
    if status is not None and status not in STATUSES:
        raise RequestError(
            _("Unknown status {value!r}.").format(value=status), suggestions=list(STATUSES)
        )
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
    table = Table(title=_("Agreements (status on {date})").format(date=day.isoformat()))
    for col in ("id", _("name"), _("kind"), _("parties"), _("status"), _("since"), _("routing")):
        table.add_column(col)
    lang = current_language()
    for a, s, d in rows:
        table.add_row(
            a.id,
            name_in(a.names.to_dict(), a.id, lang),
            a.kind.replace("_", " "),
            " ".join(a.parties),
            status_label(s),
            d.isoformat() if d else "",
            _("yes") if a.affects_routing else _("register only"),
        )
    console.print(table)


@app.command("commodities", help=N_("List the commodity catalogue."))
def commodities(dataset: DatasetOption = None, as_json: JsonOption = False) -> None:
    """List the commodity catalogue."""
    book = _book(dataset)
    if as_json:
        items = [c.to_dict() for c in book.commodities.values()]
        print(json.dumps({"commodities": items}, ensure_ascii=False))
        return
    table = Table(title=_("Commodity catalogue"))
    for col in (
        "id",
        "HS",
        "en",
        "kk",
        "ru",
        "ur",
        _("direction"),
        _("cargo"),
        "°C",
        _("max days"),
    ):
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
            cargo_label(c.cargo_type),
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
        _("Cannot tell the country of {query!r} without a network dataset.").format(query=query),
        hint=_("Give a country code (KZ, PK) or one of: {cities}").format(
            cities=", ".join(sorted(_FALLBACK_CITIES))
        ),
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
        note = _("alternatives from the planner")
    else:
        oc, dc = _country_of(origin, dataset), _country_of(destination, dataset)
        alternatives = reference_alternatives(oc, dc)
        if not alternatives:
            raise RequestError(
                _(
                    "No reference corridors {origin}→{destination}; only KZ↔PK are built in "
                    "until the planner is connected."
                ).format(origin=oc, destination=dc)
            )
        note = _(
            "reference corridors (hand-built sequences of countries, modes and borders; "
            "not planned routes)"
        )
    report = rules_chain(book, commodity, alternatives, departure, note=note)
    return {"origin": origin, "destination": destination, **report.to_dict()}


@app.command(
    "chain",
    help=N_(
        "Which agreements each corridor of a flow depends on, and what pending ones would unlock."
    ),
)
def chain(
    commodity: Annotated[
        str, typer.Option("--commodity", help=N_("Commodity id, name or HS code."))
    ],
    origin: Annotated[str, typer.Option("--from", help=N_("Origin place (or country code)."))],
    destination: Annotated[
        str, typer.Option("--to", help=N_("Destination place (or country code)."))
    ],
    on: Annotated[
        str | None, typer.Option("--date", help=N_("Departure date (YYYY-MM-DD)."))
    ] = None,
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
        "[bold]"
        + escape(name_in(good.names.to_dict(), good.id))
        + "[/] "
        + escape(
            _("{origin} → {destination}, departing {date}").format(
                origin=origin, destination=destination, date=day.isoformat()
            )
        )
        + f"\n[dim]{escape(str(data['note']))}[/]"
    )
    corridors = data["corridors"]
    assert isinstance(corridors, list)
    for c in corridors:
        mark = "[red]" + _("BLOCKED") + "[/]" if c["blocked"] else "[green]" + _("open") + "[/]"
        console.print(f"\n[bold]{escape(c['corridor'])}[/] — {mark}")
        for a in c["depends_on"]:
            console.print(
                "  "
                + escape(
                    _("relies on {agreement} ({status}): {needed_for}").format(
                        agreement=a["short"],
                        status=status_label(a["status"]),
                        needed_for=a["needed_for"],
                    )
                )
            )
        for b in c["blockers"]:
            console.print(
                "  [red]" + _("blocker") + f"[/] {escape(b['kind'])}: {escape(b['message'])}"
            )
        for w in c["warnings"]:
            console.print(
                "  [yellow]" + _("warning") + f"[/] {escape(w['kind'])}: {escape(w['message'])}"
            )
        for p in c["pending"]:
            effect = []
            if p["would_unblock"]:
                effect.append(
                    ngettext_(
                        "unblocks {count}", "unblocks {count}", len(p["would_unblock"])
                    ).format(count=len(p["would_unblock"]))
                )
            if p["would_clear"]:
                effect.append(
                    ngettext_(
                        "clears {count} warning", "clears {count} warnings", len(p["would_clear"])
                    ).format(count=len(p["would_clear"]))
                )
            label = "; ".join(effect) or _("changes nothing on this corridor")
            console.print(
                "  "
                + escape(
                    _("pending {agreement} ({status}): in force it {effect}").format(
                        agreement=p["short"], status=status_label(p["status"]), effect=label
                    )
                )
            )


def _parse_date(text: str | None) -> dt.date:
    if text is None:
        return _today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RequestError(_("{value!r} is not a date (YYYY-MM-DD).").format(value=text)) from None
