"""Docs as tests, and the migrations matching the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from typer.main import get_command
from typer.testing import CliRunner

from localleaders.cli import app as cli
from localleaders.db import Database
from localleaders.models import metadata
from localleaders.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
OPERATORS = (ROOT / "docs" / "operators.md").read_text(encoding="utf-8")


def cli_commands() -> list[list[str]]:
    root = get_command(cli)
    found = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        found += [[name, child] for child in sub] if sub else [[name]]
    return found


def test_every_cli_command_has_help_and_docs() -> None:
    commands = cli_commands()
    assert ["courses", "validate"] in commands and ["serve"] in commands
    for command in commands:
        result = CliRunner().invoke(cli, [*command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
        assert f"localleaders {' '.join(command)}" in OPERATORS, (
            f"document {command} in docs/operators.md"
        )


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"LOCALLEADERS_{name.upper()}" in OPERATORS


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(environment="production")
    assert Settings(environment="production", secret_key="x" * 40).secret_key


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    assert differences == []
