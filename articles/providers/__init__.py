"""The news providers: a third one is one Provider subclass and one line in PROVIDERS."""

from articles.normalization import NormalizedArticle
from articles.providers.base import FetchPage, Provider, ProviderError
from articles.providers.guardian import GuardianProvider
from articles.providers.newsapi import NewsApiProvider

PROVIDERS: dict[str, type[Provider]] = {
    NewsApiProvider.name: NewsApiProvider,
    GuardianProvider.name: GuardianProvider,
}


def get_provider(name: str) -> Provider:
    """The provider called `name`, configured from the current settings."""
    try:
        provider_class = PROVIDERS[name]
    except KeyError:
        raise ValueError(f"Unknown provider {name!r}; known: {', '.join(PROVIDERS)}") from None
    return provider_class.from_settings()


def enabled_providers() -> list[str]:
    """Names of the providers that have a key, in registry order."""
    return [name for name in PROVIDERS if get_provider(name).enabled]


__all__ = [
    "PROVIDERS",
    "FetchPage",
    "NormalizedArticle",
    "Provider",
    "ProviderError",
    "enabled_providers",
    "get_provider",
]
