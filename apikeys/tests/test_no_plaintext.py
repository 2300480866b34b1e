"""The raw key is shown once and kept nowhere: not in any table, not in any log line."""

import logging
from http import HTTPStatus
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apikeys.keys import key_digest
from apikeys.models import ApiKey, UsageWindow
from apikeys.services import api_key_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def all_logs(caplog):
    """Capture every logger at DEBUG, including those that do not propagate to the root."""
    caplog.set_level(logging.DEBUG)
    loggers = [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    levels = {logger: logger.level for logger in loggers}
    quiet = [logger for logger in loggers if not logger.propagate]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    for logger in quiet:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in quiet:
        logger.removeHandler(caplog.handler)
    for logger, level in levels.items():
        logger.setLevel(level)


def every_stored_value() -> str:
    """Every column of every row of every model, sessions decoded."""
    values = []
    for model in apps.get_models():
        values.extend(str(row) for row in model.objects.values_list())
    values.extend(str(session.get_decoded()) for session in Session.objects.all())
    return "\n".join(values)


def use_key(raw_key: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert client.get("/v1/usage").status_code == HTTPStatus.OK
    wrong_last = "B" if raw_key.endswith("A") else "A"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key[:-1]}{wrong_last}")
    assert client.get("/v1/usage").status_code == HTTPStatus.UNAUTHORIZED


def test_key_from_the_admin_is_stored_as_a_digest_only(key_admin_client, all_logs):
    with CaptureQueriesContext(connection):  # SQL is logged at DEBUG too
        response = key_admin_client.post(
            "/admin/apikeys/apikey/add/",
            {"name": "mobile app", "rate_limit": "100", "expires_at_0": "", "expires_at_1": ""},
        )
        raw_key = response.context["raw_key"]
        use_key(raw_key)
        key_admin_client.get("/admin/apikeys/apikey/")
        api_key = ApiKey.objects.get()
        UsageWindow.objects.create(api_key=api_key, window_start=api_key.created_at, requests=1)
        api_key_revoke(api_key=api_key)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        assert client.get("/v1/usage").status_code == HTTPStatus.UNAUTHORIZED

    stored = every_stored_value()
    assert api_key.digest == key_digest(raw_key)
    assert api_key.digest in stored  # the scan does see the keys table
    assert raw_key not in stored
    assert raw_key.removeprefix(api_key.prefix + "_") not in stored
    assert "Unauthorized: /v1/usage" in all_logs.text  # the scan does see the request log
    assert "apikeys_apikey" in all_logs.text  # and the SQL
    assert raw_key not in all_logs.text
    assert raw_key.removeprefix(api_key.prefix + "_") not in all_logs.text


def test_key_from_the_command_is_stored_as_a_digest_only(all_logs):
    out = StringIO()
    with CaptureQueriesContext(connection):
        call_command("create_api_key", "scripted", stdout=out)
        raw_key = out.getvalue().splitlines()[-1]
        use_key(raw_key)
        call_command("revoke_api_key", raw_key, stdout=StringIO())

    assert raw_key not in every_stored_value()
    assert ApiKey.objects.get().digest == key_digest(raw_key)
    assert raw_key not in all_logs.text
