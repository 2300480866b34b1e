"""The admin lists the fetch records (filterable, read-only) and the articles."""

from datetime import UTC, datetime
from http import HTTPStatus

import pytest

from articles.models import Article, FetchAttempt

pytestmark = pytest.mark.django_db

STARTED = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Admin pages link static files; tests run without collectstatic's manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def attempts():
    FetchAttempt.objects.create(
        provider="guardian",
        category="sports",
        started_at=STARTED,
        outcome="error",
        error_kind="quota",
        http_status=429,
        error="The Guardian answered HTTP 429: API rate limit exceeded",
    )
    FetchAttempt.objects.create(
        provider="newsapi",
        category="science",
        started_at=STARTED,
        outcome="success",
        http_status=200,
        received=9,
    )


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        pytest.param("", ["guardian", "newsapi"], [], id="all"),
        pytest.param("?provider__exact=guardian", ["guardian"], ["newsapi"], id="by-provider"),
        pytest.param("?category__exact=science", ["newsapi"], ["guardian"], id="by-category"),
        pytest.param("?outcome__exact=error", ["guardian"], ["newsapi"], id="by-outcome"),
    ],
)
def test_fetch_records_are_listed_with_filters(admin_client, attempts, query, shown, hidden):
    response = admin_client.get(f"/admin/articles/fetchattempt/{query}")

    assert response.status_code == HTTPStatus.OK
    rows = [str(attempt) for attempt in response.context["cl"].result_list]
    assert sorted(row.split("/")[0] for row in rows) == shown
    for provider in hidden:
        assert not any(row.startswith(provider) for row in rows)


def test_fetch_records_are_read_only(admin_client, attempts):
    attempt = FetchAttempt.objects.get(provider="guardian")

    assert admin_client.get("/admin/articles/fetchattempt/add/").status_code == HTTPStatus.FORBIDDEN
    response = admin_client.get(f"/admin/articles/fetchattempt/{attempt.pk}/change/")
    assert response.status_code == HTTPStatus.OK
    assert b"API rate limit exceeded" in response.content
    assert b'name="_save"' not in response.content


def test_articles_are_listed_and_searchable(admin_client):
    Article.objects.create(
        url="https://news.example.com/1",
        title="Chip export rules",
        source="guardian",
        category="technology",
        published_at=STARTED,
    )
    Article.objects.create(
        url="https://news.example.com/2",
        title="Cup final",
        source="newsapi",
        category="sports",
        published_at=STARTED,
    )

    response = admin_client.get("/admin/articles/article/?q=chip")

    assert response.status_code == HTTPStatus.OK
    assert [a.title for a in response.context["cl"].result_list] == ["Chip export rules"]
