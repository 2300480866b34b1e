"""Writes of the article store: storing a provider page, and refreshing one provider+category pair."""

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from articles.models import Article, ArticleCategory, FetchAttempt, PairLease, ProviderState
from articles.normalization import NormalizedArticle
from articles.providers import Provider, ProviderError, get_provider
from articles.providers.base import RETRYABLE_KINDS
from articles.selectors import calls_today, fresh_pairs, provider_in_backoff

logger = logging.getLogger("articles.fetch")

# Retries (fetch_news only) wait 1 s, 2 s, 4 s, … before the next call.
RETRY_BASE_DELAY = 1.0
# Lease bound beyond the calls themselves: waiting for a call slot, storing, a slow database.
LEASE_MARGIN = timedelta(seconds=60)

DISABLED_REASON = "{setting} is not set"
FRESH_REASON = "fetched successfully less than {ttl} s ago"
LOCKED_REASON = "another refresh of this pair is running"
BACKOFF_REASON = (
    "{label} answered with a quota or rate-limit error; not called again before {until:%H:%M:%S} UTC"
)
BUDGET_REASON = "daily budget spent: {used} of {budget} calls used today (UTC); next call after midnight UTC"
SPACING_REASON = "{label}'s next call slot is {wait:.1f} s away (calls are spaced {interval:g} s apart)"
STORE_FAILED_MESSAGE = "Storing the articles failed: {error}"
CALL_FAILED_MESSAGE = "The call failed unexpectedly: {error}"
INTERRUPTED_MESSAGE = "The fetch was interrupted before it finished (its process stopped)."


class RefreshOutcome(StrEnum):
    SUCCESS = "success"
    ERROR = "error"
    SKIPPED_FRESH = "skipped_fresh"
    SKIPPED_LOCKED = "skipped_locked"
    SKIPPED_BACKOFF = "skipped_backoff"
    SKIPPED_BUDGET = "skipped_budget"
    SKIPPED_DISABLED = "skipped_disabled"
    # Only with max_wait: the provider's next call slot is further off than the caller will wait.
    SKIPPED_SPACING = "skipped_spacing"


@dataclass(frozen=True)
class UpsertResult:
    created: int
    updated: int


@dataclass(frozen=True)
class RefreshResult:
    """What became of one pair refresh; `reason` says why a pair was skipped."""

    provider: str
    category: str
    outcome: RefreshOutcome
    received: int = 0
    created: int = 0
    updated: int = 0
    duration_ms: int = 0
    error: str = ""
    error_kind: str = ""
    http_status: int | None = None
    reason: str = ""
    # Provider calls made (more than one when a transient failure was retried).
    calls: int = 0

    @property
    def failed(self) -> bool:
        return self.outcome == RefreshOutcome.ERROR

    @property
    def skipped(self) -> bool:
        return self.outcome.startswith("skipped_")


# ------------------------------------------------------------------------------
# Storing a page
# ------------------------------------------------------------------------------
ARTICLE_UPDATE_FIELDS = [
    "title",
    "description",
    "image_url",
    "author",
    "source_name",
    "published_at",
    "updated_at",
]


