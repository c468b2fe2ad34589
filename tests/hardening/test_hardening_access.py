"""Access matrix: every endpoint of the OpenAPI document × every kind of caller.

The endpoints come from the app's own OpenAPI document, so a new endpoint without an entry in
EXPECTED fails the test until someone decides who may call it. "Allowed" means the request got
past authentication and authorisation (any status but 401/403, e.g. 200, 404 for an unknown
id, 409, 422); "denied" means exactly 401 (no or bad key) or 403 (role too low).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hardening_helpers import make_keys
from service_helpers import WHEAT, bearer

# Who may call an endpoint:
#   open   - anyone, whatever key is sent (even a wrong one)
#   me     - anyone without a key or with a valid key; a wrong or revoked key is a 401
#   read   - as `me`, but anonymous only when DALIZ_ANONYMOUS=read
#   viewer / planner / admin - that role or a higher one
EXPECTED: dict[tuple[str, str], str] = {
    ("get", "/api/v1/health"): "open",
    ("get", "/api/v1/limits"): "open",
    ("get", "/api/v1/ui/strings"): "open",
    ("get", "/api/v1/me"): "me",
    ("get", "/api/v1/dataset"): "read",
    ("get", "/api/v1/places"): "read",
    ("get", "/api/v1/places/{place_id}"): "read",
    ("get", "/api/v1/commodities"): "read",
    ("get", "/api/v1/agreements"): "read",
    ("get", "/api/v1/agreements/{agreement_id}"): "read",
    ("post", "/api/v1/plan"): "read",
    ("post", "/api/v1/plan/geojson"): "read",
    ("get", "/api/v1/scenarios"): "read",
    ("post", "/api/v1/compare"): "read",
    ("get", "/api/v1/trade/summary"): "read",
    ("get", "/api/v1/trade/published"): "read",
    ("get", "/api/v1/plans"): "viewer",
    ("get", "/api/v1/plans/{plan_id}"): "viewer",
    ("get", "/api/v1/plans/{plan_id}/geojson"): "viewer",
    ("post", "/api/v1/plans"): "planner",
    ("delete", "/api/v1/plans/{plan_id}"): "planner",
    ("get", "/api/v1/admin/datasets"): "admin",
    ("post", "/api/v1/admin/datasets"): "admin",
    ("get", "/api/v1/admin/datasets/history"): "admin",
    ("post", "/api/v1/admin/datasets/rollback"): "admin",
    ("get", "/api/v1/admin/datasets/{dataset_id}"): "admin",
    ("post", "/api/v1/admin/datasets/{dataset_id}/validate"): "admin",
    ("post", "/api/v1/admin/datasets/{dataset_id}/activate"): "admin",
    ("get", "/api/v1/admin/users"): "admin",
    ("post", "/api/v1/admin/users"): "admin",
    ("delete", "/api/v1/admin/users/{name}"): "admin",
}
CALLERS = ("anonymous", "viewer", "planner", "admin", "revoked", "wrong")
RANK = {"viewer": 1, "planner": 2, "admin": 3}
PATH_VALUES = {
    "place_id": "no-such-place",
    "agreement_id": "no-such-agreement",
    "plan_id": "0" * 32,
    "dataset_id": "999",
    "name": "nobody",
}
BODIES: dict[str, Any] = {
    "/api/v1/plan": WHEAT,
    "/api/v1/plan/geojson": WHEAT,
    "/api/v1/compare": {"request": {**WHEAT, "draws": 0}, "scenarios": ["gwadar-link"]},
    "/api/v1/plans": {"title": "matrix", "request": WHEAT},
    "/api/v1/admin/users": {"name": "matrix-user", "role": "viewer"},
}


def expected_status(rule: str, caller: str, anonymous: str) -> str:
    """'allowed', '401' or '403'."""
    if rule == "open":
        return "allowed"
    if caller in ("revoked", "wrong"):
        return "401"
    if caller == "anonymous":
        if rule == "me" or (rule == "read" and anonymous == "read"):
            return "allowed"
        return "401"
    if rule in ("me", "read"):
        return "allowed"
    return "allowed" if RANK[caller] >= RANK[rule] else "403"


def call(client: TestClient, method: str, path: str, key: str | None) -> Any:
    url = path
    for name, value in PATH_VALUES.items():
        url = url.replace("{" + name + "}", value)
    headers = bearer(key) if key else {}
    kwargs: dict[str, Any] = {"headers": headers}
    if path == "/api/v1/admin/datasets" and method == "post":
        kwargs["files"] = {"file": ("x.zip", b"not a zip", "application/zip")}
    elif method == "post":
        kwargs["json"] = BODIES.get(path, {})
    return client.request(method.upper(), url, **kwargs)


def openapi_operations(client: TestClient) -> set[tuple[str, str]]:
    document = client.get("/api/v1/openapi.json").json()
    return {
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_every_endpoint_has_an_expectation(client: TestClient) -> None:
    operations = openapi_operations(client)
    missing = sorted(operations - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - operations)
    assert not missing, f"endpoints without an access expectation: {missing}"
    assert not stale, f"expectations for endpoints that no longer exist: {stale}"


@pytest.mark.parametrize("anonymous", ["read", "none"])
def test_access_matrix(make_client: Callable[..., TestClient], anonymous: str) -> None:
    client = make_client(anonymous=anonymous, rate_limit_per_minute=0)
    keys = make_keys(client)
    failures = []
    checked = 0
    for method, path in sorted(openapi_operations(client)):
        rule = EXPECTED[(method, path)]
        for caller in CALLERS:
            answer = call(client, method, path, None if caller == "anonymous" else keys[caller])
            want = expected_status(rule, caller, anonymous)
            got = str(answer.status_code)
            ok = got == want if want != "allowed" else got not in ("401", "403")
            if ok and got in ("401", "403"):
                body = answer.json()
                ok = answer.headers["content-type"].startswith("application/problem+json") and (
                    body["status"] == answer.status_code
                )
                if got == "401":
                    ok = ok and answer.headers.get("www-authenticate", "").startswith("Bearer")
            if got.startswith("5"):
                ok = False
            checked += 1
            if not ok:
                failures.append(f"{method.upper()} {path} as {caller}: {got}, want {want}")
    assert checked == len(EXPECTED) * len(CALLERS)
    assert not failures, "\n".join(failures)


def test_owner_or_admin_deletes_a_saved_plan(client: TestClient, keys: dict[str, str]) -> None:
    """The one rule the matrix cannot see: a planner deletes only their own plans."""
    sessions = client.app.state.daliz.sessions  # type: ignore[attr-defined]
    from daliz.service.auth import add_user

    other = add_user(sessions, "other-planner", "planner")[1]
    saved = client.post(
        "/api/v1/plans", json={"title": "mine", "request": WHEAT}, headers=bearer(keys["planner"])
    )
    assert saved.status_code == 201, saved.text
    plan_id = saved.json()["id"]
    assert client.delete(f"/api/v1/plans/{plan_id}", headers=bearer(other)).status_code == 403
    assert (
        client.delete(f"/api/v1/plans/{plan_id}", headers=bearer(keys["viewer"])).status_code == 403
    )
    assert (
        client.delete(f"/api/v1/plans/{plan_id}", headers=bearer(keys["admin"])).status_code == 204
    )
