"""The plan report: request, map, comparison, each alternative in full, sources, dataset stamp.

`plan_report_html` renders an already planned result (plan it inside `use_language(lang)` so
names and messages are in that language); `plan_report` plans and renders in one step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from daliz import __version__
from daliz.i18n import (
    _,
    current_language,
    format_date,
    format_money,
    format_number,
    format_percent,
    ngettext_,
    use_language,
)
from daliz.planning.labels import (
    cargo_label,
    cost_label,
    event_label,
    fuel_label,
    mode_label,
    objective_label,
    unit_label,
)
from daliz.planning.result import Alternative, PlanResult
from daliz.reports.charts import Bar, Panel, bar_panels
from daliz.reports.html import Cell, bdi, definition_list, esc, page, raw, table
from daliz.reports.svgmap import colour, legend, plan_map


class SourceLike(Protocol):
    """What a report needs of a source record (network and rules sources both fit)."""

    @property
    def title(self) -> str: ...
    @property
    def publisher(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def published(self) -> dt.date | None: ...
    @property
    def accessed(self) -> dt.date | None: ...


class _Citations:
    """Numbers the sources in order of first citation: [1], [2] …"""

    def __init__(self, known: Mapping[str, SourceLike]) -> None:
        self.known = known
        self.order: list[str] = []

    def cite(self, ids: Iterable[str]) -> str:
        refs = []
        for source_id in ids:
            if source_id not in self.order:
                self.order.append(source_id)
            refs.append(str(self.order.index(source_id) + 1))
        return f'<sup class="muted">[{", ".join(refs)}]</sup>' if refs else ""

    def table(self) -> str:
        rows: list[list[Cell]] = []
        for number, source_id in enumerate(self.order, start=1):
            source = self.known.get(source_id)
            if source is None:
                rows.append(
                    [str(number), raw(bdi(source_id)), raw('<span class="muted">—</span>'), ""]
                )
                continue
            when = source.published or source.accessed
            link = f'<a href="{esc(source.url)}">{esc(source.url)}</a>' if source.url else ""
            title = f"{esc(source.title)}" + (
                f" — {esc(source.publisher)}" if source.publisher else ""
            )
            rows.append(
                [
                    str(number),
                    raw(bdi(source_id)),
                    raw(f"<bdi>{title}</bdi><br>{link}"),
                    format_date(when) if when else "",
                ]
            )
        return table(["#", _("id"), _("source"), _("date")], rows, css_class="sources")


def _days(value: float | None) -> str:
    return format_number(value, digits=1) if value is not None else "—"


def _request_section(result: PlanResult) -> str:
    req = result.request
    resolved = req.get("resolved", {})
    facts = [
        (_("Origin"), bdi(resolved.get("origin_name") or resolved.get("origin", ""))),
        (
            _("Destination"),
            bdi(resolved.get("destination_name") or resolved.get("destination", "")),
        ),
        (
            _("Commodity"),
            bdi(resolved.get("commodity_name", ""))
            + (f' <span class="muted">(HS {esc(req["hs"])})</span>' if req.get("hs") else ""),
        ),
        (
            _("Quantity"),
            esc(_("{tonnes} t").format(tonnes=format_number(float(resolved.get("tonnes", 0)))))
            + (
                esc(f" ({req['count']} × {unit_label(str(req['unit']))})")
                if req.get("count") and req.get("unit")
                else ""
            ),
        ),
        (_("Cargo type"), esc(cargo_label(str(resolved.get("cargo_type", ""))))),
        (_("Departure"), esc(_date_text(str(resolved.get("departure", ""))))),
        (_("Objective"), esc(objective_label(str(req.get("objective", ""))))),
    ]
    if req.get("deadline"):
        facts.append((_("Arrival deadline"), esc(_date_text(str(req["deadline"])))))
    avoided = [
        *(str(c) for c in req.get("avoid_countries") or []),
        *(str(b) for b in req.get("avoid_borders") or []),
        *(mode_label(str(m)) for m in req.get("avoid_modes") or []),
    ]
    if avoided:
        facts.append((_("Avoiding"), esc(", ".join(avoided))))
    if req.get("max_days"):
        facts.append((_("At most"), esc(_("{days} days").format(days=req["max_days"]))))
    if req.get("draws"):
        facts.append(
            (
                _("Reliability draws"),
                esc(format_number(float(req["draws"]))),
            )
        )
    return definition_list(facts)


def _date_text(iso: str) -> str:
    try:
        return format_date(dt.date.fromisoformat(iso[:10]))
    except ValueError:
        return iso


def _summary_table(result: PlanResult) -> str:
    rows: list[list[Cell]] = []
    for alt in result.alternatives:
        t = alt.totals
        flags = []
        if alt.pareto:
            flags.append('<span class="badge">' + esc(_("Pareto")) + "</span>")
        if alt.blocked:
            flags.append('<span class="badge blocked">' + esc(_("BLOCKED")) + "</span>")
        rows.append(
            [
                raw(
                    f'<span class="swatch" style="background:{colour(alt.rank)}"></span>{alt.rank}',
                    "nowrap",
                ),
                raw(esc(alt.corridor) + "".join(flags)),
                _days(t.days_p50 if t.days_p50 is not None else t.days),
                _days(t.days_p90),
                format_money(t.cost_usd),
                format_number(t.cost_usd_per_tonne, digits=1),
                format_number(t.co2e_kg / 1000, digits=1),
                str(len(alt.border_crossings)),
            ]
        )
    return table(
        [
            "#",
            _("corridor"),
            _("days (median)"),
            _("days (P90)"),
            _("cost"),
            _("USD/t"),
            _("t CO2e"),
            _("borders"),
        ],
        rows,
        numeric=(2, 3, 4, 5, 6, 7),
    )


def _comparison_chart(result: PlanResult, lang: str) -> str:
    def bars(value: Any, high: Any = None) -> list[Bar]:
        return [
            Bar(f"#{alt.rank}", float(value(alt)), high(alt) if high else None, colour(alt.rank))
            for alt in result.alternatives
        ]

    panels = [
        Panel(
            _("Cost, USD"),
            bars(lambda a: a.totals.cost_usd),
            lambda v: format_number(v),
        ),
        Panel(
            _("Door-to-door days (median–P90)"),
            bars(
                lambda a: a.totals.days_p50 if a.totals.days_p50 is not None else a.totals.days,
                lambda a: a.totals.days_p90,
            ),
            lambda v: format_number(v, digits=1),
        ),
        Panel(
            _("Emissions, t CO2e"),
            bars(lambda a: a.totals.co2e_kg / 1000),
            lambda v: format_number(v, digits=1),
        ),
    ]
    return bar_panels(panels, lang=lang)


def _alternative(alt: Alternative, names: dict[str, str], cite: _Citations) -> str:
    t = alt.totals
    parts = [
        '<section class="alternative">',
        f'<h2><span class="swatch" style="background:{colour(alt.rank)}"></span>'
        f"#{alt.rank} {esc(alt.corridor)}"
        + ('<span class="badge">' + esc(_("Pareto")) + "</span>" if alt.pareto else "")
        + ('<span class="badge blocked">' + esc(_("BLOCKED")) + "</span>" if alt.blocked else "")
        + "</h2>",
    ]
    facts = [
        (_("Total cost"), esc(format_money(t.cost_usd))),
        (_("Cost per tonne"), esc(format_money(t.cost_usd_per_tonne))),
        (_("Door-to-door days"), esc(_days(t.days))),
    ]
    if t.days_p90 is not None:
        facts.append(
            (
                _("Days: median / P90 / P95"),
                esc(f"{_days(t.days_p50)} / {_days(t.days_p90)} / {_days(t.days_p95)}"),
            )
        )
    if t.cost_usd_p10 is not None and t.cost_usd_p90 is not None:
        facts.append(
            (
                _("Cost range (P10–P90)"),
                esc(f"{format_money(t.cost_usd_p10)} – {format_money(t.cost_usd_p90)}"),
            )
        )
    if t.on_time_probability is not None:
        facts.append((_("On time for the deadline"), esc(format_percent(t.on_time_probability))))
    if t.stability_index is not None:
        facts.append(
            (_("Stability index (P90 / median)"), esc(format_number(t.stability_index, digits=2)))
        )
    facts += [
        (_("Distance"), esc(_("{km} km").format(km=format_number(t.distance_km)))),
        (_("Emissions"), esc(_("{t} t CO2e").format(t=format_number(t.co2e_kg / 1000, digits=1)))),
        (_("Border crossings"), esc(str(len(alt.border_crossings)))),
    ]
    parts.append(definition_list(facts))

    rules = alt.rules or {}
    for blocker in rules.get("blockers", []):
        parts.append(
            '<div class="callout blocker"><b>'
            + esc(_("Blocker"))
            + ":</b> "
            + esc(blocker.get("message", ""))
            + cite.cite(blocker.get("sources", []))
            + "</div>"
        )
    finding_sources = {w.get("message"): w.get("sources", []) for w in rules.get("warnings", [])}
    for warning in alt.warnings:
        parts.append(
            '<div class="callout warning"><b>'
            + esc(_("Warning"))
            + ":</b> "
            + esc(warning)
            + cite.cite(finding_sources.get(warning, []))
            + "</div>"
        )

    parts.append("<h3>" + esc(_("Legs")) + "</h3>")
    leg_rows: list[list[Cell]] = []
    for leg in alt.legs:
        mode = mode_label(leg.mode) + (f" {leg.gauge_mm} mm" if leg.gauge_mm else "")
        if leg.service:
            mode += f" · {leg.service}"
        leg_rows.append(
            [
                mode,
                raw(bdi(leg.from_name) + " → " + bdi(leg.to_name)),
                format_number(leg.distance_km),
                format_number(leg.hours, digits=1),
                format_money(leg.cost_usd),
                format_number(leg.co2e_kg),
                raw(("~ " if leg.estimate else "") + esc(leg.tariff) + cite.cite(leg.sources)),
            ]
        )
    parts.append(
        table(
            [
                _("mode"),
                _("from → to"),
                _("km"),
                _("hours"),
                _("cost"),
                _("kg CO2e"),
                _("how priced"),
            ],
            leg_rows,
            numeric=(2, 3, 4, 5),
        )
    )
    if alt.events:
        parts.append("<h3>" + esc(_("At places")) + "</h3>")
        parts.append(
            table(
                [_("place"), _("what"), _("hours"), _("cost"), _("details")],
                [
                    [
                        raw(bdi(e.place_name)),
                        event_label(e.kind),
                        format_number(e.hours, digits=1),
                        format_money(e.cost_usd),
                        raw(("~ " if e.estimate else "") + esc(e.detail) + cite.cite(e.sources)),
                    ]
                    for e in alt.events
                ],
                numeric=(2, 3),
            )
        )
    parts.append("<h3>" + esc(_("Cost breakdown")) + "</h3>")
    parts.append(
        table(
            [_("item"), _("cost"), _("share")],
            [
                [
                    cost_label(item),
                    format_money(value),
                    format_percent(value / t.cost_usd) if t.cost_usd else "",
                ]
                for item, value in sorted(alt.cost_breakdown.items(), key=lambda kv: -kv[1])
            ],
            numeric=(1, 2),
        )
    )
    documents = rules.get("documents") or {}
    if documents:
        parts.append("<h3>" + esc(_("Documents checklist")) + "</h3>")
        for place, items in documents.items():
            parts.append(f'<p><b>{bdi(names.get(place, place))}</b></p><ul class="checklist">')
            for doc in items:
                parts.append(
                    "<li>"
                    + esc(doc.get("document", ""))
                    + ' <span class="muted">— '
                    + esc(_("issued by {issuer}").format(issuer=doc.get("issued_by", "")))
                    + "</span>"
                    + cite.cite(doc.get("sources", []))
                    + "</li>"
                )
            parts.append("</ul>")
    regimes = rules.get("regimes") or []
    if regimes:
        parts.append("<h3>" + esc(_("Legal regime by leg")) + "</h3>")
        parts.append(
            table(
                [_("from → to"), _("mode"), _("regimes"), _("notes")],
                [
                    [
                        raw(
                            bdi(names.get(r.get("from_place", ""), r.get("from_place", "")))
                            + " → "
                            + bdi(names.get(r.get("to_place", ""), r.get("to_place", "")))
                        ),
                        mode_label(str(r.get("mode", ""))),
                        raw(bdi(", ".join(r.get("regimes", [])) or "—")),
                        str(r.get("note", "")),
                    ]
                    for r in regimes
                ],
            )
        )
    parts.append("</section>")
    return "".join(parts)


def plan_report_html(
    result: PlanResult,
    *,
    sources: Mapping[str, SourceLike] | None = None,
    lang: str | None = None,
    generated: dt.datetime | None = None,
) -> str:
    """The report of a planned result as one self-contained HTML document.

    Parameters
    ----------
    result : the plan, made in the report's language (names and messages come from it)
    sources : source id → source record, to list titles and addresses of cited numbers
    lang : the report's language (default: the current one)
    generated : the time stamped on the report (default: now)
    """
    lang = lang or current_language()
    with use_language(lang):
        return _render(result, sources or {}, lang, generated or dt.datetime.now())


def _render(
    result: PlanResult, sources: Mapping[str, SourceLike], lang: str, generated: dt.datetime
) -> str:
    resolved = result.request.get("resolved", {})
    origin = resolved.get("origin_name") or resolved.get("origin", "")
    destination = resolved.get("destination_name") or resolved.get("destination", "")
    title = _("Shipment plan: {origin} → {destination}").format(
        origin=origin, destination=destination
    )
    cite = _Citations(sources)
    names = result.place_names()
    count = len(result.alternatives)
    stamp = _("Dataset {name} {version} (#{hash})").format(
        name=result.dataset.name, version=result.dataset.version, hash=result.dataset.hash[:12]
    )
    mode_names = {m: mode_label(m) for m in ("road", "rail", "sea", "ferry")}
    body = [
        f"<h1>{esc(title)}</h1>",
        '<p class="subtitle">'
        + esc(
            _("{commodity}, {tonnes} t ({cargo_type}), departing {date}").format(
                commodity=resolved.get("commodity_name", ""),
                tonnes=format_number(float(resolved.get("tonnes", 0))),
                cargo_type=cargo_label(str(resolved.get("cargo_type", ""))),
                date=_date_text(str(resolved.get("departure", ""))),
            )
        )
        + "</p>",
        '<p class="stamp">'
        + esc(
            _("Generated by daliz {version} on {date}.").format(
                version=__version__, date=format_date(generated.date())
            )
        )
        + " "
        + bdi(stamp)
        + "</p>",
        "<h2>" + esc(_("Request")) + "</h2>",
        _request_section(result),
        "<h2>"
        + esc(ngettext_("{count} alternative", "{count} alternatives", count).format(count=count))
        + "</h2>",
        _summary_table(result),
        '<div class="figure">' + _comparison_chart(result, lang) + "</div>",
        '<div class="figure map">' + plan_map(result, lang=lang) + legend(result, mode_names),
        '<div class="caption">'
        + esc(
            _(
                "Routes drawn from the legs' geometry; country outlines: Natural Earth "
                "(public domain). Not to scale for borders."
            )
        )
        + "</div></div>",
    ]
    body += [_alternative(alt, names, cite) for alt in result.alternatives]
    # emission factors cite their sources too
    factor_rows: list[list[Cell]] = []
    for mode, factor in sorted(result.emission_factors.items()):
        factor_rows.append(
            [
                mode_label(mode),
                format_number(float(factor.get("co2e_g_per_tkm", 0.0)), digits=1),
                raw(
                    esc(f"{fuel_label(str(factor.get('fuel', '')))} · {factor.get('scope', '')}")
                    + cite.cite(factor.get("sources", []))
                ),
            ]
        )
    body.append('<section class="alternative">')
    if factor_rows:
        body.append("<h2>" + esc(_("Emission factors")) + "</h2>")
        body.append(
            table(
                [_("mode"), _("g CO2e per tonne-km"), _("fuel · scope")], factor_rows, numeric=(1,)
            )
        )
    if result.notes:
        body.append("<h2>" + esc(_("Notes")) + "</h2>")
        body.append(
            '<ul class="notes">' + "".join(f"<li>{esc(n)}</li>" for n in result.notes) + "</ul>"
        )
    body.append("<h2>" + esc(_("Sources of the numbers")) + "</h2>")
    body.append(
        '<p class="small muted">'
        + esc(
            _("Numbers marked ~ are estimates with a range; bracketed numbers refer to this list.")
        )
        + "</p>"
    )
    body.append(cite.table())
    body.append("</section>")
    body.append(
        "<footer>"
        + esc(
            _(
                "daliz plans with the typical value of every range; medians and P90 come from "
                "the reliability simulation."
            )
        )
        + " "
        + bdi(stamp)
        + "</footer>"
    )
    return page(title, "".join(body), lang=lang)


def plan_report(
    request: Any,
    *,
    dataset: str | Path | None = None,
    lang: str | None = None,
    generated: dt.datetime | None = None,
) -> tuple[PlanResult, str]:
    """Plan `request` (a PlanRequest) in `lang` and render its report; (result, html)."""
    from daliz.planning import plan, planning_context

    lang = lang or current_language()
    with use_language(lang):
        result = plan(request, dataset=dataset)
        context = planning_context(dataset)
        sources: dict[str, SourceLike] = {}
        sources.update(context.rules.sources)
        sources.update(context.network.sources)
        return result, plan_report_html(result, sources=sources, lang=lang, generated=generated)
