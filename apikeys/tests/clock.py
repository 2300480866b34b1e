"""A settable clock for the rate-limit throttle."""

from datetime import datetime, timedelta


class Clock:
    """Stands in for `ApiKeyRateThrottle.timer` (Unix time); a callable object, so it is not bound."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> float:
        return self.at.timestamp()

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)
