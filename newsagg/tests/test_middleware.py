"""The request log line, X-Request-ID, CORS and the security headers."""

import logging
import re
from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from conftest import run_manage
from newsagg.errors import SERVER_ERROR_MESSAGE, error_body
from newsagg.logs import RequestIdFilter

pytestmark = [pytest.mark.django_db, pytest.mark.urls("newsagg.tests.protected_urls")]

GENERATED_ID = re.compile(r"[0-9a-f]{32}")
LINE = re.compile(
    r"method=(?P<method>\S+) path=(?P<path>\S+) status=(?P<status>\d+) duration_ms=(?P<duration>\d+\.\d) "
    r"key=(?P<key>\S+) cache=(?P<cache>\S+) request_id=(?P<request_id>\S+)"
)
ORIGIN = "https://reader.example.com"
EXPOSED = (
    "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Cache-Status, X-Request-ID"
)


@pytest.fixture
def request_log(caplog):
    """The records of the request logger (it does not propagate to the root logger)."""
    request_logger = logging.getLogger("newsagg.request")
    request_logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="newsagg.request")
    yield lambda: [r for r in caplog.records if r.name == "newsagg.request"]
    request_logger.removeHandler(caplog.handler)


def only_line(request_log) -> dict:
    records = request_log()
    assert len(records) == 1
    match = LINE.fullmatch(records[0].getMessage())
    assert match, records[0].getMessage()
    return match.groupdict()


# ------------------------------------------------------------------------------
# X-Request-ID
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        pytest.param("get", "/healthz", HTTPStatus.OK, id="ok"),
        pytest.param("get", "/v1/test-whoami", HTTPStatus.UNAUTHORIZED, id="401"),
        pytest.param("get", "/v1/nope", HTTPStatus.NOT_FOUND, id="404-api"),
        pytest.param("get", "/nothing-here", HTTPStatus.NOT_FOUND, id="404-outside-api"),
        pytest.param("post", "/healthz", HTTPStatus.METHOD_NOT_ALLOWED, id="405"),
        pytest.param("get", "/v1/test-explode", HTTPStatus.INTERNAL_SERVER_ERROR, id="500"),
    ],
)
def test_every_response_carries_a_generated_request_id(client, request_log, method, path, status):
    response = getattr(client, method)(path)

    assert response.status_code == status
    assert GENERATED_ID.fullmatch(response["X-Request-ID"])
    assert only_line(request_log)["request_id"] == response["X-Request-ID"]


def test_two_requests_get_different_ids(client):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


@pytest.mark.parametrize(
    "sent",
    [
        pytest.param("a", id="one-char"),
        pytest.param("0f8c2b1e-7a55-4c1b-9d6e-2b1f0c3a9e11", id="uuid"),
        pytest.param("web.frontend_42-retry.1", id="dots-and-underscores"),
        pytest.param("x" * 128, id="128-chars"),
    ],
)
def test_a_sane_incoming_request_id_is_echoed_and_logged(client, request_log, sent):
    response = client.get("/v1/nope", HTTP_X_REQUEST_ID=sent)

    assert response["X-Request-ID"] == sent
    assert only_line(request_log)["request_id"] == sent


@pytest.mark.parametrize(
    "sent",
    [
        pytest.param("", id="empty"),
        pytest.param("x" * 129, id="129-chars"),
        pytest.param("two words", id="space"),
        pytest.param("abc\r\nSet-Cookie: a=b", id="crlf"),
        pytest.param("abc\x00", id="nul"),
        pytest.param("caf\xe9", id="non-ascii"),
        pytest.param("id=1 status=200", id="forged-log-fields"),
    ],
)
def test_an_insane_incoming_request_id_is_replaced(client, request_log, sent):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)

    assert GENERATED_ID.fullmatch(response["X-Request-ID"])
    assert "Set-Cookie" not in response
    assert only_line(request_log)["request_id"] == response["X-Request-ID"]


