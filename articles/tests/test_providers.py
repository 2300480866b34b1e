"""Provider clients against recorded-shape payloads: requests, normalisation, every error."""

import logging
from datetime import UTC, datetime

import pytest
import requests
from responses import matchers

from articles.models import FetchAttempt
from articles.normalization import NormalizedArticle
from articles.providers import PROVIDERS, ProviderError, enabled_providers, get_provider
from articles.providers.base import USER_AGENT
from articles.providers.guardian import GuardianProvider
from articles.providers.newsapi import NewsApiProvider
from articles.tests import fakes
from articles.tests.fakes import GUARDIAN_URL, NEWSAPI_URL, load_payload, newsapi_article, newsapi_page

ErrorKind = FetchAttempt.ErrorKind


@pytest.fixture
def newsapi(providers_configured):
    return get_provider("newsapi")


@pytest.fixture
def guardian(providers_configured):
    return get_provider("guardian")


# --- registry and settings ------------------------------------------------------------------


def test_registry_holds_both_providers():
    assert dict(PROVIDERS) == {"newsapi": NewsApiProvider, "guardian": GuardianProvider}


def test_newsapi_is_disabled_without_a_key_and_guardian_enabled_by_default(settings):
    settings.NEWSAPI_KEY = ""
    settings.GUARDIAN_API_KEY = "test"

    assert enabled_providers() == ["guardian"]


def test_both_enabled_with_keys(providers_configured):
    assert enabled_providers() == ["newsapi", "guardian"]


def test_guardian_disabled_with_an_empty_key(settings):
    settings.NEWSAPI_KEY = "k"
    settings.GUARDIAN_API_KEY = ""

    assert enabled_providers() == ["newsapi"]


def test_provider_reads_settings_on_each_call(providers_configured):
    providers_configured.GUARDIAN_DAILY_BUDGET = 7

    assert get_provider("guardian").daily_budget == 7
    assert get_provider("guardian").min_interval == 1.0
    assert get_provider("newsapi").min_interval == 0


def test_unknown_provider_is_refused():
    with pytest.raises(ValueError, match="Unknown provider 'bing'"):
        get_provider("bing")


def test_guardian_maps_every_category_to_sections():
    assert GuardianProvider.category_map == {
        "business": "business|money",
        "entertainment": "culture|film|music|tv-and-radio|books|stage|games|artanddesign",
        "general": "world|uk-news|us-news|politics",
        "health": "society",
        "science": "science",
        "sports": "sport|football",
        "technology": "technology",
    }


# --- NewsAPI success ----------------------------------------------------------------------------


def test_newsapi_request_and_normalised_articles(newsapi, mocked_responses):
    mocked_responses.get(
        NEWSAPI_URL,
        json=load_payload("newsapi_top_headlines"),
        match=[
            matchers.query_param_matcher({"category": "technology", "country": "us", "pageSize": "100"}),
            matchers.header_matcher({"X-Api-Key": fakes.NEWSAPI_KEY, "User-Agent": USER_AGENT}),
        ],
    )

    page = newsapi.fetch("technology")

    assert page.http_status == 200
    assert page.dropped == 2  # the two [Removed] placeholders
    assert page.articles == [
        NormalizedArticle(
            url="https://www.theverge.com/2026/11/18/apple-nfc-third-party-payments",
            title="Apple is opening its NFC chip to third-party payment apps - The Verge",
            description=(
                "Developers in more countries will be able to offer contactless payments from their own apps."
            ),
            image_url="https://cdn.vox-cdn.com/thumbor/nfc-payments.jpg",
            author="Jess Weatherbed",
            source_name="The Verge",
            published_at=datetime(2026, 11, 18, 14, 5, 31, tzinfo=UTC),
        ),
        NormalizedArticle(
            url="https://finance.yahoo.com/news/chip-stocks-rally-ai-servers-120000000.html",
            title="Chip stocks rally as demand for AI servers keeps growing - Yahoo Finance",
            description="",
            image_url=None,  # urlToImage: ""
            author=None,
            source_name="Yahoo Entertainment",
            published_at=datetime(2026, 11, 18, 12, 0, tzinfo=UTC),
        ),
        NormalizedArticle(
            url="https://techcrunch.com/2026/11/18/orbital-data-centers/",
            title="A startup wants to put data centers in orbit",
            description="The company raised $40M Launch is set for 2027",
            image_url=None,
            author="Kyle Wiggers, Devin Coldewey",
            source_name="TechCrunch",
            published_at=datetime(2026, 11, 18, 10, 45, 12, tzinfo=UTC),
        ),
    ]


