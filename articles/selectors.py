"""Reads: the article store (lists, detail) and the fetch records (freshness, backoff, budget)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connections, router
from django.db.models import Count, Max
from django.utils import timezone

from articles.models import Article, ArticleCategory, ArticleTally, FetchAttempt
from articles.providers import PROVIDERS, get_provider

# A provider that answered with a quota or rate-limit error is left alone this long.
QUOTA_BACKOFF = timedelta(minutes=15)


def utc_day_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _last_attempts(pairs: Iterable[tuple[str, str]], **attempt_filters) -> dict[tuple[str, str], datetime]:
    """When each of `pairs` last started a fetch matching `attempt_filters`, for those that
    have one, in one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    # A rectangle of providers × categories is a simpler query than an OR of pairs; the
    # membership test keeps only the pairs asked for.
    found = (
        FetchAttempt.objects.filter(
            provider__in={provider for provider, _ in pairs},
            category__in={category for _, category in pairs},
            **attempt_filters,
        )
        .order_by()
        .values_list("provider", "category")
        .annotate(last=Max("started_at"))
    )
    return {(provider, category): last for provider, category, last in found if (provider, category) in pairs}


def fresh_pairs(*, pairs: Iterable[tuple[str, str]], now: datetime | None = None) -> set[tuple[str, str]]:
    """The pairs among `pairs` fetched successfully within NEWS_CACHE_TTL, in one query."""
    since = (now or timezone.now()) - timedelta(seconds=settings.NEWS_CACHE_TTL)
    return set(last_successes(pairs=pairs, since=since))


def last_successes(*, pairs: Iterable[tuple[str, str]], since: datetime) -> dict[tuple[str, str], datetime]:
    """When each of `pairs` last started a successful fetch, for those with one since `since`."""
    return _last_attempts(pairs, outcome=FetchAttempt.Outcome.SUCCESS, started_at__gte=since)


def recently_failed_pairs(
    *, pairs: Iterable[tuple[str, str]], within: timedelta, now: datetime | None = None
) -> set[tuple[str, str]]:
    """The pairs among `pairs` with a failed fetch within `within`, in one query."""
    since = (now or timezone.now()) - within
    return set(_last_attempts(pairs, outcome=FetchAttempt.Outcome.ERROR, started_at__gte=since))


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
# The list is the API's hot path. Built with the ORM, a page and its total took more CPU to
# compile than the database spent answering them, so they are one SQL statement here,
# assembled from the few fragments below; `q` uses the backend's own icontains operator and
# escaping, so its SQL is the ORM's and the trigram indexes (migration 0002) serve it.
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
ARTICLE = Article._meta.db_table
LINK = ArticleCategory._meta.db_table
TALLY = ArticleTally._meta.db_table
NEWEST_FIRST = "a.published_at DESC, a.id DESC"

# From this offset on, a page is counted first, then found by its ids (a "deferred join"): the
# rows it skips are walked in an index alone instead of each being read from the table (page
# 2,000 of 1,000,000 articles: about 5 ms instead of 40 ms).
DEEP_OFFSET = 1000
# Past any store (ids are 64-bit), and more than the database takes as an OFFSET.
MAX_OFFSET = 2**62


@dataclass(frozen=True)
class ArticleFilters:
    """What a list asks for; every filter is optional and they combine with AND."""

    category: str | None = None
    source: str | None = None
    words: tuple[str, ...] = ()
    published_from: datetime | None = None
    published_to: datetime | None = None


def article_page(filters: ArticleFilters, *, offset: int, limit: int) -> tuple[list[dict], int]:
    """The matching articles from `offset` on, newest first (ties: newest id first), as dicts of
    ARTICLE_FIELDS, and how many match in all.

    A page near the start is read with its total in one statement. A deep page is counted
    first and read only when it is not past the end: the rows it skips cost a walk of an
    index, which an empty page need not pay.
    """
    connection = connections[router.db_for_read(Article)]
    if offset < DEEP_OFFSET:
        sql, params = article_page_query(filters, offset=offset, limit=limit, connection=connection)
        rows = _fetch(connection, sql, params)
        if rows or offset == 0:
            return [_article_row(row[:-1]) for row in rows], rows[0][-1] if rows else 0
    total = article_count(filters)
    if offset >= min(total, MAX_OFFSET):
        return [], total
    sql, params = article_page_query(filters, offset=offset, limit=limit, connection=connection, total=False)
    return [_article_row(row) for row in _fetch(connection, sql, params)], total


