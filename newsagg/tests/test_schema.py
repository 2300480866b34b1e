from http import HTTPStatus

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate

from articles.constants import CATEGORIES

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/schema?format=json")
    assert response.status_code == HTTPStatus.OK
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_schema_validates_without_warnings():
    # Raises (and fails the test) on any warning or error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_schema_is_served_as_yaml_too(client):
    response = client.get("/schema/")

    assert response.status_code == HTTPStatus.OK
    assert yaml.safe_load(response.content)["info"]["title"] == "newsagg API"


def test_every_endpoint_is_described(schema):
    assert set(schema["paths"]) >= {
        "/v1/articles",
        "/v1/articles/{article_id}",
        "/v1/categories",
        "/v1/sources",
        "/v1/usage",
        "/healthz",
    }


def test_category_enum_and_parameters_with_bounds(schema):
    assert schema["components"]["schemas"]["CategoryEnum"]["enum"] == list(CATEGORIES)
    parameters = {p["name"]: p for p in schema["paths"]["/v1/articles"]["get"]["parameters"]}
    assert parameters["category"]["schema"]["enum"] == list(CATEGORIES)
    assert parameters["source"]["schema"]["enum"] == ["newsapi", "guardian"]
    assert parameters["page_size"]["schema"] == {"type": "integer", "maximum": 100, "minimum": 1}
    assert parameters["q"]["schema"]["maxLength"] == 200
    assert {"from", "to", "page", "limit", "source"} <= set(parameters)


def test_bearer_scheme_secures_the_api_and_not_health(schema):
    assert schema["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    assert schema["paths"]["/v1/articles"]["get"]["security"] == [{"ApiKey": []}]
    assert schema["paths"]["/healthz"]["get"].get("security", []) in ([], [{}])


def test_error_responses_with_examples_and_rate_limit_headers(schema):
    article_list = schema["paths"]["/v1/articles"]["get"]["responses"]
    for status in ("400", "401", "429"):
        content = article_list[status]["content"]["application/json"]
        assert content["schema"]["$ref"] == "#/components/schemas/Error"
        assert content["examples"]
    assert "404" in schema["paths"]["/v1/articles/{article_id}"]["get"]["responses"]
    assert set(article_list["200"]["headers"]) == {
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
        "X-Cache-Status",
    }
    assert "Retry-After" in article_list["429"]["headers"]
    example = next(iter(article_list["429"]["content"]["application/json"]["examples"].values()))
    assert example["value"]["error"]["code"] == "rate_limited"
    # /v1/usage does not count: no 429 and no rate-limit headers.
    usage = schema["paths"]["/v1/usage"]["get"]["responses"]
    assert "429" not in usage
    assert "headers" not in usage["200"]


@pytest.mark.parametrize("path", ["/docs", "/docs/", "/redoc", "/redoc/"])
def test_documentation_pages_use_the_services_own_assets(client, path):
    response = client.get(path)

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn." not in page
    assert "//unpkg" not in page
