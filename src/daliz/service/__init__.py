"""The daliz web service (FastAPI): JSON API, API keys and roles, persistence, the map page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from daliz.service.settings import Settings

if TYPE_CHECKING:
    from daliz.service.app import create_app

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    # The app (FastAPI, SQLAlchemy, the planner) is imported when first asked for, so that
    # reading the settings (the parent of `daliz serve --workers N`) stays light.
    if name == "create_app":
        from daliz.service.app import create_app

        return create_app
    raise AttributeError(f"module 'daliz.service' has no attribute {name!r}")
