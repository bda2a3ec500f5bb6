"""Browsing: home, the catalogue, course and lesson pages, language choice, health."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from localleaders.i18n import LOCALES, N_, Message, translations_for
from localleaders.services import accounts, achievements, catalogue, learning, profile
from localleaders.services.errors import NotFound
from localleaders.web import celebrate
from localleaders.web.access import anyone
from localleaders.web.deps import DbDep, LocaleDep, ProgramDep, SettingsDep, TemplatesDep, ViewerId
from localleaders.web.forms import FormLists, first, safe_next
from localleaders.web.viewer import LANGUAGE_COOKIE

router = APIRouter()


@router.get("/", response_class=HTMLResponse, dependencies=[anyone])
def show_home(
    request: Request, db: DbDep, templates: TemplatesDep, program: ProgramDep, user_id: ViewerId,
    locale: LocaleDep,
) -> HTMLResponse:  # fmt: skip
    with db.session() as session:
        tracks = catalogue.catalogue(session, user_id=user_id, locale=locale)
        standing = (
            profile.standing(session, user_id=user_id, levels=program.levels) if user_id else None
        )
    return templates.render(request, "pages/home.html", {"tracks": tracks, "standing": standing})


@router.get("/courses", response_class=HTMLResponse, dependencies=[anyone])
def show_catalogue(
    request: Request, db: DbDep, templates: TemplatesDep, user_id: ViewerId, locale: LocaleDep
) -> HTMLResponse:
    with db.session() as session:
        tracks = catalogue.catalogue(session, user_id=user_id, locale=locale)
    return templates.render(request, "pages/catalogue.html", {"tracks": tracks})


@router.get("/courses/{slug}", response_class=HTMLResponse, dependencies=[anyone])
def show_course(
    request: Request, slug: str, db: DbDep, templates: TemplatesDep, user_id: ViewerId,
    locale: LocaleDep,
) -> HTMLResponse:  # fmt: skip
    with db.session() as session:
        outline = catalogue.course_outline(session, slug=slug, user_id=user_id, locale=locale)
    return templates.render(request, "pages/course.html", {"outline": outline})


@router.get("/courses/{course}/{slug}", response_class=HTMLResponse, dependencies=[anyone])
def show_lesson(
    request: Request,
    course: str,
    slug: str,
    db: DbDep,
    templates: TemplatesDep,
    program: ProgramDep,
    user_id: ViewerId,
    locale: LocaleDep,
    earned: int = 0,
    c: str = "",
) -> HTMLResponse:
    with db.session() as session:
        page = catalogue.lesson_page(
            session, course_slug=course, slug=slug, user_id=user_id, locale=locale
        )
        standing = (
            profile.standing(session, user_id=user_id, levels=program.levels) if user_id else None
        )
        opened = learning.opened(session, user_id=user_id, lesson_id=page.lesson.id)
        celebrated = achievements.celebrated(
            session, rules=program, user_id=user_id or 0, ids=celebrate.ids_from(c)
        )
    if user_id and not page.completed and not opened:
        with db.session(write=True) as session:
            learning.open_lesson(session, user_id=user_id, lesson_id=page.lesson.id)
    context = {"page": page, "standing": standing, "earned": max(0, min(earned, 10_000)),
               "celebrated": celebrated}  # fmt: skip
    return templates.render(request, "pages/lesson.html", context)


@router.post("/language", dependencies=[anyone])
def choose_language(request: Request, form: FormLists, db: DbDep) -> RedirectResponse:
    locale = first(form, "locale")
    locale = locale if locale in LOCALES else request.app.state.settings.default_locale
    user = request.state.user
    if user is not None:
        with db.session(write=True) as session:
            accounts.set_locale(session, user=session.merge(user), locale=locale)
    response = RedirectResponse(safe_next(first(form, "next")), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE, locale, max_age=365 * 86400, secure=True, httponly=True, samesite="lax"
    )
    return response


@router.get("/styleguide", response_class=HTMLResponse, dependencies=[anyone])
def show_styleguide(
    request: Request, templates: TemplatesDep, settings: SettingsDep
) -> HTMLResponse:
    """The design system on one page, for the people who build the product only."""
    if settings.environment != "development":
        raise NotFound()
    errors = {"sg_password": Message(N_("Use at least %(min)d characters."), {"min": 12})}
    return templates.render(request, "pages/styleguide.html", {"sg_errors": errors})


@router.get("/manifest.webmanifest", dependencies=[anyone])
def show_manifest(request: Request, templates: TemplatesDep, locale: LocaleDep) -> Response:
    """The web app manifest in the reader's language, with icon links that carry digests."""
    body = templates.env.get_template("manifest.webmanifest").render(
        static=templates.static_url, locale=locale, translations=translations_for(locale)
    )
    headers = {"Cache-Control": "private, max-age=86400", "Content-Language": locale,
               "Vary": "Cookie, Accept-Language"}  # fmt: skip
    return Response(body, media_type="application/manifest+json", headers=headers)


@router.get("/healthz", dependencies=[anyone])
def health(db: DbDep) -> PlainTextResponse:
    with db.session() as session:
        accounts.count_users(session)
    return PlainTextResponse("ok")
