"""The ``localleaders`` command: one sub-command per job an operator or author does."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from localleaders.catalog.sync import sync_catalog
from localleaders.db import Database
from localleaders.models import Role
from localleaders.services import publishing
from localleaders.settings import Settings

app = typer.Typer(
    help="Local Leaders: leadership training for civic leaders.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
courses_app = typer.Typer(help="Course files in courses/.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log of trainer and admin actions.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(courses_app, name="courses")
points_app = typer.Typer(help="Points, levels and badges.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(points_app, name="points")
challenges_app = typer.Typer(help="Community challenges.", no_args_is_help=True)
app.add_typer(challenges_app, name="challenges")


def _settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:
        typer.echo(f"Settings error: {exc}", err=True)
        raise typer.Exit(2) from None


@contextmanager
def _database(settings: Settings | None = None) -> Iterator[Database]:
    """A database for one command, closed afterwards (PostgreSQL connections included)."""
    db = Database((settings or _settings()).database_url)
    try:
        yield db
    finally:
        db.dispose()


def _courses_dir(settings: Settings, path: Path | None) -> Path:
    from localleaders.web.app import courses_root

    return path or courses_root(settings)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all database migrations (safe to run again)."""
    from localleaders.migrate import upgrade

    with _database() as db:
        upgrade(db)
    typer.echo("Database is up to date.")


@courses_app.command("validate")
def courses_validate(
    path: Annotated[
        Path | None, typer.Argument(help="Courses folder (default: the configured one)")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail when a text is missing in some language.")
    ] = False,
) -> None:
    """Check every course file; print each problem with file, line and field, then every
    text that is missing in some language."""
    root = _courses_dir(_settings(), path)
    validation = publishing.validate(root)
    if validation.catalog is None:
        for problem in validation.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{len(validation.problems)} problem(s) found.", err=True)
        raise typer.Exit(1)
    catalog = validation.catalog
    lessons = validation.lesson_count
    for missing in catalog.missing:
        typer.echo(f"missing translation: {missing}", err=True)
    if catalog.missing:
        typer.echo(f"{len(catalog.missing)} missing translation(s).", err=True)
        if strict:
            raise typer.Exit(1)
    typer.echo(f"OK: {len(catalog.courses)} course(s), {lessons} lesson(s) in {root}")


@courses_app.command("sync")
def courses_sync(
    path: Annotated[
        Path | None, typer.Argument(help="Courses folder (default: the configured one)")
    ] = None,
) -> None:
    """Validate, then load the course files into the database (idempotent)."""
    settings = _settings()
    root = _courses_dir(settings, path)
    validation = publishing.validate(root)
    if validation.catalog is None:
        for problem in validation.problems:
            typer.echo(str(problem), err=True)
        typer.echo("Nothing was changed.", err=True)
        raise typer.Exit(1)
    with _database(settings) as db, db.session(write=True) as session:
        report = sync_catalog(session, validation.catalog)
    for label, item in publishing.changes(report):
        typer.echo(f"{label}: {item}")
    typer.echo("Courses are up to date." if not report.changed else "Courses synced.")


@points_app.command("recalculate")
def points_recalculate(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the differences only")] = False,
    apply: Annotated[bool, typer.Option("--apply", help="Append the differences")] = False,
    path: Annotated[
        Path | None, typer.Argument(help="Courses folder (default: the configured one)")
    ] = None,
) -> None:
    """Re-derive every award under the current rules and show the difference per learner.

    Course files are synced first (lessons take their default points from program.yaml).
    The ledger is never edited: differences are appended as new rows with --apply.
    """
    from localleaders.gamification.recalculate import recalculate
    from localleaders.models import User

    if dry_run == apply:
        typer.echo("Choose --dry-run (show) or --apply (append the differences).", err=True)
        raise typer.Exit(2)
    settings = _settings()
    validation = publishing.validate(_courses_dir(settings, path))
    if validation.catalog is None:
        for problem in validation.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1)
    rules = validation.catalog.program
    with _database(settings) as db, db.session(write=True) as session:
        sync_catalog(session, validation.catalog)
        changes = recalculate(session, rules)
        for change in changes:
            user = session.get(User, change.user_id)
            name = user.username if user else f"#{change.user_id}"
            badges = f"; new badges: {', '.join(change.badges)}" if change.badges else ""
            typer.echo(
                f"{name}: {change.points:+d} points in {len(change.subjects)} awards{badges}"
            )
            for subject, difference in change.subjects:
                typer.echo(f"    {subject}: {difference:+d}")
        if dry_run:
            session.rollback()
    total = sum(change.points for change in changes)
    verb = "Would change" if dry_run else "Changed"
    typer.echo(f"{verb} {len(changes)} learners, {total:+d} points in all (rules {rules.version}).")
    if dry_run and changes:
        typer.echo("Nothing was changed. Run with --apply to append these differences.")


