"""Service settings: where data lives, who may do what anonymously, and every limit.

Read from `DALIZ_*` environment variables by `Settings.from_env()`; each field can also be
given directly (`create_app(Settings(...))`, `daliz serve --…`). docs/service.md lists them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from daliz.errors import DalizError

AnonymousAccess = Literal["none", "read"]


def user_data_dir() -> Path:
    """Per-user data directory of daliz (XDG on Linux; ~/.local/share/daliz by default)."""
    if sys.platform == "win32":  # pragma: no cover - not exercised on the CI machines
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":  # pragma: no cover
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "daliz"


class Settings(BaseModel):
    """Everything the service can be told. Sizes in bytes, times in seconds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field("127.0.0.1", description="Address `daliz serve` listens on.")
    port: int = Field(8000, ge=0, le=65535, description="TCP port `daliz serve` listens on.")
    dataset: str | None = Field(
        None,
        description="Dataset directory served at start (None: $DALIZ_DATASET, else the bundled "
        "default). Given explicitly, it is activated at start-up.",
    )
    data_dir: Path = Field(
        default_factory=user_data_dir,
        description="Directory of the SQLite file and of unpacked uploaded datasets.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; None: sqlite file `<data_dir>/daliz.db`. "
        "postgresql://user:pass@host/db uses psycopg 3.",
    )
    trade_db: Path | None = Field(
        None, description="DuckDB trade store read by /api/v1/trade (None: the trade default)."
    )
    anonymous: AnonymousAccess = Field(
        "read",
        description="What a request without an API key may do: 'read' (places, commodities, "
        "agreements, dataset info, compute plans — nothing is saved) or 'none'.",
    )
    max_body_bytes: int = Field(64 * 1024, gt=0, description="Largest JSON request body.")
    max_upload_bytes: int = Field(
        20 * 1024 * 1024, gt=0, description="Largest uploaded dataset archive (zip)."
    )
    max_unpacked_bytes: int = Field(
        200 * 1024 * 1024, gt=0, description="Largest total size of an archive once unpacked."
    )
    max_archive_files: int = Field(2000, gt=0, description="Most files in an uploaded archive.")
    max_alternatives: int = Field(10, ge=1, le=20, description="Most alternatives per plan.")
    max_draws: int = Field(20_000, ge=0, description="Most reliability draws per plan.")
    plan_timeout_s: float = Field(
        30.0, gt=0, description="A plan not finished within this answers 503 plan-timeout."
    )
    # One at a time per process: plans are CPU-bound Python, so more threads only take turns
    # on the GIL (measured: 4 slots plan 14 % fewer per second than 1). Scale with --workers.
    max_concurrent_plans: int = Field(
        1,
        ge=1,
        description="Plans computed at once per worker process; more requests wait (within "
        "the timeout). Cached answers never wait.",
    )
    max_page_size: int = Field(100, ge=1, description="Most items per page of a list.")
    warm_up: bool = Field(True, description="Load and compile the active dataset at start-up.")
    gc_freeze: bool = Field(
        True,
        description="After start-up, keep what is loaded out of the garbage collector's scans "
        "and collect young objects less often (see daliz.service.app.tune_garbage_collector).",
    )
    rate_limit_per_minute: float = Field(
        600.0,
        ge=0,
        description="API requests per minute per key (per client address without a key); "
        "0 turns rate limiting off.",
    )
    rate_limit_burst: int = Field(
        60, ge=1, description="Requests a key or address may make at once before the rate applies."
    )
    dataset_recheck_s: float = Field(
        1.0,
        ge=0,
        description="Seconds a worker serves its dataset before asking the database again which "
        "one is active: an activation through another worker is served within this time "
        "(0: ask on every request).",
    )
    balance_connections: bool = Field(
        True,
        description="With --workers N: a worker holding more than its share of the client "
        "connections closes one after its answer, so the client reconnects (see "
        "daliz.service.balance).",
    )
    worker_board: str | None = Field(
        None,
        description="The workers' shared board file (set by `daliz serve --workers N`).",
    )
    plan_cache_size: int = Field(
        128, ge=0, description="Plan results kept per process for repeated requests; 0: none."
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from `DALIZ_*` variables (e.g. DALIZ_MAX_DRAWS), then `overrides`.

        Raises DalizError naming the variable when a value is invalid.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            raw = env.get(f"DALIZ_{name.upper()}")
            if raw is not None and raw != "":
                values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**values)
        except ValidationError as exc:
            details = []
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else "?"
                source = "option" if field in overrides else f"DALIZ_{field.upper()}"
                details.append(f"{source} ({field}): {error['msg']}")
            raise DalizError(
                "Invalid service settings: " + "; ".join(details),
                hint="See docs/service.md for every setting and its allowed values.",
            ) from None

    def resolved_database_url(self) -> str:
        """The database URL, with the SQLite default and the psycopg 3 driver filled in."""
        url = self.database_url or f"sqlite:///{self.data_dir / 'daliz.db'}"
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    def dataset_cache_dir(self) -> Path:
        """Where uploaded dataset archives are unpacked (one directory per archive hash)."""
        return self.data_dir / "datasets"
