from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest

from articles.constants import CATEGORIES
from articles.serializers import (
    CHOICE_MESSAGE,
    DATE_MESSAGE,
    PAGE_SIZE_CONFLICT_MESSAGE,
    RANGE_MESSAGE,
    ArticleListParamsSerializer,
)
from articles.tests.factories import make_article, make_fresh
from articles.views import ARTICLE_NOT_FOUND_MESSAGE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh(settings):
    """Every pair fresh, so these tests never reach a provider (an unmocked call would fail)."""
    settings.NEWSAPI_KEY = "newsapi-test-key"
    make_fresh()


def ids(response) -> list[int]:
    return [article["id"] for article in response.json()["articles"]]


def test_list_returns_the_envelope_with_the_article_shape(auth_client):
    article = make_article(
        title="AI Breakthrough in Medical Imaging",
        description="Researchers publish new results.",
        url="https://example.com/article",
        author="Jane Doe",
        source_name="BBC News",
        published_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
    )

    response = auth_client.get("/v1/articles")

    assert response.status_code == HTTPStatus.OK
    assert response["X-Cache-Status"] == "hit"
    assert response.json() == {
        "articles": [
            {
                "id": article.id,
                "title": "AI Breakthrough in Medical Imaging",
                "description": "Researchers publish new results.",
                "url": "https://example.com/article",
                "image_url": None,
                "author": "Jane Doe",
                "source": "newsapi",
                "source_name": "BBC News",
                "category": "technology",
                "published_at": "2026-11-20T09:30:00Z",
            }
        ],
        "total": 1,
        "count": 1,
        "page": 1,
        "page_size": 20,
        "next": None,
        "previous": None,
        "cache_status": "hit",
    }


@pytest.mark.parametrize("path", ["/v1/articles", "/v1/articles/"])
def test_list_answers_with_and_without_trailing_slash(auth_client, path):
    assert auth_client.get(path).status_code == HTTPStatus.OK


def test_list_requires_a_key(client):
    response = client.get("/v1/articles")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["error"]["code"] == "not_authenticated"


def test_newest_first_with_ties_broken_by_newest_id(auth_client):
    day = datetime(2026, 11, 20, tzinfo=UTC)
    old = make_article(published_at=day - timedelta(days=1))
    tie_a = make_article(published_at=day)
    tie_b = make_article(published_at=day)
    new = make_article(published_at=day + timedelta(hours=1))

    assert ids(auth_client.get("/v1/articles")) == [new.id, tie_b.id, tie_a.id, old.id]
    assert ids(auth_client.get("/v1/articles?category=technology")) == [new.id, tie_b.id, tie_a.id, old.id]


def test_category_filter_finds_an_article_under_each_of_its_categories(auth_client):
    both = make_article(categories=("business", "technology"))
    tech_only = make_article(categories=("technology",))
    make_article(categories=("sports",))

    assert ids(auth_client.get("/v1/articles?category=business")) == [both.id]
    assert ids(auth_client.get("/v1/articles?category=technology")) == [tech_only.id, both.id]
    # The article keeps the first category it was seen under.
    body = auth_client.get("/v1/articles?category=technology").json()
    assert body["articles"][1]["category"] == "business"


def test_source_filter_with_and_without_category(auth_client):
    guardian = make_article(source="guardian", categories=("science",))
    newsapi = make_article(source="newsapi", categories=("science",))

    assert ids(auth_client.get("/v1/articles?source=guardian")) == [guardian.id]
    assert ids(auth_client.get("/v1/articles?source=newsapi&category=science")) == [newsapi.id]


