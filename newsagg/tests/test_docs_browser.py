"""Swagger UI in a real headless Chromium: authorize with a real key and try GET /v1/articles."""

import pytest

from apikeys.services import api_key_create
from articles.tests.factories import make_article, make_fresh
from conftest import needs_chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture
def page(browser):
    return browser.new_page()


def test_try_it_out_with_a_real_key_renders_a_200(live_server, page, settings):
    settings.NEWSAPI_KEY = ""
    make_fresh(providers=["guardian"])
    make_article(title="Rendered in the docs", source="guardian")
    _api_key, raw_key = api_key_create(name="docs browser")
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/docs")
    page.click("button.authorize")
    page.fill(".auth-container input", raw_key)
    page.click(".auth-btn-wrapper button.authorize")
    page.click("button.btn-done")
    page.click('.opblock-summary-path[data-path="/v1/articles"]')
    page.click("button.try-out__btn")
    page.click("button.execute")
    status = page.locator(".live-responses-table tr.response .response-col_status").first
    status.wait_for(timeout=15_000)

    assert status.inner_text().strip().startswith("200")
    body = page.locator(".live-responses-table tr.response .response-col_description").first.inner_text()
    assert "Rendered in the docs" in body
    assert requested, "the page made no requests"
    outside = [
        url for url in requested if not url.startswith(live_server.url) and not url.startswith("data:")
    ]
    assert outside == []


@pytest.mark.parametrize("path", ["/redoc", "/admin/login/"])
def test_redoc_and_admin_load_nothing_from_outside(live_server, page, path):
    fetched_outside, blocked = [], []
    page.on(
        "requestfinished",
        lambda request: (
            None if request.url.startswith(live_server.url) else fetched_outside.append(request.url)
        ),
    )
    page.on("requestfailed", lambda request: blocked.append((request.url, request.failure)))

    response = page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")

    assert response.status == 200
    assert [url for url in fetched_outside if not url.startswith(("data:", "blob:"))] == []
    # ReDoc's bundle always asks for the vendor's logo: the page's Content-Security-Policy refuses it.
    assert all(failure == "csp" for _url, failure in blocked), blocked
