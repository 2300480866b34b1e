from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apikeys.models import ApiKey, UsageWindow
from apikeys.services import api_key_create
from apikeys.usage import usage_increment

pytestmark = pytest.mark.django_db

WINDOW = datetime(2026, 11, 21, 13, tzinfo=UTC)


def test_usage_increment_counts_up_to_the_limit_and_no_further(api_key):
    results = [usage_increment(api_key=api_key, window_start=WINDOW, limit=3) for _ in range(5)]

    assert results == [1, 2, 3, None, None]
    assert UsageWindow.objects.get(api_key=api_key, window_start=WINDOW).requests == 3


def test_usage_increment_continues_a_window_written_through_the_orm(api_key):
    # The raw statement must store window_start exactly as the ORM does, or the two would
    # keep separate rows for one window (SQLite stores datetimes as text).
    UsageWindow.objects.create(api_key=api_key, window_start=WINDOW, requests=5)

    result = usage_increment(api_key=api_key, window_start=WINDOW, limit=10)

    assert result == 6
    assert list(UsageWindow.objects.values_list("window_start", "requests")) == [(WINDOW, 6)]


def test_usage_increment_keeps_one_row_per_key_and_window(api_key):
    other, _ = api_key_create(name="other")
    next_window = WINDOW + timedelta(hours=1)

    usage_increment(api_key=api_key, window_start=WINDOW, limit=10)
    usage_increment(api_key=api_key, window_start=next_window, limit=10)
    usage_increment(api_key=other, window_start=WINDOW, limit=10)
    usage_increment(api_key=api_key, window_start=WINDOW, limit=10)

    rows = UsageWindow.objects.order_by("api_key_id", "window_start")
    assert [(row.api_key_id, row.window_start, row.requests) for row in rows] == [
        (api_key.pk, WINDOW, 2),
        (api_key.pk, next_window, 1),
        (other.pk, WINDOW, 1),
    ]


def test_usage_increment_with_limit_zero_counts_nothing(api_key):
    assert usage_increment(api_key=api_key, window_start=WINDOW, limit=0) is None
    assert UsageWindow.objects.count() == 0


@pytest.mark.urls("apikeys.tests.urls")
def test_a_counted_request_costs_two_queries(auth_client, api_key, django_assert_num_queries):
    # Authentication writes last_used_at at most once a minute; a fresh value skips the write.
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())

    with django_assert_num_queries(2) as captured:  # the key by its prefix; the counter upsert
        response = auth_client.get("/v1/test-counted")

    assert response.status_code == HTTPStatus.OK
    assert "ON CONFLICT" in captured.captured_queries[1]["sql"]


@pytest.mark.urls("apikeys.tests.urls")
def test_the_first_request_in_a_minute_also_records_last_use(auth_client, api_key, django_assert_num_queries):
    assert api_key.last_used_at is None

    with django_assert_num_queries(3):  # the key; last_used_at; the counter upsert
        auth_client.get("/v1/test-counted")
    with django_assert_num_queries(2):
        auth_client.get("/v1/test-counted")


@pytest.fixture
def windows(api_key):
    now = timezone.now()
    ages = {"old": timedelta(days=91), "edge": timedelta(days=89, hours=23), "recent": timedelta(hours=2)}
    return {
        name: UsageWindow.objects.create(
            api_key=api_key, window_start=(now - age).replace(minute=0, second=0, microsecond=0), requests=1
        )
        for name, age in ages.items()
    }


def remaining_windows(windows) -> set[str]:
    kept = set(UsageWindow.objects.values_list("pk", flat=True))
    return {name for name, window in windows.items() if window.pk in kept}


def test_prune_usage_deletes_windows_older_than_90_days(windows, capsys):
    call_command("prune_usage")

    assert remaining_windows(windows) == {"edge", "recent"}
    output = capsys.readouterr().out
    assert output.startswith("Usage windows deleted: 1 (those that started before ")
    assert output.endswith(" UTC, --days 90).\n")


def test_prune_usage_takes_the_retention_in_days(windows, capsys):
    call_command("prune_usage", "--days", "1")

    assert remaining_windows(windows) == {"recent"}
    output = capsys.readouterr().out
    assert output.startswith("Usage windows deleted: 2 (those that started before ")
    assert output.endswith(" UTC, --days 1).\n")


def test_prune_usage_refuses_a_retention_below_one_day(windows):
    with pytest.raises(CommandError, match=r"^--days must be at least 1 \(got 0\)\.$"):
        call_command("prune_usage", "--days", "0")

    assert remaining_windows(windows) == {"old", "edge", "recent"}
