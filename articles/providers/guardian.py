"""The Guardian Open Platform: /search by section, key in the api-key query parameter."""

from datetime import datetime
from typing import Any

from articles.constants import Category, Source
from articles.normalization import (
    AUTHOR_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    NormalizedArticle,
    clean_text,
    clean_url,
    optional_text,
    parse_datetime,
)
from articles.providers.base import ErrorKind, Provider, ProviderError, status_kind

PAGE_SIZE = 50
SHOW_FIELDS = "trailText,byline,thumbnail"
SOURCE_NAME = "The Guardian"

ERROR_MESSAGE = "The Guardian answered HTTP {status}: {message}"
NO_MESSAGE = "no message"


class GuardianProvider(Provider):
    name = Source.GUARDIAN.value
    label = Source.GUARDIAN.label
    # Section filters ("|" is OR). The Guardian has no "general" or "health" section: general is
    # the news sections, health is society (NHS and health policy); football is outside sport.
    category_map = {
        Category.BUSINESS.value: "business|money",
        Category.ENTERTAINMENT.value: "culture|film|music|tv-and-radio|books|stage|games|artanddesign",
        Category.GENERAL.value: "world|uk-news|us-news|politics",
        Category.HEALTH.value: "society",
        Category.SCIENCE.value: "science",
        Category.SPORTS.value: "sport|football",
        Category.TECHNOLOGY.value: "technology",
    }
    # The free developer key allows one call a second.
    min_interval = 1.0
    api_key_setting = "GUARDIAN_API_KEY"
    base_url_setting = "GUARDIAN_BASE_URL"
    daily_budget_setting = "GUARDIAN_DAILY_BUDGET"

    def request_for(self, category):
        params = {
            "section": self.category_map[category],
            "order-by": "newest",
            "page-size": str(PAGE_SIZE),
            "show-fields": SHOW_FIELDS,
            "api-key": self.api_key,
        }
        return f"{self.base_url}/search", params, {}

    def error_from(self, status: int, body: Any) -> ProviderError | None:
        # Two error shapes: the API's {"response": {"status": "error", "message"}} and the
        # gateway's bare {"message"} (missing or bad key, rate limit).
        response = body.get("response") if isinstance(body, dict) else None
        body_error = isinstance(response, dict) and response.get("status") == "error"
        if status < 400 and not body_error:
            return None
        message = None
        if isinstance(response, dict):
            message = response.get("message")
        elif isinstance(body, dict):
            message = body.get("message")
        kind = status_kind(status) if status >= 400 else ErrorKind.BAD_PARAMETER
        text = ERROR_MESSAGE.format(
            status=status, message=message if isinstance(message, str) and message else NO_MESSAGE
        )
        return ProviderError(kind, text, http_status=status)

    def items_from(self, body: Any, *, http_status: int) -> list:
        response = body.get("response") if isinstance(body, dict) else None
        if not isinstance(response, dict) or response.get("status") != "ok":
            raise self.unexpected_body(http_status, 'no "response" with "status": "ok"')
        items = response.get("results")
        if not isinstance(items, list):
            raise self.unexpected_body(http_status, 'no "response.results" list')
        return items

    def article_from(self, item: Any, fetched_at: datetime) -> NormalizedArticle | None:
        # Hosted items are paid-for (Guardian Labs) content, not news.
        if not isinstance(item, dict) or item.get("isHosted") is True:
            return None
        # `fields` is there only when asked for, and a field the item lacks is left out.
        fields = item.get("fields") if isinstance(item.get("fields"), dict) else {}
        url = clean_url(item.get("webUrl"))
        title = clean_text(item.get("webTitle"), TITLE_MAX_LENGTH) or clean_text(
            fields.get("headline"), TITLE_MAX_LENGTH
        )
        if url is None or not title:
            return None
        return NormalizedArticle(
            url=url,
            title=title,
            description=clean_text(fields.get("trailText"), DESCRIPTION_MAX_LENGTH),
            image_url=clean_url(fields.get("thumbnail")),
            author=optional_text(fields.get("byline"), AUTHOR_MAX_LENGTH),
            source_name=SOURCE_NAME,
            published_at=parse_datetime(item.get("webPublicationDate")) or fetched_at,
        )