def test_newsapi_empty_page(newsapi, mocked_responses):
    mocked_responses.get(NEWSAPI_URL, json=load_payload("newsapi_empty"))

    page = newsapi.fetch("health")

    assert (page.http_status, page.articles, page.dropped) == (200, [], 0)


def test_newsapi_tolerates_nulls_missing_fields_and_drops_items_without_url_or_title(
    newsapi, mocked_responses
):
    items = [
        {"url": "https://a.example.com/1", "title": "Only a title and URL"},
        newsapi_article(2, source=None, author=None, description=None, urlToImage=None, publishedAt=None),
        newsapi_article(3, url=None),
        newsapi_article(4, title=None),
        newsapi_article(5, title="   "),
        newsapi_article(6, url="not a url"),
        "not an object",
        None,
    ]
    mocked_responses.get(NEWSAPI_URL, json=newsapi_page(items))

    page = newsapi.fetch("general")

    assert [a.url for a in page.articles] == ["https://a.example.com/1", "https://news.example.com/2"]
    assert page.dropped == 6
    second = page.articles[1]
    assert (second.source_name, second.author, second.description, second.image_url) == ("", None, "", None)
    # No date: the fetch time stands in, so the article is still listed among the newest.
    assert second.published_at.tzinfo == UTC
    assert abs((datetime.now(UTC) - second.published_at).total_seconds()) < 60


def test_newsapi_fits_over_long_values_to_the_columns(newsapi, mocked_responses):
    items = [
        newsapi_article(
            1,
            title="T" * 800,
            description="D" * 5000,
            author="A" * 400,
            source={"id": None, "name": "S" * 400},
            urlToImage="https://img.example.com/" + "i" * 2100,
        ),
        newsapi_article(2, url="https://news.example.com/" + "u" * 2100),
    ]
    mocked_responses.get(NEWSAPI_URL, json=newsapi_page(items))

    page = newsapi.fetch("business")

    assert len(page.articles) == 1  # an over-long URL cannot be cut: that article is dropped
    article = page.articles[0]
    assert (len(article.title), len(article.description), len(article.author), len(article.source_name)) == (
        500,
        2000,
        255,
        255,
    )
    assert article.title.endswith("…")
    assert article.image_url is None


# --- NewsAPI errors -----------------------------------------------------------------------------

NEWSAPI_ERRORS = load_payload("newsapi_errors")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        pytest.param("apiKeyMissing", ErrorKind.INVALID_KEY, id="apiKeyMissing"),
        pytest.param("apiKeyInvalid", ErrorKind.INVALID_KEY, id="apiKeyInvalid"),
        pytest.param("apiKeyDisabled", ErrorKind.INVALID_KEY, id="apiKeyDisabled"),
        pytest.param("apiKeyExhausted", ErrorKind.QUOTA, id="apiKeyExhausted"),
        pytest.param("rateLimited", ErrorKind.QUOTA, id="rateLimited"),
        pytest.param("parameterInvalid", ErrorKind.BAD_PARAMETER, id="parameterInvalid"),
        pytest.param("parametersMissing", ErrorKind.BAD_PARAMETER, id="parametersMissing"),
        pytest.param("parametersIncompatible", ErrorKind.BAD_PARAMETER, id="parametersIncompatible"),
        pytest.param("sourcesTooMany", ErrorKind.BAD_PARAMETER, id="sourcesTooMany"),
        pytest.param("sourceDoesNotExist", ErrorKind.BAD_PARAMETER, id="sourceDoesNotExist"),
        pytest.param("maximumResultsReached", ErrorKind.BAD_PARAMETER, id="maximumResultsReached"),
        pytest.param("unexpectedError", ErrorKind.SERVER_ERROR, id="unexpectedError"),
    ],
)
def test_newsapi_error_codes(newsapi, mocked_responses, code, kind):
    recorded = NEWSAPI_ERRORS[code]
    mocked_responses.get(NEWSAPI_URL, json=recorded["body"], status=recorded["http_status"])

    with pytest.raises(ProviderError) as raised:
        newsapi.fetch("technology")

    error = raised.value
    assert (error.kind, error.http_status) == (kind, recorded["http_status"])
    assert error.message == (
        f"NewsAPI answered HTTP {recorded['http_status']} {code}: {recorded['body']['message']}"
    )


