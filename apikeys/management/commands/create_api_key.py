"""Issue an API key from the command line; the key is the last line of stdout."""

from datetime import UTC

from django.core.management.base import BaseCommand, CommandError

from apikeys.services import api_key_create

RATE_LIMIT_INVALID_MESSAGE = "--rate-limit must be a whole number of requests per hour, at least 1."
EXPIRES_IN_DAYS_INVALID_MESSAGE = "--expires-in-days must be a whole number of days, at least 1."
SHOWN_ONCE_MESSAGE = (
    "Store the key now: it is shown once and cannot be shown again (only its digest is kept)."
)


class Command(BaseCommand):
    help = "Create an API key and print it once. The last line of output is the key alone."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who or what the key is for, e.g. 'mobile app'.")
        parser.add_argument(
            "--rate-limit",
            type=int,
            metavar="N",
            help="Requests per hour (default: API_RATE_LIMIT_PER_HOUR).",
        )
        parser.add_argument(
            "--expires-in-days",
            type=int,
            metavar="D",
            help="Days until the key expires (default: never).",
        )

    def handle(self, *args, name, rate_limit, expires_in_days, **options):
        name = name.strip()
        if not name:
            raise CommandError("NAME must not be empty.")
        if rate_limit is not None and rate_limit < 1:
            raise CommandError(RATE_LIMIT_INVALID_MESSAGE)
        if expires_in_days is not None and expires_in_days < 1:
            raise CommandError(EXPIRES_IN_DAYS_INVALID_MESSAGE)

        api_key, raw_key = api_key_create(name=name, rate_limit=rate_limit, expires_in_days=expires_in_days)

        expiry = f"{api_key.expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if api_key.expires_at else "never"
        self.stdout.write(f"Created API key {api_key.name!r}.")
        self.stdout.write(f"Prefix: {api_key.prefix}")
        self.stdout.write(f"Rate limit: {api_key.rate_limit} requests per hour")
        self.stdout.write(f"Expires: {expiry}")
        self.stdout.write(SHOWN_ONCE_MESSAGE)
        self.stdout.write(raw_key)
