"""Gamification engine: badges, published badge assertions, streaks, notifications,
challenge placements, cheat-guard records, and the rules version of every ledger row.

Existing ledger rows get an empty rules version (awarded before versions were recorded).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 16:43:04.483155
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rule_version",
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_rule_version")),
    )
    op.create_table(
        "badge_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("badge_key", sa.String(length=80), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rules_version", sa.String(length=16), nullable=False),
        sa.Column("awarded_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["awarded_by"],
            ["user.id"],
            name=op.f("fk_badge_award_awarded_by_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_badge_award_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_award")),
        sa.UniqueConstraint(
            "user_id", "badge_key", "tier", name=op.f("uq_badge_award_user_id_badge_key_tier")
        ),
    )
    with op.batch_alter_table("badge_award", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badge_award_user_id"), ["user_id"], unique=False)

    op.create_table(
        "challenge_placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("challenge_key", sa.String(length=120), nullable=False),
        sa.Column("place", sa.Integer(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_challenge_placement_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_placement")),
        sa.UniqueConstraint(
            "user_id", "challenge_key", name=op.f("uq_challenge_placement_user_id_challenge_key")
        ),
    )
    with op.batch_alter_table("challenge_placement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challenge_placement_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "guard_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_guard_block_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guard_block")),
    )
    with op.batch_alter_table("guard_block", schema=None) as batch_op:
        batch_op.create_index(
            "ix_guard_block_user_created", ["user_id", "created_at"], unique=False
        )

    op.create_table(
        "guard_counter",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("day_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_guard_counter_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "event", name=op.f("pk_guard_counter")),
    )
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notification_user_created", ["user_id", "created_at"], unique=False
        )

    op.create_table(
        "user_streak",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("best", sa.Integer(), nullable=False),
        sa.Column("last_week", sa.Date(), nullable=True),
        sa.Column("freezes", sa.Integer(), nullable=False),
        sa.Column("freezes_used", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_streak_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_streak")),
    )
    op.create_table(
        "badge_assertion",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("identity", sa.String(length=80), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocation_reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["badge_award.id"],
            name=op.f("fk_badge_assertion_award_id_badge_award"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_assertion")),
    )
    with op.batch_alter_table("badge_assertion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badge_assertion_award_id"), ["award_id"], unique=False)

    op.create_table(
        "lesson_visit",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lesson.id"],
            name=op.f("fk_lesson_visit_lesson_id_lesson"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_lesson_visit_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "lesson_id", name=op.f("pk_lesson_visit")),
    )
    with op.batch_alter_table("point_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rules_version", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("awarded_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_point_entry_awarded_by_user"),
            "user",
            ["awarded_by"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("point_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_point_entry_awarded_by_user"), type_="foreignkey")
        batch_op.drop_column("awarded_by")
        batch_op.drop_column("rules_version")

    op.drop_table("lesson_visit")
    with op.batch_alter_table("badge_assertion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_badge_assertion_award_id"))

    op.drop_table("badge_assertion")
    op.drop_table("user_streak")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_created")

    op.drop_table("notification")
    op.drop_table("guard_counter")
    with op.batch_alter_table("guard_block", schema=None) as batch_op:
        batch_op.drop_index("ix_guard_block_user_created")

    op.drop_table("guard_block")
    with op.batch_alter_table("challenge_placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_placement_user_id"))

    op.drop_table("challenge_placement")
    with op.batch_alter_table("badge_award", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_badge_award_user_id"))

    op.drop_table("badge_award")
    op.drop_table("rule_version")
