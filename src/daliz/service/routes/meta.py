"""Read-only routes: health, who am I, dataset info, places, commodities, agreements, texts."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from babel import Locale
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import text

from daliz.i18n import current_language, is_rtl, normalise_language
from daliz.i18n import gettext_ as _
from daliz.network import Network, Place, find_places
from daliz.planning import planning_context
from daliz.rules.model import Commodity
from daliz.service.auth import Permission, Principal, Reader, current_principal
from daliz.service.context import get_context
from daliz.service.page_strings import language_menu, page_strings
from daliz.service.problems import PROBLEM_RESPONSES, ServiceError
from daliz.service.schemas import (
    CommodityOut,
    CorridorOut,
    CountryOut,
    DatasetInfo,
    Health,
    Limits,
    Me,
    PlaceOut,
    UiStrings,
)

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)


def daliz_version() -> str:
    """The installed daliz version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("daliz")
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
        return "0+unknown"


def country_name(code: str, lang: str) -> str:
    """A country's name in `lang` from CLDR (Babel), the code when unknown."""
    try:
        return str(Locale.parse(lang).territories.get(code, code))
    except (ValueError, TypeError):
        return code


def place_out(
    place: Place, lang: str, matched: str | None = None, score: float | None = None
) -> PlaceOut:
    """A place as the API shows it."""
    return PlaceOut(
        id=place.id,
        name=place.name_in(lang),
        names=dict(place.names),
        kind=place.kind.value,
        country=place.country,
        lat=place.lat,
        lon=place.lon,
        unlocode=place.unlocode or None,
        matched=matched,
        score=round(score, 3) if score is not None else None,
    )


def commodity_out(commodity: Commodity, lang: str) -> CommodityOut:
    """A commodity as the API shows it."""
    names = commodity.names.to_dict()
    return CommodityOut(
        id=commodity.id,
        name=names.get(lang) or commodity.names.en,
        names=names,
        hs_codes=list(commodity.hs_codes),
        cargo_type=commodity.cargo_type,
        aliases=list(commodity.aliases),
        perishable=commodity.perishable,
        direction=commodity.direction,
    )


async def served_network(request: Request) -> Network:
    """The network served now: confirmed within the last second, else read from the database
    (off the event loop)."""
    datasets = get_context(request).datasets
    recent = datasets.served_recently()
    if recent is not None:
        return recent.network
    with datasets.check_under_way():
        return await anyio.to_thread.run_sync(datasets.network)


@router.get("/health", response_model=Health, tags=["meta"])
def health(request: Request) -> Health:
    """Liveness: the database answers and a dataset is served. Needs no key."""
    ctx = get_context(request)
    database: Any = "ok"
    try:
        with ctx.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any driver error means the same thing here: down
        database = "down"
    dataset = None
    if database == "ok":
        try:
            info = ctx.datasets.network().info
            dataset = {"name": info.name, "version": info.version, "hash": info.content_hash}
        except ServiceError:
            dataset = None
    status: Any = "ok" if database == "ok" and dataset else "degraded"
    return Health(
        status=status,
        version=daliz_version(),
        database=database,
        schema_revision=ctx.schema_revision,
        dataset=dataset,
    )


@router.get("/me", response_model=Me, tags=["meta"])
def me(request: Request, principal: Annotated[Principal, Depends(current_principal)]) -> Me:
    """The role of the key sent (or anonymous) and what it may do."""
    access = get_context(request).settings.anonymous
    return Me(
        name=principal.name,
        role=principal.role,
        anonymous=principal.anonymous,
        permissions=[p.value for p in Permission if principal.can(p, access)],
    )


@router.get("/limits", response_model=Limits, tags=["meta"])
def limits(request: Request) -> Limits:
    """The limits of this server. Needs no key."""
    settings = get_context(request).settings
    return Limits(
        anonymous=settings.anonymous,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        max_alternatives=settings.max_alternatives,
        max_draws=settings.max_draws,
        plan_timeout_s=settings.plan_timeout_s,
        max_concurrent_plans=settings.max_concurrent_plans,
        max_page_size=settings.max_page_size,
    )


