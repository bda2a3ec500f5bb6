"""Leaderboard scores, kept beside the ledger so boards never scan it.

``board_score`` is each learner's score on a board ("all": all-time points; "week:<monday>":
points earned that week). ``board_count`` is how many learners hold each score on a board:
a learner's exact rank is 1 + the learners above, summed over the distinct scores above
(a few thousand at most), whatever the number of learners.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class BoardScore(SQLModel, table=True):
    __tablename__ = "board_score"
    __table_args__ = (Index("ix_board_score_rank", "board", "score", "user_id"),)

    board: str = Field(max_length=40, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    score: int = 0


class BoardCount(SQLModel, table=True):
    __tablename__ = "board_count"
    # Covering: rank sums read the index alone, never the table.
    __table_args__ = (Index("ix_board_count_cover", "board", "score", "count"),)

    board: str = Field(max_length=40, primary_key=True)
    score: int = Field(primary_key=True)
    count: int = 0
