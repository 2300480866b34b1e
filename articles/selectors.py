"""Reads of the article store."""

from datetime import datetime

from django.db.models import Q, QuerySet

from articles.models import Article

ARTICLE_FIELDS = (
    "id",
    "title",
    "description",
    "url",
    "image_url",
    "author",
    "source",
    "source_name",
    "category",
    "published_at",
)


def article_list(
    *,
    category: str | None = None,
    source: str | None = None,
    words: list[str] | tuple[str, ...] = (),
    published_from: datetime | None = None,
    published_to: datetime | None = None,
) -> QuerySet:
    """Matching articles as dicts of ARTICLE_FIELDS, newest first (ties broken by id)."""
    if category:
        # Served from the category links' own (category, published_at) index: the link
        # rows carry the article's source and published_at. One filter() call, one join.
        link = {"category_links__category": category}
        if source:
            link["category_links__source"] = source
        if published_from:
            link["category_links__published_at__gte"] = published_from
        if published_to:
            link["category_links__published_at__lte"] = published_to
        queryset = Article.objects.filter(**link).order_by(
            "-category_links__published_at", "-category_links__article_id"
        )
    else:
        own = {}
        if source:
            own["source"] = source
        if published_from:
            own["published_at__gte"] = published_from
        if published_to:
            own["published_at__lte"] = published_to
        queryset = Article.objects.filter(**own).order_by("-published_at", "-id")
    for word in words:
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return queryset.values(*ARTICLE_FIELDS)


def article_get(*, article_id: int) -> dict | None:
    return Article.objects.filter(pk=article_id).values(*ARTICLE_FIELDS).first()