def test_q_needs_every_word_in_title_or_description_case_insensitively(auth_client):
    both_in_title = make_article(title="Solar power record in Spain", description="")
    split = make_article(title="Record heat", description="Across SPAIN and Portugal")
    one_word = make_article(title="Solar eclipse", description="Seen from Portugal")

    assert ids(auth_client.get("/v1/articles?q=spain record")) == [split.id, both_in_title.id]
    assert ids(auth_client.get("/v1/articles?q=SOLAR")) == [one_word.id, both_in_title.id]
    assert ids(auth_client.get("/v1/articles?q=solar+portugal")) == [one_word.id]
    assert ids(auth_client.get("/v1/articles?q=solar%20mars")) == []
    # An empty or blank q is no filter.
    assert len(ids(auth_client.get("/v1/articles?q=%20"))) == 3


@pytest.mark.parametrize("q", ["%", "_", "'", "\\", "100%", "a_b", "' OR 1=1 --"])
def test_q_matches_like_and_sql_metacharacters_literally(auth_client, q):
    literal = make_article(title=f"Title with {q} inside")
    make_article(title="Title with nothing special")

    response = auth_client.get("/v1/articles", {"q": q})

    assert response.status_code == HTTPStatus.OK
    assert ids(response) == [literal.id]


def test_from_and_to_are_inclusive_dates_and_date_times(auth_client):
    before = make_article(published_at=datetime(2026, 11, 18, 23, 59, 59, tzinfo=UTC))
    start = make_article(published_at=datetime(2026, 11, 19, 0, 0, tzinfo=UTC))
    end = make_article(published_at=datetime(2026, 11, 20, 23, 59, 59, 999999, tzinfo=UTC))
    after = make_article(published_at=datetime(2026, 11, 21, 0, 0, tzinfo=UTC))

    assert ids(auth_client.get("/v1/articles?from=2026-11-19&to=2026-11-20")) == [end.id, start.id]
    assert ids(auth_client.get("/v1/articles?from=2026-11-21")) == [after.id]
    assert ids(auth_client.get("/v1/articles?to=2026-11-18")) == [before.id]
    # Date-times are inclusive to the second given; no offset means UTC.
    response = auth_client.get("/v1/articles", {"from": "2026-11-19T00:00:00Z", "to": "2026-11-21T00:00:00"})
    assert ids(response) == [after.id, end.id, start.id]
    response = auth_client.get(
        "/v1/articles", {"from": "2026-11-19T01:00:00+01:00", "to": "2026-11-19T00:00Z"}
    )
    assert ids(response) == [start.id]
    # Also within one category (served from the category links).
    assert ids(auth_client.get("/v1/articles?category=technology&from=2026-11-19&to=2026-11-20")) == [
        end.id,
        start.id,
    ]


def invalid(field: str, message: str) -> dict:
    return {field: [message]}


CATEGORY_CHOICES = CHOICE_MESSAGE.format(choices=", ".join(CATEGORIES))
SOURCE_CHOICES = CHOICE_MESSAGE.format(choices="newsapi, guardian")


