"""pair_refresh: the one refresh path: freshness, lease, backoff, budget, spacing, retries, records."""

from datetime import timedelta

import pytest
import requests
from responses import matchers

from articles import services
from articles.models import Article, FetchAttempt, PairLease
from articles.services import (
    BACKOFF_REASON,
    BUDGET_REASON,
    DISABLED_REASON,
    FRESH_REASON,
    INTERRUPTED_MESSAGE,
    LOCKED_REASON,
    SPACING_REASON,
    RefreshOutcome,
    RefreshResult,
    pair_refresh,
)
from articles.tests.fakes import (
    GUARDIAN_URL,
    NEWSAPI_URL,
    NOW,
    load_payload,
    newsapi_article,
    newsapi_page,
)

pytestmark = pytest.mark.django_db

ErrorKind = FetchAttempt.ErrorKind


def attempts() -> list[tuple]:
    return list(
        FetchAttempt.objects.order_by("started_at", "id").values_list(
            "provider", "category", "outcome", "error_kind", "http_status", "received", "created", "updated"
        )
    )


def without_duration(result: RefreshResult) -> RefreshResult:
    return RefreshResult(**{**result.__dict__, "duration_ms": 0})


def mock_newsapi(rsps, category, **kwargs):
    return rsps.get(
        NEWSAPI_URL,
        match=[matchers.query_param_matcher({"category": category}, strict_match=False)],
        **kwargs,
    )


def mock_guardian(rsps, section, **kwargs):
    return rsps.get(
        GUARDIAN_URL, match=[matchers.query_param_matcher({"section": section}, strict_match=False)], **kwargs
    )


def refresh(category="technology", provider="newsapi", sleeps=None, **kwargs) -> RefreshResult:
    return pair_refresh(
        provider=provider,
        category=category,
        now=kwargs.pop("now", NOW),
        sleep=(sleeps if sleeps is not None else []).append,
        **kwargs,
    )


# --- success and the record ----------------------------------------------------------------------


def test_success_stores_articles_and_records_the_attempt(providers_configured, mocked_responses):
    mock_newsapi(mocked_responses, "technology", json=load_payload("newsapi_top_headlines"))

    result = refresh()

    assert without_duration(result) == RefreshResult(
        provider="newsapi",
        category="technology",
        outcome=RefreshOutcome.SUCCESS,
        received=5,
        created=3,
        updated=0,
        http_status=200,
        calls=1,
    )
    assert Article.objects.count() == 3
    assert attempts() == [("newsapi", "technology", "success", "", 200, 5, 3, 0)]
    attempt = FetchAttempt.objects.get()
    assert attempt.started_at == NOW
    assert attempt.duration_ms is not None


def test_guardian_success(providers_configured, mocked_responses):
    mock_guardian(mocked_responses, "sport|football", json=load_payload("guardian_search"))

    result = refresh(provider="guardian", category="sports")

    assert (result.outcome, result.received, result.created) == ("success", 4, 3)
    assert set(Article.objects.values_list("source", "source_name", "category").distinct()) == {
        ("guardian", "The Guardian", "sports")
    }


def test_provider_error_is_recorded_and_nothing_stored(providers_configured, mocked_responses):
    errors = load_payload("newsapi_errors")
    mock_newsapi(mocked_responses, "technology", json=errors["apiKeyInvalid"]["body"], status=401)

    result = refresh(retries=2)

    assert (result.outcome, result.error_kind, result.http_status, result.calls) == (
        "error",
        "invalid_key",
        401,
        1,
    )
    assert result.error.startswith("NewsAPI answered HTTP 401 apiKeyInvalid: Your API key is invalid")
    assert Article.objects.count() == 0
    assert attempts() == [("newsapi", "technology", "error", "invalid_key", 401, 0, 0, 0)]
    assert FetchAttempt.objects.get().error == result.error


# --- skips --------------------------------------------------------------------------------------