def article_count(filters: ArticleFilters) -> int:
    """How many articles match: the `total` of article_page()."""
    connection = connections[router.db_for_read(Article)]
    return _fetch(connection, *_total_query(filters, connection))[0][0]


def article_page_query(
    filters: ArticleFilters, *, offset: int, limit: int, connection, total: bool = True
) -> tuple[str, list]:
    """The statement of article_page(): the page's rows, with the total as a last column."""
    columns = ", ".join(f"a.{name}" for name in ARTICLE_FIELDS)
    total_sql, params = _total_query(filters, connection) if total else ("", [])
    if total_sql:
        columns += f", ({total_sql})"
    if offset < DEEP_OFFSET:
        matches = _Matches(filters, connection, with_articles=True)
        sql = f"SELECT {columns} {matches.sql} ORDER BY {matches.newest_first} LIMIT %s OFFSET %s"
    else:
        matches = _Matches(filters, connection, with_articles=False)
        ids = f"SELECT {matches.article_id} {matches.sql} ORDER BY {matches.newest_first} LIMIT %s OFFSET %s"
        sql = f"SELECT {columns} FROM {ARTICLE} a WHERE a.id IN ({ids}) ORDER BY {NEWEST_FIRST}"  # noqa: S608
    return sql, [*params, *matches.params, limit, offset]


def article_get(*, article_id: int) -> dict | None:
    return Article.objects.filter(pk=article_id).values(*ARTICLE_FIELDS).first()


def _total_query(filters: ArticleFilters, connection) -> tuple[str, list]:
    """Without words or dates the total is in ArticleTally (kept exact by triggers): a row or
    two, whatever the size of the store. Otherwise the matches are counted; a category's from
    its links alone when no words need the articles' text."""
    if not (filters.words or filters.published_from or filters.published_to):
        conditions, params = ["category = %s"], [filters.category or ""]
        if filters.source:
            conditions.append("source = %s")
            params.append(filters.source)
        where = " AND ".join(conditions)
        return f"SELECT CAST(COALESCE(SUM(articles), 0) AS BIGINT) FROM {TALLY} WHERE {where}", params  # noqa: S608
    matches = _Matches(filters, connection, with_articles=False)
    return f"SELECT COUNT(*) {matches.sql}", matches.params


class _Matches:
    """`FROM … WHERE …` of the matching rows, with its parameters and its newest-first order.

    A category is read from its links (alias `m`), which carry the article's source and
    published_at under their own (category, published_at) index, so that the order and the
    source and date filters are served by it; they are joined to the articles (alias `a`) only
    when the articles' columns or text are needed. Without a category the articles (alias
    `a`) are read alone, by their own (published_at, id) and (source, published_at) indexes.
    """

    def __init__(self, filters: ArticleFilters, connection, *, with_articles: bool):
        conditions, self.params = [], []
        if filters.category:
            tables = f"{LINK} m"
            if with_articles or filters.words:
                tables += f" JOIN {ARTICLE} a ON a.id = m.article_id"
            driver, self.article_id = "m", "m.article_id"
            conditions.append("m.category = %s")
            self.params.append(filters.category)
        else:
            tables, driver, self.article_id = f"{ARTICLE} a", "a", "a.id"
        self.newest_first = f"{driver}.published_at DESC, {self.article_id} DESC"
        if filters.source:
            conditions.append(f"{driver}.source = %s")
            self.params.append(filters.source)
        for bound, operator in ((filters.published_from, ">="), (filters.published_to, "<=")):
            if bound:
                conditions.append(f"{driver}.published_at {operator} %s")
                self.params.append(connection.ops.adapt_datetimefield_value(bound))
        like = connection.operators["icontains"] % "%s"
        title, description = (
            connection.ops.lookup_cast("icontains", "CharField") % f"a.{name}"
            for name in ("title", "description")
        )
        for word in filters.words:
            pattern = f"%{connection.ops.prep_for_like_query(word)}%"
            conditions.append(f"({title} {like} OR {description} {like})")
            self.params += [pattern, pattern]
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        self.sql = f"FROM {tables}{where}"


def _fetch(connection, sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _article_row(row: tuple) -> dict:
    article = dict(zip(ARTICLE_FIELDS, row, strict=True))
    published = article["published_at"]
    if published.tzinfo is None:  # SQLite: stored and read as naive UTC
        article["published_at"] = published.replace(tzinfo=UTC)
    return article
