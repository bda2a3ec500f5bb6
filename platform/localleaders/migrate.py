"""Runs Alembic programmatically, so an installed wheel needs no alembic.ini."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from localleaders.db import Database
from localleaders.resources import migrations_dir


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    config = alembic_config(db.url)
    if not db.is_sqlite:
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        return
    # SQLite changes a table by copying it and dropping the old one. With foreign keys on,
    # that drop would cascade and delete every row that points at the table, so they are
    # off during the migration (SQLite ignores the switch inside a transaction) and checked
    # before the commit instead.
    with db.engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows without their parents: {broken}")
        finally:
            driver.execute("PRAGMA foreign_keys=ON")


def current(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
