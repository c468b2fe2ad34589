"""Helpers of the service tests: a throw-away PostgreSQL cluster, zip archives, a live server."""

from __future__ import annotations

import glob
import io
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- PostgreSQL
def postgres_bin_dir() -> Path | None:
    """Debian's PostgreSQL server binaries (newest version), or those on PATH; None if absent."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0,
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


@dataclass
class PostgresCluster:
    """A running throw-away cluster; `url(db)` gives a SQLAlchemy URL for a database in it."""

    directory: Path
    port: int
    user: str
    bin_dir: Path
    run_as: str | None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *args] if self.run_as else list(args)

    def ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self._cmd(str(self.bin_dir / "pg_ctl"), "-D", str(self.directory / "data"), *args),
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres",
            autocommit=True,
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextmanager
def postgres_cluster(bin_dir: Path) -> Iterator[PostgresCluster]:
    """initdb + pg_ctl start in a temporary directory on a free loopback port; stopped after.

    As root, the server runs as the 'postgres' system user (PostgreSQL refuses root).
    """
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError as exc:
            raise RuntimeError(
                "running as root needs a 'postgres' system user to run the test server"
            ) from exc
        run_as = "postgres"
    directory = Path(tempfile.mkdtemp(prefix="daliz-pg-"))
    if run_as:
        entry = pwd.getpwnam(run_as)
        os.chown(directory, entry.pw_uid, entry.pw_gid)
    port = free_port()
    cluster = PostgresCluster(directory, port, "daliz", bin_dir, run_as)
    init = subprocess.run(
        cluster._cmd(
            str(bin_dir / "initdb"),
            "-D",
            str(directory / "data"),
            "-U",
            cluster.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        ),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if init.returncode != 0:
        shutil.rmtree(directory, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {init.stderr or init.stdout}")
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off"
    started = cluster.ctl("-o", options, "-l", str(directory / "server.log"), "-w", "start")
    if started.returncode != 0:
        log = (directory / "server.log").read_text(errors="replace")[-2000:]
        shutil.rmtree(directory, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {started.stderr}\n{log}")
    try:
        yield cluster
    finally:
        cluster.ctl("-m", "immediate", "stop")
        shutil.rmtree(directory, ignore_errors=True)


# --------------------------------------------------------------------------- archives
def zip_directory(directory: Path, *, prefix: str = "") -> bytes:
    """A zip of every file under `directory` (names under `prefix`, if given)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, prefix + path.relative_to(directory).as_posix())
    return buffer.getvalue()


def zip_entries(entries: dict[str, bytes], *, symlinks: tuple[str, ...] = ()) -> bytes:
    """A zip holding exactly these names and bytes; names in `symlinks` are marked as links."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = (0o120777 << 16) & 0xFFFFFFFF
            archive.writestr(info, data)
    return buffer.getvalue()


def mini_variant(target: Path, *, version: str) -> Path:
    """A copy of the mini dataset with another version in dataset.yaml."""
    shutil.copytree(MINI, target)
    meta = target / "dataset.yaml"
    lines = [
        f"version: {version}" if line.startswith("version:") else line
        for line in meta.read_text(encoding="utf-8").splitlines()
    ]
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


# --------------------------------------------------------------------------- live server
@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port in a thread; yields the base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


# --------------------------------------------------------------------------- requests
def bearer(key: str) -> dict[str, str]:
    """The Authorization header for a key."""
    return {"Authorization": f"Bearer {key}"}


WHEAT: dict[str, object] = {
    "origin": "Shymkent",
    "destination": "Karachi",
    "commodity": "wheat",
    "tonnes": 500,
    "date": "2027-03-01",
    "draws": 200,
}
