"""Deep pages are read by their ids first: the same articles, in the same order, as an offset."""

from datetime import UTC, datetime, timedelta

import pytest

from articles import pagination
from articles.selectors import article_list
from articles.tests.factories import make_article, make_fresh

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def store():
    for n in range(30):
        make_article(
            # Pairs of articles share a date: ties are broken by id, newest first.
            published_at=START + timedelta(hours=n // 2),
            source="guardian" if n % 3 else "newsapi",
            categories=("technology", "science") if n % 2 else ("technology",),
            title=f"Solar story {n}" if n % 4 else f"Wind story {n}",
        )


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({}, id="everything"),
        pytest.param({"category": "technology"}, id="category"),
        pytest.param({"category": "science", "source": "guardian"}, id="category-and-source"),
        pytest.param({"source": "newsapi"}, id="source"),
        pytest.param({"category": "technology", "words": ["solar"]}, id="category-and-words"),
        pytest.param({"published_from": START + timedelta(hours=3)}, id="from"),
    ],
)
@pytest.mark.parametrize(("page", "page_size"), [(2, 4), (3, 7), (4, 5)])
def test_a_deep_page_holds_what_the_offset_gives(store, monkeypatch, rf, filters, page, page_size):
    queryset = article_list(**filters)
    offset = (page - 1) * page_size
    expected = list(queryset[offset : offset + page_size])
    monkeypatch.setattr(pagination, "DEEP_OFFSET", 1)

    rows = pagination.ArticlePagination().paginate(
        queryset, page=page, page_size=page_size, request=rf.get("/v1/articles")
    )

    assert rows == expected


def test_the_api_gives_the_same_deep_page_either_way(store, auth_client, monkeypatch):
    make_fresh()
    by_offset = auth_client.get("/v1/articles?category=technology&page=3&page_size=6").json()
    monkeypatch.setattr(pagination, "DEEP_OFFSET", 1)

    by_ids = auth_client.get("/v1/articles?category=technology&page=3&page_size=6").json()

    assert [a["id"] for a in by_ids["articles"]] == [a["id"] for a in by_offset["articles"]]
    assert len(by_ids["articles"]) == 6
