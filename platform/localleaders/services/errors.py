"""Domain errors. The web layer maps them to pages, form errors and status codes."""

from __future__ import annotations

from localleaders.i18n import Message


class DomainError(Exception):
    pass


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    pass


class Conflict(DomainError):
    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.msgid)


class InvalidInput(DomainError):
    """Carries one message per form field ("" for the form as a whole)."""

    def __init__(self, errors: dict[str, Message]) -> None:
        self.errors = errors
        super().__init__(", ".join(f"{k}: {v.msgid}" for k, v in errors.items()))
