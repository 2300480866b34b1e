"""Fixtures for the provider tests: configured providers, mocked HTTP, a recorded wait."""

import pytest
import responses

from articles.management.commands.fetch_news import Command as FetchNewsCommand
from articles.tests import fakes


@pytest.fixture
def providers_configured(settings):
    """Both providers enabled with test keys and test base URLs."""
    settings.NEWSAPI_KEY = fakes.NEWSAPI_KEY
    settings.GUARDIAN_API_KEY = fakes.GUARDIAN_KEY
    settings.NEWSAPI_BASE_URL = fakes.NEWSAPI_BASE_URL
    settings.GUARDIAN_BASE_URL = fakes.GUARDIAN_BASE_URL
    settings.PROVIDER_TIMEOUT = 5
    settings.NEWS_CACHE_TTL = 900
    settings.NEWSAPI_DAILY_BUDGET = 100
    settings.GUARDIAN_DAILY_BUDGET = 500
    return settings


@pytest.fixture
def mocked_responses():
    """The providers' HTTP, mocked: an unregistered URL raises, so nothing reaches the network."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def sleeps():
    """The waits pair_refresh asked for, recorded instead of slept."""
    return []


@pytest.fixture
def command_sleeps(monkeypatch, sleeps):
    monkeypatch.setattr(FetchNewsCommand, "sleep", staticmethod(sleeps.append))
    return sleeps
