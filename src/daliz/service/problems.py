"""Errors as RFC 9457 problem details (`application/problem+json`), never a stack trace.

Every problem has a stable `type` URI `urn:daliz:problem:<slug>` (listed in docs/service.md),
a short `title`, the HTTP `status`, a `detail` that says what was wrong and what to do, and the
`instance` path. Extensions: `hint`, `suggestions`, `errors` (one per bad field) and `problems`
(dataset problems with file, row and field).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from daliz.errors import DalizError, DatasetError, NoRouteError, RequestError
from daliz.i18n import N_
from daliz.i18n import gettext_ as _

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("daliz.service")


# slug -> title (English msgid; translated when the problem is built)
TITLES: dict[str, str] = {
    "invalid-request": N_("The request is not valid"),
    "limit-exceeded": N_("A limit of this server was exceeded"),
    "no-route": N_("No route satisfies the request"),
    "invalid-dataset": N_("The dataset is not valid"),
    "dataset-unavailable": N_("No dataset can be served"),
    "unauthorized": N_("An API key is needed"),
    "forbidden": N_("Your role may not do this"),
    "not-found": N_("Not found"),
    "method-not-allowed": N_("Method not allowed"),
    "conflict": N_("The request conflicts with the current state"),
    "body-too-large": N_("The request body is too large"),
    "unsupported-media-type": N_("Unsupported media type"),
    "plan-timeout": N_("The computation took too long"),
    "database-unavailable": N_("The database cannot be reached"),
    "internal-error": N_("Internal error"),
}
_STATUS_SLUG = {
    400: "invalid-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "body-too-large",
    415: "unsupported-media-type",
    422: "invalid-request",
}


class FieldError(BaseModel):
    """One invalid field of a request."""

    field: str = Field(description="Dotted path of the field, e.g. 'body.tonnes'.")
    message: str


class DatasetProblem(BaseModel):
    """One problem of a dataset: where it is and what is wrong."""

    file: str
    row: int | None = None
    field: str | None = None
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of the API is answered."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="urn:daliz:problem:<slug>; see docs/service.md.")
    title: str
    status: int
    detail: str
    instance: str | None = None
    hint: str | None = None
    suggestions: list[str] | None = None
    errors: list[FieldError] | None = None
    problems: list[DatasetProblem] | None = None


class ServiceError(DalizError):
    """An error the service answers with a given HTTP status and problem slug."""

    def __init__(
        self,
        status: int,
        slug: str,
        message: str,
        *,
        hint: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.slug = slug
        self.headers = headers or {}
        self.extra = extra or {}


def problem_response(
    status: int,
    slug: str,
    detail: str,
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response; None-valued extensions are left out."""
    body: dict[str, Any] = {
        "type": f"urn:daliz:problem:{slug}",
        "title": _(TITLES.get(slug, TITLES["internal-error"])),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _path(request: Request) -> str:
    return request.url.path


def _dataset_problems(exc: DatasetError) -> list[dict[str, Any]]:
    return [
        {"file": p.file, "row": p.row, "field": p.field, "message": p.message} for p in exc.problems
    ]


async def _service_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    return problem_response(
        exc.status,
        exc.slug,
        exc.message,
        instance=_path(request),
        headers=exc.headers,
        hint=exc.hint,
        **exc.extra,
    )


async def _daliz_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DalizError)
    if isinstance(exc, RequestError):
        return problem_response(
            422,
            "invalid-request",
            exc.message,
            instance=_path(request),
            hint=exc.hint,
            suggestions=exc.suggestions or None,
        )
    if isinstance(exc, NoRouteError):
        return problem_response(
            422, "no-route", exc.message, instance=_path(request), hint=exc.hint
        )
    if isinstance(exc, DatasetError):
        return problem_response(
            422,
            "invalid-dataset",
            exc.message.splitlines()[0],
            instance=_path(request),
            problems=_dataset_problems(exc),
        )
    return problem_response(
        422, "invalid-request", exc.message, instance=_path(request), hint=exc.hint
    )


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        errors.append({"field": _field_path(error.get("loc", ())), "message": message})
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    if len(errors) > 5:
        summary += f"; … and {len(errors) - 5} more"
    return problem_response(
        422,
        "invalid-request",
        _("Invalid request: {summary}").format(summary=summary),
        instance=_path(request),
        errors=errors,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = _STATUS_SLUG.get(
        exc.status_code, "internal-error" if exc.status_code >= 500 else "invalid-request"
    )
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404 and detail == "Not Found":
        detail = _(
            "Nothing here: {path}. The API lives under /api/v1 (see /api/v1/openapi.json)."
        ).format(path=_path(request))
    elif exc.status_code == 405:
        detail = _("{method} is not allowed on {path}.").format(
            method=request.method, path=_path(request)
        )
    return problem_response(
        exc.status_code,
        slug,
        detail,
        instance=_path(request),
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _database_down(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable on %s %s: %s", request.method, _path(request), exc)
    return problem_response(
        503,
        "database-unavailable",
        _("The database cannot be reached; try again shortly."),
        instance=_path(request),
        headers={"Retry-After": "10"},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    incident = uuid.uuid4().hex[:12]
    log.error(
        "unexpected error %s on %s %s", incident, request.method, _path(request), exc_info=exc
    )
    return problem_response(
        500,
        "internal-error",
        _("Something went wrong on the server (incident {incident}); it has been logged.").format(
            incident=incident
        ),
        instance=_path(request),
        incident=incident,
    )


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(DalizError, _daliz_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_down)
    app.add_exception_handler(InterfaceError, _database_down)
    app.add_exception_handler(Exception, _unexpected)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": description}
    for status, description in (
        (401, "No valid API key (problem+json)."),
        (403, "The key's role may not do this (problem+json)."),
        (422, "Invalid request or no route (problem+json)."),
        (503, "Dataset unavailable, database down or plan timeout (problem+json)."),
    )
}
