"""Reading plain form posts. Fields are read as strings and validated in the services,
so FastAPI's JSON-style validation errors never reach a person."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request


async def _form_lists(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    result: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            result.setdefault(key, []).append(value)
    return result


FormLists = Annotated[dict[str, list[str]], Depends(_form_lists)]


def first(form: dict[str, list[str]], key: str) -> str:
    values = form.get(key)
    return values[0] if values else ""


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths, so a crafted link cannot send someone to another site after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