def test_newsapi_error_body_with_http_200(newsapi, mocked_responses):
    mocked_responses.get(NEWSAPI_URL, json=NEWSAPI_ERRORS["rateLimited"]["body"], status=200)

    with pytest.raises(ProviderError) as raised:
        newsapi.fetch("technology")

    assert (raised.value.kind, raised.value.http_status) == (ErrorKind.QUOTA, 200)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        pytest.param(401, ErrorKind.INVALID_KEY, id="401"),
        pytest.param(429, ErrorKind.QUOTA, id="429"),
        pytest.param(400, ErrorKind.BAD_PARAMETER, id="400"),
        pytest.param(503, ErrorKind.SERVER_ERROR, id="503"),
    ],
)
def test_newsapi_unknown_error_code_is_classified_by_status(newsapi, mocked_responses, status, kind):
    mocked_responses.get(
        NEWSAPI_URL, json={"status": "error", "code": "somethingNew", "message": "New."}, status=status
    )

    with pytest.raises(ProviderError) as raised:
        newsapi.fetch("technology")

    assert (raised.value.kind, raised.value.message) == (
        kind,
        f"NewsAPI answered HTTP {status} somethingNew: New.",
    )


# --- Guardian -----------------------------------------------------------------------------------


def test_guardian_request_and_normalised_articles(guardian, mocked_responses):
    mocked_responses.get(
        GUARDIAN_URL,
        json=load_payload("guardian_search"),
        match=[
            matchers.query_param_matcher(
                {
                    "section": "sport|football",
                    "order-by": "newest",
                    "page-size": "50",
                    "show-fields": "trailText,byline,thumbnail",
                    "api-key": fakes.GUARDIAN_KEY,
                }
            ),
            matchers.header_matcher({"User-Agent": USER_AGENT}),
        ],
    )

    page = guardian.fetch("sports")

    assert page.http_status == 200
    assert page.dropped == 1  # the hosted (paid-for) item
    assert page.articles == [
        NormalizedArticle(
            url="https://www.theguardian.com/technology/2026/nov/18/uk-regulator-ai-chatbots-children",
            title="UK regulator orders AI chatbot makers to protect children",
            description="Ofcom says firms must act & report within 90 days",
            image_url="https://media.guim.co.uk/2b4e5a0c3d1f8e7a6b5c4d3e2f1a0b9c8d7e6f5a/0_0_5000_3000/500.jpg",
            author="Dan Milmo Global technology editor",
            source_name="The Guardian",
            published_at=datetime(2026, 11, 18, 11, 30, 4, tzinfo=UTC),
        ),
        NormalizedArticle(  # no `fields` at all
            url="https://www.theguardian.com/technology/live/2026/nov/18/tech-conference-live",
            title="Tech conference 2026 \u2013 live",
            description="",
            image_url=None,
            author=None,
            source_name="The Guardian",
            published_at=datetime(2026, 11, 18, 10, 2, 11, tzinfo=UTC),
        ),
        NormalizedArticle(  # partial `fields`
            url="https://www.theguardian.com/technology/2026/nov/16/chip-export-rules",
            title="US tightens chip export rules again",
            description="Officials say the change closes a loophole",
            image_url=None,
            author=None,
            source_name="The Guardian",
            published_at=datetime(2026, 11, 16, 18, 45, tzinfo=UTC),
        ),
    ]


def test_guardian_empty_page(guardian, mocked_responses):
    mocked_responses.get(GUARDIAN_URL, json=load_payload("guardian_empty"))

    page = guardian.fetch("health")

    assert (page.http_status, page.articles, page.dropped) == (200, [], 0)


def test_guardian_uses_headline_when_web_title_is_missing(guardian, mocked_responses):
    body = load_payload("guardian_empty")
    body["response"]["results"] = [
        {"webUrl": "https://www.theguardian.com/a", "fields": {"headline": "<em>Big</em> news"}},
        {"webUrl": "https://www.theguardian.com/b", "webTitle": None, "fields": None},
    ]
    mocked_responses.get(GUARDIAN_URL, json=body)

    page = guardian.fetch("general")

    assert [(a.url, a.title) for a in page.articles] == [("https://www.theguardian.com/a", "Big news")]
    assert page.dropped == 1