@points_app.command("rebuild-boards")
def points_rebuild_boards() -> None:
    """Recompute every leaderboard from the point ledger (after an upgrade, or to check)."""
    from localleaders.catalog.loader import load_program
    from localleaders.gamification.recalculate import rebuild_boards

    settings = _settings()
    rules = load_program(_courses_dir(settings, None))
    with _database(settings) as db, db.session(write=True) as session:
        written = rebuild_boards(session, rules)
    typer.echo(f"Rebuilt the leaderboards: {written} scores.")


@challenges_app.command("close-due")
def challenges_close_due() -> None:
    """Close the challenges whose review days are over: freeze standings, award places.
    (Pages close them too when someone looks; run this from a daily timer.)"""
    from localleaders.catalog.loader import load_program
    from localleaders.services import challenges

    settings = _settings()
    rules = load_program(_courses_dir(settings, None))
    with _database(settings) as db, db.session(write=True) as session:
        closed = challenges.close_due(session, rules=rules)
    typer.echo(f"Closed {len(closed)} challenge{'' if len(closed) == 1 else 's'}.")


@challenges_app.command("rebuild")
def challenges_rebuild() -> None:
    """Recompute every open challenge's standings from the records (after
    `points recalculate --apply`, or to check them)."""
    from localleaders.catalog.loader import load_program
    from localleaders.services import challenges

    settings = _settings()
    rules = load_program(_courses_dir(settings, None))
    with _database(settings) as db, db.session(write=True) as session:
        count = challenges.rebuild_open(session, rules=rules)
    typer.echo(f"Rebuilt the standings of {count} open challenge{'' if count == 1 else 's'}.")


@audit_app.command("purge")
def audit_purge(
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            min=30,
            help="Keep this many days (default: LOCALLEADERS_AUDIT_RETENTION_DAYS)",
        ),
    ] = None,
) -> None:
    """Delete audit log entries older than the retention period."""
    from localleaders.services import audit

    settings = _settings()
    keep = days if days is not None else settings.audit_retention_days
    with _database(settings) as db, db.session(write=True) as session:
        removed = audit.purge(session, keep_days=keep)
    typer.echo(
        f"Removed {removed} audit log entr{'y' if removed == 1 else 'ies'} older than {keep} days."
    )


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Option(prompt=True)],
    display_name: Annotated[str, typer.Option(prompt=True)],
    role: Annotated[Role, typer.Option()] = Role.learner,
    password: Annotated[
        str | None,
        typer.Option(
            envvar="LOCALLEADERS_NEW_PASSWORD",
            help="Read from the environment or asked for; never echoed",
        ),
    ] = None,
) -> None:
    """Create an account, for example the first admin: --role admin."""
    from localleaders.services import accounts
    from localleaders.services.errors import InvalidInput

    settings = _settings()
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with _database(settings) as db, db.session(write=True) as session:
            accounts.register(
                session, username=username, display_name=display_name, password=password, role=role
            )
    except InvalidInput as exc:
        for field, message in exc.errors.items():
            typer.echo(
                f"{field or 'error'}: {message.msgid % message.values if message.values else message.msgid}",
                err=True,
            )
        raise typer.Exit(1) from None
    typer.echo(f"Created {role.value} {username!r}.")


@app.command("demo")
def demo() -> None:
    """Create demo accounts with some progress, if the database has no users yet."""
    from localleaders.catalog.loader import load_program
    from localleaders.demo import load_demo

    settings = _settings()
    program = load_program(_courses_dir(settings, None))
    with _database(settings) as db:
        lines = load_demo(db, program)
    for line in lines:
        typer.echo(line)


def uvicorn_options(workers: int, *, access_log: bool = False) -> dict[str, Any]:
    """How the app is served (the load benchmark serves its "hello" ceiling the same way)."""
    return {"workers": workers, "server_header": False, "proxy_headers": True,
            "log_level": "info", "access_log": access_log}  # fmt: skip


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8000,
    workers: Annotated[int, typer.Option(min=1)] = 1,
    access_log: Annotated[
        bool, typer.Option(help="Log every request with the client's address (off: privacy).")
    ] = False,
) -> None:
    """Apply migrations, sync courses, purge old audit entries, then serve the web app."""
    import uvicorn

    # In a child process each: the memory a sync takes (every course parsed and rendered)
    # is given back before serving starts, instead of staying in the worker's peak.
    for step in (["db", "upgrade"], ["courses", "sync"], ["audit", "purge"]):
        done = subprocess.run([sys.executable, "-m", "localleaders", *step], check=False)
        if done.returncode:
            raise typer.Exit(done.returncode)
    typer.echo(f"Serving on http://{host}:{port}")
    uvicorn.run("localleaders.web.app:create_app", factory=True, host=host, port=port,
                **uvicorn_options(workers, access_log=access_log))  # fmt: skip


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(app())
