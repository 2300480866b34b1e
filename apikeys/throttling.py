"""The per-key hourly rate limit: a fixed clock-hour window (UTC) counted in the database."""

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle

from apikeys.models import ApiKey
from apikeys.usage import usage_increment
from apikeys.windows import window_end, window_start

RATE_LIMIT_EXCEEDED_MESSAGE = (
    "Rate limit of {limit} requests per hour exceeded; it resets at {reset_at:%H:%M:%S} UTC, in {wait}."
)

# Where the throttle leaves a request's figures for RateLimitHeadersMiddleware.
REQUEST_ATTRIBUTE = "rate_limit_status"


@dataclass(frozen=True)
class RateLimitStatus:
    limit: int
    remaining: int
    reset_at: datetime

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(int(self.reset_at.timestamp())),
        }


class RateLimitExceeded(exceptions.Throttled):
    """429 with a message that says when to come back; `details` goes into the error envelope."""

    def __init__(self, *, limit: int, reset_at: datetime, retry_after: int):
        # wait=None: DRF would append its own "Expected available in ..." sentence.
        super().__init__(
            detail=RATE_LIMIT_EXCEEDED_MESSAGE.format(
                limit=limit, reset_at=reset_at, wait=seconds(retry_after)
            )
        )
        self.wait = retry_after  # DRF's handler turns it into Retry-After
        self.details = {
            "limit": limit,
            "reset_at": reset_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "retry_after": retry_after,
        }


class ApiKeyRateThrottle(BaseThrottle):
    """Counts every request of an API key in its clock-hour window; past the key's limit, 429."""

    # Unix time; tests replace it on the class to move time.
    timer = time.time

    def allow_request(self, request, view) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True  # nothing to count: authentication and permissions decide
        now = datetime.fromtimestamp(self.timer(), tz=UTC)
        start, reset_at = window_start(now), window_end(now)
        limit = api_key.rate_limit
        count = usage_increment(api_key=api_key, window_start=start, limit=limit)
        used = limit if count is None else count
        status = RateLimitStatus(limit=limit, remaining=max(limit - used, 0), reset_at=reset_at)
        # On the Django request, where the middleware finds it whatever the response.
        setattr(getattr(request, "_request", request), REQUEST_ATTRIBUTE, status)
        if count is None:
            retry_after = math.ceil((reset_at - now).total_seconds())
            raise RateLimitExceeded(limit=limit, reset_at=reset_at, retry_after=retry_after)
        return True


def seconds(count: int) -> str:
    return f"{count} second" if count == 1 else f"{count} seconds"
