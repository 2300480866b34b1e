"""GET /v1/sources: each provider, enabled or not, its articles, last fetch and calls today."""

from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from articles.models import Article, FetchAttempt

pytestmark = pytest.mark.django_db


def make_article(n: int, source: str) -> Article:
    return Article.objects.create(
        url=f"https://news.example.com/{source}/{n}",
        title=f"Title {n}",
        source=source,
        category="science",
        published_at=datetime(2026, 11, 20, tzinfo=UTC),
    )


def test_lists_each_provider_with_its_fetch_record(auth_client, providers_configured):
    providers_configured.NEWSAPI_KEY = ""
    midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    for n in range(3):
        make_article(n, "guardian")
    make_article(9, "newsapi")
    FetchAttempt.objects.create(
        provider="guardian", category="science", started_at=midnight - timedelta(seconds=1), outcome="success"
    )
    FetchAttempt.objects.create(
        provider="guardian",
        category="science",
        started_at=midnight + timedelta(seconds=1),
        outcome="success",
        http_status=200,
        received=3,
        created=3,
    )
    last = FetchAttempt.objects.create(
        provider="guardian",
        category="sports",
        started_at=midnight + timedelta(seconds=2),
        outcome="error",
        error_kind="quota",
        http_status=429,
        error="The Guardian answered HTTP 429: API rate limit exceeded",
    )

    response = auth_client.get("/v1/sources")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "sources": [
            {
                "name": "newsapi",
                "label": "NewsAPI",
                "enabled": False,
                "article_count": 1,
                "last_fetch_at": None,
                "last_status": None,
                "last_http_status": None,
                "last_error": "",
                "calls_today": 0,
                "daily_budget": 100,
            },
            {
                "name": "guardian",
                "label": "The Guardian",
                "enabled": True,
                "article_count": 3,
                "last_fetch_at": last.started_at.isoformat().replace("+00:00", "Z"),
                "last_status": "error",
                "last_http_status": 429,
                "last_error": "The Guardian answered HTTP 429: API rate limit exceeded",
                "calls_today": 2,  # yesterday's call is not counted
                "daily_budget": 500,
            },
        ]
    }


@pytest.mark.parametrize("path", ["/v1/sources", "/v1/sources/"])
def test_answers_with_and_without_a_trailing_slash(auth_client, path):
    response = auth_client.get(path)

    assert response.status_code == HTTPStatus.OK
    assert [source["name"] for source in response.json()["sources"]] == ["newsapi", "guardian"]


def test_needs_an_api_key(client):
    response = client.get("/v1/sources")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["error"]["code"] == "not_authenticated"


def test_only_get_is_allowed(auth_client):
    response = auth_client.post("/v1/sources")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_few_queries_however_many_records(auth_client, django_assert_max_num_queries):
    now = timezone.now()
    FetchAttempt.objects.bulk_create(
        FetchAttempt(
            provider="guardian", category="science", started_at=now - timedelta(seconds=n), outcome="success"
        )
        for n in range(50)
    )

    # authentication (+ last-used write), the rate-limit counter, article counts, calls today,
    # the last attempt of each provider
    with django_assert_max_num_queries(7):
        response = auth_client.get("/v1/sources")

    assert response.json()["sources"][1]["calls_today"] == 50
