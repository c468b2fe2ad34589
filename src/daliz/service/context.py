"""What every request handler reaches: settings, database sessions, datasets, plan slots."""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio
from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from daliz.service.datasets import DatasetManager
from daliz.service.plancache import PlanCache
from daliz.service.settings import Settings


@dataclass
class ServiceContext:
    """Shared state of one service process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    datasets: DatasetManager
    schema_revision: str = ""
    _plan_slots: anyio.CapacityLimiter | None = field(default=None, repr=False)
    plan_cache: PlanCache = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.plan_cache = PlanCache(self.settings.plan_cache_size)

    @property
    def plan_slots(self) -> anyio.CapacityLimiter:
        """Bounds how many plans run at once (created inside the event loop)."""
        if self._plan_slots is None:
            self._plan_slots = anyio.CapacityLimiter(self.settings.max_concurrent_plans)
        return self._plan_slots


def get_context(request: Request) -> ServiceContext:
    """The context of the app serving `request`."""
    context = request.app.state.daliz
    assert isinstance(context, ServiceContext)
    return context