GUARDIAN_ERRORS = load_payload("guardian_errors")


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        pytest.param("no_key", ErrorKind.INVALID_KEY, "No API key found in request", id="401-no-key"),
        pytest.param(
            "invalid_key", ErrorKind.INVALID_KEY, "Invalid authentication credentials", id="401-invalid-key"
        ),
        pytest.param("invalid_key_new_gateway", ErrorKind.INVALID_KEY, "Unauthorized", id="401-unauthorized"),
        pytest.param(
            "invalid_key_old_gateway", ErrorKind.INVALID_KEY, "Invalid authentication credentials", id="403"
        ),
        pytest.param("rate_limited", ErrorKind.QUOTA, "API rate limit exceeded", id="429"),
        pytest.param(
            "bad_page_size",
            ErrorKind.BAD_PARAMETER,
            "page-size must be an integer between 0 and 200",
            id="400-page-size",
        ),
        pytest.param(
            "page_beyond_last",
            ErrorKind.BAD_PARAMETER,
            "requested page is beyond the number of available pages",
            id="400-page-beyond-last",
        ),
        pytest.param(
            "bad_date",
            ErrorKind.BAD_PARAMETER,
            GUARDIAN_ERRORS["bad_date"]["body"]["response"]["message"],
            id="400-date",
        ),
    ],
)
def test_guardian_errors(guardian, mocked_responses, name, kind, message):
    recorded = GUARDIAN_ERRORS[name]
    mocked_responses.get(GUARDIAN_URL, json=recorded["body"], status=recorded["http_status"])

    with pytest.raises(ProviderError) as raised:
        guardian.fetch("technology")

    error = raised.value
    assert (error.kind, error.http_status) == (kind, recorded["http_status"])
    assert error.message == f"The Guardian answered HTTP {recorded['http_status']}: {message}"


def test_guardian_error_body_with_http_200(guardian, mocked_responses):
    mocked_responses.get(GUARDIAN_URL, json=GUARDIAN_ERRORS["bad_page_size"]["body"], status=200)

    with pytest.raises(ProviderError) as raised:
        guardian.fetch("technology")

    assert (raised.value.kind, raised.value.http_status) == (ErrorKind.BAD_PARAMETER, 200)


# --- bodies that are not the JSON expected, timeouts, connection errors ----------------------------

CLOUDFLARE_502 = (
    "<html><head><title>502 Bad Gateway</title></head><body><center>cloudflare</center></body></html>"
)


@pytest.mark.parametrize("name", ["newsapi", "guardian"])
@pytest.mark.parametrize(
    ("status", "body", "content_type", "kind"),
    [
        pytest.param(502, CLOUDFLARE_502, "text/html", ErrorKind.SERVER_ERROR, id="html-502"),
        pytest.param(503, "", "text/plain", ErrorKind.SERVER_ERROR, id="empty-503"),
        pytest.param(
            200, "<html><body>Maintenance</body></html>", "text/html", ErrorKind.BAD_RESPONSE, id="html-200"
        ),
        pytest.param(200, "not json at all", "text/plain", ErrorKind.BAD_RESPONSE, id="text-200"),
        pytest.param(
            200, '{"unexpected": true}', "application/json", ErrorKind.BAD_RESPONSE, id="wrong-json-200"
        ),
        pytest.param(200, "[1, 2]", "application/json", ErrorKind.BAD_RESPONSE, id="json-list-200"),
        pytest.param(429, "Too Many Requests", "text/plain", ErrorKind.QUOTA, id="text-429"),
        pytest.param(403, "<html>Forbidden</html>", "text/html", ErrorKind.INVALID_KEY, id="html-403"),
        pytest.param(404, "<html>Not Found</html>", "text/html", ErrorKind.BAD_RESPONSE, id="html-404"),
    ],
)
def test_bodies_that_are_not_the_json_expected(
    providers_configured, mocked_responses, name, status, body, content_type, kind
):
    url = NEWSAPI_URL if name == "newsapi" else GUARDIAN_URL
    mocked_responses.get(url, body=body, status=status, content_type=content_type)

    with pytest.raises(ProviderError) as raised:
        get_provider(name).fetch("science")

    assert (raised.value.kind, raised.value.http_status) == (kind, status)


