"""Builders for articles and fetch records in tests."""

import itertools
from datetime import UTC, datetime

from django.utils import timezone

from articles.constants import CATEGORIES, SOURCES
from articles.models import Article, ArticleCategory, FetchAttempt

_numbers = itertools.count(1)


def make_article(*, categories: tuple[str, ...] = ("technology",), **fields) -> Article:
    n = next(_numbers)
    values = {
        "url": f"https://example.com/news/{n}",
        "title": f"Article number {n}",
        "description": f"Description of article {n}.",
        "image_url": None,
        "author": "Jane Doe",
        "source": "newsapi",
        "source_name": "Example News",
        "category": categories[0],
        "published_at": datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
    }
    values.update(fields)
    article = Article.objects.create(**values)
    ArticleCategory.objects.bulk_create(
        ArticleCategory(article=article, category=c, source=article.source, published_at=article.published_at)
        for c in categories
    )
    return article


def make_fresh(*, providers=SOURCES, categories=CATEGORIES, at=None) -> None:
    """Successful fetch records for every pair: each is fresh for NEWS_CACHE_TTL."""
    at = at or timezone.now()
    FetchAttempt.objects.bulk_create(
        FetchAttempt(
            provider=provider,
            category=category,
            started_at=at,
            duration_ms=120,
            outcome=FetchAttempt.Outcome.SUCCESS,
            http_status=200,
        )
        for provider in providers
        for category in categories
    )
