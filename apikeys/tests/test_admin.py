from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apikeys.admin import ALREADY_REVOKED_MESSAGE, KEY_SHOWN_ONCE_WARNING, NO_HISTORY_MESSAGE, REVOKED_MESSAGE
from apikeys.keys import key_digest
from apikeys.models import ApiKey, UsageWindow
from apikeys.services import api_key_create, api_key_revoke
from apikeys.windows import window_start

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/apikeys/apikey/"
ADD_URL = "/admin/apikeys/apikey/add/"


def change_url(api_key) -> str:
    return f"/admin/apikeys/apikey/{api_key.pk}/change/"


def add_key(client, **fields):
    data = {"name": "mobile app", "rate_limit": "250", "expires_at_0": "", "expires_at_1": ""}
    data.update(fields)
    return client.post(ADD_URL, data)


# -- adding: the key is shown once -------------------------------------------------


def test_add_shows_the_key_once_with_a_warning(key_admin_client, key_admin):
    response = add_key(key_admin_client)

    assert response.status_code == HTTPStatus.OK  # rendered directly: no redirect, no key in a URL
    api_key = ApiKey.objects.get()
    raw_key = response.context["raw_key"]
    assert raw_key.startswith(api_key.prefix + "_")
    assert api_key.digest == key_digest(raw_key)
    assert (api_key.name, api_key.rate_limit, api_key.expires_at, api_key.created_by) == (
        "mobile app",
        250,
        None,
        key_admin,
    )
    page = response.content.decode()
    assert f'<code id="api-key" style="font-size: 1.2em; user-select: all;">{raw_key}</code>' in page
    assert KEY_SHOWN_ONCE_WARNING in page.replace("&#x27;", "'")
    assert "no-store" in response["Cache-Control"].split(", ")

    # The key works, and no later page shows it again.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert api.get("/v1/usage").status_code == HTTPStatus.OK
    for url in (LIST_URL, change_url(api_key), ADD_URL, "/admin/"):
        later = key_admin_client.get(url)
        assert later.status_code == HTTPStatus.OK
        assert raw_key not in later.content.decode()
        assert api_key.digest not in later.content.decode()


def test_add_with_expiry(key_admin_client):
    response = add_key(key_admin_client, expires_at_0="2030-01-31", expires_at_1="12:00:00")

    assert response.status_code == HTTPStatus.OK
    assert ApiKey.objects.get().expires_at == datetime(2030, 1, 31, 12, tzinfo=UTC)
    assert "2030-01-31 12:00 UTC" in response.content.decode()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"rate_limit": "0"}, "rate_limit", id="zero-limit"),
        pytest.param({"rate_limit": ""}, "rate_limit", id="no-limit"),
        pytest.param({"name": ""}, "name", id="no-name"),
    ],
)
def test_add_rejects_bad_input(key_admin_client, fields, field):
    response = add_key(key_admin_client, **fields)

    assert response.status_code == HTTPStatus.OK
    assert field in response.context["adminform"].form.errors
    assert not ApiKey.objects.exists()


def test_add_form_offers_name_limit_and_expiry_only(key_admin_client, settings):
    settings.API_RATE_LIMIT_PER_HOUR = 100
    form = key_admin_client.get(ADD_URL).context["adminform"].form

    assert list(form.fields) == ["name", "rate_limit", "expires_at"]
    assert form.fields["rate_limit"].initial == 100


def test_digest_is_neither_shown_nor_editable(key_admin_client, api_key):
    response = key_admin_client.get(change_url(api_key))

    assert response.status_code == HTTPStatus.OK
    assert api_key.digest not in response.content.decode()
    assert "digest" not in response.context["adminform"].form.fields

    key_admin_client.post(
        change_url(api_key),
        {"name": "renamed", "rate_limit": "10", "digest": "0" * 64, "prefix": "nagg_00000000"},
    )
    api_key.refresh_from_db()
    assert (api_key.name, api_key.rate_limit) == ("renamed", 10)
    assert api_key.prefix != "nagg_00000000"
    assert api_key.digest != "0" * 64


# -- the list ------------------------------------------------------------------------


def test_list_shows_the_columns_of_each_key(key_admin_client):
    now = timezone.now()
    active, _ = api_key_create(name="active one")
    revoked, _ = api_key_create(name="revoked one")
    api_key_revoke(api_key=revoked)
    expired, _ = api_key_create(name="expired one", expires_at=now - timedelta(days=1))
    UsageWindow.objects.create(api_key=active, window_start=window_start(now), requests=42)
    UsageWindow.objects.create(
        api_key=active, window_start=window_start(now) - timedelta(hours=1), requests=9
    )

    response = key_admin_client.get(LIST_URL)

    changelist = response.context["cl"]
    assert [c for c in changelist.list_display if c != "action_checkbox"] == [
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "state",
        "requests_this_hour",
        "rate_limit",
    ]
    rows = {k.name: (k.prefix, k.state(now).value, k.requests_this_hour) for k in changelist.result_list}
    assert rows == {
        "active one": (active.prefix, "active", 42),
        "revoked one": (revoked.prefix, "revoked", 0),
        "expired one": (expired.prefix, "expired", 0),
    }
    page = response.content.decode()
    assert '<td class="field-requests_this_hour">42</td>' in page
    assert '<td class="field-state">revoked</td>' in page