def article_upsert_many(
    *, articles: list[NormalizedArticle], provider: str, category: str, now: datetime | None = None
) -> UpsertResult:
    """Store one provider page by URL in a few bulk queries, whatever its size, in one transaction.

    New URLs are created; known ones get the provider's current title, description, image,
    author, publisher and date, but keep the provider and category they were first seen
    under. Every article is linked to `category`.
    """
    unique: dict[str, NormalizedArticle] = {}
    for article in articles:
        unique.setdefault(article.url, article)
    if not unique:
        return UpsertResult(created=0, updated=0)
    now = now or timezone.now()
    # One order for every writer, so two pages sharing URLs lock their rows in the same order.
    urls = sorted(unique)
    with transaction.atomic():
        known = dict(Article.objects.filter(url__in=urls).values_list("url", "published_at"))
        Article.objects.bulk_create(
            [
                Article(
                    url=url,
                    title=unique[url].title,
                    description=unique[url].description,
                    image_url=unique[url].image_url,
                    author=unique[url].author,
                    source=provider,
                    source_name=unique[url].source_name,
                    category=category,
                    published_at=unique[url].published_at,
                    updated_at=now,
                )
                for url in urls
            ],
            update_conflicts=True,
            unique_fields=["url"],
            update_fields=ARTICLE_UPDATE_FIELDS,
        )
        # bulk_create returns no ids for updated rows on every backend: read them back.
        stored = list(Article.objects.filter(url__in=urls).values_list("id", "url", "source", "published_at"))
        ArticleCategory.objects.bulk_create(
            [
                ArticleCategory(article_id=pk, category=category, source=source, published_at=published_at)
                for pk, _url, source, published_at in stored
            ],
            ignore_conflicts=True,
        )
        moved = [
            pk for pk, url, _source, published_at in stored if url in known and known[url] != published_at
        ]
        if moved:
            # The article's other category links carry its date too.
            ArticleCategory.objects.filter(article_id__in=moved).update(
                published_at=Subquery(
                    Article.objects.filter(pk=OuterRef("article_id")).values("published_at")[:1]
                )
            )
    return UpsertResult(created=len(urls) - len(known), updated=len(known))


# ------------------------------------------------------------------------------
# The pair lease: one refresh of a provider+category at a time, across processes
# ------------------------------------------------------------------------------
def pair_lease_acquire(*, provider: str, category: str, now: datetime, hold_for: timedelta) -> str | None:
    """Take the pair's lease when it is free or expired; its holder token, or None when held.

    A conditional UPDATE is atomic on every backend: of two takers, the second finds the
    lease already held (PostgreSQL re-checks the row after the first commits). A lease of a
    killed process expires on its own.
    """
    PairLease.objects.bulk_create([PairLease(provider=provider, category=category)], ignore_conflicts=True)
    token = secrets.token_hex(16)
    taken = (
        PairLease.objects.filter(provider=provider, category=category)
        .filter(Q(held_until__isnull=True) | Q(held_until__lt=now))
        .update(held_until=now + hold_for, holder=token)
    )
    return token if taken else None


def pair_lease_release(*, provider: str, category: str, token: str) -> None:
    PairLease.objects.filter(provider=provider, category=category, holder=token).update(
        held_until=None, holder=""
    )


# ------------------------------------------------------------------------------
# Reserving a call: daily budget and spacing, serialised per provider
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Reservation:
    """A call slot taken (attempt and slot), or why not: budget spent, or the slot too far off."""

    attempt: FetchAttempt | None
    slot: datetime | None
    used: int


def _call_reserve(
    *, provider: Provider, category: str, now: datetime, max_wait: float | None = None
) -> _Reservation:
    """Count today's calls and take the next call slot, one process at a time per provider.

    The transaction starts with a write on the provider's row, which holds other reservations
    until it commits: a row lock on PostgreSQL, the database write lock on SQLite.
    """
    state = ProviderState.objects.filter(provider=provider.name)
    with transaction.atomic():
        if not state.update(next_call_at=F("next_call_at")):
            ProviderState.objects.bulk_create([ProviderState(provider=provider.name)], ignore_conflicts=True)
            state.update(next_call_at=F("next_call_at"))
        next_call_at = state.values_list("next_call_at", flat=True).get()
        used = calls_today(provider=provider.name, now=now)
        if used >= provider.daily_budget:
            return _Reservation(attempt=None, slot=None, used=used)
        slot = max(now, next_call_at) if next_call_at else now
        if max_wait is not None and (slot - now).total_seconds() > max_wait:
            return _Reservation(attempt=None, slot=slot, used=used)
        state.update(next_call_at=slot + timedelta(seconds=provider.min_interval))
        attempt = FetchAttempt.objects.create(provider=provider.name, category=category, started_at=slot)
    return _Reservation(attempt=attempt, slot=slot, used=used + 1)


