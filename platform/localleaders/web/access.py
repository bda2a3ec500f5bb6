"""Deny by default: every route states who may use it with one of the rules here.

``create_app`` refuses to start if a route has no rule, and the access-matrix test
generates its cases from the same declarations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute

from localleaders.models import Role, User


class LoginRequired(Exception):
    pass


class RoleRequired(Exception):
    pass


@dataclass(frozen=True)
class Access:
    """A route's rule: ``roles`` None means anyone, including anonymous visitors."""

    name: str
    roles: frozenset[Role] | None

    def __call__(self, request: Request) -> None:
        if self.roles is None:
            return
        user: User | None = getattr(request.state, "user", None)
        if user is None:
            raise LoginRequired()
        if Role(user.role) not in self.roles:
            raise RoleRequired()


ANYONE = Access("anyone", None)
SIGNED_IN = Access("signed_in", frozenset(Role))
TRAINER = Access("trainer", frozenset({Role.trainer, Role.admin}))
ADMIN = Access("admin", frozenset({Role.admin}))

anyone = Depends(ANYONE)
signed_in = Depends(SIGNED_IN)
trainers = Depends(TRAINER)
admins = Depends(ADMIN)


def rule_of(route: APIRoute) -> Access | None:
    for dependency in route.dependant.dependencies:
        if isinstance(dependency.call, Access):
            return dependency.call
    return None


def current_user(request: Request) -> User:
    user: User | None = getattr(request.state, "user", None)
    if user is None:
        raise LoginRequired()
    return user


CurrentUser = Annotated[User, Depends(current_user)]
