"""Database engine, sessions and migrations (SQLite file by default, PostgreSQL by URL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from daliz.errors import DalizError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_LOCK_ID = 0x64616C697A  # "daliz": one PostgreSQL advisory lock for schema changes


class DatabaseError(DalizError):
    """The database cannot be reached or prepared (bad URL, server down, missing driver)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the one writer
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An Engine for `url`; for a SQLite file, its directory is created."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"Invalid database URL {redact(url)!r}.",
            hint="Use sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DB.",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise DatabaseError(
            f"No driver for database URL {redact(url)!r}: {exc}.",
            hint="For PostgreSQL install psycopg: pip install 'daliz[postgres]'.",
        ) from None


def redact(url: str) -> str:
    """The URL with its password hidden (for messages and logs)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def run_migrations(engine: Engine) -> str:
    """Bring the schema to the newest Alembic revision; returns that revision id.

    On PostgreSQL an advisory lock serialises concurrent starts of several workers.
    """
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID}
                )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise DatabaseError(
            f"Cannot open the database {redact(str(engine.url))}: {exc.orig}",
            hint="Check DALIZ_DATABASE_URL, that the server runs and the user may connect.",
        ) from None
    head = ScriptDirectory.from_config(config).get_current_head()
    return head or ""


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error."""
    with factory() as session, session.begin():
        yield session


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored timestamp as aware UTC (SQLite hands back naive values)."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 text of a stored timestamp (UTC, seconds)."""
    aware = as_utc(value)
    return aware.isoformat(timespec="seconds") if aware else None
