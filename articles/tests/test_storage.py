"""Storing provider pages: by URL, in a few bulk queries, linked to every category listed under."""

from datetime import timedelta

import pytest

from articles.models import Article, ArticleCategory
from articles.normalization import NormalizedArticle
from articles.services import UpsertResult, article_upsert_many
from articles.tests.fakes import NOW

pytestmark = pytest.mark.django_db


def make_article(n: int, **overrides) -> NormalizedArticle:
    fields = {
        "url": f"https://news.example.com/{n}",
        "title": f"Title {n}",
        "description": f"Description {n}",
        "image_url": f"https://img.example.com/{n}.jpg",
        "author": f"Author {n}",
        "source_name": f"Publisher {n}",
        "published_at": NOW - timedelta(minutes=n),
    }
    fields.update(overrides)
    return NormalizedArticle(**fields)


def stored_links() -> set[tuple[str, str, str]]:
    return set(ArticleCategory.objects.values_list("article__url", "category", "source"))


def test_new_articles_are_created_with_their_category():
    result = article_upsert_many(
        articles=[make_article(1), make_article(2)], provider="newsapi", category="science"
    )

    assert result == UpsertResult(created=2, updated=0)
    article = Article.objects.get(url="https://news.example.com/1")
    assert (article.title, article.description, article.image_url, article.author) == (
        "Title 1",
        "Description 1",
        "https://img.example.com/1.jpg",
        "Author 1",
    )
    assert (article.source, article.source_name, article.category, article.published_at) == (
        "newsapi",
        "Publisher 1",
        "science",
        NOW - timedelta(minutes=1),
    )
    assert stored_links() == {
        ("https://news.example.com/1", "science", "newsapi"),
        ("https://news.example.com/2", "science", "newsapi"),
    }


def test_refetching_updates_and_never_duplicates():
    article_upsert_many(articles=[make_article(1)], provider="newsapi", category="science")
    first = Article.objects.get()

    result = article_upsert_many(
        articles=[make_article(1, title="Corrected title", author=None), make_article(2)],
        provider="newsapi",
        category="science",
    )

    assert result == UpsertResult(created=1, updated=1)
    assert Article.objects.count() == 2
    article = Article.objects.get(url="https://news.example.com/1")
    assert (article.title, article.author) == ("Corrected title", None)
    assert article.fetched_at == first.fetched_at
    assert article.updated_at > first.updated_at
    assert ArticleCategory.objects.count() == 2


def test_an_article_under_two_categories_is_stored_once_and_linked_to_both():
    article_upsert_many(articles=[make_article(1)], provider="newsapi", category="business")
    article_upsert_many(articles=[make_article(1)], provider="newsapi", category="technology")

    article = Article.objects.get()
    assert article.category == "business"  # the first category it was seen under
    assert stored_links() == {
        ("https://news.example.com/1", "business", "newsapi"),
        ("https://news.example.com/1", "technology", "newsapi"),
    }


def test_the_same_url_from_the_other_provider_keeps_the_first_provider():
    article_upsert_many(articles=[make_article(1)], provider="newsapi", category="technology")
    article_upsert_many(
        articles=[make_article(1, source_name="The Guardian")], provider="guardian", category="science"
    )

    article = Article.objects.get()
    assert (article.source, article.source_name, article.category) == (
        "newsapi",
        "The Guardian",
        "technology",
    )
    # Links copy the article's provider, so a source filter and the article agree.
    assert stored_links() == {
        ("https://news.example.com/1", "technology", "newsapi"),
        ("https://news.example.com/1", "science", "newsapi"),
    }


def test_a_new_date_moves_every_category_link_of_the_article():
    article_upsert_many(articles=[make_article(1)], provider="newsapi", category="business")
    article_upsert_many(articles=[make_article(1)], provider="newsapi", category="technology")
    later = NOW + timedelta(hours=3)

    article_upsert_many(
        articles=[make_article(1, published_at=later)], provider="newsapi", category="business"
    )

    assert Article.objects.get().published_at == later
    assert set(ArticleCategory.objects.values_list("category", "published_at")) == {
        ("business", later),
        ("technology", later),
    }


def test_duplicate_urls_within_one_page_are_stored_once_first_wins():
    result = article_upsert_many(
        articles=[make_article(1, title="First"), make_article(1, title="Second")],
        provider="guardian",
        category="sports",
    )

    assert result == UpsertResult(created=1, updated=0)
    assert Article.objects.get().title == "First"


def test_an_empty_page_makes_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert article_upsert_many(articles=[], provider="newsapi", category="science") == UpsertResult(0, 0)


# Existing URLs, the upsert (two batches on SQLite, whose statements take at most 999
# parameters), the ids, the links, the moved dates, and the savepoint and its release.
MAX_QUERIES_PER_PAGE = 8


@pytest.mark.parametrize("known", [0, 50, 100], ids=["all-new", "half-known", "all-known"])
def test_a_page_of_100_takes_a_bounded_number_of_queries(django_assert_max_num_queries, known):
    article_upsert_many(
        articles=[make_article(n) for n in range(known)], provider="newsapi", category="science"
    )
    page = [make_article(n, published_at=NOW + timedelta(minutes=n)) for n in range(100)]

    with django_assert_max_num_queries(MAX_QUERIES_PER_PAGE):
        result = article_upsert_many(articles=page, provider="newsapi", category="technology")

    assert result == UpsertResult(created=100 - known, updated=known)
    assert Article.objects.count() == 100
    assert ArticleCategory.objects.filter(category="technology").count() == 100
    assert ArticleCategory.objects.count() == 100 + known
