from datetime import UTC, datetime
from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from apikeys.models import UsageWindow
from apikeys.services import api_key_create, api_key_revoke
from apikeys.tests.clock import Clock
from apikeys.throttling import RATE_LIMIT_EXCEEDED_MESSAGE, ApiKeyRateThrottle, seconds

pytestmark = [pytest.mark.django_db, pytest.mark.urls("apikeys.tests.urls")]

COUNTED = "/v1/test-counted"
# 13:39:26 UTC: 1234 seconds before the window ends at 14:00:00.
NOW = datetime(2026, 11, 21, 13, 39, 26, tzinfo=UTC)
WINDOW_13H = datetime(2026, 11, 21, 13, tzinfo=UTC)
WINDOW_14H = datetime(2026, 11, 21, 14, tzinfo=UTC)
RESET_14H = "1795269600"  # 2026-11-21T14:00:00Z
RESET_15H = "1795273200"  # 2026-11-21T15:00:00Z
HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(NOW)
    monkeypatch.setattr(ApiKeyRateThrottle, "timer", clock)
    return clock


def client_for(limit: int | None = None, name: str = "client") -> tuple[APIClient, object]:
    api_key, raw_key = api_key_create(name=name, rate_limit=limit)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client, api_key


def rate_headers(response) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in HEADERS}


def counts(api_key) -> dict[datetime, int]:
    return dict(UsageWindow.objects.filter(api_key=api_key).values_list("window_start", "requests"))


def test_message_template_reads_as_documented():
    message = RATE_LIMIT_EXCEEDED_MESSAGE.format(limit=100, reset_at=WINDOW_14H, wait=seconds(1234))

    assert message == (
        "Rate limit of 100 requests per hour exceeded; it resets at 14:00:00 UTC, in 1234 seconds."
    )


def test_counted_responses_carry_the_rate_limit_headers(clock, auth_client, api_key):
    first = auth_client.get(COUNTED)
    second = auth_client.get(COUNTED)

    assert first.status_code == HTTPStatus.OK
    assert first.json() == {"pong": True}
    assert rate_headers(first) == {
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Remaining": "99",
        "X-RateLimit-Reset": RESET_14H,
    }
    assert rate_headers(second)["X-RateLimit-Remaining"] == "98"
    assert counts(api_key) == {WINDOW_13H: 2}


def test_request_past_the_limit_gets_429_with_retry_after(clock):
    client, api_key = client_for(limit=3)

    remaining = [client.get(COUNTED)["X-RateLimit-Remaining"] for _ in range(3)]
    response = client.get(COUNTED)

    assert remaining == ["2", "1", "0"]
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json() == {
        "error": {
            "code": "rate_limited",
            "message": (
                "Rate limit of 3 requests per hour exceeded; it resets at 14:00:00 UTC, in 1234 seconds."
            ),
            "details": {"limit": 3, "reset_at": "2026-11-21T14:00:00Z", "retry_after": 1234},
        }
    }
    assert response["Retry-After"] == "1234"
    assert rate_headers(response) == {
        "X-RateLimit-Limit": "3",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": RESET_14H,
    }
    assert counts(api_key) == {WINDOW_13H: 3}


def test_rejected_requests_do_not_consume_quota(clock):
    client, api_key = client_for(limit=2)
    for _ in range(2):
        client.get(COUNTED)

    statuses = [client.get(COUNTED).status_code for _ in range(5)]

    assert statuses == [HTTPStatus.TOO_MANY_REQUESTS] * 5
    assert counts(api_key) == {WINDOW_13H: 2}


@pytest.mark.parametrize("limit", [pytest.param(1, id="one"), pytest.param(5, id="five")])
def test_each_key_has_its_own_limit(clock, limit):
    client, _ = client_for(limit=limit)

    statuses = [client.get(COUNTED).status_code for _ in range(limit + 1)]

    assert statuses == [HTTPStatus.OK] * limit + [HTTPStatus.TOO_MANY_REQUESTS]


def test_a_new_key_gets_the_configured_default_limit(clock, settings):
    settings.API_RATE_LIMIT_PER_HOUR = 7
    client, _ = client_for()

    response = client.get(COUNTED)

    assert rate_headers(response)["X-RateLimit-Limit"] == "7"
    assert rate_headers(response)["X-RateLimit-Remaining"] == "6"


