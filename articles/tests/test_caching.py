import json
import threading
import time
from datetime import timedelta
from http import HTTPStatus

import pytest
import requests
import responses
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from articles.models import Article, FetchAttempt
from articles.providers import PROVIDERS
from articles.tests.factories import make_article, make_fresh

pytestmark = pytest.mark.django_db

SEARCH = "https://guardian.test/search"


def guardian_page(*urls: str) -> dict:
    return {
        "response": {
            "status": "ok",
            "userTier": "developer",
            "total": len(urls),
            "startIndex": 1,
            "pageSize": 50,
            "currentPage": 1,
            "pages": 1,
            "orderBy": "newest",
            "results": [
                {
                    "id": url.removeprefix("https://www.theguardian.com/"),
                    "type": "article",
                    "sectionId": "technology",
                    "sectionName": "Technology",
                    "webPublicationDate": "2026-11-20T11:30:04Z",
                    "webTitle": f"Story at {url}",
                    "webUrl": url,
                    "apiUrl": url.replace("www.theguardian.com", "content.guardianapis.com"),
                    "fields": {"trailText": "A <strong>fresh</strong> story", "byline": "A Reporter"},
                    "isHosted": False,
                }
                for url in urls
            ],
        }
    }


@pytest.fixture(autouse=True)
def guardian_only(settings, monkeypatch):
    """Scope: the Guardian alone (NewsAPI has no key), called without per-second spacing."""
    settings.NEWSAPI_KEY = ""
    settings.GUARDIAN_API_KEY = "guardian-test-key"
    settings.GUARDIAN_BASE_URL = "https://guardian.test"
    settings.PROVIDER_TIMEOUT = 5
    monkeypatch.setattr(PROVIDERS["guardian"], "min_interval", 0)


@pytest.fixture
def provider():
    with responses.RequestsMock() as mock:
        yield mock


def get(client, query=""):
    response = client.get(f"/v1/articles{query}")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert response["X-Cache-Status"] == body["cache_status"]
    return body


def test_hit_when_every_covered_pair_is_fresh(auth_client, provider):
    make_fresh(providers=["guardian"])
    stored = make_article(source="guardian")

    body = get(auth_client)

    assert body["cache_status"] == "hit"
    assert [a["id"] for a in body["articles"]] == [stored.id]
    assert len(provider.calls) == 0


def test_miss_refreshes_the_stale_pair_stores_and_answers_then_hits(auth_client, provider):
    url = "https://www.theguardian.com/technology/2026/nov/20/fresh"
    provider.get(SEARCH, json=guardian_page(url))

    body = get(auth_client, "?category=technology")

    assert body["cache_status"] == "miss"
    assert [a["url"] for a in body["articles"]] == [url]
    assert body["articles"][0]["description"] == "A fresh story"
    assert len(provider.calls) == 1
    assert "section=technology" in provider.calls[0].request.url
    # Fresh now: the next request is answered from the store without a call.
    assert get(auth_client, "?category=technology")["cache_status"] == "hit"
    assert len(provider.calls) == 1


def test_disabled_provider_is_outside_the_scope(auth_client, provider, settings):
    make_fresh(providers=["guardian"])

    body = get(auth_client, "?source=newsapi")

    assert body["cache_status"] == "hit"
    assert len(provider.calls) == 0


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param({"body": requests.exceptions.ReadTimeout("read timed out")}, id="timeout"),
        pytest.param({"body": requests.exceptions.ConnectionError("refused")}, id="connection-error"),
        pytest.param({"status": 500, "body": "<html>Internal error</html>"}, id="server-error"),
        pytest.param({"status": 429, "json": {"message": "API rate limit exceeded"}}, id="quota"),
        pytest.param({"status": 200, "body": "not json"}, id="not-json"),
    ],
)
def test_a_failed_refresh_answers_stale_from_the_store_never_an_error(auth_client, provider, failure):
    stored = make_article(source="guardian", categories=("technology",))
    provider.get(SEARCH, **failure)

    body = get(auth_client, "?category=technology")

    assert body["cache_status"] == "stale"
    assert [a["id"] for a in body["articles"]] == [stored.id]
    assert len(provider.calls) == 1


def test_a_provider_in_quota_backoff_is_not_called_and_the_answer_is_stale(auth_client, provider):
    FetchAttempt.objects.create(
        provider="guardian",
        category="science",
        started_at=timezone.now() - timedelta(minutes=5),
        outcome=FetchAttempt.Outcome.ERROR,
        error_kind=FetchAttempt.ErrorKind.QUOTA,
        http_status=429,
    )

    body = get(auth_client, "?category=technology")

    assert body["cache_status"] == "stale"
    assert len(provider.calls) == 0


