"""Registering, authenticating and managing one's own account."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from localleaders.i18n import LOCALES, N_, Message
from localleaders.models import Role, User, UserPoints
from localleaders.services import passwords
from localleaders.services.errors import InvalidInput, NotFound

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,39}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def clean_text(value: str) -> str:
    """Trims and drops control characters, which have no place in a name."""
    value = unicodedata.normalize("NFC", value.strip())
    return "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")


def password_problem(password: str) -> Message | None:
    if len(password) < passwords.MIN_LENGTH:
        return Message(N_("Use at least %(min)d characters."), {"min": passwords.MIN_LENGTH})
    if len(password) > passwords.MAX_LENGTH:
        return Message(N_("Use at most %(max)d characters."), {"max": passwords.MAX_LENGTH})
    return None


def _validate_registration(
    username: str, display_name: str, password: str, email: str
) -> dict[str, Message]:
    errors: dict[str, Message] = {}
    if not USERNAME.match(username):
        errors["username"] = Message(
            N_("3 to 40 characters: Latin letters, digits, dot, dash or underscore.")
        )
    if not 2 <= len(display_name) <= 60:
        errors["display_name"] = Message(N_("Use 2 to 60 characters."))
    if (problem := password_problem(password)) is not None:
        errors["password"] = problem
    if email and (len(email) > 254 or not EMAIL.match(email)):
        errors["email"] = Message(N_("This does not look like an e-mail address."))
    return errors


def register(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    email: str = "",
    role: Role = Role.learner,
    locale: str | None = None,
) -> User:
    username = username.strip().lower()
    display_name = clean_text(display_name)
    email = email.strip().lower()
    errors = _validate_registration(username, display_name, password, email)
    if not errors and session.exec(select(User.id).where(User.username == username)).first():
        errors["username"] = Message(N_("This username is taken. Try another one."))
    if errors:
        raise InvalidInput(errors)
    user = User(
        username=username,
        display_name=display_name,
        email=email or None,
        role=role,
        password_hash=passwords.hash_password(password),
        locale=locale if locale in LOCALES else None,
    )
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        raise InvalidInput(
            {"username": Message(N_("This username is taken. Try another one."))}
        ) from None
    assert user.id is not None
    session.add(UserPoints(user_id=user.id, total=0))
    session.flush()
    return user


def authenticate(session: Session, *, username: str, password: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    valid = passwords.verify_password(password, user.password_hash if user else None)
    if user is None or not valid or not user.is_active:
        raise InvalidInput({"": Message(N_("Wrong username or password."))})
    return user


def change_password(session: Session, *, user: User, current: str, new: str) -> None:
    errors: dict[str, Message] = {}
    if not passwords.verify_password(current, user.password_hash):
        errors["current_password"] = Message(N_("This is not your current password."))
    if (problem := password_problem(new)) is not None:
        errors["new_password"] = problem
    elif user.must_change_password and passwords.normalize(new) == passwords.normalize(current):
        errors["new_password"] = Message(N_("Choose a new password, not the temporary one."))
    if errors:
        raise InvalidInput(errors)
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False  # an admin's temporary password is replaced
    session.add(user)
    session.flush()


def set_locale(session: Session, *, user: User, locale: str) -> None:
    if locale not in LOCALES:
        raise InvalidInput({"locale": Message(N_("This language is not available."))})
    user.locale = locale
    session.add(user)
    session.flush()


GENDERS = ("female", "male", "other")


def set_gender(session: Session, *, user: User, gender: str) -> None:
    """Optional and self-reported, only for the impact report's totals; "" withdraws it."""
    if gender and gender not in GENDERS:
        raise InvalidInput({"gender": Message(N_("Choose one of the options."))})
    user.gender = gender or None
    session.add(user)
    session.flush()


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def count_users(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()
