"""POST /api/v1/plan: the Python API's request and result over HTTP, errors and limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from service_helpers import MINI, WHEAT, bearer

from daliz.i18n import use_language
from daliz.planning import PlanRequest, PlanResult, plan
from daliz.service import Settings, create_app


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    """Check a problem+json answer and return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:daliz:problem:{slug}"
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return body


def test_plan_returns_the_python_api_result(client: TestClient) -> None:
    response = client.post("/api/v1/plan", json=WHEAT)
    assert response.status_code == 200, response.text
    body = response.json()
    result = PlanResult.model_validate(body)
    assert len(result.alternatives) == 3
    assert [a.rank for a in result.alternatives] == [1, 2, 3]
    expected = plan(PlanRequest(**WHEAT), dataset=str(MINI)).to_dict()
    assert body == expected
    assert body["dataset"]["version"] == "test-1"


def test_plan_geojson(client: TestClient) -> None:
    response = client.post("/api/v1/plan/geojson", json=WHEAT)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    ranks = {f["properties"]["rank"] for f in collection["features"]}
    assert ranks == {1, 2, 3}
    assert all(f["geometry"]["type"] == "LineString" for f in collection["features"])


def test_unknown_place_suggests_close_names(client: TestClient) -> None:
    body = problem(
        client.post("/api/v1/plan", json={**WHEAT, "origin": "Shymkentt"}), 422, "invalid-request"
    )
    assert "Shymkentt" in body["detail"]
    assert any("kz-shymkent" in s for s in body["suggestions"])


def test_unknown_commodity_suggests(client: TestClient) -> None:
    body = problem(
        client.post("/api/v1/plan", json={**WHEAT, "commodity": "wheet"}), 422, "invalid-request"
    )
    assert "wheet" in body["detail"]
    assert "wheat" in body["suggestions"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"tonnes": -5}, "body", "tonnes must be positive"),
        ({"origin": None}, "body.origin", ""),
        ({"surprise": 1}, "body.surprise", "Extra inputs"),
        ({"avoid_modes": ["plane"]}, "body.avoid_modes", "'plane' is not a mode"),
        ({"date": "2027-13-01"}, "body.date", ""),
        ({"max_alternatives": 0}, "body.max_alternatives", ""),
    ],
)
def test_invalid_fields_are_named(
    client: TestClient, change: dict[str, Any], field: str, words: str
) -> None:
    request = {**WHEAT, **change}
    request = {k: v for k, v in request.items() if v is not None}
    body = problem(client.post("/api/v1/plan", json=request), 422, "invalid-request")
    fields = [e["field"] for e in body["errors"]]
    assert field in fields
    assert words in body["detail"]


def test_body_that_is_not_json(client: TestClient) -> None:
    response = client.post(
        "/api/v1/plan", content=b"origin=Shymkent", headers={"Content-Type": "text/plain"}
    )
    problem(response, 422, "invalid-request")
    broken = client.post(
        "/api/v1/plan", content=b'{"origin": ', headers={"Content-Type": "application/json"}
    )
    problem(broken, 422, "invalid-request")


def test_no_route_names_the_constraint(client: TestClient) -> None:
    body = problem(
        client.post("/api/v1/plan", json={**WHEAT, "avoid_countries": ["AF", "IR"]}),
        422,
        "no-route",
    )
    assert "avoid countries" in body["hint"]


def test_limits_of_the_server_are_enforced(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(max_alternatives=2, max_draws=100))
    with TestClient(app) as client:
        body = problem(
            client.post("/api/v1/plan", json={**WHEAT, "max_alternatives": 3}),
            422,
            "limit-exceeded",
        )
        assert body["limit"] == "max_alternatives" and body["allowed"] == 2
        body = problem(
            client.post("/api/v1/plan", json={**WHEAT, "max_alternatives": 2, "draws": 101}),
            422,
            "limit-exceeded",
        )
        assert body["limit"] == "draws" and body["allowed"] == 100
        ok = client.post("/api/v1/plan", json={**WHEAT, "max_alternatives": 2, "draws": 100})
        assert ok.status_code == 200
        assert len(ok.json()["alternatives"]) == 2