@router.get("/dataset", response_model=DatasetInfo, tags=["meta"])
async def dataset_info(request: Request, _who: Reader) -> DatasetInfo:
    """The dataset served now: identity, counts, countries and corridors."""
    network = await served_network(request)
    lang = current_language()
    info = network.info
    modes = sorted({link.mode.value for link in network.links.values()})
    return DatasetInfo(
        name=info.name,
        version=info.version,
        title=info.title,
        description=info.description,
        content_hash=info.content_hash,
        places=len(network.places),
        links=len(network.links),
        border_crossings=len(network.border_crossings),
        transfers=len(network.transfers),
        services=len(network.services),
        sources=len(network.sources),
        countries=[CountryOut(code=c, name=country_name(c, lang)) for c in network.countries()],
        corridors=[
            CorridorOut(id=c.id, name=c.names.get(lang) or c.name, names=dict(c.names))
            for c in network.corridors
        ],
        modes=modes,
        numbers_sourced=network.number_counts.get("sourced", 0),
        numbers_estimated=network.number_counts.get("estimated", 0),
    )


@router.get("/places", response_model=list[PlaceOut], tags=["data"])
async def places(
    request: Request,
    _who: Reader,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Name, alias (en/kk/ru/ur), id or UN/LOCODE; omit to list every place.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    kind: Annotated[str | None, Query(description="Only places of this kind.")] = None,
) -> list[PlaceOut]:
    """Autocomplete places in any of the four languages, best match first."""
    network = await served_network(request)
    lang = current_language()
    if q is None or not q.strip():
        found = [
            place_out(p, lang)
            for p in sorted(network.places.values(), key=lambda p: p.id)
            if kind is None or p.kind.value == kind
        ]
        return found[:limit] if q is not None else found
    matches = find_places(network, q, limit=limit if kind is None else max(limit * 4, 40))
    out = [
        place_out(m.place, lang, m.matched, m.score)
        for m in matches
        if kind is None or m.place.kind.value == kind
    ]
    return out[:limit]


@router.get("/places/{place_id}", response_model=PlaceOut, tags=["data"])
async def place(request: Request, place_id: str, _who: Reader) -> PlaceOut:
    """One place by id."""
    network = await served_network(request)
    found = network.places.get(place_id)
    if found is None:
        raise ServiceError(404, "not-found", _("No place with id {id!r}.").format(id=place_id))
    return place_out(found, current_language())


@router.get("/commodities", response_model=list[CommodityOut], tags=["data"])
async def commodities(
    request: Request,
    _who: Reader,
    q: Annotated[
        str | None, Query(max_length=100, description="Filter: part of a name, alias or HS code.")
    ] = None,
) -> list[CommodityOut]:
    """The commodity catalogue, names in the request's language."""
    network = await served_network(request)
    book = planning_context(network=network).rules
    lang = current_language()
    items = sorted(book.commodities.values(), key=lambda c: c.names.en.casefold())
    if q and q.strip():
        needle = q.strip().casefold()
        items = [
            c
            for c in items
            if any(
                needle in label.casefold()
                for label in (c.id, *c.names.all(), *c.aliases, *c.hs_codes)
            )
        ]
    return [commodity_out(c, lang) for c in items]


@router.get("/agreements", response_model=list[dict[str, Any]], tags=["data"])
async def agreements(request: Request, _who: Reader) -> list[dict[str, Any]]:
    """The register of agreements: parties, status history, scope and sources."""
    network = await served_network(request)
    book = planning_context(network=network).rules
    return [a.to_dict() for a in sorted(book.agreements.values(), key=lambda a: a.id)]


@router.get("/agreements/{agreement_id}", response_model=dict[str, Any], tags=["data"])
async def agreement(request: Request, agreement_id: str, _who: Reader) -> dict[str, Any]:
    """One agreement of the register (404 with close ids when unknown)."""
    network = await served_network(request)
    book = planning_context(network=network).rules
    found = book.agreements.get(agreement_id)
    if found is None:
        import difflib

        close = difflib.get_close_matches(agreement_id, list(book.agreements), n=5)
        raise ServiceError(
            404,
            "not-found",
            _("No agreement with id {id!r}.").format(id=agreement_id),
            extra={"suggestions": close} if close else None,
        )
    return found.to_dict()


@router.get("/ui/strings", response_model=UiStrings, tags=["meta"])
def ui_strings(
    lang: Annotated[
        str | None, Query(description="en, kk, ru or ur (default: the request's).")
    ] = None,
) -> UiStrings:
    """The web page's texts in one language, with the language menu. Needs no key."""
    code = normalise_language(lang) if lang else current_language()
    if code is None:
        raise ServiceError(
            422,
            "invalid-request",
            _("Unknown language {lang!r}; use en, kk, ru or ur.").format(lang=lang),
        )
    return UiStrings(
        lang=code,
        dir="rtl" if is_rtl(code) else "ltr",
        languages=language_menu(),
        strings=page_strings(code),
    )
