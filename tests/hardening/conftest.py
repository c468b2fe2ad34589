"""Fixtures of the hardening tests: an app on the mini dataset, keys per role, helpers.

The service tests' helpers (throw-away PostgreSQL cluster, zip builders, live server) are
reused from tests/service/service_helpers.py rather than copied.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "service"))

from hardening_helpers import make_keys
from service_helpers import MINI

from daliz.service import Settings, create_app


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings on the mini dataset in a private data directory, with overrides."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "dataset": str(MINI),
            "database_url": f"sqlite:///{tmp_path / 'service.db'}",
            "warm_up": False,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def make_client(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    """Build apps with settings overrides; each is entered as a TestClient and closed after."""
    opened: list[tuple[FastAPI, TestClient]] = []

    def make(**overrides: Any) -> TestClient:
        app = create_app(make_settings(**overrides))
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        opened.append((app, client))
        return client

    yield make
    for app, client in opened:
        client.__exit__(None, None, None)
        app.state.daliz.engine.dispose()


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """A client of an app with the default limits (rate limit off: tests send many requests)."""
    return make_client(rate_limit_per_minute=0)


@pytest.fixture
def keys(client: TestClient) -> dict[str, str]:
    return make_keys(client)