def test_disabled_provider_is_skipped_without_a_call_or_record(providers_configured, mocked_responses):
    providers_configured.NEWSAPI_KEY = ""

    result = refresh()

    assert (result.outcome, result.reason) == (
        "skipped_disabled",
        DISABLED_REASON.format(setting="NEWSAPI_KEY"),
    )
    assert result.reason == "NEWSAPI_KEY is not set"
    assert attempts() == []


def test_fresh_pair_is_skipped_until_the_ttl_passes_or_forced(providers_configured, mocked_responses):
    call = mock_newsapi(mocked_responses, "technology", json=load_payload("newsapi_empty"))
    refresh()

    fresh = refresh(now=NOW + timedelta(seconds=899))
    forced = refresh(now=NOW + timedelta(seconds=899), force=True)
    stale = refresh(now=NOW + timedelta(seconds=1900))

    assert (fresh.outcome, fresh.reason) == ("skipped_fresh", FRESH_REASON.format(ttl=900))
    assert forced.outcome == "success"
    assert stale.outcome == "success"
    assert call.call_count == 3


def test_a_failed_fetch_does_not_make_the_pair_fresh(providers_configured, mocked_responses):
    mock_newsapi(
        mocked_responses,
        "technology",
        status=500,
        json=load_payload("newsapi_errors")["unexpectedError"]["body"],
    )

    refresh()

    assert refresh(now=NOW + timedelta(seconds=10)).outcome == "error"


def test_held_lease_skips_the_pair_without_a_call(providers_configured, mocked_responses):
    call = mock_newsapi(mocked_responses, "technology", json=load_payload("newsapi_empty"))
    PairLease.objects.create(
        provider="newsapi", category="technology", held_until=NOW + timedelta(seconds=30), holder="other"
    )

    result = refresh()

    assert (result.outcome, result.reason) == ("skipped_locked", LOCKED_REASON)
    assert call.call_count == 0
    assert attempts() == []


def test_expired_lease_of_a_killed_process_is_taken_over(providers_configured, mocked_responses):
    mock_newsapi(mocked_responses, "technology", json=load_payload("newsapi_empty"))
    PairLease.objects.create(
        provider="newsapi", category="technology", held_until=NOW - timedelta(seconds=1), holder="dead"
    )

    assert refresh().outcome == "success"
    lease = PairLease.objects.get()
    assert (lease.held_until, lease.holder) == (None, "")  # released after the refresh


def test_lease_is_released_after_an_error(providers_configured, mocked_responses):
    mock_newsapi(mocked_responses, "technology", body=requests.ConnectionError("refused"))

    refresh()

    assert PairLease.objects.get().held_until is None


def test_attempt_left_running_by_a_killed_process_is_closed_and_blocks_nothing(
    providers_configured, mocked_responses
):
    mock_newsapi(mocked_responses, "technology", json=load_payload("newsapi_empty"))
    orphan = FetchAttempt.objects.create(
        provider="newsapi", category="technology", started_at=NOW - timedelta(hours=1)
    )

    assert refresh().outcome == "success"

    orphan.refresh_from_db()
    assert (orphan.outcome, orphan.error_kind, orphan.error) == ("error", "internal", INTERRUPTED_MESSAGE)


@pytest.mark.parametrize("code", ["rateLimited", "apiKeyExhausted"])
def test_quota_error_backs_the_provider_off_for_15_minutes(providers_configured, mocked_responses, code):
    errors = load_payload("newsapi_errors")
    quota = mock_newsapi(mocked_responses, "technology", json=errors[code]["body"], status=429)
    other = mock_newsapi(mocked_responses, "science", json=load_payload("newsapi_empty"))

    first = refresh(category="technology")
    within = refresh(category="science", now=NOW + timedelta(minutes=14, seconds=59))
    after = refresh(category="science", now=NOW + timedelta(minutes=15))

    assert (first.outcome, first.error_kind) == ("error", "quota")
    assert (within.outcome, within.reason) == (
        "skipped_backoff",
        BACKOFF_REASON.format(label="NewsAPI", until=NOW + timedelta(minutes=15)),
    )
    assert (
        within.reason
        == "NewsAPI answered with a quota or rate-limit error; not called again before 12:15:00 UTC"
    )
    assert after.outcome == "success"
    assert (quota.call_count, other.call_count) == (1, 1)


