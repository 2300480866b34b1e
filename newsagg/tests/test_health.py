from http import HTTPStatus

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_healthz_reports_ok(client, path):
    response = client.get(path)

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.fixture
def database_outage():
    """Points the default connection at a database that cannot be reached; `end()` points it back."""
    saved = dict(connection.settings_dict)

    class Outage:
        def begin(self):
            connection.close()
            if connection.vendor == "postgresql":
                connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
            else:
                connection.settings_dict["NAME"] = "/nonexistent-directory/db.sqlite3"

        def end(self):
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)

    outage = Outage()
    outage.begin()
    yield outage
    outage.end()


def test_healthz_gives_503_when_the_database_does_not_answer(client, database_outage):
    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "error", "database": "error"}


def test_healthz_recovers_without_restart_when_the_database_is_back(client, database_outage):
    assert client.get("/healthz").status_code == HTTPStatus.SERVICE_UNAVAILABLE

    database_outage.end()

    assert client.get("/healthz").status_code == HTTPStatus.OK
