"""Read and validate the rules files (agreements.yaml, commodities.csv, requirements.csv, sources).

``load_rules(dirs)`` reads each directory in order; a later directory overlays an earlier one (a row
or agreement with the same id replaces it; an agreement with ``patch: true`` is merged instead, its
``history`` appended). Every problem in every file is collected and raised together as one
``DatasetError``: nothing is half-loaded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from daliz.errors import DatasetError, Problem
from daliz.i18n import _
from daliz.rules.countries import is_country
from daliz.rules.model import (
    AGREEMENT_KINDS,
    CARGO_TYPES,
    CARRIAGE_REGIMES,
    DIRECTIONS,
    MODES,
    REGIMES,
    STATUSES,
    Advisory,
    Agreement,
    Commodity,
    Names,
    PartyStatus,
    Requirement,
    RuleBook,
    Scope,
    Source,
    StatusEvent,
    TransitRight,
    VehicleAccess,
)
from daliz.tables import read_csv, table_files

COMMODITY_COLUMNS: tuple[str, ...] = (
    "id",
    "hs_codes",
    "name_en",
    "name_kk",
    "name_ru",
    "name_ur",
    "aliases",
    "direction",
    "cargo_type",
    "temp_c_min",
    "temp_c_max",
    "max_transit_days",
    "value_usd_per_tonne",
    "value_usd_per_tonne_min",
    "value_usd_per_tonne_max",
    "stowage_t_per_teu",
    "dg_class",
    "source",
    "estimate",
    "note",
)
REQUIREMENT_COLUMNS: tuple[str, ...] = (
    "id",
    "document",
    "effect",
    "role",
    "country",
    "regime",
    "modes",
    "hs_prefixes",
    "cargo_types",
    "issued_by",
    "checked_at",
    "reason",
    "valid_from",
    "valid_to",
    "source",
    "estimate",
    "note",
)
SOURCE_COLUMNS = ("id", "title", "publisher", "url", "published", "accessed", "note")
EFFECTS = ("document", "prohibited")
ROLES = ("export", "import", "transit", "carriage")
CHECKED_AT = ("origin", "exit", "entry", "destination", "every_border", "port")
ADVISORY_KINDS = ("security", "sanctions", "payment", "closure")
SEVERITIES = ("warning", "blocker")

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_HS_RE = re.compile(r"^[0-9]{2,6}$")


class _Collector:
    """Gathers problems while parsing; ``where`` names the file in each Problem."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, row: int | None, fld: str | None, message: str) -> None:
        self.problems.append(Problem(file, row, fld, message))


# ----------------------------------------------------------------------------------------------
# small parsers (each returns None and records a problem on bad input)


def _date(
    value: Any, p: _Collector, file: str, row: int | None, fld: str, *, required: bool = False
) -> dt.date | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if required:
            p.add(file, row, fld, _("a date is required (YYYY-MM-DD)"))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        p.add(file, row, fld, _("'{value}' is not a date (YYYY-MM-DD)").format(value=text))
        return None


def _float(value: str, p: _Collector, file: str, row: int, fld: str) -> float | None:
    text = value.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        p.add(file, row, fld, _("'{value}' is not a number").format(value=text))
        return None


def _split(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in str(value).split(";") if part.strip())


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return list(_split(value))
    return [value]


def _check_enum(
    values: tuple[str, ...], allowed: tuple[str, ...], p: _Collector, file: str, row: int, fld: str
) -> None:
    for v in values:
        if v not in allowed:
            p.add(
                file,
                row,
                fld,
                _("'{value}' is not one of {values}").format(value=v, values=", ".join(allowed)),
            )


def _check_countries(
    values: tuple[str, ...] | list[str],
    p: _Collector,
    file: str,
    row: int | None,
    fld: str,
    *,
    star: bool = False,
) -> None:
    for v in values:
        if star and v == "*":
            continue
        if not is_country(str(v)):
            p.add(
                file,
                row,
                fld,
                _("'{value}' is not a known ISO 3166-1 alpha-2 country code").format(value=v),
            )


# ----------------------------------------------------------------------------------------------
# tables


def _not_utf8(raw: bytes, error: UnicodeDecodeError) -> str:
    # The rules files have always named the reason and byte offset (kept for their readers).
    return _("not UTF-8 text ({reason} at byte {start})").format(
        reason=error.reason, start=error.start
    )


