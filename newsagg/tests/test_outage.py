"""The database going away: 503 envelopes while it is down, normal answers once it is back."""

import logging
from http import HTTPStatus

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

from newsagg.errors import SERVICE_UNAVAILABLE_MESSAGE, error_body

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("newsagg.tests.protected_urls")]


def assert_service_unavailable(response):
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Content-Type"] == "application/json"
    assert response.json() == error_body("service_unavailable", SERVICE_UNAVAILABLE_MESSAGE)
    assert response["Retry-After"] == "30"
    assert response["X-Request-ID"]
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/v1/test-whoami", id="failure-during-authentication"),
        pytest.param("/v1/test-key-count", id="failure-inside-the-view"),
    ],
)
def test_api_answers_503_envelope_while_the_database_is_down(auth_client, database_outage, caplog, path):
    database_outage.begin()

    response = auth_client.get(path, HTTP_X_REQUEST_ID="outage-1")

    assert_service_unavailable(response)
    # The operator gets the cause, tied to the request id the client saw.
    [record] = [r for r in caplog.records if r.name == "newsagg.errors"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.getMessage() == (
        f"Database error while handling a request method=GET path={path} request_id=outage-1"
    )


def test_api_recovers_without_restart_when_the_database_is_back(auth_client, api_key, database_outage):
    database_outage.begin()
    assert_service_unavailable(auth_client.get("/v1/test-whoami"))
    assert_service_unavailable(auth_client.get("/v1/test-whoami"))

    database_outage.end()

    response = auth_client.get("/v1/test-whoami")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"prefix": api_key.prefix, "query": {}}
    response = auth_client.get("/v1/test-key-count")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"keys": 1}


def test_healthz_and_api_agree_during_an_outage(auth_client, database_outage):
    database_outage.begin()

    assert auth_client.get("/healthz").status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert auth_client.get("/v1/test-whoami").status_code == HTTPStatus.SERVICE_UNAVAILABLE


@pytest.mark.parametrize(
    ("path", "headers", "status", "code"),
    [
        pytest.param("/v1/test-whoami", {}, HTTPStatus.UNAUTHORIZED, "not_authenticated", id="no-key"),
        pytest.param(
            "/v1/test-whoami",
            {"HTTP_AUTHORIZATION": "Bearer not-a-key"},
            HTTPStatus.UNAUTHORIZED,
            "authentication_failed",
            id="malformed-key",
        ),
        pytest.param("/v1/nope", {}, HTTPStatus.NOT_FOUND, "not_found", id="unknown-path"),
    ],
)
def test_requests_that_need_no_database_keep_their_answer_during_an_outage(
    client, database_outage, path, headers, status, code
):
    database_outage.begin()

    response = client.get(path, **headers)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code


@pytest.mark.postgres
@pytest.mark.urls("newsagg.urls")
@pytest.mark.parametrize(
    ("health_checks", "after_the_drop"),
    [
        pytest.param(False, [HTTPStatus.SERVICE_UNAVAILABLE, HTTPStatus.OK], id="default"),
        pytest.param(True, [HTTPStatus.OK, HTTPStatus.OK], id="CONN_HEALTH_CHECKS"),
    ],
)
def test_a_connection_the_database_dropped_is_replaced(raw_key, health_checks, after_the_drop):
    """A database restart costs each worker one 503, or none with CONN_HEALTH_CHECKS.

    Served by Django's WSGI handler itself, as under gunicorn: unlike the test client, it
    closes a failed connection when the request finishes.
    """
    connection.close()
    configured = connection.settings_dict["CONN_HEALTH_CHECKS"]
    connection.settings_dict["CONN_HEALTH_CHECKS"] = health_checks
    handler = WSGIHandler()

    def status() -> int:
        environ = RequestFactory().get("/v1/usage", HTTP_AUTHORIZATION=f"Bearer {raw_key}").environ
        response = handler(environ, lambda *args: None)
        response.close()  # the server's part: fires request_finished
        return response.status_code

    try:
        assert status() == HTTPStatus.OK
        assert connection.connection is not None, "kept open for the next request"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            [(pid,)] = cursor.fetchall()
        other = connection.get_new_connection(connection.get_connection_params())
        try:
            other.autocommit = True
            other.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()

        assert [status(), status()] == after_the_drop
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = configured
        connection.close()
