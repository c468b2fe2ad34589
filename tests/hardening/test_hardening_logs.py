"""API keys never reach a log: not the service's, not uvicorn's access log, not error logs."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from hardening_helpers import app_of, load_bench, make_keys
from service_helpers import MINI, WHEAT, bearer

SECRET = re.compile(r"dlz_[0-9a-f]{12}_([A-Za-z0-9_-]{43})")


def secrets_in(text: str, keys: list[str]) -> list[str]:
    """Every key, or the secret part of one, found in `text`."""
    found = [key for key in keys if key in text or key.split("_", 2)[2] in text]
    return found + [m.group(0) for m in SECRET.finditer(text) if m.group(0) not in found]


def test_keys_are_not_logged_in_process(
    make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(rate_limit_per_minute=60, rate_limit_burst=5)
    keys = make_keys(client)

    def explode() -> None:
        raise RuntimeError("boom")

    app_of(client).add_api_route("/api/v1/test-explode", explode)
    admin = bearer(keys["admin"])
    created = client.post(
        "/api/v1/admin/users", json={"name": "Log", "role": "planner"}, headers=admin
    )
    new_key = created.json()["key"]
    used = [new_key, *keys.values()]
    for key in used:
        client.get("/api/v1/me", headers=bearer(key))
        client.get("/api/v1/me", headers={"X-API-Key": key})
        client.post("/api/v1/plan", json={**WHEAT, "origin": "Nowhere"}, headers=bearer(key))
        client.get("/api/v1/test-explode", headers=bearer(key))
    client.delete("/api/v1/admin/users/Log", headers=admin)
    client.get("/api/v1/me", headers=bearer(new_key))  # revoked now
    for _ in range(10):  # and rate limited
        client.get("/api/v1/me", headers=bearer(keys["wrong"]))
    assert any(r.levelno >= logging.ERROR for r in caplog.records)  # the 500s were logged
    logged = (
        "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
        + caplog.text
    )
    assert secrets_in(logged, used) == []


@pytest.mark.slow
def test_keys_are_not_in_the_server_output() -> None:
    """`daliz serve` with its access log on: requests with keys leave no key in its output."""
    bench = load_bench()
    with bench.running_server(extra_env={"DALIZ_DATASET": str(MINI)}) as server:
        # The server's own database is in its private data directory: add users through it.
        import subprocess
        import sys

        env_dir = str(server.log_path.parent / "data")
        added = subprocess.run(
            [sys.executable, "-m", "daliz", "users", "add", "admin", "--role", "admin",
             "--data-dir", env_dir],
            capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        admin_key = added.stdout.strip().splitlines()[-1]
        assert SECRET.fullmatch(admin_key)
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            created = client.post(
                "/api/v1/admin/users", json={"name": "p", "role": "planner"},
                headers=bearer(admin_key),
            )  # fmt: skip
            planner_key = created.json()["key"]
            for key in (admin_key, planner_key, "dlz_0123456789ab_" + "C" * 43):
                client.get("/api/v1/me", headers=bearer(key))
                client.get("/api/v1/me", headers={"X-API-Key": key})
                client.post("/api/v1/plan", json=WHEAT, headers=bearer(key))
                client.get("/api/v1/plans", headers=bearer(key))
            client.delete("/api/v1/admin/users/p", headers=bearer(admin_key))
            client.get("/api/v1/me", headers=bearer(planner_key))
        output = server.log_path.read_text(errors="replace")
    assert "GET /api/v1/me" in output  # the access log is on and was read
    assert secrets_in(output, [admin_key, planner_key]) == []
