"""The application factory: everything is built here from settings, nothing at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute

from localleaders.catalog.loader import load_program
from localleaders.db import Database
from localleaders.resources import data_dir
from localleaders.settings import Settings
from localleaders.web import errors
from localleaders.web.access import rule_of
from localleaders.web.assets import CachedStatic
from localleaders.web.middleware import BodyLimit, SameOriginGuard, SecurityHeaders
from localleaders.web.routes import (
    accounts,
    actions,
    admin,
    badges,
    challenge_forms,
    challenges,
    cohorts,
    consultations,
    leaderboards,
    learner,
    learning,
    openbadges,
    pages,
    photos,
    profile,
    reports,
    trainer,
)
from localleaders.web.templating import Templates
from localleaders.web.viewer import ViewerMiddleware


def courses_root(settings: Settings) -> Path:
    return settings.courses_dir or data_dir("courses")


def _threads(count: int) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Sets how many threads run the synchronous routes and database work at once."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = count
        yield

    return lifespan


def create_app(settings: Settings | None = None, *, db: Database | None = None) -> FastAPI:
    settings = settings or Settings()
    db = db or Database(settings.database_url, pool_size=settings.threads + 2)
    debug = settings.environment == "development"
    app = FastAPI(title="Local Leaders", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=_threads(settings.threads))  # fmt: skip
    app.state.settings = settings
    app.state.db = db
    app.state.program = load_program(courses_root(settings))
    static_dir = data_dir("static")
    app.state.templates = Templates(data_dir("templates"), static_dir, debug=debug)
    app.state.templates.env.globals["action_names"] = {
        action.key: action.name for action in app.state.program.action_types
    }
    app.state.templates.env.globals["level_names"] = [
        level.name for level in app.state.program.levels
    ]
    for module in (
        pages,
        accounts,
        learning,
        profile,
        badges,
        leaderboards,
        challenge_forms,  # before challenges: /challenges/new is not a challenge id
        challenges,
        openbadges,
        cohorts,
        trainer,
        learner,
        actions,
        photos,
        consultations,
        admin,
        reports,
    ):  # cohorts first
        app.include_router(module.router)
    app.mount("/static", CachedStatic(directory=static_dir), name="static")
    errors.install(app)
    _check_every_route_has_a_rule(app)
    app.add_middleware(ViewerMiddleware, db=db, settings=settings)
    app.add_middleware(SameOriginGuard)
    app.add_middleware(
        BodyLimit, max_bytes=settings.max_body_bytes, allowances=photos.body_allowances(settings)
    )
    app.add_middleware(GZipMiddleware, minimum_size=800)
    app.add_middleware(SecurityHeaders, hsts=settings.environment == "production")
    return app


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every APIRoute, also those of included routers (FastAPI keeps them as branches)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from api_routes(included.routes)


def _check_every_route_has_a_rule(app: FastAPI) -> None:
    missing = [route.path for route in api_routes(app.routes) if rule_of(route) is None]
    if missing:
        raise RuntimeError(f"routes without an access rule: {', '.join(missing)}")
