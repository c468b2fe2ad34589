"""Settings, keys, migrations and the database going away (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from service_helpers import WHEAT, bearer, postgres_bin_dir, postgres_cluster
from sqlalchemy import inspect

from daliz.errors import DalizError
from daliz.service import Settings, create_app
from daliz.service.auth import KEY_PATTERN, add_user, authenticate, generate_key, hash_key
from daliz.service.db import make_engine, redact, run_migrations, session_factory
from daliz.service.models import Base


# --------------------------------------------------------------------------- settings
def test_settings_from_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "DALIZ_MAX_DRAWS": "500",
            "DALIZ_ANONYMOUS": "none",
            "DALIZ_DATA_DIR": str(tmp_path),
            "DALIZ_PLAN_TIMEOUT_S": "2.5",
            "DALIZ_DATASET": "",  # empty: not set
        },
        port=9000,
    )
    assert settings.max_draws == 500
    assert settings.anonymous == "none"
    assert settings.plan_timeout_s == 2.5
    assert settings.port == 9000
    assert settings.dataset is None
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path / 'daliz.db'}"


def test_default_data_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert Settings.from_env({}).data_dir == tmp_path / "xdg" / "daliz"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DALIZ_MAX_DRAWS", "lots"), ("DALIZ_ANONYMOUS", "everyone"), ("DALIZ_PORT", "99999")],
)
def test_bad_setting_names_the_variable(variable: str, value: str) -> None:
    with pytest.raises(DalizError) as caught:
        Settings.from_env({variable: value})
    assert variable in caught.value.message


def test_postgres_urls_use_psycopg3() -> None:
    url = Settings(database_url="postgresql://u:secret@db:5432/daliz").resolved_database_url()
    assert url == "postgresql+psycopg://u:secret@db:5432/daliz"
    assert "secret" not in redact(url)


def test_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DalizError) as caught:
        create_app(Settings(data_dir=tmp_path, database_url="nonsense://"))
    assert "database URL" in caught.value.message


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    from service_helpers import free_port

    url = f"postgresql://nobody:pw@127.0.0.1:{free_port()}/none"
    with pytest.raises(DalizError) as caught:
        create_app(Settings(data_dir=tmp_path, database_url=url))
    assert "Cannot open the database" in caught.value.message
    assert "pw" not in caught.value.message


# --------------------------------------------------------------------------- keys
def test_keys_have_the_documented_form_and_are_unique() -> None:
    made = {generate_key() for _ in range(50)}
    assert len(made) == 50
    for key, prefix in made:
        match = KEY_PATTERN.match(key)
        assert match and match.group(1) == prefix
        assert len(hash_key(key)) == 64


def test_authenticate(database_url: str) -> None:
    engine = make_engine(database_url)
    run_migrations(engine)
    sessions = session_factory(engine)
    user, key = add_user(sessions, "  Dana  ", "viewer")
    assert user.name == "Dana"
    found = authenticate(sessions, key)
    assert found is not None and found.id == user.id
    assert authenticate(sessions, key + "x") is None
    assert authenticate(sessions, "dlz_" + key[4:16] + "_" + "B" * 43) is None
    assert authenticate(sessions, "") is None
    with pytest.raises(DalizError):
        add_user(sessions, "bad\nname", "viewer")
    engine.dispose()


def test_other_authorization_schemes_are_refused(client: TestClient) -> None:
    response = client.get("/api/v1/places", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


# --------------------------------------------------------------------------- migrations
def test_migrations_match_the_models_and_rerun_cleanly(database_url: str) -> None:
    engine = make_engine(database_url)
    assert run_migrations(engine) == "0001"
    assert run_migrations(engine) == "0001"  # idempotent
    tables = set(inspect(engine).get_table_names())
    assert {"users", "saved_plans", "datasets", "activations", "alembic_version"} <= tables
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    engine.dispose()


# --------------------------------------------------------------------------- several workers
@contextmanager
def _two_workers_after_an_activation(
    make_settings: Any, database_url: str, tmp_path: Path, recheck_s: float
) -> Iterator[tuple[TestClient, TestClient]]:
    """Two apps on one database; the first activates a new dataset (test-9) after the second
    has served the old one (test-1). Yields (first, second) clients."""
    from service_helpers import mini_variant, zip_directory

    first = create_app(make_settings(database_url=database_url, dataset_recheck_s=recheck_s))
    second = create_app(
        make_settings(database_url=database_url, dataset=None, dataset_recheck_s=recheck_s)
    )
    key = add_user(first.state.daliz.sessions, "a", "admin")[1]
    data = zip_directory(mini_variant(tmp_path / "v9", version="test-9"))
    try:
        with TestClient(first) as one, TestClient(second) as two:
            assert two.get("/api/v1/dataset").json()["version"] == "test-1"
            record = one.post(
                "/api/v1/admin/datasets",
                files={"file": ("v9.zip", data, "application/zip")},
                headers=bearer(key),
            ).json()
            one.post(f"/api/v1/admin/datasets/{record['id']}/activate", headers=bearer(key))
            yield one, two
    finally:
        first.state.daliz.engine.dispose()
        second.state.daliz.engine.dispose()


def test_two_processes_share_the_activation(
    make_settings: Any, database_url: str, tmp_path: Path
) -> None:
    """An activation made through one worker is served by the other (same database) once the
    other's `dataset_recheck_s` has passed (0 here: at once)."""
    with _two_workers_after_an_activation(make_settings, database_url, tmp_path, 0) as (_, two):
        assert two.get("/api/v1/dataset").json()["version"] == "test-9"
        assert two.post("/api/v1/plan", json=WHEAT).json()["dataset"]["version"] == "test-9"


