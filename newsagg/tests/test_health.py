from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_healthz_reports_ok(client, path):
    response = client.get(path)

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_gives_503_when_the_database_does_not_answer(client, database_outage):
    database_outage.begin()

    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "error", "database": "error"}


def test_healthz_recovers_without_restart_when_the_database_is_back(client, database_outage):
    database_outage.begin()
    assert client.get("/healthz").status_code == HTTPStatus.SERVICE_UNAVAILABLE

    database_outage.end()

    assert client.get("/healthz").status_code == HTTPStatus.OK
