"""For `make run`: make sure a usable local API key exists and print it with a curl line.

Only the digest is stored, so the raw local key is kept in a git-ignored file (mode 0600)
to be printed again on the next run instead of issuing a new key every time.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from rest_framework.exceptions import AuthenticationFailed

from apikeys.authentication import ApiKeyAuthentication
from apikeys.models import ApiKey
from apikeys.services import api_key_create, api_key_revoke

LOCAL_KEY_NAME = "local development"
DEFAULT_KEY_FILE = ".local-api-key"


class Command(BaseCommand):
    help = "Create a local development API key unless the one in .local-api-key still works; print it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--key-file",
            default=str(Path(settings.BASE_DIR) / DEFAULT_KEY_FILE),
            help="Where the raw local key is kept (default: .local-api-key in the project).",
        )
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="The server address for the curl line."
        )

    def handle(self, *args, key_file, base_url, **options):
        path = Path(key_file)
        raw_key = self.usable_key(path)
        if raw_key is None:
            raw_key = self.replace_key(path)
            self.stdout.write(f"Created a local API key named {LOCAL_KEY_NAME!r}, kept in {path}.")
        else:
            self.stdout.write(f"Using the local API key kept in {path}.")
        self.stdout.write(f"API key: {raw_key}")
        self.stdout.write("Try it:")
        self.stdout.write(f'  curl -H "Authorization: Bearer {raw_key}" {base_url.rstrip("/")}/v1/articles')

    @staticmethod
    def usable_key(path: Path) -> str | None:
        """The key in the file when it still authenticates (not revoked, expired or lost with the db)."""
        try:
            raw_key = path.read_text().strip()
        except FileNotFoundError:
            return None
        try:
            ApiKeyAuthentication().authenticate_key(raw_key)
        except AuthenticationFailed:
            return None
        return raw_key

    def replace_key(self, path: Path) -> str:
        # Earlier local keys cannot be used any more (their raw value is gone): retire them.
        for stale in ApiKey.objects.filter(name=LOCAL_KEY_NAME, revoked_at__isnull=True):
            api_key_revoke(api_key=stale)
            self.stdout.write(f"Revoked the earlier local key {stale.prefix}, whose raw value was lost.")
        _api_key, raw_key = api_key_create(name=LOCAL_KEY_NAME)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(raw_key + "\n")
        os.chmod(path, 0o600)
        return raw_key