def test_a_worker_trusts_its_dataset_for_dataset_recheck_s(
    make_settings: Any, tmp_path: Path
) -> None:
    """Within `dataset_recheck_s` a worker answers from the dataset it confirmed (no database
    read per request); its own activations are served at once."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    with _two_workers_after_an_activation(make_settings, url, tmp_path, 3600) as (one, two):
        assert one.get("/api/v1/dataset").json()["version"] == "test-9"
        assert two.get("/api/v1/dataset").json()["version"] == "test-1"
        assert two.post("/api/v1/plan", json=WHEAT).json()["dataset"]["version"] == "test-1"


def test_one_request_at_a_time_asks_the_database(make_settings: Any) -> None:
    """Past `dataset_recheck_s`, the first request asks the database; while its check runs
    (in a thread), others answer from the served dataset instead of asking too."""
    import threading

    app = create_app(make_settings(dataset_recheck_s=0))
    datasets = app.state.daliz.datasets
    try:
        served = datasets.served()
        assert datasets.served_recently() is None  # stale at once (recheck 0), nothing running
        inside, release = threading.Event(), threading.Event()
        original = datasets._current_activation

        def slow_check(session: Any) -> Any:
            inside.set()
            release.wait(10)
            return original(session)

        datasets._current_activation = slow_check
        checking = threading.Thread(target=datasets.served)
        checking.start()
        assert inside.wait(10)
        assert datasets.served_recently() is served  # a check is under way: keep serving
        release.set()
        checking.join(10)
        assert datasets.served_recently() is None  # done: the next request asks again
        with datasets.check_under_way():  # marked by the event loop before the thread runs
            assert datasets.served_recently() is served
    finally:
        app.state.daliz.engine.dispose()


@pytest.mark.postgres
def test_database_going_away_gives_503_and_recovers(make_settings: Any) -> None:
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed (apt package postgresql)")
    with postgres_cluster(bin_dir) as cluster:
        app = create_app(make_settings(database_url=cluster.url()))
        key = add_user(app.state.daliz.sessions, "p", "planner")[1]
        with TestClient(app, raise_server_exceptions=False) as client:
            assert client.get("/api/v1/plans", headers=bearer(key)).status_code == 200
            assert cluster.ctl("-m", "fast", "stop").returncode == 0
            down = client.get("/api/v1/plans", headers=bearer(key))
            assert down.status_code == 503, down.text
            assert down.json()["type"] == "urn:daliz:problem:database-unavailable"
            assert down.headers["retry-after"] == "10"
            health = client.get("/api/v1/health").json()
            assert health["database"] == "down" and health["status"] == "degraded"
            # Planning needs no database: anonymous plans go on with the loaded dataset.
            assert client.post("/api/v1/plan", json=WHEAT).status_code == 200
            options = f"-p {cluster.port} -k {cluster.directory} -c listen_addresses=127.0.0.1"
            started = cluster.ctl(
                "-o", options, "-l", str(cluster.directory / "log"), "-w", "start"
            )
            assert started.returncode == 0, started.stderr
            assert client.get("/api/v1/plans", headers=bearer(key)).status_code == 200
            assert client.get("/api/v1/health").json()["database"] == "ok"
        app.state.daliz.engine.dispose()


def test_every_setting_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "service.md").read_text("utf-8")
    for name in Settings.model_fields:
        assert f"`DALIZ_{name.upper()}`" in docs, f"DALIZ_{name.upper()} is not in docs/service.md"
