"""Admin routes: upload, validate, activate and roll back datasets; manage API keys."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile

from daliz.service.auth import Admin, add_user, list_users, revoke_user
from daliz.service.context import get_context
from daliz.service.db import iso
from daliz.service.models import Activation, DatasetRecord, User
from daliz.service.problems import PROBLEM_RESPONSES
from daliz.service.schemas import (
    ActivationOut,
    DatasetRecordOut,
    UserCreated,
    UserIn,
    UserOut,
)

router = APIRouter(prefix="/api/v1/admin", responses=PROBLEM_RESPONSES, tags=["admin"])


def dataset_out(record: DatasetRecord, active: bool) -> DatasetRecordOut:
    """A dataset record as the API shows it (never its archive or server path)."""
    return DatasetRecordOut(
        id=record.id,
        kind=record.kind,
        status=record.status,
        active=active,
        name=record.name,
        version=record.version,
        title=record.title,
        content_hash=record.content_hash,
        filename=record.filename,
        size_bytes=record.size_bytes,
        note=record.note,
        problems=list(record.problems or []),
        created_at=iso(record.created_at) or "",
        validated_at=iso(record.validated_at),
    )


def activation_out(row: Activation) -> ActivationOut:
    """An activation as the API shows it."""
    return ActivationOut(
        id=row.id,
        dataset_id=row.dataset_id,
        previous_id=row.previous_id,
        action=row.action,
        activated_at=iso(row.activated_at) or "",
        activated_by=row.activated_by,
    )


def user_out(user: User) -> UserOut:
    """A user as the API shows it (never the key or its hash)."""
    return UserOut(
        id=user.id,
        name=user.name,
        role=user.role,
        key_prefix=user.key_prefix,
        created_at=iso(user.created_at) or "",
        revoked_at=iso(user.revoked_at),
        active=user.active,
    )


# --------------------------------------------------------------------------- datasets
@router.get("/datasets", response_model=list[DatasetRecordOut])
def list_datasets(request: Request, _who: Admin) -> list[DatasetRecordOut]:
    """Every dataset the service knows, newest first, with its validation outcome."""
    return [dataset_out(r, a) for r, a in get_context(request).datasets.records()]


@router.post("/datasets", response_model=DatasetRecordOut, status_code=201)
async def upload_dataset(
    request: Request,
    response: Response,
    who: Admin,
    file: Annotated[UploadFile, File(description="The dataset directory as a .zip archive.")],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> DatasetRecordOut:
    """Upload a dataset (a zip of its directory, or an overlay with `base: default`).

    It is stored and validated at once; `status` and `problems` say the outcome. It is not
    served until activated. The same archive again answers 200 with the existing record.
    """
    ctx = get_context(request)
    limit = ctx.settings.max_upload_bytes
    data = await file.read(limit + 1)
    record, created = await anyio.to_thread.run_sync(
        ctx.datasets.upload, data, file.filename or "", note, who.user_id
    )
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/api/v1/admin/datasets/{record.id}"
    _record, active = ctx.datasets.record(record.id)
    return dataset_out(record, active)


@router.get("/datasets/history", response_model=list[ActivationOut])
def activation_history(
    request: Request, _who: Admin, limit: Annotated[int, Query(ge=1, le=1000)] = 50
) -> list[ActivationOut]:
    """Which dataset was served when: the newest activations first."""
    return [activation_out(a) for a in get_context(request).datasets.history(limit)]


@router.post("/datasets/rollback", response_model=ActivationOut)
def rollback_dataset(request: Request, who: Admin) -> ActivationOut:
    """Serve again the dataset that was active before the current one."""
    return activation_out(get_context(request).datasets.rollback(who.user_id))


# Ids are 32-bit database integers: a larger number is a 422, not a driver overflow (500).
DatasetId = Annotated[int, Path(ge=1, le=2_147_483_647, description="A dataset record's id.")]


@router.get("/datasets/{dataset_id}", response_model=DatasetRecordOut)
def get_dataset(dataset_id: DatasetId, request: Request, _who: Admin) -> DatasetRecordOut:
    """One dataset record with its problems."""
    return dataset_out(*get_context(request).datasets.record(dataset_id))


@router.post("/datasets/{dataset_id}/validate", response_model=DatasetRecordOut)
def validate_dataset(dataset_id: DatasetId, request: Request, _who: Admin) -> DatasetRecordOut:
    """Validate a dataset again (e.g. after an upgrade of daliz) and store the outcome."""
    manager = get_context(request).datasets
    record = manager.revalidate(dataset_id)
    return dataset_out(record, manager.record(dataset_id)[1])


@router.post("/datasets/{dataset_id}/activate", response_model=ActivationOut)
def activate_dataset(dataset_id: DatasetId, request: Request, who: Admin) -> ActivationOut:
    """Serve this dataset from now on; it must validate. The old one stays for rollback."""
    return activation_out(get_context(request).datasets.activate(dataset_id, who.user_id))


# --------------------------------------------------------------------------- users
@router.get("/users", response_model=list[UserOut])
def get_users(request: Request, _who: Admin, include_revoked: bool = True) -> list[UserOut]:
    """Every API key holder (never the keys)."""
    users = list_users(get_context(request).sessions, include_revoked=include_revoked)
    return [user_out(u) for u in users]


@router.post("/users", response_model=UserCreated, status_code=201)
def create_user(body: UserIn, request: Request, _who: Admin) -> UserCreated:
    """Create a key holder; the answer holds the key, shown this once."""
    user, key = add_user(get_context(request).sessions, body.name, body.role)
    return UserCreated(**user_out(user).model_dump(), key=key)


@router.delete("/users/{name}", response_model=UserOut)
def delete_user(name: str, request: Request, _who: Admin) -> UserOut:
    """Revoke the active key of a user (the record stays, marked revoked)."""
    return user_out(revoke_user(get_context(request).sessions, name))
