"""Validating course files and publishing them: shared by the CLI and the admin pages.

Both use the same loader, the same rules and the same sync, so "valid" means one thing
whether an author runs ``localleaders courses validate`` or an admin clicks Publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlmodel import Session, col, select

from localleaders.catalog.loader import COURSE_FILE, Catalog, load_catalog, load_course
from localleaders.catalog.problems import CourseFileError, Problem
from localleaders.catalog.sync import SyncReport, sync_catalog
from localleaders.models import Course, User
from localleaders.services import audit


@dataclass(frozen=True)
class Validation:
    """The outcome of reading a courses folder: a catalogue, or the problems that stop it."""

    root: Path
    catalog: Catalog | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.catalog is not None

    @property
    def missing(self) -> list[Problem]:
        return self.catalog.missing if self.catalog else []

    def where(self, problem: Problem) -> str:
        """The problem's file relative to the courses folder, as authors know it."""
        try:
            return str(problem.file.relative_to(self.root))
        except ValueError:
            return str(problem.file)

    @property
    def lesson_count(self) -> int:
        return sum(len(c.lessons) for c in self.catalog.courses) if self.catalog else 0


def validate(root: Path) -> Validation:
    try:
        return Validation(root=root, catalog=load_catalog(root))
    except CourseFileError as exc:
        return Validation(root=root, catalog=None, problems=exc.problems)


def changes(report: SyncReport) -> list[tuple[str, str]]:
    """(kind, item) for each change a sync made, in the order the CLI prints them."""
    return [
        (kind, item)
        for kind, items in (
            ("created", report.created),
            ("updated", report.updated),
            ("unpublished", report.unpublished),
        )
        for item in items
    ]


class CourseState(StrEnum):
    live = "live"  # the files are what learners see
    changed = "changed"  # the files differ from the live version
    new = "new"  # on disk, not yet in the database
    removed = "removed"  # live, but its folder is gone: publishing unpublishes it
    unreadable = "unreadable"  # course.yaml itself has problems
    unpublished = "unpublished"  # in the database, hidden, not on disk


@dataclass(frozen=True)
class CourseRow:
    slug: str
    state: CourseState
    live: Course | None


def _disk_hashes(validation: Validation) -> dict[str, str | None]:
    """Each course folder's content hash, computed as sync does; None when unreadable.

    With problems somewhere, load_catalog gives no catalogue, so each folder is read on
    its own (its problems are already in the validation)."""
    if validation.catalog is not None:
        return {c.spec.slug: c.content_hash for c in validation.catalog.courses}
    if not validation.root.is_dir():
        return {}
    found: dict[str, str | None] = {}
    for folder in sorted(p for p in validation.root.iterdir() if (p / COURSE_FILE).is_file()):
        loaded = load_course(folder, [])
        found[loaded.spec.slug if loaded else folder.name] = loaded.content_hash if loaded else None
    return found


def _state(course: Course | None, on_disk: bool, digest: str | None) -> CourseState:
    if course is None:
        return CourseState.new
    if not on_disk:
        return CourseState.removed if course.is_published else CourseState.unpublished
    if digest is None:
        return CourseState.unreadable
    if course.is_published and course.content_hash == digest:
        return CourseState.live
    return CourseState.changed


def compare(session: Session, validation: Validation) -> list[CourseRow]:
    """Every course in the database and on disk, with how the two differ."""
    live = {c.slug: c for c in session.exec(select(Course).order_by(col(Course.position)))}
    disk = _disk_hashes(validation)
    slugs = list(live) + [slug for slug in disk if slug not in live]
    return [
        CourseRow(slug, _state(live.get(slug), slug in disk, disk.get(slug)), live.get(slug))
        for slug in slugs
    ]


@dataclass(frozen=True)
class Published:
    report: SyncReport
    changes: list[tuple[str, str]]


def publish(session: Session, *, actor: User, validation: Validation) -> Published:
    """Syncs a valid catalogue into the database; the caller checked ``validation.ok``."""
    assert validation.catalog is not None, "publish only a valid catalogue"
    report = sync_catalog(session, validation.catalog)
    audit.record(session, actor=actor, action="courses.publish", target_type="courses",
                 target_id=None, created=len(report.created), updated=len(report.updated),
                 unpublished=len(report.unpublished),
                 courses=len(validation.catalog.courses))  # fmt: skip
    return Published(report=report, changes=changes(report))
