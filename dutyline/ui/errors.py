"""Errors in words a handler understands: never a traceback, never the personal data that caused it."""

from __future__ import annotations

from dutyline.domain.call_form import FormProblems
from dutyline.services.context import Conflict, PermissionDenied, ServiceError

GENERIC = (
    "Something went wrong while talking to the database, so nothing was saved. "
    "Try again; if it keeps happening, tell your supervisor (error type: {kind})."
)


def describe(exc: BaseException) -> str:
    """One or two sentences for the screen. Service errors are written to be shown as they stand."""
    if isinstance(exc, FormProblems):
        return " ".join(exc.problems)
    if isinstance(exc, Conflict | PermissionDenied | ServiceError):
        return str(exc)
    if isinstance(exc, TimeoutError | ConnectionError):
        return "The database did not answer in time. Check the network and try again; nothing was saved."
    # Anything else: name only the type (the message of a driver error can quote a name or a note).
    return GENERIC.format(kind=type(exc).__name__)
