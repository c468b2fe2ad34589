"""Service fixtures: an app on the mini dataset with a fresh database (SQLite, or PostgreSQL
for tests marked `postgres`), a client, and one API key per role."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from service_helpers import MINI, PostgresCluster, postgres_bin_dir, postgres_cluster

from daliz.service import Settings, create_app
from daliz.service.auth import add_user

ROLES = ("viewer", "planner", "admin")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """One throw-away PostgreSQL cluster for the session (Debian's initdb/pg_ctl)."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) are not installed: "
            "run `bash scripts/system-deps.sh` (apt package postgresql)"
        )
    with postgres_cluster(bin_dir) as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or a new database in the test cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'service.db'}"
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database(f"daliz_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings on the mini dataset in a private data directory, with overrides."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "dataset": str(MINI),
            "database_url": f"sqlite:///{tmp_path / 'service.db'}",
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    """Settings with a SQLite database (for tests that are not about persistence)."""
    return make_settings()


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.daliz.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def keys(app: FastAPI) -> dict[str, str]:
    """An API key for each role (users named after their role)."""
    return make_keys(app)


@pytest.fixture
def db_app(make_settings: Callable[..., Settings], database_url: str) -> Iterator[FastAPI]:
    """An app on SQLite and, for tests run with -m postgres, on PostgreSQL."""
    application = create_app(make_settings(database_url=database_url))
    yield application
    application.state.daliz.engine.dispose()


@pytest.fixture
def db_client(db_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(db_app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def db_keys(db_app: FastAPI) -> dict[str, str]:
    return make_keys(db_app)


def make_keys(app: FastAPI) -> dict[str, str]:
    sessions = app.state.daliz.sessions
    return {role: add_user(sessions, f"{role}-user", role)[1] for role in ROLES}