def test_a_spent_daily_budget_answers_stale_without_a_call(auth_client, provider, settings):
    settings.GUARDIAN_DAILY_BUDGET = 0

    assert get(auth_client, "?category=technology")["cache_status"] == "stale"
    assert len(provider.calls) == 0


@pytest.mark.django_db(transaction=True)
def test_stale_pairs_are_refreshed_in_parallel(auth_client, provider):
    provider.get(SEARCH, json=guardian_page())  # every category answers, empty

    body = get(auth_client)

    assert body["cache_status"] == "miss"
    sections = sorted(call.request.params["section"] for call in provider.calls)
    assert len(sections) == len(PROVIDERS["guardian"].category_map)
    assert FetchAttempt.objects.filter(outcome=FetchAttempt.Outcome.SUCCESS).count() == len(sections)


@pytest.mark.django_db(transaction=True)
def test_parallel_refresh_is_bounded_by_the_provider_timeout(auth_client, provider, settings):
    settings.PROVIDER_TIMEOUT = 1
    release = threading.Event()

    def slow_technology(request):
        if request.params["section"] == "technology":
            release.wait(5)
        return 200, {}, '{"response": {"status": "ok", "results": []}}'

    provider.add_callback("GET", SEARCH, callback=slow_technology)
    try:
        body = get(auth_client)
    finally:
        release.set()

    assert body["cache_status"] == "stale"
    # The slow refresh finishes in the background and still stores its (empty) page.
    deadline = time.monotonic() + 10
    while FetchAttempt.objects.filter(outcome=FetchAttempt.Outcome.RUNNING).exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert FetchAttempt.objects.get(category="technology").outcome == FetchAttempt.Outcome.SUCCESS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_on_a_stale_pair_make_one_provider_call(raw_key, provider):
    url = "https://www.theguardian.com/technology/2026/nov/20/once"
    in_call, release = threading.Event(), threading.Event()

    def slow_provider(request):
        in_call.set()
        release.wait(10)
        return 200, {}, json.dumps(guardian_page(url))

    provider.add_callback("GET", SEARCH, callback=slow_provider)
    statuses = {}

    def request(name):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        try:
            statuses[name] = get(client, "?category=technology")["cache_status"]
        finally:
            connection.close()

    first = threading.Thread(target=request, args=("first",))
    first.start()
    assert in_call.wait(10)
    # The first request holds the pair's refresh: the second is answered at once from the store.
    second = threading.Thread(target=request, args=("second",))
    second.start()
    second.join(10)
    release.set()
    first.join(10)

    assert statuses == {"first": "miss", "second": "stale"}
    assert len(provider.calls) == 1
    assert Article.objects.filter(url=url).count() == 1


def test_a_pair_that_just_failed_is_not_retried_by_requests_for_a_minute(auth_client, provider):
    stored = make_article(source="guardian", categories=("technology",))
    provider.get(SEARCH, body=requests.exceptions.ConnectionError("refused"))

    assert get(auth_client, "?category=technology")["cache_status"] == "stale"
    body = get(auth_client, "?category=technology")

    assert body["cache_status"] == "stale"
    assert [a["id"] for a in body["articles"]] == [stored.id]
    assert len(provider.calls) == 1
    # A minute later, requests try again.
    FetchAttempt.objects.update(started_at=timezone.now() - timedelta(seconds=61))
    provider.replace("GET", SEARCH, json=guardian_page())
    assert get(auth_client, "?category=technology")["cache_status"] == "miss"
    assert len(provider.calls) == 2


def test_a_pair_this_worker_saw_fresh_costs_no_fetch_record_query(auth_client, provider):
    make_fresh(providers=["guardian"])
    assert get(auth_client, "?category=technology")["cache_status"] == "hit"

    with CaptureQueriesContext(connection) as captured:
        assert get(auth_client, "?category=technology")["cache_status"] == "hit"

    assert not [q for q in captured.captured_queries if "articles_fetchattempt" in q["sql"]]
    assert len(provider.calls) == 0


def test_a_remembered_pair_is_checked_again_once_its_ttl_has_passed(auth_client, provider, settings):
    settings.NEWS_CACHE_TTL = 900
    make_fresh(providers=["guardian"], categories=["technology"], at=timezone.now() - timedelta(seconds=600))
    assert get(auth_client, "?category=technology")["cache_status"] == "hit"
    provider.get(SEARCH, json=guardian_page("https://www.theguardian.com/technology/2026/nov/20/later"))

    settings.NEWS_CACHE_TTL = 300  # the same as 600 seconds passing with the TTL at 900
    body = get(auth_client, "?category=technology")

    assert body["cache_status"] == "miss"
    assert len(provider.calls) == 1
    assert get(auth_client, "?category=technology")["cache_status"] == "hit"
