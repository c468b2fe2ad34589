"""Request and response bodies of the API (besides PlanRequest/PlanResult, shared with Python)."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from daliz.planning import PlanRequest

T = TypeVar("T")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(_Out, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int
    limit: int
    offset: int


class Health(_Out):
    """Liveness and what is served."""

    status: Literal["ok", "degraded"]
    version: str
    database: Literal["ok", "down"]
    schema_revision: str
    dataset: dict[str, str] | None = Field(description="name, version, hash of the served data.")


class Limits(_Out):
    """What this server allows (see docs/service.md); requests beyond get 413 or 422."""

    anonymous: str = Field(description="What requests without a key may do: read or none.")
    max_body_bytes: int
    max_upload_bytes: int
    max_alternatives: int
    max_draws: int
    plan_timeout_s: float
    max_concurrent_plans: int
    max_page_size: int


class Me(_Out):
    """Who the request is made as."""

    name: str
    role: str | None = Field(description="viewer, planner, admin; null when anonymous.")
    anonymous: bool
    permissions: list[str]


class PlaceOut(_Out):
    """A place of the network; `name` in the request's language."""

    id: str
    name: str
    names: dict[str, str]
    kind: str
    country: str
    lat: float
    lon: float
    unlocode: str | None = None
    matched: str | None = Field(None, description="The name or alias the query matched.")
    score: float | None = Field(None, description="1 exact, lower for prefix and fuzzy matches.")


class CommodityOut(_Out):
    """A commodity of the catalogue; `name` in the request's language."""

    id: str
    name: str
    names: dict[str, str]
    hs_codes: list[str]
    cargo_type: str
    aliases: list[str]
    perishable: bool
    direction: str


class CountryOut(_Out):
    """A country of the network, named in the request's language."""

    code: str
    name: str


class CorridorOut(_Out):
    """A named corridor of the dataset."""

    id: str
    name: str
    names: dict[str, str]


class DatasetInfo(_Out):
    """The dataset served now."""

    name: str
    version: str
    title: str
    description: str
    content_hash: str
    places: int
    links: int
    border_crossings: int
    transfers: int
    services: int
    sources: int
    countries: list[CountryOut]
    corridors: list[CorridorOut]
    modes: list[str]
    numbers_sourced: int
    numbers_estimated: int


class UiStrings(_Out):
    """The page's texts in one language."""

    lang: str
    dir: Literal["ltr", "rtl"]
    languages: list[dict[str, str]]
    strings: dict[str, str]


class SavePlanIn(BaseModel):
    """Compute a plan and keep it under a title."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    request: PlanRequest


class SavedPlanSummary(_Out):
    """A saved plan in a list."""

    id: str
    title: str
    owner: str
    created_at: str
    origin: str
    destination: str
    commodity: str | None
    alternatives: int
    dataset: dict[str, str]


class SavedPlanOut(SavedPlanSummary):
    """A saved plan with its request and full result (the PlanResult shape)."""

    request: dict[str, Any]
    result: dict[str, Any]


class UserIn(BaseModel):
    """A new API key holder."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: Literal["viewer", "planner", "admin"]


class UserOut(_Out):
    """An API key holder (never the key)."""

    id: int
    name: str
    role: str
    key_prefix: str
    created_at: str
    revoked_at: str | None
    active: bool


class UserCreated(UserOut):
    """A new user with the key, shown this once."""

    key: str


class DatasetRecordOut(_Out):
    """A dataset the service knows."""

    id: int
    kind: str
    status: str
    active: bool
    name: str
    version: str
    title: str
    content_hash: str
    filename: str
    size_bytes: int
    note: str
    problems: list[dict[str, Any]]
    created_at: str
    validated_at: str | None


class ActivationOut(_Out):
    """One switch of the served dataset."""

    id: int
    dataset_id: int
    previous_id: int | None
    action: str
    activated_at: str
    activated_by: int | None
