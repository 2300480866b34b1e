"""article_page() in SQL gives what the same filters say in the ORM, deep pages included."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Q

from articles import selectors
from articles.models import Article
from articles.selectors import ARTICLE_FIELDS, ArticleFilters, article_page
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
            description="100% renewable" if n % 5 == 0 else "A_report",
        )


def orm_list(filters: ArticleFilters) -> list[dict]:
    """The meaning of the filters, said with the ORM."""
    articles = Article.objects.all()
    if filters.category:
        articles = articles.filter(category_links__category=filters.category)
    if filters.source:
        articles = articles.filter(source=filters.source)
    if filters.published_from:
        articles = articles.filter(published_at__gte=filters.published_from)
    if filters.published_to:
        articles = articles.filter(published_at__lte=filters.published_to)
    for word in filters.words:
        articles = articles.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return list(articles.order_by("-published_at", "-id").values(*ARTICLE_FIELDS))


FILTERS = [
    pytest.param(ArticleFilters(), id="everything"),
    pytest.param(ArticleFilters(category="technology"), id="category"),
    pytest.param(ArticleFilters(category="science", source="guardian"), id="category-and-source"),
    pytest.param(ArticleFilters(source="newsapi"), id="source"),
    pytest.param(ArticleFilters(category="technology", words=("solar",)), id="category-and-words"),
    pytest.param(ArticleFilters(words=("STORY", "1")), id="two-words"),
    pytest.param(ArticleFilters(words=("100%",)), id="percent-is-literal"),
    pytest.param(ArticleFilters(words=("a_r",)), id="underscore-is-literal"),
    pytest.param(ArticleFilters(published_from=START + timedelta(hours=3)), id="from"),
    pytest.param(
        ArticleFilters(
            category="technology",
            published_from=START + timedelta(hours=3),
            published_to=START + timedelta(hours=9),
        ),
        id="category-from-to",
    ),
]


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("deep_offset", [1000, 1], ids=["by-offset", "by-ids"])
def test_every_page_holds_what_the_orm_gives(store, monkeypatch, filters, deep_offset):
    monkeypatch.setattr(selectors, "DEEP_OFFSET", deep_offset)
    expected = orm_list(filters)
    assert expected, "each case matches something"

    for offset, limit in [(0, 4), (4, 4), (6, 7), (15, 5), (28, 100)]:
        rows, total = article_page(filters, offset=offset, limit=limit)
        assert rows == expected[offset : offset + limit]
        assert total == len(expected)


def test_past_the_end_a_page_is_empty_and_still_has_its_total(store):
    assert article_page(ArticleFilters(category="science"), offset=100, limit=10) == ([], 15)
    assert article_page(ArticleFilters(words=("solar",), source="newsapi"), offset=50, limit=10)[1] == len(
        orm_list(ArticleFilters(words=("solar",), source="newsapi"))
    )
    assert article_page(ArticleFilters(words=("nowhere",)), offset=0, limit=10) == ([], 0)


def test_the_api_gives_the_same_deep_page_either_way(store, auth_client, monkeypatch):
    make_fresh()
    by_offset = auth_client.get("/v1/articles?category=technology&page=3&page_size=6").json()
    monkeypatch.setattr(selectors, "DEEP_OFFSET", 1)

    by_ids = auth_client.get("/v1/articles?category=technology&page=3&page_size=6").json()

    assert by_ids["articles"] == by_offset["articles"]
    assert len(by_ids["articles"]) == 6
