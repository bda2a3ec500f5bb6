"""Annotated dependencies that make route signatures read as prose."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.settings import Settings
from localleaders.web.templating import Templates


def _db(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


def _templates(request: Request) -> Templates:
    return request.app.state.templates  # type: ignore[no-any-return]


def _program(request: Request) -> ProgramSpec:
    return request.app.state.program  # type: ignore[no-any-return]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _optional_user_id(request: Request) -> int | None:
    user = getattr(request.state, "user", None)
    return user.id if user is not None else None


DbDep = Annotated[Database, Depends(_db)]
TemplatesDep = Annotated[Templates, Depends(_templates)]
ProgramDep = Annotated[ProgramSpec, Depends(_program)]
SettingsDep = Annotated[Settings, Depends(_settings)]
ViewerId = Annotated[int | None, Depends(_optional_user_id)]


def _locale(request: Request) -> str:
    return getattr(request.state, "locale", None) or request.app.state.settings.default_locale  # type: ignore[no-any-return]


LocaleDep = Annotated[str, Depends(_locale)]