@pytest.mark.parametrize(
    ("query", "details"),
    [
        pytest.param({"category": "weather"}, invalid("category", CATEGORY_CHOICES), id="unknown-category"),
        pytest.param({"category": "Technology"}, invalid("category", CATEGORY_CHOICES), id="category-case"),
        pytest.param({"source": "bbc"}, invalid("source", SOURCE_CHOICES), id="unknown-source"),
        pytest.param(
            {"q": "x" * 201},
            invalid("q", "Ensure this field has no more than 200 characters."),
            id="q-too-long",
        ),
        pytest.param({"q": "nul\x00byte"}, invalid("q", "Null characters are not allowed."), id="q-nul"),
        pytest.param({"from": "yesterday"}, invalid("from", DATE_MESSAGE), id="from-words"),
        pytest.param({"from": "2026-02-30"}, invalid("from", DATE_MESSAGE), id="from-impossible-date"),
        pytest.param({"to": "2026-11-20T25:00:00Z"}, invalid("to", DATE_MESSAGE), id="to-impossible-time"),
        pytest.param({"to": "20/11/2026"}, invalid("to", DATE_MESSAGE), id="to-not-iso"),
        pytest.param(
            {"from": "2026-11-21", "to": "2026-11-20"}, invalid("from", RANGE_MESSAGE), id="from-after-to"
        ),
        pytest.param(
            {"page": "0"}, invalid("page", "Ensure this value is greater than or equal to 1."), id="page-0"
        ),
        pytest.param(
            {"page": "-3"}, invalid("page", "Ensure this value is greater than or equal to 1."), id="page-neg"
        ),
        pytest.param({"page": "two"}, invalid("page", "A valid integer is required."), id="page-word"),
        pytest.param({"page": "1.5"}, invalid("page", "A valid integer is required."), id="page-fraction"),
        pytest.param(
            {"page_size": "0"},
            invalid("page_size", "Ensure this value is greater than or equal to 1."),
            id="size-0",
        ),
        pytest.param(
            {"page_size": "101"},
            invalid("page_size", "Ensure this value is less than or equal to 100."),
            id="size-101",
        ),
        pytest.param(
            {"page_size": "ten"}, invalid("page_size", "A valid integer is required."), id="size-word"
        ),
        pytest.param(
            {"limit": "101"},
            invalid("limit", "Ensure this value is less than or equal to 100."),
            id="limit-101",
        ),
        pytest.param(
            {"limit": "0"}, invalid("limit", "Ensure this value is greater than or equal to 1."), id="limit-0"
        ),
        pytest.param(
            {"page_size": "10", "limit": "20"},
            invalid("page_size", PAGE_SIZE_CONFLICT_MESSAGE),
            id="size-limit-clash",
        ),
    ],
)
def test_invalid_parameters_give_400_naming_the_parameter(auth_client, query, details):
    response = auth_client.get("/v1/articles", query)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert error["details"] == details
    field = next(iter(details))
    assert error["message"] == f"Invalid parameter '{field}': {details[field][0]}"


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"category": "sports", "source": "guardian"}, id="category-source"),
        pytest.param({"q": "x" * 200}, id="q-200"),
        pytest.param({"from": "2026-11-20", "to": "2026-11-20"}, id="same-day"),
        pytest.param({"from": "2026-11-20T09:30:00.123456+05:30"}, id="offset-microseconds"),
        pytest.param({"page": "1", "page_size": "100"}, id="size-100"),
        pytest.param({"page_size": "1", "limit": "1"}, id="size-and-equal-limit"),
        pytest.param({"unknown": "ignored"}, id="unknown-parameter"),
        pytest.param({"category": "", "source": "", "q": ""}, id="empty-means-no-filter"),
    ],
)
def test_valid_parameter_forms_are_accepted(auth_client, query):
    assert auth_client.get("/v1/articles", query).status_code == HTTPStatus.OK


@pytest.fixture
def five_articles():
    base = datetime(2026, 11, 20, tzinfo=UTC)
    # Newest first: ids in descending order of publication.
    return [make_article(published_at=base - timedelta(hours=h)).id for h in range(5)]


def test_pages_split_the_list_with_working_next_and_previous_links(auth_client, five_articles):
    first = auth_client.get("/v1/articles?page_size=2").json()
    assert [a["id"] for a in first["articles"]] == five_articles[:2]
    assert (first["total"], first["count"], first["page"], first["page_size"]) == (5, 2, 1, 2)
    assert '"total":5,' in auth_client.get("/v1/articles?page_size=2").content.decode()  # an integer
    assert first["previous"] is None
    assert first["next"] == "http://testserver/v1/articles?page_size=2&page=2"

    second = auth_client.get(first["next"]).json()
    assert [a["id"] for a in second["articles"]] == five_articles[2:4]
    last = auth_client.get(second["next"]).json()
    assert [a["id"] for a in last["articles"]] == five_articles[4:]
    assert (last["count"], last["page"], last["next"]) == (1, 3, None)
    back = auth_client.get(last["previous"]).json()
    assert back == second


