"""`make run`'s key: created once, kept in a private file, replaced when it stops working."""

import stat
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from apikeys.keys import key_digest
from apikeys.management.commands.ensure_local_api_key import LOCAL_KEY_NAME
from apikeys.models import ApiKey
from apikeys.services import api_key_revoke

pytestmark = pytest.mark.django_db


def ensure(key_file) -> list[str]:
    out = StringIO()
    call_command(
        "ensure_local_api_key", "--key-file", str(key_file), "--base-url", "http://127.0.0.1:8101", stdout=out
    )
    return out.getvalue().splitlines()


def works(raw_key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client.get("/v1/usage").status_code == HTTPStatus.OK


def test_first_run_creates_a_key_prints_it_and_keeps_it_privately(tmp_path):
    key_file = tmp_path / ".local-api-key"

    lines = ensure(key_file)

    api_key = ApiKey.objects.get()
    raw_key = key_file.read_text().strip()
    assert api_key.name == LOCAL_KEY_NAME
    assert api_key.digest == key_digest(raw_key)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert lines == [
        f"Created a local API key named 'local development', kept in {key_file}.",
        f"API key: {raw_key}",
        "Try it:",
        f'  curl -H "Authorization: Bearer {raw_key}" http://127.0.0.1:8101/v1/articles',
    ]
    assert works(raw_key)


def test_later_runs_reprint_the_same_key_without_piling_up(tmp_path):
    key_file = tmp_path / ".local-api-key"
    ensure(key_file)
    raw_key = key_file.read_text().strip()

    lines = ensure(key_file)
    ensure(key_file)

    assert ApiKey.objects.count() == 1
    assert key_file.read_text().strip() == raw_key
    assert lines[0] == f"Using the local API key kept in {key_file}."
    assert lines[-1] == f'  curl -H "Authorization: Bearer {raw_key}" http://127.0.0.1:8101/v1/articles'


def test_a_revoked_local_key_is_replaced(tmp_path):
    key_file = tmp_path / ".local-api-key"
    ensure(key_file)
    old = ApiKey.objects.get()
    api_key_revoke(api_key=old)

    ensure(key_file)

    new_raw = key_file.read_text().strip()
    assert works(new_raw)
    assert ApiKey.objects.filter(revoked_at__isnull=True).count() == 1
    assert ApiKey.objects.count() == 2


def test_a_key_file_from_another_database_is_replaced(tmp_path):
    key_file = tmp_path / ".local-api-key"
    key_file.write_text("nagg_00000000_" + "a" * 43 + "\n")

    ensure(key_file)

    assert works(key_file.read_text().strip())
    assert ApiKey.objects.count() == 1


def test_a_lost_key_file_retires_the_unusable_local_key(tmp_path):
    key_file = tmp_path / ".local-api-key"
    ensure(key_file)
    old = ApiKey.objects.get()
    key_file.unlink()

    lines = ensure(key_file)

    old.refresh_from_db()
    assert old.revoked_at is not None
    assert f"Revoked the earlier local key {old.prefix}, whose raw value was lost." in lines
    assert ApiKey.objects.filter(revoked_at__isnull=True).count() == 1
    assert works(key_file.read_text().strip())
