"""Deletes old usage windows: the admin's history needs a few weeks, not years."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apikeys.usage import usage_prune

DEFAULT_RETENTION_DAYS = 90
PRUNED_MESSAGE = (
    "Usage windows deleted: {count} (those that started before {before:%Y-%m-%d %H:%M} UTC, --days {days})."
)
INVALID_DAYS_MESSAGE = "--days must be at least 1 (got {days})."


class Command(BaseCommand):
    help = f"Delete usage windows older than --days days (default {DEFAULT_RETENTION_DAYS})."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DEFAULT_RETENTION_DAYS)

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError(INVALID_DAYS_MESSAGE.format(days=days))
        before = timezone.now() - timedelta(days=days)
        count = usage_prune(before=before)
        self.stdout.write(PRUNED_MESSAGE.format(count=count, before=before, days=days))
