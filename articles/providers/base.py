"""What every provider client shares: one HTTP session, a timeout on every call, one error type."""

import logging
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests
from django.conf import settings

from articles.models import FetchAttempt
from articles.normalization import NormalizedArticle
from newsagg.logs import key_value_line

logger = logging.getLogger("newsagg.providers")

USER_AGENT = "newsagg/1.0 (+https://github.com/newsagg)"

ErrorKind = FetchAttempt.ErrorKind

TIMEOUT_MESSAGE = "{label} did not answer within {timeout:g} s."
CONNECTION_MESSAGE = "Could not connect to {label} at {host}: {reason}."
NOT_JSON_MESSAGE = "{label} answered HTTP {status} with a body that is not JSON ({content_type})."
UNEXPECTED_BODY_MESSAGE = (
    "{label} answered HTTP {status} with JSON that is not the expected shape: {problem}."
)

# Error kinds a later call may cure on its own.
RETRYABLE_KINDS = frozenset({ErrorKind.CONNECTION, ErrorKind.SERVER_ERROR})


class ProviderError(Exception):
    """A provider call that did not give articles: what happened, in FetchAttempt's terms."""

    def __init__(self, kind: str, message: str, *, http_status: int | None = None) -> None:
        super().__init__(message)
        self.kind = ErrorKind(kind)
        self.message = message
        self.http_status = http_status

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE_KINDS

    def __repr__(self) -> str:
        return f"ProviderError({self.kind.value!r}, {self.message!r}, http_status={self.http_status!r})"


@dataclass(frozen=True)
class FetchPage:
    """One provider answer: its HTTP status and the articles it listed, normalised."""

    http_status: int
    articles: list[NormalizedArticle] = field(default_factory=list)
    # Items the provider listed but the store cannot keep (placeholders, no URL or title).
    dropped: int = 0


_sessions: dict[str, requests.Session] = {}
_sessions_lock = threading.Lock()


def provider_session(name: str) -> requests.Session:
    """The process-wide session of one provider (connection reuse, our User-Agent)."""
    with _sessions_lock:
        session = _sessions.get(name)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            session.headers["Accept"] = "application/json"
            _sessions[name] = session
        return session


