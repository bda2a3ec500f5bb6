"""Leaderboards: per-board scores and score counts (exact ranks without scanning), a
learner's opt-out and a cohort's hidden boards.

The all-time board is filled from the totals of learners who have earned points; weekly
boards start empty (`localleaders points rebuild-boards` recomputes every board from the
ledger, weeks included).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 17:55:09.810222
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "board_count",
        sa.Column("board", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("board", "score", name=op.f("pk_board_count")),
    )
    with op.batch_alter_table("board_count", schema=None) as batch_op:
        batch_op.create_index("ix_board_count_cover", ["board", "score", "count"], unique=False)
    op.create_table(
        "board_score",
        sa.Column("board", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_board_score_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("board", "user_id", name=op.f("pk_board_score")),
    )
    with op.batch_alter_table("board_score", schema=None) as batch_op:
        batch_op.create_index("ix_board_score_rank", ["board", "score", "user_id"], unique=False)

    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("leaderboard_hidden", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "leaderboard_opt_out", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.execute(
        "INSERT INTO board_score (board, user_id, score) SELECT 'all', user_id, total "
        "FROM user_points WHERE user_id IN (SELECT DISTINCT user_id FROM point_entry)"
    )
    op.execute(
        "INSERT INTO board_count (board, score, count) SELECT board, score, COUNT(*) "
        "FROM board_score GROUP BY board, score"
    )


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("leaderboard_opt_out")

    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_column("leaderboard_hidden")

    with op.batch_alter_table("board_score", schema=None) as batch_op:
        batch_op.drop_index("ix_board_score_rank")

    op.drop_table("board_score")
    with op.batch_alter_table("board_count", schema=None) as batch_op:
        batch_op.drop_index("ix_board_count_cover")

    op.drop_table("board_count")
