"""Community challenges: the challenge, its teams and members, and each learner's score in it
(kept by the use cases that change it; frozen with a place when it closes).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 19:37:21.919364
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("action_types", sa.JSON(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("goal", sa.Integer(), nullable=True),
        sa.Column("learner_teams", sa.Boolean(), nullable=False),
        sa.Column("board_hidden", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_challenge_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user.id"],
            name=op.f("fk_challenge_created_by_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge")),
    )
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.create_index("ix_challenge_cohort_id", ["cohort_id"], unique=False)

    op.create_table(
        "challenge_score",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("place", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_score_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_challenge_score_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("challenge_id", "user_id", name=op.f("pk_challenge_score")),
    )
    with op.batch_alter_table("challenge_score", schema=None) as batch_op:
        batch_op.create_index("ix_challenge_score_user_id", ["user_id"], unique=False)

    op.create_table(
        "challenge_team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_team_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user.id"],
            name=op.f("fk_challenge_team_created_by_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_team")),
        sa.UniqueConstraint(
            "challenge_id", "name", name=op.f("uq_challenge_team_challenge_id_name")
        ),
    )
    op.create_table(
        "challenge_team_member",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_team_member_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["challenge_team.id"],
            name=op.f("fk_challenge_team_member_team_id_challenge_team"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_challenge_team_member_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("challenge_id", "user_id", name=op.f("pk_challenge_team_member")),
    )
    with op.batch_alter_table("challenge_team_member", schema=None) as batch_op:
        batch_op.create_index("ix_challenge_team_member_team_id", ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("challenge_team_member", schema=None) as batch_op:
        batch_op.drop_index("ix_challenge_team_member_team_id")

    op.drop_table("challenge_team_member")
    op.drop_table("challenge_team")
    with op.batch_alter_table("challenge_score", schema=None) as batch_op:
        batch_op.drop_index("ix_challenge_score_user_id")

    op.drop_table("challenge_score")
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.drop_index("ix_challenge_cohort_id")

    op.drop_table("challenge")