def test_body_size_limit_by_header_and_by_stream(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(max_body_bytes=300))
    with TestClient(app) as client:
        big = {**WHEAT, "avoid_borders": ["x" * 400]}
        body = problem(client.post("/api/v1/plan", json=big), 413, "body-too-large")
        assert "300" in body["detail"]

        def chunks() -> Any:
            for _ in range(10):
                yield b" " * 100  # no Content-Length: counted as it streams

        streamed = client.post(
            "/api/v1/plan", content=chunks(), headers={"Content-Type": "application/json"}
        )
        problem(streamed, 413, "body-too-large")
        assert client.post("/api/v1/plan", json=WHEAT).status_code == 200


def test_plan_timeout_answers_503(make_settings: Callable[..., Settings]) -> None:
    # A timeout shorter than any plan: the answer must be a clean 503, not a hang or a 500.
    app = create_app(make_settings(plan_timeout_s=1e-9))
    with TestClient(app) as client:
        response = client.post("/api/v1/plan", json=WHEAT)
        body = problem(response, 503, "plan-timeout")
        assert response.headers["retry-after"] == "5"
        assert "draws" in body["hint"]


def test_anonymous_none_needs_a_key_for_everything_but_health(
    make_settings: Callable[..., Settings],
) -> None:
    app = create_app(make_settings(anonymous="none"))
    from daliz.service.auth import add_user

    _user, key = add_user(app.state.daliz.sessions, "v", "viewer")
    with TestClient(app) as client:
        for method, path in [
            ("post", "/api/v1/plan"),
            ("get", "/api/v1/places"),
            ("get", "/api/v1/dataset"),
            ("get", "/api/v1/commodities"),
            ("get", "/api/v1/agreements"),
        ]:
            kwargs: dict[str, Any] = {"json": WHEAT} if method == "post" else {}
            problem(getattr(client, method)(path, **kwargs), 401, "unauthorized")
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/api/v1/limits").json()["anonymous"] == "none"
        assert client.get("/").status_code == 200
        assert client.post("/api/v1/plan", json=WHEAT, headers=bearer(key)).status_code == 200


def test_language_of_problem_titles_follows_the_request(client: TestClient) -> None:
    english = client.post("/api/v1/plan", json={**WHEAT, "origin": "Nowhere"})
    assert english.headers["content-language"] == "en"
    kazakh = client.post(
        "/api/v1/plan", json={**WHEAT, "origin": "Nowhere"}, headers={"Accept-Language": "kk"}
    )
    assert kazakh.headers["content-language"] == "kk"
    assert kazakh.json()["type"] == english.json()["type"]


@pytest.mark.parametrize(("lang", "name"), [("kk", "Шымкент"), ("ur", "شیمکنت")])
def test_plan_is_made_in_the_request_language(client: TestClient, lang: str, name: str) -> None:
    # The plan runs in a worker thread: the request's language must go with it.
    body = client.post("/api/v1/plan", json=WHEAT, headers={"Accept-Language": lang}).json()
    assert body["alternatives"][0]["legs"][0]["from_name"] == name


def test_unknown_path_and_method_are_problems(client: TestClient) -> None:
    body = problem(client.get("/api/v1/nothing"), 404, "not-found")
    assert "/api/v1/nothing" in body["detail"]
    problem(client.get("/api/v1/plan"), 405, "method-not-allowed")


def test_unexpected_error_is_a_500_problem_without_traceback(app: FastAPI) -> None:
    def explode() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/api/v1/test-explode", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/test-explode")
    body = problem(response, 500, "internal-error")
    assert "secret internal detail" not in response.text
    assert body["incident"] in body["detail"]


def test_a_plan_is_made_in_the_language_of_the_request(client: TestClient) -> None:
    # Plans run on the service's planning thread: the request's language must go with them.
    english = client.post("/api/v1/plan", json=WHEAT).json()
    russian = client.post("/api/v1/plan?lang=ru", json=WHEAT).json()
    with use_language("ru"):
        expected = plan(PlanRequest(**WHEAT), dataset=MINI).to_dict()
    assert russian["notes"] == expected["notes"] != english["notes"]
    assert russian["alternatives"][0]["corridor"] == expected["alternatives"][0]["corridor"]
