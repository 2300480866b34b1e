"""The article store and the record of every provider fetch."""

from django.db import models

from articles.constants import Category, Source


class Article(models.Model):
    """One article, stored once per URL whichever provider and category listed it."""

    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=500)
    description = models.CharField(max_length=2000, blank=True, default="")
    # NULL, not "", for absent values: the API returns them as null.
    image_url = models.URLField(max_length=2000, null=True, blank=True)  # noqa: DJ001
    author = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    source = models.CharField(max_length=16, choices=Source.choices)
    source_name = models.CharField(max_length=255, blank=True, default="")
    # The category the article was first seen under; every category is in ArticleCategory.
    category = models.CharField(max_length=16, choices=Category.choices)
    published_at = models.DateTimeField()
    fetched_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            # Unfiltered list, newest first, and its from/to range.
            models.Index(fields=["-published_at", "-id"], name="article_published_idx"),
            # ?source=… lists.
            models.Index(fields=["source", "-published_at", "-id"], name="article_source_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleCategory(models.Model):
    """A category an article was listed under; published_at and source are copied so that
    category lists are served from this table's index alone."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="category_links")
    category = models.CharField(max_length=16, choices=Category.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    published_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "category"], name="article_category_unique"),
        ]
        indexes = [
            models.Index(fields=["category", "-published_at", "-article"], name="artcat_cat_published_idx"),
            models.Index(
                fields=["source", "category", "-published_at", "-article"],
                name="artcat_src_cat_published_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} in {self.category}"


class ArticleTally(models.Model):
    """How many articles a source has: in all (category "") and in each category.

    Kept by database triggers on the two article tables (migration 0003), in the same
    transaction as the write, whatever makes it (ingest, admin, cascades, COPY), so that a
    list's `total` without dates or words is a lookup of a row or two instead of a count
    over the whole store. Never written by the application.
    """

    source = models.CharField(max_length=16, choices=Source.choices)
    category = models.CharField(max_length=16, blank=True, choices=Category.choices)
    articles = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "category"], name="article_tally_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source}/{self.category or 'all'}: {self.articles}"


class FetchAttempt(models.Model):
    """One call (or attempted call) to a provider for one category: the fetch record."""

    class Outcome(models.TextChoices):
        RUNNING = "running"
        SUCCESS = "success"
        ERROR = "error"

    class ErrorKind(models.TextChoices):
        NONE = "", "—"
        INVALID_KEY = "invalid_key", "invalid key"
        QUOTA = "quota", "quota or rate limit"
        BAD_PARAMETER = "bad_parameter", "bad parameter"
        SERVER_ERROR = "server_error", "provider server error"
        TIMEOUT = "timeout", "timeout"
        CONNECTION = "connection", "connection error"
        BAD_RESPONSE = "bad_response", "unexpected response body"
        INTERNAL = "internal", "internal error"

    provider = models.CharField(max_length=16, choices=Source.choices)
    category = models.CharField(max_length=16, choices=Category.choices)
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    error_kind = models.CharField(max_length=16, choices=ErrorKind.choices, blank=True, default="")
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    received = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            # Freshness and backoff of one pair; the last attempts of a provider.
            models.Index(fields=["provider", "category", "-started_at"], name="fetch_pair_started_idx"),
            # Calls made today (daily budget) and the admin's date filter.
            models.Index(fields=["provider", "-started_at"], name="fetch_provider_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}/{self.category} at {self.started_at:%Y-%m-%d %H:%M:%S} ({self.outcome})"


class ProviderState(models.Model):
    """A row per provider: serialises call reservations (daily budget, per-second spacing)."""

    provider = models.CharField(max_length=16, choices=Source.choices, unique=True)
    next_call_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.provider


class PairLease(models.Model):
    """A row per provider+category: at most one refresh of a pair runs at a time."""

    provider = models.CharField(max_length=16, choices=Source.choices)
    category = models.CharField(max_length=16, choices=Category.choices)
    held_until = models.DateTimeField(null=True, blank=True)
    holder = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "category"], name="pair_lease_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}/{self.category}"
