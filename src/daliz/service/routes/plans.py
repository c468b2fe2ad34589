"""Saved plans: planners save, every key holder lists and opens, owners and admins delete."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import func, select

from daliz.i18n import gettext_ as _
from daliz.planning import PlanResult
from daliz.service.auth import SavedReader, Saver
from daliz.service.context import get_context
from daliz.service.db import iso, transaction
from daliz.service.models import SavedPlan, User
from daliz.service.problems import PROBLEM_RESPONSES, ServiceError
from daliz.service.routes.meta import served_network
from daliz.service.routes.planning import run_plan
from daliz.service.schemas import Page, SavedPlanOut, SavedPlanSummary, SavePlanIn

router = APIRouter(prefix="/api/v1/plans", responses=PROBLEM_RESPONSES, tags=["saved plans"])


def _summary_fields(row: SavedPlan) -> dict[str, Any]:
    resolved = row.result.get("request", {}).get("resolved", {})
    return {
        "id": row.id,
        "title": row.title,
        "owner": row.owner.name,
        "created_at": iso(row.created_at) or "",
        "origin": str(resolved.get("origin") or row.request.get("origin", "")),
        "destination": str(resolved.get("destination") or row.request.get("destination", "")),
        "commodity": resolved.get("commodity") or row.request.get("commodity"),
        "alternatives": row.alternatives,
        "dataset": {
            "name": row.dataset_name,
            "version": row.dataset_version,
            "hash": row.dataset_hash,
        },
    }


def _full(row: SavedPlan) -> SavedPlanOut:
    return SavedPlanOut(**_summary_fields(row), request=row.request, result=row.result)


def _fetch(request: Request, plan_id: str) -> SavedPlan:
    with get_context(request).sessions() as session:
        row = session.get(SavedPlan, plan_id)
    if row is None:
        raise ServiceError(404, "not-found", _("No saved plan with id {id!r}.").format(id=plan_id))
    return row


@router.post("", status_code=201, response_model=SavedPlanOut)
async def save_plan(
    body: SavePlanIn, request: Request, response: Response, who: Saver
) -> SavedPlanOut:
    """Compute the plan now and save it with its title, request, result and dataset stamp."""
    ctx = get_context(request)
    result: PlanResult = await run_plan(ctx, body.request, await served_network(request))
    assert who.user_id is not None

    def store() -> SavedPlan:
        with transaction(ctx.sessions) as session:
            row = SavedPlan(
                id=uuid.uuid4().hex,
                owner_id=who.user_id,
                title=body.title.strip() or body.title,
                request=body.request.model_dump(mode="json"),
                result=result.to_dict(),
                dataset_name=result.dataset.name,
                dataset_version=result.dataset.version,
                dataset_hash=result.dataset.hash,
                alternatives=len(result.alternatives),
            )
            session.add(row)
            session.flush()
            session.refresh(row, ["owner"])
            return row

    row = await anyio.to_thread.run_sync(store)
    response.headers["Location"] = f"/api/v1/plans/{row.id}"
    return _full(row)


@router.get("", response_model=Page[SavedPlanSummary])
def list_plans(
    request: Request,
    who: SavedReader,
    limit: Annotated[int, Query(ge=1, description="At most the server's max_page_size.")] = 20,
    offset: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,  # beyond: a driver overflow
    mine: Annotated[bool, Query(description="Only plans saved with this key's user.")] = False,
) -> Page[SavedPlanSummary]:
    """Saved plans, newest first (every key holder sees every saved plan)."""
    ctx = get_context(request)
    limit = min(limit, ctx.settings.max_page_size)
    with ctx.sessions() as session:
        query = select(SavedPlan)
        count = select(func.count()).select_from(SavedPlan)
        if mine:
            query = query.where(SavedPlan.owner_id == who.user_id)
            count = count.where(SavedPlan.owner_id == who.user_id)
        total = session.scalar(count) or 0
        rows = session.scalars(
            query.order_by(SavedPlan.created_at.desc(), SavedPlan.id).limit(limit).offset(offset)
        ).all()
        items = [SavedPlanSummary(**_summary_fields(r)) for r in rows]
    return Page[SavedPlanSummary](items=items, total=total, limit=limit, offset=offset)


@router.get("/{plan_id}", response_model=SavedPlanOut)
def get_plan(plan_id: str, request: Request, _who: SavedReader) -> SavedPlanOut:
    """One saved plan with its request and full result."""
    return _full(_fetch(request, plan_id))


@router.get(
    "/{plan_id}/geojson",
    responses={200: {"content": {"application/geo+json": {}}, "description": "RFC 7946"}},
)
def get_plan_geojson(plan_id: str, request: Request, _who: SavedReader) -> Any:
    """The legs of a saved plan's alternatives as a GeoJSON FeatureCollection."""
    from fastapi.responses import JSONResponse

    row = _fetch(request, plan_id)
    result = PlanResult.model_validate(row.result)
    return JSONResponse(result.to_geojson(), media_type="application/geo+json")


@router.delete("/{plan_id}", status_code=204)
def delete_plan(plan_id: str, request: Request, who: Saver) -> Response:
    """Delete a saved plan: its owner or an admin."""
    ctx = get_context(request)
    with transaction(ctx.sessions) as session:
        row = session.get(SavedPlan, plan_id)
        if row is None:
            raise ServiceError(
                404, "not-found", _("No saved plan with id {id!r}.").format(id=plan_id)
            )
        if row.owner_id != who.user_id and who.role != "admin":
            owner = session.get(User, row.owner_id)
            raise ServiceError(
                403,
                "forbidden",
                _("This plan belongs to {owner}; only they or an admin may delete it.").format(
                    owner=owner.name if owner else "?"
                ),
            )
        session.delete(row)
    return Response(status_code=204)
