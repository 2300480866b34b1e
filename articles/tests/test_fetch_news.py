"""python manage.py fetch_news: what cron sees: output lines, stored rows, exit status."""

import re
from io import StringIO

import pytest
import requests
from django.core.management import call_command
from django.core.management.base import CommandError
from responses import matchers

from articles.constants import CATEGORIES
from articles.management.commands.fetch_news import FAILED_MESSAGE, Command
from articles.models import Article, ArticleCategory, FetchAttempt
from articles.providers.guardian import GuardianProvider
from articles.tests.fakes import GUARDIAN_URL, NEWSAPI_URL, load_payload, newsapi_article, newsapi_page

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str, str]:
    """The command's exit status, stdout and stderr, as `manage.py fetch_news ARGS` gives them."""
    out, err = StringIO(), StringIO()
    try:
        call_command("fetch_news", *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def timeless(output: str) -> list[str]:
    return re.sub(r"in \d+\.\d\d s", "in T s", output).splitlines()


def mock_newsapi(rsps, category, **kwargs):
    return rsps.get(
        NEWSAPI_URL,
        match=[matchers.query_param_matcher({"category": category}, strict_match=False)],
        **kwargs,
    )


def mock_guardian(rsps, category, **kwargs):
    section = GuardianProvider.category_map[category]
    return rsps.get(
        GUARDIAN_URL, match=[matchers.query_param_matcher({"section": section}, strict_match=False)], **kwargs
    )


@pytest.fixture
def every_pair_answers(providers_configured, mocked_responses, command_sleeps):
    """Each NewsAPI category lists two articles of its own and one shared by every category."""
    for n, category in enumerate(CATEGORIES):
        items = [newsapi_article(10 * n + 1), newsapi_article(10 * n + 2), newsapi_article(999)]
        mock_newsapi(mocked_responses, category, json=newsapi_page(items))
        mock_guardian(mocked_responses, category, json=load_payload("guardian_empty"))
    return mocked_responses


def test_fetches_every_enabled_pair_and_prints_a_line_each_and_a_total(every_pair_answers):
    code, out, err = run()

    assert (code, err) == (0, "")
    lines = timeless(out)
    assert lines[:4] == [
        "newsapi   business      success          received 3, created 3, updated 0 in T s",
        "guardian  business      success          received 0, created 0, updated 0 in T s",
        "newsapi   entertainment success          received 3, created 2, updated 1 in T s",
        "guardian  entertainment success          received 0, created 0, updated 0 in T s",
    ]
    assert len(lines) == 15
    assert lines[-1] == (
        "total: 14 pairs: 14 success, 0 error, 0 skipped; received 21, created 15, updated 6 in T s"
    )
    assert len(every_pair_answers.calls) == 14
    assert FetchAttempt.objects.filter(outcome="success").count() == 14


def test_rerunning_skips_fresh_pairs_and_forcing_stores_no_duplicates(every_pair_answers):
    run()

    code, out, _ = run("--source", "newsapi", "--category", "science")
    assert code == 0
    assert timeless(out) == [
        "newsapi   science       skipped_fresh    fetched successfully less than 900 s ago",
        "total: 1 pair: 0 success, 0 error, 1 skipped; received 0, created 0, updated 0 in T s",
    ]

    code, out, _ = run("--force")
    assert code == 0
    assert timeless(out)[-1] == (
        "total: 14 pairs: 14 success, 0 error, 0 skipped; received 21, created 0, updated 21 in T s"
    )
    assert Article.objects.count() == 15
    assert len(every_pair_answers.calls) == 28


def test_an_article_listed_under_every_category_is_stored_once_and_found_under_each(every_pair_answers):
    run("--source", "newsapi")

    shared = Article.objects.get(url="https://news.example.com/999")
    assert shared.category == "business"
    assert sorted(
        ArticleCategory.objects.filter(article=shared).values_list("category", flat=True)
    ) == sorted(CATEGORIES)


def test_disabled_provider_is_reported_as_skipped_with_the_reason(every_pair_answers, settings):
    settings.NEWSAPI_KEY = ""

    code, out, _ = run("--category", "science", "--category", "sports")

    assert code == 0
    assert timeless(out) == [
        "newsapi   science       skipped_disabled NEWSAPI_KEY is not set",
        "guardian  science       success          received 0, created 0, updated 0 in T s",
        "newsapi   sports        skipped_disabled NEWSAPI_KEY is not set",
        "guardian  sports        success          received 0, created 0, updated 0 in T s",
        "total: 4 pairs: 2 success, 0 error, 2 skipped; received 0, created 0, updated 0 in T s",
    ]


def test_a_failed_pair_exits_1_and_the_others_are_still_stored(
    providers_configured, mocked_responses, command_sleeps
):
    errors = load_payload("newsapi_errors")
    mock_newsapi(mocked_responses, "science", json=errors["apiKeyInvalid"]["body"], status=401)
    mock_guardian(mocked_responses, "science", json=load_payload("guardian_search"))

    code, out, err = run("--category", "science")

    assert code == 1
    assert timeless(out) == [
        "newsapi   science       error            received 0, created 0, updated 0 in T s; "
        "invalid_key (HTTP 401): NewsAPI answered HTTP 401 apiKeyInvalid: "
        + errors["apiKeyInvalid"]["body"]["message"],
        "guardian  science       success          received 4, created 3, updated 0 in T s",
        "total: 2 pairs: 1 success, 1 error, 0 skipped; received 4, created 3, updated 0 in T s",
    ]
    assert err == "CommandError: " + FAILED_MESSAGE.format(failed=1, total=2) + "\n"
    assert Article.objects.filter(source="guardian").count() == 3


def test_transient_failures_are_retried_with_backoff(providers_configured, mocked_responses, command_sleeps):
    mock_newsapi(mocked_responses, "health", status=503, body="<html>Service Unavailable</html>")
    mock_newsapi(mocked_responses, "health", body=requests.ConnectionError("reset"))
    mock_newsapi(mocked_responses, "health", json=newsapi_page([newsapi_article(1)]))

    code, out, _ = run("--source", "newsapi", "--category", "health")

    assert code == 0
    assert timeless(out)[0] == (
        "newsapi   health        success          received 1, created 1, updated 0 in T s after 3 calls"
    )
    assert command_sleeps == [1.0, 2.0]
    assert list(FetchAttempt.objects.order_by("id").values_list("outcome", "error_kind")) == [
        ("error", "server_error"),
        ("error", "connection"),
        ("success", ""),
    ]


def test_a_pair_still_failing_after_the_retries_exits_1(
    providers_configured, mocked_responses, command_sleeps
):
    call = mock_newsapi(
        mocked_responses, "health", status=500, json=load_payload("newsapi_errors")["unexpectedError"]["body"]
    )

    code, out, _ = run("--source", "newsapi", "--category", "health")

    assert code == 1
    assert call.call_count == 3
    assert "after 3 calls; server_error (HTTP 500): NewsAPI answered HTTP 500 unexpectedError" in out


def test_budget_and_backoff_skips_are_reported(providers_configured, mocked_responses, command_sleeps):
    providers_configured.GUARDIAN_DAILY_BUDGET = 1
    mock_newsapi(
        mocked_responses, "business", json=load_payload("newsapi_errors")["rateLimited"]["body"], status=429
    )
    for category in ("business", "science"):
        mock_guardian(mocked_responses, category, json=load_payload("guardian_empty"))

    code, out, _ = run("--category", "business", "--category", "science")

    lines = timeless(out)
    assert code == 1
    assert lines[0].startswith("newsapi   business      error            ")
    assert lines[1] == "guardian  business      success          received 0, created 0, updated 0 in T s"
    assert re.fullmatch(
        r"newsapi   science       skipped_backoff  NewsAPI answered with a quota or rate-limit error; "
        r"not called again before \d\d:\d\d:\d\d UTC",
        lines[2],
    )
    assert lines[3] == (
        "guardian  science       skipped_budget   daily budget spent: 1 of 1 calls used today (UTC); "
        "next call after midnight UTC"
    )


def test_sources_and_categories_can_be_repeated_and_limit_the_pairs(every_pair_answers):
    code, out, _ = run(
        "--source", "guardian", "--category", "health", "--category", "science", "--category", "health"
    )

    assert code == 0
    assert [line.split()[:3] for line in timeless(out)[:-1]] == [
        ["guardian", "health", "success"],
        ["guardian", "science", "success"],
    ]


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--source", "bing"], id="unknown-source"),
        pytest.param(["--category", "weather"], id="unknown-category"),
        pytest.param(["--source"], id="missing-value"),
        pytest.param(["--fast"], id="unknown-option"),
    ],
)
def test_bad_arguments_exit_2_naming_the_allowed_values(capsys, argv):
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "fetch_news", *argv])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "usage: manage.py fetch_news" in err
    if argv[0] == "--source" and len(argv) == 2:
        assert (
            "invalid choice: 'bing' (choose from newsapi, guardian)" in err or "'newsapi', 'guardian'" in err
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("status", "exit_code"), [(200, 0), (401, 1)])
def test_exit_status_from_the_command_line(
    providers_configured, mocked_responses, command_sleeps, capsys, status, exit_code
):
    body = (
        load_payload("newsapi_empty")
        if status == 200
        else load_payload("newsapi_errors")["apiKeyInvalid"]["body"]
    )
    mock_newsapi(mocked_responses, "science", json=body, status=status)

    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "fetch_news", "--source", "newsapi", "--category", "science"])
        raise SystemExit(0)  # run_from_argv returns normally on success

    assert exited.value.code == exit_code
