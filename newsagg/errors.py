"""One error envelope for the API: {"error": {"code", "message", "details"}}."""

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from newsagg.logs import current_request_id, key_value_line

logger = logging.getLogger("newsagg.errors")

SERVER_ERROR_MESSAGE = (
    "Something went wrong on our side. Try again in a moment; if it keeps happening, "
    "contact the service operator."
)
SERVICE_UNAVAILABLE_MESSAGE = "The service cannot reach its database right now. Try again in a minute."
INVALID_PARAMETER_MESSAGE = "Invalid parameters {fields}: see details."
METHOD_NOT_ALLOWED_MESSAGE = "{method} is not allowed on {path}; use one of: {allowed}."
NOT_AUTHENTICATED_MESSAGE = "No API key was sent. Send your key in the header 'Authorization: Bearer <key>'."
BAD_REQUEST_MESSAGE = (
    "The request could not be read: check the URL, the number of query parameters and the headers."
)
# Seconds a client should wait before retrying while the database is unreachable.
SERVICE_UNAVAILABLE_RETRY_AFTER = 30

# DRF's default codes that the API names differently.
CODE_ALIASES = {
    "throttled": "rate_limited",
    "invalid": "invalid_parameter",
    "parse_error": "invalid_parameter",
    "error": "server_error",
}


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = SERVICE_UNAVAILABLE_MESSAGE
    default_code = "service_unavailable"
    # DRF's handler turns `wait` into a Retry-After header.
    wait = SERVICE_UNAVAILABLE_RETRY_AFTER


class BadRequest(exceptions.APIException):
    """A request Django refuses to read (too many query parameters, a bad Host header)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = BAD_REQUEST_MESSAGE
    default_code = "invalid_parameter"


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def exception_handler(exc, context):
    """DRF's handler first (it keeps WWW-Authenticate and Retry-After), then the envelope."""
    if isinstance(exc, DatabaseError):
        logger.error("Database error while handling a request %s", _where(context), exc_info=exc)
        exc = ServiceUnavailable()
    elif isinstance(exc, SuspiciousOperation):
        logger.warning("Refused a malformed request %s: %s", _where(context), exc)
        exc = BadRequest()

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.error("Unhandled exception while handling a request %s", _where(context), exc_info=exc)
        return Response(
            error_body("server_error", SERVER_ERROR_MESSAGE), status=status.HTTP_500_INTERNAL_SERVER_ERROR
        )

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    code = CODE_ALIASES.get(exc.default_code, exc.default_code)
    details = dict(getattr(exc, "details", None) or {})
    if isinstance(exc, exceptions.ValidationError):
        details = _plain(exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail})
        message = _invalid_parameter_message(details)
    elif isinstance(exc, exceptions.NotAuthenticated):
        message = NOT_AUTHENTICATED_MESSAGE
    elif isinstance(exc, exceptions.MethodNotAllowed):
        request = context.get("request")
        message = METHOD_NOT_ALLOWED_MESSAGE.format(
            method=request.method, path=request.path, allowed=", ".join(context["view"].allowed_methods)
        )
    elif isinstance(exc, exceptions.ParseError):
        message = str(exc.detail)
    else:
        message = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else str(exc.default_detail)
    response.data = error_body(code, message, details)
    return response


def _invalid_parameter_message(details: dict) -> str:
    """Names the bad parameter (with its first problem), or every bad parameter when several."""
    if len(details) == 1:
        field, problems = next(iter(details.items()))
        first = problems[0] if isinstance(problems, list) and problems else problems
        return f"Invalid parameter '{field}': {first}"
    return INVALID_PARAMETER_MESSAGE.format(fields=", ".join(f"'{field}'" for field in details))


def bad_request(request, exception=None):
    """handler400: requests Django refuses before any view runs (e.g. a Host not allowed)."""
    return JsonResponse(error_body("invalid_parameter", BAD_REQUEST_MESSAGE), status=400)


def _where(context) -> str:
    request = context.get("request") if context else None
    return key_value_line(
        method=getattr(request, "method", None),
        path=getattr(request, "path", None),
        request_id=current_request_id(),
    )


def _plain(value):
    """ErrorDetail objects and lazy strings into plain JSON values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value)
