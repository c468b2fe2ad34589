"""Database tables of the service (SQLAlchemy 2 declarative models).

The schema itself is created and changed only by the Alembic migrations in `migrations/`;
these classes must match the latest migration (a test compares them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES: tuple[str, ...] = ("viewer", "planner", "admin")


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC (what every timestamp column stores)."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of the service tables."""


class User(Base):
    """An API key holder: a name, a role, and the key's hash (the key itself is never stored)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(16))
    key_prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    @property
    def active(self) -> bool:
        """Whether the key still opens the door."""
        return self.revoked_at is None


class SavedPlan(Base):
    """A plan a planner saved: the request, the full result and the dataset that produced it."""

    __tablename__ = "saved_plans"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    dataset_name: Mapped[str] = mapped_column(String(100))
    dataset_version: Mapped[str] = mapped_column(String(100))
    dataset_hash: Mapped[str] = mapped_column(String(64))
    alternatives: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )

    owner: Mapped[User] = relationship(lazy="joined")


class DatasetRecord(Base):
    """A corridor dataset the service knows: the built-in one or an uploaded archive."""

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # builtin | upload
    status: Mapped[str] = mapped_column(String(16))  # valid | invalid
    name: Mapped[str] = mapped_column(String(100), default="")
    version: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    path: Mapped[str | None] = mapped_column(Text, default=None)  # builtin: its directory
    archive: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    archive_sha256: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    validated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Activation(Base):
    """One switch of the served dataset. The newest row is the one in force.

    `previous_id` points at the activation it replaced, so rollbacks walk back the history.
    """

    __tablename__ = "activations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id"), index=True)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("activations.id"), default=None)
    action: Mapped[str] = mapped_column(String(16))  # startup | activate | rollback
    activated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    activated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