def test_html_body_message_names_status_and_content_type(newsapi, mocked_responses):
    mocked_responses.get(NEWSAPI_URL, body="<html>Maintenance</html>", status=200, content_type="text/html")

    with pytest.raises(ProviderError) as raised:
        newsapi.fetch("science")

    assert raised.value.message == "NewsAPI answered HTTP 200 with a body that is not JSON (text/html)."


@pytest.mark.parametrize("name", ["newsapi", "guardian"])
@pytest.mark.parametrize(
    ("exception", "kind", "message"),
    [
        pytest.param(
            requests.ReadTimeout("read timed out"),
            ErrorKind.TIMEOUT,
            "{label} did not answer within 5 s.",
            id="read-timeout",
        ),
        pytest.param(
            requests.ConnectTimeout("connect timed out"),
            ErrorKind.CONNECTION,
            "Could not connect to {label} at {host}: no connection within 5 s.",
            id="connect-timeout",
        ),
        pytest.param(
            requests.ConnectionError(
                "HTTPSConnectionPool(host='h', port=443): Max retries exceeded with url: /search?api-key="
                + fakes.GUARDIAN_KEY
                + " (Caused by NewConnectionError('<obj>: Failed to establish a new connection: "
                "[Errno 111] Connection refused'))"
            ),
            ErrorKind.CONNECTION,
            "Could not connect to {label} at {host}: [Errno 111] Connection refused.",
            id="connection-refused",
        ),
        pytest.param(
            requests.ConnectionError("Connection aborted."),
            ErrorKind.CONNECTION,
            "Could not connect to {label} at {host}: the connection failed.",
            id="connection-aborted",
        ),
    ],
)
def test_timeouts_and_connection_errors_never_show_the_key(
    providers_configured, mocked_responses, name, exception, kind, message
):
    provider = get_provider(name)
    url = NEWSAPI_URL if name == "newsapi" else GUARDIAN_URL
    mocked_responses.get(url, body=exception)

    with pytest.raises(ProviderError) as raised:
        provider.fetch("science")

    host = "newsapi.test" if name == "newsapi" else "guardian.test"
    assert (raised.value.kind, raised.value.http_status) == (kind, None)
    assert raised.value.message == message.format(label=provider.label, host=host)
    assert fakes.GUARDIAN_KEY not in raised.value.message
    assert fakes.NEWSAPI_KEY not in raised.value.message


def test_only_connection_errors_and_server_errors_are_retryable():
    assert {kind for kind in ErrorKind if ProviderError(kind, "x").retryable} == {
        ErrorKind.CONNECTION,
        ErrorKind.SERVER_ERROR,
    }


@pytest.mark.parametrize(("name", "url"), [("newsapi", NEWSAPI_URL), ("guardian", GUARDIAN_URL)])
def test_every_call_carries_the_provider_timeout(providers_configured, mocked_responses, name, url):
    providers_configured.PROVIDER_TIMEOUT = 2.5
    mocked_responses.get(
        url,
        json=load_payload(f"{name}_empty" if name == "newsapi" else "guardian_empty"),
        match=[matchers.request_kwargs_matcher({"timeout": 2.5})],
    )

    assert get_provider(name).fetch("science").articles == []


def test_every_provider_call_is_logged_without_its_url(caplog, providers_configured, mocked_responses):
    mocked_responses.get(GUARDIAN_URL, json={"message": "Unauthorized"}, status=401)
    mocked_responses.get(NEWSAPI_URL, json={"status": "ok", "articles": []})
    with caplog.at_level(logging.INFO, logger="newsagg.providers"):
        with pytest.raises(ProviderError):
            get_provider("guardian").fetch("science")
        get_provider("newsapi").fetch("science")

    lines = [record.getMessage() for record in caplog.records if record.name == "newsagg.providers"]
    assert [line.rsplit(" duration_ms=", 1)[0] for line in lines] == [
        "provider=guardian category=science status=401",
        "provider=newsapi category=science status=200",
    ]
    assert fakes.GUARDIAN_KEY not in caplog.text
