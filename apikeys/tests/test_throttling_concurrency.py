"""The limit holds exactly when one key is hammered from many connections at once."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http import HTTPStatus

import pytest
import requests
from django.db import connection

from apikeys.models import UsageWindow
from apikeys.services import api_key_create
from apikeys.tests.clock import Clock
from apikeys.throttling import ApiKeyRateThrottle
from apikeys.usage import usage_increment

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 50
THREADS = 25
REQUESTS_PER_THREAD = 8  # 200 requests in all
WINDOW = datetime(2026, 11, 21, 13, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    # Mid-hour and frozen, so the burst cannot straddle two windows.
    clock = Clock(datetime(2026, 11, 21, 13, 30, tzinfo=UTC))
    monkeypatch.setattr(ApiKeyRateThrottle, "timer", clock)
    return clock


@pytest.mark.postgres
@pytest.mark.urls("apikeys.tests.urls")
def test_exactly_limit_requests_succeed_under_a_concurrent_burst(live_server, clock):
    api_key, raw_key = api_key_create(name="hammered", rate_limit=LIMIT)
    url = f"{live_server.url}/v1/test-counted"
    start = threading.Barrier(THREADS)

    def burst() -> list[tuple[int, str | None]]:
        # One HTTP connection per thread; the live server serves each in its own thread
        # with its own database connection.
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {raw_key}"
            start.wait(timeout=30)
            answers = []
            for _ in range(REQUESTS_PER_THREAD):
                response = session.get(url, timeout=60)
                answers.append((response.status_code, response.headers.get("X-RateLimit-Remaining")))
            return answers

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(burst) for _ in range(THREADS)]
        answers = [answer for future in futures for answer in future.result()]

    statuses = Counter(status for status, _ in answers)
    assert statuses == {
        HTTPStatus.OK: LIMIT,
        HTTPStatus.TOO_MANY_REQUESTS: THREADS * REQUESTS_PER_THREAD - LIMIT,
    }
    # Every success was handed a different place in the window.
    remaining = sorted(int(left) for status, left in answers if status == HTTPStatus.OK)
    assert remaining == list(range(LIMIT))
    assert UsageWindow.objects.get(api_key=api_key).requests == LIMIT


# On both databases: SQLite serialises the writers, PostgreSQL locks the row.
def test_usage_increment_hands_out_each_count_once_across_connections():
    api_key, _ = api_key_create(name="hammered", rate_limit=LIMIT)
    threads = 40
    start = threading.Barrier(threads)

    def increment() -> list[int | None]:
        try:
            start.wait(timeout=30)
            return [usage_increment(api_key=api_key, window_start=WINDOW, limit=LIMIT) for _ in range(5)]
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = [
            count for future in [pool.submit(increment) for _ in range(threads)] for count in future.result()
        ]

    assert sorted(count for count in results if count is not None) == list(range(1, LIMIT + 1))
    assert results.count(None) == threads * 5 - LIMIT
    assert UsageWindow.objects.get(api_key=api_key, window_start=WINDOW).requests == LIMIT
