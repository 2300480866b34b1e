"""fetch_news killed mid-run (SIGKILL) leaves no half-written page, and the next run recovers."""

import io
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, FetchAttempt, PairLease
from articles.services import INTERRUPTED_MESSAGE
from articles.tests import fakes
from articles.tests.stub_server import StubAnswer, StubProviderServer, json_answer, payload
from conftest import BASE_DIR, manage_environment, test_database_url

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_killed_fetch_news_leaves_no_half_written_page(settings):
    slow_science = StubAnswer(status=200, body=json_answer(payload("newsapi_top_headlines")).body, delay=60)
    with StubProviderServer(overrides={("/top-headlines", "science"): slow_science}) as stub:
        environment = manage_environment(
            DATABASE_URL=test_database_url(),
            SECRET_KEY="killed-fetch-test",
            DEBUG="False",
            NEWSAPI_KEY=fakes.NEWSAPI_KEY,
            NEWSAPI_BASE_URL=stub.url,
            GUARDIAN_API_KEY="",
            PYTHONUNBUFFERED="1",
        )
        process = subprocess.Popen(
            [sys.executable, "manage.py", "fetch_news", "--category", "technology", "--category", "science"],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            # Log lines (one per provider call) share stdout with the command's own lines.
            lines = iter(process.stdout.readline, "")
            first_pair = next(line for line in lines if not line.startswith("20"))
            assert first_pair.startswith("newsapi   technology    success"), first_pair
            # The science call is under way: kill the process while it waits for the page.
            wait_for(lambda: any(r.query.get("category") == "science" for r in stub.requests))
            process.kill()
            process.wait(10)
        finally:
            if process.poll() is None:
                process.kill()
            process.stdout.close()
            process.stderr.close()

    technology = Article.objects.filter(category_links__category="technology").count()
    assert technology == 3
    assert not Article.objects.filter(category_links__category="science").exists()
    science = FetchAttempt.objects.get(category="science")
    assert science.outcome == FetchAttempt.Outcome.RUNNING

    # Once the dead process's lease has run out, the next run closes its record and stores the page.
    PairLease.objects.filter(category="science").update(held_until=timezone.now() - timedelta(seconds=1))
    FetchAttempt.objects.filter(pk=science.pk).update(started_at=science.started_at - timedelta(hours=1))
    settings.NEWSAPI_KEY = fakes.NEWSAPI_KEY
    settings.GUARDIAN_API_KEY = ""
    with StubProviderServer() as stub:
        settings.NEWSAPI_BASE_URL = stub.url
        call_command("fetch_news", "--category", "science", stdout=io.StringIO())

    science.refresh_from_db()
    assert (science.outcome, science.error) == (FetchAttempt.Outcome.ERROR, INTERRUPTED_MESSAGE)
    assert Article.objects.filter(category_links__category="science").count() == 3
    assert Article.objects.count() == 6
