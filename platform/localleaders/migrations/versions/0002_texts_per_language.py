"""texts per language, shared modules, practice actions

A lesson's text moves to lesson_text, one row per language; the existing text becomes the
row of its course's language. Courses, modules and lessons gain per-language texts, which
the next `courses sync` fills in; until then pages show the main-language columns.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 08:29:26.454053
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMPTY_MAPPING = sa.text("'{}'")
EMPTY_LIST = sa.text("'[]'")


def upgrade() -> None:
    op.create_table(
        "lesson_text",
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("practice_html", sa.Text(), nullable=False),
        sa.Column("quiz_texts", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lesson.id"],
            name=op.f("fk_lesson_text_lesson_id_lesson"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("lesson_id", "language", name=op.f("pk_lesson_text")),
    )
    op.execute(
        "INSERT INTO lesson_text (lesson_id, language, title, body_html, practice_html)"
        " SELECT lesson.id, course.language, lesson.title, lesson.body_html,"
        " lesson.practice_html FROM lesson JOIN course ON course.id = lesson.course_id"
    )
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("texts", sa.JSON(), nullable=False, server_default=EMPTY_MAPPING)
        )
        batch_op.add_column(
            sa.Column("includes", sa.JSON(), nullable=False, server_default=EMPTY_LIST)
        )
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column("titles", sa.JSON(), nullable=False, server_default=EMPTY_MAPPING)
        )
        batch_op.drop_column("body_html")
        batch_op.drop_column("practice_html")
    with op.batch_alter_table("module", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("texts", sa.JSON(), nullable=False, server_default=EMPTY_MAPPING)
        )


def downgrade() -> None:
    with op.batch_alter_table("module", schema=None) as batch_op:
        batch_op.drop_column("texts")
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("practice_html", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("body_html", sa.Text(), nullable=False, server_default=""))
        batch_op.drop_column("titles")
        batch_op.drop_column("action")
    op.execute(
        "UPDATE lesson SET"
        " body_html = (SELECT lesson_text.body_html FROM lesson_text JOIN course"
        " ON course.id = lesson.course_id WHERE lesson_text.lesson_id = lesson.id"
        " AND lesson_text.language = course.language),"
        " practice_html = (SELECT lesson_text.practice_html FROM lesson_text JOIN course"
        " ON course.id = lesson.course_id WHERE lesson_text.lesson_id = lesson.id"
        " AND lesson_text.language = course.language)"
        " WHERE EXISTS (SELECT 1 FROM lesson_text WHERE lesson_text.lesson_id = lesson.id)"
    )
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.drop_column("includes")
        batch_op.drop_column("texts")
    op.drop_table("lesson_text")