def _read_csv(
    path: Path, columns: tuple[str, ...], p: _Collector, *, exact: bool
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of one rules table as stripped values by column (every header column present).

    Rows are numbered from 1 without counting blank lines. A file that cannot be read, or whose
    header lacks a column (or, with `exact`, differs from `columns`), yields no rows.
    """
    name = str(path)
    csv_file = read_csv(path, p.problems, shown=name, not_utf8=_not_utf8)
    if csv_file is None:
        return
    header = tuple(csv_file.header or ())
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    if missing:
        p.add(name, 0, None, _("missing column(s): {values}").format(values=", ".join(missing)))
        return
    if exact and extra:
        p.add(name, 0, None, _("unexpected column(s): {values}").format(values=", ".join(extra)))
        return
    if exact and header != columns:
        p.add(
            name,
            0,
            None,
            _("columns must be in this order: {values}").format(values=",".join(columns)),
        )
        return
    row = 0
    for _number, cells in csv_file.records:
        if not cells:  # a blank line is not a row
            continue
        row += 1
        if len(cells) > len(header):
            p.add(name, row, None, _("more cells than columns"))
            continue
        values = dict(zip(header, cells, strict=False))
        values.update(dict.fromkeys(header[len(cells) :], ""))  # a short row: the rest empty
        yield row, {k: v.strip() for k, v in values.items()}


def _load_sources(directory: Path, p: _Collector) -> dict[str, tuple[Source, str]]:
    out: dict[str, tuple[Source, str]] = {}
    for path in table_files(directory, "sources"):
        file = str(path)
        for row, r in _read_csv(path, SOURCE_COLUMNS, p, exact=False):
            sid = r["id"]
            if not _ID_RE.match(sid):
                p.add(
                    file, row, "id", _("'{id}' is not a valid id (lower-case slug)").format(id=sid)
                )
                continue
            if not r["title"]:
                p.add(file, row, "title", _("a source needs a title"))
            if not r["url"] and not r["note"]:
                p.add(file, row, "url", _("give a url, or a note saying where the document is"))
            published = _date(r["published"], p, file, row, "published")
            accessed = _date(r["accessed"], p, file, row, "accessed")
            if not r["published"] and not r["accessed"]:
                p.add(file, row, "published", _("give a published or an accessed date (or both)"))
            src = Source(sid, r["title"], r["publisher"], r["url"], published, accessed, r["note"])
            out[sid] = (src, file)
    return out


def _parse_commodity(r: dict[str, str], p: _Collector, file: str, row: int) -> Commodity | None:
    before = len(p.problems)
    cid = r["id"]
    if not _ID_RE.match(cid):
        p.add(file, row, "id", _("'{id}' is not a valid id (lower-case slug)").format(id=cid))
    hs = _split(r["hs_codes"])
    if not hs:
        p.add(file, row, "hs_codes", _("at least one HS code (2-6 digits) is required"))
    for code in hs:
        if not _HS_RE.match(code):
            p.add(
                file,
                row,
                "hs_codes",
                _("'{code}' is not an HS code of 2-6 digits").format(code=code),
            )
    for lang in ("en", "kk", "ru", "ur"):
        if not r[f"name_{lang}"]:
            p.add(file, row, f"name_{lang}", _("the name in this language is missing"))
    _check_enum((r["direction"],), DIRECTIONS, p, file, row, "direction")
    _check_enum((r["cargo_type"],), CARGO_TYPES, p, file, row, "cargo_type")
    tmin = _float(r["temp_c_min"], p, file, row, "temp_c_min")
    tmax = _float(r["temp_c_max"], p, file, row, "temp_c_max")
    if tmin is not None and tmax is not None and tmin > tmax:
        p.add(
            file,
            row,
            "temp_c_min",
            _("temp_c_min {tmin} is above temp_c_max {tmax}").format(tmin=tmin, tmax=tmax),
        )
    days = _float(r["max_transit_days"], p, file, row, "max_transit_days")
    if days is not None and days <= 0:
        p.add(file, row, "max_transit_days", _("must be positive"))
    if r["cargo_type"] == "reefer" and (tmin is None or tmax is None):
        p.add(file, row, "temp_c_min", _("a reefer commodity needs temp_c_min and temp_c_max"))
    value = _float(r["value_usd_per_tonne"], p, file, row, "value_usd_per_tonne")
    vmin = _float(r["value_usd_per_tonne_min"], p, file, row, "value_usd_per_tonne_min")
    vmax = _float(r["value_usd_per_tonne_max"], p, file, row, "value_usd_per_tonne_max")
    if value is not None and vmin is not None and vmax is not None and not vmin <= value <= vmax:
        p.add(
            file,
            row,
            "value_usd_per_tonne",
            _("{value} is outside its range {vmin}-{vmax}").format(
                value=value, vmin=vmin, vmax=vmax
            ),
        )
    stowage = _float(r["stowage_t_per_teu"], p, file, row, "stowage_t_per_teu")
    sources = _split(r["source"])
    estimate = r["estimate"]
    if not sources and not estimate:
        p.add(file, row, "source", _("every row needs a source id or an estimate reason"))
    if estimate and value is not None and (vmin is None or vmax is None):
        p.add(file, row, "value_usd_per_tonne_min", _("an estimated value needs its min and max"))
    if r["cargo_type"] == "dangerous" and not r["dg_class"]:
        p.add(file, row, "dg_class", _("a dangerous commodity needs its UN dangerous-goods class"))
    if len(p.problems) > before:
        return None
    return Commodity(
        id=cid,
        hs_codes=hs,
        names=Names(r["name_en"], r["name_kk"], r["name_ru"], r["name_ur"]),
        aliases=_split(r["aliases"]),
        direction=r["direction"],
        cargo_type=r["cargo_type"],
        temp_c_min=tmin,
        temp_c_max=tmax,
        max_transit_days=days,
        value_usd_per_tonne=value,
        value_usd_per_tonne_min=vmin,
        value_usd_per_tonne_max=vmax,
        stowage_t_per_teu=stowage,
        dg_class=r["dg_class"] or None,
        sources=sources,
        estimate=estimate,
        note=r["note"],
    )


def _parse_requirement(r: dict[str, str], p: _Collector, file: str, row: int) -> Requirement | None:
    before = len(p.problems)
    rid = r["id"]
    if not _ID_RE.match(rid):
        p.add(file, row, "id", _("'{id}' is not a valid id (lower-case slug)").format(id=rid))
    if not r["document"]:
        p.add(file, row, "document", _("the document (or prohibited action) must be named"))
    effect = r["effect"] or "document"
    _check_enum((effect,), EFFECTS, p, file, row, "effect")
    _check_enum((r["role"],), ROLES, p, file, row, "role")
    _check_countries((r["country"],), p, file, row, "country", star=True)
    regime = r["regime"] or None
    if regime is not None and regime not in REGIMES:
        p.add(
            file,
            row,
            "regime",
            _("'{regime}' is not one of {values}").format(regime=regime, values=", ".join(REGIMES)),
        )
    modes = _split(r["modes"])
    _check_enum(modes, MODES, p, file, row, "modes")
    hs = _split(r["hs_prefixes"])
    for code in hs:
        if not _HS_RE.match(code):
            p.add(
                file,
                row,
                "hs_prefixes",
                _("'{code}' is not an HS prefix of 2-6 digits").format(code=code),
            )
    cargo = _split(r["cargo_types"])
    _check_enum(cargo, CARGO_TYPES, p, file, row, "cargo_types")
    _check_enum((r["checked_at"],), CHECKED_AT, p, file, row, "checked_at")
    valid_from = _date(r["valid_from"], p, file, row, "valid_from")
    valid_to = _date(r["valid_to"], p, file, row, "valid_to")
    if valid_from and valid_to and valid_from > valid_to:
        p.add(
            file,
            row,
            "valid_to",
            _("valid_to {valid_to} is before valid_from {valid_from}").format(
                valid_to=valid_to, valid_from=valid_from
            ),
        )
    sources = _split(r["source"])
    if not sources and not r["estimate"]:
        p.add(file, row, "source", _("every row needs a source id or an estimate reason"))
    if len(p.problems) > before:
        return None
    return Requirement(
        id=rid,
        document=r["document"],
        effect=effect,
        role=r["role"],
        country=r["country"],
        regime=regime,
        modes=modes,
        hs_prefixes=hs,
        cargo_types=cargo,
        issued_by=r["issued_by"],
        checked_at=r["checked_at"],
        reason=r["reason"],
        valid_from=valid_from,
        valid_to=valid_to,
        sources=sources,
        estimate=r["estimate"],
        note=r["note"],
    )


# ----------------------------------------------------------------------------------------------
# agreements.yaml


def _merge_patch(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in patch.items():
        if key == "patch":
            continue
        if key == "history":
            merged["history"] = [*_as_list(base.get("history")), *_as_list(value)]
        else:
            merged[key] = value
    return merged


def _parse_agreement(raw: dict[str, Any], p: _Collector, file: str, row: int) -> Agreement | None:
    before = len(p.problems)
    aid = str(raw.get("id", ""))
    if not _ID_RE.match(aid):
        p.add(file, row, "id", _("'{id}' is not a valid id (lower-case slug)").format(id=aid))
    names_raw = raw.get("names")
    names = Names("", "", "", "")
    if not isinstance(names_raw, dict):
        p.add(file, row, "names", _("names must be a mapping with en, kk, ru, ur"))
    else:
        for lang in ("en", "kk", "ru", "ur"):
            if not str(names_raw.get(lang) or "").strip():
                p.add(file, row, f"names.{lang}", _("the name in this language is missing"))
        names = Names(*(str(names_raw.get(k) or "").strip() for k in ("en", "kk", "ru", "ur")))
    kind = str(raw.get("kind", ""))
    if kind not in AGREEMENT_KINDS:
        p.add(
            file,
            row,
            "kind",
            _("'{kind}' is not one of {values}").format(
                kind=kind, values=", ".join(AGREEMENT_KINDS)
            ),
        )
    parties = tuple(str(c) for c in _as_list(raw.get("parties")))
    if not parties:
        p.add(file, row, "parties", _("an agreement needs its parties"))
    _check_countries(parties, p, file, row, "parties")
    history: list[StatusEvent] = []
    for i, ev in enumerate(_as_list(raw.get("history"))):
        fld = f"history[{i + 1}]"
        if not isinstance(ev, dict):
            p.add(file, row, fld, _("each history entry needs status, date and source"))
            continue
        status = str(ev.get("status", ""))
        if status not in STATUSES:
            p.add(
                file,
                row,
                f"{fld}.status",
                _("'{status}' is not one of {values}").format(
                    status=status, values=", ".join(STATUSES)
                ),
            )
        day = _date(ev.get("date"), p, file, row, f"{fld}.date", required=True)
        srcs = tuple(str(s) for s in _as_list(ev.get("source", ev.get("sources"))))
        if not srcs:
            p.add(file, row, f"{fld}.source", _("each status needs the source that reports it"))
        if day is not None and status in STATUSES:
            history.append(StatusEvent(status, day, srcs, str(ev.get("note") or "")))
    if not history:
        p.add(file, row, "history", _("an agreement needs at least one dated status"))
    history.sort(key=lambda e: e.date)
    party_status: list[PartyStatus] = []
    for i, ps in enumerate(_as_list(raw.get("party_status"))):
        fld = f"party_status[{i + 1}]"
        if not isinstance(ps, dict):
            p.add(file, row, fld, _("each party_status entry needs country and status"))
            continue
        country = str(ps.get("country", ""))
        if country not in parties:
            p.add(
                file,
                row,
                f"{fld}.country",
                _("'{country}' is not among the parties").format(country=country),
            )
        status = str(ps.get("status", ""))
        if status not in STATUSES:
            p.add(
                file,
                row,
                f"{fld}.status",
                _("'{status}' is not one of {values}").format(
                    status=status, values=", ".join(STATUSES)
                ),
            )
        since = _date(ps.get("since"), p, file, row, f"{fld}.since")
        operational = _date(ps.get("operational"), p, file, row, f"{fld}.operational")
        srcs = tuple(str(s) for s in _as_list(ps.get("source", ps.get("sources"))))
        if not srcs:
            p.add(file, row, f"{fld}.source", _("each party's status needs a source"))
        party_status.append(
            PartyStatus(country, status, since, operational, srcs, str(ps.get("note") or ""))
        )
    scope_raw = raw.get("scope") or {}
    if not isinstance(scope_raw, dict):
        p.add(file, row, "scope", _("scope must be a mapping"))
        scope_raw = {}
    modes = tuple(str(m) for m in _as_list(scope_raw.get("modes")))
    _check_enum(modes, MODES, p, file, row, "scope.modes")
    cargo = tuple(str(m) for m in _as_list(scope_raw.get("cargo_types")))
    _check_enum(cargo, CARGO_TYPES, p, file, row, "scope.cargo_types")
    covered = tuple(str(h) for h in _as_list(scope_raw.get("hs_prefixes")))
    excluded = tuple(str(h) for h in _as_list(scope_raw.get("excluded_hs")))
    for code in (*covered, *excluded):
        if not _HS_RE.match(code):
            p.add(
                file,
                row,
                "scope.hs_prefixes",
                _("'{code}' is not an HS prefix of 2-6 digits").format(code=code),
            )
    rights: list[TransitRight] = []
    for i, tr in enumerate(_as_list(scope_raw.get("transit_rights"))):
        fld = f"scope.transit_rights[{i + 1}]"
        if not isinstance(tr, dict):
            p.add(file, row, fld, _("each transit right needs country, for and modes"))
            continue
        country = str(tr.get("country", ""))
        if country != "*" and country not in parties:
            p.add(
                file,
                row,
                f"{fld}.country",
                _("'{country}' is not among the parties").format(country=country),
            )
        for_c = tuple(str(c) for c in _as_list(tr.get("for")))
        if not for_c:
            p.add(
                file, row, f"{fld}.for", _("name the countries whose traffic may pass ('*': all)")
            )
        _check_countries(for_c, p, file, row, f"{fld}.for", star=True)
        tr_modes = tuple(str(m) for m in _as_list(tr.get("modes"))) or modes
        _check_enum(tr_modes, MODES, p, file, row, f"{fld}.modes")
        rights.append(TransitRight(country, for_c, tr_modes))
    access: list[VehicleAccess] = []
    for i, va in enumerate(_as_list(scope_raw.get("vehicle_access"))):
        fld = f"scope.vehicle_access[{i + 1}]"
        if not isinstance(va, dict):
            p.add(file, row, fld, _("each vehicle access needs vehicles_of, country and modes"))
            continue
        of = str(va.get("vehicles_of", ""))
        into = str(va.get("country", ""))
        for c, f2 in ((of, "vehicles_of"), (into, "country")):
            if c not in parties:
                p.add(
                    file,
                    row,
                    f"{fld}.{f2}",
                    _("'{value}' is not among the parties").format(value=c),
                )
        va_modes = tuple(str(m) for m in _as_list(va.get("modes"))) or ("road",)
        _check_enum(va_modes, MODES, p, file, row, f"{fld}.modes")
        access.append(VehicleAccess(of, into, va_modes))
    regime = scope_raw.get("regime")
    if regime is not None and str(regime) not in CARRIAGE_REGIMES:
        p.add(
            file,
            row,
            "scope.regime",
            _("'{regime}' is not one of {values}").format(
                regime=regime, values=", ".join(CARRIAGE_REGIMES)
            ),
        )
    sps = tuple(str(c) for c in _as_list(scope_raw.get("sps_countries")))
    _check_countries(sps, p, file, row, "scope.sps_countries")
    sources = tuple(str(s) for s in _as_list(raw.get("sources")))
    if not sources:
        p.add(file, row, "sources", _("an agreement needs at least one source"))
    affects = raw.get("affects_routing", True)
    if not isinstance(affects, bool):
        p.add(file, row, "affects_routing", _("must be true or false"))
        affects = True
    if len(p.problems) > before:
        return None
    return Agreement(
        id=aid,
        names=names,
        short=str(raw.get("short") or aid),
        kind=kind,
        parties=parties,
        history=tuple(history),
        party_status=tuple(party_status),
        scope=Scope(
            modes=modes,
            cargo_types=cargo,
            hs_prefixes=covered,
            excluded_hs=excluded,
            transit_rights=tuple(rights),
            vehicle_access=tuple(access),
            places=tuple(str(x) for x in _as_list(scope_raw.get("places"))),
            links=tuple(str(x) for x in _as_list(scope_raw.get("links"))),
            corridors=tuple(str(x) for x in _as_list(scope_raw.get("corridors"))),
            regime=str(regime) if regime is not None else None,
            sps_countries=sps,
        ),
        affects_routing=affects,
        sources=sources,
        note=str(raw.get("note") or ""),
    )


def _parse_advisory(raw: dict[str, Any], p: _Collector, file: str, row: int) -> Advisory | None:
    before = len(p.problems)
    aid = str(raw.get("id", ""))
    if not _ID_RE.match(aid):
        p.add(file, row, "id", _("'{id}' is not a valid id (lower-case slug)").format(id=aid))
    kind = str(raw.get("kind", ""))
    if kind not in ADVISORY_KINDS:
        p.add(
            file,
            row,
            "kind",
            _("'{kind}' is not one of {values}").format(
                kind=kind, values=", ".join(ADVISORY_KINDS)
            ),
        )
    countries = tuple(str(c) for c in _as_list(raw.get("countries")))
    _check_countries(countries, p, file, row, "countries")
    modes = tuple(str(m) for m in _as_list(raw.get("modes")))
    _check_enum(modes, MODES, p, file, row, "modes")
    severity = str(raw.get("severity") or "warning")
    if severity not in SEVERITIES:
        p.add(
            file,
            row,
            "severity",
            _("'{severity}' is not one of {values}").format(
                severity=severity, values=", ".join(SEVERITIES)
            ),
        )
    valid_from = _date(raw.get("valid_from"), p, file, row, "valid_from")
    valid_to = _date(raw.get("valid_to"), p, file, row, "valid_to")
    message = str(raw.get("message") or "").strip()
    if not message:
        p.add(file, row, "message", _("an advisory needs its message"))
    sources = tuple(str(s) for s in _as_list(raw.get("sources")))
    if not sources:
        p.add(file, row, "sources", _("an advisory needs at least one source"))
    if len(p.problems) > before:
        return None
    return Advisory(
        id=aid,
        kind=kind,
        countries=countries,
        places=tuple(str(x) for x in _as_list(raw.get("places"))),
        modes=modes,
        valid_from=valid_from,
        valid_to=valid_to,
        severity=severity,
        message=message,
        sources=sources,
    )


class _YamlLoader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps: dates stay text so a bad one becomes a Problem.

    Aliases (`*name`) are refused: the data files need none, and nested aliases expand
    exponentially when read (the "billion laughs" file that would stall a loader for minutes).
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, _("aliases (*name) are not allowed in daliz data files"), mark
            )
        return super().compose_node(parent, index)


_YamlLoader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path, p: _Collector) -> dict[str, Any] | None:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", exc)
        message = (
            _("not valid YAML at line {line}: {problem}").format(
                line=mark.line + 1, problem=problem
            )
            if mark is not None
            else _("not valid YAML: {problem}").format(problem=problem)
        )
        p.add(str(path), None, None, message)
        return None
    except UnicodeDecodeError as exc:
        p.add(str(path), None, None, _("not UTF-8 text ({reason})").format(reason=exc.reason))
        return None
    except RecursionError:  # e.g. 10,000 nested brackets
        p.add(str(path), None, None, _("nested too deeply to be read"))
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        p.add(str(path), None, None, _("must be a mapping with 'agreements' (and 'advisories')"))
        return None
    return data


# ----------------------------------------------------------------------------------------------


def load_rules(dataset_dirs: list[Path]) -> RuleBook:
    """Load the rules of one or more dataset directories (later ones overlay earlier ones).

    Parameters: ``dataset_dirs`` – directories holding any of agreements.yaml, commodities.csv (or
    commodities/), requirements.csv (or requirements/) and sources.csv (or sources/).
    Returns the validated ``RuleBook``. Raises ``DatasetError`` listing every problem found.
    """
    p = _Collector()
    sources: dict[str, tuple[Source, str]] = {}
    raw_agreements: dict[str, tuple[dict[str, Any], str, int]] = {}
    raw_advisories: dict[str, tuple[dict[str, Any], str, int]] = {}
    commodities: dict[str, tuple[Commodity, str, int]] = {}
    requirements: dict[str, tuple[Requirement, str, int]] = {}
    if not dataset_dirs:
        problem = Problem("(none)", None, None, _("no dataset directory given"))
        raise DatasetError([problem], what="rules")
    for directory in dataset_dirs:
        directory = Path(directory)
        if not directory.is_dir():
            p.add(str(directory), None, None, _("not a directory"))
            continue
        sources.update(_load_sources(directory, p))
        ypath = directory / "agreements.yaml"
        if ypath.is_file():
            data = _read_yaml(ypath, p)
            if data is not None:
                unknown = sorted(set(data) - {"agreements", "advisories"})
                if unknown:
                    p.add(
                        str(ypath),
                        None,
                        None,
                        _("unknown top-level key(s): {values}").format(values=", ".join(unknown)),
                    )
                _collect_yaml(data, "agreements", ypath, p, raw_agreements, patchable=True)
                _collect_yaml(data, "advisories", ypath, p, raw_advisories, patchable=False)
        for path in table_files(directory, "commodities"):
            seen: set[str] = set()
            for row, r in _read_csv(path, COMMODITY_COLUMNS, p, exact=True):
                if r["id"] in seen:
                    p.add(
                        str(path),
                        row,
                        "id",
                        _("duplicate id '{id}' in this file").format(id=r["id"]),
                    )
                seen.add(r["id"])
                c = _parse_commodity(r, p, str(path), row)
                if c is not None:
                    commodities[c.id] = (c, str(path), row)
        for path in table_files(directory, "requirements"):
            seen = set()
            for row, r in _read_csv(path, REQUIREMENT_COLUMNS, p, exact=False):
                if r["id"] in seen:
                    p.add(
                        str(path),
                        row,
                        "id",
                        _("duplicate id '{id}' in this file").format(id=r["id"]),
                    )
                seen.add(r["id"])
                q = _parse_requirement(r, p, str(path), row)
                if q is not None:
                    requirements[q.id] = (q, str(path), row)

    agreements: dict[str, Agreement] = {}
    for raw, file, row in raw_agreements.values():
        a = _parse_agreement(raw, p, file, row)
        if a is not None:
            agreements[a.id] = a
            refs = [("sources", a.sources)]
            refs += [(f"history[{i + 1}].source", e.sources) for i, e in enumerate(a.history)]
            refs += [
                (f"party_status[{i + 1}].source", s.sources) for i, s in enumerate(a.party_status)
            ]
            for fld, ids in refs:
                _check_sources(ids, sources, p, file, row, fld)
    advisories: dict[str, Advisory] = {}
    for raw, file, row in raw_advisories.values():
        adv = _parse_advisory(raw, p, file, row)
        if adv is not None:
            advisories[adv.id] = adv
            _check_sources(adv.sources, sources, p, file, row, "sources")
    for c, file, row in commodities.values():
        _check_sources(c.sources, sources, p, file, row, "source")
    for q, file, row in requirements.values():
        _check_sources(q.sources, sources, p, file, row, "source")
    if not commodities and not p.problems:
        p.add(", ".join(str(d) for d in dataset_dirs), None, None, _("no commodities.csv found"))
    if p.problems:
        raise DatasetError(p.problems, what="rules")
    return RuleBook(
        agreements=agreements,
        advisories=advisories,
        commodities={k: v[0] for k, v in commodities.items()},
        requirements={k: v[0] for k, v in requirements.items()},
        sources={k: v[0] for k, v in sources.items()},
    )


def _collect_yaml(
    data: dict[str, Any],
    key: str,
    path: Path,
    p: _Collector,
    into: dict[str, tuple[dict[str, Any], str, int]],
    *,
    patchable: bool,
) -> None:
    items = data.get(key)
    if items is None:
        return
    if not isinstance(items, list):
        p.add(str(path), None, key, _("'{key}' must be a list").format(key=key))
        return
    seen: set[str] = set()
    for row, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            p.add(
                str(path), row, None, _("each entry of '{key}' must be a mapping").format(key=key)
            )
            continue
        iid = str(item.get("id", ""))
        if iid in seen:
            p.add(str(path), row, "id", _("duplicate id '{id}' in this file").format(id=iid))
        seen.add(iid)
        if patchable and item.get("patch") is True:
            if iid not in into:
                p.add(
                    str(path),
                    row,
                    "patch",
                    _("nothing to patch: no earlier agreement '{id}'").format(id=iid),
                )
                continue
            base = into[iid][0]
            into[iid] = (_merge_patch(base, item), str(path), row)
        else:
            into[iid] = (item, str(path), row)


def _check_sources(
    ids: tuple[str, ...],
    known: dict[str, tuple[Source, str]],
    p: _Collector,
    file: str,
    row: int,
    fld: str,
) -> None:
    for sid in ids:
        if sid not in known:
            p.add(
                file,
                row,
                fld,
                _("unknown source id '{id}' (not in any sources table)").format(id=sid),
            )