# ------------------------------------------------------------------------------
# The request log line
# ------------------------------------------------------------------------------
def test_authenticated_request_logs_one_line_with_key_prefix_and_cache_status(
    auth_client, api_key, raw_key, request_log, caplog
):
    response = auth_client.get("/v1/test-whoami?category=science", HTTP_X_REQUEST_ID="req-1")

    assert response.status_code == HTTPStatus.OK
    line = only_line(request_log)
    assert line == {
        "method": "GET",
        "path": "/v1/test-whoami",
        "status": "200",
        "duration": line["duration"],
        "key": api_key.prefix,
        "cache": "hit",
        "request_id": "req-1",
    }
    assert float(line["duration"]) >= 0
    assert request_log()[0].levelno == logging.INFO
    # The key is never logged, nor any part of its secret.
    secret = raw_key.removeprefix(api_key.prefix + "_")
    assert raw_key not in caplog.text
    assert secret not in caplog.text
    assert "Bearer" not in caplog.text


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        pytest.param(None, HTTPStatus.UNAUTHORIZED, id="no-key"),
        pytest.param("Bearer nagg_00000000_" + "A" * 43, HTTPStatus.UNAUTHORIZED, id="unknown-key"),
        pytest.param("Bearer not-a-key", HTTPStatus.UNAUTHORIZED, id="malformed-key"),
    ],
)
def test_failed_authentication_logs_no_key(client, request_log, caplog, authorization, status):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = client.get("/v1/test-whoami", **headers)

    assert response.status_code == status
    line = only_line(request_log)
    assert (line["status"], line["key"], line["cache"]) == (str(int(status)), "-", "-")
    assert "A" * 43 not in caplog.text
    assert "not-a-key" not in caplog.text


def test_server_error_is_logged_at_error_level_and_its_traceback_names_the_request_id(
    client, request_log, caplog
):
    response = client.get("/v1/test-explode", HTTP_X_REQUEST_ID="trace-me")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert only_line(request_log)["status"] == "500"
    assert request_log()[0].levelno == logging.ERROR
    [error] = [r for r in caplog.records if r.name == "newsagg.errors"]
    assert error.exc_info is not None
    assert error.getMessage() == (
        "Unhandled exception while handling a request method=GET path=/v1/test-explode request_id=trace-me"
    )


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/v1/test-explode", id="drf-view"),
        pytest.param("/test-plain-explode", id="plain-django-view"),
    ],
)
def test_djangos_own_500_log_line_names_the_request_id(caplog, path):
    # django.request (which does not propagate) logs a 500 a DRF view returned only after the
    # middleware is done; the id must still reach that line.
    django_request_logger = logging.getLogger("django.request")
    django_request_logger.addHandler(caplog.handler)
    try:
        response = APIClient(raise_request_exception=False).get(path, HTTP_X_REQUEST_ID="id-500")
    finally:
        django_request_logger.removeHandler(caplog.handler)

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.json() == error_body("server_error", SERVER_ERROR_MESSAGE)
    assert response["X-Request-ID"] == "id-500"
    [record] = [r for r in caplog.records if r.name == "django.request"]
    RequestIdFilter().filter(record)
    assert record.request_id == "id-500"


def test_hostile_path_stays_one_log_line(client, request_log):
    response = client.get("/v1/a%0D%0Astatus=200 key=forged%FF")

    assert response.status_code == HTTPStatus.NOT_FOUND
    line = only_line(request_log)
    assert line["path"] == "/v1/a%0D%0Astatus%3D200%20key%3Dforged%FF"
    assert line["status"] == "404"


def test_request_line_goes_to_stdout_as_configured():
    # A separate process, so the LOGGING setting itself is exercised, not pytest's capture.
    code = (
        "from django.test import Client; "
        "Client().get('/v1/nope', headers={'X-Request-ID': 'from-stdout'}, "
        "HTTP_AUTHORIZATION='Bearer nagg_00000000_secretsecret')"
    )
    result = manage("shell", "-c", code, ALLOWED_HOSTS="testserver")

    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "newsagg.request" in line]
    assert len(lines) == 1
    assert re.search(
        r" INFO newsagg\.request method=GET path=/v1/nope status=404 duration_ms=\d+\.\d "
        r"key=- cache=- request_id=from-stdout$",
        lines[0],
    )
    assert "secretsecret" not in result.stdout + result.stderr


# ------------------------------------------------------------------------------
# CORS
# ------------------------------------------------------------------------------
@pytest.fixture
def cors_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    return ORIGIN


