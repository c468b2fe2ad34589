"""The daliz web service (FastAPI): JSON API, API keys and roles, persistence, the map page."""

from daliz.service.app import create_app
from daliz.service.settings import Settings

__all__ = ["Settings", "create_app"]
