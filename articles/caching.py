"""The request-path cache: refresh the stale provider+category pairs a list request covers."""

import logging
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from articles.constants import CATEGORIES
from articles.providers import enabled_providers
from articles.selectors import last_successes, recently_failed_pairs
from articles.services import pair_refresh

logger = logging.getLogger("newsagg.cache")

HIT, MISS, STALE = "hit", "miss", "stale"

# A pair whose refresh failed is not retried by requests for this long (cron's fetch_news still
# tries it): an unreachable provider must not cost every request PROVIDER_TIMEOUT.
FAILED_REFRESH_PAUSE = timedelta(seconds=60)


# When each pair last started a successful fetch, as far as this process has read. A newer
# success only ever moves it forward, so a pair it shows fresh is fresh: the database is asked
# only about the pairs it cannot vouch for, and a cache hit usually costs no query at all.
_last_success: dict[tuple[str, str], datetime] = {}


def stale_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs among `pairs` not fetched successfully within NEWS_CACHE_TTL (at most one query)."""
    since = timezone.now() - timedelta(seconds=settings.NEWS_CACHE_TTL)
    unknown = [pair for pair in pairs if not _fetched_since(pair, since)]
    if unknown:
        _last_success.update(last_successes(pairs=unknown, since=since))
    return [pair for pair in unknown if not _fetched_since(pair, since)]


def _fetched_since(pair: tuple[str, str], since: datetime) -> bool:
    last = _last_success.get(pair)
    return last is not None and last >= since


def forget_fetch_times() -> None:
    """Empty this process's memory of fetch times (tests that rewrite the fetch records)."""
    _last_success.clear()


def scope_pairs(*, source: str | None, category: str | None) -> list[tuple[str, str]]:
    """The pairs a list request covers: its source (or every enabled provider) × its category (or all)."""
    providers = [name for name in enabled_providers() if source in (None, name)]
    categories = [category] if category else list(CATEGORIES)
    return [(provider, name) for provider in providers for name in categories]


def articles_ensure_fresh(*, source: str | None = None, category: str | None = None) -> str:
    """Refresh the stale pairs of a request's scope; returns its cache status (hit, miss or stale).

    Providers are called in parallel and waited for at most PROVIDER_TIMEOUT; a refresh that
    fails, is refused (backoff, budget, another worker refreshing) or is still running by then
    leaves the answer "stale": it is served from what is stored, never as an error.
    """
    pairs = scope_pairs(source=source, category=category)
    stale = stale_pairs(pairs)
    if not stale:
        return HIT
    paused = recently_failed_pairs(pairs=stale, within=FAILED_REFRESH_PAUSE)
    stale = [pair for pair in stale if pair not in paused]
    if not stale:
        return STALE
    if len(stale) == 1:
        results = [_refresh(stale[0])]
    else:
        executor = ThreadPoolExecutor(max_workers=len(stale), thread_name_prefix="refresh")
        futures = [executor.submit(_refresh_in_thread, pair) for pair in stale]
        done, _ = wait(futures, timeout=settings.PROVIDER_TIMEOUT)
        # Refreshes still running go on in the background and store what they get.
        executor.shutdown(wait=False)
        results = [future.result() for future in done]  # _refresh never raises
    complete = not paused and len(results) == len(stale) and all(outcome in SUCCESSFUL for outcome in results)
    return MISS if complete else STALE


# "skipped_fresh": another worker refreshed the pair between our check and our turn.
SUCCESSFUL = {"success", "skipped_fresh"}


def _refresh(pair: tuple[str, str]) -> str:
    """The outcome of one pair's refresh; a failure of any kind is logged, never raised."""
    provider, category = pair
    try:
        # A request waits at most PROVIDER_TIMEOUT: no call slot further off than that.
        result = pair_refresh(provider=provider, category=category, max_wait=settings.PROVIDER_TIMEOUT)
    except Exception:
        logger.exception("Refreshing %s/%s failed", provider, category)
        return "error"
    if result.outcome not in SUCCESSFUL:
        logger.info(
            "Refresh of %s/%s: %s %s", provider, category, result.outcome, result.error or result.reason
        )
    return result.outcome


def _refresh_in_thread(pair: tuple[str, str]) -> str:
    close_old_connections()
    try:
        return _refresh(pair)
    finally:
        connection.close()
