"""Read-only endpoints: health, me, dataset, places, commodities, agreements, texts, OpenAPI."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from service_helpers import bearer

from daliz.service.page_strings import STRINGS


def test_health_names_the_served_dataset_and_needs_no_key(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["dataset"]["name"] == "mini"
    assert body["dataset"]["version"] == "test-1"
    assert len(body["dataset"]["hash"]) == 64
    assert body["schema_revision"] == "0001"


def test_every_answer_carries_security_headers(client: TestClient) -> None:
    for path in ("/api/v1/health", "/", "/static/app.css", "/nope"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "connect-src 'self'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("role", "permissions"),
    [
        (None, ["read"]),
        ("viewer", ["read", "saved_read"]),
        ("planner", ["read", "saved_read", "save"]),
        ("admin", ["read", "saved_read", "save", "admin"]),
    ],
)
def test_me_tells_role_and_permissions(
    client: TestClient, keys: dict[str, str], role: str | None, permissions: list[str]
) -> None:
    headers = bearer(keys[role]) if role else {}
    body = client.get("/api/v1/me", headers=headers).json()
    assert body["role"] == role
    assert body["anonymous"] is (role is None)
    assert body["permissions"] == permissions
    if role:
        assert body["name"] == f"{role}-user"


def test_key_also_accepted_in_x_api_key(client: TestClient, keys: dict[str, str]) -> None:
    body = client.get("/api/v1/me", headers={"X-API-Key": keys["planner"]}).json()
    assert body["role"] == "planner"


@pytest.mark.parametrize(
    "header",
    [
        {"Authorization": "Bearer dlz_000000000000_" + "A" * 43},
        {"Authorization": "Bearer not-a-key"},
        {"X-API-Key": "dlz_zz"},
    ],
)
def test_wrong_key_is_401_even_where_anonymous_may_read(
    client: TestClient, header: dict[str, str]
) -> None:
    response = client.get("/api/v1/places", headers=header)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["type"] == "urn:daliz:problem:unauthorized"


def test_tampered_secret_of_a_real_key_is_refused(client: TestClient, keys: dict[str, str]) -> None:
    key = keys["admin"]
    flipped = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert client.get("/api/v1/me", headers=bearer(flipped)).status_code == 401


def test_dataset_info_counts_and_names_countries_in_the_language(client: TestClient) -> None:
    english = client.get("/api/v1/dataset").json()
    assert english["name"] == "mini"
    assert english["places"] == 15
    assert {c["code"] for c in english["countries"]} == {"AF", "IR", "KZ", "PK", "TM", "UZ"}
    assert {"rail", "road", "sea"} <= set(english["modes"])
    assert english["corridors"] and all(c["names"] for c in english["corridors"])
    kazakh = client.get("/api/v1/dataset", headers={"Accept-Language": "kk"}).json()
    names = {c["code"]: c["name"] for c in kazakh["countries"]}
    assert names["KZ"] == "Қазақстан"
    assert names["PK"] == "Пәкістан"
    urdu = client.get("/api/v1/dataset?lang=ur").json()
    assert {c["code"]: c["name"] for c in urdu["countries"]}["PK"] == "پاکستان"


@pytest.mark.parametrize(
    ("query", "lang", "name"),
    [
        ("Shymk", "en", "Shymkent"),
        ("Шымкент", "kk", "Шымкент"),
        ("Чимкент", "ru", "Шымкент"),
        ("شیمکنت", "ur", "شیمکنت"),
        ("Shymkentt", "en", "Shymkent"),  # a typo still finds it (fuzzy)
    ],
)
def test_places_autocomplete_in_four_languages(
    client: TestClient, query: str, lang: str, name: str
) -> None:
    found = client.get("/api/v1/places", params={"q": query, "lang": lang}).json()
    assert found[0]["id"] == "kz-shymkent"
    assert found[0]["name"] == name
    assert found[0]["names"]["kk"] == "Шымкент"
    assert 0 < found[0]["score"] <= 1


def test_places_without_query_lists_all_and_filters_by_kind(client: TestClient) -> None:
    every = client.get("/api/v1/places").json()
    assert len(every) == 15
    assert [p["id"] for p in every] == sorted(p["id"] for p in every)
    borders = client.get("/api/v1/places", params={"kind": "border_crossing"}).json()
    assert borders and all(p["kind"] == "border_crossing" for p in borders)
    assert len(borders) < len(every)


def test_places_limit_and_query_length_are_checked(client: TestClient) -> None:
    assert len(client.get("/api/v1/places", params={"q": "a", "limit": 2}).json()) <= 2
    response = client.get("/api/v1/places", params={"q": "x" * 101})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.q"
    assert client.get("/api/v1/places", params={"limit": 0}).status_code == 422


def test_one_place_by_id_and_unknown_id(client: TestClient) -> None:
    place = client.get("/api/v1/places/kz-shymkent?lang=ru").json()
    assert place["name"] == "Шымкент" and place["country"] == "KZ"
    missing = client.get("/api/v1/places/nowhere")
    assert missing.status_code == 404
    assert missing.json()["type"] == "urn:daliz:problem:not-found"
    assert "nowhere" in missing.json()["detail"]


def test_commodities_named_in_the_language_and_filtered(client: TestClient) -> None:
    every = client.get("/api/v1/commodities").json()
    wheat = next(c for c in every if c["id"] == "wheat")
    assert "1001" in wheat["hs_codes"]
    kazakh = client.get("/api/v1/commodities", headers={"Accept-Language": "kk-KZ"}).json()
    assert next(c for c in kazakh if c["id"] == "wheat")["name"] == wheat["names"]["kk"]
    by_hs = client.get("/api/v1/commodities", params={"q": "1001"}).json()
    assert [c["id"] for c in by_hs] == ["wheat"]
    assert client.get("/api/v1/commodities", params={"q": "no such good"}).json() == []


def test_agreements_register_and_unknown_agreement(client: TestClient) -> None:
    every = client.get("/api/v1/agreements").json()
    assert every, "the rules data has agreements"
    first = every[0]
    assert {"id", "names", "parties", "history", "sources"} <= set(first)
    one = client.get(f"/api/v1/agreements/{first['id']}").json()
    assert one == first
    typo = first["id"][:-1] + ("x" if first["id"][-1] != "x" else "y")
    missing = client.get(f"/api/v1/agreements/{typo}")
    assert missing.status_code == 404
    assert first["id"] in missing.json()["suggestions"]


@pytest.mark.parametrize("lang", ["en", "kk", "ru", "ur"])
def test_ui_strings_cover_every_text_in_each_language(client: TestClient, lang: str) -> None:
    body = client.get("/api/v1/ui/strings", params={"lang": lang}).json()
    assert body["lang"] == lang
    assert body["dir"] == ("rtl" if lang == "ur" else "ltr")
    assert set(body["strings"]) == set(STRINGS)
    assert all(body["strings"].values())
    assert [item["code"] for item in body["languages"]] == ["en", "kk", "ru", "ur"]
    if lang != "en":
        translated = sum(body["strings"][k] != STRINGS[k] for k in STRINGS)
        assert translated > len(STRINGS) * 0.8, "most page texts are translated"


def test_ui_strings_unknown_language(client: TestClient) -> None:
    response = client.get("/api/v1/ui/strings", params={"lang": "xx"})
    assert response.status_code == 422
    assert "xx" in response.json()["detail"]


def test_language_is_said_in_content_language(client: TestClient) -> None:
    assert client.get("/api/v1/health").headers["content-language"] == "en"
    response = client.get("/api/v1/health", headers={"Accept-Language": "ru;q=0.5, ur"})
    assert response.headers["content-language"] == "ur"
    response = client.get("/api/v1/health", headers={"Cookie": "daliz_lang=kk"})
    assert response.headers["content-language"] == "kk"
    response = client.get("/api/v1/health?lang=ru", headers={"Cookie": "daliz_lang=kk"})
    assert response.headers["content-language"] == "ru"


def test_openapi_document_lists_every_endpoint(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path, method in [
        ("/api/v1/health", "get"),
        ("/api/v1/me", "get"),
        ("/api/v1/dataset", "get"),
        ("/api/v1/places", "get"),
        ("/api/v1/places/{place_id}", "get"),
        ("/api/v1/commodities", "get"),
        ("/api/v1/agreements", "get"),
        ("/api/v1/agreements/{agreement_id}", "get"),
        ("/api/v1/ui/strings", "get"),
        ("/api/v1/limits", "get"),
        ("/api/v1/plan", "post"),
        ("/api/v1/plan/geojson", "post"),
        ("/api/v1/plans", "post"),
        ("/api/v1/plans", "get"),
        ("/api/v1/plans/{plan_id}", "get"),
        ("/api/v1/plans/{plan_id}", "delete"),
        ("/api/v1/plans/{plan_id}/geojson", "get"),
        ("/api/v1/trade/summary", "get"),
        ("/api/v1/trade/published", "get"),
        ("/api/v1/admin/datasets", "get"),
        ("/api/v1/admin/datasets", "post"),
        ("/api/v1/admin/datasets/{dataset_id}", "get"),
        ("/api/v1/admin/datasets/{dataset_id}/validate", "post"),
        ("/api/v1/admin/datasets/{dataset_id}/activate", "post"),
        ("/api/v1/admin/datasets/rollback", "post"),
        ("/api/v1/admin/datasets/history", "get"),
        ("/api/v1/admin/users", "get"),
        ("/api/v1/admin/users", "post"),
        ("/api/v1/admin/users/{name}", "delete"),
    ]:
        assert method in paths.get(path, {}), f"{method.upper()} {path} missing"
    plan_body = paths["/api/v1/plan"]["post"]["requestBody"]["content"]["application/json"]
    assert plan_body["schema"]["$ref"].endswith("/PlanRequest")
    assert "Problem" in spec["components"]["schemas"]
    schemes = spec["components"]["securitySchemes"]
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schemes)
    # The page is not part of the API.
    assert "/" not in paths


def test_limits_are_public(client: TestClient) -> None:
    limits = client.get("/api/v1/limits").json()
    assert limits["max_alternatives"] == 10
    assert limits["max_draws"] == 20_000
    assert limits["anonymous"] == "read"
    assert limits["max_body_bytes"] > 0
