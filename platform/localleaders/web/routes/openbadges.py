"""Open Badges 2.0 hosted verification: public JSON documents and badge images.

Anyone may fetch these (badge backpacks and validators do): the issuer profile and badge
classes describe the program's badges, and an assertion answers only once its learner
published the badge: 404 before, 410 after it was withdrawn.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from localleaders.catalog.program import BadgeSpec, ProgramSpec
from localleaders.catalog.schemas import in_language
from localleaders.db import Database
from localleaders.gamification import badge_art, openbadges
from localleaders.services import open_badges
from localleaders.web.access import anyone
from localleaders.web.deps import DbDep, ProgramDep

router = APIRouter()
CACHE = {"Cache-Control": "public, max-age=3600"}


def _issuer(request: Request) -> openbadges.Issuer:
    settings = request.app.state.settings
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    return openbadges.Issuer(base, settings.badge_issuer_name, settings.badge_issuer_email)


def _texts(request: Request, badge: BadgeSpec) -> tuple[str, str]:
    locale = request.app.state.settings.default_locale
    return in_language(badge.name, locale), in_language(badge.description, locale)


def _image(request: Request, badge: BadgeSpec, tier: str) -> str:
    name, _ = _texts(request, badge)
    label = openbadges.TIER_NAMES[tier]
    return badge_art.svg(badge, tier, f"{name} ({label})" if label else name)


@router.get("/openbadges/issuer", dependencies=[anyone])
def show_issuer(request: Request) -> JSONResponse:
    return JSONResponse(openbadges.issuer_document(_issuer(request)), headers=CACHE)


@router.get("/openbadges/badges/{key}/{tier}", dependencies=[anyone])
def show_badge_class(request: Request, key: str, tier: str, program: ProgramDep) -> JSONResponse:
    badge, tier_key = open_badges.badge_class(program, key, tier)
    name, description = _texts(request, badge)
    document = openbadges.badge_class_document(
        _issuer(request), badge, tier_key, name=name, description=description
    )
    return JSONResponse(document, headers=CACHE)


@router.get("/openbadges/badges/{key}/{tier}/image", dependencies=[anyone])
def show_badge_image(request: Request, key: str, tier: str, program: ProgramDep) -> Response:
    badge, tier_key = open_badges.badge_class(program, key, tier)
    return Response(_image(request, badge, tier_key), media_type="image/svg+xml", headers=CACHE)


def _published(db: Database, program: ProgramSpec, assertion_id: str) -> open_badges.Published:
    with db.session() as session:
        return open_badges.published(session, program, assertion_id)


@router.get("/openbadges/assertions/{assertion_id}", dependencies=[anyone])
def show_assertion(
    request: Request, assertion_id: str, db: DbDep, program: ProgramDep
) -> JSONResponse:
    found = _published(db, program, assertion_id)
    if found.revoked:
        document = openbadges.revoked_document(_issuer(request), found.assertion)
        return JSONResponse(document, status_code=410)
    document = openbadges.assertion_document(_issuer(request), found.assertion, found.award)
    return JSONResponse(document, headers={"Cache-Control": "no-cache"})


@router.get("/openbadges/assertions/{assertion_id}/image", dependencies=[anyone])
def show_assertion_image(
    request: Request, assertion_id: str, db: DbDep, program: ProgramDep
) -> Response:
    """The badge image with its assertion baked in, for backpacks that import images."""
    found = _published(db, program, assertion_id)
    if found.revoked:
        return Response(status_code=410)
    image = _image(request, found.badge, found.award.tier)
    document = openbadges.assertion_document(_issuer(request), found.assertion, found.award)
    baked = badge_art.bake(image, json.dumps(document))
    return Response(baked, media_type="image/svg+xml", headers={"Cache-Control": "no-cache"})
