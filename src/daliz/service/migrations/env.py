"""Alembic environment: migrations run programmatically on a connection given by daliz."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from daliz.service.models import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # `alembic` run by hand with -x url=… (development only)
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///daliz.db")
    with create_engine(url).begin() as own:
        context.configure(connection=own, target_metadata=Base.metadata, render_as_batch=True)
        context.run_migrations()
else:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
