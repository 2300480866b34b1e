"""NewsAPI.org v2: top headlines by category, key in the X-Api-Key header."""

from datetime import datetime
from typing import Any

from articles.constants import Category, Source
from articles.normalization import (
    AUTHOR_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    SOURCE_NAME_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    NormalizedArticle,
    clean_text,
    clean_url,
    optional_text,
    parse_datetime,
)
from articles.providers.base import ErrorKind, Provider, ProviderError, status_kind

PAGE_SIZE = 100
COUNTRY = "us"
# Withdrawn articles stay in the results as placeholders with this URL and title.
REMOVED_URL = "https://removed.com"
REMOVED_TITLE = "[Removed]"

ERROR_MESSAGE = "NewsAPI answered HTTP {status} {code}: {message}"
NO_MESSAGE = "no message"

# NewsAPI's documented error codes (https://newsapi.org/docs/errors) and the few seen in the wild.
ERROR_CODE_KINDS: dict[str, ErrorKind] = {
    "apiKeyMissing": ErrorKind.INVALID_KEY,
    "apiKeyInvalid": ErrorKind.INVALID_KEY,
    "apiKeyDisabled": ErrorKind.INVALID_KEY,
    "apiKeyExhausted": ErrorKind.QUOTA,
    "rateLimited": ErrorKind.QUOTA,
    "parameterInvalid": ErrorKind.BAD_PARAMETER,
    "parametersMissing": ErrorKind.BAD_PARAMETER,
    "parametersIncompatible": ErrorKind.BAD_PARAMETER,
    "sourcesTooMany": ErrorKind.BAD_PARAMETER,
    "sourceDoesNotExist": ErrorKind.BAD_PARAMETER,
    "maximumResultsReached": ErrorKind.BAD_PARAMETER,
    "unexpectedError": ErrorKind.SERVER_ERROR,
}


class NewsApiProvider(Provider):
    name = Source.NEWSAPI.value
    label = Source.NEWSAPI.label
    # Our categories are NewsAPI's own.
    category_map = {category.value: category.value for category in Category}
    min_interval = 0.0
    api_key_setting = "NEWSAPI_KEY"
    base_url_setting = "NEWSAPI_BASE_URL"
    daily_budget_setting = "NEWSAPI_DAILY_BUDGET"

    def request_for(self, category):
        params = {"category": self.category_map[category], "country": COUNTRY, "pageSize": str(PAGE_SIZE)}
        return f"{self.base_url}/top-headlines", params, {"X-Api-Key": self.api_key}

    def error_from(self, status: int, body: Any) -> ProviderError | None:
        # NewsAPI says "error" in the body as well as in the status; some answers say it only in the body.
        body_error = isinstance(body, dict) and body.get("status") == "error"
        if status < 400 and not body_error:
            return None
        code = body.get("code") if isinstance(body, dict) else None
        message = body.get("message") if isinstance(body, dict) else None
        kind = ERROR_CODE_KINDS.get(code) if isinstance(code, str) else None
        if kind is None:
            kind = status_kind(status) if status >= 400 else ErrorKind.BAD_RESPONSE
        text = ERROR_MESSAGE.format(
            status=status,
            code=code if isinstance(code, str) else "(no code)",
            message=message if isinstance(message, str) and message else NO_MESSAGE,
        )
        return ProviderError(kind, text, http_status=status)

    def items_from(self, body: Any, *, http_status: int) -> list:
        if not isinstance(body, dict) or body.get("status") != "ok":
            raise self.unexpected_body(http_status, 'no "status": "ok"')
        items = body.get("articles")
        if not isinstance(items, list):
            raise self.unexpected_body(http_status, 'no "articles" list')
        return items

    def article_from(self, item: Any, fetched_at: datetime) -> NormalizedArticle | None:
        if not isinstance(item, dict):
            return None
        url = clean_url(item.get("url"))
        title = clean_text(item.get("title"), TITLE_MAX_LENGTH)
        if url is None or not title or url.rstrip("/") == REMOVED_URL or title == REMOVED_TITLE:
            return None
        source = item.get("source") if isinstance(item.get("source"), dict) else {}
        return NormalizedArticle(
            url=url,
            title=title,
            description=clean_text(item.get("description"), DESCRIPTION_MAX_LENGTH),
            image_url=clean_url(item.get("urlToImage")),
            author=optional_text(item.get("author"), AUTHOR_MAX_LENGTH),
            source_name=clean_text(source.get("name"), SOURCE_NAME_MAX_LENGTH),
            published_at=parse_datetime(item.get("publishedAt")) or fetched_at,
        )
