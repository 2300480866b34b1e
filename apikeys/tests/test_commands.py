import subprocess
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apikeys.keys import key_digest
from apikeys.management.commands.create_api_key import (
    EXPIRES_IN_DAYS_INVALID_MESSAGE,
    RATE_LIMIT_INVALID_MESSAGE,
    SHOWN_ONCE_MESSAGE,
)
from apikeys.management.commands.revoke_api_key import UNKNOWN_PREFIX_MESSAGE
from apikeys.models import ApiKey
from apikeys.services import api_key_revoke
from conftest import run_manage, test_database_url

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


def test_create_prints_the_key_alone_on_the_last_line():
    lines = run("create_api_key", "mobile app")

    api_key = ApiKey.objects.get()
    raw_key = lines[-1]
    assert raw_key.startswith(api_key.prefix + "_")
    assert api_key.digest == key_digest(raw_key)
    assert api_key.name == "mobile app"
    assert api_key.rate_limit == 100
    assert api_key.expires_at is None
    assert lines[:-1] == [
        "Created API key 'mobile app'.",
        f"Prefix: {api_key.prefix}",
        "Rate limit: 100 requests per hour",
        "Expires: never",
        SHOWN_ONCE_MESSAGE,
    ]


def test_create_with_limit_and_expiry():
    before = timezone.now()

    lines = run("create_api_key", "partner", "--rate-limit", "500", "--expires-in-days", "30")

    api_key = ApiKey.objects.get()
    assert api_key.rate_limit == 500
    assert before + timedelta(days=30) <= api_key.expires_at <= timezone.now() + timedelta(days=30)
    assert "Rate limit: 500 requests per hour" in lines
    assert f"Expires: {api_key.expires_at:%Y-%m-%d %H:%M} UTC" in lines


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--rate-limit", "0"], RATE_LIMIT_INVALID_MESSAGE, id="zero-limit"),
        pytest.param(["--rate-limit", "-5"], RATE_LIMIT_INVALID_MESSAGE, id="negative-limit"),
        pytest.param(["--expires-in-days", "0"], EXPIRES_IN_DAYS_INVALID_MESSAGE, id="zero-days"),
    ],
)
def test_create_rejects_bad_numbers(args, message):
    with pytest.raises(CommandError, match=message):
        run("create_api_key", "x", *args)

    assert not ApiKey.objects.exists()


def test_revoke_by_prefix(api_key):
    lines = run("revoke_api_key", api_key.prefix)

    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert lines == [f"Revoked API key 'test client' ({api_key.prefix}). Requests with it now fail with 401."]


def test_revoke_says_when_already_revoked(api_key):
    api_key_revoke(api_key=api_key)
    revoked_at = api_key.revoked_at

    lines = run("revoke_api_key", api_key.prefix)

    api_key.refresh_from_db()
    assert api_key.revoked_at == revoked_at
    assert lines == [
        f"API key 'test client' ({api_key.prefix}) was already revoked on "
        f"{revoked_at:%Y-%m-%d %H:%M} UTC; nothing to do."
    ]


def test_revoke_accepts_a_whole_key_without_echoing_it(api_key, raw_key):
    lines = run("revoke_api_key", raw_key)

    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert raw_key not in "\n".join(lines)


def test_revoke_unknown_prefix(api_key):
    with pytest.raises(CommandError) as error:
        run("revoke_api_key", "nagg_00000000")

    assert str(error.value) == UNKNOWN_PREFIX_MESSAGE.format(prefix="nagg_00000000")
    api_key.refresh_from_db()
    assert api_key.revoked_at is None


# -- exit codes, as a shell or a script sees them --------------------------------


def manage(*args) -> subprocess.CompletedProcess:
    """Run manage.py against the test database (committed data only)."""
    return run_manage(*args, DATABASE_URL=test_database_url(), SECRET_KEY="test-only", DEBUG="False")


@pytest.mark.django_db(transaction=True)
def test_commands_exit_codes():
    created = manage("create_api_key", "scripted", "--rate-limit", "20")
    assert created.returncode == 0, created.stderr
    raw_key = created.stdout.splitlines()[-1]
    api_key = ApiKey.objects.get()
    assert api_key.digest == key_digest(raw_key)
    assert api_key.rate_limit == 20

    revoked = manage("revoke_api_key", api_key.prefix)
    assert (revoked.returncode, revoked.stderr) == (0, "")
    assert "Revoked API key 'scripted'" in revoked.stdout

    again = manage("revoke_api_key", api_key.prefix)
    assert again.returncode == 0
    assert "already revoked" in again.stdout

    unknown = manage("revoke_api_key", "nagg_00000000")
    assert unknown.returncode == 1
    assert UNKNOWN_PREFIX_MESSAGE.format(prefix="nagg_00000000") in unknown.stderr

    bad_limit = manage("create_api_key", "x", "--rate-limit", "0")
    assert bad_limit.returncode == 1
    assert RATE_LIMIT_INVALID_MESSAGE in bad_limit.stderr

    assert ApiKey.objects.count() == 1


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["create_api_key"], id="create-without-name"),
        pytest.param(["create_api_key", "x", "--rate-limit", "many"], id="create-non-numeric-limit"),
        pytest.param(["create_api_key", "x", "--expires-in-days", "1.5"], id="create-fractional-days"),
        pytest.param(["revoke_api_key"], id="revoke-without-prefix"),
    ],
)
def test_bad_arguments_exit_2(args):
    result = manage(*args)

    assert result.returncode == 2
    assert "error:" in result.stderr