# ------------------------------------------------------------------------------
# One call and its record
# ------------------------------------------------------------------------------
def _attempt_finish(attempt: FetchAttempt, **fields) -> None:
    FetchAttempt.objects.filter(pk=attempt.pk).update(**fields)
    for name, value in fields.items():
        setattr(attempt, name, value)
    # Errors are worth an operator's attention; successes only when debugging.
    logger.log(
        logging.WARNING if attempt.outcome == FetchAttempt.Outcome.ERROR else logging.DEBUG,
        "fetch %s/%s %s http=%s received=%d created=%d updated=%d %dms%s",
        attempt.provider,
        attempt.category,
        attempt.outcome,
        attempt.http_status,
        attempt.received,
        attempt.created,
        attempt.updated,
        attempt.duration_ms or 0,
        f" {attempt.error_kind}: {attempt.error}" if attempt.error else "",
    )


def _call_and_store(*, provider: Provider, category: str, attempt: FetchAttempt) -> FetchAttempt:
    """Call the provider once, store its page and complete the attempt; never leaves it running."""
    started = time.monotonic()

    def elapsed_ms() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        page = provider.fetch(category)
    except ProviderError as exc:
        _attempt_finish(
            attempt,
            outcome=FetchAttempt.Outcome.ERROR,
            error_kind=exc.kind,
            http_status=exc.http_status,
            error=exc.message,
            duration_ms=elapsed_ms(),
        )
        return attempt
    except Exception as exc:
        logger.exception("%s/%s: the call failed unexpectedly", provider.name, category)
        _attempt_finish(
            attempt,
            outcome=FetchAttempt.Outcome.ERROR,
            error_kind=FetchAttempt.ErrorKind.INTERNAL,
            error=CALL_FAILED_MESSAGE.format(error=type(exc).__name__),
            duration_ms=elapsed_ms(),
        )
        return attempt

    received = len(page.articles) + page.dropped
    try:
        stored = article_upsert_many(articles=page.articles, provider=provider.name, category=category)
    except Exception as exc:
        logger.exception("%s/%s: storing %d articles failed", provider.name, category, len(page.articles))
        _attempt_finish(
            attempt,
            outcome=FetchAttempt.Outcome.ERROR,
            error_kind=FetchAttempt.ErrorKind.INTERNAL,
            http_status=page.http_status,
            received=received,
            error=STORE_FAILED_MESSAGE.format(error=f"{type(exc).__name__}: {exc}"[:500]),
            duration_ms=elapsed_ms(),
        )
        return attempt
    _attempt_finish(
        attempt,
        outcome=FetchAttempt.Outcome.SUCCESS,
        http_status=page.http_status,
        received=received,
        created=stored.created,
        updated=stored.updated,
        duration_ms=elapsed_ms(),
    )
    return attempt


def _attempts_interrupted_close(*, provider: str, category: str, before: datetime) -> None:
    """Close the records a killed process left running (their lease has long expired)."""
    FetchAttempt.objects.filter(
        provider=provider, category=category, outcome=FetchAttempt.Outcome.RUNNING, started_at__lt=before
    ).update(
        outcome=FetchAttempt.Outcome.ERROR,
        error_kind=FetchAttempt.ErrorKind.INTERNAL,
        error=INTERRUPTED_MESSAGE,
    )


# ------------------------------------------------------------------------------
# The refresh of one pair: the one code path of fetch_news and the request path
# ------------------------------------------------------------------------------
def lease_duration(*, provider: Provider, retries: int) -> timedelta:
    """Comfortably longer than the calls of one refresh, so a live lease never expires early."""
    calls = retries + 1
    waits = sum(RETRY_BASE_DELAY * 2**n for n in range(retries))
    return timedelta(seconds=provider.timeout * calls + waits + provider.min_interval * calls) + LEASE_MARGIN


