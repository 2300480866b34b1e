"""Reads on API keys: lookup by prefix, the current window's usage, usage history."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from apikeys.models import ApiKey, KeyState, UsageWindow
from apikeys.windows import window_end, window_start

USAGE_HISTORY_WINDOWS = 24


@dataclass(frozen=True)
class Usage:
    prefix: str
    name: str
    limit: int
    used: int
    remaining: int
    window_start: datetime
    reset_at: datetime


def api_key_get_by_prefix(*, prefix: str) -> ApiKey | None:
    """The key with this (unique) prefix. Runs on every request, so as raw SQL: the same row
    as `ApiKey.objects.get(prefix=…)` for half the CPU, which went to compiling the query."""
    found = ApiKey.objects.raw(f"SELECT * FROM {ApiKey._meta.db_table} WHERE prefix = %s", [prefix])  # noqa: S608
    return next(iter(found), None)


def usage_get(*, api_key: ApiKey, now: datetime) -> Usage:
    """The key's requests in the window that contains `now`; 0 when it has made none."""
    start = window_start(now)
    used = (
        UsageWindow.objects.filter(api_key=api_key, window_start=start)
        .values_list("requests", flat=True)
        .first()
    ) or 0
    return Usage(
        prefix=api_key.prefix,
        name=api_key.name,
        limit=api_key.rate_limit,
        used=used,
        remaining=max(api_key.rate_limit - used, 0),
        window_start=start,
        reset_at=window_end(now),
    )


def api_key_list_with_usage(*, now: datetime, queryset: QuerySet[ApiKey] | None = None) -> QuerySet[ApiKey]:
    """Keys annotated with `requests_this_hour`, in the same query (no query per key)."""
    queryset = ApiKey.objects.all() if queryset is None else queryset
    current = UsageWindow.objects.filter(api_key=OuterRef("pk"), window_start=window_start(now)).values(
        "requests"
    )[:1]
    return queryset.annotate(
        requests_this_hour=Coalesce(Subquery(current, output_field=IntegerField()), Value(0))
    )


def usage_history(*, api_key: ApiKey, limit: int = USAGE_HISTORY_WINDOWS) -> list[UsageWindow]:
    """The key's most recent windows, newest first."""
    return list(UsageWindow.objects.filter(api_key=api_key).order_by("-window_start")[:limit])


def api_key_filter_state(*, queryset: QuerySet[ApiKey], state: str, now: datetime) -> QuerySet[ApiKey]:
    """Keys in one state; the same rules as ApiKey.state()."""
    if state == KeyState.REVOKED:
        return queryset.filter(revoked_at__isnull=False)
    live = queryset.filter(revoked_at__isnull=True)
    if state == KeyState.EXPIRED:
        return live.filter(expires_at__lte=now)
    if state == KeyState.ACTIVE:
        return live.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    raise ValueError(f"Unknown key state: {state!r}")
