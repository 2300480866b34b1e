"""API keys (stored as digests) and their per-window request counters."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class KeyState(models.TextChoices):
    ACTIVE = "active", "active"
    REVOKED = "revoked", "revoked"
    EXPIRED = "expired", "expired"


def default_rate_limit() -> int:
    return settings.API_RATE_LIMIT_PER_HOUR


class ApiKey(models.Model):
    name = models.CharField(max_length=100)
    # The public part of the key: shown in the admin, the logs and /v1/usage.
    prefix = models.CharField(max_length=32, unique=True, editable=False)
    # SHA-256 of the whole key; the key itself is never stored.
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    rate_limit = models.PositiveIntegerField(default=default_rate_limit, help_text="Requests per hour.")

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def state(self, now=None) -> KeyState:
        """Revoked wins over expired: revocation is the deliberate act."""
        if self.is_revoked:
            return KeyState.REVOKED
        if self.is_expired(now):
            return KeyState.EXPIRED
        return KeyState.ACTIVE


class UsageWindow(models.Model):
    """Requests one key made in one clock-hour window (UTC); past windows are its history."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="usage_windows")
    window_start = models.DateTimeField()
    requests = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-window_start"]
        constraints = [
            models.UniqueConstraint(fields=["api_key", "window_start"], name="usage_window_unique"),
        ]
        indexes = [
            # Pruning of old windows.
            models.Index(fields=["window_start"], name="usage_window_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id} @ {self.window_start:%Y-%m-%d %H:00}: {self.requests}"
