"""Hostile input on the paths that exist: a 4xx envelope or a correct 200, never a 500."""

from http import HTTPStatus

import pytest

from apikeys.authentication import INVALID_KEY_MESSAGE, MALFORMED_HEADER_MESSAGE, MALFORMED_KEY_MESSAGE
from newsagg.errors import BAD_REQUEST_MESSAGE, NOT_AUTHENTICATED_MESSAGE, error_body

pytestmark = [pytest.mark.django_db, pytest.mark.urls("newsagg.tests.protected_urls")]

TEN_KB = "x=" + "a" * 10_240
# One more than DATA_UPLOAD_MAX_NUMBER_FIELDS.
TOO_MANY_FIELDS = "&".join(f"p{i}=1" for i in range(1001))
WRONG_SECRET = "A" * 43


def not_found(path: str) -> dict:
    return error_body(
        "not_found", f"No endpoint matches {path}. See /docs for the endpoints this API offers."
    )


# (path, WSGI environ overrides, status, body or None for "check the envelope shape only").
# The environ is what a WSGI server hands Django: QUERY_STRING and PATH_INFO are the raw
# bytes of the request line, decoded as latin-1; "{raw_key}" and "{prefix}" are filled in.
CASES = [
    # /healthz reads no query: anything in it is ignored.
    pytest.param("/healthz", {"QUERY_STRING": TEN_KB}, HTTPStatus.OK, None, id="healthz-10kB-query"),
    pytest.param(
        "/healthz", {"QUERY_STRING": "q=%zz&r=%&s=%2"}, HTTPStatus.OK, None, id="healthz-bad-percent"
    ),
    pytest.param(
        "/healthz", {"QUERY_STRING": "q=\x00\x01\x1b\x7f"}, HTTPStatus.OK, None, id="healthz-nul-ctrl"
    ),
    pytest.param("/healthz", {"QUERY_STRING": "q=\xff\xfe%ff"}, HTTPStatus.OK, None, id="healthz-non-utf8"),
    # DRF reads the query for its ?format= override, so Django's field limit applies everywhere.
    pytest.param(
        "/healthz",
        {"QUERY_STRING": TOO_MANY_FIELDS},
        HTTPStatus.BAD_REQUEST,
        error_body("invalid_parameter", BAD_REQUEST_MESSAGE),
        id="healthz-too-many-fields",
    ),
    pytest.param(
        "/healthz",
        {"HTTP_AUTHORIZATION": "Bearer " + "a" * 8192},
        HTTPStatus.OK,
        None,
        id="healthz-8kB-authorization",
    ),
    # Unknown /v1/ paths: a 404 envelope whatever the path holds.
    pytest.param("/v1/%00", {}, HTTPStatus.NOT_FOUND, not_found("/v1/\x00"), id="path-nul"),
    pytest.param("/v1/%01%1b%7f", {}, HTTPStatus.NOT_FOUND, not_found("/v1/\x01\x1b\x7f"), id="path-ctrl"),
    pytest.param("/v1/%FF%FE", {}, HTTPStatus.NOT_FOUND, not_found("/v1/%FF%FE"), id="path-non-utf8"),
    pytest.param(
        "/v1/x", {"PATH_INFO": "/v1/\xff"}, HTTPStatus.NOT_FOUND, not_found("/v1/%FF"), id="raw-path-non-utf8"
    ),
    pytest.param("/v1/%zz%", {}, HTTPStatus.NOT_FOUND, not_found("/v1/%zz%"), id="path-bad-percent"),
    pytest.param(
        "/v1/a%0D%0ASet-Cookie:%20x=1",
        {},
        HTTPStatus.NOT_FOUND,
        not_found("/v1/a\r\nSet-Cookie: x=1"),
        id="path-crlf",
    ),
    pytest.param("/v1/" + "a" * 10_240, {}, HTTPStatus.NOT_FOUND, None, id="path-10kB"),
    pytest.param("/v1/nope", {"QUERY_STRING": TEN_KB}, HTTPStatus.NOT_FOUND, None, id="unknown-10kB-query"),
    pytest.param(
        "/v1/nope",
        {"QUERY_STRING": TOO_MANY_FIELDS},
        HTTPStatus.NOT_FOUND,
        None,
        id="unknown-too-many-fields",
    ),
    # Authentication.
    pytest.param(
        "/v1/test-whoami",
        {},
        HTTPStatus.UNAUTHORIZED,
        error_body("not_authenticated", NOT_AUTHENTICATED_MESSAGE),
        id="no-key",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer " + "a" * 8192},
        HTTPStatus.UNAUTHORIZED,
        error_body("authentication_failed", MALFORMED_KEY_MESSAGE),
        id="bearer-8kB",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Basic " + "a" * 8192},
        HTTPStatus.UNAUTHORIZED,
        error_body("authentication_failed", MALFORMED_HEADER_MESSAGE),
        id="other-scheme-8kB",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer"},
        HTTPStatus.UNAUTHORIZED,
        error_body("authentication_failed", MALFORMED_HEADER_MESSAGE),
        id="bearer-without-key",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer {raw_key} extra"},
        HTTPStatus.UNAUTHORIZED,
        error_body("authentication_failed", MALFORMED_HEADER_MESSAGE),
        id="bearer-two-tokens",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer {raw_key}\x00"},
        HTTPStatus.UNAUTHORIZED,
        error_body("authentication_failed", MALFORMED_KEY_MESSAGE),
        id="bearer-key-with-nul",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer \x00\x01\x1b\x7f"},
        HTTPStatus.UNAUTHORIZED,
        error_body("authentication_failed", MALFORMED_KEY_MESSAGE),
        id="bearer-control-chars",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer {prefix}_\xff\xfe"},
        HTTPStatus.UNAUTHORIZED,
        error_body("authentication_failed", MALFORMED_KEY_MESSAGE),
        id="bearer-non-ascii",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer {prefix}_" + WRONG_SECRET},
        HTTPStatus.UNAUTHORIZED,
        error_body("authentication_failed", INVALID_KEY_MESSAGE),
        id="valid-prefix-wrong-secret",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer {prefix}_" + WRONG_SECRET + "'; DROP TABLE apikeys_apikey; --"},
        HTTPStatus.UNAUTHORIZED,
        error_body("authentication_failed", MALFORMED_HEADER_MESSAGE),
        id="sql-in-key",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer nagg_%_" + WRONG_SECRET},
        HTTPStatus.UNAUTHORIZED,
        error_body("authentication_failed", MALFORMED_KEY_MESSAGE),
        id="like-wildcard-prefix",
    ),
    # Authenticated, with a hostile query: read as Django parses it, or refused with a 400.
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer {raw_key}", "QUERY_STRING": "a=1&a=2&a=&b=%zz&c=%"},
        HTTPStatus.OK,
        {"prefix": "{prefix}", "query": {"a": ["1", "2", ""], "b": ["%zz"], "c": ["%"]}},
        id="repeated-and-bad-percent",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer {raw_key}", "QUERY_STRING": "q=%00%01\x00"},
        HTTPStatus.OK,
        {"prefix": "{prefix}", "query": {"q": ["\x00\x01\x00"]}},
        id="query-nul-ctrl",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer {raw_key}", "QUERY_STRING": "q=%ff\xfe"},
        HTTPStatus.OK,
        # A query that is not UTF-8 is read as latin-1, and %ff is not UTF-8: replaced.
        {"prefix": "{prefix}", "query": {"q": ["\ufffd\xfe"]}},
        id="query-non-utf8",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer {raw_key}", "QUERY_STRING": TEN_KB},
        HTTPStatus.OK,
        {"prefix": "{prefix}", "query": {"x": ["a" * 10_240]}},
        id="query-10kB",
    ),
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_AUTHORIZATION": "Bearer {raw_key}", "QUERY_STRING": TOO_MANY_FIELDS},
        HTTPStatus.BAD_REQUEST,
        error_body("invalid_parameter", BAD_REQUEST_MESSAGE),
        id="query-too-many-fields",
    ),
    # Requests Django refuses before any view: still the envelope.
    pytest.param(
        "/v1/test-whoami",
        {"HTTP_HOST": "evil.example.com"},
        HTTPStatus.BAD_REQUEST,
        error_body("invalid_parameter", BAD_REQUEST_MESSAGE),
        id="host-not-allowed",
    ),
    pytest.param(
        "/healthz",
        {"HTTP_HOST": "bad host\x00"},
        HTTPStatus.BAD_REQUEST,
        error_body("invalid_parameter", BAD_REQUEST_MESSAGE),
        id="host-malformed",
    ),
]


def fill(value, *, prefix: str, raw_key: str):
    if isinstance(value, str):
        return value.replace("{raw_key}", raw_key).replace("{prefix}", prefix)
    if isinstance(value, dict):
        return {k: fill(v, prefix=prefix, raw_key=raw_key) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("path", "environ", "status", "body"), CASES)
def test_hostile_input_gets_an_envelope_never_a_500(client, api_key, raw_key, path, environ, status, body):
    environ = fill(environ, prefix=api_key.prefix, raw_key=raw_key)

    response = client.generic("GET", path, **environ)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    data = response.json()
    if body is not None:
        assert data == fill(body, prefix=api_key.prefix, raw_key=raw_key)
    if status >= HTTPStatus.BAD_REQUEST:
        assert set(data) == {"error"}
        assert set(data["error"]) == {"code", "message", "details"}
    if status == HTTPStatus.UNAUTHORIZED:
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_wrong_secret_does_not_touch_the_key(client, api_key):
    response = client.get("/v1/test-whoami", HTTP_AUTHORIZATION=f"Bearer {api_key.prefix}_{WRONG_SECRET}")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    api_key.refresh_from_db()
    assert api_key.last_used_at is None
