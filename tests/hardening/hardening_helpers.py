"""Helpers of the hardening tests (the service tests' helpers are reused, not copied)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from daliz.service.auth import add_user, revoke_user

ROLES = ("viewer", "planner", "admin")
REPO = Path(__file__).resolve().parents[2]


def app_of(client: TestClient) -> FastAPI:
    app = client.app
    assert isinstance(app, FastAPI)
    return app


def make_keys(client: TestClient) -> dict[str, str]:
    """A key per role, plus a revoked key and a well-formed key that was never issued."""
    return make_keys_for_app(app_of(client))


def make_keys_for_app(app: FastAPI) -> dict[str, str]:
    """`make_keys` for an app."""
    sessions = app.state.daliz.sessions
    keys = {role: add_user(sessions, f"{role}-user", role)[1] for role in ROLES}
    keys["revoked"] = add_user(sessions, "gone-user", "admin")[1]
    revoke_user(sessions, "gone-user")
    keys["wrong"] = "dlz_0123456789ab_" + "A" * 43
    return keys


def load_bench() -> Any:
    """bench/load_service.py as a module (the load test drives `daliz serve` with it)."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "bench" / "load_service.py"
    spec = importlib.util.spec_from_file_location("daliz_bench_load_service", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
