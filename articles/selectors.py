"""Reads: the article store (lists, detail) and the fetch records (freshness, backoff, budget)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from articles.models import Article, ArticleCategory, ArticleTally, FetchAttempt
from articles.providers import PROVIDERS, get_provider

# A provider that answered with a quota or rate-limit error is left alone this long.
QUOTA_BACKOFF = timedelta(minutes=15)


def utc_day_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _pairs_with_attempts(pairs: Iterable[tuple[str, str]], **attempt_filters) -> set[tuple[str, str]]:
    """The pairs among `pairs` that have a fetch record matching `attempt_filters`, in one query."""
    pairs = set(pairs)
    if not pairs:
        return set()
    # A rectangle of providers × categories is a simpler query than an OR of pairs; the
    # intersection keeps only the pairs asked for.
    found = (
        FetchAttempt.objects.filter(
            provider__in={provider for provider, _ in pairs},
            category__in={category for _, category in pairs},
            **attempt_filters,
        )
        .order_by()
        .values_list("provider", "category")
        .distinct()
    )
    return set(found) & pairs


def fresh_pairs(*, pairs: Iterable[tuple[str, str]], now: datetime | None = None) -> set[tuple[str, str]]:
    """The pairs among `pairs` fetched successfully within NEWS_CACHE_TTL, in one query."""
    since = (now or timezone.now()) - timedelta(seconds=settings.NEWS_CACHE_TTL)
    return _pairs_with_attempts(pairs, outcome=FetchAttempt.Outcome.SUCCESS, started_at__gte=since)


def last_successes(*, pairs: Iterable[tuple[str, str]], since: datetime) -> dict[tuple[str, str], datetime]:
    """When each of `pairs` last started a successful fetch, for those with one since `since`."""
    pairs = set(pairs)
    if not pairs:
        return {}
    found = (
        FetchAttempt.objects.filter(
            provider__in={provider for provider, _ in pairs},
            category__in={category for _, category in pairs},
            outcome=FetchAttempt.Outcome.SUCCESS,
            started_at__gte=since,
        )
        .order_by()
        .values_list("provider", "category")
        .annotate(last=Max("started_at"))
    )
    return {(provider, category): last for provider, category, last in found if (provider, category) in pairs}


def recently_failed_pairs(
    *, pairs: Iterable[tuple[str, str]], within: timedelta, now: datetime | None = None
) -> set[tuple[str, str]]:
    """The pairs among `pairs` with a failed fetch within `within`, in one query."""
    since = (now or timezone.now()) - within
    return _pairs_with_attempts(pairs, outcome=FetchAttempt.Outcome.ERROR, started_at__gte=since)


def provider_in_backoff(*, provider: str, now: datetime | None = None) -> datetime | None:
    """When the provider may be called again after a quota error, or None when it may be now."""
    now = now or timezone.now()
    last_quota_error = (
        FetchAttempt.objects.filter(
            provider=provider,
            error_kind=FetchAttempt.ErrorKind.QUOTA,
            started_at__gt=now - QUOTA_BACKOFF,
        )
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    return None if last_quota_error is None else last_quota_error + QUOTA_BACKOFF


def calls_today(*, provider: str, now: datetime | None = None) -> int:
    """Calls made (or reserved) to the provider since midnight UTC: one fetch record each."""
    now = now or timezone.now()
    return FetchAttempt.objects.filter(provider=provider, started_at__gte=utc_day_start(now)).count()


@dataclass(frozen=True)
class SourceOverview:
    name: str
    label: str
    enabled: bool
    article_count: int
    last_fetch_at: datetime | None
    last_outcome: str | None
    last_http_status: int | None
    last_error: str
    calls_today: int
    daily_budget: int


def source_overview(*, now: datetime | None = None) -> list[SourceOverview]:
    """Each provider with its article count, last fetch and calls used today (a few queries)."""
    now = now or timezone.now()
    counts = dict(ArticleTally.objects.filter(category="").values_list("source", "articles"))
    today = dict(
        FetchAttempt.objects.filter(started_at__gte=utc_day_start(now))
        .values_list("provider")
        .annotate(n=Count("id"))
        .order_by()
    )
    overview = []
    for name in PROVIDERS:
        provider = get_provider(name)
        last = FetchAttempt.objects.filter(provider=name).order_by("-started_at", "-id").first()
        overview.append(
            SourceOverview(
                name=name,
                label=provider.label,
                enabled=provider.enabled,
                article_count=counts.get(name, 0),
                last_fetch_at=last.started_at if last else None,
                last_outcome=last.outcome if last else None,
                last_http_status=last.http_status if last else None,
                last_error=last.error if last else "",
                calls_today=today.get(name, 0),
                daily_budget=provider.daily_budget,
            )
        )
    return overview


# ------------------------------------------------------------------------------
# Articles
# ------------------------------------------------------------------------------
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


def _source_and_dates(
    prefix: str, *, source: str | None, published_from: datetime | None, published_to: datetime | None
) -> dict:
    """Lookups for the source and date bounds, on Article ("") or on its category links."""
    lookups = {}
    if source:
        lookups[f"{prefix}source"] = source
    if published_from:
        lookups[f"{prefix}published_at__gte"] = published_from
    if published_to:
        lookups[f"{prefix}published_at__lte"] = published_to
    return lookups


def article_list(
    *,
    category: str | None = None,
    source: str | None = None,
    words: list[str] | tuple[str, ...] = (),
    published_from: datetime | None = None,
    published_to: datetime | None = None,
) -> QuerySet:
    """Matching articles as dicts of ARTICLE_FIELDS, newest first (ties broken by id)."""
    bounds = {"source": source, "published_from": published_from, "published_to": published_to}
    if category:
        # Served from the category links' own (category, published_at) index: the link
        # rows carry the article's source and published_at. One filter() call, one join.
        link = {"category_links__category": category, **_source_and_dates("category_links__", **bounds)}
        queryset = Article.objects.filter(**link).order_by(
            "-category_links__published_at", "-category_links__article_id"
        )
    else:
        own = _source_and_dates("", **bounds)
        queryset = Article.objects.filter(**own).order_by("-published_at", "-id")
    for word in words:
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return queryset.values(*ARTICLE_FIELDS)


def article_count(
    *,
    category: str | None = None,
    source: str | None = None,
    words: list[str] | tuple[str, ...] = (),
    published_from: datetime | None = None,
    published_to: datetime | None = None,
) -> int:
    """How many articles article_list() gives for the same filters.

    Without words or dates the answer is in ArticleTally, kept exact by triggers: one or two
    rows read, whatever the size of the store. A category list with dates counts its
    category links alone: one link per article and category, so the number is the same,
    read by an index-only scan of (category, source, published_at).
    """
    if not words and not published_from and not published_to:
        tally = ArticleTally.objects.filter(category=category or "")
        if source:
            tally = tally.filter(source=source)
        return tally.aggregate(total=Sum("articles", default=0))["total"]
    if category and not words:
        links = _source_and_dates("", source=source, published_from=published_from, published_to=published_to)
        return ArticleCategory.objects.filter(category=category, **links).count()
    return article_list(
        category=category,
        source=source,
        words=words,
        published_from=published_from,
        published_to=published_to,
    ).count()


def article_get(*, article_id: int) -> dict | None:
    return Article.objects.filter(pk=article_id).values(*ARTICLE_FIELDS).first()
