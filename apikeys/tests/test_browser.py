"""A staff member issues a key in a real browser, the key works over HTTP, revoking it stops it."""

from http import HTTPStatus
from pathlib import Path

import pytest
import requests
from django.contrib.auth.models import Permission, User

CHROMIUM = Path("/usr/bin/chromium")
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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def get_usage(base_url: str, raw_key: str) -> tuple[int, dict, str | None]:
    response = requests.get(
        f"{base_url}/v1/usage", headers={"Authorization": f"Bearer {raw_key}"}, timeout=10
    )
    return response.status_code, response.json(), response.headers.get("WWW-Authenticate")


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.mark.django_db(transaction=True)
def test_staff_issues_a_key_in_the_admin_and_revokes_it(browser, live_server):
    # Static files come from the app directories (see plain_static_storage), as with runserver.
    staff = User.objects.create_user("keeper", password="keeper-password", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="apikeys"))
    page = browser.new_page()
    static_responses = []
    page.on("response", lambda r: static_responses.append((r.url, r.status)) if "/static/" in r.url else None)

    # Log in.
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "keeper")
    page.fill("#id_password", "keeper-password")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

    # The admin is styled: its stylesheets load and apply.
    css = [status for url, status in static_responses if url.endswith("admin/css/base.css")]
    assert css
    assert set(css) == {HTTPStatus.OK}
    assert all(status == HTTPStatus.OK for _url, status in static_responses), static_responses
    header_colour = page.eval_on_selector("#header", "e => getComputedStyle(e).backgroundColor")
    assert header_colour not in ("rgba(0, 0, 0, 0)", "transparent")

    # Add a key.
    page.click("text=API keys")
    page.click("a.addlink")
    page.fill("#id_name", "browser client")
    page.fill("#id_rate_limit", "25")
    page.click("input[name=_save]")
    raw_key = page.inner_text("#api-key").strip()
    assert "cannot be shown again" in page.inner_text("#api-key-warning")

    # It works over HTTP.
    status, body, _ = get_usage(live_server.url, raw_key)
    assert status == HTTPStatus.OK
    assert (body["name"], body["limit"], body["used"], body["remaining"]) == ("browser client", 25, 0, 25)
    prefix = body["prefix"]
    assert raw_key.startswith(prefix + "_")

    # The list does not show it again; revoke it from there.
    page.goto(f"{live_server.url}/admin/apikeys/apikey/")
    assert raw_key not in page.content()
    row = page.locator("#result_list tbody tr", has_text=prefix)
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "revoke_selected")
    page.click("button[name=index]")
    assert "Revoked 1 API key(s)." in page.inner_text(".messagelist")
    assert page.locator("#result_list tbody tr", has_text=prefix).locator("td.field-state").inner_text() == (
        "revoked"
    )

    # The next request fails.
    status, body, challenge = get_usage(live_server.url, raw_key)
    assert status == HTTPStatus.UNAUTHORIZED
    assert body["error"]["code"] == "authentication_failed"
    assert "revoked" in body["error"]["message"]
    assert challenge == 'Bearer realm="api"'
