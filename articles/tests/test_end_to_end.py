"""fetch_news end to end over real HTTP against the local stub providers (no HTTP mocking)."""

import pytest

from articles.models import Article, ArticleCategory, FetchAttempt
from articles.providers.base import USER_AGENT
from articles.tests import fakes
from articles.tests.stub_server import StubAnswer, StubProviderServer
from articles.tests.test_fetch_news import run, timeless

pytestmark = pytest.mark.django_db


@pytest.fixture
def stub(providers_configured, command_sleeps):
    with StubProviderServer(newsapi_key=fakes.NEWSAPI_KEY, guardian_key=fakes.GUARDIAN_KEY) as server:
        providers_configured.NEWSAPI_BASE_URL = server.url
        providers_configured.GUARDIAN_BASE_URL = server.url
        yield server


def test_fetch_news_stores_both_providers_over_real_http(stub):
    code, out, err = run("--category", "technology", "--category", "science")

    assert (code, err) == (0, "")
    assert timeless(out) == [
        "newsapi   technology    success          received 5, created 3, updated 0 in T s",
        "guardian  technology    success          received 4, created 3, updated 0 in T s",
        "newsapi   science       success          received 5, created 3, updated 0 in T s",
        "guardian  science       success          received 4, created 0, updated 3 in T s",
        "total: 4 pairs: 4 success, 0 error, 0 skipped; received 18, created 9, updated 3 in T s",
    ]
    assert Article.objects.filter(source="newsapi").count() == 6
    assert Article.objects.filter(source="guardian").count() == 3
    # The Guardian listed the same articles under both sections: stored once, found under both.
    assert ArticleCategory.objects.filter(source="guardian").count() == 6
    assert set(FetchAttempt.objects.values_list("outcome", "http_status")) == {("success", 200)}

    newsapi_request = next(r for r in stub.requests if r.path == "/top-headlines")
    assert newsapi_request.headers["x-api-key"] == fakes.NEWSAPI_KEY
    assert newsapi_request.headers["user-agent"] == USER_AGENT
    assert newsapi_request.query == {"category": "technology", "country": "us", "pageSize": "100"}
    guardian_request = next(r for r in stub.requests if r.path == "/search")
    assert guardian_request.query == {
        "section": "technology",
        "order-by": "newest",
        "page-size": "50",
        "show-fields": "trailText,byline,thumbnail",
        "api-key": fakes.GUARDIAN_KEY,
    }


def test_rerun_is_skipped_as_fresh_and_forced_rerun_stores_no_duplicates(stub):
    run("--category", "technology")
    calls = len(stub.requests)

    code, out, _ = run("--category", "technology")
    assert code == 0
    assert [line.split()[2] for line in timeless(out)[:-1]] == ["skipped_fresh", "skipped_fresh"]
    assert len(stub.requests) == calls

    run("--category", "technology", "--force")
    assert Article.objects.count() == 6
    assert len(stub.requests) == calls + 2


def test_wrong_key_and_server_errors_over_real_http(stub, providers_configured, command_sleeps):
    providers_configured.GUARDIAN_API_KEY = "wrong-key"
    stub.overrides[("/top-headlines", "health")] = StubAnswer(
        status=502, body=b"<html><body>502 Bad Gateway</body></html>", content_type="text/html"
    )

    code, out, _ = run("--category", "health")

    assert code == 1
    lines = timeless(out)
    assert lines[0] == (
        "newsapi   health        error            received 0, created 0, updated 0 in T s after 3 calls; "
        "server_error (HTTP 502): NewsAPI answered HTTP 502 (no code): no message"
    )
    assert lines[1] == (
        "guardian  health        error            received 0, created 0, updated 0 in T s; "
        "invalid_key (HTTP 401): The Guardian answered HTTP 401: Invalid authentication credentials"
    )
    assert command_sleeps == [1.0, 2.0]
    assert "wrong-key" not in out


def test_a_slow_provider_times_out(stub, providers_configured):
    providers_configured.PROVIDER_TIMEOUT = 0.2
    stub.overrides[("/search", "society")] = StubAnswer(status=200, body=b"{}", delay=0.5)

    code, out, _ = run("--source", "guardian", "--category", "health")

    assert code == 1
    assert "timeout: The Guardian did not answer within 0.2 s." in out
    assert FetchAttempt.objects.get().error_kind == "timeout"


def test_nothing_listening_is_a_connection_error(providers_configured, command_sleeps):
    with StubProviderServer() as server:
        closed_url = server.url  # the port is free again once the server stops
    providers_configured.NEWSAPI_BASE_URL = closed_url

    code, out, _ = run("--source", "newsapi", "--category", "science")

    assert code == 1
    assert "connection: Could not connect to NewsAPI at 127.0.0.1:" in out
    assert "after 3 calls" in out
