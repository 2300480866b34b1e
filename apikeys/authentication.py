"""Bearer authentication with hashed API keys."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from apikeys.keys import key_matches, parse_prefix
from apikeys.models import ApiKey
from apikeys.selectors import api_key_get_by_prefix

MALFORMED_HEADER_MESSAGE = (
    "Malformed Authorization header: send 'Authorization: Bearer <key>' with the key exactly as issued."
)
MALFORMED_KEY_MESSAGE = "Malformed API key: send the key exactly as issued, e.g. 'Bearer nagg_1a2b3c4d_…'."
INVALID_KEY_MESSAGE = "Invalid API key. Check the key, or ask the service operator for a new one."
REVOKED_KEY_MESSAGE = (
    "This API key was revoked on {at:%Y-%m-%d %H:%M} UTC. Ask the service operator for a new one."
)
EXPIRED_KEY_MESSAGE = (
    "This API key expired on {at:%Y-%m-%d %H:%M} UTC. Ask the service operator for a new one."
)

LAST_USED_RESOLUTION = timedelta(minutes=1)

# The time source for expiry and last use; tests replace it to move time.
clock: Callable[[], datetime] = timezone.now


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>`; `request.auth` is the ApiKey.

    No header means no credentials (401 not_authenticated); any header that is not
    exactly one Bearer key fails (401 authentication_failed) with the reason.
    """

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        if parts[0].lower() != self.keyword or len(parts) != 2:
            raise exceptions.AuthenticationFailed(MALFORMED_HEADER_MESSAGE)
        try:
            raw_key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(MALFORMED_KEY_MESSAGE) from None
        return None, self.authenticate_key(raw_key)

    def authenticate_key(self, raw_key: str) -> ApiKey:
        prefix = parse_prefix(raw_key)
        if prefix is None:
            raise exceptions.AuthenticationFailed(MALFORMED_KEY_MESSAGE)
        api_key = api_key_get_by_prefix(prefix=prefix)
        if api_key is None or not key_matches(raw_key, api_key.digest):
            raise exceptions.AuthenticationFailed(INVALID_KEY_MESSAGE)
        if api_key.revoked_at is not None:
            at = api_key.revoked_at.astimezone(UTC)
            raise exceptions.AuthenticationFailed(REVOKED_KEY_MESSAGE.format(at=at))
        now = clock()
        if api_key.is_expired(now):
            at = api_key.expires_at.astimezone(UTC)
            raise exceptions.AuthenticationFailed(EXPIRED_KEY_MESSAGE.format(at=at))
        self.touch(api_key, now)
        return api_key

    @staticmethod
    def touch(api_key: ApiKey, now: datetime) -> None:
        """Record use at most once a minute per key, and by one worker only."""
        last = api_key.last_used_at
        if last is not None and now - last < LAST_USED_RESOLUTION:
            return
        ApiKey.objects.filter(pk=api_key.pk, last_used_at=last).update(last_used_at=now)
        api_key.last_used_at = now

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class HasApiKey(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, ApiKey)
