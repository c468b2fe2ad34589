"""Admin API on SQLite and PostgreSQL: users and keys; dataset upload, activation, rollback."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from service_helpers import MINI, WHEAT, bearer, mini_variant, zip_directory, zip_entries
from sqlalchemy import select

from daliz.service.models import User


def upload(client: TestClient, key: str, data: bytes, name: str = "data.zip") -> Any:
    return client.post(
        "/api/v1/admin/datasets",
        files={"file": (name, data, "application/zip")},
        data={"note": "test upload"},
        headers=bearer(key),
    )


# --------------------------------------------------------------------------- users
def test_admin_manages_users_and_keys(db_client: TestClient, db_keys: dict[str, str]) -> None:
    admin = bearer(db_keys["admin"])
    created = db_client.post(
        "/api/v1/admin/users", json={"name": "Aigerim", "role": "planner"}, headers=admin
    )
    assert created.status_code == 201
    body = created.json()
    key = body["key"]
    assert key.startswith("dlz_") and body["key_prefix"] in key
    assert db_client.get("/api/v1/me", headers=bearer(key)).json()["name"] == "Aigerim"

    listed = db_client.get("/api/v1/admin/users", headers=admin).json()
    assert [u["name"] for u in listed] == ["viewer-user", "planner-user", "admin-user", "Aigerim"]
    assert all("key" not in u and "key_hash" not in u for u in listed)

    duplicate = db_client.post(
        "/api/v1/admin/users", json={"name": "Aigerim", "role": "viewer"}, headers=admin
    )
    assert duplicate.status_code == 409
    bad_role = db_client.post(
        "/api/v1/admin/users", json={"name": "x", "role": "wizard"}, headers=admin
    )
    assert bad_role.status_code == 422

    revoked = db_client.delete("/api/v1/admin/users/Aigerim", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert db_client.get("/api/v1/me", headers=bearer(key)).status_code == 401
    assert db_client.delete("/api/v1/admin/users/Aigerim", headers=admin).status_code == 404
    active = db_client.get("/api/v1/admin/users?include_revoked=false", headers=admin).json()
    assert "Aigerim" not in [u["name"] for u in active]
    # The name is free again once revoked.
    again = db_client.post(
        "/api/v1/admin/users", json={"name": "Aigerim", "role": "viewer"}, headers=admin
    )
    assert again.status_code == 201 and again.json()["key"] != key


def test_keys_are_stored_only_as_hashes(db_client: TestClient, db_keys: dict[str, str]) -> None:
    import hashlib

    sessions = db_client.app.state.daliz.sessions  # type: ignore[attr-defined]
    with sessions() as session:
        users = list(session.scalars(select(User)))
    stored = " ".join(f"{u.name} {u.key_prefix} {u.key_hash}" for u in users)
    for key in db_keys.values():
        assert key not in stored
        assert key[17:] not in stored  # the secret after "dlz_<prefix>_"
        assert hashlib.sha256(key.encode()).hexdigest() in stored


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/admin/users"),
        ("post", "/api/v1/admin/users"),
        ("delete", "/api/v1/admin/users/x"),
        ("get", "/api/v1/admin/datasets"),
        ("get", "/api/v1/admin/datasets/1"),
        ("get", "/api/v1/admin/datasets/history"),
        ("post", "/api/v1/admin/datasets/1/validate"),
        ("post", "/api/v1/admin/datasets/1/activate"),
        ("post", "/api/v1/admin/datasets/rollback"),
    ],
)
def test_admin_routes_refuse_other_roles(
    client: TestClient, keys: dict[str, str], method: str, path: str
) -> None:
    kwargs: dict[str, Any] = {"json": {"name": "n", "role": "viewer"}} if method == "post" else {}
    assert getattr(client, method)(path, **kwargs).status_code == 401
    for role in ("viewer", "planner"):
        response = getattr(client, method)(path, headers=bearer(keys[role]), **kwargs)
        assert response.status_code == 403, (role, response.text)
        assert "admin" in response.json()["detail"]


# --------------------------------------------------------------------------- datasets
def test_upload_activate_plan_rollback(
    db_client: TestClient, db_keys: dict[str, str], tmp_path: Path
) -> None:
    admin = bearer(db_keys["admin"])
    records = db_client.get("/api/v1/admin/datasets", headers=admin).json()
    assert len(records) == 1
    builtin = records[0]
    assert builtin["kind"] == "builtin" and builtin["active"] and builtin["status"] == "valid"

    data = zip_directory(mini_variant(tmp_path / "v2", version="test-2"), prefix="v2/")
    uploaded = upload(db_client, db_keys["admin"], data)
    assert uploaded.status_code == 201, uploaded.text
    record = uploaded.json()
    assert record["status"] == "valid" and record["problems"] == []
    assert record["version"] == "test-2" and record["active"] is False
    assert record["filename"] == "data.zip" and record["size_bytes"] == len(data)
    assert upload(db_client, db_keys["admin"], data).json()["id"] == record["id"]  # idempotent

    # Uploaded but not active: plans still use the built-in dataset.
    assert db_client.post("/api/v1/plan", json=WHEAT).json()["dataset"]["version"] == "test-1"
    activated = db_client.post(f"/api/v1/admin/datasets/{record['id']}/activate", headers=admin)
    assert activated.status_code == 200, activated.text
    assert activated.json()["previous_id"] is not None
    assert db_client.post("/api/v1/plan", json=WHEAT).json()["dataset"]["version"] == "test-2"
    assert db_client.get("/api/v1/dataset").json()["version"] == "test-2"
    again = db_client.post(f"/api/v1/admin/datasets/{record['id']}/activate", headers=admin)
    assert again.status_code == 409

    rolled = db_client.post("/api/v1/admin/datasets/rollback", headers=admin)
    assert rolled.status_code == 200 and rolled.json()["dataset_id"] == builtin["id"]
    assert db_client.post("/api/v1/plan", json=WHEAT).json()["dataset"]["version"] == "test-1"
    nothing_left = db_client.post("/api/v1/admin/datasets/rollback", headers=admin)
    assert nothing_left.status_code == 409

    history = db_client.get("/api/v1/admin/datasets/history", headers=admin).json()
    assert [h["action"] for h in history] == ["rollback", "activate", "startup"]
    revalidated = db_client.post(f"/api/v1/admin/datasets/{record['id']}/validate", headers=admin)
    assert revalidated.json()["status"] == "valid" and revalidated.json()["validated_at"]
    assert db_client.get("/api/v1/admin/datasets/999999", headers=admin).status_code == 404


def test_invalid_dataset_is_stored_with_problems_and_cannot_be_activated(
    db_client: TestClient, db_keys: dict[str, str], tmp_path: Path
) -> None:
    broken = mini_variant(tmp_path / "broken", version="broken-1")
    places = broken / "places.csv"
    lines = places.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("42.3167", "not-a-latitude")
    places.write_text("\n".join(lines) + "\n", encoding="utf-8")
    response = upload(db_client, db_keys["admin"], zip_directory(broken))
    assert response.status_code == 201
    record = response.json()
    assert record["status"] == "invalid"
    problem = next(p for p in record["problems"] if p["file"] == "places.csv")
    assert problem["row"] == 1 and problem["field"] == "lat"
    assert not any(str(tmp_path) in p["file"] for p in record["problems"])  # no server paths
    refused = db_client.post(
        f"/api/v1/admin/datasets/{record['id']}/activate", headers=bearer(db_keys["admin"])
    )
    assert refused.status_code == 409
    assert refused.json()["problems"]
    assert db_client.post("/api/v1/plan", json=WHEAT).json()["dataset"]["version"] == "test-1"


MINI_META = (MINI / "dataset.yaml").read_bytes()


@pytest.mark.parametrize(
    ("entries", "symlinks", "words"),
    [
        ({"dataset.yaml": MINI_META, "../evil.csv": b"x"}, (), "leaves the dataset directory"),
        ({"dataset.yaml": MINI_META, "/etc/cron.d/evil.csv": b"x"}, (), "absolute path"),
        ({"dataset.yaml": MINI_META, "link.csv": b"/etc/passwd"}, ("link.csv",), "symbolic links"),
        ({"dataset.yaml": MINI_META, "run.py": b"print(1)"}, (), "file type not allowed"),
        ({"places.csv": b"id\n"}, (), "dataset.yaml is missing"),
        ({"dataset.yaml": b"name: x\nbase: ../../etc\n"}, (), "may only stack on 'default'"),
        ({"dataset.yaml": b"name: [unclosed\n"}, (), "not valid YAML"),
        ({}, (), "no dataset files"),
    ],
)
def test_hostile_or_broken_archives_are_refused(
    client: TestClient,
    keys: dict[str, str],
    entries: dict[str, bytes],
    symlinks: tuple[str, ...],
    words: str,
) -> None:
    response = upload(client, keys["admin"], zip_entries(entries, symlinks=symlinks))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"] == "urn:daliz:problem:invalid-dataset"
    assert any(words in p["message"] for p in body["problems"]), body
    records = client.get("/api/v1/admin/datasets", headers=bearer(keys["admin"])).json()
    assert len(records) == 1  # nothing stored
    data_dir = client.app.state.daliz.settings.data_dir  # type: ignore[attr-defined]
    assert not (data_dir.parent / "evil.csv").exists()
    assert not list((data_dir / "datasets").glob("*/evil.csv"))


def test_not_a_zip(client: TestClient, keys: dict[str, str]) -> None:
    response = upload(client, keys["admin"], b"PK\x03\x04 definitely not a zip")
    assert response.status_code == 422
    assert "not a zip archive" in response.json()["problems"][0]["message"]


def test_archive_limits(make_settings: Any, tmp_path: Path) -> None:
    from daliz.service import create_app
    from daliz.service.auth import add_user

    app = create_app(
        make_settings(max_unpacked_bytes=50_000, max_archive_files=20, max_upload_bytes=40_000)
    )
    key = add_user(app.state.daliz.sessions, "a", "admin")[1]
    with TestClient(app) as client:
        bomb = zip_entries({"dataset.yaml": MINI_META, "places.csv": b"0" * 60_000})
        assert len(bomb) < 40_000
        body = upload(client, key, bomb).json()
        assert "unpacks to" in body["problems"][0]["message"]
        many = zip_entries({f"f{i}.csv": b"x" for i in range(25)})
        body = upload(client, key, many).json()
        assert "at most 20" in body["problems"][0]["message"]
        too_big = upload(client, key, b"0" * 200_000)
        assert too_big.status_code == 413
        assert too_big.json()["type"] == "urn:daliz:problem:body-too-large"


def test_active_dataset_survives_restart_and_explicit_dataset_wins(
    make_settings: Any, database_url: str, tmp_path: Path
) -> None:
    from daliz.service import create_app
    from daliz.service.auth import add_user

    first = create_app(make_settings(database_url=database_url))
    key = add_user(first.state.daliz.sessions, "a", "admin")[1]
    with TestClient(first) as client:
        data = zip_directory(mini_variant(tmp_path / "v3", version="test-3"))
        record = upload(client, key, data).json()
        client.post(f"/api/v1/admin/datasets/{record['id']}/activate", headers=bearer(key))
    first.state.daliz.engine.dispose()
    # Without an explicit dataset the activation made by the admin stays in force.
    shutil.rmtree(tmp_path / "data" / "datasets")  # the unpacked copy is rebuilt from the DB
    second = create_app(make_settings(database_url=database_url, dataset=None))
    with TestClient(second) as client:
        assert client.get("/api/v1/dataset").json()["version"] == "test-3"
    second.state.daliz.engine.dispose()
    # An explicitly configured dataset is activated at start-up.
    third = create_app(make_settings(database_url=database_url))
    with TestClient(third) as client:
        assert client.get("/api/v1/dataset").json()["version"] == "test-1"
    third.state.daliz.engine.dispose()