def test_list_makes_the_same_number_of_queries_for_many_keys(key_admin_client):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert key_admin_client.get(LIST_URL).status_code == HTTPStatus.OK
        return len(queries)

    def add_keys(n: int):
        for i in range(n):
            api_key, _ = api_key_create(name=f"key {i}")
            UsageWindow.objects.create(api_key=api_key, window_start=window_start(timezone.now()), requests=i)

    add_keys(2)
    few = count_queries()
    add_keys(8)

    assert count_queries() == few


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        pytest.param("active", {"active one"}, id="active"),
        pytest.param("revoked", {"revoked one", "revoked and expired"}, id="revoked"),
        pytest.param("expired", {"expired one"}, id="expired"),
    ],
)
def test_filter_by_state(key_admin_client, state, expected):
    past = timezone.now() - timedelta(days=1)
    api_key_create(name="active one", expires_at=timezone.now() + timedelta(days=1))
    api_key_revoke(api_key=api_key_create(name="revoked one")[0])
    api_key_revoke(api_key=api_key_create(name="revoked and expired", expires_at=past)[0])
    api_key_create(name="expired one", expires_at=past)

    response = key_admin_client.get(LIST_URL, {"state": state})

    assert {k.name for k in response.context["cl"].result_list} == expected


def test_search_by_name_or_prefix(key_admin_client):
    mobile, _ = api_key_create(name="mobile app")
    partner, _ = api_key_create(name="partner")

    by_name = key_admin_client.get(LIST_URL, {"q": "mobile"}).context["cl"].result_list
    by_prefix = key_admin_client.get(LIST_URL, {"q": partner.prefix}).context["cl"].result_list

    assert [k.pk for k in by_name] == [mobile.pk]
    assert [k.pk for k in by_prefix] == [partner.pk]


# -- revoking ------------------------------------------------------------------------


def test_revoke_selected_keys_action(key_admin_client):
    first, first_raw = api_key_create(name="first")
    second, _ = api_key_create(name="second")
    kept, kept_raw = api_key_create(name="kept")
    api_key_revoke(api_key=second)

    response = key_admin_client.post(
        LIST_URL,
        {"action": "revoke_selected", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert messages == [REVOKED_MESSAGE.format(count=1), ALREADY_REVOKED_MESSAGE.format(count=1)]
    first.refresh_from_db()
    kept.refresh_from_db()
    assert first.revoked_at is not None
    assert kept.revoked_at is None

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {first_raw}")
    assert api.get("/v1/usage").status_code == HTTPStatus.UNAUTHORIZED
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {kept_raw}")
    assert api.get("/v1/usage").status_code == HTTPStatus.OK


def test_revoke_action_needs_the_change_permission(api_key):
    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_apikey"))
    browser = Client()
    browser.force_login(viewer)

    response = browser.get(LIST_URL)
    assert response.status_code == HTTPStatus.OK
    assert response.context["action_form"] is None  # no action offered to a viewer
    assert "revoke_selected" not in response.content.decode()

    browser.post(LIST_URL, {"action": "revoke_selected", "_selected_action": [api_key.pk]})
    api_key.refresh_from_db()
    assert api_key.revoked_at is None


# -- the change page: usage history --------------------------------------------------


def test_change_page_shows_the_last_24_windows(key_admin_client, api_key):
    start = window_start(timezone.now())
    for hours_ago in range(30):
        UsageWindow.objects.create(
            api_key=api_key, window_start=start - timedelta(hours=hours_ago), requests=100 + hours_ago
        )

    page = key_admin_client.get(change_url(api_key)).content.decode()

    assert page.count("<tr><td>") == 24
    assert f"<tr><td>{start:%Y-%m-%d %H:00} UTC</td><td>100</td></tr>" in page
    oldest_shown = start - timedelta(hours=23)
    assert f"<tr><td>{oldest_shown:%Y-%m-%d %H:00} UTC</td><td>123</td></tr>" in page
    assert "<td>124</td>" not in page
    assert '<div class="readonly">100</div>' in page  # requests this hour


def test_change_page_without_history(key_admin_client, api_key):
    assert NO_HISTORY_MESSAGE in key_admin_client.get(change_url(api_key)).content.decode()


# -- who may see keys ----------------------------------------------------------------


def test_staff_without_key_permissions_cannot_see_keys(api_key):
    staff = User.objects.create_user("clerk", password="x", is_staff=True)
    browser = Client()
    browser.force_login(staff)

    assert browser.get(LIST_URL).status_code == HTTPStatus.FORBIDDEN
    assert browser.get(change_url(api_key)).status_code == HTTPStatus.FORBIDDEN
    assert browser.get(ADD_URL).status_code == HTTPStatus.FORBIDDEN
    index = browser.get("/admin/")
    assert index.status_code == HTTPStatus.OK
    assert "API keys" not in index.content.decode()
    assert add_key(browser).status_code == HTTPStatus.FORBIDDEN
    assert ApiKey.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page():
    response = Client().get(LIST_URL)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/admin/login/")