def test_preflight_from_an_allowed_origin_is_answered_without_a_key(client, cors_origin):
    response = client.options(
        "/v1/test-whoami",
        HTTP_ORIGIN=cors_origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, x-request-id",
    )

    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == cors_origin
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == "accept, authorization, content-type, x-request-id"
    assert response["Access-Control-Max-Age"] == "86400"
    assert "Access-Control-Allow-Credentials" not in response
    assert GENERATED_ID.fullmatch(response["X-Request-ID"])


def test_response_to_an_allowed_origin_exposes_the_api_headers(auth_client, cors_origin):
    response = auth_client.get("/v1/test-whoami", HTTP_ORIGIN=cors_origin)

    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == cors_origin
    assert response["Access-Control-Expose-Headers"] == EXPOSED


def test_error_to_an_allowed_origin_is_readable_by_the_browser(client, cors_origin):
    response = client.get("/v1/test-whoami", HTTP_ORIGIN=cors_origin)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["Access-Control-Allow-Origin"] == cors_origin
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("origin", "path"),
    [
        pytest.param("https://evil.example.com", "/v1/test-whoami", id="origin-not-allowed"),
        pytest.param("http://reader.example.com", "/v1/test-whoami", id="other-scheme"),
        pytest.param(ORIGIN, "/healthz", id="outside-v1"),
        pytest.param(ORIGIN, "/nothing-here", id="outside-v1-404"),
    ],
)
def test_no_cors_headers_for_other_origins_or_paths(auth_client, cors_origin, origin, path):
    response = auth_client.get(path, HTTP_ORIGIN=origin)
    preflight = auth_client.options(path, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")

    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in preflight


def test_no_origin_is_allowed_by_default(auth_client):
    response = auth_client.get("/v1/test-whoami", HTTP_ORIGIN=ORIGIN)
    preflight = auth_client.options(
        "/v1/test-whoami", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )

    assert response.status_code == HTTPStatus.OK
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in preflight


def manage(*args, **env):
    return run_manage(*args, without=("DATABASE_URL",), SECRET_KEY="test-only", DEBUG="False", **env)


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("https://reader.example.com/", id="trailing-slash"),
        pytest.param("reader.example.com", id="no-scheme"),
        pytest.param("https://reader.example.com/app", id="path"),
        pytest.param("*", id="wildcard"),
    ],
)
def test_a_malformed_allowed_origin_stops_startup_with_a_clear_message(origin):
    result = manage("check", CORS_ALLOWED_ORIGINS=f"http://localhost:3000,{origin}")

    assert result.returncode != 0
    assert f"CORS_ALLOWED_ORIGINS: {origin!r} is not an origin." in result.stderr


def test_allowed_origins_from_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CORS_ALLOWED_ORIGINS)",
        CORS_ALLOWED_ORIGINS="https://reader.example.com,http://localhost:3000",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "['https://reader.example.com', 'http://localhost:3000']"


# ------------------------------------------------------------------------------
# Security headers
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param("/healthz", HTTPStatus.OK, id="healthz"),
        pytest.param("/v1/test-whoami", HTTPStatus.UNAUTHORIZED, id="401"),
        pytest.param("/v1/nope", HTTPStatus.NOT_FOUND, id="404-api"),
        pytest.param("/nothing-here", HTTPStatus.NOT_FOUND, id="404-json-handler"),
        pytest.param("/v1/test-explode", HTTPStatus.INTERNAL_SERVER_ERROR, id="500"),
    ],
)
def test_security_headers_on_every_response(client, path, status):
    response = client.get(path)

    assert response.status_code == status
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response


@pytest.mark.parametrize(
    ("hsts_seconds", "secure", "expected"),
    [
        pytest.param(31536000, True, "max-age=31536000", id="https-with-hsts"),
        pytest.param(31536000, False, None, id="plain-http-never"),
        pytest.param(0, True, None, id="hsts-off"),
    ],
)
def test_hsts_only_over_https_when_configured(client, settings, hsts_seconds, secure, expected):
    settings.SECURE_HSTS_SECONDS = hsts_seconds

    response = client.get("/v1/nope", secure=secure)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.get("Strict-Transport-Security") == expected


def test_hsts_follows_a_proxy_that_says_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    response = client.get("/healthz", HTTP_X_FORWARDED_PROTO="https")

    assert response["Strict-Transport-Security"] == "max-age=3600"
