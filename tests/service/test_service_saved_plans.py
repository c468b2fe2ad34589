"""Saved plans on SQLite and PostgreSQL: who may save, list, open and delete."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from service_helpers import WHEAT, bearer


def save(client: TestClient, key: str, title: str = "Wheat to Karachi", **change: Any) -> Any:
    return client.post(
        "/api/v1/plans",
        json={"title": title, "request": {**WHEAT, **change}},
        headers=bearer(key),
    )


def test_planner_saves_and_everyone_with_a_key_reads(
    db_client: TestClient, db_keys: dict[str, str]
) -> None:
    response = save(db_client, db_keys["planner"])
    assert response.status_code == 201, response.text
    saved = response.json()
    assert response.headers["location"] == f"/api/v1/plans/{saved['id']}"
    assert saved["owner"] == "planner-user"
    assert saved["origin"] == "kz-shymkent"
    assert saved["destination"] == "pk-karachi-port"
    assert saved["commodity"] == "wheat"
    assert saved["alternatives"] == len(saved["result"]["alternatives"]) == 3
    stamp = db_client.get("/api/v1/health").json()["dataset"]
    assert saved["dataset"] == stamp
    assert saved["result"]["dataset"]["hash"] == stamp["hash"]
    assert saved["request"]["origin"] == "Shymkent"

    for role in ("viewer", "planner", "admin"):
        page = db_client.get("/api/v1/plans", headers=bearer(db_keys[role])).json()
        assert [item["id"] for item in page["items"]] == [saved["id"]]
        opened = db_client.get(f"/api/v1/plans/{saved['id']}", headers=bearer(db_keys[role]))
        assert opened.json() == saved
    geo = db_client.get(f"/api/v1/plans/{saved['id']}/geojson", headers=bearer(db_keys["viewer"]))
    assert geo.headers["content-type"] == "application/geo+json"
    assert len({f["properties"]["rank"] for f in geo.json()["features"]}) == 3


def test_who_may_not_save_or_read(db_client: TestClient, db_keys: dict[str, str]) -> None:
    anonymous = db_client.post("/api/v1/plans", json={"title": "x", "request": WHEAT})
    assert anonymous.status_code == 401
    viewer = save(db_client, db_keys["viewer"])
    assert viewer.status_code == 403
    assert viewer.json()["type"] == "urn:daliz:problem:forbidden"
    assert "planner" in viewer.json()["detail"]
    assert db_client.get("/api/v1/plans").status_code == 401
    assert db_client.get("/api/v1/plans/whatever").status_code == 401


def test_delete_by_owner_or_admin_only(db_client: TestClient, db_keys: dict[str, str]) -> None:
    from daliz.service.auth import add_user

    other_key = add_user(db_client.app.state.daliz.sessions, "other", "planner")[1]  # type: ignore[attr-defined]
    mine = save(db_client, db_keys["planner"]).json()["id"]
    theirs = save(db_client, other_key, title="theirs").json()["id"]
    refused = db_client.delete(f"/api/v1/plans/{theirs}", headers=bearer(db_keys["planner"]))
    assert refused.status_code == 403
    assert "other" in refused.json()["detail"]
    viewer = db_client.delete(f"/api/v1/plans/{mine}", headers=bearer(db_keys["viewer"]))
    assert viewer.status_code == 403
    assert (
        db_client.delete(f"/api/v1/plans/{mine}", headers=bearer(db_keys["planner"])).status_code
        == 204
    )
    assert (
        db_client.delete(f"/api/v1/plans/{theirs}", headers=bearer(db_keys["admin"])).status_code
        == 204
    )
    gone = db_client.get(f"/api/v1/plans/{mine}", headers=bearer(db_keys["viewer"]))
    assert gone.status_code == 404
    again = db_client.delete(f"/api/v1/plans/{mine}", headers=bearer(db_keys["admin"]))
    assert again.status_code == 404


def test_pagination_and_mine(db_client: TestClient, db_keys: dict[str, str]) -> None:
    ids = [save(db_client, db_keys["planner"], title=f"plan {i}").json()["id"] for i in range(3)]
    admin_plan = save(db_client, db_keys["admin"], title="admin's").json()["id"]
    headers = bearer(db_keys["viewer"])
    first = db_client.get("/api/v1/plans?limit=2", headers=headers).json()
    second = db_client.get("/api/v1/plans?limit=2&offset=2", headers=headers).json()
    assert first["total"] == second["total"] == 4
    listed = [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]]
    assert sorted(listed) == sorted([*ids, admin_plan])
    assert len(set(listed)) == 4
    mine = db_client.get("/api/v1/plans?mine=true", headers=bearer(db_keys["admin"])).json()
    assert [i["id"] for i in mine["items"]] == [admin_plan]
    assert mine["total"] == 1
    bad = db_client.get("/api/v1/plans?limit=0", headers=headers)
    assert bad.status_code == 422


def test_page_size_is_capped(make_settings: Any, db_keys: dict[str, str], db_app: Any) -> None:
    settings = db_app.state.daliz.settings
    with TestClient(db_app) as client:
        page = client.get("/api/v1/plans?limit=100000", headers=bearer(db_keys["viewer"])).json()
    assert page["limit"] == settings.max_page_size


def test_saving_an_invalid_request_saves_nothing(
    db_client: TestClient, db_keys: dict[str, str]
) -> None:
    bad = save(db_client, db_keys["planner"], origin="Atlantis")
    assert bad.status_code == 422
    empty_title = db_client.post(
        "/api/v1/plans", json={"title": "", "request": WHEAT}, headers=bearer(db_keys["planner"])
    )
    assert empty_title.status_code == 422
    page = db_client.get("/api/v1/plans", headers=bearer(db_keys["viewer"])).json()
    assert page["total"] == 0
