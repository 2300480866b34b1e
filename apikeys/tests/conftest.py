"""Fixtures for the API key tests: admin users and a movable clock."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

T0 = datetime(2026, 11, 21, 14, 25, 10, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Set the time seen by authentication and /v1/usage: `clock.now = ...`."""
    from apikeys import authentication, views

    class Clock:
        now = T0

        def __call__(self):
            return self.now

    fake = Clock()
    monkeypatch.setattr(authentication, "clock", fake)
    monkeypatch.setattr(views, "clock", fake)
    return fake


@pytest.fixture
def key_admin(db):
    """A staff member allowed to manage API keys (not a superuser)."""
    user = User.objects.create_user("keeper", password="keeper-password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="apikeys"))
    return user


@pytest.fixture
def key_admin_client(key_admin):
    """A browser session (Django's test client) logged in as the key admin."""
    browser = Client()
    browser.force_login(key_admin)
    return browser
