from http import HTTPStatus

import pytest

from newsagg.errors import SERVER_ERROR_MESSAGE

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize("path", ["/v1/anything-unknown", "/v1/anything-unknown/", "/v1", "/v1/a/b/c"])
def test_unknown_api_path_gives_404_envelope(client, debug, path):
    response = client.get(path)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": f"No endpoint matches {path}. See /docs for the endpoints this API offers.",
            "details": {},
        }
    }


def test_unknown_api_path_gives_404_envelope_for_any_method(client, debug):
    response = client.delete("/v1/anything-unknown")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_path_outside_api_gives_json_404(client):
    response = client.get("/nothing-here")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_wrong_method_gives_405_envelope(client, debug, method):
    response = getattr(client, method)("/healthz")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response.json() == {
        "error": {
            "code": "method_not_allowed",
            "message": f"{method.upper()} is not allowed on /healthz; use one of: GET, HEAD, OPTIONS.",
            "details": {},
        }
    }
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.urls("newsagg.tests.urls")
def test_unhandled_exception_gives_500_envelope_without_traceback(client, debug, caplog):
    response = client.get("/v1/test-explode")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.json() == {
        "error": {"code": "server_error", "message": SERVER_ERROR_MESSAGE, "details": {}}
    }
    body = response.content.decode()
    assert "Traceback" not in body
    assert "boom" not in body
    # ...but the operator gets the traceback in the log.
    logged = [r for r in caplog.records if r.name == "newsagg.errors"]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    assert "boom" in caplog.text