def pair_refresh(
    *,
    provider: str,
    category: str,
    force: bool = False,
    retries: int = 0,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_wait: float | None = None,
) -> RefreshResult:
    """Fetch one provider+category and store it, unless it is fresh, locked, backed off or over budget.

    `retries` > 0 retries connection errors and 5xx answers with exponential backoff, each
    retry a new call with its own record. Calls to one provider are spaced by its min_interval:
    with `max_wait` (seconds), a call whose slot is further off is not made (skipped_spacing),
    which bounds a request's wait. `now` and `sleep` are the clock and the wait, for tests.
    """
    started = time.monotonic()
    source = get_provider(provider)
    if category not in source.category_map:
        raise ValueError(f"{source.label} has no category {category!r}")

    def clock() -> datetime:
        return now if now is not None else timezone.now()

    def result(outcome: RefreshOutcome, **fields) -> RefreshResult:
        duration_ms = round((time.monotonic() - started) * 1000)
        return RefreshResult(
            provider=provider, category=category, outcome=outcome, duration_ms=duration_ms, **fields
        )

    if not source.enabled:
        return result(
            RefreshOutcome.SKIPPED_DISABLED, reason=DISABLED_REASON.format(setting=source.api_key_setting)
        )
    fresh_reason = FRESH_REASON.format(ttl=settings.NEWS_CACHE_TTL)
    if not force and fresh_pairs(pairs=[(provider, category)], now=clock()):
        return result(RefreshOutcome.SKIPPED_FRESH, reason=fresh_reason)

    hold_for = lease_duration(provider=source, retries=retries)
    token = pair_lease_acquire(provider=provider, category=category, now=clock(), hold_for=hold_for)
    if token is None:
        return result(RefreshOutcome.SKIPPED_LOCKED, reason=LOCKED_REASON)
    try:
        # Another worker may have refreshed the pair between the check above and the lease.
        if not force and fresh_pairs(pairs=[(provider, category)], now=clock()):
            return result(RefreshOutcome.SKIPPED_FRESH, reason=fresh_reason)
        _attempts_interrupted_close(provider=provider, category=category, before=clock() - hold_for)
        return _refresh_leased(
            source=source,
            category=category,
            retries=retries,
            clock=clock,
            sleep=sleep,
            max_wait=max_wait,
            result=result,
        )
    finally:
        pair_lease_release(provider=provider, category=category, token=token)


def _refresh_leased(
    *, source: Provider, category: str, retries: int, clock, sleep, max_wait, result
) -> RefreshResult:
    last: FetchAttempt | None = None
    calls = 0

    def from_attempt(attempt: FetchAttempt) -> RefreshResult:
        return result(
            RefreshOutcome(attempt.outcome),
            received=attempt.received,
            created=attempt.created,
            updated=attempt.updated,
            error=attempt.error,
            error_kind=attempt.error_kind,
            http_status=attempt.http_status,
            calls=calls,
        )

    for retry in range(retries + 1):
        if retry:
            sleep(RETRY_BASE_DELAY * 2 ** (retry - 1))
        backoff_until = provider_in_backoff(provider=source.name, now=clock())
        if backoff_until is not None:
            if last is not None:
                return from_attempt(last)
            reason = BACKOFF_REASON.format(label=source.label, until=backoff_until)
            return result(RefreshOutcome.SKIPPED_BACKOFF, reason=reason)
        reserved_at = clock()
        reservation = _call_reserve(provider=source, category=category, now=reserved_at, max_wait=max_wait)
        if reservation.attempt is None:
            if last is not None:
                return from_attempt(last)
            if reservation.slot is not None:
                wait = (reservation.slot - reserved_at).total_seconds()
                reason = SPACING_REASON.format(label=source.label, wait=wait, interval=source.min_interval)
                return result(RefreshOutcome.SKIPPED_SPACING, reason=reason)
            reason = BUDGET_REASON.format(used=reservation.used, budget=source.daily_budget)
            return result(RefreshOutcome.SKIPPED_BUDGET, reason=reason)
        wait = (reservation.slot - clock()).total_seconds()
        if wait > 0:
            sleep(wait)
        calls += 1
        last = _call_and_store(provider=source, category=category, attempt=reservation.attempt)
        if last.outcome == FetchAttempt.Outcome.SUCCESS or last.error_kind not in RETRYABLE_KINDS:
            break
        if retry < retries:
            logger.warning("%s/%s: %s; retrying", source.name, category, last.error)
    return from_attempt(last)
