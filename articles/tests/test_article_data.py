"""The list and detail endpoints build article bodies without ArticleSerializer: same output."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from articles.selectors import ArticleFilters, article_get, article_page
from articles.serializers import ArticleSerializer, article_data
from articles.tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({}, id="defaults"),
        pytest.param(
            {"image_url": "https://example.com/a.jpg", "author": None, "description": ""},
            id="nulls-and-blank",
        ),
        pytest.param(
            {"published_at": datetime(2026, 11, 20, 9, 30, 15, 123456, tzinfo=UTC)}, id="microseconds"
        ),
        pytest.param(
            {"published_at": datetime(2026, 11, 20, 23, 30, tzinfo=timezone(timedelta(hours=-5)))},
            id="stored-from-another-offset",
        ),
        pytest.param({"title": "Ünïcode “quotes” & <tags>", "source": "guardian"}, id="text"),
    ],
)
def test_article_data_equals_the_serializer_output(fields):
    article = make_article(**fields)
    row = article_get(article_id=article.id)

    assert article_data(row) == ArticleSerializer(row).data
    assert list(article_data(row)) == list(ArticleSerializer(row).data)


def test_a_listed_page_is_what_the_serializer_gives():
    for day in range(3):
        make_article(published_at=datetime(2026, 11, 18 + day, 8, tzinfo=UTC))

    rows, _total = article_page(ArticleFilters(category="technology"), offset=0, limit=20)

    assert [article_data(row) for row in rows] == ArticleSerializer(rows, many=True).data
    assert article_data(rows[0])["published_at"] == "2026-11-20T08:00:00Z"