def test_backoff_is_per_provider(providers_configured, mocked_responses):
    mock_newsapi(
        mocked_responses, "technology", json=load_payload("newsapi_errors")["rateLimited"]["body"], status=429
    )
    mock_guardian(mocked_responses, "technology", json=load_payload("guardian_empty"))

    refresh(category="technology")

    assert refresh(provider="guardian", category="technology").outcome == "success"


def test_daily_budget_is_never_exceeded(providers_configured, mocked_responses):
    providers_configured.NEWSAPI_DAILY_BUDGET = 2
    for category in ("business", "science", "sports"):
        mock_newsapi(mocked_responses, category, json=load_payload("newsapi_empty"))

    results = [refresh(category=category) for category in ("business", "science", "sports")]

    assert [r.outcome for r in results] == ["success", "success", "skipped_budget"]
    assert results[2].reason == BUDGET_REASON.format(used=2, budget=2)
    assert (
        results[2].reason == "daily budget spent: 2 of 2 calls used today (UTC); next call after midnight UTC"
    )
    assert len(mocked_responses.calls) == 2
    assert FetchAttempt.objects.count() == 2


def test_failed_calls_count_against_the_budget_and_it_resets_at_midnight_utc(
    providers_configured, mocked_responses
):
    providers_configured.NEWSAPI_DAILY_BUDGET = 1
    mock_newsapi(mocked_responses, "science", status=503, body="")
    mock_newsapi(mocked_responses, "sports", json=load_payload("newsapi_empty"))

    assert refresh(category="science").outcome == "error"
    assert refresh(category="sports").outcome == "skipped_budget"
    tomorrow = NOW.replace(hour=0) + timedelta(days=1)
    assert refresh(category="sports", now=tomorrow).outcome == "success"


def test_budget_stops_retries_and_reports_the_last_error(providers_configured, mocked_responses):
    providers_configured.NEWSAPI_DAILY_BUDGET = 2
    call = mock_newsapi(mocked_responses, "science", status=503, body="")

    result = refresh(category="science", retries=2)

    assert (result.outcome, result.error_kind, result.calls) == ("error", "server_error", 2)
    assert call.call_count == 2


# --- spacing and retries ------------------------------------------------------------------------


def test_guardian_calls_are_spaced_one_second_apart(providers_configured, mocked_responses):
    for section in ("business|money", "science", "technology"):
        mock_guardian(mocked_responses, section, json=load_payload("guardian_empty"))
    sleeps = []

    for category in ("business", "science", "technology"):
        refresh(provider="guardian", category=category, sleeps=sleeps)

    # The clock stands still here, so each call waits for its own slot: one second after the last.
    assert sleeps == [1.0, 2.0]
    assert list(FetchAttempt.objects.order_by("started_at").values_list("started_at", flat=True)) == [
        NOW,
        NOW + timedelta(seconds=1),
        NOW + timedelta(seconds=2),
    ]


def test_newsapi_calls_are_not_spaced(providers_configured, mocked_responses):
    for category in ("business", "science"):
        mock_newsapi(mocked_responses, category, json=load_payload("newsapi_empty"))
    sleeps = []

    refresh(category="business", sleeps=sleeps)
    refresh(category="science", sleeps=sleeps)

    assert sleeps == []


