"""`daliz users add/list/revoke` and `daliz serve` (the last as a real process, marked slow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import typer
from service_helpers import MINI, free_port
from typer.testing import CliRunner

from daliz.cli import serve
from daliz.errors import DalizError
from daliz.service.auth import KEY_PATTERN


@pytest.fixture
def cli(tmp_path: Path) -> tuple[typer.Typer, dict[str, str]]:
    """The serve/users commands on their own app, with a private data directory."""
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        pass

    serve.register(app)
    return app, {"DALIZ_DATA_DIR": str(tmp_path / "data"), "DALIZ_DATABASE_URL": ""}


def test_users_add_list_revoke(cli: tuple[typer.Typer, dict[str, str]]) -> None:
    app, env = cli
    runner = CliRunner()
    added = runner.invoke(app, ["users", "add", "Kostanay Grain", "--role", "planner"], env=env)
    assert added.exit_code == 0, added.output
    key = added.output.strip().splitlines()[-1]
    assert KEY_PATTERN.match(key)
    listed = runner.invoke(app, ["users", "list", "--json"], env=env)
    rows = json.loads(listed.output)
    assert [(r["name"], r["role"], r["revoked_at"]) for r in rows] == [
        ("Kostanay Grain", "planner", None)
    ]
    assert key not in listed.output
    table = runner.invoke(app, ["users", "list"], env=env)
    assert "Kostanay Grain" in table.output and key[17:] not in table.output
    revoked = runner.invoke(app, ["users", "revoke", "Kostanay Grain"], env=env)
    assert revoked.exit_code == 0 and "Revoked" in revoked.output
    rows = json.loads(runner.invoke(app, ["users", "list", "--json"], env=env).output)
    assert rows[0]["revoked_at"] is not None
    active = runner.invoke(app, ["users", "list", "--json", "--no-include-revoked"], env=env)
    assert json.loads(active.output) == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["users", "add", "x", "--role", "wizard"], "Unknown role"),
        (["users", "revoke", "nobody"], "No active user"),
    ],
)
def test_users_errors_are_daliz_errors(
    cli: tuple[typer.Typer, dict[str, str]], args: list[str], words: str
) -> None:
    app, env = cli
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code != 0
    # The console entry point prints a DalizError's message without a traceback.
    assert isinstance(result.exception, DalizError)
    assert words in result.exception.message


def test_users_add_twice(cli: tuple[typer.Typer, dict[str, str]]) -> None:
    app, env = cli
    runner = CliRunner()
    assert runner.invoke(app, ["users", "add", "a"], env=env).exit_code == 0
    again = runner.invoke(app, ["users", "add", "a"], env=env)
    assert isinstance(again.exception, DalizError)
    assert "already has an active key" in again.exception.message


@pytest.mark.slow
def test_daliz_serve_runs_with_no_configuration(tmp_path: Path) -> None:
    """`daliz serve` as a real process: page and API on localhost, then a clean stop."""
    port = free_port()
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "xdg"),  # the default data directory, kept private
        "DALIZ_DATASET": str(MINI),
    }
    env.pop("DALIZ_DATA_DIR", None)
    env.pop("DALIZ_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "daliz", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        health = None
        for _ in range(600):
            if process.poll() is not None:
                break
            try:
                health = httpx.get(base + "/api/v1/health", timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None, process.communicate()[0]
        assert health.json()["dataset"]["name"] == "mini"
        assert "<html" in httpx.get(base + "/").text
        plan = httpx.post(
            base + "/api/v1/plan",
            json={
                "origin": "Shymkent",
                "destination": "Karachi",
                "commodity": "wheat",
                "tonnes": 500,
            },
            timeout=60,
        )
        assert plan.status_code == 200 and plan.json()["alternatives"]
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert (tmp_path / "xdg" / "daliz" / "daliz.db").is_file(), output
    assert "Traceback" not in output


def test_service_commands_do_not_import_the_planner() -> None:
    """`daliz serve` and `daliz users` register only their own commands: the parent of
    `daliz serve --workers N` then never holds NumPy, SciPy, numba or DuckDB (~170 MB)."""
    code = (
        "import sys\n"
        "from daliz import cli\n"
        "cli._register('serve')\n"
        "heavy = [m for m in ('numpy', 'scipy', 'numba', 'duckdb', 'fastapi', 'daliz.planning')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


@pytest.mark.slow
def test_serve_workers_reports_a_broken_setup_cleanly(tmp_path: Path) -> None:
    """With --workers N the database is prepared in a child process; its failure is the same
    clean error (exit code 2, no traceback) and no worker starts."""
    env = {**os.environ, "DALIZ_DATA_DIR": str(tmp_path / "data")}
    env.pop("DALIZ_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "daliz", "serve", "--workers", "2", "--port", str(free_port()),
         "--database-url", "postgresql://u:p@127.0.0.1:1/none"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Cannot open the database" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "Started server process" not in result.stderr + result.stdout
