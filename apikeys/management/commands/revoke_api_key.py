"""Revoke an API key by its public prefix; it fails from the next request on."""

from datetime import UTC

from django.core.management.base import BaseCommand, CommandError

from apikeys.keys import parse_prefix
from apikeys.selectors import api_key_get_by_prefix
from apikeys.services import api_key_revoke

UNKNOWN_PREFIX_MESSAGE = (
    "No API key has the prefix {prefix!r}. The prefix is the key's first part, e.g. nagg_1a2b3c4d."
)
REVOKED_MESSAGE = "Revoked API key {name!r} ({prefix}). Requests with it now fail with 401."
ALREADY_REVOKED_MESSAGE = (
    "API key {name!r} ({prefix}) was already revoked on {at:%Y-%m-%d %H:%M} UTC; nothing to do."
)


class Command(BaseCommand):
    help = "Revoke an API key, given its prefix (as shown in the admin and by create_api_key)."

    def add_arguments(self, parser):
        parser.add_argument("prefix", help="The key's public prefix, e.g. nagg_1a2b3c4d.")

    def handle(self, *args, prefix, **options):
        prefix = prefix.strip()
        # A whole key pasted by mistake: use its prefix, and never echo the rest.
        prefix = parse_prefix(prefix) or prefix
        api_key = api_key_get_by_prefix(prefix=prefix)
        if api_key is None:
            raise CommandError(UNKNOWN_PREFIX_MESSAGE.format(prefix=prefix))
        if api_key_revoke(api_key=api_key):
            self.stdout.write(REVOKED_MESSAGE.format(name=api_key.name, prefix=api_key.prefix))
        else:
            self.stdout.write(
                ALREADY_REVOKED_MESSAGE.format(
                    name=api_key.name, prefix=api_key.prefix, at=api_key.revoked_at.astimezone(UTC)
                )
            )