def test_a_call_after_a_pause_does_not_wait(providers_configured, mocked_responses):
    for section in ("business|money", "science"):
        mock_guardian(mocked_responses, section, json=load_payload("guardian_empty"))
    sleeps = []

    refresh(provider="guardian", category="business", sleeps=sleeps)
    refresh(provider="guardian", category="science", sleeps=sleeps, now=NOW + timedelta(seconds=5))

    assert sleeps == []


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param({"status": 503, "body": "<html>503</html>", "content_type": "text/html"}, id="503"),
        pytest.param(
            {"status": 500, "json": load_payload("newsapi_errors")["unexpectedError"]["body"]}, id="500"
        ),
        pytest.param({"body": requests.ConnectionError("reset")}, id="connection-error"),
    ],
)
def test_transient_failures_are_retried_with_backoff(providers_configured, mocked_responses, failure):
    mock_newsapi(mocked_responses, "technology", **failure)
    mock_newsapi(mocked_responses, "technology", **failure)
    mock_newsapi(mocked_responses, "technology", json=newsapi_page([newsapi_article(1)]))
    sleeps = []

    result = refresh(retries=2, sleeps=sleeps)

    assert (result.outcome, result.created, result.calls) == ("success", 1, 3)
    assert sleeps == [1.0, 2.0]
    assert [a[2] for a in attempts()] == ["error", "error", "success"]


def test_retries_give_up_after_the_last_one(providers_configured, mocked_responses):
    call = mock_newsapi(mocked_responses, "technology", status=502, body="")
    sleeps = []

    result = refresh(retries=2, sleeps=sleeps)

    assert (result.outcome, result.error_kind, result.http_status, result.calls) == (
        "error",
        "server_error",
        502,
        3,
    )
    assert call.call_count == 3
    assert sleeps == [1.0, 2.0]


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param({"body": requests.ReadTimeout("slow")}, id="timeout"),
        pytest.param(
            {"status": 400, "json": load_payload("newsapi_errors")["parameterInvalid"]["body"]}, id="400"
        ),
        pytest.param({"status": 200, "body": "<html></html>", "content_type": "text/html"}, id="bad-body"),
    ],
)
def test_other_failures_are_not_retried(providers_configured, mocked_responses, failure):
    call = mock_newsapi(mocked_responses, "technology", **failure)

    result = refresh(retries=2)

    assert (result.outcome, result.calls, call.call_count) == ("error", 1, 1)


def test_the_request_path_does_not_retry(providers_configured, mocked_responses):
    call = mock_newsapi(mocked_responses, "technology", status=503, body="")

    assert refresh().outcome == "error"
    assert call.call_count == 1


# --- failures while storing -------------------------------------------------------------------------


def test_a_storing_failure_ends_the_attempt_as_an_internal_error(
    providers_configured, mocked_responses, monkeypatch
):
    mock_newsapi(mocked_responses, "technology", json=load_payload("newsapi_top_headlines"))

    def broken_store(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "article_upsert_many", broken_store)

    result = refresh()

    assert (result.outcome, result.error_kind, result.error) == (
        "error",
        "internal",
        "Storing the articles failed: RuntimeError: disk full",
    )
    assert attempts() == [("newsapi", "technology", "error", "internal", 200, 5, 0, 0)]
    assert PairLease.objects.get().held_until is None


def test_an_unknown_category_is_refused(providers_configured):
    with pytest.raises(ValueError, match="no category 'weather'"):
        refresh(category="weather")


def test_max_wait_skips_a_call_whose_slot_is_too_far_off(providers_configured, mocked_responses):
    mock_guardian(mocked_responses, "business|money", json=load_payload("guardian_empty"))
    sleeps = []

    first = refresh(provider="guardian", category="business", sleeps=sleeps, max_wait=0.5)
    second = refresh(provider="guardian", category="science", sleeps=sleeps, max_wait=0.5)

    assert first.outcome == "success"
    assert (second.outcome, second.reason) == (
        "skipped_spacing",
        SPACING_REASON.format(label="The Guardian", wait=1.0, interval=1.0),
    )
    assert second.reason == "The Guardian's next call slot is 1.0 s away (calls are spaced 1 s apart)"
    assert sleeps == []
    assert FetchAttempt.objects.count() == 1  # no call, no record, and the slot stays free
    assert (
        refresh(
            provider="guardian", category="business", now=NOW + timedelta(seconds=1), force=True, max_wait=0.5
        ).outcome
        == "success"
    )
