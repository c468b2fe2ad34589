"""Regression tests for the defects the hardening tests found (one test per fix)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from service_helpers import bearer


def test_huge_dataset_id_is_a_422_not_a_500(client: TestClient, keys: dict[str, str]) -> None:
    """schemathesis: an id beyond the database's integer overflowed the driver (500)."""
    admin = bearer(keys["admin"])
    for method, path in (
        ("GET", "/api/v1/admin/datasets/{id}"),
        ("POST", "/api/v1/admin/datasets/{id}/validate"),
        ("POST", "/api/v1/admin/datasets/{id}/activate"),
    ):
        for value in ("99999999999999999999", "2147483648", "0", "-1"):
            answer = client.request(method, path.format(id=value), headers=admin)
            assert answer.status_code == 422, (method, path, value, answer.text)
            assert answer.json()["type"] == "urn:daliz:problem:invalid-request"
        assert (
            client.request(method, path.format(id="2147483647"), headers=admin).status_code == 404
        )
