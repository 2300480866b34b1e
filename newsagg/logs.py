"""Request ids and log-line helpers shared by the request log, the error handler and LOGGING."""

import logging
import re
import uuid
from contextvars import ContextVar
from urllib.parse import quote

REQUEST_ID_HEADER = "X-Request-ID"
# What a client may send as its own request id; anything else is replaced by a fresh one.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,128}")
NO_VALUE = "-"
# Values longer than this (a 10 kB path) are cut, so one request stays one readable line.
MAX_VALUE_LENGTH = 512

# The id of the request this thread is serving; "-" outside a request (commands, worker threads).
request_id_var: ContextVar[str] = ContextVar("request_id", default=NO_VALUE)


def request_id_from_header(value: str | None) -> str:
    """The client's request id when it is sane, else a new one (uuid4 hex)."""
    if value is not None and REQUEST_ID_PATTERN.fullmatch(value):
        return value
    return uuid.uuid4().hex


def current_request_id() -> str:
    return request_id_var.get()


def log_value(value: object) -> str:
    """One key=value token: no spaces, quotes, control or non-ASCII characters, bounded length."""
    text = str(value) if value not in (None, "") else NO_VALUE
    # Percent-encode everything outside a conservative set, so a hostile path cannot forge
    # extra fields or lines. "%" stays: paths arrive already percent-encoded where they were.
    token = quote(text, safe="/%:@!$()*+,._~-", errors="backslashreplace")
    if len(token) > MAX_VALUE_LENGTH:
        token = token[: MAX_VALUE_LENGTH - 3] + "..."
    return token


def key_value_line(**fields: object) -> str:
    return " ".join(f"{name}={log_value(value)}" for name, value in fields.items())


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so any log line can be tied to its request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # django.request logs a 5xx after the middleware has returned, with the request attached.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current_request_id()
        return True
