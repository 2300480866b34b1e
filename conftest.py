"""Fixtures shared by every app's tests."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

from articles.caching import forget_fetch_times


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # The manifest storage needs `collectstatic`; pages in tests render from the app folders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def api_key_and_raw(db):
    """A fresh API key and its raw value (shown once at creation)."""
    from apikeys.services import api_key_create

    return api_key_create(name="test client")


@pytest.fixture
def api_key(api_key_and_raw):
    return api_key_and_raw[0]


@pytest.fixture
def raw_key(api_key_and_raw):
    return api_key_and_raw[1]


@pytest.fixture
def auth_client(raw_key):
    """An API client that sends a valid key on every request."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


# Debian's Chromium, driven by Playwright (never a downloaded browser build).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="needs Debian's chromium (.ci/run installs it)"
)


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium; tests using it also need a live server and transaction=True."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


BASE_DIR = Path(__file__).resolve().parent


def test_database_url() -> str:
    """DATABASE_URL of the test database, for a manage.py subprocess (it sees committed data only)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def manage_environment(*, without: tuple[str, ...] = (), **env: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in without}
    environment.update(env)
    return environment


def run_manage(*args: str, without: tuple[str, ...] = (), **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a subprocess, as a shell or cron would, with `env` over this environment."""
    return subprocess.run(  # noqa: S603 (this interpreter, the project's manage.py)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=manage_environment(without=without, **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(autouse=True)
def fresh_fetch_memory():
    """Each test starts with no remembered fetch times: its fetch records are its own."""
    forget_fetch_times()
    yield
    forget_fetch_times()
