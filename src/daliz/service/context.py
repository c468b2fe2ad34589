"""What every request handler reaches: settings, database sessions, datasets, the planner."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from daliz.service.datasets import DatasetManager
from daliz.service.plancache import PlanCache
from daliz.service.settings import Settings

T = TypeVar("T")


@dataclass
class ServiceContext:
    """Shared state of one service process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    datasets: DatasetManager
    schema_revision: str = ""
    plan_cache: PlanCache = field(init=False, repr=False)
    planners: ThreadPoolExecutor = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.plan_cache = PlanCache(self.settings.plan_cache_size)
        # Plans (and comparisons) run on these threads only, first come first served.
        # Dedicated threads rather than the event loop's shared pool: the queue is FIFO, so
        # under load every request waits its turn (the p99 follows the mean); the same thread
        # plans every time, so its memory stays in one malloc arena (with a pool of many
        # threads, each new planning thread grew its own: measured +150 MB per worker); and
        # a plan whose client gave up before it started is dropped from the queue.
        self.planners = ThreadPoolExecutor(
            max_workers=self.settings.max_concurrent_plans, thread_name_prefix="daliz-plan"
        )

    async def in_planner(self, work: Callable[[], T]) -> T:
        """Run `work` on a planning thread (with this request's context: its language) and
        wait for it. Cancelling the wait drops `work` if it has not started; if it has, it
        runs to the end and its result is discarded."""
        call = contextvars.copy_context().run
        return await asyncio.wrap_future(self.planners.submit(call, work))

    def close(self) -> None:
        """Stop the planning threads (queued work is cancelled)."""
        self.planners.shutdown(wait=False, cancel_futures=True)


def get_context(request: Request) -> ServiceContext:
    """The context of the app serving `request`."""
    context = request.app.state.daliz
    assert isinstance(context, ServiceContext)
    return context