def test_a_page_past_the_end_is_empty_and_points_back_to_the_last_page(auth_client, five_articles):
    response = auth_client.get("/v1/articles?page=9&page_size=2")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert (body["articles"], body["total"], body["count"], body["page"]) == ([], 5, 0, 9)
    assert body["next"] is None
    assert body["previous"] == "http://testserver/v1/articles?page=3&page_size=2"


def test_a_huge_page_number_is_an_empty_page(auth_client, five_articles):
    response = auth_client.get("/v1/articles", {"page": "9" * 30})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["articles"] == []


def test_limit_is_an_alias_of_page_size_and_is_kept_in_links(auth_client, five_articles):
    body = auth_client.get("/v1/articles?limit=3&category=technology").json()

    assert [a["id"] for a in body["articles"]] == five_articles[:3]
    assert body["page_size"] == 3
    assert body["next"] == "http://testserver/v1/articles?limit=3&category=technology&page=2"
    assert [a["id"] for a in auth_client.get(body["next"]).json()["articles"]] == five_articles[3:]


def test_empty_store_gives_an_empty_first_page(auth_client):
    body = auth_client.get("/v1/articles").json()

    assert (body["articles"], body["total"], body["count"], body["next"], body["previous"]) == (
        [],
        0,
        0,
        None,
        None,
    )


@pytest.mark.parametrize("suffix", ["", "/"])
def test_detail_returns_one_article(auth_client, suffix):
    article = make_article(title="One", categories=("health", "science"))

    response = auth_client.get(f"/v1/articles/{article.id}{suffix}")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["id"] == article.id
    assert response.json()["title"] == "One"
    assert response.json()["category"] == "health"


@pytest.mark.parametrize(
    "article_id", ["999999", "999999999999999999", "9999999999999999999999", "abc", "-1"]
)
def test_detail_of_an_unknown_article_is_a_404_envelope(auth_client, article_id):
    response = auth_client.get(f"/v1/articles/{article_id}")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"]["code"] == "not_found"


def test_detail_404_names_the_id(auth_client):
    response = auth_client.get("/v1/articles/424242")

    assert response.json() == {
        "error": {"code": "not_found", "message": ARTICLE_NOT_FOUND_MESSAGE.format(id=424242), "details": {}}
    }


def test_categories_lists_each_category_with_provider_names(auth_client):
    response = auth_client.get("/v1/categories/")

    assert response.status_code == HTTPStatus.OK
    categories = response.json()["categories"]
    assert [c["category"] for c in categories] == list(CATEGORIES)
    sports = next(c for c in categories if c["category"] == "sports")
    assert sports["providers"]["newsapi"] == "sports"
    assert sports["providers"]["guardian"].split("|")[0] == "sport"


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("", id="no-filters"),
        pytest.param("?category=technology", id="category"),
        pytest.param(
            "?category=technology&source=newsapi&q=solar&from=2026-01-01&to=2026-12-31", id="all-filters"
        ),
        pytest.param("?source=guardian&page=2&page_size=5", id="source-page-2"),
    ],
)
def test_a_cache_hit_list_makes_at_most_five_queries(
    auth_client, api_key, django_assert_max_num_queries, query
):
    for _ in range(12):
        make_article(title="Solar farm", categories=("technology", "science"))
    auth_client.get("/v1/articles")  # last_used_at is now recent: no write in the measured request

    with django_assert_max_num_queries(5):
        response = auth_client.get(f"/v1/articles{query}")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["cache_status"] == "hit"


def test_each_parameter_serializer_validates_with_fields_of_its_own():
    bad = ArticleListParamsSerializer(data={"page": "0", "category": "weather"})
    good = ArticleListParamsSerializer(data={"page": "2", "category": "science"})

    assert not bad.is_valid()
    assert good.is_valid(), good.errors
    assert good.validated_data["page"] == 2
    assert set(bad.errors) == {"page", "category"}
    for name in ("page", "category", "from"):
        assert good.fields[name] is not bad.fields[name]
        assert (good.fields[name].parent, bad.fields[name].parent) == (good, bad)
