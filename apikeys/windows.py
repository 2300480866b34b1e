"""Rate-limit windows: fixed clock hours in UTC. Pure functions of a point in time."""

from datetime import UTC, datetime, timedelta

WINDOW_LENGTH = timedelta(hours=1)


def window_start(now: datetime) -> datetime:
    """The start of the UTC clock hour that contains `now` (an aware datetime)."""
    return now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def window_end(now: datetime) -> datetime:
    """The end of that hour: when its count resets."""
    return window_start(now) + WINDOW_LENGTH
