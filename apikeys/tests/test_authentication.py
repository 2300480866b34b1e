from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apikeys.authentication import (
    EXPIRED_KEY_MESSAGE,
    INVALID_KEY_MESSAGE,
    MALFORMED_HEADER_MESSAGE,
    MALFORMED_KEY_MESSAGE,
    REVOKED_KEY_MESSAGE,
)
from apikeys.models import ApiKey
from apikeys.services import api_key_create, api_key_revoke
from apikeys.tests.conftest import T0
from newsagg.errors import NOT_AUTHENTICATED_MESSAGE

pytestmark = pytest.mark.django_db

USAGE_URL = "/v1/usage"
WRONG_SECRET = "A" * 43


def get_usage(authorization: str | None = None):
    client = APIClient()
    if authorization is not None:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    return client.get(USAGE_URL)


def assert_401(response, code: str, message: str):
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {"error": {"code": code, "message": message, "details": {}}}


def test_no_header_is_not_authenticated():
    assert_401(get_usage(), "not_authenticated", NOT_AUTHENTICATED_MESSAGE)


def test_empty_header_is_not_authenticated():
    assert_401(get_usage(""), "not_authenticated", NOT_AUTHENTICATED_MESSAGE)


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param("Bearer", id="scheme-without-key"),
        pytest.param("Bearer nagg_1a2b3c4d_x extra", id="two-values"),
        pytest.param("Basic dXNlcjpwYXNz", id="basic-scheme"),
        pytest.param("Token nagg_1a2b3c4d_" + "a" * 43, id="token-scheme"),
        pytest.param("nagg_1a2b3c4d_" + "a" * 43, id="key-without-scheme"),
    ],
)
def test_malformed_header_fails(authorization):
    assert_401(get_usage(authorization), "authentication_failed", MALFORMED_HEADER_MESSAGE)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("not-a-key", id="garbage"),
        pytest.param("nagg_1a2b3c4d", id="prefix-only"),
        pytest.param("nagg_1a2b3c4d_short", id="short-secret"),
        pytest.param("nagg_zzzzzzzz_" + "a" * 43, id="non-hex-prefix"),
        pytest.param("nagg_1a2b3c4d_" + "é" * 43, id="non-ascii"),
    ],
)
def test_malformed_key_fails(key):
    assert_401(get_usage(f"Bearer {key}"), "authentication_failed", MALFORMED_KEY_MESSAGE)


def test_unknown_key_fails(api_key):
    unknown = "nagg_00000000_" + "a" * 43
    assert not ApiKey.objects.filter(prefix="nagg_00000000").exists()

    assert_401(get_usage(f"Bearer {unknown}"), "authentication_failed", INVALID_KEY_MESSAGE)


def test_right_prefix_with_wrong_secret_fails_like_an_unknown_key(api_key, raw_key):
    forged = f"{api_key.prefix}_{WRONG_SECRET}"
    assert forged != raw_key

    assert_401(get_usage(f"Bearer {forged}"), "authentication_failed", INVALID_KEY_MESSAGE)


def test_revoked_key_fails_and_says_so(api_key, raw_key):
    api_key_revoke(api_key=api_key)

    response = get_usage(f"Bearer {raw_key}")

    assert_401(response, "authentication_failed", REVOKED_KEY_MESSAGE.format(at=api_key.revoked_at))
    assert "revoked" in response.json()["error"]["message"]


def test_revoked_key_with_wrong_secret_does_not_reveal_the_revocation(api_key):
    api_key_revoke(api_key=api_key)

    response = get_usage(f"Bearer {api_key.prefix}_{WRONG_SECRET}")

    assert_401(response, "authentication_failed", INVALID_KEY_MESSAGE)


def test_expired_key_fails_and_says_so(clock):
    api_key, raw_key = api_key_create(name="short-lived", expires_at=T0 - timedelta(minutes=1))

    response = get_usage(f"Bearer {raw_key}")

    assert_401(response, "authentication_failed", EXPIRED_KEY_MESSAGE.format(at=api_key.expires_at))
    assert response.json()["error"]["message"] == (
        "This API key expired on 2026-11-21 14:24 UTC. Ask the service operator for a new one."
    )


def test_bearer_scheme_is_case_insensitive(raw_key):
    assert get_usage(f"bearer {raw_key}").status_code == HTTPStatus.OK


def test_valid_key_authenticates_as_that_key(api_key, raw_key):
    response = get_usage(f"Bearer {raw_key}")

    assert response.status_code == HTTPStatus.OK
    assert response.wsgi_request.auth == api_key
    assert response.json()["prefix"] == api_key.prefix


def test_revocation_takes_effect_on_the_next_request(auth_client, api_key):
    assert auth_client.get(USAGE_URL).status_code == HTTPStatus.OK

    api_key_revoke(api_key=api_key)

    response = auth_client.get(USAGE_URL)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "revoked" in response.json()["error"]["message"]


def test_expiry_takes_effect_on_the_next_request(clock):
    _api_key, raw_key = api_key_create(name="short-lived", expires_at=T0 + timedelta(hours=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")

    clock.now = T0 + timedelta(minutes=59, seconds=59)
    assert client.get(USAGE_URL).status_code == HTTPStatus.OK

    clock.now = T0 + timedelta(hours=1)
    response = client.get(USAGE_URL)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "expired" in response.json()["error"]["message"]


def last_used(api_key) -> datetime | None:
    return ApiKey.objects.values_list("last_used_at", flat=True).get(pk=api_key.pk)


def request_at(client, clock, now) -> list[str]:
    """One request at `now`; returns the UPDATE statements it made."""
    clock.now = now
    with CaptureQueriesContext(connection) as queries:
        assert client.get(USAGE_URL).status_code == HTTPStatus.OK
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


def test_last_used_is_written_at_most_once_a_minute(auth_client, api_key, clock):
    assert last_used(api_key) is None

    assert len(request_at(auth_client, clock, T0)) == 1
    assert last_used(api_key) == T0

    assert request_at(auth_client, clock, T0 + timedelta(seconds=30)) == []
    assert request_at(auth_client, clock, T0 + timedelta(seconds=59)) == []
    assert last_used(api_key) == T0

    assert len(request_at(auth_client, clock, T0 + timedelta(minutes=1))) == 1
    assert last_used(api_key) == T0 + timedelta(minutes=1)


def test_last_used_is_not_written_for_a_failed_request(api_key, clock):
    get_usage(f"Bearer {api_key.prefix}_{WRONG_SECRET}")
    api_key_revoke(api_key=api_key)

    assert last_used(api_key) is None


def test_revoked_message_is_in_utc():
    revoked_at = datetime(2026, 11, 21, 9, 5, tzinfo=UTC)

    assert REVOKED_KEY_MESSAGE.format(at=revoked_at) == (
        "This API key was revoked on 2026-11-21 09:05 UTC. Ask the service operator for a new one."
    )
