"""Recorded-shape provider payloads and the URLs the tests mock."""

import json
from datetime import UTC, datetime
from pathlib import Path

PAYLOADS = Path(__file__).parent / "payloads"

NEWSAPI_KEY = "newsapi-test-key-0123456789"
GUARDIAN_KEY = "guardian-test-key-0123456789"
NEWSAPI_BASE_URL = "https://newsapi.test/v2"
GUARDIAN_BASE_URL = "https://guardian.test"
NEWSAPI_URL = f"{NEWSAPI_BASE_URL}/top-headlines"
GUARDIAN_URL = f"{GUARDIAN_BASE_URL}/search"

# A fixed clock for tests that move time.
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def load_payload(name: str):
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def newsapi_article(n: int, **overrides) -> dict:
    """One NewsAPI item in the recorded shape."""
    item = {
        "source": {"id": None, "name": f"Publisher {n}"},
        "author": f"Author {n}",
        "title": f"Headline number {n}",
        "description": f"Description {n}",
        "url": f"https://news.example.com/{n}",
        "urlToImage": f"https://img.example.com/{n}.jpg",
        "publishedAt": f"2026-11-20T{n % 24:02d}:00:00Z",
        "content": f"Content {n}… [+100 chars]",
    }
    item.update(overrides)
    return item


def newsapi_page(items: list[dict]) -> dict:
    return {"status": "ok", "totalResults": len(items), "articles": items}
