"""Concurrent refreshes with real threads and their own database connections.

They run on both backends: the lease and the call reservation are meant to hold on SQLite too.
"""

import itertools
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from responses import matchers

from articles.models import Article, FetchAttempt
from articles.services import RefreshOutcome, pair_refresh
from articles.tests.fakes import NEWSAPI_URL, newsapi_article, newsapi_page

pytestmark = pytest.mark.django_db(transaction=True)


def in_own_connection(function):
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    return run


def test_two_threads_refreshing_one_pair_make_one_provider_call(providers_configured, mocked_responses):
    inside_call = threading.Event()
    release_call = threading.Event()

    def slow_provider(request):
        inside_call.set()
        release_call.wait(timeout=10)
        return 200, {}, json.dumps(newsapi_page([newsapi_article(1)]))

    mocked_responses.add_callback(
        "GET",
        NEWSAPI_URL,
        callback=slow_provider,
        content_type="application/json",
        match=[matchers.query_param_matcher({"category": "science"}, strict_match=False)],
    )
    refresh = in_own_connection(
        lambda: pair_refresh(provider="newsapi", category="science", sleep=lambda s: None)
    )

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(refresh)
        assert inside_call.wait(timeout=10)
        second = pool.submit(refresh).result(timeout=10)  # while the first is inside its call
        release_call.set()
        first = first.result(timeout=10)

    assert first.outcome == RefreshOutcome.SUCCESS
    assert second.outcome == RefreshOutcome.SKIPPED_LOCKED
    assert len(mocked_responses.calls) == 1
    assert Article.objects.count() == 1
    assert FetchAttempt.objects.count() == 1


def test_many_threads_never_exceed_the_daily_budget(providers_configured, mocked_responses):
    providers_configured.NEWSAPI_DAILY_BUDGET = 3
    mocked_responses.get(NEWSAPI_URL, json=newsapi_page([]))
    categories = ["business", "entertainment", "general", "health", "science", "sports", "technology"]
    refresh = in_own_connection(
        lambda category: pair_refresh(provider="newsapi", category=category, sleep=lambda s: None)
    )

    with ThreadPoolExecutor(max_workers=7) as pool:
        results = list(pool.map(refresh, categories))

    assert sorted(r.outcome for r in results) == ["skipped_budget"] * 4 + ["success"] * 3
    assert len(mocked_responses.calls) == 3
    assert FetchAttempt.objects.count() == 3


def test_concurrent_guardian_reservations_get_distinct_slots_one_second_apart(
    providers_configured, mocked_responses
):
    mocked_responses.get("https://guardian.test/search", json={"response": {"status": "ok", "results": []}})
    categories = ["business", "entertainment", "general", "health", "science"]
    refresh = in_own_connection(
        lambda category: pair_refresh(provider="guardian", category=category, sleep=lambda s: None)
    )

    with ThreadPoolExecutor(max_workers=5) as pool:
        list(pool.map(refresh, categories))

    starts = sorted(FetchAttempt.objects.values_list("started_at", flat=True))
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(starts)]
    assert len(starts) == 5
    assert all(gap >= 1.0 for gap in gaps)
