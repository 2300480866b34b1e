"""article_count(): the tally without words or dates, the category links alone for a dated category."""

from datetime import UTC, datetime

import pytest

from articles.selectors import ArticleFilters, article_count, article_page
from articles.tests.factories import make_article

pytestmark = pytest.mark.django_db

NOV_19 = datetime(2026, 11, 19, tzinfo=UTC)
NOV_20 = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.fixture
def store():
    make_article(categories=("technology",), source="newsapi", published_at=NOV_19)
    make_article(categories=("technology", "science"), source="guardian", published_at=NOV_20)
    make_article(categories=("science", "technology"), source="newsapi", published_at=NOV_20)
    make_article(categories=("sports",), source="guardian", published_at=NOV_19, title="Solar cup")
    make_article(categories=("science",), source="guardian", published_at=NOV_20, title="Solar flare")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({}, 5, id="everything"),
        pytest.param({"category": "technology"}, 3, id="category"),
        pytest.param({"category": "science"}, 3, id="category-with-shared-articles"),
        pytest.param({"category": "technology", "source": "guardian"}, 1, id="category-and-source"),
        pytest.param({"category": "technology", "published_from": NOV_20}, 2, id="category-from"),
        pytest.param({"category": "technology", "published_to": NOV_19}, 1, id="category-to"),
        pytest.param({"category": "business"}, 0, id="empty-category"),
        pytest.param({"category": "science", "words": ("solar",)}, 1, id="category-and-words"),
        pytest.param({"source": "guardian"}, 3, id="source"),
        pytest.param({"words": ("SOLAR",)}, 2, id="words"),
    ],
)
def test_article_count_is_the_length_of_article_list(store, filters, expected):
    filters = ArticleFilters(**filters)
    rows, total = article_page(filters, offset=0, limit=100)

    assert article_count(filters) == expected
    assert total == expected
    assert len(rows) == expected


def test_a_dated_category_count_reads_only_the_category_links(store, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        article_count(ArticleFilters(category="technology", source="newsapi", published_from=NOV_19))

    assert 'articles_article"' not in captured.captured_queries[0]["sql"]


@pytest.mark.parametrize(
    "filters",
    [{}, {"source": "guardian"}, {"category": "technology"}, {"category": "science", "source": "newsapi"}],
    ids=["everything", "source", "category", "category-and-source"],
)
def test_a_count_without_words_or_dates_reads_only_the_tally(store, filters, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        article_count(ArticleFilters(**filters))

    sql = captured.captured_queries[0]["sql"]
    assert "articles_articletally" in sql
    assert 'articles_article"' not in sql
    assert "articles_articlecategory" not in sql
