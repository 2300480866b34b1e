"""Writes on API keys: creating and revoking them."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from apikeys.keys import generate_key
from apikeys.models import ApiKey


def api_key_create(
    *,
    name: str,
    rate_limit: int | None = None,
    expires_in_days: int | None = None,
    expires_at=None,
    created_by=None,
) -> tuple[ApiKey, str]:
    """Create a key; returns it with the raw key, which is not stored and cannot be shown again."""
    if expires_in_days is not None:
        expires_at = timezone.now() + timedelta(days=expires_in_days)
    for _attempt in range(5):
        generated = generate_key()
        api_key = ApiKey(
            name=name,
            prefix=generated.prefix,
            digest=generated.digest,
            expires_at=expires_at,
            created_by=created_by,
        )
        if rate_limit is not None:
            api_key.rate_limit = rate_limit
        try:
            with transaction.atomic():
                api_key.save()
        except IntegrityError:  # a prefix collision (1 in 4 billion): draw again
            continue
        return api_key, generated.raw_key
    raise RuntimeError("Could not draw a unique API key prefix.")


def api_key_revoke(*, api_key: ApiKey) -> bool:
    """Revoke a key; returns False when it was already revoked (revocation is one-way)."""
    updated = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    api_key.refresh_from_db(fields=["revoked_at"])
    return bool(updated)
