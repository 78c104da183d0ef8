"""What a visitor sees when an event handler fails: a reference id, never the exception.

Reflex's default toast shows `SomeError: <message>` outside its prod mode — raw SQL and
file paths included. Here the traceback goes to the log under a short reference id, and the
visitor gets only that id to quote to support (in every environment but development).
"""

from __future__ import annotations

import logging
import secrets

import reflex as rx

from vibecoder.settings import get_settings

logger = logging.getLogger("vibecoder.errors")


def backend_exception_handler(exception: Exception):
    reference = secrets.token_hex(4)
    logger.error("unhandled error in an event handler [ref %s]", reference, exc_info=exception)
    detail = f"Reference {reference}."
    if get_settings().environment == "development":
        detail += f" ({type(exception).__name__}: {str(exception)[:300]})"
    return rx.toast.error(
        "Something went wrong on our side.",
        description=detail,
        position="top-center",
        id="backend_error",
    )