class Provider:
    """One news provider: how to ask it for a category and how to read its answer.

    A subclass sets the class attributes, builds its request in `request_for` and reads
    the answer in `items_from`, `article_from` and `error_from`.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    # Our category -> the provider's name for it (a category or a section filter).
    category_map: ClassVar[dict[str, str]]
    # Seconds between two calls (the provider's per-second limit); 0 for none.
    min_interval: ClassVar[float] = 0.0
    # Names of the settings this provider reads.
    api_key_setting: ClassVar[str]
    base_url_setting: ClassVar[str]
    daily_budget_setting: ClassVar[str]

    def __init__(self, *, api_key: str, base_url: str, timeout: float, daily_budget: int) -> None:
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.daily_budget = daily_budget

    @classmethod
    def from_settings(cls) -> "Provider":
        return cls(
            api_key=getattr(settings, cls.api_key_setting),
            base_url=getattr(settings, cls.base_url_setting),
            timeout=settings.PROVIDER_TIMEOUT,
            daily_budget=getattr(settings, cls.daily_budget_setting),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.api_key)

    @property
    def disabled_reason(self) -> str:
        return f"{self.api_key_setting} is not set"

    # --- what a subclass provides -------------------------------------------------------

    def request_for(self, category: str) -> tuple[str, dict[str, str], dict[str, str]]:
        """(url, query parameters, headers) of the call for one of our categories."""
        raise NotImplementedError

    def items_from(self, body: Any, *, http_status: int) -> list:
        """The raw article items of a successful answer.

        Raises ProviderError when the body is not the success shape.
        """
        raise NotImplementedError

    def article_from(self, item: Any, fetched_at: datetime) -> NormalizedArticle | None:
        """One item normalised, or None when it is not a usable article."""
        raise NotImplementedError

    def error_from(self, status: int, body: Any) -> ProviderError | None:
        """The error an answer stands for, or None when it is a success."""
        raise NotImplementedError

    # --- the call -------------------------------------------------------------------------

    def fetch(self, category: str) -> FetchPage:
        """Ask the provider for the newest articles of one of our categories."""
        if category not in self.category_map:
            raise ValueError(f"{self.label} has no mapping for category {category!r}")
        url, params, headers = self.request_for(category)
        started = time.monotonic()
        outcome = "error"
        try:
            response = self._get(url, params=params, headers=headers)
            outcome = response.status_code
        except ProviderError as error:
            outcome = error.kind
            raise
        finally:
            # One line per call; never the URL, which carries the Guardian's key.
            logger.info(
                key_value_line(
                    provider=self.name,
                    category=category,
                    status=outcome,
                    duration_ms=f"{(time.monotonic() - started) * 1000:.1f}",
                )
            )
        body = self._json(response)
        error = self.error_from(response.status_code, body)
        if error is not None:
            raise error
        items = self.items_from(body, http_status=response.status_code)
        fetched_at = datetime.now(UTC)
        articles = [a for a in (self.article_from(item, fetched_at) for item in items) if a is not None]
        return FetchPage(
            http_status=response.status_code, articles=articles, dropped=len(items) - len(articles)
        )

    def _get(self, url: str, *, params: Mapping[str, str], headers: Mapping[str, str]) -> requests.Response:
        try:
            return provider_session(self.name).get(url, params=params, headers=headers, timeout=self.timeout)
        except requests.ConnectTimeout:
            raise self._connection_error(url, f"no connection within {self.timeout:g} s") from None
        except requests.Timeout:
            raise ProviderError(
                ErrorKind.TIMEOUT, TIMEOUT_MESSAGE.format(label=self.label, timeout=self.timeout)
            ) from None
        except requests.ConnectionError as exc:
            # The exception text holds the full URL, query string (and so a key) included.
            raise self._connection_error(url, _connection_reason(exc)) from None
        except requests.RequestException as exc:
            raise self._connection_error(url, type(exc).__name__) from None

    def _connection_error(self, url: str, reason: str) -> ProviderError:
        host = urlsplit(url).netloc or url
        return ProviderError(
            ErrorKind.CONNECTION, CONNECTION_MESSAGE.format(label=self.label, host=host, reason=reason)
        )

    def _json(self, response: requests.Response) -> Any:
        """The decoded body, or an error that says what came instead of JSON."""
        try:
            return response.json()
        except ValueError:
            pass
        status = response.status_code
        if status >= 500:
            return None  # error_from classifies a 5xx by its status alone
        if status in (401, 403, 429):
            return None  # gateways answer these with HTML or plain text too
        content_type = response.headers.get("Content-Type") or "no Content-Type"
        raise ProviderError(
            ErrorKind.BAD_RESPONSE,
            NOT_JSON_MESSAGE.format(label=self.label, status=status, content_type=content_type),
            http_status=status,
        )

    def unexpected_body(self, status: int, problem: str) -> ProviderError:
        return ProviderError(
            ErrorKind.BAD_RESPONSE,
            UNEXPECTED_BODY_MESSAGE.format(label=self.label, status=status, problem=problem),
            http_status=status,
        )


_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")]+")


def _connection_reason(exc: requests.ConnectionError) -> str:
    """A short reason without the URL: the exception text holds the query string, and so a key."""
    found = _ERRNO.search(str(exc))
    if found:
        return found.group(0).strip()
    return "the connection failed"


def status_kind(status: int) -> ErrorKind:
    """The error kind an HTTP status stands for when the body says nothing more."""
    if status in (401, 403):
        return ErrorKind.INVALID_KEY
    if status == 429:
        return ErrorKind.QUOTA
    if status == 408:
        return ErrorKind.TIMEOUT
    if status >= 500:
        return ErrorKind.SERVER_ERROR
    if 400 <= status < 500:
        return ErrorKind.BAD_PARAMETER
    return ErrorKind.BAD_RESPONSE
