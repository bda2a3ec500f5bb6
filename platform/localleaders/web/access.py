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
    scope: str | None = None
    """``"cohort"``: only trainers of the cohort in the path (admins: all), others get 404;
    ``"member"``: members of the cohort in the path and its trainers, others get 404;
    ``"challenge"``: those who see the challenge in the path (its cohort's members and
    trainers; everyone signed in for a program-wide one), others get 404. The route checks
    the scope through services.cohorts or services.challenges; the access matrix tests it."""

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
COHORT_TRAINER = Access("cohort_trainer", frozenset({Role.trainer, Role.admin}), "cohort")
COHORT_MEMBER = Access("cohort_member", frozenset(Role), "member")
CHALLENGE_MEMBER = Access("challenge_member", frozenset(Role), "challenge")
CHALLENGE_TRAINER = Access("challenge_trainer", frozenset({Role.trainer, Role.admin}), "challenge")

anyone = Depends(ANYONE)
signed_in = Depends(SIGNED_IN)
trainers = Depends(TRAINER)
admins = Depends(ADMIN)
cohort_trainers = Depends(COHORT_TRAINER)
cohort_members = Depends(COHORT_MEMBER)
challenge_members = Depends(CHALLENGE_MEMBER)
challenge_trainers = Depends(CHALLENGE_TRAINER)


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
