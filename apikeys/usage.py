"""Writes on the per-key request counters: counting a request, pruning old windows."""

from datetime import datetime

from django.db import connections, router

from apikeys.models import ApiKey, UsageWindow


def usage_increment(*, api_key: ApiKey, window_start: datetime, limit: int) -> int | None:
    """Count one request of the key in the window, unless the window already holds `limit`.

    Returns the window's new count, or None when the limit is reached; then nothing is
    counted. One statement: the insert-or-increment and the limit check happen under the
    row's lock, so concurrent requests can neither lose an update nor pass `limit`.
    """
    if limit < 1:
        return None
    connection = connections[router.db_for_write(UsageWindow)]
    start = UsageWindow._meta.get_field("window_start").get_db_prep_value(window_start, connection)
    with connection.cursor() as cursor:
        cursor.execute(_increment_sql(connection), [api_key.pk, start, limit])
        # fetchall: SQLite finishes (and commits) a RETURNING statement only once every row is read.
        rows = cursor.fetchall()
    return rows[0][0] if rows else None


def usage_prune(*, before: datetime) -> int:
    """Delete the windows that started before `before`; returns how many."""
    deleted, _by_model = UsageWindow.objects.filter(window_start__lt=before).delete()
    return deleted


def _increment_sql(connection) -> str:
    # PostgreSQL and SQLite (3.35+) share this syntax. Names come from the model, not literals.
    meta = UsageWindow._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    key = quote(meta.get_field("api_key").column)
    start = quote(meta.get_field("window_start").column)
    count = quote(meta.get_field("requests").column)
    return (
        f"INSERT INTO {table} ({key}, {start}, {count}) VALUES (%s, %s, 1) "  # noqa: S608 (quoted model names)
        f"ON CONFLICT ({key}, {start}) DO UPDATE SET {count} = {table}.{count} + 1 "
        f"WHERE {table}.{count} < %s "
        f"RETURNING {count}"
    )
