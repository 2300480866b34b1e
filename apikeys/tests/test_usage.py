from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest

from apikeys.models import UsageWindow
from apikeys.selectors import usage_get
from apikeys.services import api_key_create
from apikeys.tests.conftest import T0
from apikeys.views import UsageApi

pytestmark = pytest.mark.django_db

HOUR = datetime(2026, 11, 21, 14, tzinfo=UTC)


@pytest.mark.parametrize("path", ["/v1/usage", "/v1/usage/"])
def test_fresh_key_reports_a_fresh_window(auth_client, api_key, clock, path):
    response = auth_client.get(path)

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "prefix": api_key.prefix,
        "name": "test client",
        "limit": 100,
        "used": 0,
        "remaining": 100,
        "reset_at": "2026-11-21T15:00:00Z",
        "window_start": "2026-11-21T14:00:00Z",
    }


def test_reports_the_current_window_only(auth_client, api_key, clock):
    other_key, _raw = api_key_create(name="someone else")
    UsageWindow.objects.create(api_key=api_key, window_start=HOUR - timedelta(hours=1), requests=99)
    UsageWindow.objects.create(api_key=api_key, window_start=HOUR, requests=7)
    UsageWindow.objects.create(api_key=other_key, window_start=HOUR, requests=40)

    body = auth_client.get("/v1/usage").json()

    assert (body["used"], body["remaining"]) == (7, 93)


def test_reports_the_key_s_own_limit(clock):
    api_key, _raw_key = api_key_create(name="partner", rate_limit=5)
    UsageWindow.objects.create(api_key=api_key, window_start=HOUR, requests=5)

    usage = usage_get(api_key=api_key, now=T0)

    assert (usage.limit, usage.used, usage.remaining) == (5, 5, 0)


def test_remaining_never_goes_below_zero(api_key):
    UsageWindow.objects.create(api_key=api_key, window_start=HOUR, requests=150)

    assert usage_get(api_key=api_key, now=T0).remaining == 0


def test_a_new_clock_hour_starts_a_new_window(auth_client, api_key, clock):
    UsageWindow.objects.create(api_key=api_key, window_start=HOUR, requests=30)

    clock.now = HOUR + timedelta(minutes=59, seconds=59)
    assert auth_client.get("/v1/usage").json()["used"] == 30

    clock.now = HOUR + timedelta(hours=1)
    body = auth_client.get("/v1/usage").json()
    assert (body["used"], body["window_start"], body["reset_at"]) == (
        0,
        "2026-11-21T15:00:00Z",
        "2026-11-21T16:00:00Z",
    )


def test_usage_is_not_throttled():
    # Reporting the quota must not spend it, whatever the default throttle becomes.
    assert UsageApi.throttle_classes == []


def test_usage_needs_a_key():
    from rest_framework.test import APIClient

    assert APIClient().get("/v1/usage").status_code == HTTPStatus.UNAUTHORIZED


def test_usage_is_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    # The path is written with or without its optional slash, depending on the schema hooks.
    [operation] = [ops["get"] for path, ops in schema["paths"].items() if path.rstrip("/") == "/v1/usage"]
    response_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert response_schema == {"$ref": "#/components/schemas/Usage"}
    assert set(schema["components"]["schemas"]["Usage"]["properties"]) == {
        "prefix",
        "name",
        "limit",
        "used",
        "remaining",
        "reset_at",
        "window_start",
    }
