"""Alembic environment: runs against the connection handed in by localleaders.migrate."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import engine_from_config, pool

import localleaders.models  # noqa: F401 - registers every table on the metadata
from localleaders.models.base import UTCDateTime, metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = engine_from_config(
            {
                "sqlalchemy.url": config.get_main_option("sqlalchemy.url")
                or "sqlite:///localleaders.db"
            },
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        with engine.connect() as connection:
            _migrate(connection)
        return
    _migrate(connection)


def _render_item(type_: str, obj: Any, _autogen_context: Any) -> str | Literal[False]:
    """Writes our column types as plain SQLAlchemy ones, so migrations never import app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and type(obj).__name__ == "AutoString":
        return f"sa.String(length={getattr(obj, 'length', None)})"
    return False


def _migrate(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_item=_render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
