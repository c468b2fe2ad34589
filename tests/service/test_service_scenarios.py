"""Scenario endpoints: list the bundled scenarios, compare one shipment across them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from daliz.service.app import create_app
from daliz.service.settings import Settings

WHEAT: dict[str, Any] = {
    "origin": "Kostanay",
    "destination": "Karachi",
    "commodity": "wheat",
    "tonnes": 500,
    "date": "2027-03-01",
    "draws": 0,
}


@pytest.fixture
def default_client(make_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    """A client of an app serving the bundled default dataset."""
    app = create_app(make_settings(dataset=None))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.daliz.engine.dispose()


def test_bundled_scenarios_are_listed(default_client: TestClient) -> None:
    listed = default_client.get("/api/v1/scenarios").json()
    names = {s["name"] for s in listed}
    assert {"trans-afghan-railway", "khunjerab-winter-closure"} <= names
    assert all(s["title"] and s["changes"] >= 1 for s in listed)


def test_compare_shows_what_the_railway_changes(default_client: TestClient) -> None:
    answer = default_client.post(
        "/api/v1/compare", json={"request": WHEAT, "scenarios": ["trans-afghan-railway"]}
    )
    assert answer.status_code == 200, answer.text
    rows = answer.json()["rows"]
    assert [r["scenario"] for r in rows][1:] == ["trans-afghan-railway"]
    base, railway = rows
    assert railway["cost_usd"] < base["cost_usd"]  # the new line is cheaper for wheat


def test_unknown_scenario_is_a_clear_problem(default_client: TestClient) -> None:
    answer = default_client.post(
        "/api/v1/compare", json={"request": WHEAT, "scenarios": ["../../etc/passwd"]}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "trans-afghan-railway" in answer.json()["hint"]
