"""Typed settings, read from the environment (prefix ``LOCALLEADERS_``) or a ``.env`` file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "dev-only-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOCALLEADERS_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite:///localleaders.db"
    secret_key: str = DEFAULT_SECRET
    courses_dir: Path | None = None
    default_locale: Literal["be", "ru", "en"] = "en"
    session_idle_minutes: int = Field(default=60 * 24 * 14, ge=5)
    session_absolute_days: int = Field(default=60, ge=1)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    # Uploaded files (photos under <data_dir>/photos/), relative to the working folder. The
    # Docker image works in its /data volume; back this folder up with the database.
    data_dir: Path = Path("data")
    photo_max_bytes: int = Field(default=8_000_000, ge=1024)
    registration_open: bool = True
    # Impact report: gender totals of fewer people than this are hidden (privacy).
    report_min_group: int = Field(default=5, ge=1)
    audit_retention_days: int = Field(default=730, ge=30)
    # Threads per worker process for database work (and database connections to match).
    # Few threads keep the GIL and the database from thrashing under load (docs/performance.md).
    threads: int = Field(default=8, ge=1, le=64)
    # The public address of the platform (e.g. https://learn.example.org): published Open
    # Badges carry it in their URLs, which must stay stable. Unset: the request's address.
    public_url: str | None = Field(default=None, pattern=r"^https?://[^/\s]+(/[^\s]*)?$")
    # The name published badges are issued under: a neutral one protects a program.
    badge_issuer_name: str = Field(default="Local Leaders", min_length=1, max_length=100)
    badge_issuer_email: str | None = None

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "LOCALLEADERS_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (for example: python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        return self

    @property
    def session_idle(self) -> timedelta:
        return timedelta(minutes=self.session_idle_minutes)

    @property
    def session_absolute(self) -> timedelta:
        return timedelta(days=self.session_absolute_days)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