def test_two_keys_do_not_share_a_count(clock):
    first, first_key = client_for(limit=2, name="first")
    second, second_key = client_for(limit=2, name="second")
    for _ in range(3):
        first.get(COUNTED)

    response = second.get(COUNTED)

    assert response.status_code == HTTPStatus.OK
    assert response["X-RateLimit-Remaining"] == "1"
    assert counts(first_key) == {WINDOW_13H: 2}
    assert counts(second_key) == {WINDOW_13H: 1}


def test_a_new_clock_hour_opens_a_new_window(clock):
    client, api_key = client_for(limit=2)
    clock.at = datetime(2026, 11, 21, 13, 59, 59, tzinfo=UTC)
    for _ in range(2):
        client.get(COUNTED)
    last_of_hour = client.get(COUNTED)

    clock.advance(seconds=1)
    first_of_next = client.get(COUNTED)

    assert last_of_hour.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert last_of_hour["Retry-After"] == "1"
    assert last_of_hour.json()["error"]["message"] == (
        "Rate limit of 2 requests per hour exceeded; it resets at 14:00:00 UTC, in 1 second."
    )
    assert first_of_next.status_code == HTTPStatus.OK
    assert rate_headers(first_of_next) == {
        "X-RateLimit-Limit": "2",
        "X-RateLimit-Remaining": "1",
        "X-RateLimit-Reset": RESET_15H,
    }
    assert counts(api_key) == {WINDOW_13H: 2, WINDOW_14H: 1}


def test_a_lowered_limit_applies_at_once(clock):
    client, api_key = client_for(limit=5)
    for _ in range(3):
        client.get(COUNTED)
    api_key.rate_limit = 2
    api_key.save(update_fields=["rate_limit"])

    response = client.get(COUNTED)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert rate_headers(response)["X-RateLimit-Remaining"] == "0"
    assert counts(api_key) == {WINDOW_13H: 3}


def test_a_key_with_limit_zero_is_always_refused(clock):
    client, api_key = client_for(limit=0)

    response = client.get(COUNTED)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["error"]["details"] == {
        "limit": 0,
        "reset_at": "2026-11-21T14:00:00Z",
        "retry_after": 1234,
    }
    assert counts(api_key) == {}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param("/v1/test-counted-invalid", HTTPStatus.BAD_REQUEST, id="invalid-parameter"),
        pytest.param("/v1/test-counted-explode", HTTPStatus.INTERNAL_SERVER_ERROR, id="server-error"),
    ],
)
def test_error_responses_of_counted_requests_carry_the_headers(clock, auth_client, api_key, path, status):
    response = auth_client.get(path)

    assert response.status_code == status
    assert rate_headers(response) == {
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Remaining": "99",
        "X-RateLimit-Reset": RESET_14H,
    }
    assert counts(api_key) == {WINDOW_13H: 1}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param("/v1/test-uncounted", HTTPStatus.OK, id="throttle-classes-empty"),
        pytest.param("/healthz", HTTPStatus.OK, id="healthz"),
        pytest.param("/v1/no-such-endpoint", HTTPStatus.NOT_FOUND, id="unknown-path"),
    ],
)
def test_uncounted_views_neither_count_nor_send_headers(clock, auth_client, api_key, path, status):
    response = auth_client.get(path)

    assert response.status_code == status
    assert rate_headers(response) == dict.fromkeys(HEADERS)
    assert counts(api_key) == {}


def test_a_request_without_a_key_is_not_counted_where_none_is_required(clock, api_key):
    response = APIClient().get("/v1/test-public")

    assert response.status_code == HTTPStatus.OK
    assert rate_headers(response) == dict.fromkeys(HEADERS)
    assert UsageWindow.objects.count() == 0


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="no-key"),
        pytest.param("Bearer nagg_00000000_" + "x" * 43, id="unknown-key"),
    ],
)
def test_rejected_authentication_is_not_counted(clock, api_key, authorization):
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)

    response = client.get(COUNTED)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert rate_headers(response) == dict.fromkeys(HEADERS)
    assert UsageWindow.objects.count() == 0


def test_a_revoked_key_is_not_counted(clock, auth_client, api_key):
    api_key_revoke(api_key=api_key)

    response = auth_client.get(COUNTED)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert counts(api_key) == {}
